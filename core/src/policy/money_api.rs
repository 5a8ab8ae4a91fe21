//! The native side of `late_interest(c, debt, spec)`.

use super::api::{ChargeRef, Ctx, DebtRef};
use crate::decision::ChargeKind;
use crate::error::{Error, ErrorCode, Result};
use crate::money::interest::{
    self, Bucket, InterestSpec, Method, Moment, Movement, RateSource, Regime,
};
use crate::money::{minor_units, DayCount, Rounding};
use chrono::Duration;
use rhai::Map;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn bad(msg: String) -> Error {
    Error::new(ErrorCode::PolicyRuntime, msg)
}

fn text(spec: &Map, key: &str) -> Result<Option<String>> {
    match spec.get(key) {
        None => Ok(None),
        Some(v) if v.is_string() => Ok(Some(v.to_string())),
        Some(v) => Err(bad(format!(
            "`late_interest` spec `{key}` must be a string, not `{}`",
            v.type_name()
        ))),
    }
}

fn number(spec: &Map, key: &str) -> Result<Option<Decimal>> {
    spec.get(key)
        .map(|v| {
            super::api::to_amount(v, &format!("`late_interest` spec `{key}`"))
                .map_err(|e| bad(e.to_string()))
        })
        .transpose()
}

const KEYS: &[&str] = &[
    "rate",
    "table",
    "margin",
    "regime",
    "half_yearly",
    "day_count",
    "method",
    "rounding",
    "moment",
    "order",
    "grace_days",
    "rule",
    "citation",
];

