//! Live experiments: test plans against the textbook formula worked by hand; the
//! fixed-horizon test gives no verdict before its plan is reached; the sequential
//! test keeps false wins at 5% under peeking where the naive test does not (an A/A
//! simulation); bad outcomes are refused with their path.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::experiment::{analyze, plan, ExperimentRequest, Metric, Outcome, Plan, Status, Test};
use recobro::simulation::{assign, Rng, Split};
use recobro::stats::{self, Moments, Verdict};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn means_plan(sd: &str, effect: &str, shares: Vec<u32>) -> Plan {
    Plan {
        metric: Metric::CollectedPerCase,
        baseline: d("100"),
        sd: Some(d(sd)),
        minimum_effect: d(effect),
        power: d("0.8"),
        shares,
    }
}

#[test]
fn plans_match_the_textbook_formula() {
    // n = (z.975 + z.80)^2 * 2 sd^2 / delta^2 = (1.959964 + 0.841621)^2 * 2 * 100^2 / 10^2
    //   = 7.848879 * 200 = 1569.78 -> 1570 per arm (Chow, Shao & Wang 3.2.1).
    let p = plan(&means_plan("100", "10", vec![50, 50])).unwrap();
    assert_eq!(
        (p.cases_per_arm.clone(), p.cases_total),
        (vec![1570, 1570], 3140)
    );
    // 80/20: N = 7.848879 * 100^2 * (1/0.8 + 1/0.2) / 10^2 = 4905.55 in all;
    // 0.8 N = 3924.44 -> 3925 and 0.2 N = 981.11 -> 982.
    let p = plan(&means_plan("100", "10", vec![80, 20])).unwrap();
    assert_eq!(p.cases_per_arm, vec![3925, 982]);
    // Two proportions, 20% against 25% (unpooled, Chow, Shao & Wang 4.2.1):
    // 7.848879 * (0.2*0.8 + 0.25*0.75) / 0.05^2 = 7.848879 * 0.3475 / 0.0025 = 1090.99
    // -> 1091 per arm.
    let p = plan(&Plan {
        metric: Metric::PaidPct,
        baseline: d("20"),
        sd: None,
        minimum_effect: d("5"),
        power: d("0.8"),
        shares: vec![50, 50],
    })
    .unwrap();
    assert_eq!(p.cases_per_arm, vec![1091, 1091]);
    // Power 90%: z.90 = 1.281552; (3.241516)^2 * 200 = 2101.48 -> 2102.
    let mut q = means_plan("100", "10", vec![50, 50]);
    q.power = d("0.9");
    assert_eq!(plan(&q).unwrap().cases_per_arm, vec![2102, 2102]);
}

#[test]
fn bad_plans_name_their_field() {
    let mut p = means_plan("100", "10", vec![50, 50]);
    p.sd = None;
    assert_eq!(plan(&p).unwrap_err().path(), Some("sd"));
    let mut p = means_plan("100", "0", vec![50, 50]);
    assert_eq!(plan(&p).unwrap_err().path(), Some("minimum_effect"));
    p = means_plan("100", "10", vec![100, 0]);
    assert_eq!(plan(&p).unwrap_err().path(), Some("shares[1]"));
    p = means_plan("100", "10", vec![50, 50]);
    p.power = d("1");
    assert_eq!(plan(&p).unwrap_err().path(), Some("power"));
    let e = recobro::host::experiment_plan(
        r#"{"metric": "paid_pct", "baseline": "98", "minimum_effect": "5"}"#,
    )
    .unwrap_err();
    assert_eq!(e.path(), Some("plan.minimum_effect"), "{e}");
}

/// Outcomes for `n` cases of experiment `exp`: the engine assigns each; `pay(arm, i)`
/// says what the case collected.
fn outcomes(
    exp: &str,
    shares: &[u32],
    n: usize,
    pay: impl Fn(usize, usize) -> Decimal,
) -> Vec<Outcome> {
    let split = Split::Assign {
        experiment: exp.into(),
        shares: shares.to_vec(),
    };
    (0..n)
        .map(|i| {
            let id = format!("C-{i}");
            let arm = assign(&split, &id).unwrap();
            Outcome {
                case_id: id,
                arm: None,
                collected: pay(arm, i),
                contacts: 1,
            }
        })
        .collect()
}

