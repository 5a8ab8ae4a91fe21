//! Per-call time of one evaluation in Rust, with no binding: the baseline the C and
//! Kotlin figures are compared with (bindings/c/test.sh and bindings/uniffi/test.sh
//! print all of them).
//!
//! `cargo run -p recobro-c --example native_timing -- [case.json] [iterations]`

use recobro::{Case, EvalOptions, Policy};
use std::time::Instant as Clock;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "examples/data/cases/administrative.json".into());
    let n: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let json = std::fs::read_to_string(&path)?;
    let policy = Policy::default_consumer()?;
    let as_of = recobro::host::instant("2026-03-16T15:00:00Z", recobro::host::arg::AS_OF)?;
    let case = Case::from_json(&json)?;

    let time = |label: &str, f: &dyn Fn() -> usize| {
        let mut sink = 0usize;
        for _ in 0..n / 5 {
            sink = sink.wrapping_add(f());
        }
        let t0 = Clock::now();
        for _ in 0..n {
            sink = sink.wrapping_add(f());
        }
        let per = t0.elapsed().as_nanos() as f64 / f64::from(n.max(1));
        println!(
            "  timing: {label}: {per:.0} ns/call (checksum {})",
            sink % 10
        );
    };
    time("native evaluate (parsed case, Decision out)", &|| {
        policy
            .evaluate(&case, as_of)
            .map(|d| d.candidates.len())
            .unwrap_or(0)
    });
    time(
        "native json in, json out (Case::from_json + evaluate_owned + to_json)",
        &|| {
            Case::from_json(&json)
                .and_then(|c| policy.evaluate_owned(c, as_of, EvalOptions::default()))
                .map(|d| d.to_json().len())
                .unwrap_or(0)
        },
    );
    let hundred: Vec<String> = vec![json.clone(); 100];
    time(
        "native batch of 100 (from_json each + evaluate_batch_owned), per batch",
        &|| {
            let cases: Vec<Case> = hundred
                .iter()
                .filter_map(|t| Case::from_json(t).ok())
                .collect();
            policy.evaluate_batch_owned(cases, as_of).len()
        },
    );
    Ok(())
}
