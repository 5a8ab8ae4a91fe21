//! Points-based scorecards: data, checked when the policy is built, evaluated
//! natively, and carried in the decision with their reason codes.
//!
//! A scorecard is JSON (`rules/scorecards/NAME.json`, embedded in the engine, or
//! supplied by the host by name): a `base`, characteristics that each read one
//! number of the case (a derived fact such as `days_past_due`, or a numeric
//! `attribute`) and give points by bin, bands cut from the total, and an optional
//! logistic calibration to a probability. A policy calls `c.score("NAME")`.
//!
//! ```json
//! {"name": "behavioural", "version": "1.0.0", "base": 500,
//!  "characteristics": [
//!    {"id": "dpd", "fact": "days_past_due", "reason": "Days past due",
//!     "bins": [{"to": 1, "points": 120}, {"from": 1, "to": 30, "points": 60},
//!              {"from": 30, "points": 0}]},
//!    {"id": "bureau", "attribute": "risk_score", "reason": "External risk score",
//!     "missing": 20,
//!     "bins": [{"to": 400, "points": 80}, {"from": 400, "points": 0}]}],
//!  "bands": [{"name": "low", "min": 650}, {"name": "medium", "min": 560}, {"name": "high"}],
//!  "calibration": {"intercept": "-6.0", "slope": "0.01", "event": "pays within 30 days"}}
//! ```
//!
//! - A bin holds the values `from <= x < to`; a missing `from` is minus infinity and
//!   a missing `to` plus infinity. A characteristic's bins, in any order, must cover
//!   every number exactly once: a gap or an overlap is an error at the bin's line.
//! - An attribute may be absent from a case: its characteristic must say how many
//!   points `missing` gives. An attribute that is present but not a number is an
//!   `input.invalid` error at `attributes.NAME`.
//! - Bands: the first whose `min` the score reaches; `min` strictly decreasing and
//!   the last band without one, so every score has a band.
//! - Calibration: `probability = 1 / (1 + exp(-(intercept + slope * score)))`,
//!   computed in `f64` with the pure-Rust `libm` and reported to 6 decimals.
//! - Reason codes, as in credit adverse-action notices: the characteristics whose
//!   points fell furthest below their best bin's points, largest shortfall first
//!   (ties in the card's order), leaving out those at their best; at most `reasons`
//!   of them (default 4).
//!
//! Bounds: at most [`MAX_CHARACTERISTICS`] characteristics, [`MAX_BINS`] bins each,
//! [`MAX_BANDS`] bands; points and the base within ±[`MAX_POINTS`]; names and ids of
//! 1 to 64 bytes.

pub use crate::decision::{Reason, Score};
use crate::error::{Error, ErrorCode, Result};
use crate::facts::{Facts, PromiseStatus};
use crate::model::Case;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Most characteristics in a scorecard.
pub const MAX_CHARACTERISTICS: usize = 64;
/// Most bins in a characteristic.
pub const MAX_BINS: usize = 64;
/// Most bands in a scorecard.
pub const MAX_BANDS: usize = 16;
/// Largest points of a bin, and largest base, in absolute value.
pub const MAX_POINTS: i64 = 1_000_000;
/// Most reason codes a scorecard may ask for.
pub const MAX_REASONS: usize = 8;
const MAX_NAME: usize = 64;

/// The facts a characteristic may read, by name, with what each is.
pub const FACTS: &[(&str, &str)] = &[
    (
        "days_past_due",
        "days past due of the oldest overdue debt (0 when none is overdue)",
    ),
    ("days_until_due", "days until the next due date"),
    ("total_outstanding", "sum of the outstanding amounts"),
    (
        "overdue_amount",
        "sum of the outstanding amounts of overdue debts",
    ),
    ("overdue_debts", "number of overdue debts"),
    ("total_paid", "sum of all payments"),
    ("promises_kept", "number of kept promises"),
    ("promises_broken", "number of broken promises"),
    ("plan_missed", "installments of the payment plan missed"),
    (
        "days_since_last_payment",
        "whole days since the last payment (missing when none)",
    ),
];

