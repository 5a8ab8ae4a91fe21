//! Replications (`Settings::replications`): the intervals are recomputed here from
//! separate one-replication runs with each replication's seed, with Student's t from
//! the printed table; the first replication is the plain run; an identical
//! challenger shows no difference; parts merge to the whole; the bound is checked.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::simulation::{
    merge_parts, portfolio, simulate, simulate_part, ResponseModel, Settings, SimulationResult,
    Split, MAX_REPLICATIONS,
};
use recobro::stats::Verdict;
use recobro::{Case, Instant, Policy};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

fn start() -> Instant {
    "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()
}

fn settings(seed: u64, replications: u32) -> Settings {
    Settings {
        start: start(),
        days: 30,
        seed,
        split: Split::All,
        response: ResponseModel::default(),
        replications,
        capacity: Default::default(),
    }
}

fn cases() -> Vec<Case> {
    portfolio(120, 7, start(), Default::default())
}

fn policies() -> Vec<Policy> {
    vec![
        Policy::default_consumer().unwrap(),
        Policy::embedded("consumer/digital_first").unwrap(),
    ]
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap()
}

/// Student's t at 0.975 for 2 and 3 degrees of freedom (4.303 and 3.182 in any printed
/// table; to 16 digits from an independent implementation, `scipy.stats.t.ppf(0.975,
/// df)`, since the intervals here are wide enough for a 7-digit constant to show).
const T_975: [(u32, f64); 2] = [(3, 4.302_652_729_749_462), (4, 3.182_446_305_283_708)];

#[test]
fn intervals_are_t_intervals_over_runs_with_each_replications_seed() {
    let policies = policies();
    let cases = cases();
    for (n, t) in T_975 {
        let r = simulate(&policies, &cases, &settings(11, n)).unwrap();
        let u = r.uncertainty.as_ref().unwrap();
        assert_eq!(u.replications, n);
        assert_eq!(u.seeds[0], "11", "replication 0 runs with the seed itself");
        // Each replication again, alone, with its seed.
        let runs: Vec<SimulationResult> = u
            .seeds
            .iter()
            .map(|s| simulate(&policies, &cases, &settings(s.parse().unwrap(), 1)).unwrap())
            .collect();
        assert!(runs.iter().all(|x| x.uncertainty.is_none()));
        let check = |values: &[f64], got: &recobro::stats::Interval, what: &str| {
            let k = values.len() as f64;
            let mean = values.iter().sum::<f64>() / k;
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0);
            let half = t * (var / k).sqrt();
            for (want, got) in [
                (mean, got.estimate),
                (mean - half, got.lo),
                (mean + half, got.hi),
            ] {
                let tol = 1e-6 * want.abs().max(1.0);
                assert!((f(got) - want).abs() <= tol, "{what}: {got} vs {want}");
            }
        };
        let collected = |arm: usize| -> Vec<f64> {
            runs.iter().map(|x| f(x.arms[arm].kpis.collected)).collect()
        };
        let cured = |arm: usize| -> Vec<f64> {
            runs.iter().map(|x| f(x.arms[arm].kpis.cured_pct)).collect()
        };
        for arm in 0..2 {
            let k = |name: &str| {
                &u.arms[arm]
                    .kpis
                    .iter()
                    .find(|k| k.kpi == name)
                    .unwrap()
                    .interval
            };
            check(&collected(arm), k("collected"), "collected");
            check(&cured(arm), k("cured_pct"), "cured_pct");
        }
        // The challenger's difference: paired, replication by replication.
        let diff: Vec<f64> = collected(1)
            .iter()
            .zip(collected(0))
            .map(|(a, b)| a - b)
            .collect();
        let d = u.arms[1]
            .vs_champion
            .iter()
            .find(|k| k.kpi == "collected")
            .unwrap();
        check(&diff, &d.interval, "collected vs champion");
        // The band's last day is the collected total's interval.
        let last = u.arms[0].collected_band.last().unwrap();
        check(&collected(0), &last.interval, "band");
        assert_eq!(u.arms[0].collected_band.len(), 30);
    }
}

#[test]
fn the_first_replication_is_the_plain_run() {
    let policies = policies();
    let cases = cases();
    let plain = simulate(&policies, &cases, &settings(5, 1)).unwrap();
    let replicated = simulate(&policies, &cases, &settings(5, 4)).unwrap();
    assert_eq!(
        serde_json::to_string(&plain.arms).unwrap(),
        serde_json::to_string(&replicated.arms).unwrap()
    );
    // One run writes exactly what it wrote before replications existed.
    let json = serde_json::to_string(&plain).unwrap();
    assert!(!json.contains("uncertainty") && !json.contains("replications"));
}

