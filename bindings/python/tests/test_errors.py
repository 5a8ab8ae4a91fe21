"""Every error kind, with its code and location; no panic crosses into Python; the
cross-host error corpus, field for field."""

from __future__ import annotations

import json
import pickle
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import recobro
from conftest import AS_OF, AS_OF_TEXT, load_case

ERROR_ATTRS = ("code", "message", "line", "column", "path", "module", "help")


def test_hierarchy() -> None:
    for cls in (
        recobro.PolicySyntaxError,
        recobro.PolicyRuntimeError,
        recobro.LimitExceededError,
        recobro.InvalidInputError,
    ):
        assert issubclass(cls, recobro.RecobroError)
    assert issubclass(recobro.RecobroError, Exception)


def test_syntax_error_has_line_and_column() -> None:
    src = 'fn segment(c) {\n    let x = ;\n    "a"\n}\n'
    with pytest.raises(recobro.PolicySyntaxError) as info:
        recobro.Policy(src)
    e = info.value
    assert e.code == "policy.syntax"
    assert (e.line, e.column) == (2, 13)
    assert e.path is None and e.module is None
    assert e.message and e.message in str(e)
    assert str(e).startswith("policy.syntax: ") and "(line 2, column 13)" in str(e)


def test_runtime_error_has_line() -> None:
    src = 'fn segment(c) {\n    let n = c.days_past_due;\n    let x = n / (n - n);\n    "a"\n}\n'
    p = recobro.Policy(src)
    with pytest.raises(recobro.PolicyRuntimeError) as info:
        p.evaluate(load_case("administrative"), AS_OF)
    e = info.value
    assert e.code == "policy.runtime"
    assert e.line == 3 and e.column is not None
    assert e.path is None


def test_runtime_error_in_host_module_names_the_module() -> None:
    src = 'import "house/util" as u;\nfn segment(c) { u::boom(c) }\n'
    mod = 'fn boom(c) {\n    let n = c.days_past_due;\n    n / (n - n)\n}\n'
    p = recobro.Policy(src, modules={"house/util": mod})
    with pytest.raises(recobro.PolicyRuntimeError) as info:
        p.evaluate(load_case("administrative"), AS_OF)
    e = info.value
    assert e.code == "policy.runtime"
    assert e.module == "house/util"
    assert e.line == 3


def test_contract_error() -> None:
    p = recobro.Policy("fn segment(c) { 42 }")
    with pytest.raises(recobro.PolicyRuntimeError) as info:
        p.evaluate(load_case("administrative"), AS_OF)
    assert info.value.code == "policy.contract"
    assert "segment" in info.value.message


def test_contract_error_at_compile_time() -> None:
    with pytest.raises(recobro.PolicyRuntimeError) as info:
        recobro.Policy("fn helper(c) { 1 }")
    assert info.value.code == "policy.contract"


def test_module_error_has_position() -> None:
    src = 'fn metadata() { #{ name: "x", version: "1" } }\nimport "nope/missing" as m;\nfn segment(c) { "a" }\n'
    with pytest.raises(recobro.PolicyRuntimeError) as info:
        recobro.Policy(src)
    e = info.value
    assert e.code == "policy.module"
    assert e.line == 2 and e.column == 1
    assert "nope/missing" in e.message


def test_unknown_embedded_policy() -> None:
    with pytest.raises(recobro.PolicyRuntimeError) as info:
        recobro.Policy.embedded("nope/policy")
    assert info.value.code == "policy.module"


@pytest.mark.parametrize(
    ("src", "code"),
    [
        ("fn segment(c) { loop { } }", "limit.operations"),
        ("fn f(x) { f(x + 1) }\nfn segment(c) { f(1) }", "limit.call_depth"),
        ('fn segment(c) { let s = "x"; loop { s += s; } }', "limit.string_size"),
    ],
)
def test_limit_errors(src: str, code: str) -> None:
    p = recobro.Policy(src)
    with pytest.raises(recobro.LimitExceededError) as info:
        p.evaluate(load_case("administrative"), AS_OF)
    assert info.value.code == code
    # the core reports limits without a position today; the attributes are there either way
    assert info.value.line is None or isinstance(info.value.line, int)
    assert info.value.path is None


