//! Host values and engine values: the records and enums hosts see.
//!
//! The core's plain enums (`Channel`, `Verdict`, `Confidence`, `ChargeKind`,
//! `Frequency`) cross the boundary as themselves, declared to uniffi as remote types
//! (no mirror, no conversion). The records are mirrors, because the core's structs
//! hold what uniffi cannot carry: `usize` counts, exact `Decimal` amounts, `Instant`s
//! and `Date`s (kept as strings here, exactly as in the decision JSON: amounts decimal
//! strings, instants RFC 3339 in UTC, dates `YYYY-MM-DD`), flattened actions and
//! `BTreeMap`s. A record a host passes in (limits, rate entries, a plan proposal) is
//! written as JSON and read by the host boundary ([`recobro::host::read`]), so its
//! errors name the same paths as on every other host. Every decision also carries
//! `json`, the canonical decision bytes, identical to what `recobro eval` prints.

use recobro::money::{self, Frequency};
use recobro::{Channel, ChargeKind, Confidence, PolicyInfo, Verdict};
use serde::Serialize;
use std::collections::HashMap;

/// Contact channels (`recobro::Channel`).
#[uniffi::remote(Enum)]
pub enum Channel {
    /// Telephone call.
    Call,
    /// Text message.
    Sms,
    /// Email.
    Email,
    /// WhatsApp or similar instant messaging.
    Whatsapp,
    /// Postal letter.
    Letter,
    /// In-person visit.
    Visit,
    /// App push notification.
    Push,
}

/// Allowed or blocked (`recobro::Verdict`).
#[uniffi::remote(Enum)]
pub enum Verdict {
    /// Every applicable rule allows it.
    Allowed,
    /// At least one rule blocks it.
    Blocked,
}

/// How sure the project is of a rule's legal reading (`recobro::Confidence`).
#[uniffi::remote(Enum)]
pub enum Confidence {
    /// Checked against a primary source.
    Confirmed,
    /// From secondary sources: verify before relying on it.
    ToVerify,
    /// A house (company) rule, not law.
    House,
    /// A related rule used as a reference.
    Reference,
}

/// Kind of a charge line (`recobro::ChargeKind`).
#[uniffi::remote(Enum)]
pub enum ChargeKind {
    /// Late interest.
    Interest,
    /// A fee.
    Fee,
    /// Fixed compensation.
    Compensation,
}

/// How often plan installments fall due (`recobro::money::Frequency`).
#[uniffi::remote(Enum)]
pub enum Frequency {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Biweekly,
    /// Same day each month.
    Monthly,
}

/// Name, version and digest of a policy (`recobro::PolicyInfo`).
#[uniffi::remote(Record)]
pub struct PolicyInfo {
    /// From the policy's `metadata()` hook.
    pub name: String,
    /// From the policy's `metadata()` hook.
    pub version: String,
    /// `sha256:` digest of the source and its host modules.
    pub digest: String,
}

/// Sandbox limits (every one on; a zero is raised to one). Defaults as in the core.
///
/// A mirror of `recobro::Limits`, whose counts are `usize` (not a uniffi type). Passed
/// in, it is read as the `limits` of the policy options (`options.limits.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Limits {
    /// Operations per evaluation, every hook and closure included.
    #[uniffi(default = 1000000)]
    pub max_operations: u64,
    /// Nested function calls.
    #[uniffi(default = 32)]
    pub max_call_depth: u32,
    /// Nested expressions at global level.
    #[uniffi(default = 64)]
    pub max_expression_depth: u32,
    /// Nested expressions inside functions.
    #[uniffi(default = 32)]
    pub max_function_expression_depth: u32,
    /// Bytes in one string.
    #[uniffi(default = 65536)]
    pub max_string_size: u32,
    /// Elements in one array.
    #[uniffi(default = 10000)]
    pub max_array_size: u32,
    /// Entries in one map.
    #[uniffi(default = 10000)]
    pub max_map_size: u32,
    /// Modules imported by one policy.
    #[uniffi(default = 32)]
    pub max_modules: u32,
    /// Variables in scope.
    #[uniffi(default = 1000)]
    pub max_variables: u32,
}

