//! Money: the figures named in the issue, rate tables, regimes, and properties.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use chrono::NaiveDate;
use proptest::prelude::*;
use recobro::internals::fees;
use recobro::internals::interest::{
    accrue, Bucket, InterestSpec, Method, Moment, Movement, RateSource, Regime,
};
use recobro::internals::plans::{schedule, Frequency, Remainder};
use recobro::internals::rates::{RateEntry, RateTables};
use recobro::internals::{DayCount, Rounding};
use recobro::{Case, Instant, PolicyBuilder};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn spec(rate: RateSource) -> InterestSpec {
    InterestSpec {
        rate,
        day_count: DayCount::Act365F,
        method: Method::Simple,
        rounding: Rounding::HalfUp,
        moment: Moment::AtEnd,
        dp: 2,
        order: vec![Bucket::Fees, Bucket::Interest, Bucket::Principal],
    }
}

#[test]
fn spain_statutory_rates_from_the_embedded_table() {
    let t = RateTables::standard().unwrap();
    assert_eq!(
        t.rate_on("es_demora_comercial", day("2020-03-01"))
            .unwrap()
            .rate,
        d("8.00")
    );
    assert_eq!(
        t.rate_on("es_demora_comercial", day("2005-05-31"))
            .unwrap()
            .rate,
        d("9.09")
    );
    // The margin changed from 7 to 8 points on 24 February 2013, mid half-year.
    let before = t
        .rate_on("es_demora_comercial", day("2013-02-23"))
        .unwrap()
        .rate;
    let after = t
        .rate_on("es_demora_comercial", day("2013-02-24"))
        .unwrap()
        .rate;
    assert_eq!(after - before, d("1"));
    for id in ["ecb_mro", "boe_base", "de_basiszins", "es_demora_comercial"] {
        assert!(
            t.get(id)
                .unwrap()
                .entries
                .iter()
                .all(|e| !e.source.is_empty()),
            "{id} entries need sources"
        );
    }
}

#[test]
fn uk_rate_is_fixed_at_start_and_eu_rate_splits_by_half_year() {
    let t = RateTables::standard().unwrap();
    // Late from 15 Aug 2023: the reference is the base rate on 30 June 2023 (5.00), fixed,
    // although the base rate rose to 5.25 on 3 August.
    let uk = spec(RateSource::Table {
        table: "boe_base".into(),
        margin: d("0.08"),
        regime: Regime::FixedAtStart,
        half_yearly: false,
    });
    let a = accrue(
        &uk,
        &t,
        d("1000"),
        Decimal::ZERO,
        day("2023-08-15"),
        day("2023-09-14"),
        &[],
    )
    .unwrap();
    assert_eq!(a.periods.len(), 1);
    assert_eq!(a.periods[0].rate, d("0.13"));
    // EU: the ECB rate before 1 Jan 2025 (3.15) and before 1 Jul 2025 (2.15), + 8.
    let eu = spec(RateSource::Table {
        table: "ecb_mro".into(),
        margin: d("0.08"),
        regime: Regime::SplitOnChange,
        half_yearly: true,
    });
    let a = accrue(
        &eu,
        &t,
        d("1000"),
        Decimal::ZERO,
        day("2025-06-01"),
        day("2025-08-01"),
        &[],
    )
    .unwrap();
    let rates: Vec<Decimal> = a.periods.iter().map(|p| p.rate).collect();
    assert_eq!(rates, vec![d("0.1115"), d("0.1015")]);
    let want =
        d("1000") * d("0.1115") * d("30") / d("365") + d("1000") * d("0.1015") * d("31") / d("365");
    assert_eq!(a.interest, Rounding::HalfUp.round(want, 2));
}

