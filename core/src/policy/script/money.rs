//! The native side of `late_interest(c, debt, spec)`.

use super::types::{Accrued, ChargeRef, Ctx, DebtRef, Origin};
use crate::decision::ChargeKind;
use crate::error::{Error, ErrorCode, Result};
use crate::money::interest::{Bucket, InterestSpec, Method, Moment, Movement, RateSource, Regime};
use crate::money::{minor_units, DayCount, Rounding};
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
            super::types::to_amount(v, &format!("`late_interest` spec `{key}`"))
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
    "payment_day",
    "due_roll",
    "rule",
    "citation",
];

/// Whether interest still accrues, on the part a payment settles, on the day the
/// payment arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PaymentDay {
    /// The payment reduces the balance on its day: that day no longer accrues on the
    /// paid part (the engine's default; the UK and ES packs state it explicitly).
    Excluded,
    /// The day the money arrives still accrues (German practice: BGB § 288 with
    /// §§ 187, 188; the balance falls the day after).
    Included,
}

impl PaymentDay {
    fn as_str(self) -> &'static str {
        match self {
            PaymentDay::Excluded => {
                "excluded (the day a payment arrives does not accrue on the paid part)"
            }
            PaymentDay::Included => "included (the day a payment arrives still accrues)",
        }
    }
}

/// The most days per-day rounding may walk: it loops once per day, so the span also
/// counts against the policy's operation limit.
const MAX_ACCRUAL_DAYS: i64 = 110_000;

struct Parsed {
    spec: InterestSpec,
    rule: String,
    citation: Option<String>,
    grace: i64,
    payment_day: PaymentDay,
    roll: bool,
}

/// One of a fixed set of names (the first is the default when the key is absent):
/// `key `x` is not `a`, `b` or `c`` otherwise.
fn choice<T: Copy>(spec: &Map, key: &str, what: &str, options: &[(&str, T)]) -> Result<T> {
    let Some(given) = text(spec, key)? else {
        return Ok(options[0].1);
    };
    if let Some((_, v)) = options.iter().find(|(n, _)| *n == given) {
        return Ok(*v);
    }
    let names: Vec<String> = options.iter().map(|(n, _)| format!("`{n}`")).collect();
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    Err(bad(format!("{what} `{given}` is not {list}")))
}

