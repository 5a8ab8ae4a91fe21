//! Late interest, exact to the cent: on the balance as it was on each day, at the rate
//! in force, by a stated day count, with payments allocated in a stated order.

use super::daycount::DayCount;
use super::rates::RateTables;
use super::Rounding;
use crate::error::{Error, ErrorCode, Result};
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::prelude::MathematicalOps;
use rust_decimal::Decimal;

/// How a reference rate applies over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regime {
    /// The period is split wherever the rate changes (Spain, Germany, the EU Directive).
    SplitOnChange,
    /// The rate in force on 30 June or 31 December before interest starts, for the life
    /// of the debt (UK, SI 2002/1675 art. 4).
    FixedAtStart,
}

/// Where the annual rate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateSource {
    /// A contractual rate (a fraction: 0.12 is 12%).
    Fixed(Decimal),
    /// A reference table plus a margin (a fraction).
    Table {
        /// Table id (`ecb_mro`, `boe_base`, `de_basiszins`, `es_demora_comercial`).
        table: String,
        /// Margin added to the reference rate, as a fraction (0.08 is 8 points).
        margin: Decimal,
        /// Split or fixed.
        regime: Regime,
        /// Fix the reference once per half-year (the rate in force the day before
        /// 1 January / 1 July), as the EU Directive and Spain's Ley 3/2004 do with the
        /// ECB rate.
        half_yearly: bool,
    },
}

/// Simple, or compound from an effective-annual rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// principal x rate x year fraction.
    Simple,
    /// principal x ((1 + EA rate)^(year fraction) - 1): an effective-annual rate
    /// (Colombia) converted to the period; interest is never capitalised.
    Compound,
}

/// When rounding happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// Each period line is rounded, the total is their sum.
    PerLine,
    /// Only the total is rounded.
    AtEnd,
    /// Each day's interest is rounded, then summed.
    PerDay,
}

/// A bucket payments are allocated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Fees and fixed compensation.
    Fees,
    /// Accrued interest.
    Interest,
    /// Principal.
    Principal,
}

/// Everything that decides an interest figure.
#[derive(Debug, Clone)]
pub struct InterestSpec {
    /// Rate.
    pub rate: RateSource,
    /// Day count.
    pub day_count: DayCount,
    /// Simple or compound.
    pub method: Method,
    /// Rounding rule.
    pub rounding: Rounding,
    /// Rounding moment.
    pub moment: Moment,
    /// Decimal places of the currency.
    pub dp: u32,
    /// Payment allocation order.
    pub order: Vec<Bucket>,
}

impl InterestSpec {
    /// Simple interest, ACT/365F, rounded half-up at the end, payments settling fees,
    /// interest, then principal: the plain measure statutes and agreements use unless
    /// they say otherwise.
    pub fn simple_act365(rate: RateSource, dp: u32) -> InterestSpec {
        InterestSpec {
            rate,
            day_count: DayCount::Act365F,
            method: Method::Simple,
            rounding: Rounding::HalfUp,
            moment: Moment::AtEnd,
            dp,
            order: vec![Bucket::Fees, Bucket::Interest, Bucket::Principal],
        }
    }
}

/// A payment on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// The day it was received (interest on the paid part stops that day).
    pub on: NaiveDate,
    /// How much.
    pub amount: Decimal,
}

/// One period of constant principal and rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Day after the last day.
    pub until: NaiveDate,
    /// Days counted.
    pub days: i64,
    /// Annual rate (fraction).
    pub rate: Decimal,
    /// Principal during the period.
    pub principal: Decimal,
    /// Interest of the period (unrounded unless rounding is per line or per day).
    pub interest: Decimal,
}

/// The result of an accrual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accrual {
    /// Interest accrued over the whole span (rounded by the spec).
    pub interest: Decimal,
    /// Interest still unpaid at the end.
    pub interest_unpaid: Decimal,
    /// The periods.
    pub periods: Vec<Period>,
    /// Principal at the end.
    pub principal_end: Decimal,
    /// Allocated to fees, interest and principal, and left over.
    pub paid_fees: Decimal,
    /// Paid to interest.
    pub paid_interest: Decimal,
    /// Paid to principal.
    pub paid_principal: Decimal,
    /// Paid beyond everything owed.
    pub overpaid: Decimal,
}

