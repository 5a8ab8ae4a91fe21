//! Live champion/challenger experiments: the test plan's sample size, computed up
//! front, and the comparison of the outcomes a host recorded after assignment.
//!
//! A live experiment assigns each case to an arm with the engine's stable hash of the
//! experiment id and the case id ([`crate::simulation::assign`]), champion first. The
//! host records what happened to each case afterwards (the amount collected and the
//! contacts made) and asks how each challenger compares with the champion on the
//! experiment's metric, the amount collected per case or the share of cases that paid.
//!
//! Two tests, chosen before the experiment starts:
//! - **Fixed horizon:** the plan says how many cases each arm needs ([`plan`]); until
//!   every arm has them there is no verdict (looking early and stopping on a good
//!   look inflates false wins), then Welch's test at 5% decides.
//! - **Sequential:** the normal-mixture sequential test ([`crate::stats::msprt`]),
//!   always valid: the host may look after every case and stop as soon as the
//!   interval excludes zero, and the chance of a false win stays at most 5%.
//!
//! Every interval is 95% (α = 5%, two-sided); each challenger is compared with the
//! champion on its own, without a correction for several challengers. Variances are
//! estimated from the data, as usual for these tests; the 5% bound of the sequential
//! test is exact for a known spread, so it reads no verdict before
//! [`MIN_SEQUENTIAL_CASES`] cases per arm, nor while an arm's outcomes are all the same.
//! Each analysis reads the outcomes it is given: the sequential test's p-value and
//! interval are those of this look (a host that keeps the smallest p-value of its
//! looks, as Johari et al. do, may stop on it), and it ends only with a verdict (no
//! maximum size: stop it by the plan's size if you set one). A fixed test's verdict is
//! its answer at the planned size: analyzing again with more cases is peeking.

use crate::error::{Error, Result};
use crate::simulate::{assign, check_split, Split, MAX_EXPERIMENT};
use crate::stats::{self, Interval, Moments, Verdict};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Most outcomes in one analysis.
pub const MAX_OUTCOMES: usize = 1_000_000;
/// Cases each arm needs before a sequential test may give a verdict: the spread is
/// estimated from the data, and a handful of cases estimate it badly.
pub const MIN_SEQUENTIAL_CASES: usize = 30;
/// The smallest `minimum_effect` of a test, in the metric's unit.
pub const MIN_EFFECT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);
/// Longest case id of an outcome, in bytes.
pub const MAX_CASE_ID: usize = 256;

/// What an experiment compares.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// The amount collected per case (in the outcomes' currency).
    #[default]
    CollectedPerCase,
    /// The share of cases that paid anything, in percent.
    PaidPct,
}

fn default_power() -> Decimal {
    Decimal::new(8, 1)
}

fn fifty_fifty() -> Vec<u32> {
    vec![50, 50]
}

/// A test plan: what to detect, and with what power.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The metric the test decides on.
    #[serde(default)]
    pub metric: Metric,
    /// The champion's expected value: the amount collected per case, or the percent
    /// of cases that pay.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub baseline: Decimal,
    /// The standard deviation of the amount collected per case (needed for
    /// `collected_per_case`; from past outcomes or a simulation's `live_test.sd`).
    #[serde(default, with = "crate::money::amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub sd: Option<Decimal>,
    /// The smallest difference worth detecting, in the metric's unit (an amount per
    /// case, or percentage points), positive.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub minimum_effect: Decimal,
    /// The power: the chance of a verdict when the difference is `minimum_effect`;
    /// `0.5..=0.99`, default 0.8.
    #[serde(default = "default_power", with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub power: Decimal,
    /// Percent per arm, champion first, adding up to 100; default 50/50.
    #[serde(default = "fifty_fifty")]
    pub shares: Vec<u32>,
}

/// The cases a fixed-horizon test needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanResult {
    /// The metric.
    pub metric: Metric,
    /// The difference to detect.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub minimum_effect: Decimal,
    /// Significance level, two-sided.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub alpha: Decimal,
    /// Power.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub power: Decimal,
    /// Cases each arm needs, champion first.
    pub cases_per_arm: Vec<u64>,
    /// Cases in all.
    pub cases_total: u64,
}

