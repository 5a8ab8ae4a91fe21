//! Local time: weekly windows in the debtor's time zone, holidays, and the exact
//! next instant a window opens, correct across daylight-saving changes.
//!
//! A local time maps to zero, one or two instants: a time inside a spring-forward
//! gap never happens on the wall clock, and a time inside a fall-back overlap happens
//! twice. [`local_instants`] gives every reading; [`local_to_instant`] the earliest
//! (a gap time moves to the end of the gap, the transition instant). Window searches
//! consider every instant a window opens, the second pass of a repeated hour
//! included, so the answer is the earliest allowed instant, not the earliest
//! allowed local reading.
//!
//! Every search here is bounded by a constant, never by a value from a case or a
//! rule: [`SEARCH_DAYS`] local days for one zone, [`MAX_ZONE_ROUNDS`] rounds to make
//! several zones agree, [`MAX_GAP_MINUTES`] minutes to cross a spring-forward gap.

use crate::time::Instant;
use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// Seconds in a day.
const DAY: u32 = 86_400;

/// How many local days after the instant being checked a window search looks at
/// before it gives up (a window closed for more than a year, every day a holiday,
/// never opens "soon enough" to be worth a date).
pub const SEARCH_DAYS: u64 = 370;

/// Most rounds of the several-zones search ([`next_open_all`]): each round moves to
/// the latest of the zones' next openings; windows that never overlap stop here.
pub const MAX_ZONE_ROUNDS: usize = 64;

/// Longest spring-forward gap crossed, in minutes (real gaps are 30 minutes to 2
/// hours; a whole-day skip like Samoa 2011 is 24 hours, hence a full day plus slack).
pub const MAX_GAP_MINUTES: i64 = 25 * 60;

/// Every instant a local reading denotes in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalInstants {
    /// The reading happens once.
    Single(Instant),
    /// The reading happens twice (a fall-back overlap): the earlier then the later
    /// instant.
    Ambiguous(Instant, Instant),
    /// The reading never happens (a spring-forward gap): the instant the gap ends
    /// (the transition), where the engine places such a reading.
    Gap(Instant),
    /// The reading is outside the dates the engine can represent.
    OutOfRange,
}

impl LocalInstants {
    /// The earliest instant (the end of the gap for a gap reading).
    pub fn earliest(self) -> Option<Instant> {
        match self {
            LocalInstants::Single(t) | LocalInstants::Ambiguous(t, _) | LocalInstants::Gap(t) => {
                Some(t)
            }
            LocalInstants::OutOfRange => None,
        }
    }
}

fn utc(t: DateTime<Tz>) -> Instant {
    Instant(t.with_timezone(&Utc))
}

