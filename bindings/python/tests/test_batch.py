"""`evaluate_many` over lists, pandas DataFrames and Arrow tables."""

from __future__ import annotations

import copy
import json
import threading
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

import recobro
from conftest import AS_OF, load_case

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")


def arrow_table(cases: list[dict[str, Any]]) -> Any:
    """All the cases' keys as columns (`Table.from_pylist` takes the columns from the first row only)."""
    return pa.Table.from_struct_array(pa.array(cases))


def with_bad_row(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = copy.deepcopy(cases)
    out[2]["debts"][0]["due_on"] = "nope"
    return out


def test_list_mode_matches_evaluate(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    many = policy.evaluate_many(sample_cases, AS_OF)
    assert isinstance(many, list) and len(many) == len(sample_cases)
    assert many == [policy.evaluate(c, AS_OF) for c in sample_cases]
    # tuples and generators are lists of cases too
    assert policy.evaluate_many(tuple(sample_cases), AS_OF) == many
    assert policy.evaluate_many((c for c in sample_cases), "2026-03-16T15:00:00Z") == many


def test_list_mode_keeps_going_after_a_bad_case(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    cases = with_bad_row(sample_cases)
    cases[4]["debts"][0]["outstanding"] = 12.5  # a float
    cases[5] = "not a case"  # type: ignore[call-overload]
    many = policy.evaluate_many(cases, AS_OF, on_error="collect")
    bad = {i: m for i, m in enumerate(many) if "error" in m}
    assert set(bad) == {2, 4, 5}
    assert bad[2] == {
        "index": 2,
        "case_id": cases[2]["id"],
        "error": {
            "code": "input.invalid",
            "message": bad[2]["error"]["message"],
            "line": None,
            "column": None,
            "path": "[2].debts[0].due_on",
            "module": None,
            "help": None,
        },
    }
    assert bad[4]["error"]["path"] == "[4].debts[0].outstanding"
    assert "floating-point" in bad[4]["error"]["message"]
    assert bad[5]["case_id"] is None
    good = [policy.evaluate(c, AS_OF) for i, c in enumerate(cases) if i not in bad]
    assert [m for i, m in enumerate(many) if i not in bad] == good


def test_policy_errors_in_a_batch() -> None:
    p = recobro.Policy('fn segment(c) {\n    if c.id == "C-EXT" { c.days_past_due / 0 } else { "ok" }\n}\n')
    cases = [load_case("administrative"), load_case("extrajudicial")]
    out = p.evaluate_many(cases, AS_OF, on_error="collect")
    assert out[0]["segment"] == "ok"
    assert out[1]["error"]["code"] == "policy.runtime"
    assert out[1]["error"]["line"] == 2
    assert out[1]["case_id"] == "C-EXT"


def test_empty_inputs(policy: recobro.Policy) -> None:
    assert policy.evaluate_many([], AS_OF) == []
    frame = policy.evaluate_many(pd.DataFrame({"id": [], "debtor": []}), AS_OF)
    assert list(frame.columns) == list(recobro.DECISION_COLUMNS) and len(frame) == 0
    assert str(frame["priority"].dtype) == "Int64"
    assert str(frame["next_allowed_at"].dtype).startswith("datetime64")
    table = policy.evaluate_many(pa.table({"id": pa.array([], pa.string())}), AS_OF)
    assert table.schema == recobro.arrow_schema() and table.num_rows == 0


def test_wrong_kind_of_input(policy: recobro.Policy) -> None:
    with pytest.raises(TypeError):
        policy.evaluate_many(load_case("administrative"), AS_OF)
    with pytest.raises(TypeError):
        policy.evaluate_many(42, AS_OF)


def test_json_text_batch_matches_list(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    cases = with_bad_row(sample_cases)
    want = policy.evaluate_many(cases, AS_OF, on_error="collect")
    as_array = json.dumps(cases)
    as_ndjson = "\n".join(json.dumps(c) for c in cases) + "\n"
    # a case that did not read has no id from JSON text (the dict's id in list mode)
    want[2]["case_id"] = None
    for text in (as_array, as_array.encode(), as_ndjson):
        assert policy.evaluate_many(text, AS_OF, on_error="collect") == want
    assert policy.evaluate_many("", AS_OF) == []
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate_many("[{", AS_OF)
    assert (info.value.code, info.value.path) == ("input.json", "cases")
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate_many(b"[\xff]", AS_OF)
    assert (info.value.code, info.value.path) == ("input.json", "cases")


def test_dataframe_matches_list(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    cases = with_bad_row(sample_cases)
    frame = pd.DataFrame(cases, index=[f"row{i}" for i in range(len(cases))])
    assert frame["payments"].isna().any()  # missing keys are NaN: left out, not an error
    out = policy.evaluate_many(frame, AS_OF, on_error="collect")
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(recobro.DECISION_COLUMNS)
    assert list(out.index) == list(frame.index)
    listed = policy.evaluate_many(cases, AS_OF, on_error="collect")
    for i, (row, expected) in enumerate(zip(out.itertuples(index=False), listed)):
        if "error" in expected:
            assert row.decision is None
            assert row.case_id == expected["case_id"]
            assert row.error_code == expected["error"]["code"]
            assert row.error_message == expected["error"]["message"]
            assert row.error_path == expected["error"]["path"] == f"[{i}].debts[0].due_on"
            assert pd.isna(row.priority) and row.segment is None
            continue
        assert row.decision == expected
        assert row.case_id == expected["case_id"]
        assert row.segment == expected["segment"]
        action = expected["action"]
        assert row.action_kind == (action and action["kind"])
        assert row.action_channel == (action and action.get("channel"))
        assert row.action_template == (action and action.get("template"))
        if action is None:
            assert pd.isna(row.priority)
        else:
            assert row.priority == action["priority"]
        if expected["next_allowed_at"] is None:
            assert pd.isna(row.next_allowed_at)
        else:
            assert row.next_allowed_at == expected["next_allowed_at"]
        assert row.charges_total == expected["charges"]["totals"]
        assert row.error_code is None and row.error_message is None and row.error_path is None
    assert str(out["priority"].dtype) == "Int64"
    assert str(out["next_allowed_at"].dtype) == "datetime64[us, UTC]"


def test_arrow_table_matches_list(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    cases = with_bad_row(sample_cases)
    table = arrow_table(cases)
    out = policy.evaluate_many(table, AS_OF, on_error="collect")
    assert isinstance(out, pa.Table)
    assert out.schema == recobro.arrow_schema()
    listed = policy.evaluate_many(cases, AS_OF, on_error="collect")
    rows = out.to_pylist()
    assert len(rows) == len(listed)
    for row, expected in zip(rows, listed):
        if "error" in expected:
            assert row["decision"] is None
            assert (row["error_code"], row["error_path"]) == (expected["error"]["code"], expected["error"]["path"])
            continue
        assert recobro.decision_from_json(row["decision"]) == expected
        assert row["segment"] == expected["segment"]
        assert row["priority"] == (expected["action"] and expected["action"]["priority"])
        assert row["next_allowed_at"] == expected["next_allowed_at"]
        assert dict(row["charges_total"]) == {k: str(v) for k, v in expected["charges"]["totals"].items()}
    # a RecordBatch works the same
    batch_out = policy.evaluate_many(table.to_batches()[0], AS_OF, on_error="collect")
    assert batch_out.equals(out)


def test_typed_arrow_table(b2b: recobro.Policy) -> None:
    """Dates as date32, instants as timestamps with a zone, amounts as decimal128."""
    text = [load_case("b2b_overdue")]
    typed = copy.deepcopy(text)
    for debt in typed[0]["debts"]:
        for k in ("original_amount", "outstanding"):
            debt[k] = Decimal(debt[k])
        for k in ("issued_on", "due_on"):
            debt[k] = date.fromisoformat(debt[k])
    for contact in typed[0]["contacts"]:
        contact["at"] = datetime.fromisoformat(contact["at"].replace("Z", "+00:00")).astimezone(timezone.utc)
    table = arrow_table(typed)
    assert pa.types.is_decimal(table.schema.field("debts").type.value_type.field("outstanding").type)
    out = b2b.evaluate_many(table, AS_OF).to_pylist()
    assert recobro.decision_from_json(out[0]["decision"]) == b2b.evaluate(text[0], AS_OF)
    # naive timestamps are refused, with the path
    for contact in typed[0]["contacts"]:
        contact["at"] = contact["at"].replace(tzinfo=None)
    bad = b2b.evaluate_many(arrow_table(typed), AS_OF, on_error="collect").to_pylist()
    assert bad[0]["error_path"] == "[0].contacts[0].at"


def test_dataframe_from_arrow_with_numpy_cells(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    # list cells become NumPy arrays; integer_object_nulls keeps ints with nulls as ints
    # (pandas' default turns them into floats, which are refused as inexact)
    frame = arrow_table(sample_cases).to_pandas(integer_object_nulls=True)
    out = policy.evaluate_many(frame, AS_OF)
    assert out["error_code"].isna().all(), out["error_message"].dropna().tolist()
    assert out["decision"].tolist() == policy.evaluate_many(sample_cases, AS_OF)


def test_batch_releases_the_gil() -> None:
    src = "fn segment(c) { let n = 0; while n < 200000 { n += 1; } `${n}` }"
    p = recobro.Policy(src, limits={"max_operations": 10_000_000})
    cases = [load_case("administrative")] * 8

    # How fast this thread counts on its own.
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < 0.05:
        n += 1
    rate = n / 0.05

    done = threading.Event()
    timing: dict[str, float] = {}

    def work() -> None:
        t0 = time.perf_counter()
        p.evaluate_many(cases, AS_OF)
        timing["took"] = time.perf_counter() - t0
        done.set()

    t = threading.Thread(target=work)
    count = 0
    t.start()
    while not done.is_set():
        count += 1
    t.join()
    # Holding the GIL for the whole call would leave this thread at most a switch
    # interval (5 ms) of counting; released, it counts for much of the call.
    assert timing["took"] > 0.05
    assert count > 0.2 * rate * timing["took"], (count, rate, timing)


def test_json_columns_are_canonical(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    out = policy.evaluate_many(arrow_table(sample_cases[:3]), AS_OF)
    for case, text in zip(sample_cases[:3], out.column("decision").to_pylist()):
        assert text == policy.evaluate_json(json.dumps(case), "2026-03-16T15:00:00Z")


def test_next_allowed_at_column(policy: recobro.Policy) -> None:
    night = datetime(2026, 3, 17, 4, 30, tzinfo=timezone.utc)  # 23:30 in Chicago
    cases = [load_case("administrative")]
    expected = policy.evaluate(cases[0], night)
    assert expected["action"] is None and expected["next_allowed_at"] is not None
    frame = policy.evaluate_many(pd.DataFrame(cases), night)
    assert frame["next_allowed_at"].iloc[0] == expected["next_allowed_at"]
    assert pd.isna(frame["priority"].iloc[0]) and frame["action_kind"].iloc[0] is None
    table = policy.evaluate_many(arrow_table(cases), night)
    assert table.column("next_allowed_at").to_pylist() == [expected["next_allowed_at"]]
