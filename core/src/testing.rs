//! Policy tests, in the spirit of `opa test`: JSON files of cases with the expected
//! segment, action and charges, run by `recobro test` and by `cargo test`.
//!
//! ```json
//! {
//!   "policy": "consumer/policy",
//!   "as_of": "2026-03-16T15:00:00Z",
//!   "tests": [
//!     { "name": "dispute stops contact",
//!       "case": { "id": "...", "debtor": { ... }, "debts": [ ... ] },
//!       "expect": { "segment": "hold", "action": { "kind": "dispute_review" },
//!                   "blocked": ["hold.dispute"], "charges": { "EUR": "40.00" } } }
//!   ]
//! }
//! ```
//!
//! `expect` keys are all optional: `segment` (string or null), `action` (`null` for
//! no action, or an object whose keys `kind`, `channel`, `template`, `priority` must
//! match), `no_action_reason` (substring), `blocked` (rule ids that must have blocked
//! some candidate), `charges` (totals per currency, exact strings), `offers` (offer
//! names in order), `error` (an error code the evaluation must fail with).
//!
//! Coverage: every `contact(..., "template")` and `task("kind")` written in the
//! policy source is a rule; a rule no test proposed as a candidate is reported.

use crate::decision::Decision;
use crate::error::{Error, ErrorCode, Result};
use crate::model::Case;
use crate::policy::Policy;
use crate::time::Instant;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// A file of policy tests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Embedded policy path the suite is for (the CLI's `--policy` overrides it).
    #[serde(default)]
    pub policy: Option<String>,
    /// Or the policy's source inline (to test a module such as `money/pe` through a
    /// small policy that imports it).
    #[serde(default)]
    pub policy_source: Option<String>,
    /// Rate-table entries the suite's policy is built with (for example the usury rate
    /// a host supplies as `co_usura`).
    #[serde(default)]
    pub rate_entries: BTreeMap<String, Vec<crate::money::rates::RateEntry>>,
    /// Default clock for the tests.
    pub as_of: Instant,
    /// The tests.
    pub tests: Vec<TestCase>,
}

/// One test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// Name shown in reports.
    pub name: String,
    /// The case, inline.
    pub case: serde_json::Value,
    /// Clock override.
    #[serde(default)]
    pub as_of: Option<Instant>,
    /// What must hold.
    pub expect: Expect,
}

/// Expectations; every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Expected segment (`null` for none).
    #[serde(default, deserialize_with = "double_option")]
    pub segment: Option<Option<String>>,
    /// Expected action (`null` for none).
    #[serde(default, deserialize_with = "double_option")]
    pub action: Option<Option<BTreeMap<String, serde_json::Value>>>,
    /// Substring of the no-action reason.
    #[serde(default)]
    pub no_action_reason: Option<String>,
    /// Rule ids that must have blocked some candidate.
    #[serde(default)]
    pub blocked: Vec<String>,
    /// Totals per currency.
    #[serde(default)]
    pub charges: Option<BTreeMap<String, String>>,
    /// Names of the offers, in order.
    #[serde(default)]
    pub offers: Option<Vec<String>>,
    /// An error code the evaluation must fail with.
    #[serde(default)]
    pub error: Option<String>,
}

fn double_option<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The outcome of one test.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// Test name.
    pub name: String,
    /// Failures (empty when it passed).
    pub failures: Vec<String>,
}

/// The outcome of a suite.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per-test results.
    pub results: Vec<TestResult>,
    /// Rules (`line: contact(channel, template)` or `line: task(kind)`) no test exercised.
    pub uncovered: Vec<String>,
}

impl Report {
    /// Number passed.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.failures.is_empty())
            .count()
    }
    /// Number failed.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

impl Suite {
    /// Parse a suite from JSON.
    pub fn from_json(text: &str) -> Result<Suite> {
        let mut de = serde_json::Deserializer::from_str(crate::model::without_bom(text));
        serde_path_to_error::deserialize(&mut de).map_err(crate::error::json_error)
    }
}

/// A rule of the policy as found in its source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceRule {
    /// 1-based line.
    pub line: usize,
    /// Action kind (`contact` or a task kind).
    pub kind: String,
    /// Channel for contacts.
    pub channel: Option<String>,
    /// Template for contacts.
    pub template: Option<String>,
}

impl std::fmt::Display for SourceRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.channel, &self.template) {
            (Some(c), Some(t)) => write!(f, "line {}: contact(\"{c}\", \"{t}\")", self.line),
            _ => write!(f, "line {}: task(\"{}\")", self.line, self.kind),
        }
    }
}

fn string_args(rest: &str, n: usize) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut s = rest.trim_start();
    for i in 0..n {
        s = s.strip_prefix('"')?;
        let end = s.find('"')?;
        out.push(s[..end].to_string());
        s = s[end + 1..].trim_start();
        if i + 1 < n {
            s = s.strip_prefix(',')?.trim_start();
        }
    }
    Some(out)
}