impl From<recobro::Limits> for Limits {
    fn from(l: recobro::Limits) -> Self {
        let u = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Limits {
            max_operations: l.max_operations,
            max_call_depth: u(l.max_call_depth),
            max_expression_depth: u(l.max_expression_depth),
            max_function_expression_depth: u(l.max_function_expression_depth),
            max_string_size: u(l.max_string_size),
            max_array_size: u(l.max_array_size),
            max_map_size: u(l.max_map_size),
            max_modules: u(l.max_modules),
            max_variables: u(l.max_variables),
        }
    }
}

/// One entry of a reference-rate table (a new half-year without a release).
///
/// A mirror of `recobro::money::RateEntry` with the date and the rate as strings (its
/// `Date` and `Decimal` are no uniffi types): read by the host boundary as an entry of
/// the policy options' `rate_entries`, so a bad date or rate names its path
/// (`options.rate_entries.ecb_mro[0].rate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct RateEntry {
    /// First day the rate applies, `YYYY-MM-DD`.
    pub from: String,
    /// Percent per year, as a decimal string.
    pub rate: String,
    /// Where the figure comes from.
    #[uniffi(default = "")]
    pub source: String,
    /// `confirmed` or `to_verify`.
    #[uniffi(default = "confirmed")]
    pub confidence: String,
}

/// The chosen action.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Action {
    /// `contact` or a task such as `legal_review`.
    pub kind: String,
    /// Channel, for contacts.
    pub channel: Option<Channel>,
    /// Message or script template.
    pub template: Option<String>,
    /// The debt it is about.
    pub debt_id: Option<String>,
    /// Work-queue priority: higher first.
    pub priority: i64,
    /// Why the policy proposed it.
    pub reason: Option<String>,
    /// The policy's own earliest time, if it set one.
    pub not_before: Option<String>,
    /// When it may happen: `as_of`, or later if the policy said so.
    pub earliest_at: String,
    /// The best lawful moment for this contact within the policy's horizon (its
    /// `contact_timing()`), at or after `earliest_at`; none without one.
    pub best_at: Option<String>,
    /// What `best_at` expects and the evidence behind it; none without one.
    pub best_slot: Option<BestSlot>,
}

/// The evidence behind a contact's `best_at` (`recobro::timing::BestSlot`): the
/// expected right-party-contact rate at that slot, the debtor's own attempts at that
/// local hour, and the prior it was shrunk toward
/// (`rate = (right_party + prior_weight * prior_rate) / (attempts + prior_weight)`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BestSlot {
    /// The slot's local hour (0 to 23) in the debtor's time zone.
    pub local_hour: u32,
    /// The slot's local weekday (`mon` to `sun`).
    pub weekday: String,
    /// The expected right-party-contact rate, a decimal string (6 decimals at most).
    pub rate: String,
    /// The debtor's outbound attempts on this channel at this local hour (any weekday).
    pub attempts: u32,
    /// How many of them reached the debtor (connected, or a conversation).
    pub right_party: u32,
    /// The prior, `name@version`.
    pub prior: String,
    /// The prior's rate for this channel, hour and weekday, a decimal string.
    pub prior_rate: String,
    /// The prior's weight, in attempts, a decimal string.
    pub prior_weight: String,
    /// How many slots the compliance rules were asked about before this one passed
    /// (the better-rated slots before it were not lawful).
    pub slots_checked: u32,
}

impl From<&recobro::timing::BestSlot> for BestSlot {
    fn from(b: &recobro::timing::BestSlot) -> Self {
        BestSlot {
            local_hour: b.local_hour,
            weekday: b.weekday.clone(),
            rate: b.rate.to_string(),
            attempts: b.attempts,
            right_party: b.right_party,
            prior: b.prior.clone(),
            prior_rate: b.prior_rate.to_string(),
            prior_weight: b.prior_weight.to_string(),
            slots_checked: b.slots_checked,
        }
    }
}