#[test]
fn host_can_add_a_new_half_year_without_a_release() {
    let policy = PolicyBuilder::new(
        r#"import "money/es" as es;
        fn charges(c) { let out = []; for d in c.debts { out.push(es::statutory_interest(c, d)); } out }"#,
    )
    .rate_entries(
        "es_demora_comercial",
        vec![RateEntry { from: "2026-07-01".parse::<recobro::Date>().unwrap(), rate: d("9.50"), source: "BOE (host)".into(), confidence: "confirmed".into() }],
    )
    .build()
    .unwrap();
    let case = Case::from_value(serde_json::json!({
        "id": "C", "debtor": {"id": "D", "kind": "business", "jurisdiction": "ES", "timezone": "Europe/Madrid"},
        "debts": [{"id": "A", "currency": "EUR", "original_amount": "1000.00", "outstanding": "1000.00",
                   "issued_on": "2026-05-01", "due_on": "2026-06-20"}]
    }))
    .unwrap();
    let dcs = policy
        .evaluate(&case, "2026-07-20T12:00:00Z".parse::<Instant>().unwrap())
        .unwrap();
    let line = &dcs.charges.lines[0];
    // 10 days of June at 10.15% and 20 days of July at the host's 9.50%.
    let want = Rounding::HalfUp.round(
        d("1000") * d("0.1015") * d("10") / d("365") + d("1000") * d("0.095") * d("20") / d("365"),
        2,
    );
    assert_eq!(line.amount, want);
    assert!(
        line.basis["periods"].contains("@ 0.095 on"),
        "{:?}",
        line.basis
    );
}

#[test]
fn jurisdiction_limits_cut_charges_and_say_so() {
    let src = r#"fn charges(c) { c.debts.map(|d| fee(d, 25, "late_fee")) }"#;
    let policy = PolicyBuilder::new(src).build().unwrap();
    let case = |j: &str, tz: &str, cur: &str| {
        Case::from_value(serde_json::json!({
            "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": j, "timezone": tz},
            "debts": [{"id": "A", "currency": cur, "original_amount": "500", "outstanding": "500",
                       "issued_on": "2026-01-01", "due_on": "2026-02-01"}]
        }))
        .unwrap()
    };
    let at = "2026-03-16T15:00:00Z".parse::<Instant>().unwrap();
    let pe = policy
        .evaluate(&case("PE", "America/Lima", "PEN"), at)
        .unwrap();
    assert_eq!(pe.charges.totals["PEN"], "0.00");
    assert!(pe.charges.lines[0].basis["capped"].contains("Ley 31143"));
    let us = policy
        .evaluate(&case("US-TX", "America/Chicago", "USD"), at)
        .unwrap();
    assert_eq!(us.charges.totals["USD"], "0.00");
    assert!(us.charges.lines[0].basis["capped"].contains("1692f(1)"));
    // Authorised by the debt's agreement (not by anything the policy says).
    let mut agreed = case("US-TX", "America/Chicago", "USD");
    agreed.debts[0].agreement = Some(recobro::Agreement {
        interest: None,
        fees: vec![recobro::AgreedFee {
            rule: "late_fee".into(),
            kind: recobro::ChargeKind::Fee,
            amount: None,
            max: Some(d("25")),
            max_pct: None,
            repeat_days: None,
        }],
    });
    let us_ok = PolicyBuilder::new(r#"fn charges(c) { c.debts.map(|d| fee(d, 25, "late_fee")) }"#)
        .build()
        .unwrap()
        .evaluate(&agreed, at)
        .unwrap();
    assert_eq!(us_ok.charges.totals["USD"], "25.00");
    assert_eq!(us_ok.charges.lines[0].basis["authorised_by"], "agreement");
    // In every jurisdiction a fee needs the agreement (or a statute the engine knows).
    let co = policy
        .evaluate(&case("CO", "America/Bogota", "COP"), at)
        .unwrap();
    assert_eq!(co.charges.totals["COP"], "0.00");
    assert!(co.charges.lines[0].basis["capped"].contains("cannot authorise"));
}

