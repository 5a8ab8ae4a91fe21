//! A simulation split into parts of its portfolio and merged (`simulate_part`,
//! `merge_parts`) gives the bytes of the whole run, for several seeds, part counts,
//! splits and exchange rates; parts that do not belong together are refused.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::simulation::{
    merge_parts, part_range, simulate, simulate_part, ResponseModel, Settings, SimulationPart,
    Split,
};
use recobro::{Instant, Policy};

fn start() -> Instant {
    "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()
}

fn settings(seed: u64, days: u32, split: Split, response: ResponseModel) -> Settings {
    Settings {
        start: start(),
        days,
        seed,
        split,
        response,
        replications: 1,
        capacity: Default::default(),
    }
}

fn policies() -> Vec<Policy> {
    vec![
        Policy::default_consumer().unwrap(),
        Policy::embedded("consumer/digital_first").unwrap(),
    ]
}

fn parts(
    policies: &[Policy],
    cases: &[recobro::Case],
    s: &Settings,
    k: usize,
) -> Vec<SimulationPart> {
    (0..k)
        .map(|i| {
            let p = simulate_part(policies, cases, i, k, s, &|_, _| {}).unwrap();
            // A part crosses hosts as JSON: merge what a host would send back.
            serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap()
        })
        .collect()
}

fn assert_merges_to_whole(cases: &[recobro::Case], s: &Settings, counts: &[usize]) {
    let policies = policies();
    let whole = serde_json::to_string(&simulate(&policies, cases, s).unwrap()).unwrap();
    for &k in counts {
        let merged = merge_parts(&parts(&policies, cases, s, k)).unwrap();
        assert_eq!(
            serde_json::to_string(&merged).unwrap(),
            whole,
            "{k} parts, seed {}",
            s.seed
        );
    }
}

#[test]
fn merged_parts_are_the_whole_run_byte_for_byte() {
    for (seed, n) in [(1u64, 24usize), (42, 31), (9_001, 17)] {
        let cases = recobro::simulation::portfolio(n, seed, start(), Default::default());
        let s = settings(seed, 45, Split::All, ResponseModel::default());
        assert_merges_to_whole(&cases, &s, &[1, 2, 3, 7, n + 2]);
    }
}

#[test]
fn merged_parts_match_under_a_split_and_awkward_exchange_rates() {
    let cases = recobro::simulation::portfolio(20, 3, start(), Default::default());
    let split = Split::Assign {
        experiment: "exp-parts".into(),
        shares: vec![50, 50],
    };
    assert_merges_to_whole(
        &cases,
        &settings(5, 40, split, ResponseModel::default()),
        &[2, 4],
    );
    // Exchange rates with many decimal places: sums of many scales.
    let mut model = ResponseModel::default();
    for (k, v) in [
        ("COP", "0.000243902439024"),
        ("EUR", "1.0837"),
        ("CLP", "0.001"),
    ] {
        model.fx.insert(k.into(), v.into());
    }
    assert_merges_to_whole(&cases, &settings(6, 40, Split::All, model), &[2, 3, 5]);
}

#[test]
fn parts_cover_the_portfolio_in_order() {
    for n in [0usize, 1, 5, 10_000] {
        for k in [1usize, 2, 3, 8] {
            let ranges: Vec<_> = (0..k).map(|i| part_range(n, i, k)).collect();
            assert_eq!(ranges.first().unwrap().start, 0);
            assert_eq!(ranges.last().unwrap().end, n);
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        }
    }
}

#[test]
fn parts_of_different_runs_or_out_of_order_are_refused() {
    let policies = policies();
    let cases = recobro::simulation::portfolio(6, 1, start(), Default::default());
    let s = settings(1, 10, Split::All, ResponseModel::default());
    let mut p = parts(&policies, &cases, &s, 2);
    p.swap(0, 1);
    let e = merge_parts(&p).unwrap_err();
    assert_eq!(e.path(), Some("parts"), "{e}");
    let mut other = parts(
        &policies,
        &cases,
        &settings(2, 10, Split::All, ResponseModel::default()),
        2,
    );
    other.truncate(1);
    let mut mixed = parts(&policies, &cases, &s, 2);
    mixed[0] = other.remove(0);
    assert!(merge_parts(&mixed).is_err());
    assert!(merge_parts(&mixed[1..]).is_err());
    assert!(merge_parts(&[]).is_err());
    let e = simulate_part(&policies, &cases, 2, 2, &s, &|_, _| {}).unwrap_err();
    assert_eq!(e.path(), Some("part"), "{e}");
}
