//! A whole simulation as one JSON request: the shape the C ABI, the WASM binding and
//! the browser simulator send (defaults as in `recobro simulate`).

use super::{
    check_count, check_split, simulate_part, simulate_with_progress, Settings, SimulationPart,
    SimulationResult, Split, MAX_CASES, MAX_DAYS, MAX_POLICIES,
};
use crate::error::{Error, ErrorCode, Location, Result};
use crate::model::{prefix_path, Case};
use crate::money::rates::RateEntry;
use crate::policy::{embedded, Limits, Policy, PolicyOptions, DEFAULT_CONSUMER_POLICY};
use crate::time::Date;
use crate::time::Instant;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One policy of a simulation request: a source or an embedded path, and its options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Policy source; with neither `source` nor `embedded`, the default consumer policy.
    #[serde(default)]
    pub source: Option<String>,
    /// An embedded policy path (`b2b/policy`).
    #[serde(default)]
    pub embedded: Option<String>,
    /// Modules the policy may `import` by name.
    #[serde(default)]
    pub modules: BTreeMap<String, String>,
    /// Sandbox limits (missing fields keep their defaults).
    #[serde(default)]
    pub limits: Option<Limits>,
    /// Extra closed days per holiday calendar.
    #[serde(default)]
    pub closures: BTreeMap<String, Vec<Date>>,
    /// Reference-rate entries per table.
    #[serde(default)]
    pub rate_entries: BTreeMap<String, Vec<RateEntry>>,
    /// Scorecards the policy may call by name (JSON text).
    #[serde(default)]
    pub scorecards: BTreeMap<String, String>,
    /// Decision tables the policy may call by name (JSON text).
    #[serde(default)]
    pub tables: BTreeMap<String, String>,
    /// Contact-timing priors a `contact_timing()` may name (JSON text).
    #[serde(default)]
    pub priors: BTreeMap<String, String>,
}

impl PolicySpec {
    /// The host options of this policy. (Fields, not `#[serde(flatten)]`: a flattened
    /// struct loses the path of a bad field.)
    pub fn options(&self) -> PolicyOptions {
        PolicyOptions {
            modules: self.modules.clone(),
            limits: self.limits,
            closures: self.closures.clone(),
            rate_entries: self.rate_entries.clone(),
            scorecards: self.scorecards.clone(),
            tables: self.tables.clone(),
            priors: self.priors.clone(),
        }
    }
}

/// Longest policy or module source in a request, in bytes (1 MiB).
pub const MAX_POLICY_SOURCE: usize = 1 << 20;
/// Most host modules per policy, closure calendars per policy and rate tables per
/// policy.
pub const MAX_POLICY_MAPS: usize = 64;
/// Most closed days per calendar and rate entries per table.
pub const MAX_POLICY_LIST: usize = 10_000;

fn too_many(path: String, what: &str, n: usize, max: usize) -> Error {
    Error::input(path, format!("at most {max} {what} are allowed (got {n})"))
}