/// A candidate with its compliance verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Candidate {
    /// `contact` or a task kind.
    pub kind: String,
    /// Channel, for contacts.
    pub channel: Option<Channel>,
    /// Template.
    pub template: Option<String>,
    /// The debt it is about.
    pub debt_id: Option<String>,
    /// Priority.
    pub priority: i64,
    /// Why the policy proposed it.
    pub reason: Option<String>,
    /// The policy's own earliest time.
    pub not_before: Option<String>,
    /// Allowed or blocked.
    pub verdict: Verdict,
    /// Ids of the rules that block it.
    pub blocked_by: Vec<String>,
    /// When every blocking rule would next allow it; none when allowed or when only a
    /// person can lift the block.
    pub next_allowed_at: Option<String>,
    /// Present when the bounded search for `next_allowed_at` gave up (`exhausted: ...`),
    /// so a missing instant does not mean only a person can lift the block.
    pub next_allowed_search: Option<String>,
    /// A contact's best lawful moment within the policy's horizon (its
    /// `contact_timing()`); none without one, when no slot in the horizon is lawful, or
    /// when only a person can lift the block.
    pub best_at: Option<String>,
    /// What `best_at` expects and the evidence behind it.
    pub best_slot: Option<BestSlot>,
}

/// One rule's outcome on one candidate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RuleOutcome {
    /// Rule id, such as `hold.dispute`.
    pub rule: String,
    /// Legal citation or source.
    pub citation: String,
    /// Confidence in the reading.
    pub confidence: Confidence,
    /// Index of the candidate.
    pub candidate: u32,
    /// Allowed or blocked.
    pub outcome: Verdict,
    /// Plain-words detail.
    pub detail: String,
}

impl From<&recobro::RuleOutcome> for RuleOutcome {
    fn from(r: &recobro::RuleOutcome) -> Self {
        RuleOutcome {
            rule: r.rule.clone(),
            citation: r.citation.clone(),
            confidence: r.confidence,
            candidate: u32::try_from(r.candidate).unwrap_or(u32::MAX),
            outcome: r.outcome,
            detail: r.detail.clone(),
        }
    }
}

/// One charge on one debt.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChargeLine {
    /// The debt.
    pub debt_id: String,
    /// Interest, fee or compensation.
    pub kind: ChargeKind,
    /// Decimal string in the currency's minor units (`40.00`).
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The rule that produced it.
    pub rule: String,
    /// Legal citation.
    pub citation: Option<String>,
    /// How it was computed.
    pub basis: HashMap<String, String>,
}

/// Charges with totals per currency (decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Charges {
    /// The lines.
    pub lines: Vec<ChargeLine>,
    /// Total per currency code.
    pub totals: HashMap<String, String>,
}

/// One plan installment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Installment {
    /// Due date.
    pub due_on: String,
    /// Decimal string.
    pub amount: String,
}

/// An exact plan schedule.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Schedule {
    /// Down payment, due on the start date.
    pub down_payment: String,
    /// Installments.
    pub installments: Vec<Installment>,
    /// Plan interest included.
    pub interest: String,
    /// Down payment plus installments.
    pub total: String,
}

impl From<&money::Schedule> for Schedule {
    fn from(s: &money::Schedule) -> Self {
        Schedule {
            down_payment: s.down_payment.to_string(),
            installments: s
                .installments
                .iter()
                .map(|d| Installment {
                    due_on: d.due_on.to_string(),
                    amount: d.amount.to_string(),
                })
                .collect(),
            interest: s.interest.to_string(),
            total: s.total.to_string(),
        }
    }
}

/// The bounds a debtor's plan proposal must respect.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanBounds {
    /// Smallest down payment, percent of the balance.
    pub min_down_payment_pct: String,
    /// Most installments.
    pub max_installments: u32,
    /// Frequencies offered.
    pub frequencies: Vec<Frequency>,
    /// Smallest installment.
    pub min_installment: String,
    /// Latest first due date, in days from the offer.
    pub max_days_to_first: i64,
    /// Annual plan interest rate (fraction).
    pub annual_rate: String,
}

impl From<&money::PlanBounds> for PlanBounds {
    fn from(b: &money::PlanBounds) -> Self {
        PlanBounds {
            min_down_payment_pct: b.min_down_payment_pct.to_string(),
            max_installments: b.max_installments,
            frequencies: b.frequencies.clone(),
            min_installment: b.min_installment.to_string(),
            max_days_to_first: b.max_days_to_first,
            annual_rate: b.annual_rate.to_string(),
        }
    }
}

