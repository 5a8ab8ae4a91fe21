//! The core under wasm32 (wasm-bindgen-test; runs in Node through
//! wasm-bindgen-test-runner): time zones, exact money, compliance, the sandbox
//! limits and the binding's conversions behave as they do natively.
#![cfg(target_arch = "wasm32")]
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::{Case, EvalOptions, Instant, Policy};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const CASE: &str = include_str!("../../../examples/data/cases/administrative.json");
const EXPECTED: &str =
    include_str!("../../../test-data/conformance/expected/sample_administrative.json");

fn as_of() -> Instant {
    "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()
}

/// The sample case decided by `p` at `as_of()`.
fn decide(p: &Policy) -> recobro::Result<recobro::Decision> {
    p.evaluate_owned(
        Case::from_json(CASE).unwrap(),
        as_of(),
        EvalOptions::default(),
    )
}

#[wasm_bindgen_test]
fn the_default_policy_gives_the_conformance_bytes() {
    let p = Policy::default_consumer().unwrap();
    let d = decide(&p).unwrap();
    assert_eq!(d.to_json(), EXPECTED.trim_end());
}

#[wasm_bindgen_test]
fn time_zones_and_dst_work_without_the_host() {
    // Chicago's DST starts 2026-03-08: 13:00Z is 08:00 local (CDT), inside the window.
    let p = Policy::default_consumer().unwrap();
    let case = Case::from_json(CASE).unwrap();
    let ch = recobro::Channel::Call;
    let morning = p
        .check_contact(
            &case,
            ch,
            "2026-03-17T13:00:00Z".parse::<Instant>().unwrap(),
            None,
        )
        .unwrap();
    assert!(morning.allowed);
    let night = p
        .check_contact(
            &case,
            ch,
            "2026-03-17T08:00:00Z".parse::<Instant>().unwrap(),
            None,
        )
        .unwrap();
    assert!(!night.allowed);
    assert_eq!(
        night.next_allowed_at.map(|i| i.to_string()).as_deref(),
        Some("2026-03-17T13:00:00Z")
    );
}

#[wasm_bindgen_test]
fn money_is_exact_decimal() {
    use rust_decimal::Decimal;
    let a: Decimal = "0.1".parse().unwrap();
    let b: Decimal = "0.2".parse().unwrap();
    assert_eq!((a + b).to_string(), "0.3");
    let p = Policy::from_source(
        "fn segment(c) { let x = 0.1 + 0.2; if x == 0.3 { \"exact\" } else { \"float\" } }",
    )
    .unwrap();
    let d = decide(&p).unwrap();
    assert_eq!(d.segment.as_deref(), Some("exact"));
}

#[wasm_bindgen_test]
fn limits_hold_and_the_engine_stays_usable() {
    let p = recobro::PolicyBuilder::new("fn segment(c) { loop { } }")
        .limits(recobro::Limits {
            max_operations: 5_000,
            ..Default::default()
        })
        .build()
        .unwrap();
    let e = decide(&p).unwrap_err();
    assert_eq!(e.code.as_str(), "limit.operations");
    let ok = Policy::default_consumer().unwrap();
    assert!(decide(&ok).is_ok());
}

#[wasm_bindgen_test]
fn the_binding_throws_errors_with_fields() {
    let err = recobro_wasm::Policy::new("fn segment(c) { 1 + }", JsValue::UNDEFINED).unwrap_err();
    let get = |k: &str| js_sys::Reflect::get(&err, &JsValue::from_str(k)).unwrap();
    assert_eq!(get("code").as_string().as_deref(), Some("policy.syntax"));
    assert_eq!(get("line").as_f64(), Some(1.0));
    assert!(get("column").as_f64().is_some());
    assert!(err.is_instance_of::<js_sys::Error>());
}

#[wasm_bindgen_test]
fn the_binding_reads_dates_and_refuses_bad_clocks() {
    let p = recobro_wasm::Policy::default_policy().unwrap();
    let case = JsValue::from_str(CASE);
    let date: JsValue = js_sys::Date::new(&JsValue::from_str("2026-03-16T15:00:00Z")).into();
    let by_date = p.evaluate_json(case.clone(), date, None).unwrap();
    assert_eq!(by_date, EXPECTED.trim_end());
    let err = p
        .evaluate_json(case, JsValue::from_str("2026-03-16 15:00"), None)
        .unwrap_err();
    let path = js_sys::Reflect::get(&err, &JsValue::from_str("path")).unwrap();
    assert_eq!(path.as_string().as_deref(), Some("as_of"));
}

#[wasm_bindgen_test]
fn the_browser_build_carries_the_generated_portfolios_zones_and_refuses_others() {
    // The generator picks its places' zones by name: each one must be carried, or a
    // generated case would be refused (its dates would be computed in UTC first).
    let zones = recobro::tooling::time_zones();
    let cases = recobro::simulation::portfolio(400, 7, as_of(), Default::default());
    for c in &cases {
        assert!(
            zones.contains(&c.debtor.timezone.as_str()),
            "{}",
            c.debtor.timezone
        );
        c.validate().unwrap();
    }
    let mut seen: Vec<&str> = cases.iter().map(|c| c.debtor.timezone.as_str()).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 11, "{seen:?}");
    // Far fewer than the ~600 IANA names and aliases, and no zone outside the set.
    assert!(
        zones.len() < 300 && !zones.contains(&"Asia/Tokyo"),
        "{}",
        zones.len()
    );
    let tokyo = CASE.replace("America/Chicago", "Asia/Tokyo");
    let e = Case::from_json(&tokyo).unwrap_err();
    assert_eq!(e.code, recobro::ErrorCode::InputInvalid);
    assert_eq!(
        e.location,
        Some(recobro::Location::Input {
            path: "debtor.timezone".into()
        })
    );
    assert!(
        e.message
            .starts_with("`Asia/Tokyo` is not a time zone this build carries"),
        "{}",
        e.message
    );
}
