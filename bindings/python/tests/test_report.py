"""``Policy.report``: the delinquency report as DataFrames and Arrow tables, over the
portfolio of ``test-data/report`` whose figures are worked by hand in
``core/tests/report.rs`` (the table of cases and every sum is there)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import recobro

DATA = Path(__file__).resolve().parents[3] / "test-data" / "report"
AS_OF = "2026-06-30T15:00:00Z"
PREVIOUS_AS_OF = "2026-05-31T15:00:00Z"


@pytest.fixture(scope="module")
def policy() -> recobro.Policy:
    return recobro.Policy.from_file(DATA / "policy.rhai")


@pytest.fixture(scope="module")
def current() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((DATA / "current.json").read_text(encoding="utf-8"))
    return cases


@pytest.fixture(scope="module")
def previous_text() -> str:
    return (DATA / "previous.ndjson").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(policy: recobro.Policy, current: list[dict[str, Any]], previous_text: str) -> dict[str, Any]:
    # Dicts for the current snapshot, NDJSON text for the previous one.
    return policy.report(current, AS_OF, previous_text, PREVIOUS_AS_OF)


def test_aging_frame_has_exact_amounts(report: dict[str, Any]) -> None:
    aging = report["aging"]
    assert isinstance(aging, pd.DataFrame)
    assert list(aging.columns) == ["currency", "bucket", "debts", "amount"]
    nonzero = aging[aging.debts > 0]
    # COP current: C1-A 1000 + C11-A 2000; 1-30: 400 + 300; 31-60: 400 + 600; 61-90: 700;
    # 120+: 800. PEN 61-90: 900. USD 91-120: 50.00 + 70.00.
    assert [tuple(r) for r in nonzero.itertuples(index=False)] == [
        ("COP", "current", 2, Decimal("3000")),
        ("COP", "1-30", 2, Decimal("700")),
        ("COP", "31-60", 2, Decimal("1000")),
        ("COP", "61-90", 1, Decimal("700")),
        ("COP", "120+", 1, Decimal("800")),
        ("PEN", "61-90", 1, Decimal("900")),
        ("USD", "91-120", 2, Decimal("120.00")),
    ]
    assert len(aging) == 18


def test_grouped_aging_names_the_group(report: dict[str, Any]) -> None:
    seg = report["aging_by_segment"]
    assert list(seg.columns) == ["segment", "currency", "bucket", "debts", "amount"]
    late = seg[(seg.segment == "late") & (seg.debts > 0)]
    assert late.amount.tolist() == [Decimal("600"), Decimal("700"), Decimal("800"), Decimal("900"), Decimal("120.00")]
    jur = report["aging_by_jurisdiction"]
    assert sorted(set(jur.jurisdiction)) == ["CO", "EC", "PE"]


def test_statuses_contacts_and_blocks(report: dict[str, Any]) -> None:
    assert report["promises"].to_dict("records") == [{"kept": 1, "broken": 1, "pending": 1}]
    assert report["plans"].to_dict("records") == [{"active": 1, "behind": 1, "completed": 1}]
    contacts = dict(zip(report["contacts_last_30_days"].channel, report["contacts_last_30_days"].contacts))
    assert contacts == {"call": 1, "sms": 1, "email": 1, "whatsapp": 0, "letter": 1, "visit": 0, "push": 0}
    blocks = report["compliance_blocks"]
    assert blocks[["rule", "candidates", "cases"]].values.tolist() == [
        ["co.ley2300.authorised_channels", 10, 5],
        ["hold.dispute", 2, 1],
    ]


def test_the_unreadable_case_is_listed(report: dict[str, Any]) -> None:
    errors = report["errors"]
    assert errors.to_dict("records") == [
        {
            "index": 10,
            "code": "input.invalid",
            "message": errors.message[0],
            "path": "[10].debts[0].due_on",
        }
    ]
    assert report["report"]["cases"]["failed"] == 1


def test_comparison_tables(report: dict[str, Any]) -> None:
    rolls = report["roll_rates"]
    assert len(rolls) == 48
    row = rolls[(rolls["from"] == "31-60") & (rolls["to"] == "61-90")]
    assert row.debts.tolist() == [2] and row.rate.tolist() == [Decimal("66.67")]
    assert rolls[rolls["from"] == "120+"].rate.isna().all()
    cures = report["cures"]
    total = cures[cures["from"].isna()]
    assert total[["delinquent", "cured"]].values.tolist() == [[7, 1]]
    assert total.rate.tolist() == [Decimal("14.29")]
    cei = report["cei"].set_index("currency")
    # (5550 + 2000 - 6200) / (5550 + 2000 - 3000) x 100 = 29.67
    assert cei.loc["COP", "cei"] == Decimal("29.67")
    assert cei.loc["COP", "left"] == Decimal("1000")


def test_json_is_the_engines_and_matches_the_dict(report: dict[str, Any]) -> None:
    assert json.loads(report["json"]) == report["report"]
    assert report["report"]["policy"]["name"] == "report-test"


def test_arrow_output(policy: recobro.Policy, current: list[dict[str, Any]], previous_text: str) -> None:
    r = policy.report(json.dumps(current), AS_OF, previous_text, PREVIOUS_AS_OF, output="arrow")
    aging = r["aging"]
    assert isinstance(aging, pa.Table)
    assert pa.types.is_decimal(aging.schema.field("amount").type)
    assert isinstance(r["cei"], pa.Table)
    assert r["cei"].column("cei").to_pylist()[0] == Decimal("29.67")


def test_no_previous_no_comparison_tables(policy: recobro.Policy, current: list[dict[str, Any]]) -> None:
    r = policy.report(current, AS_OF)
    assert "roll_rates" not in r and r["report"]["comparison"] is None


def test_errors_at_their_argument(policy: recobro.Policy, current: list[dict[str, Any]], previous_text: str) -> None:
    with pytest.raises(recobro.InvalidInputError) as e:
        policy.report(current, AS_OF, previous_text, AS_OF)
    assert e.value.path == "previous_as_of"
    with pytest.raises(recobro.InvalidInputError) as e:
        policy.report(current, AS_OF, previous_text)
    assert e.value.path == "previous_as_of"
    with pytest.raises(recobro.InvalidInputError) as e:
        policy.report(current, AS_OF, "[1,", PREVIOUS_AS_OF)
    assert e.value.path == "previous"
    with pytest.raises(ValueError):
        policy.report(current, AS_OF, output="polars")


def test_a_dataframe_table_or_dict_is_refused_not_iterated(
    policy: recobro.Policy, current: list[dict[str, Any]]
) -> None:
    """report() and queue() read a list of case dicts or JSON text. A DataFrame iterates
    over its columns and a dict over its keys: each "case" failed, the report came back
    with every case in ``errors`` and nothing raised. Now a TypeError says what to pass,
    and a file object is read whole (as evaluate_many does)."""
    frame = pd.DataFrame(current)
    for bad in (frame, pa.Table.from_pandas(frame), current[0]):
        with pytest.raises(TypeError, match="report: cases"):
            policy.report(bad, AS_OF)
        with pytest.raises(TypeError, match="queue: cases"):
            recobro.queue(policy, bad, AS_OF, {"call": 10})
    with pytest.raises(TypeError, match="report: previous"):
        policy.report(current, AS_OF, frame, PREVIOUS_AS_OF)
    with open(DATA / "current.json", encoding="utf-8") as f:
        from_file = policy.report(f, AS_OF)
    from_list = policy.report(current, AS_OF)
    assert from_file["json"] == from_list["json"]
    # The snapshot's one deliberately bad case, not one error per line of the file.
    assert len(from_file["report"]["errors"]) == len(from_list["report"]["errors"]) == 1


def test_threads_are_bounded(policy: recobro.Policy, current: list[dict[str, Any]]) -> None:
    """threads= above 256 is refused before any thread starts (2**31 started OS threads
    one by one until the machine gave out), by the package and by the engine."""
    with pytest.raises(ValueError, match="at most 256"):
        policy.evaluate_many(current, AS_OF, threads=2**31)
    with pytest.raises(ValueError, match="at most 256"):
        policy._inner.evaluate_many(current, AS_OF, False, 257)
    assert len(policy.evaluate_many(current[:5], AS_OF, threads=2)) == 5
