//! The compliance layer: every candidate action passes through the rules that apply
//! to the debtor before it can be chosen.
//!
//! A rule implements [`ContactRule`]. Every rule set starts with the base rules
//! (holds, per-channel consent and opt-out, the debtor's own requested windows);
//! jurisdiction packs declared in `rules/compliance/*.rhai` add statutory rules,
//! effective-dated; a policy's `house_rules()` adds the company's own. The most
//! restrictive wins: a candidate is allowed only if every applicable rule allows
//! it, and `next_allowed_at` is the earliest instant at which all of them do.

mod arrays;
mod checked;
pub(crate) mod clock;
mod holds;
pub(crate) mod holidays;
pub(crate) mod packs;
pub(crate) mod rules;

pub use clock::{MAX_GAP_MINUTES, MAX_ZONE_ROUNDS, SEARCH_DAYS};
pub(crate) use holds::{consent_rule, hold_rules};
pub use holidays::CALENDARS;
pub(crate) use packs::standard_library;
pub use packs::{parse_rules, standard_packs, Pack, RuleInfo};
pub use rules::calendar_for;
pub(crate) use rules::*;

use crate::decision::{Action, Confidence, RuleOutcome, Verdict};
use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::model::{Case, Channel};
use crate::time::Instant;
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// When a blocking rule allows the candidate again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reopens {
    /// At this instant (the earliest at or after the one checked).
    At(Instant),
    /// Only the debtor or a person can lift the block (an opt-out, a hold).
    ByPerson,
    /// The rule would allow it some day, but its bounded search found no instant
    /// (a window that does not open within [`SEARCH_DAYS`] days, zones that never
    /// agree, dates beyond the representable range): why, in plain words.
    NotFound(String),
}

impl Reopens {
    /// The instant, when known.
    pub fn at(&self) -> Option<Instant> {
        match self {
            Reopens::At(t) => Some(*t),
            _ => None,
        }
    }

    /// `At(t)` for `Some(t)`, else a search that found nothing, for `why`.
    pub fn found(t: Option<Instant>, why: impl FnOnce() -> String) -> Reopens {
        match t {
            Some(t) => Reopens::At(t),
            None => Reopens::NotFound(why()),
        }
    }
}

/// What a rule says about one candidate at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleVerdict {
    /// The rule does not concern this candidate.
    NotApplicable,
    /// The rule allows it; the text says why.
    Allow(String),
    /// The rule blocks it.
    Block {
        /// Plain-words reason.
        detail: String,
        /// When the rule allows it again.
        reopens: Reopens,
    },
}

/// Everything a rule may look at.
#[derive(Clone)]
pub struct CheckContext<'a> {
    /// The case.
    pub case: &'a Case,
    /// Derived facts.
    pub facts: &'a Facts,
    /// The debtor's zone first, then the alternative zones (ambiguous location).
    pub zones: Vec<Tz>,
    /// Closed days the host added, per calendar (`*` for every calendar).
    pub closures: &'a BTreeMap<String, BTreeSet<NaiveDate>>,
    /// Whether rules write out why they allow (blocks always explain themselves).
    pub explain: bool,
}

impl<'a> CheckContext<'a> {
    /// A context for a case.
    pub fn new(
        case: &'a Case,
        facts: &'a Facts,
        closures: &'a BTreeMap<String, BTreeSet<NaiveDate>>,
    ) -> Self {
        let mut zones = vec![facts.tz];
        for z in &case.debtor.alt_timezones {
            if let Ok(tz) = crate::time::parse_tz(z) {
                if !zones.contains(&tz) {
                    zones.push(tz);
                }
            }
        }
        CheckContext {
            case,
            facts,
            zones,
            closures,
            explain: true,
        }
    }

    /// An allowance, explained only when the context asks for explanations.
    pub fn allow(&self, detail: impl FnOnce() -> String) -> RuleVerdict {
        RuleVerdict::Allow(if self.explain {
            detail()
        } else {
            String::new()
        })
    }