/// A settlement or payment plan the policy allows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Offer {
    /// `settlement` or `plan`.
    pub kind: String,
    /// Name the policy gave it.
    pub name: String,
    /// Currency of the balance.
    pub currency: String,
    /// The balance the offer is on.
    pub balance: String,
    /// Settlement: the discount, percent.
    pub discount_pct: Option<String>,
    /// Settlement: the amount that settles the balance.
    pub amount: Option<String>,
    /// Settlement: pay by this date.
    pub pay_by: Option<String>,
    /// Plan: the bounds.
    pub bounds: Option<PlanBounds>,
    /// Plan: the schedule at the longest term and smallest down payment.
    pub schedule: Option<Schedule>,
}

/// A reason code of a score: a characteristic that cost points against its best bin.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScoreReason {
    /// The characteristic's id (`days_past_due`).
    pub characteristic: String,
    /// What it is, in words (`Days past due on the oldest overdue debt`).
    pub reason: String,
    /// The points it gave.
    pub points: i64,
    /// The points its best bin gives.
    pub best: i64,
}

/// One scorecard's result in a decision (`c.score(name)` in the policy).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Score {
    /// The scorecard's name (`behavioural`).
    pub scorecard: String,
    /// Its version.
    pub version: String,
    /// The base plus every characteristic's points.
    pub score: i64,
    /// The band the score falls in (`low`, `medium`, `high` for `behavioural`).
    pub band: String,
    /// With a calibration: the probability of its event, a decimal string (6 places).
    pub probability: Option<String>,
    /// With a calibration: what the probability is of (`pays within 30 days`).
    pub event: Option<String>,
    /// The reason codes: the characteristics that cost the most points against their
    /// best, largest shortfall first.
    pub reasons: Vec<ScoreReason>,
}

impl From<&recobro::scorecard::Score> for Score {
    fn from(s: &recobro::scorecard::Score) -> Self {
        Score {
            scorecard: s.scorecard.clone(),
            version: s.version.clone(),
            score: s.score,
            band: s.band.clone(),
            probability: s.probability.map(|p| p.to_string()),
            event: s.event.clone(),
            reasons: s
                .reasons
                .iter()
                .map(|r| ScoreReason {
                    characteristic: r.characteristic.clone(),
                    reason: r.reason.clone(),
                    points: r.points,
                    best: r.best,
                })
                .collect(),
        }
    }
}

/// One trace step.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TraceEntry {
    /// `facts`, `segment`, `actions`, `compliance`, `rule`, `choose`, `charges`, `print`, `debug`.
    pub step: String,
    /// What happened.
    pub detail: String,
}

/// The engine's answer for one case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Decision {
    /// The case id.
    pub case_id: String,
    /// The evaluation clock.
    pub as_of: String,
    /// Which policy decided.
    pub policy: PolicyInfo,
    /// The segment.
    pub segment: Option<String>,
    /// The chosen action, if any.
    pub action: Option<Action>,
    /// Why there is no action.
    pub no_action_reason: Option<String>,
    /// When every candidate was blocked: the earliest instant one becomes allowed.
    pub next_allowed_at: Option<String>,
    /// Every candidate, in the policy's order.
    pub candidates: Vec<Candidate>,
    /// Charges.
    pub charges: Charges,
    /// Settlements and payment plans.
    pub offers: Vec<Offer>,
    /// The scorecards the policy called, in the order first called (empty when none).
    pub scores: Vec<Score>,
    /// Every rule that blocked a candidate or allowed the chosen one.
    pub compliance: Vec<RuleOutcome>,
    /// The trace, when requested.
    pub trace: Option<Vec<TraceEntry>>,
    /// The canonical decision JSON (the same bytes on every host).
    pub json: String,
}

fn instant(i: &recobro::Instant) -> String {
    i.to_string()
}

