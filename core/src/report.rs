//! The delinquency report of a portfolio snapshot, and the comparison of two snapshots
//! of the same portfolio (`recobro report`, [`crate::host::report`]).
//!
//! A **snapshot** is the portfolio's cases as the host's books stood at one instant
//! (`as_of`). Every figure comes from the engine's own derived facts at that instant
//! (days past due, `outstanding` per debt, promise and plan status, the contact
//! ledger) and, for the segment and the compliance blocks, from deciding each case
//! under the policy. Nothing reads the wall clock; the same inputs give the same
//! report bytes.
//!
//! ## What each figure means
//!
//! - **Aging** is **per debt**: each debt with something `outstanding` is put in the
//!   bucket of *its own* days past due (the debtor's local date at `as_of` minus the
//!   debt's `due_on`, 0 when not yet due): `current` (0), `1-30`, `31-60`, `61-90`,
//!   `91-120`, `120+` (121 and more). Counted in debts and summed in `outstanding`
//!   (principal, in the debt's currency), per currency: a case can hold debts in
//!   several currencies and of several ages, and ageing each receivable on its own is
//!   what a receivables aging report does, so an amount is never shown older than it
//!   is. Debts with nothing outstanding are counted as `settled`, not aged.
//! - **By segment** and **by jurisdiction**: the same aging, grouped by the segment
//!   the policy assigns the case (`(none)` when the policy gives none) and by the
//!   debtor's `jurisdiction`.
//! - **Promises**: every promise of every case, by its derived status (kept, broken,
//!   pending).
//! - **Plans**: cases by the status of their most recent plan (active, behind,
//!   completed), as the engine derives it; cases without a plan are not counted.
//! - **Contacts in the last 30 days**: outbound contacts per channel in the rolling
//!   30 days ending at `as_of` (the same window as the policy's `contacts(30, ch)`).
//! - **Compliance blocks**: per rule, the candidates of the decisions it blocked, and
//!   the cases where it blocked at least one candidate.
//!
//! From two snapshots (`previous` at `previous_as_of`, before `as_of`), cases are
//! matched by case `id` and debts by (case `id`, debt `id`):
//!
//! - **Roll rates**: for each debt aged in the previous snapshot, its state in the
//!   current one: a bucket, `settled` (nothing outstanding) or `left` (absent from
//!   the current snapshot: sold, written off, recalled). Counted in debts; the rate is
//!   the share of the previous bucket's debts, in percent.
//! - **Cures**: a case is *delinquent* when any of its debts is past due with
//!   something outstanding (the engine's case `days_past_due` > 0), *current*
//!   otherwise. A case delinquent in the previous snapshot and current in the current
//!   one is *cured* (a case absent from the current snapshot is not). Per the case's
//!   bucket in the previous snapshot (its largest days past due), and in total.
//! - **Collection effectiveness index** (CEI), per currency, the standard definition
//!   (Credit Research Foundation practice, as published by Credit Guru,
//!   <http://www.creditguru.com/index.php/collection-management/collection-metrics/collection-effectiveness-index-cei>):
//!   `(beginning receivables + credit sales - ending total receivables) / (beginning
//!   receivables + credit sales - ending current receivables) x 100`, over the one
//!   period between the snapshots. Beginning receivables: `outstanding` summed over
//!   the previous snapshot's debts; ending total: over the current snapshot's debts;
//!   ending current: over the current snapshot's debts that are not past due.
//!   **Credit sales**, for a collections portfolio, are the receivables booked during
//!   the period: the `original_amount` of every debt in the current snapshot that was
//!   not in the previous one (new placements, new invoices). A debt that left the
//!   portfolio leaves the ending receivables, so the formula counts it as collected:
//!   its amount is given beside the index (`left`) so the reader can tell. The index
//!   is rounded to 2 decimal places, half away from zero, and is `null` when the
//!   denominator is not positive (nothing was collectable).
//!
//! Every rate (roll, cure, CEI) is a percentage computed exactly and then rounded to
//! 2 decimal places, half away from zero; `null` when its base is zero.
//!
//! Cases that cannot be read, or whose decision fails, are in no figure: each is
//! listed under `errors` with its index in the batch (the batch row shape
//! `{"index", "error"}`), and counted in `cases.failed`. A case whose `id` appears
//! twice in one snapshot fails at its second appearance.

