"""Tests of the Python module uniffi generates (`recobro_uniffi.py`, with the cdylib beside it).

Run by bindings/uniffi/test.sh, which sets RECOBRO_UNIFFI_GEN (the folder holding the
generated module and librecobro_uniffi.so) and RECOBRO_EXPECTED (the CLI's decisions).
"""

import json
import os
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
GEN = Path(os.environ.get("RECOBRO_UNIFFI_GEN", ROOT / "target" / "uniffi-gen" / "python"))
EXPECTED = Path(os.environ.get("RECOBRO_EXPECTED", ROOT / "target" / "uniffi-gen" / "expected"))
CASES = ROOT / "examples" / "data" / "cases"
AS_OF = "2026-03-16T15:00:00Z"

sys.path.insert(0, str(GEN))
import recobro_uniffi as r  # noqa: E402  (generated; found through sys.path)

SAMPLES = sorted(p.stem for p in CASES.glob("*.json"))


def case(name: str) -> str:
    return (CASES / f"{name}.json").read_text()


@pytest.fixture(scope="module")
def policy():
    return r.Policy.default()


@pytest.mark.parametrize("name", SAMPLES)
def test_decision_json_equals_cli_bytes(policy, name):
    expected = (EXPECTED / f"{name}.ndjson").read_text().rstrip("\n")
    d = policy.evaluate(case(name), AS_OF)
    assert d.json == expected
    doc = json.loads(d.json)
    assert d.case_id == doc["case_id"]
    assert d.segment == doc["segment"]
    assert [c.blocked_by for c in d.candidates] == [c["blocked_by"] for c in doc["candidates"]]
    assert d.charges.totals == doc["charges"]["totals"]
    # the typed scores are the CLI's (the default policy scores most cases)
    assert [
        {
            "scorecard": s.scorecard,
            "version": s.version,
            "score": s.score,
            "band": s.band,
            **({} if s.probability is None else {"probability": s.probability}),
            **({} if s.event is None else {"event": s.event}),
            "reasons": [
                {"characteristic": x.characteristic, "reason": x.reason, "points": x.points, "best": x.best}
                for x in s.reasons
            ],
        }
        for s in d.scores
    ] == doc.get("scores", [])


def test_samples_are_scored():
    scored = [n for n in SAMPLES if '"scores":[{"scorecard":"behavioural"' in (EXPECTED / f"{n}.ndjson").read_text()]
    assert len(scored) >= len(SAMPLES) // 2


SCORED_CASE = json.dumps(
    {
        "id": "S-1",
        "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
        "debts": [
            {
                "id": "L-1",
                "currency": "COP",
                "original_amount": "1000000",
                "outstanding": "800000",
                "issued_on": "2025-06-01",
                "due_on": "2026-03-01",
            }
        ],
        "attributes": {"risk_score": 300},
    }
)


def test_default_policy_decision_carries_the_behavioural_score(policy):
    # Worked by hand from rules/scorecards/behavioural.json: 15 days past due, no promise,
    # no payment, risk_score 300: 230 + 90 + 80 + 0 + 10 + 180 = 590, band low (>= 550);
    # probability 1 / (1 + e^-(-5 + 5.90)) = 0.710950; reason codes by shortfall against
    # the best bin: recent_payment 70, promises_kept 50, days_past_due 10.
    from decimal import Decimal

    (s,) = policy.evaluate(SCORED_CASE, AS_OF).scores
    assert (s.scorecard, s.version, s.score, s.band, s.event) == (
        "behavioural",
        "1.0.0",
        590,
        "low",
        "pays within 30 days",
    )
    assert Decimal(s.probability) == Decimal("0.710950")
    assert s.reasons == [
        r.ScoreReason(characteristic="recent_payment", reason="No recent payment", points=10, best=80),
        r.ScoreReason(characteristic="promises_kept", reason="Few kept payment promises", points=0, best=50),
        r.ScoreReason(
            characteristic="days_past_due", reason="Days past due on the oldest overdue debt", points=90, best=100
        ),
    ]


# 5 points below 10 days past due, 0 from 10 on; band a from 3, else b. The second bin
# is on line 8.
HOUSE = """{
  "name": "house",
  "version": "7",
  "characteristics": [
    {"id": "dpd", "fact": "days_past_due", "reason": "DPD",
     "bins": [
       {"to": 10, "points": 5},
       {"from": 10, "points": 0}
     ]}
  ],
  "bands": [{"name": "a", "min": 3}, {"name": "b"}]
}"""
SCORING = 'fn segment(c) { c.score("house").band }'