    /// Extra closed days for a calendar (its own plus the `*` ones).
    pub fn closures_for(&self, calendar: Option<&str>) -> Option<&BTreeSet<NaiveDate>> {
        calendar
            .and_then(|c| self.closures.get(c))
            .or_else(|| self.closures.get("*"))
    }
}

/// A compliance rule.
pub trait ContactRule: Send + Sync {
    /// Stable id, for example `hold.dispute` or `us.reg_f.7in7`.
    fn id(&self) -> &str;
    /// Legal citation or source.
    fn citation(&self) -> &str;
    /// Confidence in the legal reading.
    fn confidence(&self) -> Confidence;
    /// Check one candidate as if it happened at `at` (at or after `as_of`).
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict;
    /// The holidays that close this rule's window, for listings (`recobro rules`): a
    /// calendar name, or words like "the debtor's jurisdiction"; `None` when holidays
    /// change nothing.
    fn holidays(&self) -> Option<String> {
        None
    }
}

/// A rule in force from a local date (included) to another (excluded), checked at
/// the instant being tested in the debtor's zone: a rule that comes into force during
/// a search applies from its first day; one that lapses stops blocking on its last.
pub(crate) struct InForce {
    pub(crate) inner: Arc<dyn ContactRule>,
    pub(crate) from: Option<NaiveDate>,
    pub(crate) to: Option<NaiveDate>,
}

impl ContactRule for InForce {
    fn id(&self) -> &str {
        self.inner.id()
    }
    fn citation(&self) -> &str {
        self.inner.citation()
    }
    fn confidence(&self) -> Confidence {
        self.inner.confidence()
    }
    fn holidays(&self) -> Option<String> {
        self.inner.holidays()
    }
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        let on = clock::date_in(ctx.facts.tz, at);
        if self.from.is_some_and(|f| on < f) || self.to.is_some_and(|t| on >= t) {
            return RuleVerdict::NotApplicable;
        }
        match self.inner.check_at(ctx, action, at) {
            RuleVerdict::Block { detail, reopens } => {
                // The block ends at the latest when the rule lapses.
                let lapse = self.to.and_then(|t| clock::start_of_day(ctx.facts.tz, t));
                let reopens = match (reopens, lapse) {
                    (Reopens::At(n), Some(l)) if l < n => Reopens::At(l),
                    (Reopens::ByPerson | Reopens::NotFound(_), Some(l)) => Reopens::At(l),
                    (r, _) => r,
                };
                RuleVerdict::Block { detail, reopens }
            }
            v => v,
        }
    }
}

/// The rules candidates are checked against: base rules, jurisdiction packs, house rules,
/// and the host's extra closed days.
#[derive(Clone)]
pub struct RuleSet {
    base: Vec<Arc<dyn ContactRule>>,
    packs: Vec<Arc<Pack>>,
    /// Each pack's rules, wrapped to apply only while the pack is in force.
    pack_rules: Vec<Vec<Arc<dyn ContactRule>>>,
    house: Vec<Arc<dyn ContactRule>>,
    closures: BTreeMap<String, BTreeSet<NaiveDate>>,
}

impl RuleSet {
    /// Only the base rules: holds, consent and opt-out, the debtor's requested windows.
    pub fn base() -> Self {
        let mut base: Vec<Arc<dyn ContactRule>> = hold_rules().into_iter().map(Arc::from).collect();
        base.push(Arc::from(consent_rule()));
        base.push(Arc::new(PreferredWindowsRule));
        RuleSet {
            base,
            packs: Vec::new(),
            pack_rules: Vec::new(),
            house: Vec::new(),
            closures: BTreeMap::new(),
        }
    }

    /// The base rules plus every embedded jurisdiction pack.
    pub fn standard() -> Result<Self> {
        let mut r = RuleSet::base();
        for p in standard_packs()? {
            r.add_shared_pack(Arc::clone(p));
        }
        Ok(r)
    }

