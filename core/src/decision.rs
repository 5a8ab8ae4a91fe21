//! The decision: what the engine answers for one case.
//!
//! Field order is fixed and maps are ordered, so the same case, policy and clock
//! serialise to the same bytes on every host.

use crate::model::Channel;
use crate::money::amount;
pub use crate::money::ChargeKind;
use crate::time::Instant;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Identity of the policy that decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyInfo {
    /// Name from the policy's `metadata()` hook.
    pub name: String,
    /// Version from the policy's `metadata()` hook.
    pub version: String,
    /// `sha256:` digest of the policy source and its host modules.
    pub digest: String,
}

/// An action as the policy proposed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Action {
    /// What to do: `contact` for an outreach on a channel, or a task such as
    /// `legal_review`, `agency_referral`, `settlement_offer`, `escalate`.
    pub kind: String,
    /// Channel, for contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Message or script template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The debt this action is about, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debt_id: Option<String>,
    /// Work-queue priority: higher first.
    pub priority: i64,
    /// Why the policy proposed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The policy's own earliest time for it, if it set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Instant>,
}

impl Action {
    /// Whether this action reaches out to the debtor (and so is subject to contact rules).
    pub fn is_contact(&self) -> bool {
        self.channel.is_some()
    }
}

/// The action the engine chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct ChosenAction {
    /// The action.
    #[serde(flatten)]
    pub action: Action,
    /// When it may happen: `as_of`, or later if the policy said so.
    pub earliest_at: Instant,
    /// The best lawful moment for this contact within the policy's horizon (its
    /// `contact_timing()`), at or after `earliest_at`; left out without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_at: Option<Instant>,
    /// What `best_at` expects and the evidence behind it; left out without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_slot: Option<BestSlot>,
}

/// The evidence behind a contact's `best_at`: the expected right-party-contact rate
/// at that slot, the debtor's own attempts at that local hour, and the prior it was
/// shrunk toward (`rate = (right_party + prior_weight * prior_rate) / (attempts +
/// prior_weight)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct BestSlot {
    /// The slot's local hour (0 to 23) in the debtor's time zone.
    pub local_hour: u32,
    /// The slot's local weekday (`mon` to `sun`).
    pub weekday: String,
    /// The expected right-party-contact rate (6 decimals).
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub rate: Decimal,
    /// The debtor's outbound attempts on this channel at this local hour (any weekday).
    pub attempts: u32,
    /// How many of them reached the debtor (connected, or a conversation).
    pub right_party: u32,
    /// The prior, `name@version`.
    pub prior: String,
    /// The prior's rate for this channel, hour and weekday.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub prior_rate: Decimal,
    /// The prior's weight, in attempts.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub prior_weight: Decimal,
    /// How many slots the compliance rules were asked about before this one passed
    /// (the better-rated slots before it were not lawful).
    pub slots_checked: u32,
}

/// Allowed or blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every applicable rule allows it.
    Allowed,
    /// At least one rule blocks it.
    Blocked,
}

/// A candidate with its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Candidate {
    /// The proposed action.
    #[serde(flatten)]
    pub action: Action,
    /// The verdict.
    pub verdict: Verdict,
    /// Ids of the rules that blocked it (empty when allowed).
    pub blocked_by: Vec<String>,
    /// When every blocking rule would next allow it; `null` when only a person can
    /// lift the block (an opt-out, a dispute), when allowed, or when the search for
    /// that instant gave up (then `next_allowed_search` is present).
    pub next_allowed_at: Option<Instant>,
    /// Present only on a blocked candidate whose bounded search for the next allowed
    /// instant gave up (a window that does not open within the search horizon, rules
    /// that never agree): `exhausted: ` then the reason. Absent otherwise, so a
    /// `null` `next_allowed_at` without it means a person must act.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_allowed_search: Option<String>,
    /// A contact's best lawful moment within the policy's horizon (its
    /// `contact_timing()`); left out without one, or when no slot in the horizon is
    /// lawful, or only a person can lift the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_at: Option<Instant>,
    /// What `best_at` expects and the evidence behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_slot: Option<BestSlot>,
}

/// How sure the project is of a rule's legal reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Checked against a primary source.
    Confirmed,
    /// Commonly stated or from secondary sources: verify before relying on it.
    ToVerify,
    /// A house (company) rule, not law.
    House,
    /// Not a collections statute: a related rule used as a reference (Spain's commercial-call hours).
    Reference,
}

impl Confidence {
    /// Parse `confirmed`, `to_verify`, `house` or `reference`.
    pub fn parse(s: &str) -> Option<Confidence> {
        Some(match s {
            "confirmed" => Confidence::Confirmed,
            "to_verify" => Confidence::ToVerify,
            "house" => Confidence::House,
            "reference" => Confidence::Reference,
            _ => return None,
        })
    }
}