use crate::decision::{PolicyInfo, Verdict};
use crate::error::{guard, Error, ErrorCode, Result};
use crate::facts::{Facts, PromiseStatus};
use crate::model::{prefix_path, Case, Channel};
use crate::policy::{par_map, EvalOptions, Policy};
use crate::time::Instant;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An aging bucket: days past due of one debt (or, for cures, of one case).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub enum Bucket {
    /// Not past due (0 days).
    #[serde(rename = "current")]
    Current,
    /// 1 to 30 days past due.
    #[serde(rename = "1-30")]
    D1To30,
    /// 31 to 60 days past due.
    #[serde(rename = "31-60")]
    D31To60,
    /// 61 to 90 days past due.
    #[serde(rename = "61-90")]
    D61To90,
    /// 91 to 120 days past due.
    #[serde(rename = "91-120")]
    D91To120,
    /// 121 days past due or more.
    #[serde(rename = "120+")]
    Over120,
}

impl Bucket {
    /// Every bucket, youngest first.
    pub const ALL: [Bucket; 6] = [
        Bucket::Current,
        Bucket::D1To30,
        Bucket::D31To60,
        Bucket::D61To90,
        Bucket::D91To120,
        Bucket::Over120,
    ];

    /// The bucket of a number of days past due (0 or less is `current`).
    pub fn of(days_past_due: i64) -> Bucket {
        match days_past_due {
            i64::MIN..=0 => Bucket::Current,
            1..=30 => Bucket::D1To30,
            31..=60 => Bucket::D31To60,
            61..=90 => Bucket::D61To90,
            91..=120 => Bucket::D91To120,
            _ => Bucket::Over120,
        }
    }

    /// The label (`current`, `1-30`, ..., `120+`).
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Current => "current",
            Bucket::D1To30 => "1-30",
            Bucket::D31To60 => "31-60",
            Bucket::D61To90 => "61-90",
            Bucket::D91To120 => "91-120",
            Bucket::Over120 => "120+",
        }
    }
}

/// Where a debt aged in the previous snapshot stands in the current one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub enum RollState {
    /// Not past due.
    #[serde(rename = "current")]
    Current,
    /// 1 to 30 days past due.
    #[serde(rename = "1-30")]
    D1To30,
    /// 31 to 60 days past due.
    #[serde(rename = "31-60")]
    D31To60,
    /// 61 to 90 days past due.
    #[serde(rename = "61-90")]
    D61To90,
    /// 91 to 120 days past due.
    #[serde(rename = "91-120")]
    D91To120,
    /// 121 days past due or more.
    #[serde(rename = "120+")]
    Over120,
    /// Nothing outstanding.
    #[serde(rename = "settled")]
    Settled,
    /// Absent from the current snapshot.
    #[serde(rename = "left")]
    Left,
}

impl RollState {
    /// Every state, in the matrix's column order.
    pub const ALL: [RollState; 8] = [
        RollState::Current,
        RollState::D1To30,
        RollState::D31To60,
        RollState::D61To90,
        RollState::D91To120,
        RollState::Over120,
        RollState::Settled,
        RollState::Left,
    ];

    fn of(b: Bucket) -> RollState {
        match b {
            Bucket::Current => RollState::Current,
            Bucket::D1To30 => RollState::D1To30,
            Bucket::D31To60 => RollState::D31To60,
            Bucket::D61To90 => RollState::D61To90,
            Bucket::D91To120 => RollState::D91To120,
            Bucket::Over120 => RollState::Over120,
        }
    }

