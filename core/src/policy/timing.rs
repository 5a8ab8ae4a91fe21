//! The best contact moment: for each contact candidate, the lawful slot within the
//! policy's horizon where the debtor is most likely to be reached.
//!
//! A policy opts in with a `contact_timing()` hook, read once when it is built:
//!
//! ```text
//! fn contact_timing() { #{ prior: "consumer", horizon_hours: 48, weight: 4 } }
//! ```
//!
//! - `prior`: a prior by name (embedded under `rules/priors/`, or the host's
//!   `PolicyOptions.priors`): a portfolio's right-party-contact rates per channel and
//!   local hour, with optional weekday factors.
//! - `horizon_hours` (1 to [`MAX_HORIZON_HOURS`]): how far past the earliest lawful
//!   instant the engine looks.
//! - `weight` (0 to [`MAX_WEIGHT`]): how many attempts the prior counts as, so a
//!   debtor's own ledger outweighs it once it holds more attempts at that hour.
//!
//! For a contact candidate on a channel the prior knows, the slots are its earliest
//! lawful instant (its own earliest instant, or its `next_allowed_at` when it is
//! blocked) and each local top of the hour after it, up to the horizon. A slot's
//! expected rate, with `n` the debtor's outbound attempts on that channel at that
//! local hour (any weekday), `s` how many reached the right party (connected or a
//! conversation), `p` the prior's rate for that hour times its weekday factor (at most
//! 1) and `w` the weight:
//!
//! ```text
//! rate = (s + w * p) / (n + w)          (p when n + w = 0), 6 decimals, no trailing zeros
//! ```
//!
//! The slots are ranked by rate, the earlier first on ties, and the first that every
//! compliance rule allows (checked by the engine at that instant, with the rules in
//! force on that local date) is the candidate's `best_at`, so never before its
//! `next_allowed_at`. No lawful slot in the horizon, a
//! channel the prior does not know, or a candidate only a person can unblock: no
//! `best_at`.
//!
//! A prior's JSON:
//!
//! ```text
//! {"name": "consumer", "version": "1", "source": "where the rates come from",
//!  "channels": {"call": {"hours": [24 rates, local hour 0 to 23],
//!                        "weekdays": [7 factors, mon to sun]}}}
//! ```
//!
//! Rates within 0 to 1, factors within 0 to 10, at most 6 decimals each.

use crate::compliance::{CheckContext, ContactRule, RuleVerdict};
use crate::decision::{Action, BestSlot};
use crate::error::{Error, ErrorCode, Result};
use crate::model::{Case, Channel, Direction};
use crate::time::Instant;
use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Longest horizon a policy may set, in hours (a week).
pub const MAX_HORIZON_HOURS: u32 = 168;
/// Largest prior weight, in attempts.
pub const MAX_WEIGHT: u32 = 1_000;
/// Decimals of a rate.
const DP: u32 = 6;
const MAX_NAME: usize = 64;
const MAX_SOURCE: usize = 1_000;
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One channel of a prior: its rate at each local hour and weekday ([`combine`] of the
/// hour's rate and the weekday's factor), worked out once when the prior is read (the
/// best contact moment asks for it at every slot of every contact candidate).
#[derive(Debug, Clone, PartialEq)]
struct ChannelPrior {
    rates: [[Option<Decimal>; 7]; 24],
}

impl ChannelPrior {
    fn new(hours: &[Decimal; 24], weekdays: &[Decimal; 7]) -> ChannelPrior {
        let mut rates = [[None; 7]; 24];
        for (row, &h) in rates.iter_mut().zip(hours) {
            for (r, &f) in row.iter_mut().zip(weekdays) {
                *r = combine(h, f);
            }
        }
        ChannelPrior { rates }
    }
}

/// An hour's rate times a weekday's factor, at most 1, 6 decimals.
fn combine(h: Decimal, f: Decimal) -> Option<Decimal> {
    // INVARIANT: h <= 1 and f <= 10 with 6 decimals each: the product fits.
    let p = h.checked_mul(f)?.min(Decimal::ONE);
    Some(
        p.round_dp_with_strategy(DP, RoundingStrategy::MidpointAwayFromZero)
            .normalize(),
    )
}

/// A portfolio's right-party-contact rates by channel, local hour and weekday.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Where its rates come from.
    pub source: String,
    channels: BTreeMap<Channel, ChannelPrior>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrior<'a> {
    name: String,
    version: String,
    #[serde(default)]
    source: String,
    #[serde(borrow)]
    channels: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel<'a> {
    #[serde(borrow)]
    hours: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    weekdays: Option<Vec<&'a RawValue>>,
}

