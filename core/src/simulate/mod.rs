//! Portfolio simulation: what-if and champion/challenger over time.
//!
//! Deterministic and seeded, with common random numbers: every random draw is keyed by
//! (seed, case id, day, purpose, sub-index, attempt) and computed on its own, never
//! taken from a stream whose position depends on earlier draws. The key's parts (the
//! integers as fixed-width little-endian bytes, the case id and sub-index as their
//! bytes, each part terminated) are hashed with 64-bit FNV-1a and the hash seeds one
//! SplitMix64 step, so the same key gives the same draw on every host (integer
//! arithmetic only: no floats, no hash-map order, no platform word size).
//!
//! The purposes are: self-cure on a day and its time of day; whether a contact on a
//! channel reaches the debtor and, for an unanswered call or visit, what it looks like
//! (sub-index: the channel); a reached debtor's answer, the share of a partial
//! payment, the days to a promise's due date and whether it is kept (no sub-index: the
//! debtor answers alike whichever channel reached them that day); whether a task
//! recovers money (sub-index: the task kind). The attempt number counts earlier draws
//! with the same day, purpose and sub-index in the same case, for the rare day with
//! two.
//!
//! So the same debtor on the same day meets the same luck under every policy, whatever
//! the policies did on earlier days: arms differ only through what their policies do
//! and the state that leads to, never because one policy used up more random numbers
//! than another. An identical challenger shows no difference at all, and a challenger
//! whose change leaves the debtor's state alone (an extra task that cannot recover
//! money) changes no collected amount, contact or promise. Cases never interact, so a
//! run gives the same bytes on any number of threads.
//!
//! Each case steps event by event: the policy decides, the compliance layer has
//! already blocked what is not allowed, the response model draws the debtor's answer,
//! and contacts, promises and payments are appended to the case's own ledger, which
//! the next decision sees. An idle case is re-evaluated
//! once a day, or at the instant the compliance layer says its next contact becomes
//! lawful; a cured or closed case is not evaluated again.
//!
//! Bounds: every size and number a host passes in is checked where it enters, with an
//! `input.invalid` error naming the path and the allowed range: at most
//! [`MAX_POLICIES`] policies, [`MAX_CASES`] cases and [`MAX_DAYS`] days; split shares
//! within `0..=100` adding up to 100; the response model's numbers as documented on
//! [`ResponseModel::validate`]; a request's policy specs as on
//! [`PolicySpec::validate`]; a generated portfolio of at most
//! [`crate::simulation::MAX_GENERATED`] cases.

mod chart;
mod model;
mod request;
mod run;
mod uncertainty;

pub use chart::svg_collected;
pub use model::{
    ChannelModel, ResponseModel, SegmentModel, TaskModel, MAX_COST, MAX_DAYS_TO_PAY, MAX_FX,
    MAX_MODEL_ENTRIES, MAX_MODEL_NAME,
};
pub use request::{
    PolicySpec, SimulationRequest, MAX_POLICY_LIST, MAX_POLICY_MAPS, MAX_POLICY_SOURCE,
};
pub use run::{simulate_case, CaseOutcome, DaySums, Sums};
pub use uncertainty::{
    replication_seed, ArmUncertainty, Band, KpiDifference, KpiInterval, LiveTest, Uncertainty,
    LIVE_TEST_ALPHA, LIVE_TEST_POWER,
};

use crate::error::{Error, ErrorCode, Result};
use crate::model::Case;
use crate::policy::Policy;
use crate::time::Instant;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How cases are assigned to policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Split {
    /// Every case runs through every policy (a what-if).
    All,
    /// Each case runs through one policy, chosen by a stable hash of the experiment id
    /// and the case id, with the given shares (percent, champion first).
    Assign {
        /// Experiment id (part of the hash).
        experiment: String,
        /// Percent per arm, champion first; must add up to 100.
        shares: Vec<u32>,
    },
}