fn fixed(outcomes: Vec<Outcome>) -> ExperimentRequest {
    ExperimentRequest {
        experiment: "exp-9".into(),
        shares: vec![50, 50],
        test: Test::Fixed {
            // sd 30, effect 10: 7.848879 * 2 * 900 / 100 = 141.28 -> 142 per arm.
            plan: means_plan("30", "10", vec![50, 50]),
        },
        outcomes,
    }
}

#[test]
fn a_fixed_test_gives_no_verdict_before_its_plan_is_reached() {
    // Amounts 0..=99 in turn (sd about 29), the challenger 20 more: a clear difference.
    let pay = |arm: usize, i: usize| Decimal::from((i % 100) as i64 + 20 * arm as i64);
    let early = analyze(&fixed(outcomes("exp-9", &[50, 50], 100, pay))).unwrap();
    assert_eq!(early.plan.as_ref().unwrap().cases_per_arm, vec![142, 142]);
    let c = &early.comparisons[0];
    assert_eq!(
        (c.status, c.verdict),
        (Status::Running, None),
        "{}",
        c.message
    );
    let done = analyze(&fixed(outcomes("exp-9", &[50, 50], 400, pay))).unwrap();
    let c = &done.comparisons[0];
    assert_eq!(
        (c.status, c.verdict),
        (Status::Conclusive, Some(Verdict::Better)),
        "{}",
        c.message
    );
    assert!(
        c.difference.lo > d("10") && c.difference.hi < d("30"),
        "{:?}",
        c.difference
    );
    assert!(done.arms.iter().map(|a| a.cases).sum::<u64>() == 400);
    // The same amounts in both arms: the horizon is reached, nothing to tell apart.
    let same = analyze(&fixed(outcomes("exp-9", &[50, 50], 400, |_, i| {
        Decimal::from((i % 100) as i64)
    })))
    .unwrap();
    let c = &same.comparisons[0];
    assert_eq!(
        (c.status, c.verdict),
        (Status::Inconclusive, Some(Verdict::NotDistinguishable))
    );
}

#[test]
fn outcomes_are_checked_with_their_path() {
    let pay = |_: usize, _: usize| d("1");
    let mut r = fixed(outcomes("exp-9", &[50, 50], 10, pay));
    let wrong = assign(
        &Split::Assign {
            experiment: "exp-9".into(),
            shares: vec![50, 50],
        },
        "C-3",
    )
    .unwrap();
    r.outcomes[3].arm = Some(1 - wrong as u32);
    let e = analyze(&r).unwrap_err();
    assert_eq!(e.path(), Some("outcomes[3].arm"), "{e}");
    r.outcomes[3].arm = Some(wrong as u32);
    assert!(analyze(&r).is_ok());
    r.outcomes[5].case_id = "C-1".into();
    assert_eq!(analyze(&r).unwrap_err().path(), Some("outcomes[5].case_id"));
    r.outcomes[5].case_id = "C-5".into();
    r.outcomes[2].collected = d("-1");
    assert_eq!(
        analyze(&r).unwrap_err().path(),
        Some("outcomes[2].collected")
    );
    let e = recobro::host::experiment(
        r#"{"experiment": "x", "shares": [50, 50], "test": {"kind": "sequential", "minimum_effect": "0"}, "outcomes": []}"#,
    )
    .unwrap_err();
    assert_eq!(e.path(), Some("experiment.test.minimum_effect"), "{e}");
}