fn contract(module: &str, text: &str, part: &str, message: String) -> Error {
    let (line, column) = super::table::position(text, part);
    Error::new(ErrorCode::PolicyContract, message).at_policy(Some(module.to_string()), line, column)
}

/// A number within `0..=max` with at most [`DP`] decimals.
fn rate(part: &RawValue, max: Decimal) -> std::result::Result<Decimal, String> {
    let d = crate::money::amount::deserialize(&mut serde_json::Deserializer::from_str(part.get()))
        .map_err(|e| e.to_string())?;
    if d.is_sign_negative() || d > max || d.scale() > DP {
        return Err(format!(
            "`{}` must be within 0 and {max}, with at most {DP} decimals",
            part.get()
        ));
    }
    Ok(d)
}

impl Prior {
    /// Read and check a prior from JSON text (see the module's documentation); errors
    /// are `policy.syntax` or `policy.contract` at their line and column, with `module`
    /// as their module.
    pub fn parse(module: &str, text: &str) -> Result<Prior> {
        let raw: RawPrior<'_> = serde_json::from_str(text).map_err(|e| {
            Error::new(ErrorCode::PolicySyntax, format!("prior: {e}")).at_policy(
                Some(module.to_string()),
                e.line().max(1),
                e.column().max(1),
            )
        })?;
        let name_ok = |s: &str| !s.is_empty() && s.len() <= MAX_NAME;
        if !name_ok(&raw.name) || !name_ok(&raw.version) || raw.source.len() > MAX_SOURCE {
            return Err(contract(
                module,
                text,
                text,
                format!("a prior needs a name and a version of 1 to {MAX_NAME} bytes, and a source of at most {MAX_SOURCE}"),
            ));
        }
        if raw.channels.is_empty() {
            return Err(contract(
                module,
                text,
                text,
                "a prior needs at least one channel".into(),
            ));
        }
        let mut channels = BTreeMap::new();
        for (name, part) in raw.channels {
            let here = |p: &str, m: String| contract(module, text, p, m);
            let channel = Channel::parse(&name).ok_or_else(|| {
                here(
                    part.get(),
                    format!(
                        "`{name}` is not a channel: expected one of {}",
                        Channel::names()
                    ),
                )
            })?;
            let c: RawChannel<'_> = serde_json::from_str(part.get()).map_err(|e| {
                // The error's line and column are within the channel's object: place
                // them in the file.
                let (pl, pc) = super::table::position(text, part.get());
                let (line, column) = if e.line() <= 1 {
                    (pl, pc + e.column().saturating_sub(1))
                } else {
                    (pl + e.line() - 1, e.column())
                };
                Error::new(
                    ErrorCode::PolicyContract,
                    format!(
                        "channel `{name}`: {}",
                        crate::error::clean_serde_message(&e.to_string())
                    ),
                )
                .at_policy(Some(module.to_string()), line, column.max(1))
            })?;
            if c.hours.len() != 24 {
                return Err(here(
                    part.get(),
                    format!(
                        "channel `{name}`: `hours` needs 24 rates (local hour 0 to 23), not {}",
                        c.hours.len()
                    ),
                ));
            }
            let mut hours = [Decimal::ZERO; 24];
            for (h, p) in c.hours.iter().enumerate() {
                hours[h] = rate(p, Decimal::ONE)
                    .map_err(|m| here(p.get(), format!("channel `{name}`, hour {h}: {m}")))?;
            }
            let mut weekdays = [Decimal::ONE; 7];
            if let Some(w) = &c.weekdays {
                if w.len() != 7 {
                    return Err(here(
                        part.get(),
                        format!(
                            "channel `{name}`: `weekdays` needs 7 factors (mon to sun), not {}",
                            w.len()
                        ),
                    ));
                }
                for (d, p) in w.iter().enumerate() {
                    weekdays[d] = rate(p, Decimal::TEN).map_err(|m| {
                        here(p.get(), format!("channel `{name}`, {}: {m}", WEEKDAYS[d]))
                    })?;
                }
            }
            channels.insert(channel, ChannelPrior::new(&hours, &weekdays));
        }
        Ok(Prior {
            name: raw.name,
            version: raw.version,
            source: raw.source,
            channels,
        })
    }

    /// Whether the prior has rates for `channel`.
    pub fn knows(&self, channel: Channel) -> bool {
        self.channels.contains_key(&channel)
    }

    /// The prior's rate for `channel` at local `hour` (0 to 23) on `weekday` (0 is
    /// Monday): the hour's rate times the weekday's factor, at most 1, 6 decimals.
    pub fn rate(&self, channel: Channel, hour: u32, weekday: u32) -> Option<Decimal> {
        let c = self.channels.get(&channel)?;
        *c.rates.get(hour as usize)?.get(weekday as usize)?
    }
}