#[test]
fn an_identical_challenger_is_not_distinguishable() {
    let p = Policy::default_consumer().unwrap();
    let r = simulate(&[p.clone(), p], &cases(), &settings(3, 5)).unwrap();
    let u = r.uncertainty.unwrap();
    for d in &u.arms[1].vs_champion {
        assert_eq!(
            (d.interval.estimate, d.interval.lo, d.interval.hi),
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO),
            "{}",
            d.kpi
        );
        assert_eq!(d.verdict, Verdict::NotDistinguishable, "{}", d.kpi);
    }
    for t in &u.arms[1].live_test {
        assert_eq!(t.cases_per_arm, None);
        assert_eq!(t.note.as_deref(), Some("no difference to detect"));
    }
}

#[test]
fn a_different_challenger_gets_verdicts_and_a_live_test_size() {
    let r = simulate(&policies(), &cases(), &settings(11, 5)).unwrap();
    let u = r.uncertainty.unwrap();
    // Every verdict is the one its interval's side and the KPI's direction give.
    let direction = |kpi: &str| match kpi {
        "collected" | "collected_per_case" | "recovery_rate_pct" | "cured_pct"
        | "collected_per_cost" | "promises_kept" => Some(true),
        "avg_days_to_payment" | "cost" | "closing" | "compliance_blocks" => Some(false),
        _ => None,
    };
    for d in &u.arms[1].vs_champion {
        let (up, down) = (d.interval.lo > Decimal::ZERO, d.interval.hi < Decimal::ZERO);
        let want = match (direction(&d.kpi), up, down) {
            (_, false, false) => Verdict::NotDistinguishable,
            (Some(true), true, _) | (Some(false), _, true) => Verdict::Better,
            (Some(true), _, true) | (Some(false), true, _) => Verdict::Worse,
            (None, true, _) => Verdict::Higher,
            (None, _, true) => Verdict::Lower,
        };
        assert_eq!(d.verdict, want, "{d:?}");
    }
    // The digital-first challenger contacts debtors less often: that much shows.
    let contacts = u.arms[1]
        .vs_champion
        .iter()
        .find(|k| k.kpi == "contacts_per_case")
        .unwrap();
    assert_eq!(contacts.verdict, Verdict::Lower, "{contacts:?}");
    let t = u.arms[1]
        .live_test
        .iter()
        .find(|t| t.metric == "collected_per_case")
        .unwrap();
    // n = (z.975 + z.80)^2 * 2 sd^2 / delta^2, rounded up (z from the normal table).
    let (sd, delta) = (f(t.sd.unwrap()), f(t.challenger) - f(t.champion));
    let n = (1.959_964 + 0.841_621_f64).powi(2) * 2.0 * sd * sd / (delta * delta);
    let got = t.cases_per_arm.unwrap() as f64;
    assert!((got - n.ceil()).abs() <= 1.0, "{got} vs {n}");
    assert_eq!(t.cases_total, t.cases_per_arm.map(|n| 2 * n));
}

#[test]
fn parts_with_replications_merge_to_the_whole() {
    let policies = policies();
    let cases = cases();
    let s = settings(9, 3);
    let whole = serde_json::to_string(&simulate(&policies, &cases, &s).unwrap()).unwrap();
    let parts: Vec<_> = (0..3)
        .map(|i| {
            let p = simulate_part(&policies, &cases, i, 3, &s, &|_, _| {}).unwrap();
            serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap()
        })
        .collect();
    assert_eq!(
        serde_json::to_string(&merge_parts(&parts).unwrap()).unwrap(),
        whole
    );
}

#[test]
fn replications_are_bounded() {
    for n in [0, MAX_REPLICATIONS + 1] {
        let e = simulate(&policies(), &cases(), &settings(1, n)).unwrap_err();
        assert_eq!(e.path(), Some("replications"), "{e}");
        assert!(e.message.contains("between 1 and 100"), "{e}");
    }
    let e = recobro::host::simulation_request(r#"{"replications": 0}"#).unwrap_err();
    assert_eq!(e.path(), Some("request.replications"), "{e}");
}

#[test]
fn parts_with_missing_or_ragged_replications_are_refused() {
    let policies = policies();
    let cases = cases();
    let s = settings(9, 3);
    let parts: Vec<recobro::simulation::SimulationPart> = (0..2)
        .map(|i| simulate_part(&policies, &cases, i, 2, &s, &|_, _| {}).unwrap())
        .collect();
    let mut missing = parts.clone();
    missing[0].replicas.pop();
    missing[1].replicas.pop();
    let e = merge_parts(&missing).unwrap_err();
    assert_eq!(e.path(), Some("parts"), "{e}");
    let mut ragged = parts.clone();
    ragged[0].replicas[1].pop();
    ragged[1].replicas[1].pop();
    assert_eq!(merge_parts(&ragged).unwrap_err().path(), Some("parts"));
    assert!(merge_parts(&parts).is_ok());
}
