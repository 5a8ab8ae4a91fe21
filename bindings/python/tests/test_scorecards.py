"""Scorecards: the default policy's decision carries the behavioural score with its
reason codes (worked by hand, and equal to `recobro eval`'s JSON); a host scorecard
given in the policy options is the one scored, and one that does not check is refused
at its line."""

from __future__ import annotations

import json
import pickle
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import recobro
from conftest import AS_OF, AS_OF_TEXT, CASES_DIR


def consumer(due_on: str, **extra: Any) -> dict[str, Any]:
    """A consumer case in Colombia with one debt due on `due_on` (as of 2026-03-16)."""
    case: dict[str, Any] = {
        "id": "S-1",
        "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
        "debts": [
            {
                "id": "L-1",
                "currency": "COP",
                "original_amount": "1000000",
                "outstanding": "800000",
                "issued_on": "2025-06-01",
                "due_on": due_on,
            }
        ],
    }
    case.update(extra)
    return case


def cli_scores(cli: Path, case_file: Path) -> Any:
    """The decision's scores as `recobro eval` writes them, with the probability read as
    a Decimal (the binding's type for it) by this test, not by the binding."""
    out = subprocess.run(
        [str(cli), "eval", str(case_file), "--as-of", AS_OF_TEXT], check=True, capture_output=True, text=True
    ).stdout
    scores = json.loads(out).get("scores")
    for s in scores or []:
        if "probability" in s:
            assert isinstance(s["probability"], str)
            s["probability"] = Decimal(s["probability"])
    return scores


# Worked by hand from rules/scorecards/behavioural.json: 15 days past due (due
# 2026-03-01), no promise, no payment, risk_score 300:
#   base 230 + days_past_due 1..30 -> 90 + promises_broken 0 -> 80
#   + promises_kept 0 -> 0 + recent_payment missing -> 10 + external_risk < 400 -> 180
#   = 590, band low (>= 550); probability 1 / (1 + exp(-(-5.0 + 0.01 * 590))) =
#   1 / (1 + e^-0.9) = 0.710950 (6 places). Reason codes, largest shortfall against the
#   best bin first: recent_payment 80 - 10 = 70, promises_kept 50 - 0 = 50,
#   days_past_due 100 - 90 = 10; promises_broken and external_risk are at their best.
BEHAVIOURAL_590 = {
    "scorecard": "behavioural",
    "version": "1.0.0",
    "score": 590,
    "band": "low",
    "probability": Decimal("0.710950"),
    "event": "pays within 30 days",
    "reasons": [
        {"characteristic": "recent_payment", "reason": "No recent payment", "points": 10, "best": 80},
        {"characteristic": "promises_kept", "reason": "Few kept payment promises", "points": 0, "best": 50},
        {
            "characteristic": "days_past_due",
            "reason": "Days past due on the oldest overdue debt",
            "points": 90,
            "best": 100,
        },
    ],
}


def test_the_default_policy_carries_the_behavioural_score(
    policy: recobro.Policy, cli: Path, tmp_path: Path
) -> None:
    case = consumer("2026-03-01", attributes={"risk_score": 300})
    d = policy.evaluate(case, AS_OF)
    assert d["scores"] == [BEHAVIOURAL_590]
    score = d["scores"][0]
    assert isinstance(score["probability"], Decimal) and isinstance(score["score"], int)
    # the risk band the default policy decided on is the scorecard's
    f = tmp_path / "case.json"
    f.write_text(json.dumps(case), encoding="utf-8")
    assert cli_scores(cli, f) == [BEHAVIOURAL_590]
    # the JSON text and its dict agree too
    text = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    assert '"scores":[{"scorecard":"behavioural","version":"1.0.0","score":590,"band":"low",' in text
    assert recobro.decision_from_json(text)["scores"] == [BEHAVIOURAL_590]


def test_every_sample_case_scores_as_the_cli_does(policy: recobro.Policy, cli: Path) -> None:
    seen = 0
    for f in sorted(CASES_DIR.glob("*.json")):
        case = json.loads(f.read_text(encoding="utf-8"))
        got = policy.evaluate(case, AS_OF).get("scores")
        want = cli_scores(cli, f)
        assert got == want, f.name
        seen += bool(want)
    assert seen > 0  # the sample cases are scored (else nothing was compared)


