//! Host options for compiling a policy, as data (JSON), shared by the bindings that
//! take them as one object (C, WASM) and by simulation requests.

use super::{Limits, Policy, PolicyBuilder};
use crate::error::Result;
use crate::money::rates::RateEntry;
use crate::time::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a host may give besides the policy source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyOptions {
    /// Modules the policy may `import` by name (name to Rhai source).
    #[serde(default)]
    pub modules: BTreeMap<String, String>,
    /// Sandbox limits (missing fields keep their defaults).
    #[serde(default)]
    pub limits: Option<Limits>,
    /// Extra closed days per holiday calendar (`CO`, `US`, or `*` for all).
    #[serde(default)]
    pub closures: BTreeMap<String, Vec<Date>>,
    /// Reference-rate entries per table, upserted over the embedded ones.
    #[serde(default)]
    pub rate_entries: BTreeMap<String, Vec<RateEntry>>,
    /// Scorecards the policy may call by name (name to JSON text), over the embedded
    /// ones.
    #[serde(default)]
    pub scorecards: BTreeMap<String, String>,
    /// Decision tables the policy may call by name (name to JSON text), over the
    /// embedded ones.
    #[serde(default)]
    pub tables: BTreeMap<String, String>,
    /// Contact-timing priors a policy's `contact_timing()` may name (name to JSON
    /// text), over the embedded ones.
    #[serde(default)]
    pub priors: BTreeMap<String, String>,
}

impl PolicyOptions {
    /// Compile `source` with these options.
    pub fn build(self, source: &str) -> Result<Policy> {
        let mut b = PolicyBuilder::new(source);
        for (name, src) in self.modules {
            b = b.module(name, src);
        }
        if let Some(l) = self.limits {
            b = b.limits(l);
        }
        for (calendar, days) in self.closures {
            b = b.closures(&calendar, days);
        }
        for (table, entries) in self.rate_entries {
            b = b.rate_entries(&table, entries);
        }
        for (name, json) in self.scorecards {
            b = b.scorecard(name, json);
        }
        for (name, json) in self.tables {
            b = b.table(name, json);
        }
        for (name, json) in self.priors {
            b = b.prior(name, json);
        }
        b.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_reach_the_policy() {
        let o: PolicyOptions = serde_json::from_str(
            r#"{"modules": {"house": "fn floor() { 7 }"}, "limits": {"max_operations": 12345}}"#,
        )
        .unwrap();
        let p = o
            .build("import \"house\" as h; fn segment(c) { `s${h::floor()}` }")
            .unwrap();
        assert_eq!(p.limits().max_operations, 12345);
        assert_eq!(p.host_modules().len(), 1);
    }

    #[test]
    fn unknown_option_is_refused() {
        let e = serde_json::from_str::<PolicyOptions>(r#"{"modulez": {}}"#).unwrap_err();
        assert!(e.to_string().contains("modulez"), "{e}");
    }
}