def test_host_scorecard_in_the_options():
    d = r.Policy(SCORING, scorecards={"house": HOUSE}).evaluate(SCORED_CASE, AS_OF)
    assert d.segment == "b"
    assert d.scores == [
        r.Score(
            scorecard="house",
            version="7",
            score=0,
            band="b",
            probability=None,
            event=None,
            reasons=[r.ScoreReason(characteristic="dpd", reason="DPD", points=0, best=5)],
        )
    ]
    gap = HOUSE.replace('{"from": 10, "points": 0}', '{"from": 12, "points": 0}')
    assert gap != HOUSE
    with pytest.raises(r.RecobroError.Failure) as e:
        r.Policy(SCORING, scorecards={"house": gap})
    assert (e.value.code, e.value.line, e.value.module) == ("policy.contract", 8, "scorecards/house")
    assert "fall in no bin" in e.value.message


# A host decision table, first hit on days past due: below 10 early (priority 1), 10 up
# to 30 mid (2), from 30 late (3). The rows are on lines 8, 9 and 10.
HOUSE_TABLE = """{
  "name": "house",
  "version": "3",
  "hit": "first",
  "inputs": [{"name": "dpd", "type": "number"}],
  "outputs": ["segment", "priority"],
  "rows": [
    {"when": {"dpd": "..10"}, "then": {"segment": "early", "priority": 1}},
    {"when": {"dpd": "10..30"}, "then": {"segment": "mid", "priority": 2}},
    {"when": {"dpd": "30.."}, "then": {"segment": "late", "priority": 3}}
  ]
}"""
TABLED = """fn segment(c) {
    let t = c.table("house", #{dpd: c.days_past_due});
    `${t.segment}-${t.priority}`
}"""


def test_host_table_in_the_options():
    # Worked by hand from the table: SCORED_CASE is 15 days past due (due 2026-03-01,
    # as of 2026-03-16): row 2 (10 <= 15 < 30), mid, priority 2; due 2026-01-01 is
    # 31 + 28 + 15 = 74 days past due: row 3; due 2026-03-11 is 5: row 1.
    p = r.Policy(TABLED, tables={"house": HOUSE_TABLE})
    assert p.evaluate(SCORED_CASE, AS_OF).segment == "mid-2"
    for due_on, segment in (("2026-01-01", "late-3"), ("2026-03-11", "early-1")):
        assert p.evaluate(SCORED_CASE.replace("2026-03-01", due_on), AS_OF).segment == segment
    # the same through the options JSON
    q = r.Policy.with_options_json(TABLED, json.dumps({"tables": {"house": HOUSE_TABLE}}))
    assert q.evaluate(SCORED_CASE, AS_OF).segment == "mid-2"


def test_host_table_with_a_row_never_reached():
    # A row for 5 up to 8 days after the row below 10: every value it matches is matched
    # first by row 1, so row 2 (now on line 9) is never reached.
    shadowed = HOUSE_TABLE.replace(
        '"priority": 1}},\n',
        '"priority": 1}},\n    {"when": {"dpd": "5..8"}, "then": {"segment": "never", "priority": 0}},\n',
    )
    assert shadowed.splitlines()[8].lstrip().startswith('{"when": {"dpd": "5..8"}')
    with pytest.raises(r.RecobroError.Failure) as e:
        r.Policy(TABLED, tables={"house": shadowed})
    assert (e.value.code, e.value.line, e.value.module) == ("policy.contract", 9, "tables/house")
    assert "row 2 is never reached" in e.value.message
    with pytest.raises(r.RecobroError.Failure) as e:
        r.Policy.with_options_json(TABLED, json.dumps({"tables": {"house": shadowed}}))
    assert (e.value.code, e.value.line, e.value.module) == ("policy.contract", 9, "tables/house")


# The best contact moment: a flat host prior (0.1 at every local hour for calls) and a
# New York debtor (UTC-5 in January) whose ledger holds three unanswered calls at 09:00
# local (14:00Z) and three conversations at 19:00 local (00:00Z the next day), all in
# December 2025, past every Regulation F cap and wait.
FLAT_PRIOR = json.dumps({"name": "flat", "version": "1", "channels": {"call": {"hours": ["0.1"] * 24}}})
TIMED = 'fn contact_timing() { #{ prior: "flat", horizon_hours: 48, weight: 4 } }\nfn actions(c) { [contact("call", "t")] }'
NEW_YORKER = json.dumps(
    {
        "id": "C",
        "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-NY", "timezone": "America/New_York"},
        "debts": [
            {"id": "A", "currency": "USD", "original_amount": "900", "outstanding": "900",
             "issued_on": "2025-10-01", "due_on": "2025-11-01"}
        ],
        "contacts": [
            {"at": f"2025-12-0{d}T14:00:00Z", "channel": "call", "direction": "outbound",
             "outcome": "no_answer", "debt_ids": ["A"]}
            for d in (1, 2, 3)
        ]
        + [
            {"at": f"2025-12-{d}T00:00:00Z", "channel": "call", "direction": "outbound",
             "outcome": "conversation", "debt_ids": ["A"]}
            for d in (11, 12, 13)
        ],
    }
)
# Monday 12 January 2026, 10:00 in New York.
TIMED_AS_OF = "2026-01-12T15:00:00Z"


