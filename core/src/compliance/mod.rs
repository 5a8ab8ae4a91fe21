//! The compliance layer: every candidate action passes through the rules that apply
//! to the debtor before it can be chosen.
//!
//! A rule implements [`ContactRule`]. The engine ships the holds (cease
//! communication, dispute, bankruptcy, deceased, legal hold) and per-channel consent
//! and opt-out; jurisdiction packs add their own rules through the same trait.
//! The most restrictive wins: a candidate is allowed only if every rule allows it.

mod holds;

pub use holds::{consent_rule, hold_rules};

use crate::decision::{Action, Confidence};
use crate::facts::Facts;
use crate::model::Case;
use crate::time::Instant;

/// What a rule says about one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleVerdict {
    /// The rule does not concern this candidate.
    NotApplicable,
    /// The rule allows it.
    Allow(String),
    /// The rule blocks it; `next_allowed_at` is when it would allow it again, or
    /// `None` when only the debtor or a person can lift the block.
    Block {
        /// Plain-words reason.
        detail: String,
        /// Earliest instant the rule allows it again.
        next_allowed_at: Option<Instant>,
    },
}

/// Everything a rule may look at.
pub struct CheckContext<'a> {
    /// The case.
    pub case: &'a Case,
    /// Derived facts.
    pub facts: &'a Facts,
}

/// A compliance rule.
pub trait ContactRule: Send + Sync {
    /// Stable id, for example `hold.dispute` or `us.reg_f.7in7`.
    fn id(&self) -> &str;
    /// Legal citation or source.
    fn citation(&self) -> &str;
    /// Confidence in the legal reading.
    fn confidence(&self) -> Confidence;
    /// Check one candidate.
    fn check(&self, ctx: &CheckContext<'_>, action: &Action) -> RuleVerdict;
}

/// The set of rules a policy evaluates candidates against.
pub struct RuleSet {
    rules: Vec<Box<dyn ContactRule>>,
}

impl Default for RuleSet {
    fn default() -> Self {
        let mut rules = hold_rules();
        rules.push(consent_rule());
        RuleSet { rules }
    }
}

impl RuleSet {
    /// An empty rule set (nothing is ever blocked). For tests and special hosts.
    pub fn empty() -> Self {
        RuleSet { rules: Vec::new() }
    }

    /// Add a rule.
    pub fn push(&mut self, rule: Box<dyn ContactRule>) {
        self.rules.push(rule);
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Box<dyn ContactRule>] {
        &self.rules
    }
}
