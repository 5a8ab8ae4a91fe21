//! One step of the pipeline over every case of a file, for an instruction counter
//! (`benches/instructions.sh` runs it under `valgrind --tool=callgrind`): counts, not
//! times, so two builds compare on a shared, noisy machine.
//!
//! Usage: `bench-steps STEP CASES.ndjson`, STEP one of:
//! - `read`: read every case (the same for every other step: subtract it);
//! - `script`: read, then decide each case with the default consumer policy;
//! - `limit`: read, then decide each case with the same policy's hooks written in
//!   Rust (`recobro::internals::native_consumer_evaluate`, the honest limit);
//! - `write`: read, decide with the script, and write each decision as JSON.
//!
//! Before the loop, one case is decided both ways, so lazily built parts (the
//! compliance packs, caches) count in every step alike. Prints a checksum (the
//! candidates and bytes seen), so no step can be optimised away.

use recobro::{Case, EvalOptions, Instant, Policy};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(step), Some(path)) = (args.next(), args.next()) else {
        return Err("usage: bench-steps read|script|limit|write CASES.ndjson".into());
    };
    let text = std::fs::read_to_string(path)?;
    let at: Instant = "2026-03-16T15:00:00Z".parse()?;
    let policy = Policy::default_consumer()?;
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .ok_or("no cases")?;
    let warm = Case::from_json(first)?;
    let mut sum = policy
        .evaluate_owned(warm.clone(), at, EvalOptions::default())?
        .candidates
        .len();
    sum += recobro::internals::native_consumer_evaluate(&policy, warm, at)?
        .candidates
        .len();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case = Case::from_json(line)?;
        sum += match step.as_str() {
            "read" => case.debts.len(),
            "script" => policy
                .evaluate_owned(case, at, EvalOptions::default())?
                .candidates
                .len(),
            "limit" => recobro::internals::native_consumer_evaluate(&policy, case, at)?
                .candidates
                .len(),
            "write" => policy
                .evaluate_owned(case, at, EvalOptions::default())?
                .to_json()
                .len(),
            other => return Err(format!("unknown step `{other}`").into()),
        };
    }
    println!("{sum}");
    Ok(())
}
