//! The default consumer policy written by hand in Rust (`core/src/policy/native.rs`, the
//! benchmarks' honest limit) decides exactly as the script does: byte-identical
//! decisions on generated portfolios for several seeds and clocks. The benchmark's
//! ratio means something only while this holds.

use recobro::internals::native_consumer_evaluate;
use recobro::{Instant, Policy};
use std::collections::BTreeSet;

#[test]
fn the_hand_written_consumer_policy_agrees_with_the_script() {
    let policy = Policy::default_consumer().unwrap();
    let mut segments = BTreeSet::new();
    let mut actions = BTreeSet::new();
    let (mut charged, mut offered, mut n) = (0, 0, 0);
    for (seed, as_of) in [
        (7, "2026-03-16T15:00:00Z"),
        (42, "2026-07-01T02:30:00Z"),
        (1234, "2025-12-24T21:00:00Z"),
    ] {
        let as_of: Instant = as_of.parse().unwrap();
        for case in recobro::simulation::portfolio(1500, seed, as_of, Default::default()) {
            let script = policy.evaluate(&case, as_of).unwrap();
            let native = native_consumer_evaluate(&policy, case, as_of).unwrap();
            assert_eq!(
                native.to_json(),
                script.to_json(),
                "case {}",
                script.case_id
            );
            segments.insert(script.segment.clone().unwrap_or_default());
            for c in &script.candidates {
                actions.insert(c.action.template.clone().unwrap_or(c.action.kind.clone()));
            }
            charged += usize::from(!script.charges.lines.is_empty());
            offered += usize::from(!script.offers.is_empty());
            n += 1;
        }
    }
    // The portfolios reach every branch the comparison is meant to cover.
    assert_eq!(segments.len(), 8, "{segments:?}");
    assert!(actions.len() >= 13, "{actions:?}");
    assert!(
        charged > n / 10 && offered > n / 10,
        "{charged} {offered} of {n}"
    );
}