/// Build the spec from the policy's map.
fn parse_spec(spec: &Map, dp: u32) -> Result<Parsed> {
    for k in spec.keys() {
        if !KEYS.contains(&k.as_str()) {
            return Err(bad(format!(
                "`late_interest` spec has an unknown key `{k}`; keys: {}",
                KEYS.join(", ")
            )));
        }
    }
    let rate = match (number(spec, "rate")?, text(spec, "table")?) {
        (Some(r), None) => {
            if r.is_sign_negative() || r > Decimal::from(10) {
                return Err(bad(format!(
                    "`late_interest` rate `{r}` must be a fraction between 0 and 10 (0.12 is 12%)"
                )));
            }
            RateSource::Fixed(r)
        }
        (None, Some(table)) => RateSource::Table {
            table,
            margin: {
                let m = number(spec, "margin")?.unwrap_or_default();
                if m.abs() > Decimal::from(10) {
                    return Err(bad(format!(
                        "`late_interest` margin `{m}` must be a fraction between -10 and 10"
                    )));
                }
                m
            },
            regime: choice(
                spec,
                "regime",
                "regime",
                &[
                    ("split", Regime::SplitOnChange),
                    ("fixed_at_start", Regime::FixedAtStart),
                ],
            )?,
            half_yearly: match spec.get("half_yearly") {
                None => false,
                Some(v) => v
                    .as_bool()
                    .map_err(|t| bad(format!("`half_yearly` must be true or false, not `{t}`")))?,
            },
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
    let method = choice(
        spec,
        "method",
        "method",
        &[("simple", Method::Simple), ("compound", Method::Compound)],
    )?;
    let rounding = choice(
        spec,
        "rounding",
        "rounding",
        &[
            ("half_up", Rounding::HalfUp),
            ("half_even", Rounding::HalfEven),
        ],
    )?;
    let moment = choice(
        spec,
        "moment",
        "moment",
        &[
            ("at_end", Moment::AtEnd),
            ("per_line", Moment::PerLine),
            ("per_day", Moment::PerDay),
        ],
    )?;
    let order = match spec.get("order") {
        None => vec![Bucket::Fees, Bucket::Interest, Bucket::Principal],
        Some(v) => {
            let arr = v
                .clone()
                .into_array()
                .map_err(|_| bad("`order` must be an array".into()))?;
            let mut out = Vec::new();
            for x in arr {
                let b = match x.to_string().as_str() {
                    "fees" => Bucket::Fees,
                    "interest" => Bucket::Interest,
                    "principal" => Bucket::Principal,
                    o => {
                        return Err(bad(format!(
                            "`order` entry `{o}` is not fees, interest or principal"
                        )))
                    }
                };
                if out.contains(&b) {
                    return Err(bad(format!("`order` lists `{x}` twice")));
                }
                out.push(b);
            }
            for b in [Bucket::Fees, Bucket::Interest, Bucket::Principal] {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
            out
        }
    };
    let grace = match spec.get("grace_days") {
        None => 0,
        Some(v) => {
            let g = v
                .as_int()
                .map_err(|t| bad(format!("`grace_days` must be an integer, not `{t}`")))?;
            if !(0..=3650).contains(&g) {
                return Err(bad(format!(
                    "`grace_days` `{g}` must be between 0 and 3650"
                )));
            }
            g
        }
    };
    let payment_day = choice(
        spec,
        "payment_day",
        "payment_day",
        &[
            ("excluded", PaymentDay::Excluded),
            ("included", PaymentDay::Included),
        ],
    )?;
    let roll = choice(
        spec,
        "due_roll",
        "due_roll",
        &[("none", false), ("following", true)],
    )?;
    let rule = text(spec, "rule")?.unwrap_or_else(|| "late_interest".into());
    if rule.is_empty() || rule.len() > 64 {
        return Err(bad(format!(
            "charge rule `{rule}` must be 1 to 64 characters"
        )));
    }
    Ok(Parsed {
        spec: InterestSpec {
            rate,
            day_count,
            method,
            rounding,
            moment,
            dp,
            order,
        },
        rule,
        citation: text(spec, "citation")?,
        grace,
        payment_day,
        roll,
    })
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Simple => "simple",
        Method::Compound => "compound",
    }
}

/// Compute a debt's late interest as a charge line.
pub(crate) fn late_interest(ctx: &Ctx, d: &DebtRef, spec: &Map) -> Result<ChargeRef> {
    accrued_line(ctx, d, spec)
}

/// Late interest at the agreement's terms.
pub(crate) fn contract_interest(ctx: &Ctx, d: &DebtRef, extra: &Map) -> Result<ChargeRef> {
    let debt = d.debt();
    let terms = debt
        .agreement
        .as_ref()
        .and_then(|a| a.interest.as_ref())
        .ok_or_else(|| {
            bad(format!(
                "debt `{}` has no `agreement.interest`: the agreement states no contractual rate",
                debt.id
            ))
        })?;
    for k in [
        "rate",
        "table",
        "margin",
        "regime",
        "half_yearly",
        "day_count",
        "method",
    ] {
        if extra.contains_key(k) {
            return Err(bad(format!(
                "`contract_interest` takes `{k}` from the debt's agreement; it cannot be given"
            )));
        }
    }
    let mut spec = extra.clone();
    spec.insert(
        "rate".into(),
        rhai::Dynamic::from_decimal(terms.annual_rate),
    );
    if let Some(dc) = &terms.day_count {
        spec.insert("day_count".into(), dc.as_str().into());
    }
    if let Some(m) = &terms.method {
        spec.insert("method".into(), m.as_str().into());
    }
    if !spec.contains_key("rule") {
        spec.insert("rule".into(), "contract_interest".into());
    }
    if !spec.contains_key("citation") {
        spec.insert("citation".into(), "the agreement creating the debt".into());
    }
    accrued_line(ctx, d, &spec)
}

/// The due date moved to the next business day when it falls on a Saturday, a Sunday
/// or a public holiday of the debtor's jurisdiction (BGB § 193: the performance may
/// still be made on the next working day). Only the holidays of calendars the engine
/// has count; a jurisdiction without one rolls over weekends only.
pub(crate) fn roll_to_business_day(ctx: &Ctx, due: crate::time::Date) -> Result<crate::time::Date> {
    use chrono::Datelike;
    let cal = crate::compliance::calendar_for(&ctx.case.debtor.jurisdiction);
    let mut d = due;
    // INVARIANT: no calendar has more than a handful of consecutive closed days.
    for _ in 0..14 {
        let wd = d.0.weekday();
        let weekend = matches!(wd, chrono::Weekday::Sat | chrono::Weekday::Sun);
        let holiday = cal.is_some_and(|c| {
            crate::compliance::holidays::is_holiday(c, d.0.year(), d.0.month(), d.0.day())
        });
        if !weekend && !holiday {
            return Ok(d);
        }
        d = d
            .checked_add_days(1)
            .ok_or_else(|| bad("the due date rolled out of range".into()))?;
    }
    Ok(d)
}

pub(crate) fn accrual_inputs_from(
    ctx: &Ctx,
    d: &DebtRef,
    spec: InterestSpec,
    due: crate::time::Date,
    grace: i64,
    payment_day: PaymentDay,
) -> Result<Accrued> {
    let debt = d.debt();
    let tz = ctx.facts.tz;
    let start = due
        .checked_add_days(1 + grace)
        .ok_or_else(|| {
            bad(format!(
                "debt `{}`: the due date plus grace is out of range",
                debt.id
            ))
        })?
        .0;
    let end = ctx
        .facts
        .today
        .checked_add_days(1)
        .ok_or_else(|| bad("today plus one day is out of range".into()))?
        .0;
    let shift = match payment_day {
        PaymentDay::Excluded => 0,
        PaymentDay::Included => 1,
    };
    let book = d.book();
    let mut payments = Vec::with_capacity(book.payments.len());
    for (at, amount) in &book.payments {
        let on = at
            .date_in(tz)
            .checked_add_days(shift)
            .ok_or_else(|| bad("a payment date is out of range".into()))?
            .0;
        payments.push(Movement {
            on,
            amount: *amount,
        });
    }
    let fees = book
        .fees
        .iter()
        .map(|(at, amount)| Movement {
            on: at.date_in(tz).0,
            amount: *amount,
        })
        .collect();
    // Interest already charged on the debt under any rule: one debt accrues one interest,
    // whatever the lines were called.
    let booked = ctx
        .case
        .charges
        .iter()
        .filter(|c| c.debt_id == debt.id && c.kind == ChargeKind::Interest)
        .map(|c| c.amount)
        .fold(Decimal::ZERO, Decimal::saturating_add);
    Ok(Accrued {
        spec,
        principal: debt.original_amount,
        fees,
        payments,
        start,
        end,
        booked,
    })
}

fn accrued_line(ctx: &Ctx, d: &DebtRef, spec: &Map) -> Result<ChargeRef> {
    let debt = d.debt();
    let dp = minor_units(&debt.currency).unwrap_or(2);
    let Parsed {
        spec,
        rule,
        citation,
        grace,
        payment_day,
        roll,
    } = parse_spec(spec, dp)?;
    let due = if roll {
        roll_to_business_day(ctx, debt.due_on)?
    } else {
        debt.due_on
    };
    let acc = accrual_inputs_from(ctx, d, spec, due, grace, payment_day)?;
    let (start, end) = (acc.start, acc.end);
    let span = if end > start {
        (end - start).num_days()
    } else {
        0
    };
    if acc.spec.moment == Moment::PerDay
        && (span > MAX_ACCRUAL_DAYS
            || !ctx.spend_operations(u64::try_from(span).unwrap_or(u64::MAX)))
    {
        return Err(Error::new(
            ErrorCode::LimitOperations,
            format!(
                "per-day interest over {span} days: each day counts as an operation, across every accrual of the evaluation, and the limit is {}",
                ctx.max_operations.min(MAX_ACCRUAL_DAYS as u64)
            ),
        ));
    }
    let a = acc.run(&ctx.rates, &acc.spec)?;
    let spec = &acc.spec;
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
    basis.insert("method".into(), method_name(spec.method).into());
    basis.insert("payment_day".into(), payment_day.as_str().into());
    if due != debt.due_on {
        basis.insert(
            "due_rolled_to".into(),
            format!("{due} (the due date {} is not a business day)", debt.due_on),
        );
    }
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
        let unverified = ctx.rates.unverified_between(table, start, end);
        if !unverified.is_empty() {
            basis.insert(
                "to_verify".into(),
                format!(
                    "rate-table `{table}` entries not yet confirmed against their source: {}",
                    unverified.join(", ")
                ),
            );
        }
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
                    p.until.pred_opt().unwrap_or(p.until),
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
    if !acc.booked.is_zero() {
        basis.insert("already_charged".into(), acc.booked.to_string());
    }
    let amount = acc.line(&a);
    Ok(ChargeRef {
        debt_id: debt.id.clone(),
        currency: debt.currency.clone(),
        kind: ChargeKind::Interest,
        amount,
        rule,
        citation,
        basis,
        origin: Origin::Accrued(std::sync::Arc::new(acc)),
    })
}

/// The fee the agreement allows under `rule`.
pub(crate) fn agreed_fee(d: &DebtRef, rule: &str) -> Result<ChargeRef> {
    let debt = d.debt();
    let f = debt
        .agreement
        .as_ref()
        .and_then(|a| a.fee(rule))
        .ok_or_else(|| {
            bad(format!(
                "debt `{}`: the agreement allows no fee `{rule}`",
                debt.id
            ))
        })?;
    let amount = agreed_limit(f, debt)?;
    Ok(ChargeRef {
        debt_id: debt.id.clone(),
        currency: debt.currency.clone(),
        kind: f.kind,
        amount,
        rule: rule.to_string(),
        citation: Some("the agreement creating the debt".into()),
        basis: BTreeMap::new(),
        origin: Origin::Stated,
    })
}

/// The most an agreed fee allows on a debt.
pub(crate) fn agreed_limit(
    f: &crate::model::AgreedFee,
    debt: &crate::model::Debt,
) -> Result<Decimal> {
    let dp = minor_units(&debt.currency).unwrap_or(2);
    match (f.amount, f.max, f.max_pct) {
        (Some(a), _, _) => Ok(a),
        (None, Some(m), _) => Ok(m),
        (None, None, Some(p)) => debt
            .outstanding
            .checked_mul(p)
            .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
            .map(|x| Rounding::HalfUp.round(x, dp))
            .ok_or_else(|| bad("decimal overflow in an agreed fee".into())),
        (None, None, None) => Ok(Decimal::ZERO),
    }
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
    if !(0..=3650).contains(&days) {
        return Err(bad(format!(
            "settlement: `{days}` days to pay must be between 0 and 3650"
        )));
    }
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
        pay_by: Some(
            ctx.facts
                .today
                .checked_add_days(days)
                .ok_or_else(|| bad(format!("settlement: `{days}` days is out of range")))?,
        ),
        bounds: None,
        schedule: None,
    })
}