impl PlanResult {
    /// The plan in one line: `566/566 cases per arm (1132 in all), champion first, to
    /// detect 25 at alpha 0.05 and power 0.8`.
    pub fn to_text(&self) -> String {
        format!(
            "{} cases per arm ({} in all), champion first, to detect {} at alpha {} and power {}",
            self.cases_per_arm
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("/"),
            self.cases_total,
            self.minimum_effect,
            self.alpha,
            self.power
        )
    }
}

impl Plan {
    /// Check the plan's numbers, with `input.invalid` naming the field: a positive
    /// `minimum_effect`; `power` within `0.5..=0.99`; `sd` given and positive for
    /// `collected_per_case`; `baseline` within `0..100` and `baseline +
    /// minimum_effect` at most 100 for `paid_pct`; the shares as a split's.
    pub fn validate(&self) -> Result<()> {
        let amount_ok = |d: Decimal| d > Decimal::ZERO && d <= crate::money::max_amount();
        if self.minimum_effect < MIN_EFFECT || !amount_ok(self.minimum_effect) {
            return Err(Error::input(
                "minimum_effect",
                format!(
                    "the difference to detect must be from 0.01 up to 10^15 (got {})",
                    self.minimum_effect
                ),
            ));
        }
        if self.power < Decimal::new(5, 1) || self.power > Decimal::new(99, 2) {
            return Err(Error::input(
                "power",
                format!(
                    "the power must be between 0.5 and 0.99 (got {})",
                    self.power
                ),
            ));
        }
        match self.metric {
            Metric::CollectedPerCase => {
                if !self.sd.is_some_and(amount_ok) {
                    return Err(Error::input(
                        "sd",
                        "a plan for collected_per_case needs the standard deviation of the amount collected per case, positive",
                    ));
                }
                if self.baseline < Decimal::ZERO || self.baseline > crate::money::max_amount() {
                    return Err(Error::input(
                        "baseline",
                        format!(
                            "the baseline must be an amount from 0 to 10^15 (got {})",
                            self.baseline
                        ),
                    ));
                }
            }
            Metric::PaidPct => {
                let hundred = Decimal::ONE_HUNDRED;
                if self.baseline <= Decimal::ZERO || self.baseline >= hundred {
                    return Err(Error::input(
                        "baseline",
                        format!(
                            "the percent of cases that pay must be above 0 and below 100 (got {})",
                            self.baseline
                        ),
                    ));
                }
                if self.baseline + self.minimum_effect >= hundred {
                    return Err(Error::input(
                        "minimum_effect",
                        format!(
                            "baseline plus the difference must stay below 100 percent (got {} + {})",
                            self.baseline, self.minimum_effect
                        ),
                    ));
                }
            }
        }
        check_split(&self.shares, "", self.shares.len().max(2))?;
        if let Some(i) = self.shares.iter().position(|s| *s == 0) {
            return Err(Error::input(
                format!("shares[{i}]"),
                "an arm with no share cannot be tested; give every arm a share above 0",
            ));
        }
        Ok(())
    }
}

