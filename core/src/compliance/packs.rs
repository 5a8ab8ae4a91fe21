//! Jurisdiction packs: rules declared in Rhai (`rules/compliance/*.rhai`, each with a
//! `pack()` function returning a map) compiled once into native rule structures.

use super::clock::{parse_range, Weekly};
use super::rules::*;
use super::{ContactRule, InForce};
use crate::decision::Confidence;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{Channel, Outcome};
use crate::time::Date;
use chrono::NaiveDate;
use rhai::{Dynamic, Map};
use std::sync::{Arc, OnceLock};

/// What a pack says about one of its rules (`recobro rules` lists these).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleInfo {
    /// The rule id, such as `us.regf.hours`.
    pub id: String,
    /// The legal source.
    pub citation: String,
    /// Whether the rule's reading of the law is confirmed or still to verify.
    pub confidence: crate::Confidence,
    /// The holiday calendar the rule closes on, if any.
    pub closed_on_holidays: Option<String>,
}

/// A jurisdiction's rules, effective-dated.
pub struct Pack {
    /// Pack id, for example `co.ley2300`.
    pub id: String,
    /// ISO 3166 code it applies to: `US` covers `US` and every `US-xx`; `US-MA` only itself.
    pub jurisdiction: String,
    /// Human title.
    pub title: String,
    /// First day in force (debtor's local date).
    pub(crate) effective_from: NaiveDate,
    /// First day no longer in force, if any.
    pub(crate) effective_to: Option<NaiveDate>,
    /// Holiday calendar.
    pub calendar: Option<String>,
    /// The rules.
    pub(crate) rules: Vec<Arc<dyn ContactRule>>,
}

impl std::fmt::Debug for Pack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pack")
            .field("id", &self.id)
            .field("jurisdiction", &self.jurisdiction)
            .field(
                "rules",
                &self
                    .rules
                    .iter()
                    .map(|r| r.id().to_string())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Pack {
    /// Whether the pack's place covers a debtor in `jurisdiction` (whatever the date).
    pub fn covers(&self, jurisdiction: &str) -> bool {
        jurisdiction == self.jurisdiction
            || (self.jurisdiction.len() == 2
                && jurisdiction.len() > 3
                && jurisdiction.starts_with(&self.jurisdiction)
                && jurisdiction.as_bytes().get(2) == Some(&b'-'))
    }

    /// A pack built in code (the project's tests build packs this way).
    #[doc(hidden)]
    pub fn new(
        id: &str,
        jurisdiction: &str,
        title: &str,
        effective: (crate::Date, Option<crate::Date>),
        calendar: Option<String>,
        rules: Vec<Arc<dyn ContactRule>>,
    ) -> Pack {
        Pack {
            id: id.into(),
            jurisdiction: jurisdiction.into(),
            title: title.into(),
            effective_from: effective.0 .0,
            effective_to: effective.1.map(|d| d.0),
            calendar,
            rules,
        }
    }

    /// Each rule's id, citation, confidence and the holiday calendar it closes on.
    pub fn rule_info(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id().to_string(),
                citation: r.citation().to_string(),
                confidence: r.confidence(),
                closed_on_holidays: r.holidays(),
            })
            .collect()
    }

    /// The pack's rules.
    #[doc(hidden)]
    pub fn rules(&self) -> &[Arc<dyn ContactRule>] {
        &self.rules
    }

    /// First day in force (the debtor's local date).
    pub fn effective_from(&self) -> crate::Date {
        crate::Date(self.effective_from)
    }

    /// First day no longer in force, if any.
    pub fn effective_to(&self) -> Option<crate::Date> {
        self.effective_to.map(crate::Date)
    }

    /// The ids of the pack's rules, in order.
    pub fn rule_ids(&self) -> Vec<&str> {
        self.rules.iter().map(|r| r.id()).collect()
    }

    /// Whether the pack is in force on local date `on`.
    pub fn in_force(&self, on: crate::Date) -> bool {
        on.0 >= self.effective_from && self.effective_to.is_none_or(|t| on.0 < t)
    }

    /// The holiday calendars the pack's rules actually close on (a pack's `calendar`
    /// is only the default for its rules that set `holidays: true`).
    pub fn holidays_observed(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rules {
            if let Some(h) = r.holidays() {
                if !out.contains(&h) {
                    out.push(h);
                }
            }
        }
        out
    }
}