    /// The label (a bucket's, `settled` or `left`).
    pub fn as_str(self) -> &'static str {
        match self {
            RollState::Current => "current",
            RollState::D1To30 => "1-30",
            RollState::D31To60 => "31-60",
            RollState::D61To90 => "61-90",
            RollState::D91To120 => "91-120",
            RollState::Over120 => "120+",
            RollState::Settled => "settled",
            RollState::Left => "left",
        }
    }
}

/// How many entries of a snapshot were read and reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Counts {
    /// Entries in the batch.
    pub entries: usize,
    /// Cases in the figures.
    pub reported: usize,
    /// Entries that could not be read or decided (each is in `errors`).
    pub failed: usize,
    /// Debts with something outstanding (aged).
    pub debts_aged: usize,
    /// Debts with nothing outstanding (not aged).
    pub debts_settled: usize,
}

/// One entry that is in no figure, and why.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RowError {
    /// Its index in the batch.
    pub index: usize,
    /// The error, in the one error shape (`{"code", "message", "path"?, ...}`).
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub error: Error,
}

/// One aging cell: a group (segment or jurisdiction; empty for the whole
/// portfolio), a currency and a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AgingRow {
    /// The segment or jurisdiction; absent in the portfolio's aging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// ISO 4217 currency code.
    pub currency: String,
    /// The bucket.
    pub bucket: Bucket,
    /// Debts in the bucket.
    pub debts: u64,
    /// Their `outstanding`, summed.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub amount: Decimal,
}

/// Promises by derived status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PromiseCounts {
    /// Paid in full by their date.
    pub kept: u64,
    /// Their date passed without full payment.
    pub broken: u64,
    /// Not yet due and not yet paid.
    pub pending: u64,
}

/// Cases by the status of their most recent plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PlanCounts {
    /// No installment missed, not yet paid off.
    pub active: u64,
    /// At least one installment missed.
    pub behind: u64,
    /// Paid off.
    pub completed: u64,
}

/// Outbound contacts on one channel in the 30 days before `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// Outbound contacts.
    pub contacts: u64,
}

/// How often one compliance rule blocked a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BlockCount {
    /// The rule id (`hold.dispute`, `co.ley2300.hours`, ...).
    pub rule: String,
    /// Its citation.
    pub citation: String,
    /// Candidates it blocked.
    pub candidates: u64,
    /// Cases where it blocked at least one candidate.
    pub cases: u64,
}

/// One cell of the roll-rate matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RollRow {
    /// The debt's bucket in the previous snapshot.
    pub from: Bucket,
    /// Its state in the current one.
    pub to: RollState,
    /// Debts.
    pub debts: u64,
    /// Percent of the `from` bucket's debts (2 dp, half away from zero); `null` when
    /// the bucket was empty.
    #[serde(with = "crate::money::amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub rate: Option<Decimal>,
}

/// Cures from one bucket (or all) of the previous snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CureRow {
    /// The case's bucket in the previous snapshot; absent for the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Bucket>,
    /// Cases delinquent in the previous snapshot.
    pub delinquent: u64,
    /// Of those, current in the current snapshot.
    pub cured: u64,
    /// `cured / delinquent` in percent (2 dp, half away from zero); `null` when none
    /// was delinquent.
    #[serde(with = "crate::money::amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub rate: Option<Decimal>,
}

/// The collection effectiveness index of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CeiRow {
    /// ISO 4217 currency code.
    pub currency: String,
    /// `outstanding` of the previous snapshot's debts.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub beginning: Decimal,
    /// Credit sales: `original_amount` of the debts new in the current snapshot.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub new_debts: Decimal,
    /// `outstanding` of the current snapshot's debts.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub ending_total: Decimal,
    /// `outstanding` of the current snapshot's debts not past due.
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub ending_current: Decimal,
    /// `outstanding`, in the previous snapshot, of debts absent from the current one
    /// (counted as collected by the formula).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub left: Decimal,
    /// The index in percent (2 dp, half away from zero); `null` when the denominator
    /// is not positive.
    #[serde(with = "crate::money::amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub cei: Option<Decimal>,
}

