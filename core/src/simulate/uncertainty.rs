//! Replications: every KPI with its 95% interval, each challenger's difference from
//! the champion with a verdict, and the size of a live test.
//!
//! Replication `r` runs the whole simulation with seed [`replication_seed`]`(seed,
//! r)`. Every policy of a replication meets the same luck (common random numbers), so
//! a challenger's difference from the champion is taken replication by replication
//! (paired) and its interval is Student's t over the `N` differences (`df = N - 1`).
//! The intervals of the KPIs themselves are t intervals of their `N` values. They say
//! how much the figures move with the debtors' luck for this portfolio and response
//! model; they do not cover a wrong response model.
//!
//! The live test: how many cases per arm a 50/50 champion/challenger test on real
//! debtors needs to detect the difference the replications found, two-sided at α =
//! 5% with 80% power. For the collected amount per case the spread is the spread
//! between cases within a run (pooled over the two arms of the first replication),
//! which is what a live test meets; for the share of cases cured, the binomial spread.

use super::run::Sums;
use super::{fnv1a, Day, Kpis, Settings};
use crate::stats::{self, Better, Interval, Moments, Verdict};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Significance level of the live test's size (two-sided).
pub const LIVE_TEST_ALPHA: f64 = 0.05;
/// Power of the live test's size.
pub const LIVE_TEST_POWER: f64 = 0.80;

/// The seed of replication `r` of a simulation seeded `seed`: `seed` itself for the
/// first (`r = 0`), so replication 0 is the one-run result; then FNV-1a of
/// `"recobro-replication"`, the seed and `r` (little-endian), which is the same on
/// every host.
pub fn replication_seed(seed: u64, r: u32) -> u64 {
    if r == 0 {
        seed
    } else {
        fnv1a(&[
            b"recobro-replication",
            &seed.to_le_bytes(),
            &r.to_le_bytes(),
        ])
    }
}

/// A KPI's estimate over the replications: the mean and its 95% interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KpiInterval {
    /// The KPI, named as in `Kpis` (`collected_per_case` is the collected amount per
    /// case).
    pub kpi: String,
    /// The mean over the replications and its 95% interval.
    #[serde(flatten)]
    pub interval: Interval,
}

/// A challenger's difference from the champion in one KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KpiDifference {
    /// The KPI.
    pub kpi: String,
    /// Challenger minus champion, the mean of the paired differences and its 95%
    /// interval.
    #[serde(flatten)]
    pub interval: Interval,
    /// What the interval says.
    pub verdict: Verdict,
}

/// One day of a band: the cumulative amount collected by that day, over the
/// replications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Band {
    /// Day index from 0.
    pub day: u32,
    /// Mean and 95% interval of the cumulative amount collected.
    #[serde(flatten)]
    pub interval: Interval,
}

/// The cases a live test needs to detect a challenger's difference in one metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LiveTest {
    /// `collected_per_case` (report currency) or `cured_pct`.
    pub metric: String,
    /// The champion's mean over the replications.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub champion: Decimal,
    /// The challenger's mean over the replications.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub challenger: Decimal,
    /// The standard deviation between cases (for `collected_per_case`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub sd: Option<Decimal>,
    /// Cases per arm of a 50/50 test; absent when there is no difference to detect or
    /// the spread could not be summed (see `note`).
    pub cases_per_arm: Option<u64>,
    /// Cases in both arms.
    pub cases_total: Option<u64>,
    /// Why `cases_per_arm` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One policy's figures over the replications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmUncertainty {
    /// Policy name and version.
    pub policy: String,
    /// `champion` or `challenger N`.
    pub role: String,
    /// Every KPI's mean and 95% interval.
    pub kpis: Vec<KpiInterval>,
    /// Challengers: every KPI's difference from the champion, its interval and verdict.
    pub vs_champion: Vec<KpiDifference>,
    /// The cumulative amount collected, day by day: mean and 95% band.
    pub collected_band: Vec<Band>,
    /// Challengers: the size of a live test that would detect the difference.
    pub live_test: Vec<LiveTest>,
}