#[test]
fn packs_compute_chile_brazil_and_colombia() {
    let policy = PolicyBuilder::new(
        r#"import "money/cl" as cl; import "money/br" as br; import "money/co" as co;
        fn charges(c) {
            let d = c.oldest_overdue;
            if c.country == "CL" { [cl::collection_fee(d, 27205.11, false)] }
            else if c.country == "BR" { [br::late_fine(d, 10)] }
            else { [co::default_interest(c, d, 35, 19.33)] }
        }"#,
    )
    // The usury rate the Superintendencia certified for the period (29.00% EA here,
    // from the 19.33% IBC test vector: 1.5 x 19.33 = 28.995 -> 29.00).
    .rate_entries(
        "co_usura",
        vec![recobro::money::RateEntry {
            from: "2026-01-01".parse::<recobro::Date>().unwrap(),
            rate: d("29.00"),
            source: "test vector: 1.5 x IBC 19.33".into(),
            confidence: "to_verify".into(),
        }],
    )
    .build()
    .unwrap();
    let at = "2026-03-16T15:00:00Z".parse::<Instant>().unwrap();
    let case = |j: &str, tz: &str, cur: &str, amount: &str| {
        Case::from_value(serde_json::json!({
            "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": j, "timezone": tz},
            "debts": [{"id": "A", "currency": cur, "original_amount": amount, "outstanding": amount,
                       "issued_on": "2026-01-01", "due_on": "2026-02-01"}]
        }))
        .unwrap()
    };
    let cl = policy
        .evaluate(&case("CL", "America/Santiago", "CLP", "100000"), at)
        .unwrap();
    assert_eq!(cl.charges.totals["CLP"], "3559");
    let br = policy
        .evaluate(&case("BR-SP", "America/Sao_Paulo", "BRL", "500.00"), at)
        .unwrap();
    assert_eq!(br.charges.totals["BRL"], "10.00");
    assert!(br.charges.lines[0].basis["capped"].contains("2%"));
    let co = policy
        .evaluate(&case("CO", "America/Bogota", "COP", "1000000"), at)
        .unwrap();
    let line = &co.charges.lines[0];
    assert_eq!(line.basis["usury_cap_pct"], "29.00");
    // 29% EA compounded over 43 days on 1,000,000.
    let factor = rust_decimal::prelude::MathematicalOps::powd(&d("1.29"), d("43") / d("365"));
    assert_eq!(
        line.amount,
        Rounding::HalfUp.round(d("1000000") * (factor - Decimal::ONE), 2)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn plans_sum_to_their_total(balance in 1u64..10_000_000, down_pct in 0u64..50, n in 1u32..48, rate_bp in 0u64..3000, f in 0usize..3, first in any::<bool>()) {
        let balance = Decimal::new(balance as i64, 2);
        let down = Rounding::HalfUp.round(balance * Decimal::from(down_pct) / Decimal::ONE_HUNDRED, 2);
        let freq = [Frequency::Weekly, Frequency::Biweekly, Frequency::Monthly][f];
        let s = schedule(balance, down, n, freq, day("2026-01-31"), Decimal::new(rate_bp as i64, 4), 2,
            if first { Remainder::First } else { Remainder::Last });
        let sum: Decimal = s.installments.iter().map(|i| i.amount).sum();
        prop_assert_eq!(sum + s.down_payment, s.total);
        prop_assert_eq!(s.installments.len(), n as usize);
        prop_assert!(s.installments.iter().all(|i| i.amount.scale() <= 2 && i.amount >= Decimal::ZERO));
        if rate_bp == 0 { prop_assert_eq!(s.total, balance); }
    }

    #[test]
    fn interest_is_zero_for_zero_days_never_negative_and_monotone(p in 0u64..100_000_000, rate_bp in 0u64..5000, days in 0i64..800, extra in 1i64..100, more in 1u64..1_000_000, dc in 0usize..4, m in 0usize..3) {
        let t = RateTables::default();
        let mut s = spec(RateSource::Fixed(Decimal::new(rate_bp as i64, 4)));
        s.day_count = [DayCount::Act365F, DayCount::Act360, DayCount::Thirty360, DayCount::ActAct][dc];
        s.moment = [Moment::AtEnd, Moment::PerLine, Moment::PerDay][m];
        let p = Decimal::new(p as i64, 2);
        let start = day("2025-01-01");
        let at = |days: i64, principal: Decimal| accrue(&s, &t, principal, Decimal::ZERO, start, start + chrono::Duration::days(days), &[]).unwrap().interest;
        prop_assert_eq!(at(0, p), Decimal::ZERO);
        let i = at(days, p);
        prop_assert!(i >= Decimal::ZERO);
        prop_assert!(at(days + extra, p) >= i);
        prop_assert!(at(days, p + Decimal::new(more as i64, 2)) >= i);
    }

    #[test]
    fn splitting_where_the_rate_does_not_change_changes_nothing(p in 1u64..100_000_000, rate_bp in 0u64..5000, days in 2i64..700, cut in 1i64..699) {
        let cut = cut.min(days - 1);
        let base = RateTables::default();
        let mut split = RateTables::default();
        let rate = Decimal::new(rate_bp as i64, 2);
        split.upsert("x", vec![
            RateEntry { from: recobro::internals::date(day("2020-01-01")), rate, source: "t".into(), confidence: "confirmed".into() },
            RateEntry { from: recobro::internals::date(day("2025-01-01") + chrono::Duration::days(cut)), rate, source: "t".into(), confidence: "confirmed".into() },
        ]);
        let mut one = base.clone();
        one.upsert("x", vec![RateEntry { from: recobro::internals::date(day("2020-01-01")), rate, source: "t".into(), confidence: "confirmed".into() }]);
        let s = spec(RateSource::Table { table: "x".into(), margin: Decimal::ZERO, regime: Regime::SplitOnChange, half_yearly: false });
        let p = Decimal::new(p as i64, 2);
        let end = day("2025-01-01") + chrono::Duration::days(days);
        let a = accrue(&s, &one, p, Decimal::ZERO, day("2025-01-01"), end, &[]).unwrap();
        let b = accrue(&s, &split, p, Decimal::ZERO, day("2025-01-01"), end, &[]).unwrap();
        prop_assert_eq!(b.periods.len(), 2);
        prop_assert_eq!(a.interest, b.interest);
    }

    #[test]
    fn allocation_never_creates_or_loses_a_cent(p in 0u64..10_000_000, fees_c in 0u64..100_000, pays in proptest::collection::vec((1i64..200, 1u64..5_000_000), 0..6)) {
        let t = RateTables::default();
        let s = spec(RateSource::Fixed(d("0.10")));
        let p = Decimal::new(p as i64, 2);
        let fees = Decimal::new(fees_c as i64, 2);
        let start = day("2025-01-01");
        let moves: Vec<Movement> = pays.iter().map(|(off, amt)| Movement { on: start + chrono::Duration::days(*off), amount: Decimal::new(*amt as i64, 2) }).collect();
        let a = accrue(&s, &t, p, fees, start, start + chrono::Duration::days(240), &moves).unwrap();
        let paid: Decimal = moves.iter().map(|m| m.amount).sum();
        prop_assert_eq!(a.paid_fees + a.paid_interest + a.paid_principal + a.overpaid, paid);
        prop_assert_eq!(p - a.paid_principal, a.principal_end);
        prop_assert!(a.paid_fees <= fees);
    }

    #[test]
    fn a_capped_charge_never_exceeds_its_cap(amount in 0u64..100_000_000, cap in 0u64..100_000_000) {
        let policy = PolicyBuilder::new(format!(
            "fn charges(c) {{ [fee(c.oldest_overdue, {}, \"f\").cap({}, \"house cap\")] }}",
            Decimal::new(amount as i64, 2), Decimal::new(cap as i64, 2)
        )).build().unwrap();
        // The agreement allows fee `f` up to 10^6, above every amount drawn.
        let case = Case::from_value(serde_json::json!({
            "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
            "debts": [{"id": "A", "currency": "COP", "original_amount": "500", "outstanding": "500",
                       "issued_on": "2026-01-01", "due_on": "2026-02-01",
                       "agreement": {"fees": [{"rule": "f", "max": "1000000"}]}}]
        })).unwrap();
        let dcs = policy.evaluate(&case, "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()).unwrap();
        prop_assert!(dcs.charges.lines[0].amount <= Decimal::new(cap as i64, 2));
        prop_assert_eq!(dcs.charges.lines[0].amount, Decimal::new(amount.min(cap) as i64, 2));
    }
}

#[test]
fn statutory_fixed_sums() {
    assert_eq!(fees::uk_fixed_sum(d("999.99")), d("40"));
    assert_eq!(fees::uk_fixed_sum(d("1000.00")), d("70"));
    assert_eq!(fees::uk_fixed_sum(d("9999.99")), d("70"));
    assert_eq!(fees::uk_fixed_sum(d("10000.00")), d("100"));
    assert_eq!(
        fees::cl_collection_fee(d("100000"), d("27205.11"), 25, true),
        d("9000")
    );
    assert_eq!(fees::co_usury_cap(d("19.33")), d("29.00"));
}

#[test]
fn offers_carry_exact_schedules_and_proposals_are_checked() {
    use recobro::money::Proposal;
    let policy = recobro::Policy::default_consumer().unwrap();
    let case = Case::from_value(serde_json::json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-TX", "timezone": "America/Chicago"},
        "debts": [{"id": "A", "currency": "USD", "original_amount": "1000.00", "outstanding": "1000.00",
                   "issued_on": "2025-10-01", "due_on": "2025-12-01"}]
    }))
    .unwrap();
    let at = "2026-03-16T15:00:00Z".parse::<Instant>().unwrap();
    let dec = policy.evaluate(&case, at).unwrap();
    let plan = dec.offers.iter().find(|o| o.kind == "plan").unwrap();
    let s = plan.schedule.as_ref().unwrap();
    assert_eq!(s.down_payment, d("100.00"));
    assert_eq!(s.installments.len(), 12);
    assert_eq!(
        s.installments.iter().map(|i| i.amount).sum::<Decimal>() + s.down_payment,
        d("1000.00")
    );
    let settle = dec.offers.iter().find(|o| o.kind == "settlement").unwrap();
    assert_eq!(settle.amount, Some(d("800.00")));
    assert_eq!(settle.pay_by.unwrap().to_string(), "2026-03-31");

    let ok = Proposal {
        down_payment: d("150"),
        installments: 10,
        frequency: Frequency::Monthly,
        first_due_on: "2026-04-01".parse::<recobro::Date>().unwrap(),
    };
    let c = policy.check_plan(&case, at, &ok).unwrap();
    assert!(c.accepted, "{:?}", c.broken);
    assert_eq!(c.schedule.total, d("1000.00"));
    let bad = Proposal {
        down_payment: d("20"),
        installments: 24,
        frequency: Frequency::Weekly,
        first_due_on: "2026-06-01".parse::<recobro::Date>().unwrap(),
    };
    let c = policy.check_plan(&case, at, &bad).unwrap();
    assert!(!c.accepted);
    let names: Vec<&str> = c
        .broken
        .iter()
        .map(|b| b.split(':').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "min_down_payment_pct",
            "max_installments",
            "frequencies",
            "max_days_to_first"
        ]
    );
}