/// The actions written literally in a policy's source.
pub fn source_rules(source: &str) -> Vec<SourceRule> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for (pat, n) in [("contact(", 2), ("task(", 1)] {
            let mut from = 0;
            while let Some(pos) = code[from..].find(pat) {
                let at = from + pos;
                let boundary = at == 0
                    || !code.as_bytes()[at - 1].is_ascii_alphanumeric()
                        && code.as_bytes()[at - 1] != b'_';
                if boundary {
                    if let Some(args) = string_args(&code[at + pat.len()..], n) {
                        out.push(if n == 2 {
                            SourceRule {
                                line: i + 1,
                                kind: "contact".into(),
                                channel: Some(args[0].clone()),
                                template: Some(args[1].clone()),
                            }
                        } else {
                            SourceRule {
                                line: i + 1,
                                kind: args[0].clone(),
                                channel: None,
                                template: None,
                            }
                        });
                    }
                }
                from = at + pat.len();
            }
        }
    }
    out
}

fn check(expect: &Expect, d: &Decision) -> Vec<String> {
    let mut f = Vec::new();
    if let Some(want) = &expect.segment {
        if want != &d.segment {
            f.push(format!("segment: expected {want:?}, got {:?}", d.segment));
        }
    }
    if let Some(want) = &expect.action {
        match (want, &d.action) {
            (None, None) => {}
            (None, Some(a)) => f.push(format!(
                "action: expected none, got `{}` {:?} {:?}",
                a.action.kind, a.action.channel, a.action.template
            )),
            (Some(_), None) => f.push(format!(
                "action: expected one, got none ({})",
                d.no_action_reason.clone().unwrap_or_default()
            )),
            (Some(w), Some(a)) => {
                let got = serde_json::to_value(&a.action).unwrap_or_default();
                for (k, v) in w {
                    if got.get(k) != Some(v) {
                        f.push(format!(
                            "action.{k}: expected {v}, got {}",
                            got.get(k).cloned().unwrap_or(serde_json::Value::Null)
                        ));
                    }
                }
            }
        }
    }
    if let Some(want) = &expect.no_action_reason {
        if !d
            .no_action_reason
            .as_deref()
            .unwrap_or("")
            .contains(want.as_str())
        {
            f.push(format!(
                "no_action_reason: expected to contain {want:?}, got {:?}",
                d.no_action_reason
            ));
        }
    }
    for rule in &expect.blocked {
        if !d.candidates.iter().any(|c| c.blocked_by.contains(rule)) {
            f.push(format!("blocked: no candidate was blocked by `{rule}`"));
        }
    }
    if let Some(want) = &expect.offers {
        let got: Vec<&str> = d.offers.iter().map(|o| o.name.as_str()).collect();
        if want.iter().map(String::as_str).collect::<Vec<_>>() != got {
            f.push(format!("offers: expected {want:?}, got {got:?}"));
        }
    }
    if let Some(want) = &expect.charges {
        if want != &d.charges.totals {
            f.push(format!(
                "charges: expected {want:?}, got {:?}",
                d.charges.totals
            ));
        }
    }
    f
}

/// Run a suite against a policy.
pub fn run(policy: &Policy, suite: &Suite) -> Report {
    let rules = source_rules(policy.source());
    let mut exercised = BTreeSet::new();
    let mut report = Report::default();
    for t in &suite.tests {
        let as_of = t.as_of.unwrap_or(suite.as_of);
        let outcome = Case::from_value(t.case.clone()).and_then(|c| policy.evaluate(&c, as_of));
        let failures = match (&outcome, &t.expect.error) {
            (Ok(d), None) => {
                for c in &d.candidates {
                    for (i, r) in rules.iter().enumerate() {
                        let same = r.kind == c.action.kind
                            && r.channel.as_deref() == c.action.channel.map(|x| x.as_str())
                            && r.template.as_deref() == c.action.template.as_deref();
                        if same {
                            exercised.insert(i);
                        }
                    }
                }
                check(&t.expect, d)
            }
            (Ok(_), Some(code)) => vec![format!("expected error `{code}`, got a decision")],
            (Err(e), Some(code)) if e.code.as_str() == code => Vec::new(),
            (Err(e), _) => vec![format!("evaluation failed: {e}")],
        };
        report.results.push(TestResult {
            name: t.name.clone(),
            failures,
        });
    }
    report.uncovered = rules
        .iter()
        .enumerate()
        .filter(|(i, _)| !exercised.contains(i))
        .map(|(_, r)| r.to_string())
        .collect();
    report
}

/// Resolve the policy a suite names (embedded), unless one is given.
pub fn suite_policy(suite: &Suite) -> Result<Policy> {
    let src = match (&suite.policy, &suite.policy_source) {
        (Some(_), Some(_)) => {
            return Err(Error::input(
                "policy_source",
                "give either `policy` or `policy_source`, not both",
            ))
        }
        (Some(p), None) => crate::policy::embedded(p)
            .ok_or_else(|| {
                Error::new(ErrorCode::PolicyModule, format!("no embedded policy `{p}`"))
            })?
            .to_string(),
        (None, Some(s)) => s.clone(),
        (None, None) => {
            return Err(Error::new(
                ErrorCode::InputInvalid,
                "the suite names no `policy`; pass one with --policy",
            ))
        }
    };
    let mut b = crate::policy::PolicyBuilder::new(src);
    for (table, entries) in &suite.rate_entries {
        b = b.rate_entries(table, entries.clone());
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_actions_in_source() {
        let src = "fn actions(c) {\n  [contact(\"sms\", \"r1\"), task(\"legal_review\")] // contact(\"x\", \"y\")\n  my_contact(\"a\", \"b\")\n}";
        let rules = source_rules(src);
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].to_string(), "line 2: contact(\"sms\", \"r1\")");
        assert_eq!(rules[1].to_string(), "line 2: task(\"legal_review\")");
    }
}