/// Build the spec from the policy's map.
fn parse_spec(spec: &Map, dp: u32) -> Result<(InterestSpec, String, Option<String>, i64)> {
    for k in spec.keys() {
        if !KEYS.contains(&k.as_str()) {
            return Err(bad(format!(
                "`late_interest` spec has an unknown key `{k}`; keys: {}",
                KEYS.join(", ")
            )));
        }
    }
    let rate = match (number(spec, "rate")?, text(spec, "table")?) {
        (Some(r), None) => RateSource::Fixed(r),
        (None, Some(table)) => RateSource::Table {
            table,
            margin: number(spec, "margin")?.unwrap_or_default(),
            regime: match text(spec, "regime")?.as_deref() {
                None | Some("split") => Regime::SplitOnChange,
                Some("fixed_at_start") => Regime::FixedAtStart,
                Some(o) => {
                    return Err(bad(format!(
                        "regime `{o}` is not `split` or `fixed_at_start`"
                    )))
                }
            },
            half_yearly: spec
                .get("half_yearly")
                .and_then(|v| v.as_bool().ok())
                .unwrap_or(false),
        },
        _ => {
            return Err(bad(
                "`late_interest` needs either `rate` or `table` (not both)".into(),
            ))
        }
    };
    let day_count = match text(spec, "day_count")? {
        None => DayCount::Act365F,
        Some(s) => DayCount::parse(&s).ok_or_else(|| {
            bad(format!(
                "day count `{s}` is not act/365f, act/360, 30/360 or act/act"
            ))
        })?,
    };
    let method = match text(spec, "method")?.as_deref() {
        None | Some("simple") => Method::Simple,
        Some("compound") => Method::Compound,
        Some(o) => return Err(bad(format!("method `{o}` is not `simple` or `compound`"))),
    };
    let rounding = match text(spec, "rounding")?.as_deref() {
        None | Some("half_up") => Rounding::HalfUp,
        Some("half_even") => Rounding::HalfEven,
        Some(o) => {
            return Err(bad(format!(
                "rounding `{o}` is not `half_up` or `half_even`"
            )))
        }
    };
    let moment = match text(spec, "moment")?.as_deref() {
        None | Some("at_end") => Moment::AtEnd,
        Some("per_line") => Moment::PerLine,
        Some("per_day") => Moment::PerDay,
        Some(o) => {
            return Err(bad(format!(
                "moment `{o}` is not `at_end`, `per_line` or `per_day`"
            )))
        }
    };
    let order = match spec.get("order") {
        None => vec![Bucket::Fees, Bucket::Interest, Bucket::Principal],
        Some(v) => {
            let arr = v
                .clone()
                .into_array()
                .map_err(|_| bad("`order` must be an array".into()))?;
            let mut out = Vec::new();
            for x in arr {
                out.push(match x.to_string().as_str() {
                    "fees" => Bucket::Fees,
                    "interest" => Bucket::Interest,
                    "principal" => Bucket::Principal,
                    o => {
                        return Err(bad(format!(
                            "`order` entry `{o}` is not fees, interest or principal"
                        )))
                    }
                });
            }
            for b in [Bucket::Fees, Bucket::Interest, Bucket::Principal] {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
            out
        }
    };
    let grace = spec
        .get("grace_days")
        .map(|v| v.as_int().unwrap_or(0))
        .unwrap_or(0)
        .clamp(0, 3650);
    let rule = text(spec, "rule")?.unwrap_or_else(|| "late_interest".into());
    Ok((
        InterestSpec {
            rate,
            day_count,
            method,
            rounding,
            moment,
            dp,
            order,
        },
        rule,
        text(spec, "citation")?,
        grace,
    ))
}

/// Compute a debt's late interest as a charge line.
pub(crate) fn late_interest(ctx: &Ctx, d: &DebtRef, spec: &Map) -> Result<ChargeRef> {
    let debt = d.debt();
    let dp = minor_units(&debt.currency).unwrap_or(2);
    let (spec, rule, citation, grace) = parse_spec(spec, dp)?;
    let tz = ctx.facts.tz;
    let start = debt.due_on.0 + Duration::days(1 + grace);
    let end = ctx.facts.today.0 + Duration::days(1);
    let payments: Vec<Movement> = ctx
        .case
        .payments
        .iter()
        .filter(|p| p.debt_id.as_deref() == Some(debt.id.as_str()))
        .map(|p| Movement {
            on: p.at.date_in(tz).0,
            amount: p.amount,
        })
        .collect();
    let fees = debt.charges_applied.unwrap_or_default();
    let a = interest::accrue(
        &spec,
        &ctx.rates,
        debt.original_amount,
        fees,
        start,
        end,
        &payments,
    )?;
    let mut basis = BTreeMap::new();
    let days = if end > start {
        spec.day_count.days(start, end)
    } else {
        0
    };
    basis.insert("from".into(), start.to_string());
    basis.insert("through".into(), ctx.facts.today.to_string());
    basis.insert("days".into(), days.to_string());
    basis.insert("day_count".into(), spec.day_count.as_str().into());
    basis.insert(
        "method".into(),
        match spec.method {
            Method::Simple => "simple",
            Method::Compound => "compound",
        }
        .into(),
    );
    basis.insert(
        "rounding".into(),
        format!(
            "{} {}",
            match spec.rounding {
                Rounding::HalfUp => "half_up",
                Rounding::HalfEven => "half_even",
                Rounding::Down => "down",
            },
            match spec.moment {
                Moment::AtEnd => "at_end",
                Moment::PerLine => "per_line",
                Moment::PerDay => "per_day",
            }
        ),
    );
    if let RateSource::Table {
        table,
        margin,
        regime,
        ..
    } = &spec.rate
    {
        basis.insert("table".into(), table.clone());
        basis.insert("margin".into(), margin.to_string());
        basis.insert(
            "regime".into(),
            match regime {
                Regime::SplitOnChange => "split_on_change",
                Regime::FixedAtStart => "fixed_at_start",
            }
            .into(),
        );
    }
    let rates: Vec<String> = a
        .periods
        .iter()
        .map(|p| p.rate.normalize().to_string())
        .collect();
    let mut uniq = rates.clone();
    uniq.dedup();
    basis.insert("rate".into(), uniq.join(", "));
    basis.insert(
        "periods".into(),
        a.periods
            .iter()
            .map(|p| {
                format!(
                    "{}..{} {}d @ {} on {}",
                    p.from,
                    p.until - Duration::days(1),
                    p.days,
                    p.rate.normalize(),
                    p.principal
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    basis.insert("principal_end".into(), a.principal_end.to_string());
    if !a.paid_interest.is_zero() {
        basis.insert("interest_paid".into(), a.paid_interest.to_string());
    }
    basis.insert("interest_accrued".into(), a.interest.to_string());
    // What is owed is the interest not yet covered by payments.
    let amount = Rounding::HalfUp.round(a.interest_unpaid, dp);
    Ok(ChargeRef {
        debt_id: debt.id.clone(),
        currency: debt.currency.clone(),
        kind: ChargeKind::Interest,
        amount,
        rule,
        citation,
        basis,
    })
}

fn main_currency(ctx: &Ctx) -> Result<(String, Decimal, u32)> {
    let f = &ctx.facts;
    let i = f
        .oldest_overdue
        .or_else(|| f.debts.first().map(|d| d.index))
        .ok_or_else(|| bad("an offer needs at least one debt".into()))?;
    let cur = ctx.case.debts[i].currency.clone();
    let balance: Decimal = ctx
        .case
        .debts
        .iter()
        .filter(|d| d.currency == cur)
        .map(|d| d.outstanding)
        .sum();
    let dp = minor_units(&cur).unwrap_or(2);
    Ok((cur, balance, dp))
}

/// A settlement offer.
pub(crate) fn settlement(
    ctx: &Ctx,
    discount_pct: Decimal,
    days: i64,
) -> Result<crate::decision::Offer> {
    if discount_pct < Decimal::ZERO || discount_pct > Decimal::ONE_HUNDRED {
        return Err(bad(format!(
            "settlement discount `{discount_pct}` must be between 0 and 100 percent"
        )));
    }
    let (currency, balance, dp) = main_currency(ctx)?;
    let amount = Rounding::HalfUp.round(
        balance * (Decimal::ONE_HUNDRED - discount_pct) / Decimal::ONE_HUNDRED,
        dp,
    );
    Ok(crate::decision::Offer {
        kind: "settlement".into(),
        name: "settlement".into(),
        currency,
        balance,
        discount_pct: Some(discount_pct),
        amount: Some(amount),
        pay_by: Some(crate::time::Date(
            ctx.facts.today.0 + Duration::days(days.clamp(0, 3650)),
        )),
        bounds: None,
        schedule: None,
    })
}

/// Parse plan bounds from a policy map.
pub(crate) fn plan_bounds(m: &Map) -> Result<crate::money::plans::PlanBounds> {
    use crate::money::plans::{Frequency, PlanBounds};
    const KEYS: &[&str] = &[
        "min_down_payment_pct",
        "max_installments",
        "frequencies",
        "min_installment",
        "max_days_to_first",
        "annual_rate",
    ];
    for k in m.keys() {
        if !KEYS.contains(&k.as_str()) {
            return Err(bad(format!(
                "`payment_plan` bounds have an unknown key `{k}`; keys: {}",
                KEYS.join(", ")
            )));
        }
    }
    let int = |k: &str, default: i64| -> Result<i64> {
        m.get(k).map_or(Ok(default), |v| {
            v.as_int()
                .map_err(|t| bad(format!("`{k}` must be an integer, not `{t}`")))
        })
    };
    let frequencies = match m.get("frequencies") {
        None => vec![Frequency::Monthly],
        Some(v) => v
            .clone()
            .into_array()
            .map_err(|_| bad("`frequencies` must be an array".into()))?
            .iter()
            .map(|f| {
                Frequency::parse(&f.to_string()).ok_or_else(|| {
                    bad(format!(
                        "frequency `{f}` is not weekly, biweekly or monthly"
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    let pct = number(m, "min_down_payment_pct")?.unwrap_or_default();
    if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
        return Err(bad(format!(
            "`min_down_payment_pct` `{pct}` must be between 0 and 100"
        )));
    }
    let rate = number(m, "annual_rate")?.unwrap_or_default();
    if rate < Decimal::ZERO || rate > Decimal::from(10) {
        return Err(bad(format!(
            "`annual_rate` `{rate}` must be a fraction between 0 and 10"
        )));
    }
    Ok(PlanBounds {
        min_down_payment_pct: pct,
        max_installments: int("max_installments", 12)?.clamp(1, 600) as u32,
        frequencies,
        min_installment: number(m, "min_installment")?.unwrap_or_default(),
        max_days_to_first: int("max_days_to_first", 30)?.clamp(0, 3650),
        annual_rate: rate,
    })
}

/// A payment-plan offer with its schedule at the longest term.
pub(crate) fn payment_plan(ctx: &Ctx, m: &Map) -> Result<crate::decision::Offer> {
    use crate::money::plans::{schedule, Remainder};
    let bounds = plan_bounds(m)?;
    let (currency, balance, dp) = main_currency(ctx)?;
    let down = Rounding::HalfUp.round(
        balance * bounds.min_down_payment_pct / Decimal::ONE_HUNDRED,
        dp,
    );
    let freq = bounds
        .frequencies
        .first()
        .copied()
        .unwrap_or(crate::money::plans::Frequency::Monthly);
    let first = ctx.facts.today.0 + Duration::days(bounds.max_days_to_first.min(30));
    let s = schedule(
        balance,
        down,
        bounds.max_installments,
        freq,
        first,
        bounds.annual_rate,
        dp,
        Remainder::Last,
    );
    Ok(crate::decision::Offer {
        kind: "plan".into(),
        name: "plan".into(),
        currency,
        balance,
        discount_pct: None,
        amount: None,
        pay_by: None,
        bounds: Some(bounds),
        schedule: Some(s),
    })
}
