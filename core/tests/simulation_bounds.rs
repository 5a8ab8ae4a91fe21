//! Every size and number a host passes into a simulation or the generator has a
//! documented bound, and a value outside it is an `input.invalid` error naming its path
//! and the allowed range (never a panic, an overflow or an unbounded allocation).
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::simulation::{self, GenOptions, ResponseModel, Settings, SimulationRequest, Split};
use recobro::ErrorCode;
use recobro::{Instant, Policy};
use rust_decimal::Decimal;

fn start() -> Instant {
    "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()
}

/// The request error's path, checking the code and that the message gives the range.
fn request_error(json: &str, range: &str) -> String {
    let e = SimulationRequest::from_json(json).unwrap_err();
    assert_eq!(e.code, ErrorCode::InputInvalid, "{json}: {e}");
    assert!(
        e.message.contains(range),
        "{json}: `{}` lacks `{range}`",
        e.message
    );
    e.path().unwrap_or_default().to_string()
}

#[test]
fn request_generate_is_bounded() {
    assert_eq!(
        request_error(r#"{"generate": 0}"#, "between 1 and 100000"),
        "generate"
    );
    assert_eq!(
        request_error(r#"{"generate": 100001}"#, "between 1 and 100000"),
        "generate"
    );
    let ok = SimulationRequest::from_json(r#"{"generate": 100000}"#).unwrap();
    assert_eq!(ok.generate, simulation::MAX_GENERATED);
    // Given cases make `generate` irrelevant.
    assert!(SimulationRequest::from_json(r#"{"generate": 0, "cases": []}"#).is_ok());
    // A request built in code is checked when it runs.
    let mut r = SimulationRequest::from_json(r#"{"generate": 5, "days": 5}"#).unwrap();
    r.generate = 10_000_000;
    assert_eq!(r.run().unwrap_err().path(), Some("generate"));
    assert_eq!(r.portfolio().unwrap_err().path(), Some("generate"));
}

#[test]
fn request_days_are_bounded() {
    assert_eq!(
        request_error(r#"{"days": 0}"#, "between 1 and 3650"),
        "days"
    );
    assert_eq!(
        request_error(r#"{"days": 3651}"#, "between 1 and 3650"),
        "days"
    );
    assert!(SimulationRequest::from_json(r#"{"days": 3650}"#).is_ok());
}

#[test]
fn request_policies_are_bounded() {
    let specs = vec!["{}"; simulation::MAX_POLICIES + 1].join(",");
    assert_eq!(
        request_error(&format!(r#"{{"policies": [{specs}]}}"#), "between 0 and 16"),
        "policies"
    );
    let specs = vec!["{}"; simulation::MAX_POLICIES].join(",");
    assert!(SimulationRequest::from_json(&format!(r#"{{"policies": [{specs}]}}"#)).is_ok());
}

#[test]
fn request_shares_and_experiment_are_bounded() {
    let two = r#""policies": [{}, {}]"#;
    assert_eq!(
        request_error(
            &format!(r#"{{{two}, "shares": [101, 0]}}"#),
            "between 0 and 100"
        ),
        "split.shares[0]"
    );
    // Would overflow a plain u32 sum.
    assert_eq!(
        request_error(
            &format!(r#"{{{two}, "shares": [50, 4294967295]}}"#),
            "between 0 and 100"
        ),
        "split.shares[1]"
    );
    assert_eq!(
        request_error(
            &format!(r#"{{{two}, "shares": [50, 40]}}"#),
            "adding up to 100"
        ),
        "split.shares"
    );
    assert_eq!(
        request_error(&format!(r#"{{{two}, "shares": [100]}}"#), "one per policy"),
        "split.shares"
    );
    let long = "x".repeat(simulation::MAX_EXPERIMENT + 1);
    assert_eq!(
        request_error(
            &format!(r#"{{{two}, "shares": [50, 50], "experiment": "{long}"}}"#),
            "at most 256"
        ),
        "split.experiment"
    );
    assert!(SimulationRequest::from_json(&format!(r#"{{{two}, "shares": [70, 30]}}"#)).is_ok());
}

#[test]
fn response_model_numbers_are_bounded() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"channels": {"sms": {"reach_pct": "100.01", "cost": "0"}}}"#,
            "channels.sms.reach_pct",
            "between 0 and 100",
        ),
        (
            r#"{"channels": {"sms": {"reach_pct": "-1", "cost": "0"}}}"#,
            "channels.sms.reach_pct",
            "between 0 and 100",
        ),
        (
            r#"{"channels": {"sms": {"reach_pct": "50", "cost": "-0.01"}}}"#,
            "channels.sms.cost",
            "between 0 and 1000000",
        ),
        (
            r#"{"channels": {"sms": {"reach_pct": "50", "cost": "1000000.01"}}}"#,
            "channels.sms.cost",
            "between 0 and 1000000",
        ),
        (
            r#"{"channels": {"": {"reach_pct": "50", "cost": "1"}}}"#,
            "channels.",
            "1 to 64 bytes",
        ),
        (
            r#"{"tasks": {"x": {"success_pct": "101", "recovered_pct": "0", "days_to_pay": 0, "cost": "0", "closes_case": false}}}"#,
            "tasks.x.success_pct",
            "between 0 and 100",
        ),
        (
            r#"{"tasks": {"x": {"success_pct": "1", "recovered_pct": "100.5", "days_to_pay": 0, "cost": "0", "closes_case": false}}}"#,
            "tasks.x.recovered_pct",
            "between 0 and 100",
        ),
        (
            r#"{"tasks": {"x": {"success_pct": "1", "recovered_pct": "1", "days_to_pay": 3651, "cost": "0", "closes_case": false}}}"#,
            "tasks.x.days_to_pay",
            "between 0 and 3650",
        ),
        (
            r#"{"tasks": {"x": {"success_pct": "1", "recovered_pct": "1", "days_to_pay": 1, "cost": "2000000", "closes_case": false}}}"#,
            "tasks.x.cost",
            "between 0 and 1000000",
        ),
        (
            r#"{"fx": {"USD": "0"}}"#,
            "fx.USD",
            "above 0 and at most 1000000",
        ),
        (
            r#"{"fx": {"USD": "lots"}}"#,
            "fx.USD",
            "above 0 and at most 1000000",
        ),
        (
            r#"{"fx": {"USD": "1000001"}}"#,
            "fx.USD",
            "above 0 and at most 1000000",
        ),
        (
            r#"{"report_currency": ""}"#,
            "report_currency",
            "1 to 64 bytes",
        ),
    ];
    for (model, path, range) in cases {
        let json = format!(r#"{{"response_model": {model}}}"#);
        assert_eq!(
            request_error(&json, range),
            format!("response_model.{path}"),
            "{model}"
        );
    }
    let seg = |field: &str, value: &str| {
        let mut v = serde_json::json!({
            "pay_full_pct": "3", "pay_partial_pct": "5", "partial_share_pct": [20, 60],
            "promise_pct": "8", "promise_kept_pct": "50", "self_cure_daily_pct": "0.08"
        });
        v[field] = serde_json::from_str(value).unwrap();
        format!(r#"{{"response_model": {{"segments": {{"s": {v}}}}}}}"#)
    };
    for field in [
        "pay_full_pct",
        "pay_partial_pct",
        "promise_pct",
        "promise_kept_pct",
        "self_cure_daily_pct",
    ] {
        for bad in [
            r#""100.001""#,
            r#""-0.5""#,
            r#""79228162514264337593543950335""#,
        ] {
            assert_eq!(
                request_error(&seg(field, bad), "between 0 and 100"),
                format!("response_model.segments.s.{field}")
            );
        }
    }
    assert_eq!(
        request_error(&seg("pay_full_pct", r#""90""#), "add up to at most 100"),
        "response_model.segments.s.promise_pct"
    );
    assert_eq!(
        request_error(&seg("partial_share_pct", "[0, 101]"), "between 0 and 100"),
        "response_model.segments.s.partial_share_pct[1]"
    );
    assert_eq!(
        request_error(
            &seg("partial_share_pct", "[70, 20]"),
            "above the upper bound"
        ),
        "response_model.segments.s.partial_share_pct"
    );
    // Too many entries in a map.
    let many: serde_json::Map<String, serde_json::Value> = (0..=simulation::MAX_MODEL_ENTRIES)
        .map(|i| (format!("X{i}"), serde_json::Value::from("1")))
        .collect();
    let json = format!(
        r#"{{"response_model": {{"fx": {}}}}}"#,
        serde_json::Value::Object(many)
    );
    assert_eq!(
        request_error(&json, "at most 1000 entries"),
        "response_model.fx"
    );
    // The defaults are within every bound.
    ResponseModel::default().validate().unwrap();
}

fn settings() -> Settings {
    Settings {
        start: start(),
        days: 10,
        seed: 1,
        split: Split::All,
        response: ResponseModel::default(),
        replications: 1,
        capacity: Default::default(),
    }
}

#[test]
fn simulate_checks_its_settings_where_they_enter() {
    let p = Policy::default_consumer().unwrap();
    let cases = simulation::portfolio(3, 1, start(), GenOptions::default());
    let path = |policies: &[Policy], s: &Settings| {
        let e = simulation::simulate(policies, &cases, s).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputInvalid, "{e}");
        e.path().unwrap_or_default().to_string()
    };
    let mut s = settings();
    s.days = 3651;
    assert_eq!(path(std::slice::from_ref(&p), &s), "days");
    s.days = 0;
    assert_eq!(path(std::slice::from_ref(&p), &s), "days");
    let many = vec![p.clone(); simulation::MAX_POLICIES + 1];
    assert_eq!(path(&many, &settings()), "policies");
    let mut s = settings();
    s.split = Split::Assign {
        experiment: "e".into(),
        shares: vec![u32::MAX, 1],
    };
    assert_eq!(path(&[p.clone(), p.clone()], &s), "split.shares[0]");
    // A percentage that would overflow the draw's arithmetic is refused, not a panic.
    let mut s = settings();
    if let Some(c) = s.response.channels.get_mut("sms") {
        c.reach_pct = Decimal::MAX;
    }
    assert_eq!(
        path(std::slice::from_ref(&p), &s),
        "response.channels.sms.reach_pct"
    );
    // One case at a time is checked too.
    let e = simulation::simulate_case(&p, &cases[0], &s).unwrap_err();
    assert_eq!(e.path(), Some("response.channels.sms.reach_pct"));
    let mut s = settings();
    if let Some(m) = s.response.segments.get_mut("default") {
        m.self_cure_daily_pct = Decimal::from(101);
    }
    assert_eq!(
        path(std::slice::from_ref(&p), &s),
        "response.segments.default.self_cure_daily_pct"
    );
    assert!(simulation::simulate(&[p], &cases, &settings()).is_ok());
}

#[test]
fn generator_sizes_are_bounded() {
    let e = simulation::try_portfolio(0, 1, start(), GenOptions::default()).unwrap_err();
    assert_eq!((e.code, e.path()), (ErrorCode::InputInvalid, Some("n")));
    let e = simulation::try_portfolio(
        simulation::MAX_GENERATED + 1,
        1,
        start(),
        GenOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.path(), Some("n"));
    assert!(e.message.contains("between 1 and 100000"), "{e}");
    for (opts, field, range) in [
        (
            GenOptions {
                debts: 0,
                contacts: 1,
            },
            "opts.debts",
            "between 1 and 100",
        ),
        (
            GenOptions {
                debts: 101,
                contacts: 1,
            },
            "opts.debts",
            "between 1 and 100",
        ),
        (
            GenOptions {
                debts: 1,
                contacts: -1,
            },
            "opts.contacts",
            "between 0 and 1000",
        ),
        (
            GenOptions {
                debts: 1,
                contacts: 1_001,
            },
            "opts.contacts",
            "between 0 and 1000",
        ),
    ] {
        let e = simulation::try_portfolio(1, 1, start(), opts).unwrap_err();
        assert_eq!(e.path(), Some(field));
        assert!(e.message.contains(range), "{e}");
    }
    let two = simulation::try_portfolio(2, 1, start(), GenOptions::default()).unwrap();
    assert_eq!(
        two,
        simulation::portfolio(2, 1, start(), GenOptions::default())
    );
    // The infallible generator clamps options that would overflow its arithmetic.
    let huge = GenOptions {
        debts: i64::MAX,
        contacts: i64::MAX,
    };
    let one = simulation::portfolio(1, 1, start(), huge);
    assert!(one[0].debts.len() <= 2 * simulation::MAX_DEBTS as usize);
    assert!(one[0].contacts.len() <= 2 * simulation::MAX_CONTACTS as usize);
}

#[test]
fn request_policy_specs_are_bounded() {
    let big = "x".repeat(simulation::MAX_POLICY_SOURCE + 1);
    let e =
        SimulationRequest::from_json(&format!(r#"{{"policies": [{{}}, {{"source": "{big}"}}]}}"#))
            .unwrap_err();
    assert_eq!(e.path(), Some("policies[1].source"), "{e}");
    assert!(e.message.contains("at most 1048576 bytes"), "{e}");
    let e = SimulationRequest::from_json(&format!(
        r#"{{"policies": [{{"modules": {{"m": "{big}"}}}}]}}"#
    ))
    .unwrap_err();
    assert_eq!(e.path(), Some("policies[0].modules.m"), "{e}");
    let modules: Vec<String> = (0..=simulation::MAX_POLICY_MAPS)
        .map(|i| format!(r#""m{i}": "1""#))
        .collect();
    let e = SimulationRequest::from_json(&format!(
        r#"{{"policies": [{{"modules": {{{}}}}}]}}"#,
        modules.join(",")
    ))
    .unwrap_err();
    assert_eq!(e.path(), Some("policies[0].modules"), "{e}");
    assert!(e.message.contains("at most 64"), "{e}");
    let days = vec![r#""2026-01-01""#; simulation::MAX_POLICY_LIST + 1].join(",");
    let e = SimulationRequest::from_json(&format!(
        r#"{{"policies": [{{"closures": {{"CO": [{days}]}}}}]}}"#
    ))
    .unwrap_err();
    assert_eq!(e.path(), Some("policies[0].closures.CO"), "{e}");
    assert!(e.message.contains("at most 10000"), "{e}");
    let entries =
        vec![r#"{"from": "2026-01-01", "rate": "1"}"#; simulation::MAX_POLICY_LIST + 1].join(",");
    let e = SimulationRequest::from_json(&format!(
        r#"{{"policies": [{{"rate_entries": {{"t": [{entries}]}}}}]}}"#
    ))
    .unwrap_err();
    assert_eq!(e.path(), Some("policies[0].rate_entries.t"), "{e}");
    // A spec built in code is checked when it compiles.
    let mut r = SimulationRequest::from_json(r#"{"policies": [{}]}"#).unwrap();
    r.policies[0].source = Some(big);
    assert_eq!(r.policies().unwrap_err().path(), Some("policies[0].source"));
}
