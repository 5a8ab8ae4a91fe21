//! Payment plans and settlements: exact installment schedules and bounds checks.

use super::Rounding;
use crate::time::Date;
use chrono::{Duration, Months, NaiveDate};
use rust_decimal::prelude::MathematicalOps;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How often installments fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Biweekly,
    /// Same day each month (clamped to the month's end).
    Monthly,
}

impl Frequency {
    /// Parse `weekly`, `biweekly` or `monthly`.
    pub fn parse(s: &str) -> Option<Frequency> {
        Some(match s {
            "weekly" => Frequency::Weekly,
            "biweekly" => Frequency::Biweekly,
            "monthly" => Frequency::Monthly,
            _ => return None,
        })
    }

    fn per_year(self) -> Decimal {
        Decimal::from(match self {
            Frequency::Weekly => 52,
            Frequency::Biweekly => 26,
            Frequency::Monthly => 12,
        })
    }

    /// The k-th due date (k = 0 is `first`), or `None` past the last date chrono
    /// represents (inputs are bounded to 1900..2199 and plans to 600 installments, so
    /// an engine input never gets there).
    pub(crate) fn checked_nth(self, first: NaiveDate, k: u32) -> Option<NaiveDate> {
        match self {
            Frequency::Weekly => {
                Duration::try_days(7 * i64::from(k)).and_then(|d| first.checked_add_signed(d))
            }
            Frequency::Biweekly => {
                Duration::try_days(14 * i64::from(k)).and_then(|d| first.checked_add_signed(d))
            }
            Frequency::Monthly => first.checked_add_months(Months::new(k)),
        }
    }

    /// The k-th due date (k = 0 is `first`), held at the last representable date
    /// rather than wrapping (see [`Frequency::checked_nth`]).
    pub(crate) fn nth(self, first: NaiveDate, k: u32) -> NaiveDate {
        self.checked_nth(first, k).unwrap_or(NaiveDate::MAX)
    }
}

/// Where the rounding remainder of an even split goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// On the last installment (Chaser's "locked" last installment).
    Last,
    /// On the first installment.
    First,
}

/// One installment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Due {
    /// Due date.
    pub due_on: Date,
    /// Amount.
    #[serde(with = "super::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub amount: Decimal,
}

/// An exact schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Schedule {
    /// Down payment, due on the start date.
    #[serde(with = "super::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub down_payment: Decimal,
    /// Installments.
    pub installments: Vec<Due>,
    /// Plan interest included.
    #[serde(with = "super::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub interest: Decimal,
    /// Down payment plus installments.
    #[serde(with = "super::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub total: Decimal,
}

/// Build a schedule for `balance`: a down payment, then `n` installments from `first`,
/// at an annual plan rate (French amortisation when positive), each rounded half-up to
/// `dp` places, the remainder placed by `remainder` so that the installments sum to the
/// total exactly.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a term of the plan; a struct would only rename them"
)]
pub fn schedule(
    balance: Decimal,
    down_payment: Decimal,
    n: u32,
    frequency: Frequency,
    first: NaiveDate,
    annual_rate: Decimal,
    dp: u32,
    remainder: Remainder,
) -> Schedule {
    let n = n.max(1);
    let financed = (balance - down_payment).max(Decimal::ZERO);
    let r = annual_rate.max(Decimal::ZERO) / frequency.per_year();
    let total_installments = if r.is_zero() {
        financed
    } else {
        // payment = P r / (1 - (1 + r)^-n), total = n x payment, rounded to the cent.
        // Every step is checked: absurd terms give the flat total rather than a panic.
        let amortised = (Decimal::ONE + r)
            .checked_powu(u64::from(n))
            .filter(|g| *g > Decimal::ONE)
            .and_then(|g| {
                financed
                    .checked_mul(r)
                    .and_then(|x| x.checked_mul(g))
                    .and_then(|x| x.checked_div(g - Decimal::ONE))
                    .and_then(|p| p.checked_mul(Decimal::from(n)))
            });
        match amortised {
            Some(t) => Rounding::HalfUp.round(t, dp),
            None => Rounding::HalfUp.round(
                financed
                    .checked_mul(Decimal::ONE + r * Decimal::from(n))
                    .unwrap_or(financed),
                dp,
            ),
        }
    };
    let each = Rounding::Down.round(total_installments / Decimal::from(n), dp);
    let rest = total_installments - each * Decimal::from(n);
    let installments = (0..n)
        .map(|k| {
            let extra = match remainder {
                Remainder::Last if k == n - 1 => rest,
                Remainder::First if k == 0 => rest,
                _ => Decimal::ZERO,
            };
            Due {
                due_on: Date(frequency.nth(first, k)),
                amount: each + extra,
            }
        })
        .collect();
    Schedule {
        down_payment,
        installments,
        interest: total_installments - financed,
        total: down_payment + total_installments,
    }
}

/// The bounds a policy sets on payment plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanBounds {
    /// Smallest down payment as a percentage of the balance.
    #[serde(with = "super::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub min_down_payment_pct: Decimal,
    /// Most installments.
    pub max_installments: u32,
    /// Frequencies offered.
    pub frequencies: Vec<Frequency>,
    /// Smallest installment.
    #[serde(with = "super::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub min_installment: Decimal,
    /// Latest first due date, in days from the offer.
    pub max_days_to_first: i64,
    /// Annual plan interest rate (fraction).
    #[serde(with = "super::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub annual_rate: Decimal,
}

