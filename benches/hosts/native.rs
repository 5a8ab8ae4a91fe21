//! The native host of the cross-host performance record: reads the shared NDJSON
//! cases, and prints one JSON line of figures measured the way every host measures
//! them (see `benches/hosts/README.md`). Usage: `bench-host CASES.ndjson [rounds]`.

use recobro::{Case, EvalOptions, Instant, Policy};
use std::time::Instant as Clock;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cold = Clock::now();
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: bench-host CASES.ndjson [rounds]")?;
    let rounds: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let text = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let as_of = "2026-03-16T15:00:00Z".parse::<Instant>()?;
    let policy = Policy::default_consumer()?;
    let first = policy.evaluate_owned(Case::from_json(lines[0])?, as_of, EvalOptions::default())?;
    let cold_ms = cold.elapsed().as_secs_f64() * 1e3;
    let mut best = f64::MAX;
    let mut bytes = first.to_json().len();
    for _ in 0..rounds {
        let t = Clock::now();
        for l in &lines {
            let d = policy.evaluate_owned(Case::from_json(l)?, as_of, EvalOptions::default())?;
            bytes += d.to_json().len();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / lines.len() as f64);
    }
    let cases: Vec<Case> = lines
        .iter()
        .map(|l| Case::from_json(l))
        .collect::<Result<_, _>>()?;
    let t = Clock::now();
    let rows = policy.evaluate_batch_owned(cases, as_of);
    let batch = lines.len() as f64 / t.elapsed().as_secs_f64();
    let failed = rows.iter().filter(|r| r.is_err()).count();
    println!(
        "{{\"host\":\"native\",\"cases\":{},\"ns_per_case\":{:.0},\"batch_cases_per_s\":{:.0},\"cold_start_ms\":{:.1},\"failed\":{},\"bytes\":{}}}",
        lines.len(),
        best,
        batch,
        cold_ms,
        failed,
        bytes
    );
    Ok(())
}
