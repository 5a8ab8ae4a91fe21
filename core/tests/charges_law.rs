//! The law is applied by the engine, not by the policy's labels; charges are facts.
//!
//! Each test states the guarantee it enforces; the figures are worked by hand beside
//! them (the statute or rate behind each is cited).
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::money::RateEntry;
use recobro::{Case, Date, Instant, Policy, PolicyBuilder};
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn at(s: &str) -> Instant {
    s.parse::<Instant>().unwrap()
}

fn policy(src: &str) -> Policy {
    PolicyBuilder::new(src).build().unwrap()
}

/// One debtor, one debt of `amount` due 2026-02-01, with `extra` merged into the case
/// and `debt_extra` into the debt.
fn case(
    jurisdiction: &str,
    tz: &str,
    currency: &str,
    amount: &str,
    kind: &str,
    debt_extra: serde_json::Value,
    extra: serde_json::Value,
) -> Case {
    let mut debt = json!({"id": "A", "currency": currency, "original_amount": amount,
        "outstanding": amount, "issued_on": "2026-01-01", "due_on": "2026-02-01"});
    for (k, v) in debt_extra.as_object().unwrap() {
        debt[k] = v.clone();
    }
    let mut c = json!({
        "id": "C", "debtor": {"id": "D", "kind": kind, "jurisdiction": jurisdiction, "timezone": tz},
        "debts": [debt]
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    Case::from_value(c).unwrap()
}

fn us(debt_extra: serde_json::Value, extra: serde_json::Value) -> Case {
    case(
        "US-TX",
        "America/Chicago",
        "USD",
        "1000.00",
        "consumer",
        debt_extra,
        extra,
    )
}

const AS_OF: &str = "2026-03-16T15:00:00Z";

// ---- 2. The law is applied by the engine -------------------------------------------

#[test]
fn a_policy_cannot_write_the_keys_the_engine_writes() {
    for key in [
        "authorised_by",
        "capped",
        "method",
        "rate",
        "from",
        "to_verify",
    ] {
        let p = policy(&format!(
            r#"fn charges(c) {{ [fee(c.oldest_overdue, 10, "x").basis("{key}", "mine")] }}"#
        ));
        let e = p
            .evaluate(&us(json!({}), json!({})), at(AS_OF))
            .unwrap_err();
        assert_eq!(e.code.as_str(), "policy.runtime", "{key}: {e}");
        assert!(e.message.contains("written by the engine"), "{key}: {e}");
        assert!(
            e.line().is_some(),
            "{key}: the error points at the policy line"
        );
    }
    // Other keys are the policy's own.
    let p = policy(r#"fn charges(c) { [fee(c.oldest_overdue, 0, "x").basis("note", "mine")] }"#);
    let dec = p.evaluate(&us(json!({}), json!({})), at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].basis["note"], "mine");
}

#[test]
fn a_policy_cannot_authorise_itself() {
    // `authorised(...)` is gone: calling it is an error that says where authority comes from.
    let p = policy(
        r#"fn charges(c) { [fee(c.oldest_overdue, 25, "late_fee").authorised("contract")] }"#,
    );
    let e = p
        .evaluate(&us(json!({}), json!({})), at(AS_OF))
        .unwrap_err();
    assert_eq!(e.code.as_str(), "policy.runtime");
    assert!(e.message.contains("agreement"), "{e}");
    // 15 U.S.C. 1692f(1): a fee the agreement does not list is cut to zero for a US
    // debtor, whatever the policy calls it or writes beside it.
    for ctor in ["fee", "compensation", "interest"] {
        let p = policy(&format!(
            r#"fn charges(c) {{ [{ctor}(c.oldest_overdue, 25, "late_fee").cite("the contract").basis("authorised", "yes")] }}"#
        ));
        let dec = p.evaluate(&us(json!({}), json!({})), at(AS_OF)).unwrap();
        let line = &dec.charges.lines[0];
        assert_eq!(line.amount, d("0.00"), "{ctor}");
        assert!(line.basis["capped"].contains("1692f(1)"), "{ctor}");
        assert!(!line.basis.contains_key("authorised_by"), "{ctor}");
    }
}

#[test]
fn the_agreement_authorises_fees_up_to_its_terms() {
    let fees = json!({"agreement": {"fees": [
        {"rule": "late_fee", "amount": "25.00"},
        {"rule": "returned_payment", "max": "15"},
        {"rule": "collection_cost", "max_pct": "5"}
    ]}});
    let p = policy(
        r#"fn charges(c) { let d = c.oldest_overdue;
            [fee(d, 40, "late_fee"), fee(d, 10, "returned_payment"), fee(d, 80, "collection_cost")] }"#,
    );
    let dec = p.evaluate(&us(fees, json!({})), at(AS_OF)).unwrap();
    let by_rule = |r: &str| {
        dec.charges
            .lines
            .iter()
            .find(|l| l.rule == r)
            .unwrap()
            .clone()
    };
    // The agreement's fixed 25 is the most: the stated 40 is cut to 25.
    assert_eq!(by_rule("late_fee").amount, d("25.00"));
    assert!(by_rule("late_fee").basis["capped"].contains("agreement"));
    // Within a cap, the stated amount stands.
    assert_eq!(by_rule("returned_payment").amount, d("10.00"));
    assert_eq!(
        by_rule("returned_payment").basis["authorised_by"],
        "agreement"
    );
    // 5% of the outstanding 1,000.00 is 50.00: the stated 80 is cut to 50.
    assert_eq!(by_rule("collection_cost").amount, d("50.00"));
}

#[test]
fn stated_interest_is_held_to_what_the_agreement_allows() {
    // Agreement: 12% simple, act/365f. From 2026-02-02 through 2026-03-16 is 43 days:
    // 1,000.00 x 0.12 x 43 / 365 = 14.1369... -> 14.14. A stated 500 is cut to 14.14.
    let terms = json!({"agreement": {"interest": {"annual_rate": "0.12"}}});
    let p = policy(r#"fn charges(c) { [interest(c.oldest_overdue, 500, "my_interest")] }"#);
    let dec = p
        .evaluate(&us(terms.clone(), json!({})), at(AS_OF))
        .unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("14.14"));
    assert_eq!(dec.charges.lines[0].basis["authorised_by"], "agreement");
    // Accrued at a higher rate than agreed (20%): recomputed at 12%, the same 14.14.
    let p = policy(
        r#"fn charges(c) { [late_interest(c, c.oldest_overdue, #{ rate: 0.20, rule: "x" })] }"#,
    );
    let dec = p
        .evaluate(&us(terms.clone(), json!({})), at(AS_OF))
        .unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("14.14"));
    // `contract_interest` takes the agreement's terms: the same figure, authorised.
    let p = policy(r#"fn charges(c) { [contract_interest(c, c.oldest_overdue)] }"#);
    let dec = p.evaluate(&us(terms, json!({})), at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("14.14"));
    assert_eq!(dec.charges.lines[0].rule, "contract_interest");
}

#[test]
fn peru_forbids_fees_whatever_they_are_called_and_capitalisation() {
    // Ley 31143: no late fee, commission or compensation; no capitalisation.
    let pe = |debt: serde_json::Value| {
        case(
            "PE",
            "America/Lima",
            "PEN",
            "1000.00",
            "consumer",
            debt,
            json!({}),
        )
    };
    let p = policy(
        r#"fn charges(c) { let d = c.oldest_overdue; [fee(d, 30, "gastos"), compensation(d, 30, "penalidad")] }"#,
    );
    let dec = p.evaluate(&pe(json!({})), at(AS_OF)).unwrap();
    assert!(dec.charges.lines.iter().all(|l| l.amount.is_zero()));
    assert!(dec
        .charges
        .lines
        .iter()
        .all(|l| l.basis["capped"].contains("Ley 31143")));
    // Interest is held to the BCRP maximum the host supplies (table `pe_tasa_maxima`,
    // an effective annual rate, TEA, as the BCRP publishes it): 10% here. Over 43 days
    // (act/360, the pack's year): 1000 x (1.10^(43/360) - 1) = 11.4493 -> 11.45 (the
    // stated 30% compound gives 31.83).
    let src = r#"fn charges(c) { [late_interest(c, c.oldest_overdue, #{ rate: 0.30, method: "compound", day_count: "act/360", rule: "pe_interes_moratorio" })] }"#;
    let with_max = |pct: &str| {
        PolicyBuilder::new(src)
            .rate_entries(
                "pe_tasa_maxima",
                vec![RateEntry {
                    from: "2020-01-01".parse::<Date>().unwrap(),
                    rate: d(pct),
                    source: "test".into(),
                    confidence: "to_verify".into(),
                }],
            )
            .build()
            .unwrap()
    };
    let dec = with_max("10").evaluate(&pe(json!({})), at(AS_OF)).unwrap();
    let line = &dec.charges.lines[0];
    assert_eq!(line.amount, d("11.45"));
    assert!(line.basis["capped"].contains("legal maximum"), "{line:?}");
    // No capitalisation: over more than a year compounding earns interest on interest.
    // Due 2024-02-01; 2024-02-02 through 2026-03-16 is 774 days. Compound at 30% EA:
    // 1000 x (1.3^(774/360) - 1) = 757.8354 -> 757.84; simple: 1000 x 0.30 x 774 / 360 = 645.00,
    // within a 40% maximum (860.00).
    let old = pe(json!({"issued_on": "2024-01-01", "due_on": "2024-02-01"}));
    let dec = with_max("40").evaluate(&old, at(AS_OF)).unwrap();
    let line = &dec.charges.lines[0];
    assert_eq!(line.amount, d("645.00"));
    assert!(
        line.basis["capped"].starts_with("757.84 cut to 645.00"),
        "{line:?}"
    );
    assert!(line.basis["capped"].contains("capitalised"), "{line:?}");
    // Without a maximum on record the engine cannot check it: the line is cut to zero
    // and says which table to supply.
    let dec = policy(src).evaluate(&pe(json!({})), at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("0.00"));
    assert!(dec.charges.lines[0].basis["capped"].contains("pe_tasa_maxima"));
}

#[test]
fn colombia_checks_every_interest_line_against_usury_as_an_effective_rate() {
    // Usury 29.00% EA (1.5 x IBC 19.33, rounded: the Superfinanciera's rule). A stated
    // simple 29% is above it as an effective rate; the most is the 29% EA compounded:
    // 1,000,000 x (1.29^(43/365) - 1) = 30,448.13... (act/365f, 43 days).
    let co = case(
        "CO",
        "America/Bogota",
        "COP",
        "1000000",
        "consumer",
        json!({}),
        json!({}),
    );
    let usura = |p: PolicyBuilder| {
        p.rate_entries(
            "co_usura",
            vec![RateEntry {
                from: "2026-01-01".parse::<Date>().unwrap(),
                rate: d("29.00"),
                source: "test".into(),
                confidence: "to_verify".into(),
            }],
        )
        .build()
        .unwrap()
    };
    let factor = rust_decimal::prelude::MathematicalOps::powd(&d("1.29"), d("43") / d("365"));
    let most =
        recobro::internals::Rounding::HalfUp.round(d("1000000") * (factor - Decimal::ONE), 2);
    // A stated amount far above it is cut to it.
    let p = usura(PolicyBuilder::new(
        r#"fn charges(c) { [interest(c.oldest_overdue, 90000, "intereses")] }"#,
    ));
    let dec = p.evaluate(&co, at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, most);
    assert!(dec.charges.lines[0].basis["capped"].contains("usury"));
    // Simple 29% is 1,000,000 x 0.29 x 43/365 = 34,164.38: above the EA figure, cut.
    let p = usura(PolicyBuilder::new(
        r#"fn charges(c) { [late_interest(c, c.oldest_overdue, #{ rate: 0.29, rule: "i" })] }"#,
    ));
    let dec = p.evaluate(&co, at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, most);
    // No usury rate on record: cut to zero, naming the table.
    let p = policy(r#"fn charges(c) { [interest(c.oldest_overdue, 10, "i")] }"#);
    let dec = p.evaluate(&co, at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("0.00"));
    assert!(dec.charges.lines[0].basis["capped"].contains("co_usura"));
}

#[test]
fn brazil_caps_a_fine_at_two_percent_whatever_it_is_called() {
    // CDC art. 52 §1: 2% of 500.00 is 10.00.
    let br = case(
        "BR-SP",
        "America/Sao_Paulo",
        "BRL",
        "500.00",
        "consumer",
        json!({}),
        json!({}),
    );
    let dec = policy(r#"fn charges(c) { [fee(c.oldest_overdue, 50, "tarifa")] }"#)
        .evaluate(&br, at(AS_OF))
        .unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("10.00"));
}

#[test]
fn cap_refuses_a_negative_cap() {
    let e = policy(r#"fn charges(c) { [fee(c.oldest_overdue, 5, "f").cap(-1, "why")] }"#)
        .evaluate(&us(json!({}), json!({})), at(AS_OF))
        .unwrap_err();
    assert_eq!(e.code.as_str(), "policy.runtime");
    assert!(e.message.contains("cannot be negative"), "{e}");
}

#[test]
fn a_rate_entry_to_verify_says_so_in_every_charge_that_used_it() {
    // The Basiszinssatz for 2026-01-01 is marked to_verify in rules/money/rates.
    let case = case(
        "DE",
        "Europe/Berlin",
        "EUR",
        "1000.00",
        "business",
        json!({}),
        json!({}),
    );
    let dec = Policy::embedded("b2b/policy")
        .unwrap()
        .evaluate(&case, at(AS_OF))
        .unwrap();
    let line = dec
        .charges
        .lines
        .iter()
        .find(|l| l.rule == "de_verzugszinsen")
        .unwrap();
    assert!(
        line.basis["to_verify"].contains("2026-01-01"),
        "{:?}",
        line.basis
    );
}

// ---- 3. Charges are facts -----------------------------------------------------------

fn late_fee_terms() -> serde_json::Value {
    json!({"agreement": {"fees": [{"rule": "late_fee", "amount": "25.00"}]}})
}

#[test]
fn the_default_policy_charges_its_late_fee_once_per_debt() {
    let p = Policy::default_consumer().unwrap();
    let first = p
        .evaluate(&us(late_fee_terms(), json!({})), at(AS_OF))
        .unwrap();
    assert_eq!(first.charges.totals["USD"], "25.00");
    // Booked, then paid in full: it is not charged again.
    let booked = us(
        late_fee_terms(),
        json!({
            "charges": [{"debt_id": "A", "kind": "fee", "rule": "late_fee", "amount": "25.00", "at": "2026-03-01T12:00:00Z"}],
            "payments": [{"at": "2026-03-05T12:00:00Z", "amount": "100.00", "debt_id": "A"}]
        }),
    );
    let again = p.evaluate(&booked, at(AS_OF)).unwrap();
    assert!(again.charges.lines.is_empty(), "{:?}", again.charges);
    // Even a policy that forgets to ask is held to it by the engine.
    let forgetful = policy(r#"fn charges(c) { [agreed_fee(c.oldest_overdue, "late_fee")] }"#);
    let dec = forgetful.evaluate(&booked, at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("0.00"));
    assert!(dec.charges.lines[0].basis["capped"].contains("already charged on 2026-03-01"));
}

#[test]
fn an_agreed_fee_repeats_only_as_often_as_the_agreement_says() {
    let terms = json!({"agreement": {"fees": [{"rule": "late_fee", "amount": "25.00", "repeat_days": 30}]}});
    let p = policy(r#"fn charges(c) { [agreed_fee(c.oldest_overdue, "late_fee")] }"#);
    let charged_on = |day: &str| {
        us(
            terms.clone(),
            json!({"charges": [{"debt_id": "A", "kind": "fee", "rule": "late_fee", "amount": "25.00", "at": format!("{day}T12:00:00Z")}]}),
        )
    };
    // Charged 2026-03-01 (local): allowed again from 2026-03-31; today is 2026-03-16.
    let dec = p.evaluate(&charged_on("2026-03-01"), at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("0.00"));
    // Charged 2026-02-10: again from 2026-03-12, before today.
    let dec = p.evaluate(&charged_on("2026-02-10"), at(AS_OF)).unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("25.00"));
}

#[test]
fn the_ledger_answers_what_was_charged_and_what_is_owed() {
    let booked = us(
        late_fee_terms(),
        json!({
            "charges": [{"debt_id": "A", "kind": "fee", "rule": "late_fee", "amount": "25.00", "at": "2026-03-01T12:00:00Z"}],
            "payments": [{"at": "2026-03-05T12:00:00Z", "amount": "10.00", "debt_id": "A"}]
        }),
    );
    let p = policy(
        r#"fn segment(c) { let d = c.oldest_overdue;
            `${d.charged("late_fee")} ${d.last_charged_on("late_fee")} ${d.charged("other")} ${d.charges_applied}` }"#,
    );
    let dec = p.evaluate(&booked, at(AS_OF)).unwrap();
    // 25.00 charged, 10.00 paid (charges first): 15.00 still owed.
    assert_eq!(dec.segment.as_deref(), Some("true 2026-03-01 false 15.00"));
}

#[test]
fn interest_already_charged_is_not_charged_again() {
    // 12% on 1,000.00 for 43 days is 14.14 (see above); 10.00 already booked under the
    // same rule leaves 4.14.
    let terms = json!({"agreement": {"interest": {"annual_rate": "0.12"}}});
    let booked = us(
        terms,
        json!({"charges": [{"debt_id": "A", "kind": "interest", "rule": "contract_interest", "amount": "10.00", "at": "2026-03-01T12:00:00Z"}]}),
    );
    let dec = policy(r#"fn charges(c) { [contract_interest(c, c.oldest_overdue)] }"#)
        .evaluate(&booked, at(AS_OF))
        .unwrap();
    let line = &dec.charges.lines[0];
    assert_eq!(line.amount, d("4.14"));
    assert_eq!(line.basis["already_charged"], "10.00");
}

#[test]
fn interest_counts_payments_that_name_no_debt() {
    // Two debts; a payment of 600.00 naming none on 2026-02-16 goes to the oldest due
    // first: A (due 2026-02-01, 1,000.00) takes all 600. 12% act/365f. The payment
    // settles the interest accrued so far first (costs, interest, principal: the stated
    // order, as BGB § 367(1) and most laws have it):
    //   2026-02-02..2026-02-15, 14 days on 1,000.00: 1000 x 0.12 x 14/365 = 4.6027 -> 4.60
    //   paid; the principal becomes 1,000.00 - 595.40 = 404.60;
    //   2026-02-16..2026-03-16, 29 days on 404.60: 404.60 x 0.12 x 29/365 = 3.8576.
    //   Accrued 8.4603 -> 8.46, less 4.60 paid: 3.86 owed. (Ignoring the payment, as the
    //   engine did before, would charge 1000 x 0.12 x 43/365 = 14.14.)
    let c = Case::from_value(json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-TX", "timezone": "America/Chicago"},
        "debts": [
            {"id": "A", "currency": "USD", "original_amount": "1000.00", "outstanding": "400.00",
             "issued_on": "2026-01-01", "due_on": "2026-02-01", "agreement": {"interest": {"annual_rate": "0.12"}}},
            {"id": "B", "currency": "USD", "original_amount": "100.00", "outstanding": "100.00",
             "issued_on": "2026-01-01", "due_on": "2026-03-01"}
        ],
        "payments": [{"at": "2026-02-16T18:00:00Z", "amount": "600.00"}]
    }))
    .unwrap();
    let dec = policy(r#"fn charges(c) { [contract_interest(c, c.debts[0])] }"#)
        .evaluate(&c, at(AS_OF))
        .unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("3.86"));
}

#[test]
fn german_interest_counts_the_day_the_money_arrives() {
    // BGB § 288(2) with §§ 187(1), 188(1): default from the day after the due date; the
    // day the payment arrives still accrues. § 193: the due date, Sunday 2026-02-01,
    // moves to Monday 2 February, so interest runs from Tuesday 3 February. § 367(1): a
    // payment settles costs, then interest, then principal. EUR 10,000.00 between
    // businesses; 4,000.00 paid on 2026-02-20. Basiszinssatz 1.27% from 2026-01-01
    // (Deutsche Bundesbank), + 9 points = 10.27%.
    //   2026-02-03..2026-02-20 (18 days, the payment day counted) on 10,000.00:
    //     10,000 x 0.1027 x 18/365 = 50.6466 -> 50.65 paid by the payment first;
    //     principal 10,000.00 - 3,949.35 = 6,050.65;
    //   2026-02-21..2026-03-16 (24 days) on 6,050.65: 6,050.65 x 0.1027 x 24/365 = 40.8593;
    //   accrued 91.5059 -> 91.51, less 50.65 paid: 40.86 owed.
    // Counting the payment day out would give: 17 days = 47.8329 -> 47.83 paid;
    // principal 6,047.83 for 25 days = 42.5419; accrued 90.3748 -> 90.37, less 47.83:
    // 42.54. A policy that asks for that is held to the statute's own convention: 40.86.
    let c = case(
        "DE",
        "Europe/Berlin",
        "EUR",
        "10000.00",
        "business",
        json!({"outstanding": "6000.00"}),
        json!({"payments": [{"at": "2026-02-20T10:00:00+01:00", "amount": "4000.00", "debt_id": "A"}]}),
    );
    let src = |pd: &str| {
        format!(
            r#"import "money/de" as de;
            fn charges(c) {{ [{}] }}"#,
            if pd == "pack" {
                "de::statutory_interest(c, c.oldest_overdue)".to_string()
            } else {
                format!(
                    r#"late_interest(c, c.oldest_overdue, #{{ table: "de_basiszins", margin: 0.09, payment_day: "{pd}", due_roll: "following", rule: "x" }})"#
                )
            }
        )
    };
    let amount = |pd: &str| {
        policy(&src(pd))
            .evaluate(&c, at(AS_OF))
            .unwrap()
            .charges
            .lines[0]
            .amount
    };
    assert_eq!(amount("pack"), d("40.86"));
    assert_eq!(amount("included"), d("40.86"));
    assert_eq!(amount("excluded"), d("40.86"));
    let excluded = policy(&src("excluded")).evaluate(&c, at(AS_OF)).unwrap();
    assert!(excluded.charges.lines[0].basis["capped"]
        .starts_with("42.54 cut to 40.86: more than the law allows"));
}

#[test]
fn the_simulator_books_each_charge_once_in_the_ledger() {
    use recobro::simulation::{simulate_case, ResponseModel, Settings, Split};
    let p = Policy::default_consumer().unwrap();
    let mut c = us(
        late_fee_terms(),
        json!({"debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-TX", "timezone": "America/Chicago",
            "consents": {"sms": {"allowed": true}, "email": {"allowed": true}, "call": {"allowed": true}}}}),
    );
    c.debts[0].due_on = "2026-02-20".parse::<Date>().unwrap();
    let s = Settings {
        start: at("2026-03-01T15:00:00Z"),
        days: 90,
        seed: 7,
        split: Split::All,
        response: ResponseModel::default(),
        replications: 1,
        capacity: Default::default(),
    };
    let o = simulate_case(&p, &c, &s).unwrap();
    let fees: Vec<_> = o
        .final_case
        .charges
        .iter()
        .filter(|x| x.rule == "late_fee")
        .collect();
    assert_eq!(fees.len(), 1, "{:?}", o.final_case.charges);
    assert_eq!(fees[0].amount, d("25.00"));
}

// ---- What a policy cannot get around by renaming or re-terming a line -------------

#[test]
fn renaming_a_line_does_not_charge_it_twice() {
    // Agreement 12% (14.14 over the 43 days, see above); the ledger holds 10.00 of
    // interest under `contract_interest` and a late fee. Interest under another rule
    // subtracts every interest line on the debt: 4.14. A second interest line in the
    // same decision is cut to zero; the agreed fee, already charged, is not charged again
    // under its rule; a statutory-looking compensation needs authority (none here: US).
    let booked = us(
        json!({"agreement": {"interest": {"annual_rate": "0.12"}, "fees": [{"rule": "late_fee", "amount": "25.00"}]}}),
        json!({"charges": [
            {"debt_id": "A", "kind": "interest", "rule": "contract_interest", "amount": "10.00", "at": "2026-03-01T12:00:00Z"},
            {"debt_id": "A", "kind": "fee", "rule": "late_fee", "amount": "25.00", "at": "2026-03-01T12:00:00Z"}
        ]}),
    );
    let dec = policy(
        r#"fn charges(c) { let d = c.oldest_overdue;
            [contract_interest(c, d, #{ rule: "interest_b" }),
             late_interest(c, d, #{ rate: 0.12, rule: "interest_c" }),
             agreed_fee(d, "late_fee")] }"#,
    )
    .evaluate(&booked, at(AS_OF))
    .unwrap();
    let by = |r: &str| {
        dec.charges
            .lines
            .iter()
            .find(|l| l.rule == r)
            .unwrap()
            .amount
    };
    assert_eq!(by("interest_b"), d("4.14"));
    assert_eq!(by("interest_c"), d("0.00"));
    assert_eq!(by("late_fee"), d("0.00"));
    assert_eq!(dec.charges.totals["USD"], "4.14");
}

#[test]
fn a_statutory_sum_is_charged_once_whatever_it_is_called() {
    // EU Directive art. 6: EUR 40 per late payment (one per debt). Twice in one
    // decision under two names: the second is cut; once the ledger holds one (under any
    // rule), none. Brazil: a consumer's 2% fine (10.00 on 500.00) likewise.
    let de = case(
        "DE",
        "Europe/Berlin",
        "EUR",
        "1000.00",
        "business",
        json!({}),
        json!({}),
    );
    let p = policy(
        r#"fn charges(c) { let d = c.oldest_overdue; [compensation(d, 40, "a"), compensation(d, 40, "b")] }"#,
    );
    let dec = p.evaluate(&de, at(AS_OF)).unwrap();
    assert_eq!(dec.charges.totals["EUR"], "40.00");
    let mut charged = de.clone();
    charged.charges.push(recobro::AppliedCharge {
        id: None,
        debt_id: "A".into(),
        kind: recobro::ChargeKind::Compensation,
        rule: "something_else".into(),
        amount: d("40"),
        at: at("2026-03-01T12:00:00Z"),
    });
    assert_eq!(
        p.evaluate(&charged, at(AS_OF)).unwrap().charges.totals["EUR"],
        "0.00"
    );
    let br = case(
        "BR-SP",
        "America/Sao_Paulo",
        "BRL",
        "500.00",
        "consumer",
        json!({}),
        json!({}),
    );
    let dec = policy(
        r#"fn charges(c) { let d = c.oldest_overdue; [fee(d, 10, "multa"), fee(d, 10, "multa_2"), compensation(d, 10, "multa_3")] }"#,
    )
    .evaluate(&br, at(AS_OF))
    .unwrap();
    assert_eq!(dec.charges.totals["BRL"], "10.00");
}

#[test]
fn the_authority_s_own_terms_bound_the_line_not_the_policy_s() {
    // Agreement: 12% simple, act/365f = 14.14 (above). A policy that accrues the same 12%
    // compounded on act/360 is held to 14.14.
    let terms = json!({"agreement": {"interest": {"annual_rate": "0.12"}}});
    let dec = policy(
        r#"fn charges(c) { [late_interest(c, c.oldest_overdue, #{ rate: 0.12, day_count: "act/360", method: "compound", moment: "per_day" })] }"#,
    )
    .evaluate(&us(terms, json!({})), at(AS_OF))
    .unwrap();
    assert!(
        dec.charges.lines[0].amount <= d("14.14"),
        "{:?}",
        dec.charges
    );
    // BGB § 288(2): base 1.27 + 9 points, simple, act/365f; due Sunday 1 Feb 2026 rolls
    // to Monday (§ 193): 42 days on 1,000.00 = 1000 x 0.1027 x 42/365 = 11.8175 -> 11.82.
    // Asking for act/360 from the unrolled due date (43 days: 1000 x 0.1027 x 43/360 =
    // 12.2669 -> 12.27) does not raise it.
    let de = case(
        "DE",
        "Europe/Berlin",
        "EUR",
        "1000.00",
        "business",
        json!({}),
        json!({}),
    );
    let dec = policy(
        r#"fn charges(c) { [late_interest(c, c.oldest_overdue, #{ table: "de_basiszins", margin: 0.09, day_count: "act/360" })] }"#,
    )
    .evaluate(&de, at(AS_OF))
    .unwrap();
    assert_eq!(dec.charges.lines[0].amount, d("11.82"));
    assert!(dec.charges.lines[0].basis["capped"].starts_with("12.27 cut to 11.82"));
}

#[test]
fn a_zero_line_in_the_ledger_charged_nothing() {
    // A host that books every line it receives, including one the engine cut to 0,
    // has not charged the fee.
    let c = us(
        late_fee_terms(),
        json!({"charges": [{"debt_id": "A", "kind": "fee", "rule": "late_fee", "amount": "0.00", "at": "2026-03-01T12:00:00Z"}]}),
    );
    let dec = Policy::default_consumer()
        .unwrap()
        .evaluate(&c, at(AS_OF))
        .unwrap();
    assert_eq!(dec.charges.totals["USD"], "25.00");
}

#[test]
fn per_day_accrual_counts_across_every_line_of_the_evaluation() {
    // 43 days per line; 30 lines are 1,290 day-steps: within a 1,000 budget one line
    // is, thirty together are not.
    let terms = json!({"agreement": {"interest": {"annual_rate": "0.12"}}});
    let src = |n: usize| {
        format!(
            r#"fn charges(c) {{ let out = []; for i in 0..{n} {{ out.push(contract_interest(c, c.oldest_overdue, #{{ moment: "per_day", rule: `r${{i}}` }})); }} out }}"#
        )
    };
    let build = |n: usize| {
        PolicyBuilder::new(src(n))
            .limits(recobro::Limits {
                max_operations: 1_000,
                ..recobro::Limits::default()
            })
            .build()
            .unwrap()
    };
    assert!(build(1)
        .evaluate(&us(terms.clone(), json!({})), at(AS_OF))
        .is_ok());
    let e = build(30)
        .evaluate(&us(terms, json!({})), at(AS_OF))
        .unwrap_err();
    assert_eq!(e.code.as_str(), "limit.operations", "{e}");
}