/// Longest horizon, in days (ten years).
pub const MAX_DAYS: u32 = 3_650;
/// Most policies in one simulation (the champion and up to 15 challengers).
pub const MAX_POLICIES: usize = 16;
/// Most cases in one simulation.
pub const MAX_CASES: usize = 1_000_000;
/// Longest experiment id, in bytes.
pub const MAX_EXPERIMENT: usize = 256;
/// Most replications of one simulation.
pub const MAX_REPLICATIONS: u32 = 100;

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// `input.invalid` at `path` unless `lo <= n <= hi`.
pub(crate) fn check_count(path: &str, n: usize, lo: usize, hi: usize) -> Result<()> {
    if n < lo || n > hi {
        return Err(Error::input(
            path,
            format!("the number must be between {lo} and {hi} (got {n})"),
        ));
    }
    Ok(())
}

/// Check a split against the number of policies: one share per policy, each within
/// `0..=100`, adding up to 100; an experiment id of at most `MAX_EXPERIMENT` bytes.
/// Paths are `shares[i]`, `shares` and `experiment` (callers put them under their root).
pub(crate) fn check_split(shares: &[u32], experiment: &str, policies: usize) -> Result<()> {
    if shares.len() != policies {
        return Err(Error::input(
            "shares",
            format!(
                "{policies} shares adding up to 100 are needed, one per policy (got {})",
                shares.len()
            ),
        ));
    }
    let mut sum: u32 = 0;
    for (i, &v) in shares.iter().enumerate() {
        if v > 100 {
            return Err(Error::input(
                format!("shares[{i}]"),
                format!("a share must be between 0 and 100 percent (got {v})"),
            ));
        }
        sum = sum.saturating_add(v);
    }
    if sum != 100 {
        return Err(Error::input(
            "shares",
            format!("{policies} shares adding up to 100 are needed, one per policy (they add up to {sum})"),
        ));
    }
    if experiment.len() > MAX_EXPERIMENT {
        return Err(Error::input(
            "experiment",
            format!(
                "an experiment id may have at most {MAX_EXPERIMENT} bytes (got {})",
                experiment.len()
            ),
        ));
    }
    Ok(())
}

/// A simulation's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Settings {
    /// When the simulation starts.
    pub start: Instant,
    /// Horizon in days.
    pub days: u32,
    /// Seed of every random draw.
    pub seed: u64,
    /// Assignment of cases to policies.
    pub split: Split,
    /// How debtors respond.
    pub response: ResponseModel,
    /// Replications: the run is repeated with this many seeds (the first is `seed`,
    /// the others [`replication_seed`]), every policy meeting the same luck in each
    /// (common random numbers), and the result carries 95% intervals
    /// ([`SimulationResult::uncertainty`]). `1..=MAX_REPLICATIONS`; 1 (the default) is
    /// one run without intervals. The portfolio is the same in every replication: the
    /// intervals are the uncertainty of the debtors' responses for these cases.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    #[schemars(range(min = 1, max = MAX_REPLICATIONS))]
    pub replications: u32,
    /// Daily capacity per channel (`{"call": 400}`): every policy of a what-if has a team
    /// of that size; under a split (`shares`) the arms share one team, each its share of
    /// every capacity, rounded down. The cases advance a day at a time together and each
    /// day's decisions are placed as a work queue places them ([`crate::queue`]), an
    /// action counting on the day it happens; a case over capacity takes its next
    /// lawful candidate or waits a day. Empty (the default): no limit, and every case
    /// runs on its own. A run under capacities is not split into parts.
    #[serde(default, skip_serializing_if = "is_unlimited")]
    pub capacity: crate::queue::Capacity,
}

fn is_unlimited(c: &crate::queue::Capacity) -> bool {
    c.0.is_empty()
}

