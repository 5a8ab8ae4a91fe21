//! Day-count conventions: how many years lie between two dates.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A day-count convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DayCount {
    /// Actual days / 365 (UK statutory interest: "daily = annual / 365").
    #[serde(rename = "act/365f")]
    Act365F,
    /// Actual days / 360 (money-market convention).
    #[serde(rename = "act/360")]
    Act360,
    /// 30/360 bond basis (SAP Business One's dunning default: 360 a year, 30 a month).
    #[serde(rename = "30/360")]
    Thirty360,
    /// Actual/Actual (ISDA): each calendar year's days over that year's length.
    #[serde(rename = "act/act")]
    ActAct,
}

impl DayCount {
    /// Parse `act/365f`, `act/360`, `30/360` or `act/act` (case-insensitive).
    pub fn parse(s: &str) -> Option<DayCount> {
        Some(match s.to_ascii_lowercase().as_str() {
            "act/365f" | "act/365" | "actual/365" => DayCount::Act365F,
            "act/360" | "actual/360" => DayCount::Act360,
            "30/360" => DayCount::Thirty360,
            "act/act" | "actual/actual" => DayCount::ActAct,
            _ => return None,
        })
    }

    /// The name as written in a basis.
    pub fn as_str(self) -> &'static str {
        match self {
            DayCount::Act365F => "act/365f",
            DayCount::Act360 => "act/360",
            DayCount::Thirty360 => "30/360",
            DayCount::ActAct => "act/act",
        }
    }

    /// Days counted from `start` to `end` (end exclusive) under this convention.
    pub fn days(self, start: NaiveDate, end: NaiveDate) -> i64 {
        match self {
            DayCount::Thirty360 => {
                let (y1, m1, mut d1) = (
                    start.year() as i64,
                    start.month() as i64,
                    start.day() as i64,
                );
                let (y2, m2, mut d2) = (end.year() as i64, end.month() as i64, end.day() as i64);
                if d1 == 31 {
                    d1 = 30;
                }
                if d2 == 31 && d1 >= 30 {
                    d2 = 30;
                }
                360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)
            }
            _ => (end - start).num_days(),
        }
    }

    /// The year fraction from `start` to `end` (end exclusive) as (days, days in the
    /// year) parts: one part, or one per calendar year under ACT/ACT. Empty when
    /// `end <= start`. Callers multiply by the parts' days before dividing by their
    /// basis, so a figure that is exact (`45219.85 x 0.14 x 275 / 365 = 4769.765`)
    /// stays exact instead of carrying the rounding of `275 / 365`.
    pub fn parts(self, start: NaiveDate, end: NaiveDate) -> Vec<(i64, i64)> {
        if end <= start {
            return Vec::new();
        }
        match self {
            DayCount::Act365F => vec![(self.days(start, end), 365)],
            DayCount::Act360 | DayCount::Thirty360 => vec![(self.days(start, end), 360)],
            DayCount::ActAct => {
                let mut parts = Vec::new();
                let mut from = start;
                while from < end {
                    let next_year = NaiveDate::from_ymd_opt(from.year() + 1, 1, 1).unwrap_or(end);
                    let to = next_year.min(end);
                    let len = if NaiveDate::from_ymd_opt(from.year(), 2, 29).is_some() {
                        366
                    } else {
                        365
                    };
                    parts.push(((to - from).num_days(), len));
                    from = to;
                }
                parts
            }
        }
    }

    /// The year fraction from `start` to `end` (end exclusive); zero when `end <= start`.
    pub fn year_fraction(self, start: NaiveDate, end: NaiveDate) -> Decimal {
        self.parts(start, end)
            .into_iter()
            .map(|(days, basis)| Decimal::from(days) / Decimal::from(basis))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn conventions() {
        let (a, b) = (d("2024-01-31"), d("2024-03-31"));
        assert_eq!(DayCount::Act365F.days(a, b), 60);
        assert_eq!(DayCount::Thirty360.days(a, b), 60);
        assert_eq!(
            DayCount::Thirty360.days(d("2024-02-28"), d("2024-03-31")),
            33
        );
        assert_eq!(
            DayCount::Act360.year_fraction(a, b),
            Decimal::from(60) / Decimal::from(360)
        );
        // Act/Act across a year end: 1 day of 2023 (365) + 1 day of 2024 (366).
        let f = DayCount::ActAct.year_fraction(d("2023-12-31"), d("2024-01-02"));
        assert_eq!(
            f,
            Decimal::ONE / Decimal::from(365) + Decimal::ONE / Decimal::from(366)
        );
        assert_eq!(DayCount::Act365F.year_fraction(b, a), Decimal::ZERO);
        assert_eq!(DayCount::parse("ACT/360"), Some(DayCount::Act360));
        assert_eq!(DayCount::parse("bogus"), None);
    }
}