/// What changed between two snapshots of the same portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    /// The previous snapshot's clock.
    pub previous_as_of: Instant,
    /// The previous snapshot's entries.
    pub cases: Counts,
    /// The previous snapshot's entries in no figure.
    pub errors: Vec<RowError>,
    /// The roll-rate matrix: every (from, to) cell, from-bucket first.
    pub roll_rates: Vec<RollRow>,
    /// Cures per previous bucket (1-30 .. 120+), then the total.
    pub cures: Vec<CureRow>,
    /// The collection effectiveness index per currency.
    pub cei: Vec<CeiRow>,
}

/// The delinquency report (see the module documentation for every definition).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The snapshot's clock.
    pub as_of: Instant,
    /// The policy that assigned segments and decided the compliance blocks.
    pub policy: PolicyInfo,
    /// The snapshot's entries.
    pub cases: Counts,
    /// Entries in no figure, with their errors.
    pub errors: Vec<RowError>,
    /// Aging per currency and bucket (every bucket of every currency present).
    pub aging: Vec<AgingRow>,
    /// Aging per segment, currency and bucket.
    pub aging_by_segment: Vec<AgingRow>,
    /// Aging per jurisdiction, currency and bucket.
    pub aging_by_jurisdiction: Vec<AgingRow>,
    /// Promises by status.
    pub promises: PromiseCounts,
    /// Cases by the status of their most recent plan.
    pub plans: PlanCounts,
    /// Outbound contacts per channel in the 30 days before `as_of`.
    pub contacts_last_30_days: Vec<ChannelCount>,
    /// Compliance blocks per rule, most candidates first.
    pub compliance_blocks: Vec<BlockCount>,
    /// The comparison with a previous snapshot, when one was given.
    pub comparison: Option<Comparison>,
}

/// One debt as the report needs it.
#[derive(Debug, Clone)]
struct DebtRow {
    id: String,
    currency: String,
    outstanding: Decimal,
    original: Decimal,
    days_past_due: i64,
}

/// One case as the report needs it.
#[derive(Debug, Clone)]
struct CaseRow {
    id: String,
    jurisdiction: String,
    segment: String,
    days_past_due: i64,
    debts: Vec<DebtRow>,
    promises: [u64; 3],
    plan: &'static str,
    contacts: [u64; 7],
    /// (rule, citation) of every blocked rule outcome.
    blocks: Vec<(String, String)>,
}

/// The segment label of a case whose policy assigns none.
pub const NO_SEGMENT: &str = "(none)";