impl Settings {
    /// Check the settings of a run with `policies` policies: `days` within
    /// `1..=MAX_DAYS`, the split (`split.shares[i]`, `split.experiment`) and the response
    /// model (`response.…`, see [`ResponseModel::validate`]). Errors are `input.invalid`
    /// naming the path and the allowed range.
    pub fn validate(&self, policies: usize) -> Result<()> {
        self.validate_horizon_and_model()?;
        if self.replications == 0 || self.replications > MAX_REPLICATIONS {
            return Err(Error::input(
                "replications",
                format!(
                    "the replications must be between 1 and {MAX_REPLICATIONS} (got {})",
                    self.replications
                ),
            ));
        }
        for (ch, n) in &self.capacity.0 {
            if *n > crate::queue::MAX_CAPACITY {
                return Err(Error::input(
                    format!("capacity.{}", ch.as_str()),
                    format!(
                        "a capacity is a whole number from 0 to {} (got {n})",
                        crate::queue::MAX_CAPACITY
                    ),
                ));
            }
        }
        if let Split::Assign { experiment, shares } = &self.split {
            check_split(shares, experiment, policies).map_err(|e| e.under("split"))?;
        }
        Ok(())
    }

    /// What one case's run needs: `days` and the response model.
    pub(crate) fn validate_horizon_and_model(&self) -> Result<()> {
        if self.days == 0 || self.days > MAX_DAYS {
            return Err(Error::input(
                "days",
                format!(
                    "the horizon must be between 1 and {MAX_DAYS} days (got {})",
                    self.days
                ),
            ));
        }
        self.response.validate().map_err(|e| e.under("response"))
    }
}

/// One day of one arm (money in the report currency).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Day {
    /// Day index from 0.
    pub day: u32,
    /// Collected that day.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub collected: Decimal,
    /// Collected up to and including that day.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub collected_cumulative: Decimal,
    /// Outstanding at the end of the day (principal plus booked charges).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub outstanding: Decimal,
    /// Charges booked that day.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub charges: Decimal,
    /// Contacts made, per channel (`call`, `sms`, `email`, `whatsapp`, `letter`, `visit`, `push`).
    pub contacts: [u32; 7],
    /// Candidates the compliance layer blocked.
    pub blocked: u32,
    /// Promises made.
    pub promises_made: u32,
    /// Promises kept (paid on their due date).
    pub promises_kept: u32,
    /// Cost of actions.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub cost: Decimal,
}

/// Key figures of one arm.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Kpis {
    /// Cases in the arm.
    pub cases: i64,
    /// Decisions taken.
    pub decisions: i64,
    /// Opening balance.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub opening: Decimal,
    /// Collected.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub collected: Decimal,
    /// Charges booked.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub charges: Decimal,
    /// Closing balance.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub closing: Decimal,
    /// Collected / opening, percent (4 decimals).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub recovery_rate_pct: Decimal,
    /// Cost of actions.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub cost: Decimal,
    /// Collected per unit of cost (0 when nothing was spent).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub collected_per_cost: Decimal,
    /// Contacts per case (4 decimals).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub contacts_per_case: Decimal,
    /// Share of cases cured (closing balance zero), percent (4 decimals).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub cured_pct: Decimal,
    /// Average days to the first payment, over cases that paid (2 decimals).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub avg_days_to_payment: Decimal,
    /// Candidates blocked by compliance.
    pub compliance_blocks: i64,
    /// Promises made.
    pub promises_made: i64,
    /// Promises kept.
    pub promises_kept: i64,
    /// Contacts per channel.
    pub contacts: [i64; 7],
}

/// One policy's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmResult {
    /// Policy name and version.
    pub policy: String,
    /// `champion` or `challenger N`.
    pub role: String,
    /// Key figures.
    pub kpis: Kpis,
    /// The difference from the champion (challengers only), KPI by KPI.
    pub vs_champion: Option<Kpis>,
    /// The daily series.
    pub series: Vec<Day>,
}

/// A simulation's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SimulationResult {
    /// The settings it ran with.
    pub settings: Settings,
    /// Champion first. With replications, the run with the settings' `seed`.
    pub arms: Vec<ArmResult>,
    /// With two replications or more: every KPI's 95% interval, each challenger's
    /// difference from the champion with its interval and verdict, and the size of a
    /// live test that would detect it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
}

