//! Policies: Rhai scripts compiled once into a [`Policy`] and evaluated many times.
//!
//! A policy defines some of these hooks, each taking the case:
//! - `segment(case)` returns a string;
//! - `actions(case)` returns candidate actions in priority order;
//! - `charges(case)` returns charge lines;
//! - `metadata()` (no argument) returns `#{ name: "...", version: "..." }`, read once.
//!
//! Top-level code may only import modules and define constants: it runs before
//! every hook call, so anything heavier belongs in a function.

mod engine;
mod errors;
mod evaluate;
mod law;
mod limits;
mod modules;
mod native;
mod options;
pub mod scorecard;
mod script;
pub mod table;
pub(crate) mod timing;

pub use crate::embedded::{paths as embedded_paths, source as embedded};
pub(crate) use evaluate::par_map;
pub use evaluate::EvalOptions;
#[cfg(feature = "fault-injection")]
pub use evaluate::FAULT_CASE_ID;
pub use limits::Limits;
pub use options::PolicyOptions;
#[cfg(feature = "metadata")]
pub use script::ApiDoc;
#[cfg(feature = "metadata")]
pub(crate) use script::{
    GROUP_ACTIONS, GROUP_CASE, GROUP_CHARGES, GROUP_CONTACT, GROUP_MONEY, GROUP_OFFERS,
};

use crate::compliance::RuleSet;
use crate::decision::PolicyInfo;
use crate::error::{Error, ErrorCode, Result};
use rhai::{Engine, Scope, AST};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The generated function that calls every hook.
pub(crate) const HOOKS_FN: &str = "__recobro_hooks";
/// The same without `offers` (for callers that do not show offers, such as simulation).
pub(crate) const HOOKS_NO_OFFERS_FN: &str = "__recobro_hooks_no_offers";

/// Module path of the embedded default consumer policy.
pub const DEFAULT_CONSUMER_POLICY: &str = "consumer/policy";
/// Module path of the embedded B2B dunning policy.
pub const DEFAULT_B2B_POLICY: &str = "b2b/policy";

/// The answer to a debtor's plan proposal.
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct PlanCheck {
    /// Whether every bound holds.
    pub accepted: bool,
    /// Each broken bound, in plain words, starting with the bound's name.
    pub broken: Vec<String>,
    /// The exact schedule of the proposal.
    pub schedule: crate::money::plans::Schedule,
    /// The bounds it was checked against.
    pub bounds: crate::money::plans::PlanBounds,
}

/// Which hooks a policy defines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hooks {
    /// `segment(case)`.
    pub segment: bool,
    /// `actions(case)`.
    pub actions: bool,
    /// `charges(case)`.
    pub charges: bool,
    /// `offers(case)`.
    pub offers: bool,
}

/// Builds a [`Policy`]: source, host modules, limits, compliance rules.
pub struct PolicyBuilder {
    source: String,
    modules: BTreeMap<String, String>,
    limits: Limits,
    rules: Option<RuleSet>,
    closures: Vec<(String, Vec<chrono::NaiveDate>)>,
    rate_entries: Vec<(String, Vec<crate::money::rates::RateEntry>)>,
    scorecards: BTreeMap<String, String>,
    tables: BTreeMap<String, String>,
    priors: BTreeMap<String, String>,
}

impl PolicyBuilder {
    /// Start from policy source.
    pub fn new(source: impl Into<String>) -> Self {
        PolicyBuilder {
            source: owned_without_bom(source.into()),
            modules: BTreeMap::new(),
            limits: Limits::default(),
            rules: None,
            closures: Vec::new(),
            rate_entries: Vec::new(),
            scorecards: BTreeMap::new(),
            tables: BTreeMap::new(),
            priors: BTreeMap::new(),
        }
    }

    /// Supply a decision table (JSON, see [`crate::table`]) the policy can call
    /// by `name` with `c.table(name, inputs)`; it replaces an embedded one of that
    /// name. Checked when the policy is built (gaps, unreachable rows, at the row's
    /// line, module `tables/NAME`).
    pub fn table(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.tables.insert(name.into(), json.into());
        self
    }

    /// Supply a contact-timing prior (JSON, see [`crate::timing`]) a policy's
    /// `contact_timing()` can name; it replaces an embedded one of that name. Checked
    /// when the policy is built (errors at the prior's line, module `priors/NAME`).
    pub fn prior(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.priors.insert(name.into(), json.into());
        self
    }