impl PolicySpec {
    /// Check the sizes the host supplies, with paths relative to the spec: `source`
    /// and each of `modules` at most `MAX_POLICY_SOURCE` bytes; `modules`, `closures`
    /// and `rate_entries` at most `MAX_POLICY_MAPS` entries; each closure calendar and
    /// rate table at most `MAX_POLICY_LIST` items.
    pub fn validate(&self) -> Result<()> {
        if let Some(src) = &self.source {
            if src.len() > MAX_POLICY_SOURCE {
                return Err(Error::input(
                    "source",
                    format!(
                        "a policy source may have at most {MAX_POLICY_SOURCE} bytes (got {})",
                        src.len()
                    ),
                ));
            }
        }
        if self.modules.len() > MAX_POLICY_MAPS {
            return Err(too_many(
                "modules".into(),
                "modules",
                self.modules.len(),
                MAX_POLICY_MAPS,
            ));
        }
        for (name, src) in &self.modules {
            if src.len() > MAX_POLICY_SOURCE {
                return Err(Error::input(
                    format!("modules.{name}"),
                    format!(
                        "a module source may have at most {MAX_POLICY_SOURCE} bytes (got {})",
                        src.len()
                    ),
                ));
            }
        }
        for (field, what, map) in [
            ("scorecards", "scorecard", &self.scorecards),
            ("tables", "table", &self.tables),
            ("priors", "prior", &self.priors),
        ] {
            if map.len() > MAX_POLICY_MAPS {
                return Err(too_many(field.into(), field, map.len(), MAX_POLICY_MAPS));
            }
            for (name, src) in map {
                if src.len() > MAX_POLICY_SOURCE {
                    return Err(Error::input(
                        format!("{field}.{name}"),
                        format!(
                            "a {what} may have at most {MAX_POLICY_SOURCE} bytes (got {})",
                            src.len()
                        ),
                    ));
                }
            }
        }
        if self.closures.len() > MAX_POLICY_MAPS {
            return Err(too_many(
                "closures".into(),
                "calendars",
                self.closures.len(),
                MAX_POLICY_MAPS,
            ));
        }
        for (cal, days) in &self.closures {
            if days.len() > MAX_POLICY_LIST {
                return Err(too_many(
                    format!("closures.{cal}"),
                    "closed days",
                    days.len(),
                    MAX_POLICY_LIST,
                ));
            }
        }
        if self.rate_entries.len() > MAX_POLICY_MAPS {
            return Err(too_many(
                "rate_entries".into(),
                "rate tables",
                self.rate_entries.len(),
                MAX_POLICY_MAPS,
            ));
        }
        for (table, entries) in &self.rate_entries {
            if entries.len() > MAX_POLICY_LIST {
                return Err(too_many(
                    format!("rate_entries.{table}"),
                    "rate entries",
                    entries.len(),
                    MAX_POLICY_LIST,
                ));
            }
        }
        Ok(())
    }
}

fn default_start() -> Instant {
    // The documented default start of `recobro simulate`; a constant, not the clock.
    Instant::parse("2026-03-16T15:00:00Z").unwrap_or(Instant(chrono::DateTime::UNIX_EPOCH))
}
fn default_days() -> u32 {
    180
}
fn default_seed() -> u64 {
    42
}
fn default_experiment() -> String {
    "exp-1".into()
}
fn default_generate() -> usize {
    1000
}

/// A simulation request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationRequest {
    /// Champion first; empty: the default consumer policy alone. At most `MAX_POLICIES`
    /// (16).
    #[serde(default)]
    pub policies: Vec<PolicySpec>,
    /// The portfolio; absent: a generated one of `generate` cases. At most `MAX_CASES`
    /// (1,000,000).
    #[serde(default)]
    pub cases: Option<Vec<Case>>,
    /// Size of the generated portfolio when `cases` is absent: `1..=generate::MAX_CASES`
    /// (100,000).
    #[serde(default = "default_generate")]
    pub generate: usize,
    /// When the simulation starts (RFC 3339 with an offset).
    #[serde(default = "default_start")]
    pub start: Instant,
    /// Horizon in days: `1..=MAX_DAYS` (3,650).
    #[serde(default = "default_days")]
    #[schemars(range(min = 1, max = MAX_DAYS))]
    pub days: u32,
    /// Seed of the response model and of the generated portfolio.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Percent per policy, champion first; empty: every case through every policy.
    #[serde(default)]
    pub shares: Vec<u32>,
    /// Experiment id of the hash split.
    #[serde(default = "default_experiment")]
    pub experiment: String,
    /// How debtors respond; absent: the documented defaults.
    #[serde(default)]
    pub response_model: Option<super::ResponseModel>,
    /// Replications with common random numbers, for 95% intervals: `1..=MAX_REPLICATIONS`
    /// (100); see `Settings::replications`.
    #[serde(default = "super::one")]
    #[schemars(range(min = 1, max = super::MAX_REPLICATIONS))]
    pub replications: u32,
    /// Daily capacity per channel (`{"call": 400}`), each within 0 to
    /// `queue::MAX_CAPACITY`; see `Settings::capacity`. Empty: no limit.
    #[serde(default)]
    pub capacity: crate::queue::Capacity,
}