/// The names of the channels in the order of `Day::contacts`.
pub const CHANNELS: [&str; 7] = [
    "call", "sms", "email", "whatsapp", "letter", "visit", "push",
];

/// A stable 64-bit FNV-1a hash.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in *p {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Which arm a case belongs to under a split (`None`: every arm).
pub fn assign(split: &Split, case_id: &str) -> Option<usize> {
    match split {
        Split::All => None,
        Split::Assign { experiment, shares } => {
            let bucket = (fnv1a(&[experiment.as_bytes(), case_id.as_bytes()]) % 100) as u32;
            let mut acc: u32 = 0;
            for (i, s) in shares.iter().enumerate() {
                acc = acc.saturating_add(*s);
                if bucket < acc {
                    return Some(i);
                }
            }
            Some(shares.len().saturating_sub(1))
        }
    }
}

fn kpi_diff(a: &Kpis, b: &Kpis) -> Kpis {
    let mut contacts = [0i64; 7];
    for (i, c) in contacts.iter_mut().enumerate() {
        *c = a.contacts[i] - b.contacts[i];
    }
    Kpis {
        cases: a.cases - b.cases,
        decisions: a.decisions - b.decisions,
        opening: a.opening - b.opening,
        collected: a.collected - b.collected,
        charges: a.charges - b.charges,
        closing: a.closing - b.closing,
        recovery_rate_pct: a.recovery_rate_pct - b.recovery_rate_pct,
        cost: a.cost - b.cost,
        collected_per_cost: a.collected_per_cost - b.collected_per_cost,
        contacts_per_case: a.contacts_per_case - b.contacts_per_case,
        cured_pct: a.cured_pct - b.cured_pct,
        avg_days_to_payment: a.avg_days_to_payment - b.avg_days_to_payment,
        compliance_blocks: a.compliance_blocks - b.compliance_blocks,
        promises_made: a.promises_made - b.promises_made,
        promises_kept: a.promises_kept - b.promises_kept,
        contacts,
    }
}

/// Run a simulation: `policies[0]` is the champion, the rest challengers.
pub fn simulate(
    policies: &[Policy],
    cases: &[Case],
    settings: &Settings,
) -> Result<SimulationResult> {
    simulate_with_progress(policies, cases, settings, &|_, _| {})
}

/// Run a simulation and report progress (cases done, cases total) as it goes.
pub fn simulate_with_progress(
    policies: &[Policy],
    cases: &[Case],
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SimulationResult> {
    let reps = simulate_range(policies, cases, 0..cases.len(), settings, progress)?;
    Ok(finish(settings, &reps))
}

/// The cases of part `part` of `parts` of a portfolio of `n` cases: consecutive
/// ranges, in order, that cover the portfolio (`n * part / parts .. n * (part + 1) /
/// parts`).
pub fn part_range(n: usize, part: usize, parts: usize) -> std::ops::Range<usize> {
    let parts = parts.max(1);
    let at = |i: usize| ((n as u128 * i as u128) / parts as u128) as usize;
    at(part.min(parts))..at((part + 1).min(parts))
}

/// Most parts a simulation may be split into.
pub const MAX_PARTS: usize = 1_024;

/// What one part of a portfolio adds to a simulation ([`simulate_part`]): each arm's
/// sums over the part's cases. [`merge_parts`] adds the parts of a portfolio into the
/// result of the whole run, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationPart {
    /// The settings it ran with.
    pub settings: Settings,
    /// The number of cases in the whole portfolio.
    pub portfolio: usize,
    /// Which part this is, from 0.
    pub part: usize,
    /// How many parts the portfolio is split into.
    pub parts: usize,
    /// Each arm's policy (name and version) and sums, champion first.
    pub arms: Vec<(String, run::Sums)>,
    /// With replications: the arms of replications 2, 3, …, as `arms`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicas: Vec<Vec<(String, run::Sums)>>,
}

