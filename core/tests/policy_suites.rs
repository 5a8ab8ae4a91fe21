//! Runs every policy test file under `rules/*/tests/` (the same files `recobro test` runs).
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::tooling::{self, Suite};
use std::path::Path;

fn suites() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules");
    let mut out = Vec::new();
    for pack in std::fs::read_dir(&root).unwrap().flatten() {
        let tests = pack.path().join("tests");
        if let Ok(entries) = std::fs::read_dir(&tests) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "json") {
                    out.push(e.path());
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_policy_suite_passes_and_covers_every_rule() {
    let files = suites();
    assert!(
        files.len() >= 2,
        "expected suites for the consumer and B2B policies"
    );
    let mut total = 0;
    for f in files {
        let suite = Suite::from_json(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let policy = tooling::suite_policy(&suite).unwrap();
        let report = tooling::run(&policy, &suite);
        for r in &report.results {
            assert!(
                r.failures.is_empty(),
                "{}: {}: {:?}",
                f.display(),
                r.name,
                r.failures
            );
        }
        assert!(
            report.uncovered.is_empty(),
            "{}: rules no test exercises: {:?}",
            f.display(),
            report.uncovered
        );
        total += report.passed();
    }
    assert!(total >= 30, "only {total} policy tests ran");
}

#[test]
fn a_wrong_expectation_fails() {
    let suite = Suite::from_json(
        r#"{"policy": "consumer/policy", "as_of": "2026-03-16T15:00:00Z", "tests": [
        {"name": "wrong", "case": {"id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO",
          "timezone": "America/Bogota"}, "debts": [{"id": "A", "currency": "COP", "original_amount": 10,
          "outstanding": 10, "issued_on": "2025-01-01", "due_on": "2025-02-01"}]},
         "expect": {"segment": "preventive", "action": null, "charges": {"COP": "1"}}}]}"#,
    )
    .unwrap();
    let report = tooling::run(&tooling::suite_policy(&suite).unwrap(), &suite);
    assert_eq!((report.passed(), report.failed()), (0, 1));
    let f = &report.results[0].failures;
    assert_eq!(f.len(), 3, "{f:?}");
    assert!(f[0].starts_with("segment: expected"));
    assert!(f[1].starts_with("action: expected none"));
    assert!(f[2].starts_with("charges: expected"));
    assert!(!report.uncovered.is_empty());
}