impl SimulationRequest {
    /// Parse a request from JSON, naming the path of any bad field, and check its
    /// sizes and numbers ([`SimulationRequest::validate`]).
    pub fn from_json(json: &str) -> Result<SimulationRequest> {
        let r: SimulationRequest = crate::model::parse_json(json)?;
        r.validate()?;
        Ok(r)
    }

    /// Check every size and number the host supplies against its documented bound,
    /// with an `input.invalid` error naming the path and the allowed range: `policies`
    /// (at most `MAX_POLICIES`), `cases` (at most `MAX_CASES`), `generate`
    /// (`1..=generate::MAX_CASES`, when `cases` is absent), `days` (`1..=MAX_DAYS`),
    /// `shares` (`0..=100` each, one per policy, adding up to 100; reported as
    /// `split.shares[i]` like the settings' split), `experiment` (at most
    /// `MAX_EXPERIMENT` bytes, reported as `split.experiment`), `policies[i].…` (see [`PolicySpec::validate`]) and
    /// `response_model.…` (see `ResponseModel::validate`).
    /// Cases themselves are checked by [`SimulationRequest::portfolio`].
    pub fn validate(&self) -> Result<()> {
        check_count("policies", self.policies.len(), 0, MAX_POLICIES)?;
        for (i, spec) in self.policies.iter().enumerate() {
            spec.validate()
                .map_err(|e| e.under(&format!("policies[{i}]")))?;
        }
        match &self.cases {
            Some(cases) => check_count("cases", cases.len(), 0, MAX_CASES)?,
            None => crate::generate::check_count(self.generate, "generate")?,
        }
        if self.days == 0 || self.days > MAX_DAYS {
            return Err(Error::input(
                "days",
                format!(
                    "the horizon must be between 1 and {MAX_DAYS} days (got {})",
                    self.days
                ),
            ));
        }
        if !self.shares.is_empty() {
            // Under `split`, the path the settings report and hosts already match on
            // (`split.shares`, `split.shares[1]`, `split.experiment`).
            check_split(&self.shares, &self.experiment, self.policies.len().max(1))
                .map_err(|e| e.under("split"))?;
        }
        if let Some(m) = &self.response_model {
            m.validate().map_err(|e| e.under("response_model"))?;
        }
        check_count(
            "replications",
            self.replications as usize,
            1,
            super::MAX_REPLICATIONS as usize,
        )?;
        Ok(())
    }

    /// Compile the policies (champion first).
    pub fn policies(&self) -> Result<Vec<Policy>> {
        check_count("policies", self.policies.len(), 0, MAX_POLICIES)?;
        if self.policies.is_empty() {
            return Ok(vec![Policy::default_consumer()?]);
        }
        self.policies
            .iter()
            .enumerate()
            .map(|(i, spec)| compile(i, spec))
            .collect()
    }

    /// The portfolio: the given cases (validated) or a generated one.
    pub fn portfolio(&self) -> Result<Vec<Case>> {
        match &self.cases {
            Some(cases) => {
                check_count("cases", cases.len(), 0, MAX_CASES)?;
                for (i, c) in cases.iter().enumerate() {
                    c.validate()
                        .and_then(|()| c.validate_at(self.start))
                        .map_err(|e| prefix_path(e, i).under("cases"))?;
                }
                Ok(cases.clone())
            }
            None => {
                crate::generate::check_count(self.generate, "generate")?;
                Ok(crate::generate::portfolio(
                    self.generate,
                    self.seed,
                    self.start,
                    Default::default(),
                ))
            }
        }
    }