#[test]
fn absurd_amounts_are_errors_not_panics() {
    use recobro::money::Proposal;
    let policy = recobro::Policy::default_consumer().unwrap();
    let case = Case::from_value(serde_json::json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-TX", "timezone": "America/Chicago"},
        "debts": [{"id": "A", "currency": "USD", "original_amount": 1000.10, "outstanding": 0.12,
                   "issued_on": "2025-10-01", "due_on": "2025-12-01"}]
    }))
    .unwrap();
    // Numbers in a JSON value keep their digits.
    assert_eq!(case.debts[0].outstanding, d("0.12"));
    let at = "2026-03-16T15:00:00Z".parse::<Instant>().unwrap();
    let huge = Proposal {
        down_payment: d("79228162514264337593543950335"),
        installments: 3,
        frequency: Frequency::Monthly,
        first_due_on: "2026-04-01".parse::<recobro::Date>().unwrap(),
    };
    assert_eq!(
        policy.check_plan(&case, at, &huge).unwrap_err().path(),
        Some("down_payment")
    );
    let big_fee = PolicyBuilder::new(
        "fn charges(c) { [fee(c.oldest_overdue, 79228162514264337593543950335, \"f\")] }",
    )
    .build()
    .unwrap();
    assert_eq!(
        big_fee.evaluate(&case, at).unwrap_err().code,
        recobro::ErrorCode::PolicyRuntime
    );
    let wild_plan = PolicyBuilder::new(
        "fn offers(c) { [payment_plan(c, #{ max_installments: 600, annual_rate: 9 })] }",
    )
    .build()
    .unwrap();
    let s = wild_plan.evaluate(&case, at).unwrap().offers[0]
        .schedule
        .clone()
        .unwrap();
    assert_eq!(
        s.installments.iter().map(|i| i.amount).sum::<Decimal>() + s.down_payment,
        s.total
    );
}

/// Regression from the `money_accrual` fuzz target (fuzz/RESULTS.md): 45,219.85 at 14%
/// for 275 days ACT/365F is exactly 4,769.765, which rounds half-up to 4,769.77. Dividing
/// the days by 365 first (275/365 cut to 28 digits) gave 4,769.76.
#[test]
fn simple_interest_divides_last_so_exact_halves_round_right() {
    let spec = spec(RateSource::Fixed(d("0.14")));
    let start = day("2020-01-01");
    let end = start + chrono::Duration::days(275);
    let a = accrue(
        &spec,
        &RateTables::default(),
        d("45219.85"),
        Decimal::ZERO,
        start,
        end,
        &[],
    )
    .unwrap();
    assert_eq!(a.interest, d("4769.77"));
}
