"""No panic crosses into Python, proved with a real fault inside the engine.

The extension must be built with the test-only ``fault-injection`` feature (``bash
bindings/python/test.sh`` builds it so): the engine then panics on a case whose id is
``FAULT_CASE_ID``. Every entry point must raise ``RecobroError`` with code
``internal`` for that case only, and the same ``Policy`` must keep working.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import recobro
from conftest import AS_OF, load_case

# recobro::tooling::FAULT_CASE_ID
FAULT_CASE_ID = "__recobro_fault__"


def poisoned() -> dict[str, Any]:
    case = load_case("preventive")
    case["id"] = FAULT_CASE_ID
    return case


@pytest.fixture(scope="module", autouse=True)
def fault_build() -> None:
    """Say plainly when the extension lacks the switch (the poisoned case decides)."""
    try:
        recobro.Policy.default().evaluate_json(json.dumps(poisoned()), AS_OF)
    except recobro.RecobroError:
        return
    pytest.fail(
        "the extension was built without the test-only `fault-injection` feature: "
        "run bash bindings/python/test.sh (maturin develop --release --features fault-injection)"
    )


def assert_injected(e: recobro.RecobroError) -> None:
    assert type(e) is recobro.RecobroError
    assert e.code == "internal"
    assert "injected fault" in e.message, e.message
    assert e.help


def test_evaluate_raises_internal_and_the_policy_recovers(policy: recobro.Policy) -> None:
    good = load_case("preventive")
    before = policy.evaluate_json(json.dumps(good), AS_OF)
    with pytest.raises(recobro.RecobroError) as info:
        policy.evaluate(poisoned(), AS_OF)
    assert_injected(info.value)
    # the same policy object decides the normal case afterwards, with the same answer
    assert policy.evaluate_json(json.dumps(good), AS_OF) == before
    assert policy.evaluate(good, AS_OF) == recobro.decision_from_json(before)


def test_evaluate_json_and_check_plan_raise_internal(policy: recobro.Policy) -> None:
    with pytest.raises(recobro.RecobroError) as info:
        policy.evaluate_json(json.dumps(poisoned()), AS_OF, trace=True)
    assert_injected(info.value)
    # check_plan runs the policy on the case too
    with pytest.raises(recobro.RecobroError) as info:
        policy.check_plan(poisoned(), AS_OF, "0", 3, "monthly", "2026-04-01")
    assert_injected(info.value)
    assert policy.evaluate(load_case("preventive"), AS_OF)["case_id"] == "C-PRE"


def test_evaluate_many_loses_only_the_poisoned_case(
    policy: recobro.Policy, sample_cases: list[dict[str, Any]]
) -> None:
    cases = list(sample_cases)
    cases.insert(2, poisoned())
    many = policy.evaluate_many(cases, AS_OF, on_error="collect")
    assert len(many) == len(cases)
    row = many[2]
    assert row["index"] == 2 and row["case_id"] == FAULT_CASE_ID
    assert row["error"]["code"] == "internal"
    assert "injected fault" in row["error"]["message"]
    others = [m for i, m in enumerate(many) if i != 2]
    assert others == [policy.evaluate(c, AS_OF) for c in sample_cases]
    # by default the batch raises, as internal (the failed case's code), keeping the others
    with pytest.raises(recobro.BatchError) as info:
        policy.evaluate_many(cases, AS_OF)
    assert info.value.code == "internal" and info.value.errors == [row]
    assert info.value.decisions == others


def test_evaluate_many_dataframe_marks_only_the_poisoned_row(
    policy: recobro.Policy, sample_cases: list[dict[str, Any]]
) -> None:
    pd = pytest.importorskip("pandas")
    cases = list(sample_cases)
    cases.insert(1, poisoned())
    out = policy.evaluate_many(pd.DataFrame(cases), AS_OF, on_error="collect")
    codes = out["error_code"].tolist()
    assert codes[1] == "internal"
    assert "injected fault" in out["error_message"].iloc[1]
    assert all(c is None for i, c in enumerate(codes) if i != 1), codes
    decisions = out["decision"].tolist()
    assert decisions.pop(1) is None
    assert decisions == [policy.evaluate(c, AS_OF) for c in sample_cases]
