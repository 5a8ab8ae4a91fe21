"""``recobro.queue``: the day's work queue under daily capacities, on the batch worked by
hand in ``core/tests/queue.rs`` (its policy and cases, copied here) and against
``recobro queue --format json`` on ``test-data/report``; and ``SimulationRequest.capacity``
through ``recobro.simulate``."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import recobro

from conftest import ROOT

POLICY = """
fn actions(c) {
    if c.attr("task", false) { return [task("legal_review").with_priority(60)]; }
    [contact("call", "c").with_priority(c.attr("p", 0)), contact("sms", "s").with_priority(10)]
}"""

#: Monday 12 January 2026, noon in New York: calls and SMS are within Reg F's hours.
AS_OF = "2026-01-12T17:00:00Z"


def case(id: str, p: int, balance: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    v: dict[str, Any] = {
        "id": id,
        "debtor": {"id": id, "kind": "consumer", "jurisdiction": "US", "timezone": "America/New_York"},
        "debts": [{"id": "A", "currency": "USD", "original_amount": balance, "outstanding": balance,
                   "issued_on": "2025-10-01", "due_on": "2025-11-01"}],
        "attributes": {"p": p},
    }
    for k, x in (extra or {}).items():
        if k == "flags":
            v["debtor"]["flags"] = x
        else:
            v["attributes"][k] = x
    return v


def batch() -> list[dict[str, Any]]:
    return [
        case("A", 90, "100"),
        case("B", 90, "500"),
        case("C", 80, "1000"),
        case("D", 70, "50"),
        case("E", 70, "50"),
        case("F", 95, "900", {"flags": ["dispute"]}),
        case("G", 60, "10", {"task": True}),
        {"id": "H"},
        case("A", 99, "1"),
    ]


@pytest.fixture(scope="module")
def policy() -> recobro.Policy:
    return recobro.Policy(POLICY)


def row(item: dict[str, Any]) -> tuple[Any, ...]:
    action = item.get("action") or {}
    return (item["case_id"], item["status"], item.get("rank"), action.get("channel") or action.get("kind"))


def test_the_queue_fills_by_priority_then_value_and_reroutes_or_waits(policy: recobro.Policy) -> None:
    q = recobro.queue(policy, batch(), AS_OF, {"call": 2, "sms": 1})
    assert [row(i) for i in q["items"]] == [
        ("B", "scheduled", 1, "call"),
        ("A", "scheduled", 2, "call"),
        ("C", "rerouted", 3, "sms"),
        ("G", "scheduled", 4, "legal_review"),
        ("D", "waiting", None, None),
        ("E", "waiting", None, None),
        ("F", "no_action", None, None),
    ]
    items = q["items"]
    assert items[2]["candidate"] == 1
    assert items[2]["reason"] == "call capacity (2) reached: next lawful candidate 1 (sms)"
    assert items[4]["reason"] == (
        "call capacity (2) and sms capacity (1) reached: no lawful candidate has room today"
    )
    assert items[6]["reason"] == "every candidate was blocked by compliance rules"
    # The outstanding amount (no contact timing, no calibrated score), as a Decimal.
    assert items[0]["expected_value"] == Decimal("500")
    assert isinstance(items[0]["expected_value"], Decimal)
    assert items[0]["currency"] == "USD"
    assert q["used"] == {"call": 2, "sms": 1}
    assert q["capacity"] == {"call": 2, "sms": 1}
    errors = [(e["index"], e["error"].get("path", "")) for e in q["errors"]]
    assert len(errors) == 2, q["errors"]
    assert errors[0][0] == 7 and errors[0][1].startswith("[7]")
    assert errors[1] == (8, "[8].id")


def test_json_text_and_no_capacity(policy: recobro.Policy) -> None:
    text = json.dumps(batch())
    assert recobro.queue(policy, text, AS_OF, {"call": 2, "sms": 1}) == recobro.queue(
        policy, batch(), AS_OF, '{"call": 2, "sms": 1}'
    )
    q = recobro.queue(policy, text.encode(), AS_OF, {})
    assert [i["status"] for i in q["items"][:6]] == ["scheduled"] * 6
    assert q["errors"][0]["index"] == 7


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def without_messages(q: dict[str, Any]) -> dict[str, Any]:
    q = dict(q)
    q["errors"] = [
        {"index": e["index"], "code": e["error"]["code"], "path": e["error"].get("path")} for e in q["errors"]
    ]
    return q


@pytest.mark.parametrize(
    ("capacity", "status"),
    [({}, "scheduled"), ({"email": 1}, "rerouted"), ({"email": 1, "sms": 0}, "waiting")],
)
def test_the_cli_gives_the_same_queue(cli: Path, capacity: dict[str, int], status: str) -> None:
    data = ROOT / "test-data" / "report"
    as_of = "2026-06-30T15:00:00Z"
    args = [str(cli), "queue", str(data / "current.json"), "--policy", str(data / "policy.rhai"),
            "--as-of", as_of, "--format", "json"]
    for ch, n in capacity.items():
        args += ["--capacity", f"{ch}={n}"]
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    assert out.returncode in (0, 1), out.stderr
    expected = json.loads(out.stdout)
    cases = json.loads((data / "current.json").read_text(encoding="utf-8"))
    got = recobro.queue(recobro.Policy.from_file(data / "policy.rhai"), cases, as_of, capacity)
    assert without_messages(plain(got)) == without_messages(expected)
    assert got["errors"], "the snapshot has an unreadable case"
    # Two cases have an action (an email, then an SMS) at that clock: the second one is
    # scheduled, rerouted to its SMS or waiting.
    assert [i["status"] for i in got["items"][:2]] == ["scheduled", status]


def test_bad_capacity_and_clock(policy: recobro.Policy) -> None:
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.queue(policy, batch(), AS_OF, {"fax": 3})
    assert e.value.path == "capacity.fax"
    for cap, path in [({"call": -1}, "capacity.call"), ({"call": "many"}, "capacity.call"),
                      ({"call": 10_000_001}, "capacity.call"), ("[1]", "capacity")]:
        with pytest.raises(recobro.InvalidInputError) as e:
            recobro.queue(policy, batch(), AS_OF, cap)  # type: ignore[arg-type]
        assert e.value.path == path, cap
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.queue(policy, batch(), "2026-01-12", {})
    assert e.value.path == "as_of"
    with pytest.raises(TypeError):
        recobro.queue("not a policy", batch(), AS_OF, {})  # type: ignore[arg-type]


def test_simulation_capacity_zero_means_no_calls() -> None:
    # A day's `contacts` is per channel, call first.
    request = {"generate": 40, "seed": 7, "days": 10, "start": "2026-03-02T15:00:00Z",
               "policies": [{}], "capacity": {"call": 0}}
    result = recobro.simulate(request)
    assert result["settings"]["capacity"] == {"call": 0}
    series = result["arms"][0]["series"]
    assert len(series) == 10
    for day in series:
        assert day["contacts"][0] == 0, day
    assert sum(sum(d["contacts"][1:]) for d in series) > 0
    free = recobro.simulate({k: v for k, v in request.items() if k != "capacity"})
    assert sum(d["contacts"][0] for d in free["arms"][0]["series"]) > 0