    /// An empty rule set (nothing is ever blocked). For tests and special hosts.
    pub fn empty() -> Self {
        RuleSet {
            base: Vec::new(),
            packs: Vec::new(),
            pack_rules: Vec::new(),
            house: Vec::new(),
            closures: BTreeMap::new(),
        }
    }

    /// Add a house rule (applies to every debtor).
    #[doc(hidden)]
    pub fn push(&mut self, rule: Box<dyn ContactRule>) {
        self.house.push(Arc::from(rule));
    }

    /// Add a shared house rule.
    #[doc(hidden)]
    pub fn push_shared(&mut self, rule: Arc<dyn ContactRule>) {
        self.house.push(rule);
    }

    /// Add a jurisdiction pack.
    pub fn add_pack(&mut self, pack: Pack) {
        self.add_shared_pack(Arc::new(pack));
    }

    fn add_shared_pack(&mut self, pack: Arc<Pack>) {
        let rules = pack
            .rules
            .iter()
            .map(|r| -> Arc<dyn ContactRule> {
                Arc::new(InForce {
                    inner: Arc::clone(r),
                    from: Some(pack.effective_from),
                    to: pack.effective_to,
                })
            })
            .collect();
        self.pack_rules.push(rules);
        self.packs.push(pack);
    }

    /// Add closed days (regional holidays, company closures) to a calendar (`CO`, `US`,
    /// ...), or to every calendar with `*`.
    pub fn add_closures(&mut self, calendar: &str, days: impl IntoIterator<Item = crate::Date>) {
        self.add_closure_days(calendar, days.into_iter().map(|d| d.0));
    }

    /// [`RuleSet::add_closures`] with the engine's own dates.
    pub(crate) fn add_closure_days(
        &mut self,
        calendar: &str,
        days: impl IntoIterator<Item = NaiveDate>,
    ) {
        self.closures
            .entry(calendar.to_string())
            .or_default()
            .extend(days);
    }

    /// The packs.
    pub fn packs(&self) -> &[Arc<Pack>] {
        &self.packs
    }

    /// The rules that may apply to a debtor in `jurisdiction` at or after local date
    /// `on`: the base and house rules, and the rules of every pack for the place that
    /// has not lapsed by `on`. A pack's rules check its effective dates at each instant
    /// they are asked about, so a pack that comes into force later in a search applies
    /// from its first day and one that lapses stops on its last.
    pub(crate) fn applicable(&self, jurisdiction: &str, on: NaiveDate) -> Vec<&dyn ContactRule> {
        let mut out: Vec<&dyn ContactRule> = self.base.iter().map(|r| r.as_ref()).collect();
        for (p, rules) in self.packs.iter().zip(&self.pack_rules) {
            if p.covers(jurisdiction) && p.effective_to.is_none_or(|t| on < t) {
                out.extend(rules.iter().map(|r| r.as_ref()));
            }
        }
        out.extend(self.house.iter().map(|r| r.as_ref()));
        out
    }

    /// The extra closed days.
    pub(crate) fn closures(&self) -> &BTreeMap<String, BTreeSet<NaiveDate>> {
        &self.closures
    }
}

/// The outcome of checking one candidate.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// (rule index in the applicable list, verdict at the checked instant).
    pub outcomes: Vec<(usize, RuleVerdict)>,
    /// Ids of the rules that block it.
    pub blocked_by: Vec<String>,
    /// Earliest instant every rule allows it; `None` when allowed now, blocked until a
    /// person acts, or when the search gave up (then `search_exhausted` says why).
    pub next_allowed_at: Option<Instant>,
    /// When blocked, not by a person-only block, and the bounded search for the next
    /// allowed instant gave up: why, in plain words. `None` otherwise.
    pub search_exhausted: Option<String>,
}

/// Most rounds of the fixed-point search for `next_allowed_at` (each round moves to
/// the latest of the rules' own next allowed instants).
pub const MAX_ROUNDS: usize = 256;

