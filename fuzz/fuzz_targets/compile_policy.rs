//! Any policy source compiles or fails with a typed error; a compiled one evaluates
//! a fixed case or fails with a typed error. Never a panic, never a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use recobro::{Case, Instant, Limits, PolicyBuilder};

const CASE: &str = r#"{"id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO",
  "timezone": "America/Bogota"}, "debts": [{"id": "A", "currency": "COP", "original_amount": 10,
  "outstanding": 10, "issued_on": "2026-01-01", "due_on": "2026-02-01"}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let limits = Limits { max_operations: 50_000, ..Limits::default() };
    if let Ok(p) = PolicyBuilder::new(src).limits(limits).build() {
        if let (Ok(case), Ok(at)) = (Case::from_json(CASE), "2026-03-01T12:00:00Z".parse::<Instant>()) {
            let _ = p.evaluate(&case, at);
        }
    }
});
