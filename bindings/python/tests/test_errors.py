"""Every error kind, with its code and location; no panic crosses into Python."""

from __future__ import annotations

import json
import pickle
from datetime import datetime
from decimal import Decimal

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
    assert info.value.path is not None and info.value.path.startswith("limits")
    assert "max_operationz" in info.value.message
    with pytest.raises(recobro.InvalidInputError) as info:
        recobro.Policy("fn segment(c) { 1 }", limits={"max_operations": "many"})  # type: ignore[dict-item]
    assert info.value.path == "limits.max_operations"


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
    out = p.evaluate_many([good, bad, good], AS_OF)
    assert [o.get("case_id") for o in out] == ["C-B2B", "C-BOOM", "C-B2B"]
    assert "error" not in out[0] and "error" not in out[2]
    assert out[1]["index"] == 1
    assert out[1]["error"]["code"] in {"internal", "policy.contract", "policy.runtime"}