/// Check a candidate at `at` against `rules`, and when blocked find the earliest
/// instant at which every rule allows it (each rule jumps to its own next allowed
/// instant; repeat until all agree, at most [`MAX_ROUNDS`] rounds).
pub fn assess(
    rules: &[&dyn ContactRule],
    ctx: &CheckContext<'_>,
    action: &Action,
    at: Instant,
) -> Assessment {
    let mut outcomes = Vec::with_capacity(rules.len());
    let mut blocked_by = Vec::new();
    let mut by_person = false;
    let mut not_found: Option<String> = None;
    let mut next = at;
    for (i, r) in rules.iter().enumerate() {
        let v = r.check_at(ctx, action, at);
        if let RuleVerdict::Block { reopens, .. } = &v {
            blocked_by.push(r.id().to_string());
            match reopens {
                Reopens::At(t) => next = next.max(*t),
                Reopens::ByPerson => by_person = true,
                Reopens::NotFound(why) => {
                    not_found.get_or_insert_with(|| format!("`{}`: {why}", r.id()));
                }
            }
        }
        if v != RuleVerdict::NotApplicable {
            outcomes.push((i, v));
        }
    }
    let (next_allowed_at, search_exhausted) = if blocked_by.is_empty() || by_person {
        (None, None)
    } else if let Some(why) = not_found {
        (None, Some(why))
    } else {
        match next_allowed(rules, ctx, action, next) {
            Reopens::At(t) => (Some(t), None),
            Reopens::ByPerson => (None, None),
            Reopens::NotFound(why) => (None, Some(why)),
        }
    };
    Assessment {
        outcomes,
        blocked_by,
        next_allowed_at,
        search_exhausted,
    }
}

fn next_allowed(
    rules: &[&dyn ContactRule],
    ctx: &CheckContext<'_>,
    action: &Action,
    from: Instant,
) -> Reopens {
    let mut t = from;
    for _ in 0..MAX_ROUNDS {
        let mut latest = t;
        for r in rules {
            if let RuleVerdict::Block { reopens, .. } = r.check_at(ctx, action, t) {
                let n = match reopens {
                    Reopens::At(n) => n,
                    Reopens::ByPerson => return Reopens::ByPerson,
                    Reopens::NotFound(why) => {
                        return Reopens::NotFound(format!("`{}` from {t}: {why}", r.id()))
                    }
                };
                // A rule must move time forward; guard against one that does not.
                let n = if n > t {
                    n
                } else {
                    match clock::add_secs(t, 60) {
                        Some(n) => n,
                        None => {
                            return Reopens::NotFound(
                                "no allowed instant before the end of the representable dates"
                                    .into(),
                            )
                        }
                    }
                };
                latest = latest.max(n);
            }
        }
        if latest == t {
            return Reopens::At(t);
        }
        t = latest;
    }
    Reopens::NotFound(format!(
        "the rules did not agree on an allowed instant within {MAX_ROUNDS} rounds (last tried {t})"
    ))
}

/// The answer to "may we contact this debtor on this channel at this instant?".
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ContactCheck {
    /// The case.
    pub case_id: String,
    /// The channel.
    pub channel: Channel,
    /// The instant checked.
    pub at: Instant,
    /// Whether every applicable rule allows it.
    pub allowed: bool,
    /// Rules that block it.
    pub blocked_by: Vec<String>,
    /// Earliest instant at or after `at` that every rule allows; `null` when allowed,
    /// blocked until a person acts, or when the search gave up (see
    /// `next_allowed_search`).
    pub next_allowed_at: Option<Instant>,
    /// Present only when blocked, not by a person-only block, and the bounded search
    /// for the next allowed instant gave up: `exhausted: ` and the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_allowed_search: Option<String>,
    /// Every rule that applied, with citation and outcome.
    pub rules: Vec<RuleOutcome>,
}

/// Check one proposed contact directly, without a policy (for a dialer that needs a
/// yes or no). The ledger may not hold anything after `at`.
pub fn check_contact(
    rules: &RuleSet,
    case: &Case,
    channel: Channel,
    at: Instant,
    debt_id: Option<&str>,
) -> Result<ContactCheck> {
    ContactChecker::new(rules, case, at)?.check(channel, at, debt_id)
}