impl From<&recobro::Decision> for Decision {
    fn from(d: &recobro::Decision) -> Self {
        Decision {
            case_id: d.case_id.clone(),
            as_of: instant(&d.as_of),
            policy: d.policy.clone(),
            segment: d.segment.clone(),
            action: d.action.as_ref().map(|c| Action {
                kind: c.action.kind.clone(),
                channel: c.action.channel,
                template: c.action.template.clone(),
                debt_id: c.action.debt_id.clone(),
                priority: c.action.priority,
                reason: c.action.reason.clone(),
                not_before: c.action.not_before.as_ref().map(instant),
                earliest_at: instant(&c.earliest_at),
                best_at: c.best_at.as_ref().map(instant),
                best_slot: c.best_slot.as_ref().map(Into::into),
            }),
            no_action_reason: d.no_action_reason.clone(),
            next_allowed_at: d.next_allowed_at.as_ref().map(instant),
            candidates: d
                .candidates
                .iter()
                .map(|c| Candidate {
                    kind: c.action.kind.clone(),
                    channel: c.action.channel,
                    template: c.action.template.clone(),
                    debt_id: c.action.debt_id.clone(),
                    priority: c.action.priority,
                    reason: c.action.reason.clone(),
                    not_before: c.action.not_before.as_ref().map(instant),
                    verdict: c.verdict,
                    blocked_by: c.blocked_by.clone(),
                    next_allowed_at: c.next_allowed_at.as_ref().map(instant),
                    next_allowed_search: c.next_allowed_search.clone(),
                    best_at: c.best_at.as_ref().map(instant),
                    best_slot: c.best_slot.as_ref().map(Into::into),
                })
                .collect(),
            charges: Charges {
                lines: d
                    .charges
                    .lines
                    .iter()
                    .map(|l| ChargeLine {
                        debt_id: l.debt_id.clone(),
                        kind: l.kind,
                        amount: l.amount.to_string(),
                        currency: l.currency.clone(),
                        rule: l.rule.clone(),
                        citation: l.citation.clone(),
                        basis: l
                            .basis
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    })
                    .collect(),
                totals: d
                    .charges
                    .totals
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            },
            offers: d
                .offers
                .iter()
                .map(|o| Offer {
                    kind: o.kind.clone(),
                    name: o.name.clone(),
                    currency: o.currency.clone(),
                    balance: o.balance.to_string(),
                    discount_pct: o.discount_pct.map(|x| x.to_string()),
                    amount: o.amount.map(|x| x.to_string()),
                    pay_by: o.pay_by.map(|x| x.to_string()),
                    bounds: o.bounds.as_ref().map(Into::into),
                    schedule: o.schedule.as_ref().map(Into::into),
                })
                .collect(),
            scores: d.scores.iter().map(Into::into).collect(),
            compliance: d.compliance.iter().map(Into::into).collect(),
            trace: d.trace.as_ref().map(|t| {
                t.iter()
                    .map(|e| TraceEntry {
                        step: e.step.clone(),
                        detail: e.detail.clone(),
                    })
                    .collect()
            }),
            json: d.to_json(),
        }
    }
}

/// One row of `evaluateMany`: a decision, or the error for that case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[expect(
    clippy::large_enum_variant,
    reason = "uniffi lowers by value; a Box is not a uniffi type"
)]
pub enum DecisionOrError {
    /// The case was decided.
    Decided {
        /// The decision.
        decision: Decision,
    },
    /// The case failed; error paths start with the case's index (`[3].debts[0].due_on`).
    Failed {
        /// The error.
        error: crate::errors::ErrorInfo,
    },
}

/// The answer to "may we contact this debtor on this channel at this instant?".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactCheck {
    /// The case.
    pub case_id: String,
    /// The channel.
    pub channel: Channel,
    /// The instant checked.
    pub at: String,
    /// Whether every applicable rule allows it.
    pub allowed: bool,
    /// Rules that block it.
    pub blocked_by: Vec<String>,
    /// Earliest instant at or after `at` that every rule allows; none when allowed or
    /// blocked until a person acts.
    pub next_allowed_at: Option<String>,
    /// Present when the bounded search for `next_allowed_at` gave up (`exhausted: ...`).
    pub next_allowed_search: Option<String>,
    /// Every rule that applied, with citation and outcome.
    pub rules: Vec<RuleOutcome>,
    /// The check as JSON (the shape `recobro contact` prints).
    pub json: String,
}

