//! Embedding Recobro in a Rust service: compile a policy once, evaluate cases.
//!
//! Run with `cargo run -p recobro --example embed`.

use recobro::{Case, EvalOptions, Instant, Policy};

fn main() -> Result<(), recobro::Error> {
    // Compile once (at start-up), share across threads: `Policy` is `Send + Sync`.
    let policy = Policy::default_consumer()?;
    let as_of: Instant = "2026-03-16T15:00:00Z".parse()?;

    let case = Case::from_json(include_str!("../data/cases/administrative.json"))?;
    let decision = policy.evaluate_with(&case, as_of, EvalOptions { trace: true })?;
    println!(
        "{}",
        serde_json::to_string_pretty(&decision).unwrap_or_default()
    );

    // Bad input is a typed error naming the input path.
    let bad = r#"{"id": "X", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO",
                  "timezone": "America/Bogota"},
                  "debts": [{"id": "A", "currency": "COP", "original_amount": 1, "outstanding": 1,
                             "issued_on": "2026-01-01", "due_on": "01/02/2026"}]}"#;
    if let Err(e) = Case::from_json(bad) {
        println!("{} at {}: {}", e.code, e.path().unwrap_or(""), e.message);
    }
    Ok(())
}