/// Run part `part` of `parts` of a simulation: the cases [`part_range`] gives, through
/// every policy, reporting progress (cases done, cases in the part). The settings and
/// every case of the portfolio are checked as by [`simulate_with_progress`], and the
/// part's cases run as they do there, so [`merge_parts`] gives the whole run's result.
/// Errors: as the whole run's for its cases; `parts` must be `1..=MAX_PARTS` and
/// `part` below it (`input.invalid` at `parts`, `part`).
pub fn simulate_part(
    policies: &[Policy],
    cases: &[Case],
    part: usize,
    parts: usize,
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SimulationPart> {
    check_count("parts", parts, 1, MAX_PARTS)?;
    check_count("part", part, 0, parts - 1)?;
    if parts > 1 && !settings.capacity.0.is_empty() {
        return Err(Error::input(
            "parts",
            "a run under daily capacities cannot be split into parts (the capacities couple every case of a day): run it in one part",
        ));
    }
    let range = part_range(cases.len(), part, parts);
    let mut reps = simulate_range(policies, cases, range, settings, progress)?.into_iter();
    let arms = reps.next().unwrap_or_default();
    Ok(SimulationPart {
        settings: settings.clone(),
        portfolio: cases.len(),
        part,
        parts,
        arms,
        replicas: reps.collect(),
    })
}

/// The result of a simulation from all its parts ([`simulate_part`]), byte for byte the
/// result of the whole run. The parts must be the parts `0..parts` of one run, in
/// order (same settings, portfolio size and policies), else `input.invalid` at
/// `parts`. Exactness: the sums are non-negative amounts, added as the whole run adds
/// them (see `run::Sums`); when a sum had to be rounded to fit 28 significant digits
/// (amounts of many decimal places, such as an exchange rate with 20), adding parts
/// could round differently from the whole run, and the merge is refused with an
/// `input.invalid` error at `parts` that says to run in one piece.
pub fn merge_parts(parts: &[SimulationPart]) -> Result<SimulationResult> {
    let bad = |why: String| Err(Error::input("parts", why));
    let Some(first) = parts.first() else {
        return bad("no parts to merge".into());
    };
    if parts.len() != first.parts {
        return bad(format!(
            "{} parts are needed (got {})",
            first.parts,
            parts.len()
        ));
    }
    if first.replicas.len() + 1 != first.settings.replications as usize
        || first.replicas.iter().any(|r| {
            r.len() != first.arms.len() || r.iter().zip(&first.arms).any(|(a, b)| a.0 != b.0)
        })
    {
        return bad(format!(
            "part 0 carries {} replication(s) of its arms where the settings ask for {}",
            first.replicas.len() + 1,
            first.settings.replications
        ));
    }
    for (i, p) in parts.iter().enumerate() {
        let same = |x: &[(String, run::Sums)], y: &[(String, run::Sums)]| {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| a.0 == b.0)
        };
        let same_arms = same(&p.arms, &first.arms)
            && p.replicas.len() == first.replicas.len()
            && p.replicas
                .iter()
                .zip(&first.replicas)
                .all(|(x, y)| same(x, y));
        if p.part != i
            || p.parts != first.parts
            || p.portfolio != first.portfolio
            || p.settings != first.settings
            || !same_arms
        {
            return bad(format!(
                "part {i} is not part {i} of the same run as part 0 (same settings, portfolio and policies, in order)"
            ));
        }
    }
    let mut reps: Vec<Vec<(String, run::Sums)>> = std::iter::once(first.arms.clone())
        .chain(first.replicas.iter().cloned())
        .collect();
    for p in &parts[1..] {
        for (acc_rep, rep) in reps
            .iter_mut()
            .zip(std::iter::once(&p.arms).chain(&p.replicas))
        {
            for (acc, (_, s)) in acc_rep.iter_mut().zip(rep) {
                acc.1.add(s);
            }
        }
    }
    if reps.iter().flatten().any(|(_, s)| !s.exact) {
        return bad(
            "the parts cannot be merged exactly: a sum needed rounding to fit 28 significant digits; run the simulation in one piece".into(),
        );
    }
    Ok(finish(&first.settings, &reps))
}