fn runtime(msg: String) -> Error {
    Error::new(ErrorCode::PolicyRuntime, msg)
}

/// The last day before the half-year that contains `d` (31 December or 30 June).
fn half_year_reference(d: NaiveDate) -> NaiveDate {
    let start = if d.month() <= 6 {
        NaiveDate::from_ymd_opt(d.year(), 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), 7, 1)
    };
    start.map_or(d, |s| s - Duration::days(1))
}

fn next_half_year(d: NaiveDate) -> Option<NaiveDate> {
    if d.month() <= 6 {
        NaiveDate::from_ymd_opt(d.year(), 7, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    }
}

/// Split points and the rate function for a span.
fn rate_plan(
    spec: &RateSource,
    tables: &RateTables,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<(NaiveDate, Decimal)>> {
    let pct = Decimal::ONE_HUNDRED;
    match spec {
        RateSource::Fixed(r) => Ok(vec![(start, *r)]),
        RateSource::Table {
            table,
            margin,
            regime: Regime::FixedAtStart,
            ..
        } => {
            let reference = half_year_reference(start);
            let e = tables.rate_on(table, reference)?;
            Ok(vec![(start, e.rate / pct + margin)])
        }
        RateSource::Table {
            table,
            margin,
            regime: Regime::SplitOnChange,
            half_yearly,
        } => {
            let t = tables
                .get(table)
                .ok_or_else(|| runtime(format!("no rate table `{table}`")))?;
            let mut points = vec![start];
            if *half_yearly {
                let mut h = next_half_year(start);
                while let Some(d) = h.filter(|d| *d < end) {
                    points.push(d);
                    h = next_half_year(d);
                }
            } else {
                points.extend(t.changes_between(start, end));
            }
            points
                .into_iter()
                .map(|p| {
                    let on = if *half_yearly {
                        half_year_reference(p)
                    } else {
                        p
                    };
                    tables
                        .rate_on(table, on)
                        .map(|e| (p, e.rate / pct + margin))
                })
                .collect()
        }
    }
}

fn period_interest(
    spec: &InterestSpec,
    principal: Decimal,
    rate: Decimal,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Decimal> {
    let rate = rate.max(Decimal::ZERO);
    if rate > Decimal::ONE_HUNDRED {
        return Err(runtime(format!(
            "an annual rate of `{rate}` (a fraction) is beyond any law: 100 is 10,000%"
        )));
    }
    let one = |a: NaiveDate, b: NaiveDate| -> Result<Decimal> {
        match spec.method {
            // Multiply first, divide last: principal x rate x days / basis is exact
            // whenever the figure is (a rounded day fraction would move half-cents).
            Method::Simple => spec.day_count.parts(a, b).into_iter().try_fold(
                Decimal::ZERO,
                |sum, (days, basis)| {
                    principal
                        .checked_mul(rate)
                        .and_then(|x| x.checked_mul(Decimal::from(days)))
                        .and_then(|x| x.checked_div(Decimal::from(basis)))
                        .and_then(|x| sum.checked_add(x))
                        .ok_or_else(|| runtime("decimal overflow computing interest".into()))
                },
            ),
            Method::Compound => {
                let yf = spec.day_count.year_fraction(a, b);
                let factor = (Decimal::ONE + rate).checked_powd(yf).ok_or_else(|| {
                    runtime("decimal overflow computing compound interest".into())
                })?;
                principal
                    .checked_mul(factor - Decimal::ONE)
                    .ok_or_else(|| runtime("decimal overflow computing compound interest".into()))
            }
        }
    };
    match spec.moment {
        Moment::PerDay => {
            let mut sum = Decimal::ZERO;
            let mut d = from;
            while d < until {
                let next = d + Duration::days(1);
                sum = sum
                    .checked_add(spec.rounding.round(one(d, next)?, spec.dp))
                    .ok_or_else(|| runtime("decimal overflow computing interest".into()))?;
                d = next;
            }
            Ok(sum)
        }
        Moment::PerLine => Ok(spec.rounding.round(one(from, until)?, spec.dp)),
        Moment::AtEnd => one(from, until),
    }
}

/// Accrue interest on `principal` from `start` (the first day that accrues) to `end`
/// (exclusive), with `payments` allocated on their dates, `fees` owed first.
pub fn accrue(
    spec: &InterestSpec,
    tables: &RateTables,
    principal: Decimal,
    fees: Decimal,
    start: NaiveDate,
    end: NaiveDate,
    payments: &[Movement],
) -> Result<Accrual> {
    let opening = [Movement {
        on: NaiveDate::MIN,
        amount: fees,
    }];
    accrue_with_fees(spec, tables, principal, &opening, start, end, payments)
}

/// [`accrue`] with the fees and compensation charged on their dates (the charge
/// ledger): a payment settles only the fees charged on or before its day (a fee charged
/// the same day comes first).
pub fn accrue_with_fees(
    spec: &InterestSpec,
    tables: &RateTables,
    principal: Decimal,
    fees: &[Movement],
    start: NaiveDate,
    end: NaiveDate,
    payments: &[Movement],
) -> Result<Accrual> {
    let mut principal = principal.max(Decimal::ZERO);
    let mut fee_events: Vec<Movement> = fees.to_vec();
    crate::sort::sort_by_key(&mut fee_events, |m| m.on);
    let mut next_fee = 0usize;
    let mut fees_owed = Decimal::ZERO;
    let mut charge_fees_until = |d: NaiveDate, fees_owed: &mut Decimal| {
        while let Some(m) = fee_events.get(next_fee).filter(|m| m.on <= d) {
            *fees_owed = fees_owed.saturating_add(m.amount.max(Decimal::ZERO));
            next_fee += 1;
        }
    };
    let mut periods = Vec::new();
    let mut interest_total = Decimal::ZERO;
    let mut interest_unpaid = Decimal::ZERO;
    let (mut paid_fees, mut paid_interest, mut paid_principal, mut overpaid) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut pays: Vec<Movement> = payments.to_vec();
    crate::sort::sort_by_key(&mut pays, |m| m.on);

    let plan = if end > start {
        rate_plan(&spec.rate, tables, start, end)?
    } else {
        Vec::new()
    };
    // Breakpoints: rate changes and payment days inside the span.
    let mut points: Vec<NaiveDate> = plan.iter().map(|(d, _)| *d).collect();
    points.extend(pays.iter().map(|m| m.on).filter(|d| *d > start && *d < end));
    crate::sort::sort(&mut points);
    points.dedup();
    let rate_at = |d: NaiveDate| -> Decimal {
        let i = plan.partition_point(|(p, _)| *p <= d);
        i.checked_sub(1).map_or(Decimal::ZERO, |i| plan[i].1)
    };

    let mut allocate = |amount: Decimal,
                        principal: &mut Decimal,
                        interest_unpaid: &mut Decimal,
                        fees_owed: &mut Decimal| {
        // Interest falls due to the cent when a payment meets it.
        *interest_unpaid = spec.rounding.round(*interest_unpaid, spec.dp);
        let mut left = amount;
        for b in &spec.order {
            let owed = match b {
                Bucket::Fees => &mut *fees_owed,
                Bucket::Interest => &mut *interest_unpaid,
                Bucket::Principal => &mut *principal,
            };
            let take = left.min(*owed);
            *owed -= take;
            left -= take;
            match b {
                Bucket::Fees => paid_fees += take,
                Bucket::Interest => paid_interest += take,
                Bucket::Principal => paid_principal += take,
            }
        }
        overpaid += left;
    };

    // Payments before interest starts reduce the balance first.
    for m in pays.iter().filter(|m| m.on <= start) {
        charge_fees_until(m.on, &mut fees_owed);
        allocate(
            m.amount,
            &mut principal,
            &mut interest_unpaid,
            &mut fees_owed,
        );
    }
    for (i, from) in points.iter().enumerate() {
        let until = points.get(i + 1).copied().unwrap_or(end);
        if until <= *from {
            continue;
        }
        let rate = rate_at(*from);
        let interest = period_interest(spec, principal, rate, *from, until)?;
        interest_total = interest_total
            .checked_add(interest)
            .ok_or_else(|| runtime("decimal overflow computing interest".into()))?;
        interest_unpaid += interest;
        periods.push(Period {
            from: *from,
            until,
            days: spec.day_count.days(*from, until),
            rate,
            principal,
            interest,
        });
        for m in pays.iter().filter(|m| m.on == until && until < end) {
            charge_fees_until(m.on, &mut fees_owed);
            allocate(
                m.amount,
                &mut principal,
                &mut interest_unpaid,
                &mut fees_owed,
            );
        }
    }
    let interest = match spec.moment {
        Moment::AtEnd => spec.rounding.round(interest_total, spec.dp),
        _ => interest_total,
    };
    if spec.moment == Moment::AtEnd {
        interest_unpaid = (interest - paid_interest).max(Decimal::ZERO);
    }
    Ok(Accrual {
        interest,
        interest_unpaid,
        periods,
        principal_end: principal,
        paid_fees,
        paid_interest,
        paid_principal,
        overpaid,
    })
}

/// Simple interest for a number of days: `principal x rate x days / basis`, unrounded.
pub fn simple(principal: Decimal, annual_rate: Decimal, days: i64, basis: i64) -> Decimal {
    if days <= 0 || basis <= 0 {
        return Decimal::ZERO;
    }
    principal * annual_rate * Decimal::from(days) / Decimal::from(basis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn spec(rate: RateSource) -> InterestSpec {
        InterestSpec::simple_act365(rate, 2)
    }

    #[test]
    fn uk_figures() {
        let t = RateTables::default();
        // GBP 1,000 at 12% for 30 days = 9.86.
        let a = accrue(
            &spec(RateSource::Fixed(dec("0.12"))),
            &t,
            dec("1000"),
            Decimal::ZERO,
            d("2026-01-01"),
            d("2026-01-31"),
            &[],
        )
        .unwrap();
        assert_eq!(a.interest.to_string(), "9.86");
        // GBP 1,000 at 8.5% = 85.00 a year, about 0.23 a day.
        let a = accrue(
            &spec(RateSource::Fixed(dec("0.085"))),
            &t,
            dec("1000"),
            Decimal::ZERO,
            d("2025-01-01"),
            d("2026-01-01"),
            &[],
        )
        .unwrap();
        assert_eq!(a.interest.to_string(), "85.00");
        assert_eq!(
            Rounding::HalfUp
                .round(simple(dec("1000"), dec("0.085"), 1, 365), 2)
                .to_string(),
            "0.23"
        );
    }

    #[test]
    fn partial_payment_reduces_the_balance_from_its_day() {
        let t = RateTables::default();
        let s = spec(RateSource::Fixed(dec("0.10")));
        // 1,000 for 10 days, then 500 paid, 500 for 10 more days (ACT/365F, rounded at end).
        let a = accrue(
            &s,
            &t,
            dec("1000"),
            Decimal::ZERO,
            d("2026-01-01"),
            d("2026-01-21"),
            &[Movement {
                on: d("2026-01-11"),
                amount: dec("500"),
            }],
        )
        .unwrap();
        // 1000 x 10% x 10/365 = 2.739726 falls due as 2.74 when the payment meets it, so
        // 497.26 reduces the principal to 502.74; 502.74 x 10% x 10/365 = 1.377370.
        assert_eq!(a.interest.to_string(), "4.12");
        assert_eq!(a.principal_end.to_string(), "502.74");
        assert_eq!(a.interest_unpaid.to_string(), "1.38");
        assert_eq!(a.periods.len(), 2);
        assert_eq!(
            a.paid_fees + a.paid_interest + a.paid_principal + a.overpaid,
            dec("500")
        );
    }
}