/// The delinquency report of `cases` (a batch's entries, each the case or the error
/// reading it) at `as_of` under `policy`, compared with `previous` (the same
/// portfolio's entries at an earlier instant) when given.
///
/// Fails only when `previous`'s instant is not before `as_of` (`input.invalid` at
/// `previous_as_of`) or a sum leaves the decimal range; every bad entry is reported
/// in the report's `errors`.
pub fn report(
    policy: &Policy,
    cases: Vec<Result<Case>>,
    as_of: Instant,
    previous: Option<(Vec<Result<Case>>, Instant)>,
) -> Result<Report> {
    if let Some((_, before)) = &previous {
        if *before >= as_of {
            return Err(Error::input(
                "previous_as_of",
                format!(
                    "{before} is not before as_of {as_of}: the previous snapshot must be earlier"
                ),
            ));
        }
    }
    let (rows, errors, entries) = read(cases, as_of, Some(policy));
    let mut out = Report {
        as_of,
        policy: policy.info().clone(),
        cases: counts(entries, &rows, errors.len()),
        errors,
        aging: aging(&rows, |_| None)?,
        aging_by_segment: aging(&rows, |c| Some(c.segment.clone()))?,
        aging_by_jurisdiction: aging(&rows, |c| Some(c.jurisdiction.clone()))?,
        promises: PromiseCounts::default(),
        plans: PlanCounts::default(),
        contacts_last_30_days: Vec::new(),
        compliance_blocks: blocks(&rows),
        comparison: None,
    };
    let mut contacts = [0u64; 7];
    for c in &rows {
        out.promises.kept += c.promises[0];
        out.promises.broken += c.promises[1];
        out.promises.pending += c.promises[2];
        match c.plan {
            "active" => out.plans.active += 1,
            "behind" => out.plans.behind += 1,
            "completed" => out.plans.completed += 1,
            _ => {}
        }
        for (sum, n) in contacts.iter_mut().zip(c.contacts) {
            *sum += n;
        }
    }
    out.contacts_last_30_days = Channel::ALL
        .iter()
        .zip(contacts)
        .map(|(&channel, contacts)| ChannelCount { channel, contacts })
        .collect();
    if let Some((before, previous_as_of)) = previous {
        let (prev, errors, entries) = read(before, previous_as_of, None);
        out.comparison = Some(Comparison {
            previous_as_of,
            cases: counts(entries, &prev, errors.len()),
            errors,
            roll_rates: roll_rates(&prev, &rows),
            cures: cures(&prev, &rows),
            cei: cei(&prev, &rows)?,
        });
    }
    Ok(out)
}

/// Read every entry into a row (deciding it under `policy` when given), each under
/// its own panic guard; failed entries and repeated case ids become errors.
fn read(
    cases: Vec<Result<Case>>,
    as_of: Instant,
    policy: Option<&Policy>,
) -> (Vec<CaseRow>, Vec<RowError>, usize) {
    let entries = cases.len();
    let indexed: Vec<(usize, Result<Case>)> = cases.into_iter().enumerate().collect();
    let read = par_map(indexed, |(i, c)| {
        (
            i,
            c.and_then(|c| guard(|| row(c, as_of, policy)))
                .map_err(|e| prefix_path(e, i)),
        )
    });
    let mut rows = Vec::with_capacity(read.len());
    let mut errors = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, r) in read {
        match r {
            Ok(row) => {
                if let Some(first) = seen.get(&row.id) {
                    let e = Error::input(
                        "id",
                        format!(
                            "case id `{}` appears more than once in the snapshot (first at index {first})",
                            row.id
                        ),
                    );
                    errors.push(RowError {
                        index,
                        error: prefix_path(e, index),
                    });
                } else {
                    seen.insert(row.id.clone(), index);
                    rows.push(row);
                }
            }
            Err(error) => errors.push(RowError { index, error }),
        }
    }
    (rows, errors, entries)
}

/// One case's row: its facts at `as_of`, and its decision when `policy` is given.
fn row(case: Case, as_of: Instant, policy: Option<&Policy>) -> Result<CaseRow> {
    case.validate_at(as_of)?;
    let facts = Facts::derive(&case, as_of);
    let debts = facts
        .debts
        .iter()
        .filter_map(|f| {
            case.debts.get(f.index).map(|d| DebtRow {
                id: d.id.clone(),
                currency: d.currency.clone(),
                outstanding: d.outstanding,
                original: d.original_amount,
                days_past_due: f.days_past_due,
            })
        })
        .collect();
    let promises = [
        PromiseStatus::Kept,
        PromiseStatus::Broken,
        PromiseStatus::Pending,
    ]
    .map(|s| facts.promises_with(s).unsigned_abs());
    let contacts = Channel::ALL.map(|ch| facts.contacts_within(30, Some(ch), None).unsigned_abs());
    let mut out = CaseRow {
        id: case.id.clone(),
        jurisdiction: case.debtor.jurisdiction.clone(),
        segment: NO_SEGMENT.to_string(),
        days_past_due: facts.days_past_due,
        debts,
        promises,
        plan: facts.plan_status,
        contacts,
        blocks: Vec::new(),
    };
    if let Some(policy) = policy {
        let d = policy.evaluate_owned(case, as_of, EvalOptions::default())?;
        if let Some(s) = d.segment {
            out.segment = s;
        }
        out.blocks = d
            .compliance
            .into_iter()
            .filter(|o| o.outcome == Verdict::Blocked)
            .map(|o| (o.rule, o.citation))
            .collect();
    }
    Ok(out)
}