fn err(path: &str, msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::PolicyContract, msg).at_path(path)
}

fn text(m: &Map, key: &str, path: &str) -> Result<Option<String>> {
    match m.get(key) {
        None => Ok(None),
        Some(v) if v.is_string() => Ok(Some(v.to_string())),
        Some(v) => Err(err(
            &format!("{path}.{key}"),
            format!("must be a string, not `{}`", v.type_name()),
        )),
    }
}

fn need_text(m: &Map, key: &str, path: &str) -> Result<String> {
    text(m, key, path)?.ok_or_else(|| err(&format!("{path}.{key}"), "is required"))
}

fn int(m: &Map, key: &str, path: &str) -> Result<Option<i64>> {
    match m.get(key) {
        None => Ok(None),
        Some(v) => v.as_int().map(Some).map_err(|t| {
            err(
                &format!("{path}.{key}"),
                format!("must be an integer, not `{t}`"),
            )
        }),
    }
}

/// An integer parameter of rule `id` that must lie in `range`: a `policy.contract`
/// error at `path.key` naming the rule and the allowed range otherwise.
fn ranged(
    m: &Map,
    key: &str,
    path: &str,
    id: &str,
    range: std::ops::RangeInclusive<i64>,
    what: &str,
) -> Result<Option<i64>> {
    let Some(v) = int(m, key, path)? else {
        return Ok(None);
    };
    if range.contains(&v) {
        return Ok(Some(v));
    }
    Err(err(
        &format!("{path}.{key}"),
        format!(
            "rule `{id}`: `{key}` must be from {} to {} {what}, got {v}",
            range.start(),
            range.end()
        ),
    ))
}

/// Allowed `max` of a `cap` rule (contacts per period). A cap of 0 is refused: to
/// forbid a channel, use `consent_required` or leave it out of every window.
pub const CAP_MAX: std::ops::RangeInclusive<i64> = 1..=10_000;
/// Allowed `consent_exclusion_days` of a `cap` rule.
pub const CONSENT_EXCLUSION_DAYS: std::ops::RangeInclusive<i64> = 1..=366;
/// Allowed `days` of an `after_event` rule.
pub const AFTER_EVENT_DAYS: std::ops::RangeInclusive<i64> = 1..=366;
/// Allowed `max` of a `channels_per_week` rule (there are 7 channels).
pub const CHANNELS_PER_WEEK_MAX: std::ops::RangeInclusive<i64> = 1..=7;

fn list(m: &Map, key: &str, path: &str) -> Result<Option<Vec<String>>> {
    match m.get(key) {
        None => Ok(None),
        Some(v) if v.is_array() => {
            let arr = v.clone().into_array().unwrap_or_default();
            arr.iter()
                .enumerate()
                .map(|(i, x)| {
                    if x.is_string() {
                        Ok(x.to_string())
                    } else {
                        Err(err(&format!("{path}.{key}[{i}]"), "must be a string"))
                    }
                })
                .collect::<Result<Vec<_>>>()
                .map(Some)
        }
        Some(v) => Err(err(
            &format!("{path}.{key}"),
            format!("must be an array, not `{}`", v.type_name()),
        )),
    }
}

fn channels(m: &Map, key: &str, path: &str) -> Result<Option<Vec<Channel>>> {
    list(m, key, path)?
        .map(|l| {
            l.iter()
                .enumerate()
                .map(|(i, c)| {
                    Channel::parse(c).ok_or_else(|| {
                        err(
                            &format!("{path}.{key}[{i}]"),
                            format!("`{c}` is not one of {}", Channel::names()),
                        )
                    })
                })
                .collect()
        })
        .transpose()
}