    /// Supply a scorecard (JSON, see [`crate::scorecard`]) the policy can call
    /// by `name` with `c.score(name)`; it replaces an embedded one of that name. Checked
    /// when the policy is built (errors at the scorecard's line, module
    /// `scorecards/NAME`).
    pub fn scorecard(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.scorecards.insert(name.into(), json.into());
        self
    }

    /// Supply a module the policy can `import` by `name` (host modules win over embedded ones).
    pub fn module(mut self, name: impl Into<String>, source: impl Into<String>) -> Self {
        self.modules
            .insert(name.into(), owned_without_bom(source.into()));
        self
    }

    /// Set the sandbox limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Add closed days (regional holidays, company closures) to a holiday calendar
    /// (`CO`, `US`, ...) or to every calendar with `*`.
    pub fn closures(mut self, calendar: &str, days: impl IntoIterator<Item = crate::Date>) -> Self {
        self.closures.push((
            calendar.to_string(),
            days.into_iter().map(|d| d.0).collect(),
        ));
        self
    }

    /// Add or override entries of a reference-rate table (`ecb_mro`, `boe_base`,
    /// `de_basiszins`, `es_demora_comercial`, or a new table), so a new half-year
    /// needs no release.
    pub fn rate_entries(
        mut self,
        table: &str,
        entries: Vec<crate::money::rates::RateEntry>,
    ) -> Self {
        self.rate_entries.push((table.to_string(), entries));
        self
    }

    /// Replace the compliance rule set (default: [`RuleSet::standard`], the base rules
    /// and every embedded jurisdiction pack).
    pub fn rules(mut self, rules: RuleSet) -> Self {
        self.rules = Some(rules);
        self
    }

    /// Compile.
    pub fn build(self) -> Result<Policy> {
        let engine = engine::build(&self.limits, self.modules.clone());
        let mut ast = engine
            .compile_into_self_contained(&Scope::new(), &self.source)
            .map_err(|e| locate_import(errors::from_eval(&e), &self.source))?;
        ast.set_source(errors::MAIN_SOURCE);

        let mut hooks = Hooks::default();
        let mut has_metadata = false;
        let mut has_house_rules = false;
        let mut has_timing = false;
        for f in ast.iter_functions() {
            let (slot, arity) = match f.name {
                "segment" => (Some(&mut hooks.segment), 1),
                "actions" => (Some(&mut hooks.actions), 1),
                "charges" => (Some(&mut hooks.charges), 1),
                "offers" => (Some(&mut hooks.offers), 1),
                "metadata" => (None, 0),
                "contact_timing" => {
                    has_timing = true;
                    (None, 0)
                }
                "house_rules" => {
                    has_house_rules = true;
                    (None, 0)
                }
                _ => continue,
            };
            if f.params.len() != arity {
                return Err(Error::new(
                    ErrorCode::PolicyContract,
                    format!(
                        "hook `{}` takes {} parameter{}, not {}",
                        f.name,
                        arity,
                        if arity == 1 { "" } else { "s" },
                        f.params.len()
                    ),
                )
                .with_help(
                    "hooks are `segment(c)`, `actions(c)`, `charges(c)`, `offers(c)`, `metadata()`, `house_rules()` and `contact_timing()`",
                ));
            }
            match slot {
                Some(s) => *s = true,
                None if f.name == "metadata" => has_metadata = true,
                None => {}
            }
        }
        if !(hooks.segment || hooks.actions || hooks.charges || hooks.offers) {
            return Err(Error::new(
                ErrorCode::PolicyContract,
                "the policy defines none of the hooks `segment(c)`, `actions(c)`, `charges(c)`, `offers(c)`",
            ));
        }

        // One script call per evaluation runs every hook: one runtime state and one
        // pass over the top-level imports instead of three.
        let call = |on: bool, name: &str| {
            if on {
                format!("{name}(c)")
            } else {
                "()".to_string()
            }
        };
        let wrapper = format!(
            "fn {HOOKS_FN}(c) {{ [{}, {}, {}, {}] }}\nfn {HOOKS_NO_OFFERS_FN}(c) {{ [{}, {}, {}, ()] }}",
            call(hooks.segment, "segment"),
            call(hooks.actions, "actions"),
            call(hooks.charges, "charges"),
            call(hooks.offers, "offers"),
            call(hooks.segment, "segment"),
            call(hooks.actions, "actions"),
            call(hooks.charges, "charges"),
        );
        let wrapper_ast = engine
            .compile(&wrapper)
            .map_err(|e| errors::from_parse(&e, None))?;
        ast += wrapper_ast;

        let mut hasher = Sha256::new();
        hasher.update(self.source.as_bytes());
        for (name, src) in &self.modules {
            hasher.update([0u8]);
            hasher.update(name.as_bytes());
            hasher.update([0u8]);
            hasher.update(src.as_bytes());
        }
        let digest = format!("sha256:{:x}", hasher.finalize());

        let mut rules = match self.rules {
            Some(r) => r,
            None => RuleSet::standard()?,
        };
        for (cal, days) in self.closures {
            rules.add_closure_days(&cal, days);
        }
        if has_house_rules {
            let v =
                self::engine::call(&engine, rhai::CallFnOptions::new(), &ast, "house_rules", ())?;
            let parsed = crate::compliance::parse_rules(v, None, "house_rules()")
                .map_err(|e| locate_house_rule(e, &self.source))?;
            for r in parsed {
                rules.push_shared(r);
            }
        }

        let mut rates = crate::money::rates::RateTables::standard()?;
        for (table, entries) in self.rate_entries {
            crate::money::rates::RateTables::check_entries(&table, &entries)?;
            rates.upsert(&table, entries);
        }

        let scorecards = scorecard::Scorecards::build(&self.scorecards)?;
        let tables = table::Tables::build(&self.tables)?;
        let timing = if has_timing {
            let priors = timing::Priors::build(&self.priors)?;
            Some(Arc::new(read_timing(&engine, &ast, &priors, &self.source)?))
        } else {
            if !self.priors.is_empty() {
                // Checked all the same: a host's prior with an error is refused.
                timing::Priors::build(&self.priors)?;
            }
            None
        };

        let mut policy = Policy {
            inner: Arc::new(Inner {
                engine,
                ast,
                hooks,
                info: PolicyInfo {
                    name: "unnamed".into(),
                    version: "0".into(),
                    digest,
                },
                rules,
                rates: Arc::new(rates),
                source: self.source,
                modules: self.modules,
                limits: self.limits,
                scorecards: Arc::new(scorecards),
                tables: Arc::new(tables),
                timing,
            }),
        };
        if has_metadata {
            let info = evaluate::read_metadata(&policy)?;
            if let Some(inner) = Arc::get_mut(&mut policy.inner) {
                inner.info.name = info.0;
                inner.info.version = info.1;
            }
        }
        Ok(policy)
    }
}