/// One rule's outcome on one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RuleOutcome {
    /// Rule id, for example `hold.dispute`.
    pub rule: String,
    /// Legal citation or source.
    pub citation: String,
    /// Confidence in the reading.
    pub confidence: Confidence,
    /// Index of the candidate in `candidates`.
    pub candidate: usize,
    /// `allowed` or `blocked`.
    pub outcome: Verdict,
    /// Plain-words detail.
    pub detail: String,
}

/// One charge on one debt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct ChargeLine {
    /// The debt.
    pub debt_id: String,
    /// Interest, fee or compensation.
    pub kind: ChargeKind,
    /// The amount, in the debt's currency.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub amount: Decimal,
    /// The debt's currency.
    pub currency: String,
    /// The rule that produced it.
    pub rule: String,
    /// Legal citation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// How it was computed (rate, period, days, day count, cap ...), as the rule states it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub basis: BTreeMap<String, String>,
}

/// All charges, with totals per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Charges {
    /// The lines, in debt order.
    pub lines: Vec<ChargeLine>,
    /// Total per currency code.
    pub totals: BTreeMap<String, String>,
}

/// A settlement or payment plan the policy allows this debtor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Offer {
    /// `settlement` or `plan`.
    pub kind: String,
    /// Name the policy gave it.
    pub name: String,
    /// Currency of the balance.
    pub currency: String,
    /// The balance the offer is on.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub balance: Decimal,
    /// Settlement: the discount, percent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::amount_opt"
    )]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub discount_pct: Option<Decimal>,
    /// Settlement: the amount that settles the balance.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::amount_opt"
    )]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub amount: Option<Decimal>,
    /// Settlement: pay by this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_by: Option<crate::time::Date>,
    /// Plan: the bounds a debtor's proposal must respect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<crate::money::plans::PlanBounds>,
    /// Plan: the schedule at the longest term and smallest down payment allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<crate::money::plans::Schedule>,
}

/// One step of the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct TraceEntry {
    /// Stage: `facts`, `segment`, `actions`, `compliance`, `choose`, `charges`, `print`, `debug`.
    pub step: String,
    /// What happened.
    pub detail: String,
}

/// The engine's answer for one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Decision {
    /// The case id.
    pub case_id: String,
    /// The evaluation clock.
    pub as_of: Instant,
    /// Which policy decided.
    pub policy: PolicyInfo,
    /// The segment, if the policy defines `segment`.
    pub segment: Option<String>,
    /// The chosen action, or `null`.
    pub action: Option<ChosenAction>,
    /// Why there is no action, when there is none.
    pub no_action_reason: Option<String>,
    /// When every candidate was blocked: the earliest instant one becomes allowed.
    pub next_allowed_at: Option<Instant>,
    /// Every candidate, in the policy's order, with its verdict.
    pub candidates: Vec<Candidate>,
    /// Charges.
    pub charges: Charges,
    /// Settlements and payment plans the policy allows.
    pub offers: Vec<Offer>,
    /// The scorecards the policy called (`c.score(name)`), in the order first called:
    /// score, band, probability when calibrated, reason codes. Left out when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<Score>,
    /// Every rule that applied to a candidate, with citation and outcome.
    pub compliance: Vec<RuleOutcome>,
    /// The trace, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceEntry>>,
}

impl Decision {
    /// The decision as canonical JSON (one line).
    pub fn to_json(&self) -> String {
        // A decision is a few KB: start there rather than growing from nothing.
        let mut out = Vec::with_capacity(4096);
        if serde_json::to_writer(&mut out, self).is_err() {
            return String::new();
        }
        // serde_json writes UTF-8 only.
        String::from_utf8(out).unwrap_or_default()
    }
}

/// A characteristic that cost points: a reason code of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reason {
    /// The characteristic's id.
    pub characteristic: String,
    /// What it is, in words (`Days past due`).
    pub reason: String,
    /// The points it gave.
    pub points: i64,
    /// The points its best bin gives.
    pub best: i64,
}

/// One scorecard's result in a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Score {
    /// The scorecard's name.
    pub scorecard: String,
    /// Its version.
    pub version: String,
    /// The base plus every characteristic's points.
    pub score: i64,
    /// The band the score falls in.
    pub band: String,
    /// With a calibration: the probability of its event (6 decimals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub probability: Option<Decimal>,
    /// With a calibration: what the probability is of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The characteristics that cost the most points against their best, largest
    /// shortfall first.
    pub reasons: Vec<Reason>,
}