/// A bare contact on `channel` (about `debt_id`, or every debt), as a dialer proposes it.
fn contact_candidate(channel: Channel, debt_id: Option<&str>) -> Action {
    Action {
        kind: "contact".into(),
        channel: Some(channel),
        template: None,
        debt_id: debt_id.map(str::to_string),
        priority: 0,
        reason: None,
        not_before: None,
    }
}

/// A case prepared once for many contact checks (a dialer walking its queue): the
/// case is validated and its facts derived once; each check costs only the rules.
pub struct ContactChecker<'a> {
    rules: Vec<&'a dyn ContactRule>,
    closures: &'a BTreeMap<String, BTreeSet<NaiveDate>>,
    case: &'a Case,
    facts: Facts,
}

impl<'a> ContactChecker<'a> {
    /// Prepare `case` for checks at or after `as_of`.
    pub fn new(rules: &'a RuleSet, case: &'a Case, as_of: Instant) -> Result<Self> {
        case.validate()?;
        case.validate_at(as_of)?;
        let facts = Facts::derive(case, as_of);
        Ok(ContactChecker {
            rules: rules.applicable(&case.debtor.jurisdiction, facts.today.0),
            closures: rules.closures(),
            case,
            facts,
        })
    }

    /// The verdict alone, without explanations: (allowed, next allowed instant). The
    /// fast path a dialer or the decision pipeline takes.
    pub fn allowed(&self, channel: Channel, at: Instant) -> (bool, Option<Instant>) {
        let mut ctx = CheckContext::new(self.case, &self.facts, self.closures);
        ctx.explain = false;
        let action = contact_candidate(channel, None);
        let a = assess(&self.rules, &ctx, &action, at.max(self.facts.as_of));
        (a.blocked_by.is_empty(), a.next_allowed_at)
    }

    /// Check a contact on `channel` at `at` (not before the prepared `as_of`).
    pub fn check(
        &self,
        channel: Channel,
        at: Instant,
        debt_id: Option<&str>,
    ) -> Result<ContactCheck> {
        if at < self.facts.as_of {
            return Err(Error::input(
                "at",
                format!("{at} is before the prepared as_of {}", self.facts.as_of),
            ));
        }
        if let Some(d) = debt_id {
            if !self.case.debts.iter().any(|x| x.id == d) {
                return Err(Error::input("debt_id", format!("unknown debt id `{d}`")));
            }
        }
        let ctx = CheckContext::new(self.case, &self.facts, self.closures);
        let action = contact_candidate(channel, debt_id);
        let a = assess(&self.rules, &ctx, &action, at);
        Ok(ContactCheck {
            case_id: self.case.id.clone(),
            channel,
            at,
            allowed: a.blocked_by.is_empty(),
            blocked_by: a.blocked_by.clone(),
            next_allowed_at: a.next_allowed_at,
            next_allowed_search: a.search_exhausted.as_deref().map(exhausted_text),
            rules: a
                .outcomes
                .into_iter()
                .map(|(i, v)| outcome(self.rules[i], 0, v))
                .collect(),
        })
    }
}

/// The `next_allowed_search` text of a search that gave up for `why`.
pub fn exhausted_text(why: &str) -> String {
    format!("exhausted: {why}")
}

/// A rule's verdict as it appears in a decision.
pub fn outcome(rule: &dyn ContactRule, candidate: usize, v: RuleVerdict) -> RuleOutcome {
    let (outcome, detail) = match v {
        RuleVerdict::Block { detail, .. } => (Verdict::Blocked, detail),
        RuleVerdict::Allow(d) => (Verdict::Allowed, d),
        RuleVerdict::NotApplicable => (Verdict::Allowed, String::new()),
    };
    RuleOutcome {
        rule: rule.id().to_string(),
        citation: rule.citation().to_string(),
        confidence: rule.confidence(),
        candidate,
        outcome,
        detail,
    }
}