/// A policy's or module's source without the byte order mark an editor may have
/// written at its start (see `model::without_bom`): the digest, the reference and every
/// line and column are those of the text after it.
fn owned_without_bom(mut source: String) -> String {
    let mark = source.len() - crate::model::without_bom(&source).len();
    source.drain(..mark);
    source
}

/// A house rule is a map the policy builds at run time, so its errors carry the input
/// path (`house_rules()[0].max`), not a position. Point at the policy's own text: the
/// line and column of the key inside the map whose `id` the path names (or of the map,
/// or of `fn house_rules`), keeping the path in the message.
fn locate_house_rule(e: Error, source: &str) -> Error {
    let Some(path) = e.path().map(str::to_string) else {
        return e;
    };
    let Some(fn_at) = source.find("fn house_rules") else {
        return e;
    };
    // The rule's id, as the message names it (`rule `h.cap`: ...`).
    let id = e
        .message
        .strip_prefix("rule `")
        .and_then(|r| r.split_once('`'))
        .map(|(id, _)| id.to_string());
    let key = path
        .rsplit('.')
        .next()
        .map(|k| k.split('[').next().unwrap_or(k).to_string())
        .filter(|k| !k.starts_with("house_rules()"));
    let body = &source[fn_at..];
    let map_at = id
        .as_deref()
        .and_then(|id| body.find(&format!("\"{id}\"")))
        .map(|i| fn_at + i);
    let key_at = match (map_at, key.as_deref()) {
        (Some(m), Some(k)) => {
            // The key within the same map: search from the map's opening `#{`.
            let open = source[..m].rfind("#{").unwrap_or(m);
            source[open..]
                .find(&format!("{k}:"))
                .map(|i| open + i)
                .filter(|i| {
                    source[open..*i].matches('}').count() <= source[open..*i].matches('{').count()
                })
        }
        _ => None,
    };
    let at = key_at.or(map_at).unwrap_or(fn_at);
    let line = source[..at].matches('\n').count() + 1;
    let column = at - source[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    let mut out =
        Error::new(e.code, format!("{path}: {}", e.message)).at_policy(None, line, column);
    out.help = e.help;
    out
}

/// Module errors raised while resolving imports carry no position: find the import.
fn locate_import(e: Error, source: &str) -> Error {
    if e.code != ErrorCode::PolicyModule || e.location.is_some() {
        return e;
    }
    let Some(path) = e.message.split('`').nth(1) else {
        return e;
    };
    let quoted = format!("\"{path}\"");
    for (i, line) in source.lines().enumerate() {
        if let Some(col) = line.find(&quoted) {
            if line[..col].trim_end().ends_with("import") {
                let col0 = line.find("import").unwrap_or(col);
                return e.at_policy(None, i + 1, col0 + 1);
            }
        }
    }
    e
}

pub(crate) struct Inner {
    pub engine: Engine,
    pub ast: AST,
    pub hooks: Hooks,
    pub info: PolicyInfo,
    pub rules: RuleSet,
    pub rates: Arc<crate::money::rates::RateTables>,
    pub source: String,
    pub modules: BTreeMap<String, String>,
    pub limits: Limits,
    pub scorecards: Arc<scorecard::Scorecards>,
    pub tables: Arc<table::Tables>,
    /// What the policy's `contact_timing()` set, if it has one.
    pub timing: Option<Arc<timing::Timing>>,
}

/// Named data a policy reads (scorecards, decision tables, priors): the embedded ones,
/// read and checked once per process into `embedded`, plus the host's (`{name: JSON}`),
/// each parsed with the module `KIND/NAME` (a host's replaces an embedded one of the same
/// name). A host's whose own name is not the one it is given under is refused as
/// "scorecard given as `NAME` is named `OTHER`" (the kind in the singular), at
/// `name_at(text)` (line, column).
pub(crate) fn named_data<T>(
    embedded: &'static std::sync::OnceLock<Result<BTreeMap<String, Arc<T>>>>,
    files: impl Iterator<Item = (&'static str, &'static str)>,
    host: &BTreeMap<String, String>,
    kind: &str,
    parse: impl Fn(&str, &str) -> Result<T>,
    name_of: impl Fn(&T) -> &str,
    name_at: impl Fn(&str) -> (usize, usize),
) -> Result<BTreeMap<String, Arc<T>>> {
    let mut out = embedded
        .get_or_init(|| {
            let mut m = BTreeMap::new();
            for (path, text) in files {
                let t = parse(path, text)?;
                m.insert(name_of(&t).to_string(), Arc::new(t));
            }
            Ok(m)
        })
        .clone()?;
    for (name, text) in host {
        let module = format!("{kind}/{name}");
        let t = parse(&module, text)?;
        if name_of(&t) != name {
            let (line, column) = name_at(text);
            // `scorecards` -> `scorecard`: the kind names the module and the message.
            let noun = kind.strip_suffix('s').unwrap_or(kind);
            return Err(Error::new(
                ErrorCode::PolicyContract,
                format!("{noun} given as `{name}` is named `{}`", name_of(&t)),
            )
            .at_policy(Some(module), line, column));
        }
        out.insert(name.clone(), Arc::new(t));
    }
    Ok(out)
}

/// Call `contact_timing()` once and read its settings; an error is `policy.contract`
/// at the hook's line.
fn read_timing(
    engine: &Engine,
    ast: &AST,
    priors: &timing::Priors,
    source: &str,
) -> Result<timing::Timing> {
    // The hook's own line: the first line that defines it (not a comment naming it).
    let at = source
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            let col = l.len() - l.trim_start().len();
            l.trim_start()
                .starts_with("fn contact_timing")
                .then(|| (i + 1, l[..col].chars().count() + 1))
        })
        .unwrap_or((1, 1));
    let v = self::engine::call(
        engine,
        rhai::CallFnOptions::new(),
        ast,
        "contact_timing",
        (),
    )?;
    let m = v.try_cast::<rhai::Map>().ok_or_else(|| {
        "`contact_timing()` must return a map like #{ prior: \"consumer\", horizon_hours: 48, weight: 4 }"
            .to_string()
    });
    m.and_then(|m| timing::Timing::from_map(&m, priors))
        .map_err(|msg| Error::new(ErrorCode::PolicyContract, msg).at_policy(None, at.0, at.1))
}