/// A logistic calibration of the score to a probability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// The intercept `a` of `1 / (1 + exp(-(a + b * score)))`.
    #[serde(with = "crate::money::amount_signed")]
    pub intercept: Decimal,
    /// The slope `b`.
    #[serde(with = "crate::money::amount_signed")]
    pub slope: Decimal,
    /// What the probability is of (`pays within 30 days`).
    pub event: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Source {
    Fact(usize),
    Attribute(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Bin {
    from: Option<Decimal>,
    to: Option<Decimal>,
    points: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct Characteristic {
    id: String,
    source: Source,
    reason: String,
    /// Sorted by `from`, covering every number once.
    bins: Vec<Bin>,
    missing: Option<i64>,
    /// The best points it can give.
    best: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct Band {
    name: String,
    min: Option<i64>,
}

/// A checked scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    name: String,
    version: String,
    base: i64,
    characteristics: Vec<Characteristic>,
    bands: Vec<Band>,
    calibration: Option<Calibration>,
    reasons: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard<'a> {
    name: String,
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    base: i64,
    #[serde(borrow)]
    characteristics: Vec<&'a RawValue>,
    #[serde(borrow)]
    bands: Vec<&'a RawValue>,
    #[serde(default)]
    calibration: Option<Calibration>,
    #[serde(default = "four")]
    reasons: usize,
}

fn four() -> usize {
    4
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCharacteristic<'a> {
    id: String,
    #[serde(default)]
    fact: Option<String>,
    #[serde(default)]
    attribute: Option<String>,
    reason: String,
    #[serde(borrow)]
    bins: Vec<&'a RawValue>,
    #[serde(default)]
    missing: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBin {
    #[serde(default, with = "crate::money::amount_opt")]
    from: Option<Decimal>,
    #[serde(default, with = "crate::money::amount_opt")]
    to: Option<Decimal>,
    points: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    name: String,
    #[serde(default)]
    min: Option<i64>,
}

/// Where in the scorecard's text an error is: its module name, and the text to find
/// line and column of a part in.
struct Place<'a> {
    module: &'a str,
    text: &'a str,
}

impl Place<'_> {
    /// `policy.contract` at the start of `part` (a slice of the text).
    fn err(&self, part: &str, message: String) -> Error {
        let (line, column) = super::table::position(self.text, part);
        Error::new(ErrorCode::PolicyContract, message).at_policy(
            Some(self.module.to_string()),
            line,
            column,
        )
    }

    /// A part read as `T`, errors at its line.
    fn read<T: serde::de::DeserializeOwned>(&self, part: &RawValue, what: &str) -> Result<T> {
        serde_json::from_str(part.get()).map_err(|e| self.err(part.get(), format!("{what}: {e}")))
    }
}

fn name_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_NAME
}

impl Scorecard {
    /// Read and check a scorecard from JSON text; errors are `policy.syntax` (JSON
    /// that does not read) or `policy.contract` (a gap, an overlap, an unknown fact, a
    /// bound), with the line and column in the text and `module` as their module.
    pub fn parse(module: &str, text: &str) -> Result<Scorecard> {
        let place = Place { module, text };
        let raw: RawCard<'_> = serde_json::from_str(text).map_err(|e| {
            Error::new(ErrorCode::PolicySyntax, format!("scorecard: {e}")).at_policy(
                Some(module.to_string()),
                e.line().max(1),
                e.column().max(1),
            )
        })?;
        let whole = |m: String| place.err(text, m);
        if !name_ok(&raw.name) || !name_ok(&raw.version) {
            return Err(whole(format!(
                "a scorecard needs a name and a version of 1 to {MAX_NAME} bytes"
            )));
        }
        if raw.base.abs() > MAX_POINTS {
            return Err(whole(format!("the base must be within ±{MAX_POINTS}")));
        }
        if raw.characteristics.is_empty() || raw.characteristics.len() > MAX_CHARACTERISTICS {
            return Err(whole(format!(
                "a scorecard needs 1 to {MAX_CHARACTERISTICS} characteristics"
            )));
        }
        if raw.reasons > MAX_REASONS {
            return Err(whole(format!("`reasons` must be 0 to {MAX_REASONS}")));
        }
        let mut characteristics: Vec<Characteristic> = Vec::new();
        for part in &raw.characteristics {
            let c: RawCharacteristic<'_> = serde_json::from_str(part.get())
                .map_err(|e| place.err(part.get(), format!("characteristic: {e}")))?;
            let here = |m: String| place.err(part.get(), m);
            if !name_ok(&c.id) {
                return Err(here(format!(
                    "a characteristic needs an id of 1 to {MAX_NAME} bytes"
                )));
            }
            if characteristics.iter().any(|x| x.id == c.id) {
                return Err(here(format!("characteristic `{}` is defined twice", c.id)));
            }
            let source = match (&c.fact, &c.attribute) {
                (Some(f), None) => match FACTS.iter().position(|(n, _)| n == f) {
                    Some(i) => Source::Fact(i),
                    None => {
                        return Err(here(format!(
                            "characteristic `{}`: no fact `{f}`; the facts are {}",
                            c.id,
                            FACTS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                        )))
                    }
                },
                (None, Some(a)) if name_ok(a) => Source::Attribute(a.clone()),
                _ => {
                    return Err(here(format!(
                        "characteristic `{}` needs either a `fact` or an `attribute`",
                        c.id
                    )))
                }
            };
            let may_be_missing = matches!(source, Source::Attribute(_))
                || matches!(source, Source::Fact(i) if FACTS[i].0 == "days_since_last_payment");
            if may_be_missing && c.missing.is_none() {
                return Err(here(format!(
                    "characteristic `{}`: its value may be absent from a case; say how many points that gives with `missing`",
                    c.id
                )));
            }
            if c.bins.is_empty() || c.bins.len() > MAX_BINS {
                return Err(here(format!(
                    "characteristic `{}` needs 1 to {MAX_BINS} bins",
                    c.id
                )));
            }
            let mut bins: Vec<(Bin, &RawValue)> = Vec::new();
            for b in &c.bins {
                let bin: RawBin = place.read(b, "bin")?;
                if bin.points.abs() > MAX_POINTS {
                    return Err(place.err(b.get(), format!("points must be within ±{MAX_POINTS}")));
                }
                if let (Some(f), Some(t)) = (bin.from, bin.to) {
                    if f >= t {
                        return Err(place.err(
                            b.get(),
                            format!(
                                "a bin holds `from <= x < to`: `from` {f} must be below `to` {t}"
                            ),
                        ));
                    }
                }
                bins.push((
                    Bin {
                        from: bin.from,
                        to: bin.to,
                        points: bin.points,
                    },
                    b,
                ));
            }
            // Lowest `from` first (minus infinity first).
            crate::sort::sort_by(&mut bins, |a, b| a.0.from.cmp(&b.0.from));
            let id = &c.id;
            if let Some((first, raw)) = bins.first() {
                if let Some(f) = first.from {
                    return Err(place.err(
                        raw.get(),
                        format!("characteristic `{id}`: values below {f} fall in no bin (a gap); give the lowest bin no `from`"),
                    ));
                }
            }
            for pair in bins.windows(2) {
                let ((a, _), (b, raw)) = (&pair[0], &pair[1]);
                match (a.to, b.from) {
                    (None, _) | (_, None) => {
                        return Err(place.err(
                            raw.get(),
                            format!("characteristic `{id}`: this bin overlaps another (two bins reach the same values)"),
                        ))
                    }
                    (Some(t), Some(f)) if f > t => {
                        return Err(place.err(
                            raw.get(),
                            format!("characteristic `{id}`: values from {t} up to {f} fall in no bin (a gap)"),
                        ))
                    }
                    (Some(t), Some(f)) if f < t => {
                        return Err(place.err(
                            raw.get(),
                            format!("characteristic `{id}`: this bin overlaps the one before it (values from {f} up to {t} are in both)"),
                        ))
                    }
                    _ => {}
                }
            }
            if let Some((last, raw)) = bins.last() {
                if let Some(t) = last.to {
                    return Err(place.err(
                        raw.get(),
                        format!("characteristic `{id}`: values from {t} up fall in no bin (a gap); give the highest bin no `to`"),
                    ));
                }
            }
            if let Some(m) = c.missing {
                if m.abs() > MAX_POINTS {
                    return Err(here(format!(
                        "`missing` points must be within ±{MAX_POINTS}"
                    )));
                }
            }
            let bins: Vec<Bin> = bins.into_iter().map(|(b, _)| b).collect();
            let best = bins
                .iter()
                .map(|b| b.points)
                .chain(c.missing)
                .max()
                .unwrap_or(0);
            characteristics.push(Characteristic {
                id: c.id,
                source,
                reason: c.reason,
                bins,
                missing: c.missing,
                best,
            });
        }
        if raw.bands.is_empty() || raw.bands.len() > MAX_BANDS {
            return Err(whole(format!("a scorecard needs 1 to {MAX_BANDS} bands")));
        }
        let mut bands: Vec<Band> = Vec::new();
        for (i, part) in raw.bands.iter().enumerate() {
            let b: RawBand = place.read(part, "band")?;
            let last = i + 1 == raw.bands.len();
            let here = |m: String| place.err(part.get(), m);
            if !name_ok(&b.name) || bands.iter().any(|x| x.name == b.name) {
                return Err(here(format!(
                    "a band needs a name of 1 to {MAX_NAME} bytes, each once"
                )));
            }
            match (b.min, last) {
                (Some(_), true) => {
                    return Err(here(
                        "the last band takes every lower score: give it no `min`".into(),
                    ))
                }
                (None, false) => return Err(here(
                    "only the last band may have no `min`; bands go from the highest `min` down"
                        .into(),
                )),
                (Some(m), false) => {
                    if let Some(prev) = bands.last().and_then(|x| x.min) {
                        if m >= prev {
                            return Err(here(format!(
                                "band `{}`: `min` {m} must be below the band before it ({prev})",
                                b.name
                            )));
                        }
                    }
                }
                (None, true) => {}
            }
            bands.push(Band {
                name: b.name,
                min: b.min,
            });
        }
        if let Some(c) = &raw.calibration {
            let big = Decimal::from(1_000_000);
            if c.slope.is_zero() || c.slope.abs() > big || c.intercept.abs() > big {
                return Err(whole(
                    "calibration: the slope must be non-zero and both figures within ±1000000"
                        .into(),
                ));
            }
        }
        Ok(Scorecard {
            name: raw.name,
            version: raw.version,
            base: raw.base,
            characteristics,
            bands,
            calibration: raw.calibration,
            reasons: raw.reasons,
        })
    }

    /// The scorecard's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Score a case from its facts. Errors: `input.invalid` at `attributes.NAME` when
    /// an attribute a characteristic reads is present but not a number.
    pub(crate) fn score(&self, case: &Case, facts: &Facts) -> Result<Score> {
        let mut total = self.base;
        let mut shortfalls: Vec<(i64, usize, i64)> = Vec::new();
        for (i, c) in self.characteristics.iter().enumerate() {
            let value = match &c.source {
                Source::Fact(f) => fact(FACTS[*f].0, facts),
                Source::Attribute(a) => attribute(case, a)?,
            };
            // INVARIANT: checked at parse: a value that may be missing has `missing`,
            // and the bins cover every number.
            let points = match value {
                None => c.missing.unwrap_or(0),
                Some(v) => c
                    .bins
                    .iter()
                    .find(|b| b.from.is_none_or(|f| v >= f) && b.to.is_none_or(|t| v < t))
                    .map_or(0, |b| b.points),
            };
            total = total.saturating_add(points);
            shortfalls.push((c.best.saturating_sub(points), i, points));
        }
        // Largest shortfall first; ties in the card's order.
        crate::sort::sort_by(&mut shortfalls, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let reasons = shortfalls
            .into_iter()
            .filter(|s| s.0 > 0)
            .take(self.reasons)
            .map(|(_, i, points)| {
                let c = &self.characteristics[i];
                Reason {
                    characteristic: c.id.clone(),
                    reason: c.reason.clone(),
                    points,
                    best: c.best,
                }
            })
            .collect();
        let band = self
            .bands
            .iter()
            .find(|b| b.min.is_none_or(|m| total >= m))
            .map(|b| b.name.clone())
            .unwrap_or_default();
        let probability = self.calibration.as_ref().map(|c| {
            let z = crate::stats::float(c.intercept) + crate::stats::float(c.slope) * total as f64;
            crate::stats::dec(1.0 / (1.0 + libm::exp(-z)))
        });
        Ok(Score {
            scorecard: self.name.clone(),
            version: self.version.clone(),
            score: total,
            band,
            probability,
            event: self.calibration.as_ref().map(|c| c.event.clone()),
            reasons,
        })
    }
}