/// A plan the debtor proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Down payment.
    #[serde(with = "super::amount")]
    pub down_payment: Decimal,
    /// Number of installments.
    pub installments: u32,
    /// Frequency.
    pub frequency: Frequency,
    /// First installment date.
    pub first_due_on: Date,
}

/// Check a proposal against bounds; every broken bound is listed in plain words.
pub fn check(
    bounds: &PlanBounds,
    balance: Decimal,
    today: NaiveDate,
    dp: u32,
    p: &Proposal,
) -> (Vec<String>, Schedule) {
    let mut broken = Vec::new();
    let min_down = Rounding::HalfUp.round(
        balance * bounds.min_down_payment_pct / Decimal::ONE_HUNDRED,
        dp,
    );
    if p.down_payment < min_down {
        broken.push(format!(
            "min_down_payment_pct: the down payment {} is below the minimum {} ({}% of {})",
            p.down_payment, min_down, bounds.min_down_payment_pct, balance
        ));
    }
    if p.down_payment > balance {
        broken.push(format!(
            "down_payment: {} is more than the balance {}",
            p.down_payment, balance
        ));
    }
    if p.installments == 0 || p.installments > bounds.max_installments {
        broken.push(format!(
            "max_installments: {} installments; between 1 and {} are allowed",
            p.installments, bounds.max_installments
        ));
    }
    if !bounds.frequencies.contains(&p.frequency) {
        broken.push(format!("frequencies: `{:?}` is not offered", p.frequency).to_lowercase());
    }
    let latest = Duration::try_days(bounds.max_days_to_first)
        .and_then(|d| today.checked_add_signed(d))
        .unwrap_or(NaiveDate::MAX);
    if p.first_due_on.0 < today || p.first_due_on.0 > latest {
        broken.push(format!(
            "max_days_to_first: the first installment on {} must fall between {} and {}",
            p.first_due_on, today, latest
        ));
    }
    let s = schedule(
        balance,
        p.down_payment.min(balance),
        p.installments.max(1),
        p.frequency,
        p.first_due_on.0,
        bounds.annual_rate,
        dp,
        Remainder::Last,
    );
    if let Some(smallest) = s.installments.iter().map(|i| i.amount).min() {
        if smallest < bounds.min_installment && s.total > p.down_payment {
            broken.push(format!(
                "min_installment: an installment of {} is below the minimum {}",
                smallest, bounds.min_installment
            ));
        }
    }
    (broken, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_plans_near_the_last_date_do_not_wrap() {
        let last = NaiveDate::MAX;
        assert_eq!(Frequency::Weekly.checked_nth(last, 1), None);
        assert_eq!(Frequency::Biweekly.checked_nth(last, 1), None);
        assert_eq!(Frequency::Monthly.checked_nth(last, 1), None);
        assert_eq!(Frequency::Weekly.nth(last, 600), last);
    }
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn even_split_sums_exactly() {
        let s = schedule(
            d("1000.00"),
            d("100.00"),
            7,
            Frequency::Monthly,
            day("2026-01-31"),
            Decimal::ZERO,
            2,
            Remainder::Last,
        );
        let sum: Decimal = s.installments.iter().map(|i| i.amount).sum();
        assert_eq!(sum, d("900.00"));
        assert_eq!(s.installments[0].amount, d("128.57"));
        assert_eq!(s.installments[6].amount, d("128.58"));
        assert_eq!(s.installments[1].due_on.0, day("2026-02-28"));
        assert_eq!(s.total, d("1000.00"));
    }

    #[test]
    fn amortised_plan_includes_interest() {
        let s = schedule(
            d("1200"),
            Decimal::ZERO,
            12,
            Frequency::Monthly,
            day("2026-02-01"),
            d("0.12"),
            2,
            Remainder::First,
        );
        // 1% a month on 1,200 over 12 months: payment 106.62, total 1279.42.
        assert_eq!(s.total, d("1279.42"));
        assert_eq!(s.interest, d("79.42"));
        let sum: Decimal = s.installments.iter().map(|i| i.amount).sum();
        assert_eq!(sum, s.total);
    }

    #[test]
    fn proposals_are_checked_against_bounds() {
        let b = PlanBounds {
            min_down_payment_pct: d("10"),
            max_installments: 6,
            frequencies: vec![Frequency::Monthly],
            min_installment: d("50"),
            max_days_to_first: 30,
            annual_rate: Decimal::ZERO,
        };
        let ok = Proposal {
            down_payment: d("100"),
            installments: 6,
            frequency: Frequency::Monthly,
            first_due_on: Date(day("2026-03-20")),
        };
        assert!(check(&b, d("1000"), day("2026-03-16"), 2, &ok).0.is_empty());
        let bad = Proposal {
            down_payment: d("50"),
            installments: 24,
            frequency: Frequency::Weekly,
            first_due_on: Date(day("2026-06-01")),
        };
        let (broken, _) = check(&b, d("1000"), day("2026-03-16"), 2, &bad);
        let keys: Vec<&str> = broken
            .iter()
            .map(|m| m.split(':').next().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "min_down_payment_pct",
                "max_installments",
                "frequencies",
                "max_days_to_first",
                "min_installment"
            ]
        );
    }
}
