"""`check_contact` and `check_plan`."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

import recobro
from conftest import AS_OF, load_case


def test_check_contact_allowed(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    r = policy.check_contact(case, "call", AS_OF)
    assert r["case_id"] == "C-ADM"
    assert r["channel"] == "call"
    assert r["at"] == AS_OF
    assert r["allowed"] is True
    assert r["blocked_by"] == []
    assert r["next_allowed_at"] is None
    assert r["rules"] and {"rule", "citation", "confidence", "outcome", "detail"} <= set(r["rules"][0])


def test_check_contact_blocked_at_night_says_when(policy: recobro.Policy) -> None:
    case = load_case("administrative")  # US-TX, America/Chicago
    night = datetime(2026, 3, 17, 4, 0, tzinfo=timezone.utc)  # 23:00 local
    r = policy.check_contact(case, "call", night)
    assert r["allowed"] is False
    assert "us.reg_f.hours" in r["blocked_by"]
    nxt = r["next_allowed_at"]
    assert isinstance(nxt, datetime) and nxt.utcoffset() == timedelta(0)
    assert nxt > night
    assert policy.check_contact(case, "call", nxt)["allowed"] is True


def test_check_contact_opt_out_and_debt(policy: recobro.Policy) -> None:
    case = load_case("opted_out_sms")
    r = policy.check_contact(case, "sms", AS_OF, debt_id=case["debts"][0]["id"])
    assert r["allowed"] is False
    assert r["next_allowed_at"] is None  # only the debtor can lift an opt-out
    assert any(rule["outcome"] == "blocked" for rule in r["rules"])


def test_check_contact_bad_input(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.check_contact(case, "fax", AS_OF)
    assert info.value.path == "channel"
    assert "`call`" in info.value.message
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.check_contact(case, "call", AS_OF, debt_id="NOPE")
    assert info.value.path == "debt_id"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.check_contact(case, "call", datetime(2026, 3, 16, 15, 0))
    assert info.value.path == "at"


def test_check_plan_accepted(policy: recobro.Policy) -> None:
    case = load_case("extrajudicial")
    offer = next(o for o in policy.evaluate(case, AS_OF)["offers"] if o["kind"] == "plan")
    balance = offer["balance"]
    down = (balance * Decimal("0.2")).quantize(Decimal(1))
    r = policy.check_plan(case, AS_OF, down, 5, "monthly", date(2026, 4, 1))
    assert r["accepted"] is True, r["broken"]
    assert r["broken"] == []
    s = r["schedule"]
    assert s["down_payment"] == down
    assert len(s["installments"]) == 5
    assert s["installments"][1]["due_on"] == date(2026, 5, 1)
    assert sum(i["amount"] for i in s["installments"]) + s["down_payment"] == s["total"] == balance
    assert r["bounds"] == offer["bounds"]
    # the same proposal with the other accepted forms of its values
    again = policy.check_plan(case, "2026-03-16T15:00:00Z", str(down), 5, "monthly", "2026-04-01")
    assert again == r


def test_check_plan_broken_bounds(policy: recobro.Policy) -> None:
    case = load_case("extrajudicial")
    r = policy.check_plan(case, AS_OF, 0, 48, "weekly", date(2026, 9, 1))
    assert r["accepted"] is False
    names = [b.split(":")[0] for b in r["broken"]]
    assert {"min_down_payment_pct", "max_installments", "frequencies", "max_days_to_first"} <= set(names)


def test_check_plan_bad_input(policy: recobro.Policy) -> None:
    case = load_case("extrajudicial")
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.check_plan(case, AS_OF, 100.5, 3, "monthly", date(2026, 4, 1))  # type: ignore[arg-type]
    assert info.value.path == "proposal.down_payment"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.check_plan(case, AS_OF, 100, 3, "daily", date(2026, 4, 1))
    assert info.value.path == "proposal.frequency"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.check_plan(case, AS_OF, 100, -1, "monthly", date(2026, 4, 1))
    assert info.value.path == "proposal.installments"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.check_plan(case, AS_OF, 100, 3, "monthly", "April 1st")
    assert info.value.path == "proposal.first_due_on"


def test_check_plan_without_offer(policy: recobro.Policy) -> None:
    with pytest.raises(recobro.PolicyRuntimeError) as info:
        policy.check_plan(load_case("preventive"), AS_OF, 0, 3, "monthly", date(2026, 4, 1))
    assert info.value.code == "policy.contract"