fn fact(name: &str, f: &Facts) -> Option<Decimal> {
    Some(match name {
        "days_past_due" => Decimal::from(f.days_past_due),
        "days_until_due" => Decimal::from(f.days_until_due),
        "total_outstanding" => f.total_outstanding,
        "overdue_amount" => f.overdue_amount,
        "overdue_debts" => Decimal::from(f.overdue_debts),
        "total_paid" => f.total_paid,
        "promises_kept" => Decimal::from(f.promises_with(PromiseStatus::Kept)),
        "promises_broken" => Decimal::from(f.promises_with(PromiseStatus::Broken)),
        "plan_missed" => Decimal::from(f.plan_missed),
        "days_since_last_payment" => {
            let last = f.last_payment?;
            Decimal::from((f.as_of.0 - last.0).num_days())
        }
        _ => return None,
    })
}

fn attribute(case: &Case, name: &str) -> Result<Option<Decimal>> {
    let bad = || {
        Error::input(
            format!("attributes.{name}"),
            "a scorecard reads this attribute as a number",
        )
    };
    match case.attributes.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .to_string()
            .parse::<Decimal>()
            .map(Some)
            .map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

/// The scorecards a policy may call: the embedded ones (`rules/scorecards/`) and the
/// host's, by name (a host's scorecard replaces an embedded one of the same name).
#[derive(Debug, Clone, Default)]
pub struct Scorecards(pub(crate) BTreeMap<String, Arc<Scorecard>>);

impl Scorecards {
    /// The embedded scorecards plus `host` ({name: JSON text}), each checked. A host
    /// scorecard's errors have the module `scorecards/NAME`; its `name` field must be
    /// the name it is given under.
    pub fn build(host: &BTreeMap<String, String>) -> Result<Scorecards> {
        static EMBEDDED: std::sync::OnceLock<Result<BTreeMap<String, Arc<Scorecard>>>> =
            std::sync::OnceLock::new();
        super::named_data(
            &EMBEDDED,
            crate::embedded::scorecards(),
            host,
            "scorecards",
            Scorecard::parse,
            |c| &c.name,
            |_| (1, 1),
        )
        .map(Scorecards)
    }

    /// A scorecard by name.
    pub fn get(&self, name: &str) -> Option<&Arc<Scorecard>> {
        self.0.get(name)
    }
}