def test_host_prior_gives_the_best_moment():
    # Worked by hand: hour 19 has 3 attempts, 3 reaching the debtor:
    # (3 + 4 * 0.1) / (3 + 4) = 3.4 / 7 = 0.485714; hour 9: 0.4 / 7 = 0.057143; any other
    # hour 0.4 / 4 = 0.1. The best slot is Monday 19:00 local (00:00Z Tuesday), lawful
    # (Reg F: 8:00 to 21:00 local), the first asked about.
    want = r.BestSlot(
        local_hour=19, weekday="mon", rate="0.485714", attempts=3, right_party=3, prior="flat@1",
        prior_rate="0.1", prior_weight="4", slots_checked=1,
    )
    p = r.Policy(TIMED, priors={"flat": FLAT_PRIOR})
    d = p.evaluate(NEW_YORKER, TIMED_AS_OF)
    c = d.candidates[0]
    assert c.best_at == "2026-01-13T00:00:00Z"
    assert c.best_slot == want
    assert (c.best_slot.rate, c.best_slot.attempts, c.best_slot.right_party) == ("0.485714", 3, 3)
    assert d.action.earliest_at == TIMED_AS_OF
    assert d.action.best_at == "2026-01-13T00:00:00Z"
    assert d.action.best_slot == want
    doc = json.loads(d.json)
    assert doc["action"]["best_slot"] == {
        "local_hour": 19, "weekday": "mon", "rate": "0.485714", "attempts": 3, "right_party": 3,
        "prior": "flat@1", "prior_rate": "0.1", "prior_weight": "4", "slots_checked": 1,
    }
    # the same through the options JSON
    q = r.Policy.with_options_json(TIMED, json.dumps({"priors": {"flat": FLAT_PRIOR}}))
    assert q.evaluate(NEW_YORKER, TIMED_AS_OF).candidates[0].best_slot == want
    # a policy without contact_timing() has no best moment
    plain = r.Policy('fn actions(c) { [contact("call", "t")] }')
    e = plain.evaluate(NEW_YORKER, TIMED_AS_OF)
    assert (e.candidates[0].best_at, e.candidates[0].best_slot, e.action.best_at) == (None, None, None)


def test_host_prior_that_does_not_check():
    short = json.dumps({"name": "flat", "version": "1", "channels": {"call": {"hours": ["0.1"] * 23}}})
    with pytest.raises(r.RecobroError.Failure) as e:
        r.Policy(TIMED, priors={"flat": short})
    assert (e.value.code, e.value.line, e.value.module) == ("policy.contract", 1, "priors/flat")
    assert "needs 24 rates" in e.value.message
    with pytest.raises(r.RecobroError.Failure) as e:
        r.Policy(TIMED)
    assert e.value.code == "policy.contract" and "no prior `flat`" in e.value.message


def test_default_policy_best_moment_matches_its_json(policy):
    d = policy.evaluate(NEW_YORKER, TIMED_AS_OF)
    doc = json.loads(d.json)
    assert d.action.channel == r.Channel.CALL
    assert d.action.best_at == doc["action"]["best_at"] >= d.action.earliest_at
    assert d.action.best_slot.prior.startswith("consumer@")
    for c, j in zip(d.candidates, doc["candidates"]):
        assert c.best_at == j.get("best_at")
        if c.best_slot is not None:
            assert (c.best_slot.rate, c.best_slot.prior_rate, c.best_slot.prior_weight) == (
                j["best_slot"]["rate"], j["best_slot"]["prior_rate"], j["best_slot"]["prior_weight"])


def test_typed_action(policy):
    d = policy.evaluate(case("preventive"), AS_OF)
    assert d.action.kind == "contact"
    assert d.action.channel == r.Channel.SMS
    assert d.action.earliest_at == AS_OF
    assert d.policy.digest.startswith("sha256:")


def test_syntax_error_has_line_and_column():
    with pytest.raises(r.RecobroError.Failure) as e:
        r.Policy("fn segment(c) {\n    let x = ;\n}\n")
    assert e.value.code == "policy.syntax"
    assert e.value.line == 2
    assert e.value.column and e.value.column > 0
    assert e.value.message
    # `display` is the core's one-line rendering, the same on every host (uniffi's
    # Python errors print their fields, `display` among them).
    assert e.value.display in str(e.value)
    assert e.value.display == f"policy.syntax: {e.value.message} (line 2, column {e.value.column})"