/// The cases a fixed-horizon test of `p` needs, per arm: for each challenger `i`, the
/// whole experiment needs `N = (z₀.₉₇₅ + z_power)² · (σ₀²/w₀ + σᵢ²/wᵢ) / δ²` cases
/// (`w` the arms' shares; for `paid_pct`, `σ² = p(1-p)` with the champion at the
/// baseline and the challenger at baseline plus the difference), the largest `N` over
/// the challengers is taken, and each arm needs its share of it, rounded up. With 50/50
/// this is the textbook `n = (z₀.₉₇₅ + z_power)² (σ₀² + σ₁²) / δ²` per arm (Chow, Shao
/// & Wang, *Sample Size Calculations in Clinical Research*, 3.2 and 4.2).
pub fn plan(p: &Plan) -> Result<PlanResult> {
    p.validate()?;
    let alpha = 1.0 - stats::CONFIDENCE;
    let power = stats::float(p.power);
    let delta = stats::float(p.minimum_effect);
    let (v0, v1) = match p.metric {
        Metric::CollectedPerCase => {
            let sd = stats::float(p.sd.unwrap_or_default());
            (sd * sd, sd * sd)
        }
        Metric::PaidPct => {
            let p0 = stats::float(p.baseline) / 100.0;
            let p1 = p0 + delta / 100.0;
            (p0 * (1.0 - p0), p1 * (1.0 - p1))
        }
    };
    let delta = match p.metric {
        Metric::CollectedPerCase => delta,
        Metric::PaidPct => delta / 100.0,
    };
    let w: Vec<f64> = p.shares.iter().map(|s| f64::from(*s) / 100.0).collect();
    let too_big = || {
        Error::input(
            "minimum_effect",
            format!(
                "a test to detect {} would need more than 10^15 cases; detect a larger difference",
                p.minimum_effect
            ),
        )
    };
    let mut total: f64 = 0.0;
    for wi in w.iter().skip(1) {
        // INVARIANT: shares above 0 and a positive difference (validated): `None`
        // only for a size beyond any float.
        let n = stats::cases_needed(v0, v1, w[0], *wi, delta, alpha, power).ok_or_else(too_big)?;
        total = total.max(n);
    }
    let per_arm: Vec<u64> = w
        .iter()
        .map(|wi| stats::ceil_count(total * wi).ok_or_else(too_big))
        .collect::<Result<_>>()?;
    Ok(PlanResult {
        metric: p.metric,
        minimum_effect: p.minimum_effect,
        alpha: stats::dec(alpha),
        power: p.power,
        cases_total: per_arm.iter().sum(),
        cases_per_arm: per_arm,
    })
}

/// What happened to one case after it was assigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The case id (the assignment hashes it with the experiment id).
    pub case_id: String,
    /// The arm the host recorded (0 for the champion); checked against the engine's
    /// assignment when given.
    #[serde(default)]
    pub arm: Option<u32>,
    /// The amount collected since assignment, non-negative.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub collected: Decimal,
    /// Contacts made since assignment.
    #[serde(default)]
    pub contacts: u32,
}

/// The test an experiment runs, chosen before it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Test {
    /// Fixed horizon: no verdict before every arm has the cases the plan needs.
    Fixed {
        /// The plan (its `shares`, when given, must be the experiment's).
        plan: Plan,
    },
    /// Sequential (mSPRT): a verdict as soon as the always-valid interval excludes zero.
    Sequential {
        /// The metric the test decides on.
        #[serde(default)]
        metric: Metric,
        /// The difference the test is tuned to (the mixture's spread), in the metric's
        /// unit, positive.
        #[serde(with = "crate::money::amount")]
        #[schemars(with = "crate::money::Amount")]
        minimum_effect: Decimal,
    },
}

/// A live experiment's outcomes, to compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentRequest {
    /// The experiment id the assignment hashes.
    pub experiment: String,
    /// Percent per arm, champion first, adding up to 100.
    pub shares: Vec<u32>,
    /// The test.
    pub test: Test,
    /// One per case, each case once; at most [`MAX_OUTCOMES`].
    pub outcomes: Vec<Outcome>,
}

/// One arm's outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmOutcome {
    /// `champion` or `challenger N`.
    pub role: String,
    /// Its share, percent.
    pub share: u32,
    /// Cases with an outcome.
    pub cases: u64,
    /// The amount collected per case.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub collected_per_case: Decimal,
    /// Percent of cases that paid.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub paid_pct: Decimal,
    /// Contacts per case.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub contacts_per_case: Decimal,
}

/// Where a comparison stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Keep collecting: no verdict yet.
    Running,
    /// The test decided: the challenger is better or worse.
    Conclusive,
    /// The fixed horizon is reached and the arms are not distinguishable.
    Inconclusive,
}

/// A challenger against the champion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    /// `challenger N`.
    pub role: String,
    /// Challenger minus champion on the metric (percentage points for `paid_pct`) and
    /// its 95% interval: Welch's for a fixed test, the always-valid one for a
    /// sequential test.
    pub difference: Interval,
    /// The p-value: Welch's two-sided, or the always-valid one.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub p_value: Decimal,
    /// Where the test stands.
    pub status: Status,
    /// The verdict once the test may give one.
    pub verdict: Option<Verdict>,
    /// What to do, in words.
    pub message: String,
}