impl From<&recobro::compliance::ContactCheck> for ContactCheck {
    fn from(c: &recobro::compliance::ContactCheck) -> Self {
        ContactCheck {
            case_id: c.case_id.clone(),
            channel: c.channel,
            at: instant(&c.at),
            allowed: c.allowed,
            blocked_by: c.blocked_by.clone(),
            next_allowed_at: c.next_allowed_at.as_ref().map(instant),
            next_allowed_search: c.next_allowed_search.clone(),
            rules: c.rules.iter().map(Into::into).collect(),
            json: serde_json::to_string(c).unwrap_or_default(),
        }
    }
}

/// A payment plan the debtor proposes.
///
/// A mirror of `recobro::money::Proposal` with the amount and the date as strings: read
/// by the host boundary under `proposal` (`proposal.first_due_on`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct PlanProposal {
    /// Down payment, decimal string.
    pub down_payment: String,
    /// Number of installments.
    pub installments: u32,
    /// Frequency.
    pub frequency: Frequency,
    /// First installment date, `YYYY-MM-DD`.
    pub first_due_on: String,
}

/// The answer to a debtor's plan proposal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanCheck {
    /// Whether every bound holds.
    pub accepted: bool,
    /// Each broken bound, in plain words.
    pub broken: Vec<String>,
    /// The exact schedule of the proposal.
    pub schedule: Schedule,
    /// The bounds it was checked against.
    pub bounds: PlanBounds,
    /// The check as JSON.
    pub json: String,
}

impl From<&recobro::PlanCheck> for PlanCheck {
    fn from(p: &recobro::PlanCheck) -> Self {
        PlanCheck {
            accepted: p.accepted,
            broken: p.broken.clone(),
            schedule: (&p.schedule).into(),
            bounds: (&p.bounds).into(),
            json: serde_json::to_string(p).unwrap_or_default(),
        }
    }
}

/// Settings of a simulation. Defaults as in `recobro simulate`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulationSettings {
    /// When the simulation starts (RFC 3339 with an offset).
    #[uniffi(default = "2026-03-16T15:00:00Z")]
    pub start: String,
    /// Horizon in days (1 to 3650).
    #[uniffi(default = 180)]
    pub days: u32,
    /// Seed of every random draw.
    #[uniffi(default = 42)]
    pub seed: u64,
    /// Percent per policy, champion first, adding up to 100; empty: every case runs
    /// through every policy (a what-if).
    #[uniffi(default)]
    pub shares: Vec<u32>,
    /// Experiment id, part of the assignment hash when `shares` is set.
    #[uniffi(default = "exp-1")]
    pub experiment: String,
    /// The response model as JSON (the shape of `--response-model`); none: the defaults.
    #[uniffi(default = None)]
    pub response_model_json: Option<String>,
    /// Replications with common random numbers (1 to 100); 2 or more give 95%
    /// intervals (`uncertainty_table`, and `uncertainty` in `json`).
    #[uniffi(default = 1)]
    pub replications: u32,
}

/// Key figures of one policy (money in the report currency, as decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Kpis {
    /// Cases in the arm.
    pub cases: i64,
    /// Decisions taken.
    pub decisions: i64,
    /// Opening balance.
    pub opening: String,
    /// Collected.
    pub collected: String,
    /// Charges booked.
    pub charges: String,
    /// Closing balance.
    pub closing: String,
    /// Collected / opening, percent.
    pub recovery_rate_pct: String,
    /// Cost of actions.
    pub cost: String,
    /// Collected per unit of cost.
    pub collected_per_cost: String,
    /// Contacts per case.
    pub contacts_per_case: String,
    /// Share of cases cured, percent.
    pub cured_pct: String,
    /// Average days to the first payment.
    pub avg_days_to_payment: String,
    /// Candidates blocked by compliance.
    pub compliance_blocks: i64,
    /// Promises made.
    pub promises_made: i64,
    /// Promises kept.
    pub promises_kept: i64,
    /// Contacts per channel name.
    pub contacts: HashMap<String, i64>,
}