/// A standard normal draw (Box-Muller) from a seeded generator.
fn normal(rng: &mut Rng) -> f64 {
    let u = |r: &mut Rng| ((r.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let (a, b) = (u(rng), u(rng));
    (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
}

#[test]
fn peeking_inflates_false_wins_of_the_naive_test_but_not_of_the_sequential_one() {
    // 400 A/A experiments (both arms the same: mean 100, sd 50), looked at every 50
    // cases per arm up to 1,000 (20 looks). A naive test that stops at the first look
    // whose 95% Welch interval excludes zero wins falsely far more than 5% of the time
    // (about 25% for 20 looks: Armitage, McPherson & Rowe 1969); the mSPRT, tuned to
    // a difference of 10, stays at or below 5%.
    let (experiments, looks, step) = (400, 20, 50);
    let (mut naive, mut sequential) = (0, 0);
    for e in 0..experiments {
        let mut rng = Rng::new(0x5eed_0000 + e);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (mut naive_won, mut seq_won) = (false, false);
        for _ in 0..looks {
            for _ in 0..step {
                a.push(100.0 + 50.0 * normal(&mut rng));
                b.push(100.0 + 50.0 * normal(&mut rng));
            }
            let (ma, mb) = (Moments::of(&a), Moments::of(&b));
            let (iv, _) = stats::welch_interval(&ma, &mb);
            naive_won |= iv.above_zero() || iv.below_zero();
            let v = ma.var / ma.n + mb.var / mb.n;
            let (_, sq) = stats::msprt(mb.mean - ma.mean, v, 10.0 * 10.0);
            seq_won |= sq.above_zero() || sq.below_zero();
        }
        naive += usize::from(naive_won);
        sequential += usize::from(seq_won);
    }
    let (naive, sequential) = (
        naive as f64 / experiments as f64,
        sequential as f64 / experiments as f64,
    );
    eprintln!("A/A false wins under peeking: naive {naive}, sequential {sequential}");
    assert!(naive > 0.12, "naive peeking: {naive}");
    assert!(sequential <= 0.05, "sequential: {sequential}");
}

#[test]
fn a_sequential_test_stops_on_a_real_difference() {
    let mut rng = Rng::new(77);
    let draws: Vec<f64> = (0..4000).map(|_| normal(&mut rng)).collect();
    let r = ExperimentRequest {
        experiment: "exp-seq".into(),
        shares: vec![50, 50],
        test: Test::Sequential {
            metric: Metric::CollectedPerCase,
            minimum_effect: d("10"),
        },
        outcomes: outcomes("exp-seq", &[50, 50], 4000, |arm, i| {
            let x = 100.0 + 50.0 * draws[i] + 15.0 * arm as f64;
            Decimal::from_f64_retain(x.max(0.0)).unwrap().round_dp(2)
        }),
    };
    let report = analyze(&r).unwrap();
    let c = &report.comparisons[0];
    assert_eq!(
        (c.status, c.verdict),
        (Status::Conclusive, Some(Verdict::Better)),
        "{}",
        c.message
    );
    assert!(c.p_value < d("0.05"));
    // Its interval is wider than the fixed test's at the same data (the price of
    // looking at any time).
    let fixed = analyze(&ExperimentRequest {
        test: Test::Fixed {
            plan: means_plan("50", "10", vec![50, 50]),
        },
        ..r
    })
    .unwrap();
    let w = |c: &recobro::experiment::Comparison| c.difference.hi - c.difference.lo;
    assert!(w(c) > w(&fixed.comparisons[0]));
}

#[test]
fn the_sequential_test_through_analyze_keeps_false_wins_at_5_percent_when_peeking() {
    // A/A on the share that paid (30% in both arms), looked at after every 40
    // outcomes from the first, up to 800: the whole path (burn-in, a spread of zero,
    // the percentage scale of `minimum_effect`), 200 experiments.
    let (experiments, step, max) = (200u64, 40usize, 800usize);
    let mut false_wins = 0;
    for e in 0..experiments {
        let mut rng = Rng::new(0xaa00 + e);
        let all: Vec<Outcome> = (0..max)
            .map(|i| Outcome {
                case_id: format!("E{e}-{i}"),
                arm: None,
                collected: if rng.next_u64() % 100 < 30 {
                    d("50")
                } else {
                    Decimal::ZERO
                },
                contacts: 0,
            })
            .collect();
        let mut won = false;
        for k in (step..=max).step_by(step) {
            let r = ExperimentRequest {
                experiment: format!("aa-{e}"),
                shares: vec![50, 50],
                test: Test::Sequential {
                    metric: Metric::PaidPct,
                    minimum_effect: d("5"),
                },
                outcomes: all[..k].to_vec(),
            };
            let c = &analyze(&r).unwrap().comparisons[0];
            won |= c.status == Status::Conclusive;
        }
        false_wins += usize::from(won);
    }
    let rate = false_wins as f64 / experiments as f64;
    eprintln!("A/A paid_pct through analyze, 20 looks: false wins {rate}");
    assert!(rate <= 0.05, "{rate}");
}

#[test]
fn a_plan_beyond_any_practical_size_is_refused() {
    let mut p = means_plan("1000000", "0.01", vec![50, 50]);
    let e = plan(&p).unwrap_err();
    assert_eq!(e.path(), Some("minimum_effect"), "{e}");
    assert!(e.message.contains("more than 10^15 cases"), "{e}");
    p.minimum_effect = d("0.001");
    assert_eq!(plan(&p).unwrap_err().path(), Some("minimum_effect"));
}