def test_a_decision_without_scores_has_no_scores_key() -> None:
    p = recobro.Policy('fn segment(c) { "s" }')
    assert "scores" not in p.evaluate(consumer("2026-03-01"), AS_OF)


# A host scorecard: `dpd` gives 5 points below 10 days past due and 0 from 10 on; band
# `a` from 3 points, else `b`; no calibration. Line numbers matter to the tests below:
# the second bin is on line 8.
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


def test_a_host_scorecard_in_the_options_is_scored() -> None:
    p = recobro.Policy(SCORING, scorecards={"house": HOUSE})
    assert p.scorecards == {"house": HOUSE}
    # 15 days past due: 0 points (best 5), below 3: band b, one reason code.
    d = p.evaluate(consumer("2026-03-01"), AS_OF)
    assert d["segment"] == "b"
    assert d["scores"] == [
        {
            "scorecard": "house",
            "version": "7",
            "score": 0,
            "band": "b",
            "reasons": [{"characteristic": "dpd", "reason": "DPD", "points": 0, "best": 5}],
        }
    ]
    # 5 days past due: 5 points, band a, at its best: no reason code.
    d = p.evaluate(consumer("2026-03-11"), AS_OF)
    assert (d["segment"], d["scores"][0]["score"], d["scores"][0]["reasons"]) == ("a", 5, [])
    # without it the policy names a scorecard there is none of
    with pytest.raises(recobro.RecobroError) as e:
        recobro.Policy(SCORING).evaluate(consumer("2026-03-01"), AS_OF)
    assert "no scorecard `house`" in e.value.message


def test_a_host_scorecard_replaces_the_embedded_one() -> None:
    src = 'fn segment(c) { c.score("behavioural").band }'
    mine = HOUSE.replace('"name": "house"', '"name": "behavioural"')
    d = recobro.Policy(src, scorecards={"behavioural": mine}).evaluate(consumer("2026-03-01"), AS_OF)
    assert (d["segment"], d["scores"][0]["version"]) == ("b", "7")
    # the embedded one: 590 as worked above, band low
    d = recobro.Policy(src).evaluate(consumer("2026-03-01", attributes={"risk_score": 300}), AS_OF)
    assert d["scores"] == [BEHAVIOURAL_590]


def test_a_scorecard_with_a_gap_is_refused_at_its_line(tmp_path: Path) -> None:
    # 10 <= x < 12 falls in no bin: the bin on line 8 is at fault.
    gap = HOUSE.replace('{"from": 10, "points": 0}', '{"from": 12, "points": 0}')
    assert gap != HOUSE
    with pytest.raises(recobro.PolicyRuntimeError) as e:
        recobro.Policy(SCORING, scorecards={"house": gap})
    err = e.value
    assert err.code == "policy.contract"
    assert err.line == 8
    assert err.module == "scorecards/house"
    assert "fall in no bin" in err.message
    # the same from a file
    f = tmp_path / "p.rhai"
    f.write_text(SCORING, encoding="utf-8")
    with pytest.raises(recobro.PolicyRuntimeError) as e:
        recobro.Policy.from_file(f, scorecards={"house": gap})
    assert (e.value.code, e.value.line) == ("policy.contract", 8)


def test_a_scorecard_that_is_no_text_is_refused_at_its_option() -> None:
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.Policy(SCORING, scorecards={"house": json.loads(HOUSE)})  # type: ignore[dict-item]
    assert (e.value.path or "").startswith("options.scorecards"), e.value


def test_a_policy_with_host_scorecards_pickles_with_them() -> None:
    p = recobro.Policy(SCORING, scorecards={"house": HOUSE})
    again = pickle.loads(pickle.dumps(p))
    assert again.scorecards == {"house": HOUSE}
    assert again == p
    assert again.evaluate(consumer("2026-03-01"), AS_OF)["segment"] == "b"
    # the digest covers the source alone, so equality looks at the scorecards too
    other = recobro.Policy(SCORING, scorecards={"house": HOUSE.replace('"version": "7"', '"version": "8"')})
    assert other.digest == p.digest and other != p