/// A simulation's figures over its replications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Uncertainty {
    /// Number of replications.
    pub replications: u32,
    /// Each replication's seed (decimal strings: a 64-bit seed does not fit a
    /// JavaScript number).
    pub seeds: Vec<String>,
    /// The confidence level of every interval.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub confidence: Decimal,
    /// The live test's significance level (two-sided).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub live_test_alpha: Decimal,
    /// The live test's power.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub live_test_power: Decimal,
    /// Champion first.
    pub arms: Vec<ArmUncertainty>,
}

type Getter = fn(&Kpis) -> f64;

/// One replication's finished arm: its KPIs and daily series.
type Finished = (Kpis, Vec<Day>);

/// The KPIs with intervals, which way each is better, and how to read it.
const KPIS: [(&str, Better, Getter); 13] = [
    ("collected", Better::Higher, |k| stats::float(k.collected)),
    ("collected_per_case", Better::Higher, |k| {
        stats::float(k.collected) / (k.cases.max(1) as f64)
    }),
    ("recovery_rate_pct", Better::Higher, |k| {
        stats::float(k.recovery_rate_pct)
    }),
    ("cured_pct", Better::Higher, |k| stats::float(k.cured_pct)),
    ("avg_days_to_payment", Better::Lower, |k| {
        stats::float(k.avg_days_to_payment)
    }),
    ("cost", Better::Lower, |k| stats::float(k.cost)),
    ("collected_per_cost", Better::Higher, |k| {
        stats::float(k.collected_per_cost)
    }),
    ("contacts_per_case", Better::Neither, |k| {
        stats::float(k.contacts_per_case)
    }),
    ("charges", Better::Neither, |k| stats::float(k.charges)),
    ("closing", Better::Lower, |k| stats::float(k.closing)),
    ("compliance_blocks", Better::Lower, |k| {
        k.compliance_blocks as f64
    }),
    ("promises_made", Better::Neither, |k| k.promises_made as f64),
    ("promises_kept", Better::Higher, |k| k.promises_kept as f64),
];

/// The uncertainty of a simulation from each replication's sums and their finished
/// KPIs and series (replications outer, arms inner, champion first).
pub(super) fn of(
    settings: &Settings,
    reps: &[Vec<(String, Sums)>],
    finished: &[Vec<Finished>],
) -> Uncertainty {
    let arms = reps.first().map(Vec::len).unwrap_or(0);
    let column = |ai: usize, f: &dyn Fn(&Finished) -> f64| -> Vec<f64> {
        finished.iter().filter_map(|r| r.get(ai)).map(f).collect()
    };
    let mut out = Vec::with_capacity(arms);
    for ai in 0..arms {
        let (policy, _) = &reps[0][ai];
        let kpis = KPIS
            .iter()
            .map(|(name, _, get)| KpiInterval {
                kpi: (*name).into(),
                interval: stats::mean_interval(&Moments::of(&column(ai, &|x| get(&x.0)))),
            })
            .collect();
        let mut vs_champion = Vec::new();
        let mut live_test = Vec::new();
        if ai > 0 {
            for (name, better, get) in KPIS {
                let d: Vec<f64> = finished
                    .iter()
                    .filter_map(|r| Some(get(&r.get(ai)?.0) - get(&r.first()?.0)))
                    .collect();
                let interval = stats::mean_interval(&Moments::of(&d));
                vs_champion.push(KpiDifference {
                    kpi: name.into(),
                    verdict: stats::verdict(&interval, better),
                    interval,
                });
            }
            live_test.push(collected_test(
                &reps[0][0].1,
                &reps[0][ai].1,
                &column(0, &|x| KPIS[1].2(&x.0)),
                &column(ai, &|x| KPIS[1].2(&x.0)),
            ));
            live_test.push(cured_test(
                &column(0, &|x| stats::float(x.0.cured_pct) / 100.0),
                &column(ai, &|x| stats::float(x.0.cured_pct) / 100.0),
            ));
        }
        let days = finished[0].get(ai).map(|x| x.1.len()).unwrap_or(0);
        let collected_band = (0..days)
            .map(|day| Band {
                day: day as u32,
                interval: stats::mean_interval(&Moments::of(&column(ai, &|x| {
                    x.1.get(day)
                        .map(|d| stats::float(d.collected_cumulative))
                        .unwrap_or(0.0)
                }))),
            })
            .collect();
        let role = if ai == 0 {
            "champion".to_string()
        } else {
            format!("challenger {ai}")
        };
        out.push(ArmUncertainty {
            policy: policy.clone(),
            role,
            kpis,
            vs_champion,
            collected_band,
            live_test,
        });
    }
    Uncertainty {
        replications: reps.len() as u32,
        seeds: (0..reps.len() as u32)
            .map(|r| replication_seed(settings.seed, r).to_string())
            .collect(),
        confidence: stats::dec(stats::CONFIDENCE),
        live_test_alpha: stats::dec(LIVE_TEST_ALPHA),
        live_test_power: stats::dec(LIVE_TEST_POWER),
        arms: out,
    }
}

