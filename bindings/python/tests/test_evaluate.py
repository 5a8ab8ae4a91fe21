"""Policy construction, properties and single-case evaluation."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest

import recobro
from conftest import AS_OF, AS_OF_TEXT, ROOT, load_case, plain


def test_default_policy_properties(policy: recobro.Policy) -> None:
    assert policy.name == "consumer-default"
    assert policy.version
    assert policy.digest.startswith("sha256:") and len(policy.digest) == 7 + 64
    assert "fn segment" in policy.source
    assert policy.modules == {}
    assert policy.limits["max_operations"] == 1_000_000
    assert set(policy.limits) == {
        "max_operations",
        "max_call_depth",
        "max_expression_depth",
        "max_function_expression_depth",
        "max_string_size",
        "max_array_size",
        "max_map_size",
        "max_modules",
        "max_variables",
    }
    assert "consumer-default" in repr(policy)


def test_from_file_embedded_and_source_agree(b2b: recobro.Policy) -> None:
    same = recobro.Policy.embedded("b2b/policy")
    assert (b2b.name, b2b.version, b2b.digest) == (same.name, same.version, same.digest)
    assert b2b == same
    from_source = recobro.Policy((ROOT / "rules" / "b2b" / "policy.rhai").read_text(encoding="utf-8"))
    assert from_source.digest == b2b.digest


def test_host_modules_and_limits() -> None:
    src = 'import "house/bands" as bands;\nfn metadata() { #{ name: "house", version: "2.1.0" } }\nfn segment(c) { bands::band(c) }\n'
    mod = 'fn band(c) { if c.days_past_due > 30 { "late" } else { "early" } }\n'
    p = recobro.Policy(src, modules={"house/bands": mod}, limits={"max_operations": 5000})
    assert (p.name, p.version) == ("house", "2.1.0")
    assert p.modules == {"house/bands": mod}
    assert p.limits["max_operations"] == 5000
    assert p.limits["max_call_depth"] == 32  # the others keep their defaults
    assert p.evaluate(load_case("administrative"), AS_OF)["segment"] == "early"
    assert p.evaluate(load_case("legal"), AS_OF)["segment"] == "late"
    # the digest covers the host modules
    other = recobro.Policy(src, modules={"house/bands": mod.replace("late", "very late")})
    assert other.digest != p.digest


def test_decision_types(policy: recobro.Policy) -> None:
    d = policy.evaluate(load_case("extrajudicial"), AS_OF)
    assert d["case_id"] == "C-EXT"
    assert d["as_of"] == AS_OF and d["as_of"].tzinfo is not None
    assert d["as_of"].utcoffset() == timedelta(0)
    assert set(d) >= {
        "case_id",
        "as_of",
        "policy",
        "segment",
        "action",
        "no_action_reason",
        "next_allowed_at",
        "candidates",
        "charges",
        "offers",
        "compliance",
    }
    assert "trace" not in d
    assert d["policy"] == {"name": policy.name, "version": policy.version, "digest": policy.digest}
    plan = next(o for o in d["offers"] if o["kind"] == "plan")
    assert isinstance(plan["balance"], Decimal)
    assert isinstance(plan["bounds"]["min_down_payment_pct"], Decimal)
    assert isinstance(plan["bounds"]["max_installments"], int)
    first = plan["schedule"]["installments"][0]
    assert isinstance(first["due_on"], date) and not isinstance(first["due_on"], datetime)
    assert isinstance(first["amount"], Decimal)
    assert sum(i["amount"] for i in plan["schedule"]["installments"]) + plan["schedule"]["down_payment"] == plan["schedule"]["total"]
    if d["action"] is not None:
        assert isinstance(d["action"]["earliest_at"], datetime)
        assert isinstance(d["action"]["priority"], int)


def test_trace(policy: recobro.Policy) -> None:
    d = policy.evaluate(load_case("administrative"), AS_OF, trace=True)
    steps = [t["step"] for t in d["trace"]]
    assert steps[0] == "facts" and "segment" in steps
    assert all(isinstance(t["detail"], str) for t in d["trace"])


def test_as_of_forms_agree(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    bogota = timezone(timedelta(hours=-5))
    a = policy.evaluate(case, AS_OF)
    b = policy.evaluate(case, AS_OF_TEXT)
    c = policy.evaluate(case, AS_OF.astimezone(bogota))
    d = policy.evaluate(case, "2026-03-16T10:00:00-05:00")
    assert a == b == c == d


def test_amount_forms_agree(policy: recobro.Policy) -> None:
    case = load_case("extrajudicial")
    as_str = policy.evaluate(case, AS_OF)
    def as_int_where_whole(s: str) -> int | Decimal:
        return Decimal(s) if "." in s else int(s)

    for conv in (Decimal, as_int_where_whole):
        c = load_case("extrajudicial")
        for debt in c["debts"]:
            debt["original_amount"] = conv(debt["original_amount"])
            debt["outstanding"] = conv(debt["outstanding"])
        assert policy.evaluate(c, AS_OF) == as_str


def test_dates_and_datetimes_in_case(policy: recobro.Policy) -> None:
    text = load_case("administrative")
    typed = load_case("administrative")
    for debt in typed["debts"]:
        debt["issued_on"] = date.fromisoformat(debt["issued_on"])
        debt["due_on"] = date.fromisoformat(debt["due_on"])
    for contact in typed.get("contacts", []):
        contact["at"] = datetime.fromisoformat(contact["at"].replace("Z", "+00:00"))
    assert policy.evaluate(typed, AS_OF) == policy.evaluate(text, AS_OF)


def test_decimal_round_trip_through_b2b_charges(b2b: recobro.Policy) -> None:
    big, small = Decimal("12345678901234.56"), Decimal("0.10")
    case = load_case("b2b_overdue")
    case["debts"][0]["original_amount"] = big
    case["debts"][0]["outstanding"] = big
    case["debts"][1]["original_amount"] = small
    case["debts"][1]["outstanding"] = small
    for debt in case["debts"]:  # a contractual rate in the agreement: an exact decimal
        debt["agreement"] = {"interest": {"annual_rate": small}}
    d = b2b.evaluate(case, AS_OF)
    lines = {(line["debt_id"], line["kind"]): line for line in d["charges"]["lines"]}
    inv1 = lines[("INV-1001", "interest")]
    inv2 = lines[("INV-1002", "interest")]
    # the amounts reached the engine exactly...
    assert inv1["basis"]["principal_end"] == "12345678901234.56"
    assert inv2["basis"]["principal_end"] == "0.10"
    assert "on 0.10" in inv2["basis"]["periods"]
    # ...and came back exactly: simple interest, ACT/365F, half-up at the end.
    days = int(inv1["basis"]["days"])
    expected = (big * small * days / Decimal(365)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert inv1["amount"] == expected == Decimal("145442244589.89")
    assert isinstance(inv1["amount"], Decimal)
    assert str(inv2["amount"]) == "0.00"
    total = sum((line["amount"] for line in d["charges"]["lines"]), Decimal(0))
    assert d["charges"]["totals"] == {"EUR": total}
    assert str(d["charges"]["totals"]["EUR"]) == str(total)


def test_decimal_balance_round_trip_through_offers(policy: recobro.Policy) -> None:
    case = load_case("extrajudicial")
    case["debts"] = case["debts"][:1]
    case["debts"][0]["currency"] = "USD"
    case["debts"][0]["original_amount"] = Decimal("12345678901234.56")
    case["debts"][0]["outstanding"] = Decimal("12345678901234.56")
    d = policy.evaluate(case, AS_OF)
    plan = next(o for o in d["offers"] if o["kind"] == "plan")
    assert plan["balance"] == Decimal("12345678901234.56")
    assert str(plan["balance"]) == "12345678901234.56"


def test_evaluate_json_and_decision_from_json(policy: recobro.Policy) -> None:
    case = load_case("broken_promise")
    text = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    assert text.startswith('{"case_id":"C-BRK"')
    assert "\n" not in text
    as_dict = policy.evaluate(case, AS_OF)
    assert recobro.decision_from_json(text) == as_dict
    assert json.loads(text) == plain(as_dict)
    # the same with an aware datetime for as_of
    assert policy.evaluate_json(json.dumps(case), AS_OF) == text


def test_evaluate_is_deterministic_and_thread_safe(policy: recobro.Policy) -> None:
    from concurrent.futures import ThreadPoolExecutor

    case = load_case("promise_pending")
    first = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: policy.evaluate_json(json.dumps(case), AS_OF_TEXT), range(32)))
    assert set(results) == {first}


def test_case_mapping_need_not_be_a_dict(policy: recobro.Policy) -> None:
    from types import MappingProxyType

    case = load_case("administrative")
    assert policy.evaluate(MappingProxyType(case), AS_OF) == policy.evaluate(case, AS_OF)


@pytest.mark.parametrize("name", ["preventive", "legal", "dispute", "on_plan"])
def test_samples_evaluate(policy: recobro.Policy, name: str) -> None:
    d = policy.evaluate(load_case(name), AS_OF)
    assert d["segment"]
    assert d["action"] is not None or d["no_action_reason"]


def test_charge_ledger_and_agreement_from_python_values(policy: recobro.Policy) -> None:
    # The agreement allows a late fee of 25.00; the ledger (Python values: Decimal,
    # aware datetime) says it was charged on 1 March: the default policy, and the
    # engine behind it, charge it once.
    case = load_case("administrative")
    debt = case["debts"][0]
    debt["agreement"] = {"fees": [{"rule": "late_fee", "amount": Decimal("25.00")}]}
    due = date.fromisoformat(debt["due_on"]) if isinstance(debt["due_on"], str) else debt["due_on"]
    assert (AS_OF.date() - due).days >= 15
    first = policy.evaluate(case, AS_OF)
    fee = next(line for line in first["charges"]["lines"] if line["rule"] == "late_fee")
    assert fee["amount"] == Decimal("25.00")
    assert fee["basis"]["authorised_by"] == "agreement"
    case["charges"] = [
        {
            "debt_id": debt["id"],
            "kind": "fee",
            "rule": "late_fee",
            "amount": Decimal("25.00"),
            "at": datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc),
        }
    ]
    again = policy.evaluate(case, AS_OF)
    assert all(line["rule"] != "late_fee" for line in again["charges"]["lines"])
    # A ledger line on a debt the case does not have is refused at its path.
    case["charges"][0]["debt_id"] = "NOPE"
    with pytest.raises(recobro.RecobroError) as e:
        policy.evaluate(case, AS_OF)
    assert e.value.path == "charges[0].debt_id"
