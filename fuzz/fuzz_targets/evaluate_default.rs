//! Arbitrary (valid) cases through the default consumer policy: a decision or a typed
//! error, and the same decision twice.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static POLICY: OnceLock<Option<recobro::Policy>> = OnceLock::new();
    let Some(policy) = POLICY.get_or_init(|| recobro::Policy::default_consumer().ok()).as_ref() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(case) = recobro::Case::from_json(text) else { return };
    let Ok(at) = "2026-03-16T15:00:00Z".parse::<recobro::Instant>() else { return };
    let a = policy.evaluate(&case, at).map(|d| d.to_json());
    let b = policy.evaluate(&case, at).map(|d| d.to_json());
    assert_eq!(a, b);
});
