//! Every value a policy or a host controls is bounded where it enters: a typed error
//! that says where, never a panic, never a silent wrap or clamp.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::{Case, Instant, Limits, Policy, PolicyBuilder};

fn sample() -> Case {
    Case::from_json(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/data/cases/administrative.json"
        ))
        .unwrap(),
    )
    .unwrap()
}

fn at() -> Instant {
    "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()
}

/// Evaluate a policy whose `segment` hook runs `expr`; return the error.
fn fails(expr: &str) -> recobro::Error {
    let src = format!("fn segment(c) {{ let d = c.oldest_overdue; {expr}; \"s\" }}");
    let p = Policy::from_source(&src).unwrap();
    p.evaluate(&sample(), at())
        .expect_err(&format!("`{expr}` should fail"))
}

#[test]
fn policy_helper_arguments_out_of_range_are_runtime_errors_at_their_line() {
    for (expr, says) in [
        ("c.contacts(-1)", "between 0 and 73000"),
        ("c.contacts(9223372036854775807)", "between 0 and 73000"),
        (
            "c.contacts(9223372036854775807, \"sms\")",
            "between 0 and 73000",
        ),
        (
            "c.conversations(9223372036854775807)",
            "between 0 and 73000",
        ),
        ("c.conversations(-5)", "between 0 and 73000"),
        ("settlement(c, 10, 9999999)", "between 0 and 3650"),
        ("settlement(c, 10, -1)", "between 0 and 3650"),
        (
            "payment_plan(c, #{ max_installments: 100000 })",
            "between 1 and 600",
        ),
        (
            "payment_plan(c, #{ max_days_to_first: -3 })",
            "between 0 and 3650",
        ),
        (
            "payment_plan(c, #{ min_installment: -1 })",
            "cannot be negative",
        ),
        (
            "late_interest(c, d, #{ rate: 0.1, grace_days: 9223372036854775807 })",
            "between 0 and 3650",
        ),
        (
            "late_interest(c, d, #{ rate: 0.1, grace_days: \"ten\" })",
            "must be an integer",
        ),
        ("late_interest(c, d, #{ rate: -0.1 })", "between 0 and 10"),
        (
            "late_interest(c, d, #{ table: \"ecb_mro\", half_yearly: \"yes\" })",
            "true or false",
        ),
        (
            "late_interest(c, d, #{ rate: 0.1, order: [\"fees\", \"fees\"] })",
            "twice",
        ),
        (
            "late_interest(c, d, #{ rate: 0.1, payment_day: \"sometimes\" })",
            "excluded",
        ),
        ("c.rate_on(\"ecb_mro\", \"9999-12-31\")", "supported range"),
        ("c.rate_on(\"ecb_mro\", \"+262143-01-01\")", "2026-03-31"),
        ("fee(d, 5, \"\")", "1 to 64"),
    ] {
        let e = fails(expr);
        assert_eq!(e.code.as_str(), "policy.runtime", "`{expr}`: {e}");
        assert!(e.message.contains(says), "`{expr}`: {e}");
        assert!(e.line().is_some(), "`{expr}`: no line: {e}");
    }
}

#[test]
fn per_day_interest_counts_against_the_operation_limit() {
    // Per-day rounding walks each day: 400 days of accrual under a 300-operation
    // budget is a limit error, not a loop the sandbox cannot see.
    let mut case = sample();
    for d in &mut case.debts {
        d.due_on = "2025-01-01".parse::<recobro::Date>().unwrap();
        d.issued_on = "2024-12-01".parse::<recobro::Date>().unwrap();
    }
    let p = PolicyBuilder::new(
        r#"fn charges(c) { [late_interest(c, c.oldest_overdue, #{ rate: 0.1, moment: "per_day" })] }"#,
    )
    .limits(Limits {
        max_operations: 300,
        ..Limits::default()
    })
    .build()
    .unwrap();
    let e = p.evaluate(&case, at()).unwrap_err();
    assert_eq!(e.code.as_str(), "limit.operations", "{e}");
    // With the default budget it decides.
    let p = PolicyBuilder::new(
        r#"fn charges(c) { [late_interest(c, c.oldest_overdue, #{ rate: 0.1, moment: "per_day" })] }"#,
    )
    .build()
    .unwrap();
    assert!(p.evaluate(&case, at()).is_ok());
}

#[test]
fn host_supplied_values_are_bounded_with_their_path() {
    use recobro::internals::plans::{Frequency, Proposal};
    use recobro::money::RateEntry;
    let p = Policy::default_consumer().unwrap();
    let mut case = sample();
    for d in &mut case.debts {
        d.due_on = "2025-12-01".parse::<recobro::Date>().unwrap();
    }
    // A plan proposal past the supported range (built in Rust, not parsed).
    let far = Proposal {
        down_payment: "10".parse().unwrap(),
        installments: 6,
        frequency: Frequency::Weekly,
        first_due_on: recobro::internals::date(chrono::NaiveDate::MAX),
    };
    let e = p.check_plan(&case, at(), &far).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.path()),
        ("input.invalid", Some("first_due_on"))
    );
    // A host's rate entry beyond any reference rate, or with an unknown confidence.
    let entry = |rate: &str, confidence: &str| RateEntry {
        from: "2026-01-01".parse::<recobro::Date>().unwrap(),
        rate: rate.parse().unwrap(),
        source: String::new(),
        confidence: confidence.into(),
    };
    let e = PolicyBuilder::new("fn segment(c) { \"s\" }")
        .rate_entries(
            "co_usura",
            vec![entry("12", "confirmed"), entry("100000", "confirmed")],
        )
        .build()
        .unwrap_err();
    assert_eq!(e.path(), Some("rate_entries.co_usura[1].rate"), "{e}");
    let e = PolicyBuilder::new("fn segment(c) { \"s\" }")
        .rate_entries("co_usura", vec![entry("12", "probably")])
        .build()
        .unwrap_err();
    assert_eq!(e.path(), Some("rate_entries.co_usura[0].confidence"), "{e}");
}

#[test]
fn a_zero_limit_is_raised_to_one_never_read_as_unlimited() {
    // Rhai reads a zero limit as "no limit": the engine raises every zero to one, so
    // a host that zeroes its limits gets the strictest sandbox, not none.
    let zero = Limits {
        max_operations: 0,
        max_call_depth: 0,
        max_expression_depth: 0,
        max_function_expression_depth: 0,
        max_string_size: 0,
        max_array_size: 0,
        max_map_size: 0,
        max_modules: 0,
        max_variables: 0,
    };
    let run = |src: &str| -> recobro::Error {
        match PolicyBuilder::new(src).limits(zero).build() {
            Err(e) => e,
            Ok(p) => p.evaluate(&sample(), at()).unwrap_err(),
        }
    };
    // 10,000 iterations finish under no limit; under a limit of one they cannot.
    let e = run("fn segment(c) { let n = 0; for i in 0..10000 { n += 1; } \"s\" }");
    assert!(e.code.as_str().starts_with("limit."), "{e}");
    let e = run("fn segment(c) { let a = [1, 2, 3]; \"s\" }");
    assert!(e.code.as_str().starts_with("limit."), "{e}");
    let e = run("fn segment(c) { let s = \"abcdef\"; s }");
    assert!(e.code.as_str().starts_with("limit."), "{e}");
}