def test_runtime_error(policy):
    p = r.Policy("fn segment(c) {\n    no_such_function(c)\n}\n")
    with pytest.raises(r.RecobroError) as e:
        p.evaluate(case("preventive"), AS_OF)
    assert e.value.code == "policy.runtime"
    assert e.value.line == 2


def test_limit_error():
    p = r.Policy("fn segment(c) { loop { } }", limits=r.Limits(max_operations=5000))
    with pytest.raises(r.RecobroError.Failure) as e:
        p.evaluate(case("preventive"), AS_OF)
    assert e.value.code == "limit.operations"


def test_input_error_path(policy):
    bad = case("preventive").replace('"due_on": "2026-03-18"', '"due_on": "18/03/2026"')
    with pytest.raises(r.RecobroError.Failure) as e:
        policy.evaluate(bad, AS_OF)
    assert e.value.code == "input.invalid"
    assert e.value.path == "debts[0].due_on"


def test_evaluate_many_rows(policy):
    rows = policy.evaluate_many([case("preventive"), '{"id": 3}', case("legal")], AS_OF)
    assert rows[0].is_decided() and rows[2].is_decided()
    assert rows[1].is_failed()
    assert rows[1].error.path.startswith("[1]")


def test_check_contact_blocked(policy):
    c = policy.check_contact(case("preventive"), r.Channel.CALL, "2026-03-14T20:30:00Z")
    assert not c.allowed
    assert c.blocked_by == ["co.ley2300.hours"]
    assert c.next_allowed_at == "2026-03-16T12:00:00Z"
    assert json.loads(c.json)["next_allowed_at"] == c.next_allowed_at


def test_threads_share_one_policy(policy):
    reference = {n: policy.evaluate(case(n), AS_OF).json for n in SAMPLES}
    errors = []

    def work():
        for _ in range(3):
            for n in SAMPLES:
                if policy.evaluate(case(n), AS_OF).json != reference[n]:
                    errors.append(n)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_simulate(policy):
    s = r.simulate(policy, generate=20, settings=r.SimulationSettings(days=10, seed=3))
    assert len(s.arms) == 1
    assert s.arms[0].kpis.cases == 20
    assert len(s.arms[0].series) == 10
    assert json.loads(s.json)["arms"][0]["kpis"]["cases"] == 20
    assert s.uncertainty_table is None


def test_simulate_with_replications(policy):
    s = r.simulate(policy, generate=20, settings=r.SimulationSettings(days=5, seed=3, replications=3))
    u = json.loads(s.json)["uncertainty"]
    assert u["replications"] == 3 and u["seeds"][0] == "3"
    assert "Over 3 replications" in s.uncertainty_table


def test_experiment_plan_and_analyze():
    # sd 150, detect 25: (1.959964 + 0.841621)^2 * 2 * 150^2 / 25^2 = 565.1 -> 566 per arm.
    plan = json.loads(r.experiment_plan('{"baseline": "120", "sd": "150", "minimum_effect": "25"}'))
    assert plan["cases_per_arm"] == [566, 566]
    report = json.loads(r.experiment(
        '{"experiment": "e", "shares": [50, 50], "test": {"kind": "sequential", "minimum_effect": "10"},'
        ' "outcomes": [{"case_id": "A", "collected": "5"}]}'
    ))
    assert report["comparisons"][0]["status"] == "running"


def test_queue_reroutes_when_calls_are_full(policy):
    # No call capacity: the administrative case's call goes to its next lawful
    # candidate, the SMS; without a limit it is scheduled on its call.
    q = json.loads(r.queue(policy, case("administrative"), AS_OF, '{"call": 0}'))
    (item,) = q["items"]
    assert item["status"] == "rerouted" and item["rank"] == 1
    assert item["action"]["channel"] == "sms" and item["candidate"] == 1
    assert item["reason"] == "call capacity (0) reached: next lawful candidate 1 (sms)"
    assert q["used"] == {"sms": 1} and q["errors"] == []
    q = json.loads(r.queue(policy, case("administrative"), AS_OF, "{}"))
    assert q["items"][0]["status"] == "scheduled" and q["items"][0]["action"]["channel"] == "call"


def test_queue_bad_capacity(policy):
    with pytest.raises(r.RecobroError.Failure) as e:
        r.queue(policy, case("administrative"), AS_OF, '{"fax": 3}')
    assert e.value.code == "input.invalid"
    assert e.value.path == "capacity.fax"