def test_limits_are_applied() -> None:
    src = "fn segment(c) { let n = 0; while n < 1000 { n += 1; } `${n}` }"
    assert recobro.Policy(src).evaluate(load_case("administrative"), AS_OF)["segment"] == "1000"
    tight = recobro.Policy(src, limits={"max_operations": 100})
    with pytest.raises(recobro.LimitExceededError) as info:
        tight.evaluate(load_case("administrative"), AS_OF)
    assert info.value.code == "limit.operations"


def test_bad_limits() -> None:
    with pytest.raises(recobro.InvalidInputError) as info:
        recobro.Policy("fn segment(c) { 1 }", limits={"max_operationz": 1})
    assert info.value.code == "input.invalid"
    assert info.value.path is not None and info.value.path.startswith("options.limits")
    assert "max_operationz" in info.value.message
    with pytest.raises(recobro.InvalidInputError) as info:
        recobro.Policy("fn segment(c) { 1 }", limits={"max_operations": "many"})  # type: ignore[dict-item]
    assert info.value.path == "options.limits.max_operations"
    with pytest.raises(recobro.InvalidInputError) as info:
        recobro.Policy("fn segment(c) { 1 }", limits={"max_operations": 1.5})  # type: ignore[dict-item]
    assert info.value.path == "options.limits.max_operations"
    assert "floating-point" in info.value.message
    with pytest.raises(recobro.InvalidInputError) as info:
        recobro.Policy("fn segment(c) { 1 }", modules={"house": 5})  # type: ignore[dict-item]
    assert info.value.path == "options.modules.house"