/// Check the settings and every case, then run the cases in `range` through every
/// policy, in order, once per replication; per replication, each arm's policy (name
/// and version) and sums.
fn simulate_range(
    policies: &[Policy],
    cases: &[Case],
    range: std::ops::Range<usize>,
    settings: &Settings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Vec<(String, run::Sums)>>> {
    if policies.is_empty() {
        return Err(Error::new(
            ErrorCode::InputInvalid,
            "a simulation needs a champion policy",
        ));
    }
    check_count("policies", policies.len(), 1, MAX_POLICIES)?;
    check_count("cases", cases.len(), 0, MAX_CASES)?;
    settings.validate(policies.len())?;
    for (i, c) in cases.iter().enumerate() {
        c.validate().map_err(|e| crate::model::prefix_path(e, i))?;
        c.validate_at(settings.start)
            .map_err(|e| crate::model::prefix_path(e, i))?;
    }
    let cases = cases.get(range).unwrap_or_default();
    let total = cases.len() * policies.len() * settings.replications as usize;
    // About 200 progress reports per run, whatever its size.
    let step = (total / 200).max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let members: Vec<Vec<&Case>> = (0..policies.len())
        .map(|ai| {
            cases
                .iter()
                .filter(|c| assign(&settings.split, &c.id).is_none_or(|a| a == ai))
                .collect()
        })
        .collect();
    let mut reps = Vec::with_capacity(settings.replications as usize);
    for r in 0..settings.replications {
        let settings = &Settings {
            seed: replication_seed(settings.seed, r),
            ..settings.clone()
        };
        let mut arms = Vec::with_capacity(policies.len());
        for (ai, (policy, members)) in policies.iter().zip(&members).enumerate() {
            if !settings.capacity.0.is_empty() {
                // Under a split the arms share one team, each its share of every
                // capacity (rounded down); otherwise each arm has the whole team.
                let arm = match &settings.split {
                    Split::Assign { shares, .. } => Settings {
                        capacity: crate::queue::Capacity(
                            settings
                                .capacity
                                .0
                                .iter()
                                .map(|(ch, n)| {
                                    let share = u64::from(shares.get(ai).copied().unwrap_or(0));
                                    // INVARIANT: n <= MAX_CAPACITY and share <= 100.
                                    (*ch, (u64::from(*n) * share / 100) as u32)
                                })
                                .collect(),
                        ),
                        ..settings.clone()
                    },
                    Split::All => settings.clone(),
                };
                let outcomes =
                    run::simulate_with_capacity(policy, members, &arm).map_err(|e| Error {
                        message: format!("policies[{ai}]: {}", e.message),
                        ..e
                    })?;
                let n = done.fetch_add(members.len(), std::sync::atomic::Ordering::Relaxed)
                    + members.len();
                progress(n, total);
                arms.push((
                    format!("{} {}", policy.info().name, policy.info().version),
                    run::Sums::of(&outcomes, settings),
                ));
                continue;
            }
            let one = |c: &&Case| {
                // INVARIANT: the settings and every case were checked above.
                let r = run::simulate_checked(policy, c, settings, true);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n % step == 0 || n == total {
                    progress(n, total);
                }
                r
            };
            #[cfg(feature = "parallel")]
            let outcomes: Vec<Result<run::CaseOutcome>> = {
                use rayon::prelude::*;
                members.par_iter().map(one).collect()
            };
            #[cfg(not(feature = "parallel"))]
            let outcomes: Vec<Result<run::CaseOutcome>> = members.iter().map(one).collect();
            // A policy that fails mid-run says which policy it is (`policies[1]: ...`).
            let outcomes = outcomes
                .into_iter()
                .collect::<Result<Vec<_>>>()
                .map_err(|e| Error {
                    message: format!("policies[{ai}]: {}", e.message),
                    ..e
                })?;
            arms.push((
                format!("{} {}", policy.info().name, policy.info().version),
                run::Sums::of(&outcomes, settings),
            ));
        }
        reps.push(arms);
    }
    Ok(reps)
}

/// The result from each replication's arms (policy and sums, champion first): the
/// first replication's KPIs and series, and with more, the intervals.
fn finish(settings: &Settings, reps: &[Vec<(String, run::Sums)>]) -> SimulationResult {
    let finished: Vec<Vec<(Kpis, Vec<Day>)>> = reps
        .iter()
        .map(|arms| arms.iter().map(|(_, s)| s.finish()).collect())
        .collect();
    let uncertainty = (reps.len() > 1).then(|| uncertainty::of(settings, reps, &finished));
    let first = reps.first().map(Vec::as_slice).unwrap_or_default();
    let mut arms: Vec<ArmResult> = first
        .iter()
        .zip(finished.into_iter().next().unwrap_or_default())
        .map(|((policy, _), kpis)| (policy.clone(), kpis))
        .enumerate()
        .map(|(ai, (policy, (kpis, series)))| ArmResult {
            policy,
            role: if ai == 0 {
                "champion".into()
            } else {
                format!("challenger {ai}")
            },
            kpis,
            vs_champion: None,
            series,
        })
        .collect();
    if let Some(champ) = arms.first().map(|a| a.kpis.clone()) {
        for a in arms.iter_mut().skip(1) {
            a.vs_champion = Some(kpi_diff(&a.kpis, &champ));
        }
    }
    SimulationResult {
        settings: settings.clone(),
        arms,
        uncertainty,
    }
}

impl SimulationResult {
    /// The daily series of every arm as CSV (one row per arm and day).
    pub fn series_csv(&self) -> String {
        let mut out = String::from(
            "arm,policy,day,collected,collected_cumulative,outstanding,charges,cost,blocked,promises_made,promises_kept",
        );
        for c in CHANNELS {
            out.push_str(&format!(",contacts_{c}"));
        }
        out.push('\n');
        for a in &self.arms {
            for d in &a.series {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    a.role,
                    a.policy,
                    d.day,
                    d.collected,
                    d.collected_cumulative,
                    d.outstanding,
                    d.charges,
                    d.cost,
                    d.blocked,
                    d.promises_made,
                    d.promises_kept
                ));
                for c in d.contacts {
                    out.push_str(&format!(",{c}"));
                }
                out.push('\n');
            }
        }
        out
    }

    /// With replications, the intervals as plain text: each KPI's mean and 95%
    /// interval per policy, each challenger's difference with its interval and
    /// verdict, then the cases a live test would need. `None` for one run.
    pub fn uncertainty_table(&self) -> Option<String> {
        let u = self.uncertainty.as_ref()?;
        let mut out = format!(
            "Over {} replications (common random numbers), 95% intervals:\n",
            u.replications
        );
        let mut header = format!("{:<22}", "KPI");
        for a in &u.arms {
            header.push_str(&format!(" {:>34}", a.role));
            if !a.vs_champion.is_empty() {
                header.push_str(&format!(" {:>44}", "vs champion"));
            }
        }
        out.push_str(&header);
        out.push('\n');
        let r = |d: Decimal| d.round_dp(2).normalize().to_string();
        for (i, k) in u
            .arms
            .first()
            .map(|a| a.kpis.as_slice())
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let mut line = format!("{:<22}", k.kpi);
            for a in &u.arms {
                if let Some(x) = a.kpis.get(i) {
                    let iv = &x.interval;
                    line.push_str(&format!(
                        " {:>34}",
                        format!("{} [{}, {}]", r(iv.estimate), r(iv.lo), r(iv.hi))
                    ));
                }
                if let Some(x) = a.vs_champion.get(i) {
                    let iv = &x.interval;
                    let v = serde_json::to_value(x.verdict)
                        .ok()
                        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                        .unwrap_or_default();
                    line.push_str(&format!(
                        " {:>44}",
                        format!("{} [{}, {}] {v}", r(iv.estimate), r(iv.lo), r(iv.hi))
                    ));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        for a in u.arms.iter().skip(1) {
            for t in &a.live_test {
                out.push_str(&format!(
                    "{}: a live 50/50 test of {} ({} vs {}) needs ",
                    a.role,
                    t.metric,
                    r(t.challenger),
                    r(t.champion)
                ));
                match (t.cases_per_arm, t.cases_total) {
                    (Some(n), Some(total)) => out.push_str(&format!(
                        "{n} cases per arm ({total} in all) at alpha {} and power {}\n",
                        u.live_test_alpha, u.live_test_power
                    )),
                    _ => out.push_str(&format!(
                        "no size: {}\n",
                        t.note.as_deref().unwrap_or("unknown")
                    )),
                }
            }
        }
        Some(out)
    }

    /// The KPI table as plain text, with the challenger-minus-champion difference.
    pub fn kpi_table(&self) -> String {
        let cur = &self.settings.response.report_currency;
        type Column = Box<dyn Fn(&Kpis) -> String>;
        let rows: Vec<(&str, Column)> = vec![
            ("cases", Box::new(|k| k.cases.to_string())),
            ("decisions", Box::new(|k| k.decisions.to_string())),
            (
                "opening balance",
                Box::new(|k| k.opening.round_dp(2).to_string()),
            ),
            (
                "collected",
                Box::new(|k| k.collected.round_dp(2).to_string()),
            ),
            (
                "recovery rate %",
                Box::new(|k| k.recovery_rate_pct.round_dp(2).to_string()),
            ),
            (
                "charges booked",
                Box::new(|k| k.charges.round_dp(2).to_string()),
            ),
            (
                "closing balance",
                Box::new(|k| k.closing.round_dp(2).to_string()),
            ),
            ("cost", Box::new(|k| k.cost.round_dp(2).to_string())),
            (
                "collected per cost",
                Box::new(|k| k.collected_per_cost.round_dp(2).to_string()),
            ),
            (
                "contacts per case",
                Box::new(|k| k.contacts_per_case.round_dp(2).to_string()),
            ),
            ("cured %", Box::new(|k| k.cured_pct.round_dp(2).to_string())),
            (
                "avg days to payment",
                Box::new(|k| k.avg_days_to_payment.round_dp(1).to_string()),
            ),
            (
                "compliance blocks",
                Box::new(|k| k.compliance_blocks.to_string()),
            ),
            ("promises made", Box::new(|k| k.promises_made.to_string())),
            ("promises kept", Box::new(|k| k.promises_kept.to_string())),
        ];
        let mut header = format!("{:<22}", format!("KPI ({cur})"));
        for a in &self.arms {
            header.push_str(&format!(" {:>18}", a.role));
            if a.vs_champion.is_some() {
                header.push_str(&format!(" {:>14}", "vs champion"));
            }
        }
        let mut out = header + "\n";
        for (name, f) in rows {
            let mut line = format!("{name:<22}");
            for a in &self.arms {
                line.push_str(&format!(" {:>18}", f(&a.kpis)));
                if let Some(v) = &a.vs_champion {
                    let s = f(v);
                    let s = if s.starts_with('-') {
                        s
                    } else {
                        format!("+{s}")
                    };
                    line.push_str(&format!(" {s:>14}"));
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_against_their_range() {
        assert!(check_count("cases", MAX_CASES, 0, MAX_CASES).is_ok());
        let e = check_count("cases", MAX_CASES + 1, 0, MAX_CASES).unwrap_err();
        assert_eq!((e.code, e.path()), (ErrorCode::InputInvalid, Some("cases")));
        assert!(e.message.contains("between 0 and 1000000"), "{e}");
        assert!(check_count("policies", 0, 1, MAX_POLICIES).is_err());
    }

    #[test]
    fn assignment_does_not_overflow_on_unchecked_shares() {
        let split = Split::Assign {
            experiment: "x".into(),
            shares: vec![u32::MAX, u32::MAX],
        };
        assert_eq!(assign(&split, "C-1"), Some(0));
    }
}