fn counts(entries: usize, rows: &[CaseRow], failed: usize) -> Counts {
    let (mut aged, mut settled) = (0, 0);
    for d in rows.iter().flat_map(|c| &c.debts) {
        if d.outstanding > Decimal::ZERO {
            aged += 1;
        } else {
            settled += 1;
        }
    }
    Counts {
        entries,
        reported: rows.len(),
        failed,
        debts_aged: aged,
        debts_settled: settled,
    }
}

/// `a + b`, or an error when the sum leaves the decimal range.
fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(overflow)
}

fn sub(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(overflow)
}

fn overflow() -> Error {
    Error::new(
        ErrorCode::InputInvalid,
        "a report total leaves the decimal range (about 7.9e28)",
    )
    .at_path("cases")
}

/// `part / whole` in percent, rounded to 2 dp half away from zero; `None` when
/// `whole` is not positive.
fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole <= Decimal::ZERO {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole))
        .map(|r| {
            let mut r = r.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            // Always two decimals (`100.00`, `0.00`): the rounding above left at most two.
            r.rescale(2);
            r
        })
}

/// (group, currency) -> (debts, amount) per bucket.
type AgingCells = BTreeMap<(Option<String>, String), [(u64, Decimal); 6]>;

/// Aging of every debt with something outstanding, per (group, currency, bucket):
/// every bucket of every (group, currency) present, zeros included.
fn aging(rows: &[CaseRow], group: impl Fn(&CaseRow) -> Option<String>) -> Result<Vec<AgingRow>> {
    let mut cells: AgingCells = BTreeMap::new();
    for c in rows {
        let g = group(c);
        for d in c.debts.iter().filter(|d| d.outstanding > Decimal::ZERO) {
            let cell = cells
                .entry((g.clone(), d.currency.clone()))
                .or_insert([(0, Decimal::ZERO); 6]);
            let slot = &mut cell[Bucket::of(d.days_past_due) as usize];
            slot.0 += 1;
            slot.1 = add(slot.1, d.outstanding)?;
        }
    }
    let mut out = Vec::with_capacity(cells.len() * 6);
    for ((group, currency), cell) in cells {
        for (bucket, (debts, amount)) in Bucket::ALL.into_iter().zip(cell) {
            out.push(AgingRow {
                group: group.clone(),
                currency: currency.clone(),
                bucket,
                debts,
                amount,
            });
        }
    }
    Ok(out)
}