/// A compiled policy: cheap to clone, `Send + Sync`, evaluated any number of times
/// from any number of threads.
#[derive(Clone)]
pub struct Policy {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("info", &self.inner.info)
            .finish()
    }
}

impl Policy {
    /// Compile policy source with default limits and rules.
    pub fn from_source(source: &str) -> Result<Policy> {
        PolicyBuilder::new(source).build()
    }

    /// Compile an embedded policy from `rules/` by module path, such as `consumer/policy`.
    pub fn embedded(path: &str) -> Result<Policy> {
        let src = crate::embedded::source(path).ok_or_else(|| {
            Error::new(
                ErrorCode::PolicyModule,
                format!("no embedded policy `{path}`"),
            )
        })?;
        Policy::from_source(src)
    }

    /// The embedded default consumer collections policy.
    pub fn default_consumer() -> Result<Policy> {
        Policy::embedded(DEFAULT_CONSUMER_POLICY)
    }

    /// Name, version and digest.
    pub fn info(&self) -> &PolicyInfo {
        &self.inner.info
    }

    /// Which hooks the policy defines.
    pub fn hooks(&self) -> Hooks {
        self.inner.hooks
    }

    /// The policy source (to rebuild it elsewhere, for example in a worker process).
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// The host modules it was built with.
    pub fn host_modules(&self) -> &BTreeMap<String, String> {
        &self.inner.modules
    }