fn mean(xs: &[f64]) -> f64 {
    Moments::of(xs).mean
}

/// The live test of the collected amount per case: the difference of the means over
/// the replications, the spread between cases pooled over both arms of the first.
fn collected_test(
    champ: &Sums,
    chall: &Sums,
    champ_means: &[f64],
    chall_means: &[f64],
) -> LiveTest {
    let (m0, m1) = (mean(champ_means), mean(chall_means));
    let spread = |s: &Sums| {
        Moments::from_sums(
            s.cases as f64,
            s.days
                .iter()
                .map(|d| d.collected.map(stats::float).unwrap_or(0.0))
                .sum(),
            s.collected_sq.map(stats::float).unwrap_or(0.0),
        )
        .var
    };
    let mut t = LiveTest {
        metric: "collected_per_case".into(),
        champion: stats::dec(m0),
        challenger: stats::dec(m1),
        sd: None,
        cases_per_arm: None,
        cases_total: None,
        note: None,
    };
    if !(champ.collected_sq_exact && chall.collected_sq_exact) {
        t.note = Some("the spread between cases could not be summed exactly".into());
        return t;
    }
    let sd = ((spread(champ) + spread(chall)) / 2.0).sqrt();
    t.sd = Some(stats::dec(sd));
    finish(
        &mut t,
        m1 - m0,
        stats::sample_size_means(sd, m1 - m0, LIVE_TEST_ALPHA, LIVE_TEST_POWER),
    );
    t
}

/// The live test of the share of cases cured (fractions over the replications).
fn cured_test(champ: &[f64], chall: &[f64]) -> LiveTest {
    let (p0, p1) = (mean(champ), mean(chall));
    let mut t = LiveTest {
        metric: "cured_pct".into(),
        champion: stats::dec(p0 * 100.0),
        challenger: stats::dec(p1 * 100.0),
        sd: None,
        cases_per_arm: None,
        cases_total: None,
        note: None,
    };
    finish(
        &mut t,
        p1 - p0,
        stats::sample_size_proportions(p0, p1, LIVE_TEST_ALPHA, LIVE_TEST_POWER),
    );
    t
}

fn finish(t: &mut LiveTest, diff: f64, n: Option<u64>) {
    match n {
        Some(n) => {
            t.cases_per_arm = Some(n);
            t.cases_total = n.checked_mul(2);
        }
        None if diff == 0.0 => t.note = Some("no difference to detect".into()),
        None => {
            t.note =
                Some("the difference is too small for a live test of any practical size".into())
        }
    }
}
