//! The compliance layer: every candidate action passes through the rules that apply
//! to the debtor before it can be chosen.
//!
//! A rule implements [`ContactRule`]. Every rule set starts with the base rules
//! (holds, per-channel consent and opt-out, the debtor's own requested windows);
//! jurisdiction packs declared in `rules/compliance/*.rhai` add statutory rules,
//! effective-dated; a policy's `house_rules()` adds the company's own. The most
//! restrictive wins: a candidate is allowed only if every applicable rule allows
//! it, and `next_allowed_at` is the earliest instant at which all of them do.

mod clock;
mod holds;
pub mod holidays;
mod packs;
mod rules;

pub use clock::{local_to_instant, Weekly};
pub use holds::{consent_rule, hold_rules};
pub use packs::{parse_rules, standard_packs, Pack};
pub use rules::*;

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

/// What a rule says about one candidate at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleVerdict {
    /// The rule does not concern this candidate.
    NotApplicable,
    /// The rule allows it; the text says why.
    Allow(String),
    /// The rule blocks it; `next_allowed_at` is the earliest instant (at or after the
    /// one checked) at which the rule allows it, or `None` when only the debtor or a
    /// person can lift the block.
    Block {
        /// Plain-words reason.
        detail: String,
        /// Earliest instant the rule allows it again.
        next_allowed_at: Option<Instant>,
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
}

/// The rules candidates are checked against: base rules, jurisdiction packs, house rules,
/// and the host's extra closed days.
#[derive(Clone)]
pub struct RuleSet {
    base: Vec<Arc<dyn ContactRule>>,
    packs: Vec<Arc<Pack>>,
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
            house: Vec::new(),
            closures: BTreeMap::new(),
        }
    }

    /// The base rules plus every embedded jurisdiction pack.
    pub fn standard() -> Result<Self> {
        let mut r = RuleSet::base();
        r.packs = standard_packs()?.to_vec();
        Ok(r)
    }

    /// An empty rule set (nothing is ever blocked). For tests and special hosts.
    pub fn empty() -> Self {
        RuleSet {
            base: Vec::new(),
            packs: Vec::new(),
            house: Vec::new(),
            closures: BTreeMap::new(),
        }
    }

    /// Add a house rule (applies to every debtor).
    pub fn push(&mut self, rule: Box<dyn ContactRule>) {
        self.house.push(Arc::from(rule));
    }

    /// Add a shared house rule.
    pub fn push_shared(&mut self, rule: Arc<dyn ContactRule>) {
        self.house.push(rule);
    }

    /// Add a jurisdiction pack.
    pub fn add_pack(&mut self, pack: Pack) {
        self.packs.push(Arc::new(pack));
    }

    /// Add closed days (regional holidays, company closures) to a calendar (`CO`, `US`,
    /// ...), or to every calendar with `*`.
    pub fn add_closures(&mut self, calendar: &str, days: impl IntoIterator<Item = NaiveDate>) {
        self.closures
            .entry(calendar.to_string())
            .or_default()
            .extend(days);
    }

    /// The packs.
    pub fn packs(&self) -> &[Arc<Pack>] {
        &self.packs
    }

    /// The rules that apply to a debtor in `jurisdiction` on local date `on`.
    pub fn applicable(&self, jurisdiction: &str, on: NaiveDate) -> Vec<&dyn ContactRule> {
        let mut out: Vec<&dyn ContactRule> = self.base.iter().map(|r| r.as_ref()).collect();
        for p in &self.packs {
            if p.applies(jurisdiction, on) {
                out.extend(p.rules.iter().map(|r| r.as_ref()));
            }
        }
        out.extend(self.house.iter().map(|r| r.as_ref()));
        out
    }

    /// The extra closed days.
    pub fn closures(&self) -> &BTreeMap<String, BTreeSet<NaiveDate>> {
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
    /// Earliest instant every rule allows it; `None` when allowed now or blocked until a person acts.
    pub next_allowed_at: Option<Instant>,
}

/// Most rounds of the fixed-point search for `next_allowed_at`.
const MAX_ROUNDS: usize = 256;

/// Check a candidate at `at` against `rules`, and when blocked find the earliest
/// instant at which every rule allows it (each rule jumps to its own next allowed
/// instant; repeat until all agree).
pub fn assess(
    rules: &[&dyn ContactRule],
    ctx: &CheckContext<'_>,
    action: &Action,
    at: Instant,
) -> Assessment {
    let mut outcomes = Vec::with_capacity(rules.len());
    let mut blocked_by = Vec::new();
    let mut forever = false;
    let mut next = at;
    for (i, r) in rules.iter().enumerate() {
        let v = r.check_at(ctx, action, at);
        if let RuleVerdict::Block {
            next_allowed_at, ..
        } = &v
        {
            blocked_by.push(r.id().to_string());
            match next_allowed_at {
                Some(t) => next = next.max(*t),
                None => forever = true,
            }
        }
        if v != RuleVerdict::NotApplicable {
            outcomes.push((i, v));
        }
    }
    let next_allowed_at = if blocked_by.is_empty() || forever {
        None
    } else {
        next_allowed(rules, ctx, action, next)
    };
    Assessment {
        outcomes,
        blocked_by,
        next_allowed_at,
    }
}

fn next_allowed(
    rules: &[&dyn ContactRule],
    ctx: &CheckContext<'_>,
    action: &Action,
    from: Instant,
) -> Option<Instant> {
    let mut t = from;
    for _ in 0..MAX_ROUNDS {
        let mut latest = t;
        for r in rules {
            if let RuleVerdict::Block {
                next_allowed_at, ..
            } = r.check_at(ctx, action, t)
            {
                let n = next_allowed_at?;
                // A rule must move time forward; guard against one that does not.
                latest = latest.max(if n > t {
                    n
                } else {
                    Instant::from_timestamp(t.timestamp() + 60)
                });
            }
        }
        if latest == t {
            return Some(t);
        }
        t = latest;
    }
    None
}

/// The answer to "may we contact this debtor on this channel at this instant?".
#[derive(Debug, Clone, Serialize)]
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
    /// Earliest instant at or after `at` that every rule allows; `null` when allowed or
    /// blocked until a person acts.
    pub next_allowed_at: Option<Instant>,
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
            rules: a
                .outcomes
                .into_iter()
                .map(|(i, v)| outcome(self.rules[i], 0, v))
                .collect(),
        })
    }
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