    /// The limits it runs under.
    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    /// The compliance rules candidates are checked against.
    pub fn rules(&self) -> &RuleSet {
        &self.inner.rules
    }

    /// Check one proposed contact against this policy's rules (statute packs and house
    /// rules), without running the policy.
    pub fn check_contact(
        &self,
        case: &crate::model::Case,
        channel: crate::model::Channel,
        at: crate::time::Instant,
        debt_id: Option<&str>,
    ) -> Result<crate::compliance::ContactCheck> {
        crate::compliance::check_contact(&self.inner.rules, case, channel, at, debt_id)
    }

    /// Check a plan the debtor proposes against the first plan offer this policy makes
    /// for the case: every broken bound is named, and the exact schedule is returned.
    pub fn check_plan(
        &self,
        case: &crate::model::Case,
        as_of: crate::time::Instant,
        proposal: &crate::money::plans::Proposal,
    ) -> Result<PlanCheck> {
        if proposal.down_payment < rust_decimal::Decimal::ZERO
            || proposal.down_payment > crate::money::max_amount()
        {
            return Err(Error::input(
                "down_payment",
                format!(
                    "`{}` is not an amount between 0 and 10^15",
                    proposal.down_payment
                ),
            ));
        }
        if proposal.first_due_on.0 < crate::time::MIN_DATE
            || proposal.first_due_on.0 > crate::time::MAX_DATE
        {
            return Err(Error::input(
                "first_due_on",
                format!(
                    "{} is outside the supported range 1900-01-01 to 2199-12-31",
                    proposal.first_due_on
                ),
            ));
        }
        if proposal.installments == 0 || proposal.installments > 600 {
            return Err(Error::input(
                "installments",
                format!(
                    "{} installments: between 1 and 600 are accepted",
                    proposal.installments
                ),
            ));
        }
        let d = self.evaluate(case, as_of)?;
        let offer = d.offers.iter().find(|o| o.kind == "plan").ok_or_else(|| {
            Error::new(
                ErrorCode::PolicyContract,
                "the policy offers no payment plan for this case",
            )
        })?;
        let bounds = offer
            .bounds
            .clone()
            .ok_or_else(|| Error::new(ErrorCode::Internal, "a plan offer without bounds"))?;
        let dp = crate::money::minor_units(&offer.currency).unwrap_or(2);
        let today = as_of
            .date_in(crate::time::parse_tz(&case.debtor.timezone).unwrap_or(chrono_tz::UTC))
            .0;
        let (broken, schedule) =
            crate::money::plans::check(&bounds, offer.balance, today, dp, proposal);
        Ok(PlanCheck {
            accepted: broken.is_empty(),
            broken,
            schedule,
            bounds,
        })
    }

    /// The names of the functions the policy defines (the engine's own wrappers excluded).
    pub fn functions(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .inner
            .ast
            .iter_functions()
            .map(|f| f.name.to_string())
            .filter(|n| !n.starts_with("__recobro"))
            .collect();
        crate::sort::sort(&mut v);
        v.dedup();
        v
    }
}

/// Documentation of every function the policy API registers, in registration order.
#[cfg(feature = "metadata")]
pub fn api_docs() -> Vec<ApiDoc> {
    engine::docs()
}

/// Rhai signatures of the registered API (from the engine's metadata).
#[cfg(feature = "metadata")]
pub fn api_signatures() -> Vec<String> {
    engine::signatures()
}