fn in_range(v: i64, key: &str, lo: i64, hi: i64) -> Result<i64> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(bad(format!("`{key}` `{v}` must be between {lo} and {hi}")))
    }
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
        max_installments: u32::try_from(in_range(
            int("max_installments", 12)?,
            "max_installments",
            1,
            600,
        )?)
        .unwrap_or(1),
        frequencies,
        min_installment: {
            let v = number(m, "min_installment")?.unwrap_or_default();
            if v.is_sign_negative() && !v.is_zero() {
                return Err(bad(format!("`min_installment` `{v}` cannot be negative")));
            }
            v
        },
        max_days_to_first: in_range(int("max_days_to_first", 30)?, "max_days_to_first", 0, 3650)?,
        annual_rate: rate,
    })
}

/// A payment-plan offer with its schedule at the longest term.
pub(crate) fn payment_plan(ctx: &Ctx, m: &Map) -> Result<crate::decision::Offer> {
    plan_offer(ctx, plan_bounds(m)?)
}

/// A payment-plan offer within checked bounds.
pub(crate) fn plan_offer(
    ctx: &Ctx,
    bounds: crate::money::plans::PlanBounds,
) -> Result<crate::decision::Offer> {
    use crate::money::plans::{schedule, Remainder};
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
    let first = ctx
        .facts
        .today
        .checked_add_days(bounds.max_days_to_first.min(30))
        .ok_or_else(|| bad("the first installment date is out of range".into()))?
        .0;
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
