//! Local time: weekly windows in the debtor's time zone, holidays, and the exact
//! next instant a window opens, correct across daylight-saving changes.

use crate::time::Instant;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// Seconds in a day.
const DAY: u32 = 86_400;

/// The first instant at or after local `date` + `secs` seconds that exists in `tz`
/// (a time inside a spring-forward gap moves to the end of the gap; an ambiguous
/// time takes its earlier instant).
pub fn local_to_instant(tz: Tz, date: NaiveDate, secs: u32) -> Instant {
    let base = NaiveDateTime::new(date, NaiveTime::MIN) + Duration::seconds(i64::from(secs));
    let mut probe = base;
    for _ in 0..(4 * 60) {
        match tz.from_local_datetime(&probe) {
            chrono::LocalResult::Single(t) => return Instant(t.with_timezone(&Utc)),
            chrono::LocalResult::Ambiguous(a, _) => return Instant(a.with_timezone(&Utc)),
            chrono::LocalResult::None => probe += Duration::minutes(1),
        }
    }
    Instant(DateTime::<Utc>::from_naive_utc_and_offset(base, Utc))
}

/// Start of a local day as an instant.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> Instant {
    local_to_instant(tz, date, 0)
}

/// The local date and second-of-day of an instant.
pub fn local(tz: Tz, t: Instant) -> (NaiveDate, u32) {
    let l = t.0.with_timezone(&tz);
    (l.date_naive(), l.num_seconds_from_midnight())
}

/// Holidays: a calendar name plus extra closed days the host supplied.
#[derive(Debug, Clone, Default)]
pub struct Closures<'a> {
    /// Calendar name (`CO`, `US`, ...), if the rule observes holidays.
    pub calendar: Option<&'a str>,
    /// Extra closed dates (regional holidays, company closures).
    pub extra: Option<&'a BTreeSet<NaiveDate>>,
}

impl Closures<'_> {
    /// Whether `d` is closed.
    pub fn closed(&self, d: NaiveDate) -> bool {
        self.calendar
            .is_some_and(|c| super::holidays::is_holiday(c, d.year(), d.month(), d.day()))
            || self.extra.is_some_and(|e| e.contains(&d))
    }
}

/// A weekly window: for each weekday (0 = Monday) a list of `[from, to)` second ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weekly {
    /// Ranges per weekday.
    pub days: [Vec<(u32, u32)>; 7],
}

impl Weekly {
    /// The same range every day.
    pub fn every_day(from: u32, to: u32) -> Weekly {
        let mut w = Weekly::default();
        for d in &mut w.days {
            d.push((from, to));
        }
        w
    }

    /// Whether local (date, second) is inside the window.
    pub fn allows(&self, date: NaiveDate, sec: u32, closures: &Closures<'_>) -> bool {
        if closures.closed(date) {
            return false;
        }
        let wd = date.weekday().num_days_from_monday() as usize;
        self.days[wd].iter().any(|&(a, b)| sec >= a && sec < b)
    }

    /// The earliest instant at or after `t` inside the window in `tz`, or `None`
    /// when the window never opens within a year.
    pub fn next_open(&self, tz: Tz, t: Instant, closures: &Closures<'_>) -> Option<Instant> {
        let (date, sec) = local(tz, t);
        if self.allows(date, sec, closures) {
            return Some(t);
        }
        for offset in 0..=370 {
            let d = date + Duration::days(offset);
            if closures.closed(d) {
                continue;
            }
            let wd = d.weekday().num_days_from_monday() as usize;
            let mut ranges = self.days[wd].clone();
            ranges.sort_unstable();
            for (a, b) in ranges {
                let from = if offset == 0 { a.max(sec) } else { a };
                if from >= b || from >= DAY {
                    continue;
                }
                let at = local_to_instant(tz, d, from);
                if at >= t {
                    let (ld, ls) = local(tz, at);
                    if self.allows(ld, ls, closures) {
                        return Some(at);
                    }
                }
            }
        }
        None
    }
}

/// The earliest instant at or after `t` allowed in every zone (the ambiguous-location
/// rule: when the debtor may be in several zones, a time must suit all of them).
pub fn next_open_all(
    w: &Weekly,
    zones: &[Tz],
    t: Instant,
    closures: &Closures<'_>,
) -> Option<Instant> {
    let mut at = t;
    for _ in 0..64 {
        let mut latest = at;
        for &z in zones {
            let n = w.next_open(z, at, closures)?;
            if n > latest {
                latest = n;
            }
        }
        if latest == at {
            return Some(at);
        }
        at = latest;
    }
    None
}

/// Parse `"HH:MM-HH:MM"` into a second range.
pub fn parse_range(s: &str) -> Result<(u32, u32), String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("expected a range like \"08:00-21:00\", got `{s}`"))?;
    let a = crate::model::parse_hhmm(a.trim())?;
    let b = crate::model::parse_hhmm(b.trim())?;
    if b <= a {
        return Err(format!("range `{s}` ends before it starts"));
    }
    Ok((a * 60, b * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        Instant::parse(s).unwrap()
    }

    #[test]
    fn next_open_same_day_and_next_day() {
        let w = Weekly::every_day(8 * 3600, 21 * 3600);
        let ny: Tz = "America/New_York".parse().unwrap();
        let none = Closures::default();
        // 07:00 EST -> 08:00 EST.
        assert_eq!(
            w.next_open(ny, at("2026-01-10T12:00:00Z"), &none).unwrap(),
            at("2026-01-10T13:00:00Z")
        );
        // Inside: unchanged.
        assert_eq!(
            w.next_open(ny, at("2026-01-10T15:30:00Z"), &none).unwrap(),
            at("2026-01-10T15:30:00Z")
        );
        // 21:00 exactly is outside (the end is exclusive): next morning.
        assert_eq!(
            w.next_open(ny, at("2026-01-11T02:00:00Z"), &none).unwrap(),
            at("2026-01-11T13:00:00Z")
        );
    }

    #[test]
    fn dst_spring_forward_window_in_the_gap() {
        // 2026-03-08: New York jumps from 02:00 to 03:00.
        let ny: Tz = "America/New_York".parse().unwrap();
        let w = Weekly::every_day(2 * 3600 + 30 * 60, 4 * 3600);
        let n = w
            .next_open(ny, at("2026-03-08T05:00:00Z"), &Closures::default())
            .unwrap();
        // 02:30 does not exist; the window opens at 03:00 EDT = 07:00Z.
        assert_eq!(n, at("2026-03-08T07:00:00Z"));
    }

    #[test]
    fn ambiguous_location_intersects() {
        let w = Weekly::every_day(8 * 3600, 21 * 3600);
        let zones: Vec<Tz> = vec![
            "America/New_York".parse().unwrap(),
            "America/Los_Angeles".parse().unwrap(),
        ];
        // 09:00 Eastern is 06:00 Pacific: wait for 08:00 Pacific = 11:00 Eastern.
        let n =
            next_open_all(&w, &zones, at("2026-06-10T13:00:00Z"), &Closures::default()).unwrap();
        assert_eq!(n, at("2026-06-10T15:00:00Z"));
    }

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("07:00-19:00"), Ok((25_200, 68_400)));
        assert!(parse_range("19:00-07:00").is_err());
        assert!(parse_range("7-19").is_err());
    }
}