fn blocks(rows: &[CaseRow]) -> Vec<BlockCount> {
    // rule -> (citations seen, candidates, cases)
    let mut by_rule: BTreeMap<&str, (BTreeSet<&str>, u64, u64)> = BTreeMap::new();
    for c in rows {
        let mut in_case: BTreeSet<&str> = BTreeSet::new();
        for (rule, citation) in &c.blocks {
            let e = by_rule.entry(rule).or_default();
            e.0.insert(citation);
            e.1 += 1;
            if in_case.insert(rule) {
                e.2 += 1;
            }
        }
    }
    let mut out: Vec<BlockCount> = by_rule
        .into_iter()
        .map(|(rule, (citations, candidates, cases))| BlockCount {
            rule: rule.to_string(),
            citation: citations.into_iter().collect::<Vec<_>>().join("; "),
            candidates,
            cases,
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| {
        b.candidates.cmp(&a.candidates).then(a.rule.cmp(&b.rule))
    });
    out
}

/// Debts by (case id, debt id).
fn debts_by_key(rows: &[CaseRow]) -> BTreeMap<(&str, &str), &DebtRow> {
    crate::sort::map_from(rows.iter().flat_map(|c| {
        c.debts
            .iter()
            .map(move |d| ((c.id.as_str(), d.id.as_str()), d))
    }))
}

fn roll_rates(prev: &[CaseRow], now: &[CaseRow]) -> Vec<RollRow> {
    let now = debts_by_key(now);
    let mut m = [[0u64; 8]; 6];
    for c in prev {
        for d in c.debts.iter().filter(|d| d.outstanding > Decimal::ZERO) {
            let to = match now.get(&(c.id.as_str(), d.id.as_str())) {
                None => RollState::Left,
                Some(n) if n.outstanding <= Decimal::ZERO => RollState::Settled,
                Some(n) => RollState::of(Bucket::of(n.days_past_due)),
            };
            m[Bucket::of(d.days_past_due) as usize][to as usize] += 1;
        }
    }
    let mut out = Vec::with_capacity(48);
    for from in Bucket::ALL {
        let row = m[from as usize];
        let total: u64 = row.iter().sum();
        for to in RollState::ALL {
            let debts = row[to as usize];
            out.push(RollRow {
                from,
                to,
                debts,
                rate: percent(Decimal::from(debts), Decimal::from(total)),
            });
        }
    }
    out
}

fn cures(prev: &[CaseRow], now: &[CaseRow]) -> Vec<CureRow> {
    let now: BTreeMap<&str, &CaseRow> =
        crate::sort::map_from(now.iter().map(|c| (c.id.as_str(), c)));
    let mut per = [(0u64, 0u64); 6];
    for c in prev.iter().filter(|c| c.days_past_due > 0) {
        let slot = &mut per[Bucket::of(c.days_past_due) as usize];
        slot.0 += 1;
        if now.get(c.id.as_str()).is_some_and(|n| n.days_past_due <= 0) {
            slot.1 += 1;
        }
    }
    let row = |from, (delinquent, cured): (u64, u64)| CureRow {
        from,
        delinquent,
        cured,
        rate: percent(Decimal::from(cured), Decimal::from(delinquent)),
    };
    let mut out: Vec<CureRow> = Bucket::ALL[1..]
        .iter()
        .map(|&b| row(Some(b), per[b as usize]))
        .collect();
    let total = per.iter().fold((0, 0), |(d, c), (pd, pc)| (d + pd, c + pc));
    out.push(row(None, total));
    out
}

fn cei(prev: &[CaseRow], now: &[CaseRow]) -> Result<Vec<CeiRow>> {
    let prev_debts = debts_by_key(prev);
    let now_debts = debts_by_key(now);
    // currency -> [beginning, new, ending total, ending current, left]
    let mut sums: BTreeMap<&str, [Decimal; 5]> = BTreeMap::new();
    for (key, d) in &prev_debts {
        let s = sums.entry(&d.currency).or_insert([Decimal::ZERO; 5]);
        s[0] = add(s[0], d.outstanding)?;
        if !now_debts.contains_key(key) {
            s[4] = add(s[4], d.outstanding)?;
        }
    }
    for (key, d) in &now_debts {
        let s = sums.entry(&d.currency).or_insert([Decimal::ZERO; 5]);
        if !prev_debts.contains_key(key) {
            s[1] = add(s[1], d.original)?;
        }
        s[2] = add(s[2], d.outstanding)?;
        if d.days_past_due <= 0 {
            s[3] = add(s[3], d.outstanding)?;
        }
    }
    sums.into_iter()
        .map(
            |(currency, [beginning, new_debts, ending_total, ending_current, left])| {
                let base = add(beginning, new_debts)?;
                let collected = sub(base, ending_total)?;
                let collectable = sub(base, ending_current)?;
                Ok(CeiRow {
                    currency: currency.to_string(),
                    beginning,
                    new_debts,
                    ending_total,
                    ending_current,
                    left,
                    cei: percent(collected, collectable),
                })
            },
        )
        .collect()
}

mod render;
