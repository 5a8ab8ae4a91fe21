//! Holds and consent: blocks that only the debtor or a person can lift.

use super::{CheckContext, ContactRule, Reopens, RuleVerdict};
use crate::decision::{Action, Confidence};
use crate::model::Flag;
use crate::time::Instant;

/// A rule that blocks while the debtor carries a flag.
struct HoldRule {
    id: String,
    flag: Flag,
    citation: &'static str,
    confidence: Confidence,
    /// Whether non-contact tasks (legal review, agency referral) are blocked too.
    blocks_tasks: bool,
}

impl ContactRule for HoldRule {
    fn id(&self) -> &str {
        &self.id
    }
    fn citation(&self) -> &str {
        self.citation
    }
    fn confidence(&self) -> Confidence {
        self.confidence
    }
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        if !action.is_contact() && !self.blocks_tasks {
            return RuleVerdict::NotApplicable;
        }
        let _ = at;
        if ctx.facts.has_flag(self.flag) {
            RuleVerdict::Block {
                detail: format!(
                    "the debtor is flagged `{}`: no {} until the flag is lifted",
                    self.flag.as_str(),
                    if self.blocks_tasks {
                        "collection activity"
                    } else {
                        "contact"
                    }
                ),
                reopens: Reopens::ByPerson,
            }
        } else {
            ctx.allow(|| format!("no `{}` flag", self.flag.as_str()))
        }
    }
}

/// The hold rules every rule set starts with.
pub fn hold_rules() -> Vec<Box<dyn ContactRule>> {
    let rule = |flag: Flag, citation, confidence, blocks_tasks| -> Box<dyn ContactRule> {
        Box::new(HoldRule {
            id: format!("hold.{}", flag.as_str()),
            flag,
            citation,
            confidence,
            blocks_tasks,
        })
    };
    vec![
        rule(
            Flag::CeaseCommunication,
            "US: 15 U.S.C. 1692c(c); 12 CFR 1006.6(c). Elsewhere: house rule honouring the request",
            Confidence::Confirmed,
            false,
        ),
        rule(
            Flag::Dispute,
            "US: 15 U.S.C. 1692g(b) (collection paused until verification). Elsewhere: house rule",
            Confidence::ToVerify,
            false,
        ),
        rule(
            Flag::Bankruptcy,
            "US: 11 U.S.C. 362(a) automatic stay. Elsewhere: house rule",
            Confidence::ToVerify,
            true,
        ),
        rule(
            Flag::Deceased,
            "house rule: the estate is handled by a specialist team, not the collection strategy",
            Confidence::House,
            false,
        ),
        rule(
            Flag::LegalHold,
            "house rule: legal hold freezes all collection activity",
            Confidence::House,
            true,
        ),
    ]
}

/// Per-channel consent and opt-out.
struct ConsentRule;

impl ContactRule for ConsentRule {
    fn id(&self) -> &str {
        "consent.channel"
    }
    fn citation(&self) -> &str {
        "US: 12 CFR 1006.6(e), 1006.14(h) (opt-out per medium and address); CO: Ley 2300 de 2023 art. 2 (authorised channels)"
    }
    fn confidence(&self) -> Confidence {
        Confidence::ToVerify
    }
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        let Some(channel) = action.channel else {
            return RuleVerdict::NotApplicable;
        };
        match ctx.case.debtor.consents.get(&channel) {
            Some(c) if !c.allowed => RuleVerdict::Block {
                detail: format!("the debtor has not authorised `{}`", channel.as_str()),
                reopens: Reopens::ByPerson,
            },
            Some(c) => match c.opted_out_at {
                Some(out) if out <= at => RuleVerdict::Block {
                    detail: format!("the debtor opted out of `{}` at {out}", channel.as_str()),
                    reopens: Reopens::ByPerson,
                },
                _ => ctx.allow(|| format!("`{}` is authorised", channel.as_str())),
            },
            None => ctx.allow(|| {
                format!(
                    "no consent record for `{}`: allowed by default",
                    channel.as_str()
                )
            }),
        }
    }
}

/// The consent rule.
pub fn consent_rule() -> Box<dyn ContactRule> {
    Box::new(ConsentRule)
}