/// The comparison of a live experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExperimentReport {
    /// The experiment id.
    pub experiment: String,
    /// `fixed` or `sequential`.
    pub test: String,
    /// The metric the test decides on.
    pub metric: Metric,
    /// The confidence level of every interval.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub confidence: Decimal,
    /// The fixed test's plan.
    pub plan: Option<PlanResult>,
    /// Champion first.
    pub arms: Vec<ArmOutcome>,
    /// One per challenger.
    pub comparisons: Vec<Comparison>,
}

impl ExperimentRequest {
    /// Check the request, with `input.invalid` naming the path: the experiment id and
    /// shares (as a simulation's split); the test (`test.plan.…`, a positive
    /// `test.minimum_effect`); at most [`MAX_OUTCOMES`] outcomes, each with a case id
    /// of 1 to [`MAX_CASE_ID`] bytes seen once, a collected amount from 0 to 10^15, and
    /// an `arm`, when given, equal to the engine's assignment.
    pub fn validate(&self) -> Result<()> {
        if self.experiment.is_empty() || self.experiment.len() > MAX_EXPERIMENT {
            return Err(Error::input(
                "experiment",
                format!("an experiment id of 1 to {MAX_EXPERIMENT} bytes is needed"),
            ));
        }
        if self.shares.len() < 2 {
            return Err(Error::input(
                "shares",
                "an experiment needs a champion and at least one challenger",
            ));
        }
        check_split(&self.shares, &self.experiment, self.shares.len())?;
        if let Some(i) = self.shares.iter().position(|s| *s == 0) {
            return Err(Error::input(
                format!("shares[{i}]"),
                "an arm with no share cannot be tested; give every arm a share above 0",
            ));
        }
        match &self.test {
            Test::Fixed { plan } => {
                plan.validate().map_err(|e| e.under("test.plan"))?;
                if plan.shares != fifty_fifty() && plan.shares != self.shares {
                    return Err(Error::input(
                        "test.plan.shares",
                        "the plan's shares must be the experiment's (or left out)",
                    ));
                }
            }
            Test::Sequential {
                minimum_effect,
                metric,
            } => {
                let max = match metric {
                    Metric::CollectedPerCase => crate::money::max_amount(),
                    Metric::PaidPct => Decimal::ONE_HUNDRED,
                };
                if *minimum_effect < MIN_EFFECT || *minimum_effect > max {
                    return Err(Error::input(
                        "test.minimum_effect",
                        format!(
                            "the difference to detect must be from 0.01 up to {max} (got {minimum_effect})"
                        ),
                    ));
                }
            }
        }
        crate::simulate::check_count("outcomes", self.outcomes.len(), 0, MAX_OUTCOMES)?;
        let split = self.split();
        let mut seen = BTreeSet::new();
        for (i, o) in self.outcomes.iter().enumerate() {
            let at = |f: &str| format!("outcomes[{i}].{f}");
            if o.case_id.is_empty() || o.case_id.len() > MAX_CASE_ID {
                return Err(Error::input(
                    at("case_id"),
                    format!("a case id of 1 to {MAX_CASE_ID} bytes is needed"),
                ));
            }
            if !seen.insert(o.case_id.as_str()) {
                return Err(Error::input(
                    at("case_id"),
                    format!("case `{}` has an outcome already", o.case_id),
                ));
            }
            if o.collected < Decimal::ZERO || o.collected > crate::money::max_amount() {
                return Err(Error::input(
                    at("collected"),
                    format!(
                        "the amount collected must be from 0 to 10^15 (got {})",
                        o.collected
                    ),
                ));
            }
            let engine = assign(&split, &o.case_id).unwrap_or(0) as u32;
            if let Some(arm) = o.arm {
                if arm != engine {
                    return Err(Error::input(
                        at("arm"),
                        format!(
                            "experiment `{}` assigns case `{}` to arm {engine}, not {arm}: an outcome recorded under another arm would bias the comparison",
                            self.experiment, o.case_id
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn split(&self) -> Split {
        Split::Assign {
            experiment: self.experiment.clone(),
            shares: self.shares.clone(),
        }
    }
}

/// Compare each challenger with the champion (see the module's documentation).
/// Errors: `input.invalid` as [`ExperimentRequest::validate`] says.
pub fn analyze(r: &ExperimentRequest) -> Result<ExperimentReport> {
    r.validate()?;
    let split = r.split();
    let arms = r.shares.len();
    let mut collected: Vec<Vec<f64>> = vec![Vec::new(); arms];
    let mut paid: Vec<Vec<f64>> = vec![Vec::new(); arms];
    let mut contacts: Vec<u64> = vec![0; arms];
    for o in &r.outcomes {
        let a = assign(&split, &o.case_id).unwrap_or(0).min(arms - 1);
        collected[a].push(stats::float(o.collected));
        paid[a].push(if o.collected > Decimal::ZERO {
            1.0
        } else {
            0.0
        });
        contacts[a] = contacts[a].saturating_add(u64::from(o.contacts));
    }
    let role = |i: usize| {
        if i == 0 {
            "champion".to_string()
        } else {
            format!("challenger {i}")
        }
    };
    let arm_outcomes = (0..arms)
        .map(|i| {
            let n = collected[i].len();
            let per = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
            ArmOutcome {
                role: role(i),
                share: r.shares[i],
                cases: n as u64,
                collected_per_case: stats::dec(per(collected[i].iter().sum())),
                paid_pct: stats::dec(per(paid[i].iter().sum::<f64>() * 100.0)),
                contacts_per_case: stats::dec(per(contacts[i] as f64)),
            }
        })
        .collect();
    let (metric, plan_result) = match &r.test {
        Test::Fixed { plan: p } => {
            let p = Plan {
                shares: r.shares.clone(),
                ..p.clone()
            };
            (p.metric, Some(plan(&p)?))
        }
        Test::Sequential { metric, .. } => (*metric, None),
    };
    let (values, scale) = match metric {
        Metric::CollectedPerCase => (&collected, 1.0),
        Metric::PaidPct => (&paid, 100.0),
    };
    let champ = Moments::of(&values[0]);
    let mut comparisons = Vec::new();
    for (i, arm_values) in values.iter().enumerate().skip(1) {
        let chall = Moments::of(arm_values);
        let few = champ.n < 2.0 || chall.n < 2.0;
        let c = match (&r.test, &plan_result) {
            (Test::Fixed { .. }, Some(p)) => {
                let (iv, df) = stats::welch_interval(&champ, &chall);
                let p_value = welch_p(&champ, &chall, df);
                let reached = (champ.n as u64) >= p.cases_per_arm[0]
                    && (chall.n as u64) >= p.cases_per_arm[i];
                let (status, verdict, message) = if !reached {
                    (
                        Status::Running,
                        None,
                        format!(
                            "keep going: the plan needs {} cases for the champion and {} for this challenger (have {} and {}); no verdict before then",
                            p.cases_per_arm[0], p.cases_per_arm[i], champ.n, chall.n
                        ),
                    )
                } else {
                    decide(&iv, few)
                };
                Comparison {
                    role: role(i),
                    difference: scaled(&iv, scale),
                    p_value: stats::dec(p_value),
                    status,
                    verdict,
                    message,
                }
            }
            (Test::Sequential { minimum_effect, .. }, _) => {
                let tau = stats::float(*minimum_effect) / scale;
                let v = champ.var / champ.n.max(1.0) + chall.var / chall.n.max(1.0);
                let (p_value, iv) = stats::msprt(chall.mean - champ.mean, v, tau * tau);
                let burn_in = (champ.n as usize) < MIN_SEQUENTIAL_CASES
                    || (chall.n as usize) < MIN_SEQUENTIAL_CASES;
                let (status, verdict, message) = if burn_in {
                    (
                        Status::Running,
                        None,
                        format!("keep going: the sequential test reads no verdict before {MIN_SEQUENTIAL_CASES} cases per arm"),
                    )
                } else if champ.var <= 0.0 || chall.var <= 0.0 {
                    // A spread of zero in an arm is no estimate of its spread: an
                    // interval of no width would be a false certainty.
                    (
                        Status::Running,
                        None,
                        "keep going: an arm's outcomes are all the same so far, so its spread is unknown".to_string(),
                    )
                } else {
                    match decide(&iv, false) {
                        (Status::Inconclusive, _, _) => (
                            Status::Running,
                            None,
                            "keep going: the always-valid interval still holds zero".to_string(),
                        ),
                        other => other,
                    }
                };
                Comparison {
                    role: role(i),
                    difference: scaled(&iv, scale),
                    p_value: stats::dec(p_value),
                    status,
                    verdict,
                    message,
                }
            }
            // INVARIANT: a fixed test always has its plan (computed above).
            (Test::Fixed { .. }, None) => continue,
        };
        comparisons.push(c);
    }
    Ok(ExperimentReport {
        experiment: r.experiment.clone(),
        test: match r.test {
            Test::Fixed { .. } => "fixed".into(),
            Test::Sequential { .. } => "sequential".into(),
        },
        metric,
        confidence: stats::dec(stats::CONFIDENCE),
        plan: plan_result,
        arms: arm_outcomes,
        comparisons,
    })
}

/// The verdict of a finished test from its interval (both metrics: higher is better).
fn decide(iv: &Interval, few: bool) -> (Status, Option<Verdict>, String) {
    if few {
        return (
            Status::Inconclusive,
            Some(Verdict::NotDistinguishable),
            "each arm needs two cases or more to compare".into(),
        );
    }
    match stats::verdict(iv, stats::Better::Higher) {
        Verdict::Better => (
            Status::Conclusive,
            Some(Verdict::Better),
            "the challenger is better: promote it and stop the test".into(),
        ),
        Verdict::Worse => (
            Status::Conclusive,
            Some(Verdict::Worse),
            "the challenger is worse: keep the champion and stop the test".into(),
        ),
        v => (
            Status::Inconclusive,
            Some(v),
            "not distinguishable at 95%: keep the champion and stop the test (collecting more and asking again is peeking)".into(),
        ),
    }
}

/// Welch's two-sided p-value.
fn welch_p(a: &Moments, b: &Moments, df: f64) -> f64 {
    let se = (a.var / a.n.max(1.0) + b.var / b.n.max(1.0)).sqrt();
    if se.is_nan() || se <= 0.0 || !df.is_finite() {
        return if b.mean == a.mean { 1.0 } else { 0.0 };
    }
    let t = ((b.mean - a.mean) / se).abs();
    (2.0 * (1.0 - stats::t_cdf(t, df))).clamp(0.0, 1.0)
}

fn scaled(iv: &Interval, scale: f64) -> Interval {
    if scale == 1.0 {
        return iv.clone();
    }
    let s = Decimal::from(scale as i64);
    Interval {
        estimate: (iv.estimate * s).normalize(),
        lo: (iv.lo * s).normalize(),
        hi: (iv.hi * s).normalize(),
    }
}

impl ExperimentReport {
    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The report as a plain-text table.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "Experiment {} ({} test on {}, 95% intervals)\n",
            self.experiment,
            self.test,
            match self.metric {
                Metric::CollectedPerCase => "collected_per_case",
                Metric::PaidPct => "paid_pct",
            }
        );
        if let Some(p) = &self.plan {
            out.push_str(&format!("plan: {}\n", p.to_text()));
        }
        out.push_str(&format!(
            "{:<14} {:>6} {:>10} {:>20} {:>10} {:>18}\n",
            "arm", "share", "cases", "collected/case", "paid %", "contacts/case"
        ));
        for a in &self.arms {
            out.push_str(&format!(
                "{:<14} {:>6} {:>10} {:>20} {:>10} {:>18}\n",
                a.role,
                a.share,
                a.cases,
                a.collected_per_case.round_dp(2),
                a.paid_pct.round_dp(2),
                a.contacts_per_case.round_dp(2)
            ));
        }
        for c in &self.comparisons {
            if c.status == Status::Running && self.plan.is_some() {
                // A fixed test's interim figures are not for reading.
                out.push_str(&format!("{}: {}\n", c.role, c.message));
                continue;
            }
            out.push_str(&format!(
                "{}: {} [{}, {}], p = {}: {}\n",
                c.role,
                c.difference.estimate.round_dp(4),
                c.difference.lo.round_dp(4),
                c.difference.hi.round_dp(4),
                c.p_value.round_dp(4),
                c.message
            ));
        }
        out
    }
}