def test_bad_date_names_the_path(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["debts"][0]["due_on"] = "01/02/2026"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    e = info.value
    assert e.code == "input.invalid"
    assert e.path == "debts[0].due_on"
    assert e.line is None and e.column is None
    assert "2026-03-31" in e.message
    assert str(e) == f"input.invalid: debts[0].due_on: {e.message}"


def test_unknown_field_names_the_path(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["debts"][0]["due_date"] = "2026-02-01"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "debts[0]" or info.value.path == "debts[0].due_date"
    assert "due_date" in info.value.message


def test_missing_field(policy: recobro.Policy) -> None:
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate({"id": "X"}, AS_OF)
    assert "debtor" in info.value.message
    assert info.value.path == ""


def test_invalid_json(policy: recobro.Policy) -> None:
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate_json('{"id": ', AS_OF_TEXT)
    assert info.value.code == "input.json"
    with pytest.raises(recobro.InvalidInputError) as info:
        recobro.decision_from_json('{"case_id": ')
    assert info.value.code == "input.json"
    assert info.value.path is not None and info.value.path.startswith("text")


def test_float_amount_rejected_with_path(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["debts"][0]["outstanding"] = 950000.0
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    e = info.value
    assert e.code == "input.invalid"
    assert e.path == "debts[0].outstanding"
    assert "floating-point" in e.message and "Decimal" in e.message


def test_float_anywhere_rejected(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["attributes"] = {"risk": 0.7}
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "attributes.risk"
    case["attributes"] = {"risk": Decimal("0.7")}
    policy.evaluate(case, AS_OF)


def test_non_finite_decimal_rejected(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["debts"][0]["outstanding"] = Decimal("NaN")
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "debts[0].outstanding"


def test_naive_as_of_rejected(policy: recobro.Policy) -> None:
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(load_case("administrative"), datetime(2026, 3, 16, 15, 0))
    assert info.value.path == "as_of"
    assert "naive" in info.value.message
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(load_case("administrative"), "2026-03-16T15:00:00")
    assert info.value.path == "as_of"
    assert "offset" in info.value.message
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(load_case("administrative"), 1773673200)  # type: ignore[arg-type]
    assert info.value.path == "as_of"


def test_naive_datetime_in_case_rejected(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["contacts"] = [
        {"at": datetime(2026, 3, 10, 15, 0), "channel": "call", "direction": "outbound", "outcome": "no_answer"}
    ]
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "contacts[0].at"
    assert "naive" in info.value.message


def test_unsupported_type_and_key(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["attributes"] = {"tags": {"a", "b"}}
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "attributes.tags"
    case["attributes"] = {1: "x"}
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "attributes"


def test_future_ledger_rejected(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["payments"] = [{"at": "2026-04-01T00:00:00Z", "amount": "10"}]
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "payments[0].at"


def test_errors_pickle_with_their_attributes(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case["debts"][0]["due_on"] = "nope"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is recobro.InvalidInputError
    assert str(again) == str(info.value)
    for attr in ERROR_ATTRS:
        assert getattr(again, attr) == getattr(info.value, attr)
    assert again.to_dict() == {a: getattr(info.value, a) for a in ERROR_ATTRS}


def test_panic_becomes_internal_error() -> None:
    for where in ("call", "detached"):
        with pytest.raises(recobro.RecobroError) as info:
            recobro._native._test_panic("boom", where)
        e = info.value
        assert type(e) is recobro.RecobroError
        assert e.code == "internal"
        assert "boom" in e.message
        assert e.help


def test_engine_panic_on_input_is_caught(policy: recobro.Policy) -> None:
    # An absurd down payment overflowed the core's decimal arithmetic (a panic): whatever
    # the core answers, it must be a RecobroError, not a crash or a PanicException.
    case = load_case("extrajudicial")
    with pytest.raises(recobro.RecobroError) as info:
        policy.check_plan(case, AS_OF, Decimal("-79228162514264337593543950335"), 3, "monthly", "2026-04-01")
    assert info.value.code in {"internal", "input.invalid", "policy.contract", "policy.runtime"}
    # and the engine still works afterwards
    assert policy.evaluate(case, AS_OF)["case_id"] == "C-EXT"


OVERFLOWING_CHARGES = """
fn charges(c) {
    let big = 79228162514264337593543950335;
    if c.attr("boom", false) { [fee(c.debts[0], big, "a"), fee(c.debts[0], big, "b")] } else { [] }
}
"""


def test_panic_in_a_batch_loses_only_its_case() -> None:
    p = recobro.Policy(OVERFLOWING_CHARGES)
    good = load_case("b2b_overdue")
    bad = json.loads(json.dumps(good))
    bad["id"] = "C-BOOM"
    bad["attributes"] = {"boom": True}
    with pytest.raises(recobro.RecobroError):
        p.evaluate(bad, AS_OF)
    out = p.evaluate_many([good, bad, good], AS_OF, on_error="collect")
    assert [o.get("case_id") for o in out] == ["C-B2B", "C-BOOM", "C-B2B"]
    assert "error" not in out[0] and "error" not in out[2]
    assert out[1]["index"] == 1
    assert out[1]["error"]["code"] in {"internal", "policy.contract", "policy.runtime"}


# ---- The cross-host error corpus (test-data/conformance/errors.json) -----------------
#
# Every host fails each call with exactly the error the corpus gives: the code and the
# location were written by hand; `message`, `help` (and `column`) are filled in when the
# corpus is blessed. Until an item is blessed (no `message` in its `expect`), those are
# not checked; after, an absent `help` or `column` means none.

ROOT = Path(__file__).resolve().parents[3]
CORPUS = json.loads((ROOT / "test-data" / "conformance" / "errors.json").read_text(encoding="utf-8"))
CORPUS_ITEMS = CORPUS["items"]


def core_display(fields: Mapping[str, Any]) -> str:
    """The core's `Display` of an error, from its flat fields."""
    code, message = fields["code"], fields["message"]
    if fields.get("line") is not None:
        where = f"line {fields['line']}, column {fields['column']}"
        if fields.get("module") is not None:
            where = f"module `{fields['module']}`, {where}"
        return f"{code}: {message} ({where})"
    if fields.get("path"):
        return f"{code}: {fields['path']}: {message}"
    return f"{code}: {message}"


def check_fields(name: str, want: Mapping[str, Any], got: Mapping[str, Any]) -> None:
    """The error's fields (a `RecobroError.to_dict()` or a batch row's `error`) against
    the corpus's `expect`."""
    assert set(got) == set(ERROR_ATTRS), f"{name}: {got}"
    for k, v in want.items():
        if k in ("index", "decided"):
            continue
        assert got[k] == v, f"{name}: `{k}` is {got[k]!r}, the corpus says {v!r} ({got})"
    absent = ["path", "line", "module"]
    if "message" in want:  # blessed: what it leaves out is none
        absent += ["help", "column"]
    for k in absent:
        if k not in want:
            assert got[k] is None, f"{name}: unexpected `{k}` {got[k]!r}"


def check_error(name: str, want: Mapping[str, Any], e: recobro.RecobroError) -> None:
    check_fields(name, want, e.to_dict())
    assert str(e) == core_display(e.to_dict()), f"{name}: str() is the core's Display"
    family = {
        "policy.syntax": recobro.PolicySyntaxError,
        "policy.": recobro.PolicyRuntimeError,
        "limit.": recobro.LimitExceededError,
        "input.": recobro.InvalidInputError,
    }
    cls = next((c for p, c in family.items() if e.code.startswith(p)), recobro.RecobroError)
    assert isinstance(e, cls), f"{name}: {type(e).__name__} for {e.code}"


def corpus_policy(item: Mapping[str, Any]) -> recobro.Policy:
    if "policy" in item:
        return recobro.Policy.embedded(item["policy"])
    options = item.get("options", {})
    unsupported = set(options) - {"modules", "limits"}
    assert not unsupported, f"{item['name']}: the Python Policy takes no {sorted(unsupported)}"
    return recobro.Policy(item["policy_source"], options.get("modules"), options.get("limits"))


def python_value(text: str) -> tuple[bool, Any]:
    """The JSON text as Python values (exact decimals), if it is JSON at all."""
    try:
        return True, json.loads(text, parse_float=Decimal)
    except ValueError:
        return False, None


def test_corpus_is_there() -> None:
    assert len(CORPUS_ITEMS) >= 10
    assert {i["call"] for i in CORPUS_ITEMS} == {"compile", "evaluate", "evaluate_batch"}


@pytest.mark.parametrize("item", CORPUS_ITEMS, ids=[i["name"] for i in CORPUS_ITEMS])
def test_corpus_error(item: dict[str, Any]) -> None:
    name, call = item["name"], item["call"]
    if call == "compile":
        with pytest.raises(recobro.RecobroError) as info:
            corpus_policy(item)
        check_error(name, item["expect"], info.value)
    elif call == "evaluate":
        policy = corpus_policy(item)
        with pytest.raises(recobro.RecobroError) as info:
            policy.evaluate_json(item["case_text"], item["as_of"])
        check_error(name, item["expect"], info.value)
        # the same case as Python values fails the same way
        ok, case = python_value(item["case_text"])
        if ok:
            with pytest.raises(recobro.RecobroError) as again:
                policy.evaluate(case, item["as_of"])
            check_error(f"{name} (Python values)", item["expect"], again.value)
            assert again.value.to_dict() == info.value.to_dict()
    elif call == "evaluate_batch":
        policy = corpus_policy(item)
        text = item["cases_text"]
        if "expect" in item:
            for given in (text, text.encode()):
                with pytest.raises(recobro.RecobroError) as info:
                    policy.evaluate_many(given, item["as_of"])
                check_error(name, item["expect"], info.value)
            return
        rows = policy.evaluate_many(text, item["as_of"], on_error="collect")
        assert policy.evaluate_many(text.encode(), item["as_of"], on_error="collect") == rows
        check_rows(name, item["expect_rows"], rows)
        # by default, failed rows are one BatchError carrying them, with the first one's fields
        failed = [r for r in rows if "error" in r]
        if failed:
            with pytest.raises(recobro.BatchError) as batch:
                policy.evaluate_many(text, item["as_of"])
            assert batch.value.errors == failed and batch.value.total == len(rows), name
            assert batch.value.to_dict() == failed[0]["error"], name
            assert str(batch.value).startswith(f"{len(failed)} of {len(rows)} cases failed; "), name
        else:
            assert policy.evaluate_many(text, item["as_of"]) == rows
        # the same batch as Python values gives the same rows
        ok, cases = python_value(text)
        if ok and isinstance(cases, list):
            again = policy.evaluate_many(cases, item["as_of"], on_error="collect")
            check_rows(f"{name} (Python values)", item["expect_rows"], again)
            assert [r.get("error") for r in again] == [r.get("error") for r in rows]
    else:
        pytest.fail(f"{name}: unknown call {call}")


def check_rows(name: str, want: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    assert len(rows) == len(want), f"{name}: rows"
    for i, (row, w) in enumerate(zip(rows, want)):
        if w.get("decided"):
            assert "segment" in row and "error" not in row, f"{name}[{i}]: {row}"
            continue
        assert row["index"] == i == w["index"], f"{name}[{i}]"
        assert set(row) == {"index", "case_id", "error"}, f"{name}[{i}]: {row}"
        check_fields(f"{name}[{i}]", w, row["error"])