/// Offset from UTC (seconds) in force at timestamp `s`, or `None` out of range.
fn offset_at(tz: Tz, s: i64) -> Option<i32> {
    let u = DateTime::<Utc>::from_timestamp(s, 0)?;
    Some(
        tz.offset_from_utc_datetime(&u.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

/// The first timestamp in `(lo, hi]` whose offset is the one in force at `hi`
/// (the transition, when the offsets at `lo` and `hi` differ and one transition lies
/// between them). Binary search: at most 64 steps.
fn transition_in(tz: Tz, lo: i64, hi: i64) -> Option<i64> {
    let target = offset_at(tz, hi)?;
    let (mut lo, mut hi) = (lo, hi);
    while hi.checked_sub(lo)? > 1 {
        let mid = lo.checked_add(hi.checked_sub(lo)? / 2)?;
        if offset_at(tz, mid)? == target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// Every instant local `date` + `secs` seconds denotes in `tz` (`secs` may be up to
/// a day, 24:00 being the next day's midnight).
pub fn local_instants(tz: Tz, date: NaiveDate, secs: u32) -> LocalInstants {
    let Some(base) = NaiveDateTime::new(date, NaiveTime::MIN)
        .checked_add_signed(Duration::seconds(i64::from(secs)))
    else {
        return LocalInstants::OutOfRange;
    };
    match tz.from_local_datetime(&base) {
        chrono::LocalResult::Single(t) => LocalInstants::Single(utc(t)),
        chrono::LocalResult::Ambiguous(a, b) => {
            let (a, b) = (utc(a), utc(b));
            LocalInstants::Ambiguous(a.min(b), a.max(b))
        }
        chrono::LocalResult::None => {
            // Walk forward a minute at a time to the first reading that exists, then
            // find the transition to the second just before it.
            let mut probe = base;
            for _ in 0..MAX_GAP_MINUTES {
                let Some(next) = probe.checked_add_signed(Duration::minutes(1)) else {
                    return LocalInstants::OutOfRange;
                };
                probe = next;
                let first = match tz.from_local_datetime(&probe) {
                    chrono::LocalResult::Single(t) => utc(t),
                    chrono::LocalResult::Ambiguous(a, b) => utc(a).min(utc(b)),
                    chrono::LocalResult::None => continue,
                };
                let hi = first.timestamp();
                let Some(lo) = hi.checked_sub(60) else {
                    return LocalInstants::OutOfRange;
                };
                if offset_at(tz, lo) == offset_at(tz, hi) {
                    return LocalInstants::Gap(first);
                }
                return match transition_in(tz, lo, hi) {
                    Some(s) => LocalInstants::Gap(Instant::from_timestamp(s)),
                    None => LocalInstants::OutOfRange,
                };
            }
            LocalInstants::OutOfRange
        }
    }
}

/// The first instant at or after local `date` + `secs` seconds that exists in `tz`
/// (a time inside a spring-forward gap moves to the end of the gap; an ambiguous
/// time takes its earlier instant). `None` outside the representable dates.
pub fn local_to_instant(tz: Tz, date: NaiveDate, secs: u32) -> Option<Instant> {
    local_instants(tz, date, secs).earliest()
}

/// Start of a local day as an instant (`None` outside the representable dates).
pub fn start_of_day(tz: Tz, date: NaiveDate) -> Option<Instant> {
    local_to_instant(tz, date, 0)
}

/// `date` plus `days` days, `None` when out of range.
pub fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

/// `t` plus `secs` seconds, `None` when out of range.
pub fn add_secs(t: Instant, secs: i64) -> Option<Instant> {
    t.0.checked_add_signed(Duration::try_seconds(secs)?)
        .map(Instant)
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

    /// Whether instant `t` is inside the window in `tz`.
    pub fn allows_at(&self, tz: Tz, t: Instant, closures: &Closures<'_>) -> bool {
        let (d, s) = local(tz, t);
        self.allows(d, s, closures)
    }

    /// The earliest instant at or after `t` inside the window in `tz`, or `None`
    /// when the window does not open within [`SEARCH_DAYS`] local days.
    ///
    /// Exact across daylight-saving changes: the allowed instants form intervals
    /// that begin either where the local clock reaches a range's start (both times
    /// when the reading repeats in a fall-back overlap; the end of the gap when it
    /// falls in a spring-forward gap) or at a transition that moves the clock into a
    /// range; every such instant is a candidate, and the earliest allowed one at or
    /// after `t` is the answer. (Assumes at most one offset change per local day,
    /// true of every zone in the period the engine supports.)
    pub fn next_open(&self, tz: Tz, t: Instant, closures: &Closures<'_>) -> Option<Instant> {
        if self.allows_at(tz, t, closures) {
            return Some(t);
        }
        let (date, _) = local(tz, t);
        // The day before too: after a fall-back crossing midnight, instants at or
        // after `t` may read as the previous local date.
        let first = add_days(date, -1)?;
        let mut best: Option<Instant> = None;
        let mut found_on: Option<u64> = None;
        for offset in 0..=SEARCH_DAYS.saturating_add(1) {
            // One more day after the first find: a reading there can precede it only
            // through a fall-back overlap, never by a whole day.
            if found_on.is_some_and(|f| offset > f.saturating_add(1)) {
                break;
            }
            let Some(d) = first.checked_add_days(Days::new(offset)) else {
                break;
            };
            if closures.closed(d) {
                continue;
            }
            let wd = d.weekday().num_days_from_monday() as usize;
            if self.days[wd].is_empty() {
                continue;
            }
            let mut candidates: Vec<Instant> = Vec::with_capacity(4);
            for &(a, b) in &self.days[wd] {
                if a >= b || a >= DAY {
                    continue;
                }
                match local_instants(tz, d, a) {
                    LocalInstants::Single(x) | LocalInstants::Gap(x) => candidates.push(x),
                    LocalInstants::Ambiguous(x, y) => candidates.extend([x, y]),
                    LocalInstants::OutOfRange => {}
                }
            }
            // A transition during the day can move the clock into a range.
            if let (Some(s0), Some(s1)) = (
                start_of_day(tz, d),
                d.succ_opt().and_then(|n| start_of_day(tz, n)),
            ) {
                let (lo, hi) = (s0.timestamp(), s1.timestamp());
                if offset_at(tz, lo) != offset_at(tz, hi) {
                    if let Some(x) = transition_in(tz, lo, hi) {
                        candidates.push(Instant::from_timestamp(x));
                    }
                }
            }
            for c in candidates {
                if c >= t && best.is_none_or(|b| c < b) && self.allows_at(tz, c, closures) {
                    best = Some(c);
                    found_on.get_or_insert(offset);
                }
            }
        }
        best
    }
}

/// Why a window search found no instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchEnd {
    /// The window does not open within [`SEARCH_DAYS`] local days in this zone.
    Horizon(Tz),
    /// The zones' windows did not overlap within [`MAX_ZONE_ROUNDS`] rounds.
    ZoneRounds,
}

impl std::fmt::Display for SearchEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchEnd::Horizon(tz) => write!(
                f,
                "the window does not open within {SEARCH_DAYS} days in {}",
                tz.name()
            ),
            SearchEnd::ZoneRounds => write!(
                f,
                "the windows of the possible time zones did not overlap within {MAX_ZONE_ROUNDS} rounds"
            ),
        }
    }
}

/// The earliest instant at or after `t` allowed in every zone (the ambiguous-location
/// rule: when the debtor may be in several zones, a time must suit all of them), or
/// why there is none: one zone's window does not open within [`SEARCH_DAYS`] days, or
/// the zones do not agree within [`MAX_ZONE_ROUNDS`] rounds.
pub fn next_open_all(
    w: &Weekly,
    zones: &[Tz],
    t: Instant,
    closures: &Closures<'_>,
) -> Result<Instant, SearchEnd> {
    let mut at = t;
    for _ in 0..MAX_ZONE_ROUNDS {
        let mut latest = at;
        for &z in zones {
            let n = w.next_open(z, at, closures).ok_or(SearchEnd::Horizon(z))?;
            if n > latest {
                latest = n;
            }
        }
        if latest == at {
            return Ok(at);
        }
        at = latest;
    }
    Err(SearchEnd::ZoneRounds)
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