    /// The engine settings.
    pub fn settings(&self) -> Settings {
        Settings {
            start: self.start,
            days: self.days,
            seed: self.seed,
            split: if self.shares.is_empty() {
                Split::All
            } else {
                Split::Assign {
                    experiment: self.experiment.clone(),
                    shares: self.shares.clone(),
                }
            },
            response: self.response_model.clone().unwrap_or_default(),
            replications: self.replications,
            capacity: self.capacity.clone(),
        }
    }

    /// Run it, reporting progress (cases done, cases total).
    pub fn run_with_progress(
        &self,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<SimulationResult> {
        self.validate()?;
        let policies = self.policies()?;
        let cases = self.portfolio()?;
        simulate_with_progress(&policies, &cases, &self.settings(), progress)
    }

    /// Run part `part` of `parts` of it (see [`super::simulate_part`]), reporting
    /// progress (cases done, cases in the part). Every part compiles the policies and
    /// builds (or checks) the whole portfolio; [`super::merge_parts`] adds the parts
    /// into the result [`SimulationRequest::run`] gives.
    pub fn run_part(
        &self,
        part: usize,
        parts: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<SimulationPart> {
        self.validate()?;
        let policies = self.policies()?;
        let cases = self.portfolio()?;
        simulate_part(&policies, &cases, part, parts, &self.settings(), progress)
    }

    /// Run it.
    pub fn run(&self) -> Result<SimulationResult> {
        self.run_with_progress(&|_, _| {})
    }
}

fn compile(i: usize, spec: &PolicySpec) -> Result<Policy> {
    spec.validate()
        .map_err(|e| e.under(&format!("policies[{i}]")))?;
    let source = match (&spec.source, &spec.embedded) {
        (Some(s), None) => s.clone(),
        (None, Some(path)) => embedded(path)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::PolicyModule,
                    format!("no embedded policy `{path}`"),
                )
                .at_path(format!("policies[{i}].embedded"))
            })?
            .to_string(),
        (None, None) => embedded(DEFAULT_CONSUMER_POLICY)
            .unwrap_or_default()
            .to_string(),
        (Some(_), Some(_)) => {
            return Err(Error::input(
                format!("policies[{i}]"),
                "give `source` or `embedded`, not both",
            ))
        }
    };
    spec.options().build(&source).map_err(|e| match e.location {
        // A policy error keeps its line and column; the message says which policy.
        Some(Location::Policy { .. }) | None => Error {
            message: format!("policies[{i}]: {}", e.message),
            ..e
        },
        Some(Location::Input { .. }) => e.under(&format!("policies[{i}]")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_cli() {
        let r = SimulationRequest::from_json(r#"{"generate": 5, "days": 10}"#).unwrap();
        assert_eq!(r.start.to_string(), "2026-03-16T15:00:00Z");
        assert_eq!((r.seed, r.days), (42, 10));
        let out = r.run().unwrap();
        assert_eq!(out.arms.len(), 1);
        assert_eq!(out.arms[0].kpis.cases, 5);
    }

    #[test]
    fn bad_fields_name_their_path() {
        let e = SimulationRequest::from_json(
            r#"{"policies": [{}, {"limits": {"max_operations": "x"}}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.path(), Some("policies[1].limits.max_operations"), "{e}");
        let e =
            SimulationRequest::from_json(r#"{"policies": [{"source": "fn segment(c) { 1 + }"}]}"#)
                .unwrap()
                .policies()
                .unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicySyntax);
        assert!(
            e.message.starts_with("policies[0]:") && e.line().is_some(),
            "{e}"
        );
        let e = SimulationRequest::from_json(
            r#"{"cases": [{"id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO", "timezone": "Mars/Base"}, "debts": []}]}"#,
        )
        .and_then(|r| r.portfolio())
        .unwrap_err();
        assert!(e.path().unwrap_or("").starts_with("cases[0].debtor"), "{e}");
    }
}