fn date(m: &Map, key: &str, path: &str) -> Result<Option<NaiveDate>> {
    text(m, key, path)?
        .map(|s| {
            Date::parse(&s)
                .map(|d| d.0)
                .map_err(|e| err(&format!("{path}.{key}"), e))
        })
        .transpose()
}

fn check_keys(m: &Map, allowed: &[&str], path: &str) -> Result<()> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(err(
                &format!("{path}.{k}"),
                format!("unknown key `{k}`; expected one of {}", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn weekly(v: &Dynamic, path: &str) -> Result<Weekly> {
    let m = v
        .clone()
        .try_cast::<Map>()
        .ok_or_else(|| err(path, "must be a map like #{ mon: \"08:00-21:00\", ... }"))?;
    let mut w = Weekly::default();
    for (k, val) in &m {
        let targets: Vec<usize> = match k.as_str() {
            "every_day" => (0..7).collect(),
            "weekdays" => (0..5).collect(),
            d => vec![DAYS.iter().position(|x| *x == d).ok_or_else(|| {
                err(
                    &format!("{path}.{d}"),
                    "expected a weekday (`mon`..`sun`), `weekdays` or `every_day`",
                )
            })?],
        };
        let ranges: Vec<String> = if val.is_string() {
            vec![val.to_string()]
        } else if val.is_array() {
            val.clone()
                .into_array()
                .unwrap_or_default()
                .iter()
                .map(|x| x.to_string())
                .collect()
        } else {
            return Err(err(
                &format!("{path}.{k}"),
                "must be \"HH:MM-HH:MM\" or an array of them",
            ));
        };
        for r in ranges {
            let range = parse_range(&r).map_err(|e| err(&format!("{path}.{k}"), e))?;
            for &d in &targets {
                w.days[d].push(range);
            }
        }
    }
    if w.days.iter().all(Vec::is_empty) {
        return Err(err(
            path,
            "has no range: a window that never opens would block every contact; use \
             `consent_required` or leave the channel out to forbid one",
        ));
    }
    Ok(w)
}

/// Parse one declared rule.
fn parse_rule(v: &Dynamic, calendar: Option<&str>, path: &str) -> Result<Arc<dyn ContactRule>> {
    let m = v.clone().try_cast::<Map>().ok_or_else(|| {
        err(
            path,
            format!("a rule must be a map, not `{}`", v.type_name()),
        )
    })?;
    let kind = need_text(&m, "kind", path)?;
    let confidence_text = need_text(&m, "confidence", path)?;
    let id = need_text(&m, "id", path)?;
    let meta = Meta {
        id: id.clone(),
        citation: need_text(&m, "citation", path)?,
        confidence: Confidence::parse(&confidence_text).ok_or_else(|| {
            err(
                &format!("{path}.confidence"),
                "expected `confirmed`, `to_verify`, `house` or `reference`",
            )
        })?,
        channels: channels(&m, "channels", path)?,
    };
    let common = [
        "id",
        "kind",
        "citation",
        "confidence",
        "channels",
        "effective_from",
        "effective_to",
    ];
    fn with(common: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
        common.iter().chain(extra).copied().collect()
    }
    let scope = |m: &Map| -> Result<Scope> {
        match text(m, "scope", path)?.as_deref() {
            None | Some("person") => Ok(Scope::Person),
            Some("debt") => Ok(Scope::Debt),
            Some(o) => Err(err(
                &format!("{path}.scope"),
                format!("`{o}` is not `person` or `debt`"),
            )),
        }
    };
    let rule: Box<dyn ContactRule> = match kind.as_str() {
        "window" => {
            check_keys(&m, &with(&common, &["hours", "holidays", "calendar"]), path)?;
            let hours = m.get("hours").ok_or_else(|| err(&format!("{path}.hours"), "is required"))?;
            let holidays = match m.get("holidays") {
                None => false,
                Some(b) => b.as_bool().map_err(|_| err(&format!("{path}.holidays"), "must be true or false"))?,
            };
            let own = text(&m, "calendar", path)?;
            if own.is_some() && !holidays {
                return Err(err(
                    &format!("{path}.calendar"),
                    format!("rule `{}`: `calendar` has no effect without `holidays: true`", meta.id),
                ));
            }
            // The rule's own calendar, else its pack's; with neither, the debtor's
            // jurisdiction's calendar at check time.
            let holidays = match (holidays, own.or_else(|| calendar.map(str::to_string))) {
                (false, _) => Holidays::Open,
                (true, Some(c)) => {
                    if !super::holidays::CALENDARS.contains(&c.as_str()) {
                        return Err(err(
                            &format!("{path}.calendar"),
                            format!("no holiday calendar `{c}`; expected one of {}", super::holidays::CALENDARS.join(", ")),
                        ));
                    }
                    Holidays::Calendar(c)
                }
                (true, None) => Holidays::Jurisdiction,
            };
            Box::new(WindowRule {
                meta,
                weekly: weekly(hours, &format!("{path}.hours"))?,
                holidays,
            })
        }
        "cap" => {
            check_keys(&m, &with(&common, &["max", "period", "scope", "counted", "exclude_outcomes", "consent_exclusion_days"]), path)?;
            let max = ranged(&m, "max", path, &meta.id, CAP_MAX, "contacts per period")?
                .ok_or_else(|| err(&format!("{path}.max"), format!("rule `{}`: is required", meta.id)))?;
            let period = Period::parse(&need_text(&m, "period", path)?)
                .map_err(|e| err(&format!("{path}.period"), format!("rule `{}`: {e}", meta.id)))?;
            let exclude_outcomes = list(&m, "exclude_outcomes", path)?
                .unwrap_or_default()
                .iter()
                .map(|o| Outcome::parse(o).ok_or_else(|| err(&format!("{path}.exclude_outcomes"), format!("unknown outcome `{o}`"))))
                .collect::<Result<Vec<_>>>()?;
            let consent_exclusion_days =
                ranged(&m, "consent_exclusion_days", path, &meta.id, CONSENT_EXCLUSION_DAYS, "days")?;
            Box::new(CapRule {
                max: usize::try_from(max).map_err(|_| err(&format!("{path}.max"), "out of range"))?,
                period,
                scope: scope(&m)?,
                counted: channels(&m, "counted", path)?,
                exclude_outcomes,
                consent_exclusion_days,
                meta,
            })
        }
        "after_event" => {
            check_keys(&m, &with(&common, &["days", "scope", "event_channels", "consent_exclusion_days"]), path)?;
            let days = ranged(&m, "days", path, &meta.id, AFTER_EVENT_DAYS, "days")?
                .ok_or_else(|| err(&format!("{path}.days"), format!("rule `{}`: is required", meta.id)))?;
            let consent_exclusion_days =
                ranged(&m, "consent_exclusion_days", path, &meta.id, CONSENT_EXCLUSION_DAYS, "days")?;
            Box::new(AfterEventRule {
                meta,
                days,
                scope: scope(&m)?,
                event_channels: channels(&m, "event_channels", path)?,
                consent_exclusion_days,
            })
        }
        "channels_per_week" => {
            check_keys(&m, &with(&common, &["max"]), path)?;
            let max = ranged(&m, "max", path, &meta.id, CHANNELS_PER_WEEK_MAX, "channels")?
                .ok_or_else(|| err(&format!("{path}.max"), format!("rule `{}`: is required", meta.id)))?;
            Box::new(ChannelsPerWeekRule {
                max: usize::try_from(max).map_err(|_| err(&format!("{path}.max"), "out of range"))?,
                meta,
            })
        }
        "consent_required" => {
            check_keys(&m, &with(&common, &[]), path)?;
            Box::new(ConsentRequiredRule { meta })
        }
        other => {
            return Err(err(
                &format!("{path}.kind"),
                format!("`{other}` is not a rule kind: window, cap, after_event, channels_per_week, consent_required"),
            ))
        }
    };
    let from = date(&m, "effective_from", path)?;
    let to = date(&m, "effective_to", path)?;
    if let (Some(f), Some(t)) = (from, to) {
        if t <= f {
            return Err(err(
                &format!("{path}.effective_to"),
                format!("rule `{id}`: effective_to {t} is not after effective_from {f}"),
            ));
        }
    }
    Ok(if from.is_some() || to.is_some() {
        Arc::new(InForce {
            inner: Arc::from(rule),
            from,
            to,
        })
    } else {
        Arc::from(rule)
    })
}

/// Parse an array of declared rules (a pack's `rules`, or a policy's `house_rules()`).
pub fn parse_rules(
    v: Dynamic,
    calendar: Option<&str>,
    path: &str,
) -> Result<Vec<Arc<dyn ContactRule>>> {
    if v.is_unit() {
        return Ok(Vec::new());
    }
    let arr = v
        .into_array()
        .map_err(|t| err(path, format!("must be an array of rule maps, not `{t}`")))?;
    arr.iter()
        .enumerate()
        .map(|(i, r)| parse_rule(r, calendar, &format!("{path}[{i}]")))
        .collect()
}

/// Parse a pack map.
pub fn parse_pack(v: Dynamic, path: &str) -> Result<Pack> {
    let m = v
        .try_cast::<Map>()
        .ok_or_else(|| err(path, "`pack()` must return a map"))?;
    check_keys(
        &m,
        &[
            "id",
            "jurisdiction",
            "title",
            "effective_from",
            "effective_to",
            "calendar",
            "rules",
        ],
        path,
    )?;
    let calendar = text(&m, "calendar", path)?;
    if let Some(c) = &calendar {
        if !super::holidays::CALENDARS.contains(&c.as_str()) {
            return Err(err(
                &format!("{path}.calendar"),
                format!("no holiday calendar `{c}`"),
            ));
        }
    }
    let rules = parse_rules(
        m.get("rules").cloned().unwrap_or(Dynamic::UNIT),
        calendar.as_deref(),
        &format!("{path}.rules"),
    )?;
    let effective_from = date(&m, "effective_from", path)?
        .ok_or_else(|| err(&format!("{path}.effective_from"), "is required"))?;
    let effective_to = date(&m, "effective_to", path)?;
    if let Some(t) = effective_to.filter(|t| *t <= effective_from) {
        return Err(err(
            &format!("{path}.effective_to"),
            format!("effective_to {t} is not after effective_from {effective_from}"),
        ));
    }
    Ok(Pack {
        id: need_text(&m, "id", path)?,
        jurisdiction: need_text(&m, "jurisdiction", path)?,
        title: text(&m, "title", path)?.unwrap_or_default(),
        effective_from,
        effective_to,
        calendar,
        rules,
    })
}

/// Rhai's standard library as one module, built once per process and shared by every
/// engine the crate makes (the packs' and each policy's), as Rhai advises for many
/// engines. Building it registers every standard function anew: about 2.5 million
/// instructions, which each engine paid (ten engines before a process's first decision
/// with the default policy).
///
/// INVARIANT: the module is never changed after it is built (it is shared read-only),
/// so every engine sees the same functions it would have built for itself.
pub(crate) fn standard_library() -> rhai::Shared<rhai::Module> {
    static STD: OnceLock<rhai::Shared<rhai::Module>> = OnceLock::new();
    STD.get_or_init(|| {
        let std =
            rhai::packages::Package::as_shared_module(&rhai::packages::StandardPackage::new());
        // The comparer-taking array functions, strict (see `compliance::arrays`); the
        // string and decimal functions that could hang, overbuild or panic, checked
        // (see `compliance::checked`).
        let mut m = (*std).clone();
        super::arrays::make_strict(&mut m);
        super::checked::make_checked(&mut m);
        m.build_index();
        m.into()
    })
    .clone()
}

/// Compile a declaration module (a compliance pack) and call its no-argument function.
///
/// A pack is data (maps, arrays, strings and `let`s): it runs in a plain sandboxed
/// engine (standard library only, no `eval`, no imports, the default policy limits),
/// not in a policy's engine, so compliance does not depend on policies.
fn run_declaration(source: &str, name: &str, function: &str) -> Result<Dynamic> {
    let mut engine = rhai::Engine::new_raw();
    engine.set_max_strings_interned(0);
    engine.register_global_module(standard_library());
    engine.disable_symbol("eval");
    engine.set_fail_on_invalid_map_property(true);
    engine.set_max_operations(1_000_000);
    engine.set_max_call_levels(32);
    engine.set_max_expr_depths(64, 32);
    engine.set_max_string_size(64 * 1024);
    engine.set_max_array_size(10_000);
    engine.set_max_map_size(10_000);
    engine.set_max_variables(1_000);
    let mut ast = engine
        .compile_into_self_contained(&rhai::Scope::new(), source)
        .map_err(|e| Error::new(ErrorCode::PolicySyntax, format!("{name}: {e}")))?;
    ast.set_source(name);
    engine
        .call_fn_with_options::<Dynamic>(
            rhai::CallFnOptions::new(),
            &mut rhai::Scope::new(),
            &ast,
            function,
            (),
        )
        .map_err(|e| Error::new(ErrorCode::PolicyRuntime, format!("{name}: {e}")))
}

/// Every embedded pack under `rules/compliance/`, compiled once per process.
pub fn standard_packs() -> Result<&'static [Arc<Pack>]> {
    static PACKS: OnceLock<std::result::Result<Vec<Arc<Pack>>, Error>> = OnceLock::new();
    PACKS
        .get_or_init(|| {
            let mut out = Vec::new();
            for path in crate::embedded::paths().filter(|p| p.starts_with("compliance/")) {
                let src = crate::embedded::source(path).unwrap_or_default();
                let v = run_declaration(src, path, "pack")?;
                out.push(Arc::new(parse_pack(v, &format!("{path}: pack()"))?));
            }
            Ok(out)
        })
        .as_ref()
        .map(|v| v.as_slice())
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str) -> Dynamic {
        rhai::Engine::new().eval::<Dynamic>(src).unwrap()
    }

    fn pack_src(dates: &str, rules: &str) -> String {
        format!("#{{ id: \"p\", jurisdiction: \"US\", {dates}, rules: [{rules}] }}")
    }

    const WINDOW: &str = "#{ id: \"w\", kind: \"window\", citation: \"x\", confidence: \"house\", hours: #{ mon: \"09:00-10:00\" } }";

    #[test]
    fn pack_dates_must_be_in_order() {
        let e = parse_pack(
            eval(&pack_src(
                "effective_from: \"2026-01-01\", effective_to: \"2026-01-01\"",
                WINDOW,
            )),
            "pack()",
        )
        .unwrap_err();
        assert_eq!(e.path(), Some("pack().effective_to"));
        let p = parse_pack(
            eval(&pack_src(
                "effective_from: \"2026-01-01\", effective_to: \"2026-01-02\"",
                WINDOW,
            )),
            "pack()",
        )
        .unwrap();
        assert!(p.in_force(crate::Date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())));
        assert!(!p.in_force(crate::Date(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap())));
        assert!(p.covers("US-MA") && p.covers("US") && !p.covers("USA") && !p.covers("MX"));
    }

    #[test]
    fn a_window_without_ranges_is_refused() {
        let e = parse_rules(
            eval("[#{ id: \"w\", kind: \"window\", citation: \"x\", confidence: \"house\", hours: #{} }]"),
            None,
            "house_rules()",
        )
        .err()
        .map(|e| e.path().map(str::to_string));
        assert_eq!(e, Some(Some("house_rules()[0].hours".into())));
    }

    #[test]
    fn a_pack_calendar_is_the_default_for_rules_with_holidays() {
        let p = parse_pack(
            eval(&pack_src(
                "effective_from: \"2026-01-01\", calendar: \"US\"",
                &format!("{WINDOW}, #{{ id: \"h\", kind: \"window\", citation: \"x\", confidence: \"house\", hours: #{{ mon: \"09:00-10:00\" }}, holidays: true }}"),
            )),
            "pack()",
        )
        .unwrap();
        assert_eq!(p.holidays_observed(), vec!["US".to_string()]);
        let r: Vec<Option<String>> = p.rules.iter().map(|r| r.holidays()).collect();
        assert_eq!(r, vec![None, Some("US".into())]);
    }
}