/// The embedded priors plus the host's, by name.
#[derive(Debug, Clone, Default)]
pub struct Priors(BTreeMap<String, Arc<Prior>>);

impl Priors {
    /// The embedded priors (`rules/priors/*.json`) plus `host` ({name: JSON text}),
    /// each checked. A host prior's errors have the module `priors/NAME`; its `name`
    /// must be the name it is given under.
    pub fn build(host: &BTreeMap<String, String>) -> Result<Priors> {
        static EMBEDDED: std::sync::OnceLock<Result<BTreeMap<String, Arc<Prior>>>> =
            std::sync::OnceLock::new();
        super::named_data(
            &EMBEDDED,
            crate::embedded::priors(),
            host,
            "priors",
            Prior::parse,
            |p| &p.name,
            |text| {
                text.find("\"name\"").map_or((1, 1), |i| {
                    super::table::position(text, text.get(i..).unwrap_or(""))
                })
            },
        )
        .map(Priors)
    }

    /// A prior by name.
    pub fn get(&self, name: &str) -> Option<&Arc<Prior>> {
        self.0.get(name)
    }

    /// The names, for error messages.
    pub fn names(&self) -> String {
        self.0.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// What a policy's `contact_timing()` hook set.
#[derive(Debug, Clone)]
pub struct Timing {
    /// The prior.
    pub prior: Arc<Prior>,
    /// How far past a candidate's earliest instant to look, in hours.
    pub horizon_hours: u32,
    /// The prior's weight, in attempts.
    pub weight: Decimal,
}

impl Timing {
    /// Read the hook's map; `Err` holds the message (the caller places it).
    pub(crate) fn from_map(m: &rhai::Map, priors: &Priors) -> std::result::Result<Timing, String> {
        for k in m.keys() {
            if !["prior", "horizon_hours", "weight"].contains(&k.as_str()) {
                return Err(format!(
                    "`contact_timing()` has no setting `{k}`; the settings are `prior`, `horizon_hours` and `weight`"
                ));
            }
        }
        let prior_name = m
            .get("prior")
            .and_then(|v| v.clone().into_immutable_string().ok())
            .ok_or("`contact_timing().prior` must be the name of a prior (a string)")?;
        let prior = priors.get(&prior_name).cloned().ok_or_else(|| {
            format!(
                "`contact_timing().prior`: no prior `{prior_name}`; the priors are {}",
                priors.names()
            )
        })?;
        let int = |k: &str, lo: i64, hi: i64| -> std::result::Result<i64, String> {
            let v = m
                .get(k)
                .ok_or_else(|| format!("`contact_timing()` needs `{k}`"))?;
            let n = v.as_int().ok().or_else(|| {
                v.clone()
                    .try_cast::<Decimal>()
                    .filter(|d| d.fract().is_zero())
                    .and_then(|d| i64::try_from(d).ok())
            });
            match n {
                Some(n) if (lo..=hi).contains(&n) => Ok(n),
                _ => Err(format!(
                    "`contact_timing().{k}` must be a whole number from {lo} to {hi}, not `{v}`"
                )),
            }
        };
        let horizon_hours = int("horizon_hours", 1, i64::from(MAX_HORIZON_HOURS))? as u32;
        let weight = Decimal::from(int("weight", 0, i64::from(MAX_WEIGHT))?);
        Ok(Timing {
            prior,
            horizon_hours,
            weight,
        })
    }
}

/// A debtor's outbound attempts and right-party contacts on one channel, by local hour.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Evidence {
    attempts: [u32; 24],
    right_party: [u32; 24],
}

impl Evidence {
    /// Count `case`'s outbound contacts on `channel` by their local hour in `tz`.
    pub(crate) fn of(case: &Case, channel: Channel, tz: Tz) -> Evidence {
        let mut e = Evidence::default();
        for c in case
            .contacts
            .iter()
            .filter(|c| c.channel == channel && c.direction == Direction::Outbound)
        {
            let h = c.at.0.with_timezone(&tz).hour() as usize;
            // INVARIANT: hour() < 24.
            e.attempts[h] = e.attempts[h].saturating_add(1);
            if c.outcome.is_right_party() {
                e.right_party[h] = e.right_party[h].saturating_add(1);
            }
        }
        e
    }
}

/// A slot: an instant and what is expected of it.
#[derive(Debug, Clone)]
struct Slot {
    at: Instant,
    hour: u32,
    weekday: u32,
    rate: Decimal,
    prior_rate: Decimal,
}

/// The slots from `from` within the horizon, in time order.
fn slots(timing: &Timing, ev: &Evidence, channel: Channel, tz: Tz, from: Instant) -> Vec<Slot> {
    let mut slots = Vec::with_capacity(timing.horizon_hours as usize + 1);
    let start = from.timestamp();
    let end = start + i64::from(timing.horizon_hours) * 3_600;
    let mut t = start;
    while t <= end {
        // The first slot is `from` itself (with its fraction of a second, so never before
        // it); the others are local tops of the hour.
        let at = if t == start {
            from
        } else {
            Instant::from_timestamp(t)
        };
        let l = tz.from_utc_datetime(&at.0.naive_utc());
        let (hour, weekday) = (l.hour(), l.weekday().num_days_from_monday());
        // The next local top of the hour, from this slot's own local time (an offset
        // may change by half an hour, or be of odd minutes in old zones).
        // INVARIANT: minute * 60 + second < 3600, so the step is at least 1 second.
        let next = t + 3_600 - (i64::from(l.minute()) * 60 + i64::from(l.second().min(59)));
        let prior_rate = timing
            .prior
            .rate(channel, hour, weekday)
            .unwrap_or(Decimal::ZERO);
        let (n, s) = (ev.attempts[hour as usize], ev.right_party[hour as usize]);
        let rate = slot_rate(n, s, timing.weight, prior_rate);
        slots.push(Slot {
            at,
            hour,
            weekday,
            rate,
            prior_rate,
        });
        t = next;
    }
    slots
}

/// A slot's expected rate: `(s + w * p) / (n + w)` to 6 decimals (half away from zero)
/// without trailing zeros, or `p` as it is when `n + w` is 0.
///
/// An hour with no attempts (`n` = 0, so `s` = 0) and a weight skips the division
/// (about 1% of a decision's instructions): `(0 + w * p) / (0 + w)` is `p` itself
/// (`w * p` is exact, and so is a quotient that is representable), so rounding and
/// normalising `p` gives the same value and, normalised, the same digits and scale.
/// `tests::the_shortcut_is_the_formula` compares the two over weights and rates.
fn slot_rate(n: u32, s: u32, weight: Decimal, prior_rate: Decimal) -> Decimal {
    if n == 0 && !weight.is_zero() {
        return prior_rate
            .round_dp_with_strategy(DP, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
    }
    formula_rate(n, s, weight, prior_rate)
}

/// [`slot_rate`] by its formula alone.
fn formula_rate(n: u32, s: u32, weight: Decimal, prior_rate: Decimal) -> Decimal {
    let den = Decimal::from(n) + weight;
    if den.is_zero() {
        prior_rate
    } else {
        // INVARIANT: s <= n < 2^32, w <= 1000, p <= 1: no overflow; den > 0.
        ((Decimal::from(s) + weight * prior_rate) / den)
            .round_dp_with_strategy(DP, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    }
}

/// The best slot not yet `tried`: the highest rate, the earliest on ties. (A selection,
/// not a sort: the first slot asked about is lawful far more often than not.)
fn best_untried(slots: &[Slot], tried: &[bool]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, s) in slots.iter().enumerate() {
        if tried[i] {
            continue;
        }
        // INVARIANT: `slots` is in time order, so `>` keeps the earliest of equal rates.
        if best.is_none_or(|b| s.rate > slots[b].rate) {
            best = Some(i);
        }
    }
    best
}

/// The best lawful slot for `action` (a contact on a channel the prior knows) from
/// `from`, never before `not_before` (a blocked candidate's `next_allowed_at`): the
/// slot and how many slots were checked. `None` when no slot in the horizon is lawful.
pub(crate) fn best_slot(
    timing: &Timing,
    ctx: &CheckContext<'_>,
    rules: &crate::compliance::RuleSet,
    action: &Action,
    from: Instant,
    not_before: Option<Instant>,
) -> Option<(Instant, BestSlot)> {
    let channel = action.channel?;
    if !timing.prior.knows(channel) {
        return None;
    }
    let tz = ctx.facts.tz;
    let ev = Evidence::of(ctx.case, channel, tz);
    let mut by_date: Vec<(NaiveDate, Vec<&dyn ContactRule>)> = Vec::new();
    let mut checked = 0u32;
    let quiet = CheckContext {
        explain: false,
        ..ctx.clone()
    };
    // The horizon runs from the earliest lawful instant: a blocked candidate's reopening.
    let from = not_before.map_or(from, |n| n.max(from));
    let slots = slots(timing, &ev, channel, tz, from);
    let mut tried = vec![false; slots.len()];
    while let Some(i) = best_untried(&slots, &tried) {
        tried[i] = true;
        let slot = &slots[i];
        let date = slot.at.date_in(tz).0;
        let ix = match by_date.iter().position(|(d, _)| *d == date) {
            Some(i) => i,
            None => {
                by_date.push((date, rules.applicable(&ctx.case.debtor.jurisdiction, date)));
                by_date.len() - 1
            }
        };
        checked += 1;
        // Lawful: no rule in force that day blocks it (no search for a reopening: a
        // blocked slot is simply passed over).
        let lawful = by_date[ix].1.iter().all(|r| {
            !matches!(
                r.check_at(&quiet, action, slot.at),
                RuleVerdict::Block { .. }
            )
        });
        if lawful {
            let h = slot.hour as usize;
            return Some((
                slot.at,
                BestSlot {
                    local_hour: slot.hour,
                    weekday: WEEKDAYS[slot.weekday as usize].to_string(),
                    rate: slot.rate,
                    attempts: ev.attempts[h],
                    right_party: ev.right_party[h],
                    prior: format!("{}@{}", timing.prior.name, timing.prior.version),
                    prior_rate: slot.prior_rate,
                    prior_weight: timing.weight,
                    slots_checked: checked,
                },
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// The shortcut for an hour without attempts gives the formula's value, digits and
    /// scale, for weights across the hook's range (0 to 20, then up to 1000) and rates of
    /// every scale up to the prior's 6 decimals (and beyond, which rounding must treat
    /// alike).
    #[test]
    fn the_shortcut_is_the_formula() {
        let rates = [
            "0",
            "0.000000",
            "0.000001",
            "0.1",
            "0.25",
            "0.250000",
            "0.333333",
            "0.5",
            "0.999999",
            "1",
            "1.000000",
            "0.1234565",
            "0.12345649",
            "0.0000005",
        ];
        let mut compared = 0;
        for w in (0..=20).chain([99, 100, 500, 999, MAX_WEIGHT]) {
            let w = Decimal::from(w);
            for r in rates {
                let p = Decimal::from_str(r).expect("a decimal literal");
                for (n, s) in [(0, 0), (1, 0), (1, 1), (3, 2), (7, 0), (u32::MAX, 5)] {
                    let fast = slot_rate(n, s, w, p);
                    let plain = formula_rate(n, s, w, p);
                    assert_eq!(
                        (fast.to_string(), fast.scale()),
                        (plain.to_string(), plain.scale()),
                        "n {n}, s {s}, w {w}, p {p}"
                    );
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 26 * 14 * 6);
    }
}