impl From<&recobro::simulation::Kpis> for Kpis {
    fn from(k: &recobro::simulation::Kpis) -> Self {
        Kpis {
            cases: k.cases,
            decisions: k.decisions,
            opening: k.opening.to_string(),
            collected: k.collected.to_string(),
            charges: k.charges.to_string(),
            closing: k.closing.to_string(),
            recovery_rate_pct: k.recovery_rate_pct.to_string(),
            cost: k.cost.to_string(),
            collected_per_cost: k.collected_per_cost.to_string(),
            contacts_per_case: k.contacts_per_case.to_string(),
            cured_pct: k.cured_pct.to_string(),
            avg_days_to_payment: k.avg_days_to_payment.to_string(),
            compliance_blocks: k.compliance_blocks,
            promises_made: k.promises_made,
            promises_kept: k.promises_kept,
            contacts: recobro::simulation::CHANNELS
                .iter()
                .zip(k.contacts)
                .map(|(c, n)| ((*c).to_string(), n))
                .collect(),
        }
    }
}

/// One day of one policy.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulationDay {
    /// Day index from 0.
    pub day: u32,
    /// Collected that day.
    pub collected: String,
    /// Collected up to and including that day.
    pub collected_cumulative: String,
    /// Outstanding at the end of the day.
    pub outstanding: String,
    /// Charges booked that day.
    pub charges: String,
    /// Contacts made per channel name.
    pub contacts: HashMap<String, u32>,
    /// Candidates blocked.
    pub blocked: u32,
    /// Promises made.
    pub promises_made: u32,
    /// Promises kept.
    pub promises_kept: u32,
    /// Cost of actions.
    pub cost: String,
}

/// One policy's results.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ArmSummary {
    /// Policy name and version.
    pub policy: String,
    /// `champion` or `challenger N`.
    pub role: String,
    /// Key figures.
    pub kpis: Kpis,
    /// Challenger minus champion, KPI by KPI (challengers only).
    pub vs_champion: Option<Kpis>,
    /// The daily series.
    pub series: Vec<SimulationDay>,
}

/// A simulation's results.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulationSummary {
    /// Champion first.
    pub arms: Vec<ArmSummary>,
    /// The KPI table as plain text (as `recobro simulate` prints it).
    pub kpi_table: String,
    /// The daily series as CSV.
    pub series_csv: String,
    /// The whole result as JSON (as `recobro simulate --json` prints it).
    pub json: String,
    /// With replications: every KPI's 95% interval, each challenger's difference with
    /// its verdict, and a live test's size, as plain text (as `recobro simulate
    /// --replications N` prints it).
    pub uncertainty_table: Option<String>,
}

impl From<&recobro::simulation::SimulationResult> for SimulationSummary {
    fn from(r: &recobro::simulation::SimulationResult) -> Self {
        SimulationSummary {
            arms: r
                .arms
                .iter()
                .map(|a| ArmSummary {
                    policy: a.policy.clone(),
                    role: a.role.clone(),
                    kpis: (&a.kpis).into(),
                    vs_champion: a.vs_champion.as_ref().map(Into::into),
                    series: a
                        .series
                        .iter()
                        .map(|d| SimulationDay {
                            day: d.day,
                            collected: d.collected.to_string(),
                            collected_cumulative: d.collected_cumulative.to_string(),
                            outstanding: d.outstanding.to_string(),
                            charges: d.charges.to_string(),
                            contacts: recobro::simulation::CHANNELS
                                .iter()
                                .zip(d.contacts)
                                .map(|(c, n)| ((*c).to_string(), n))
                                .collect(),
                            blocked: d.blocked,
                            promises_made: d.promises_made,
                            promises_kept: d.promises_kept,
                            cost: d.cost.to_string(),
                        })
                        .collect(),
                })
                .collect(),
            kpi_table: r.kpi_table(),
            series_csv: r.series_csv(),
            json: serde_json::to_string(r).unwrap_or_default(),
            uncertainty_table: r.uncertainty_table(),
        }
    }
}
