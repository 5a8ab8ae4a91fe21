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

/// The local date-time of an instant. Total: within a day of the representable
/// range's ends (around the years -262000 and +262000, never reached by real dates)
/// the local reading may not exist, and the UTC reading stands in for it.
fn local_naive(tz: Tz, t: Instant) -> NaiveDateTime {
    let u = t.0.naive_utc();
    u.checked_add_offset(tz.offset_from_utc_datetime(&u).fix())
        .unwrap_or(u)
}

/// The local date and second-of-day of an instant (see `local_naive` at the ends
/// of the representable range).
pub fn local(tz: Tz, t: Instant) -> (NaiveDate, u32) {
    let l = local_naive(tz, t);
    (l.date(), l.num_seconds_from_midnight())
}

/// The local date of an instant (never panics, unlike a conversion through chrono's
/// `with_timezone` at the ends of the representable range).
pub fn date_in(tz: Tz, t: Instant) -> NaiveDate {
    local_naive(tz, t).date()
}

/// An instant as a local reading for messages: `Tue 2026-03-10 10:00 EDT`, or the
/// UTC instant when the local reading is not representable.
pub fn describe_local(tz: Tz, t: Instant) -> String {
    let u = t.0.naive_utc();
    if u.checked_add_offset(tz.offset_from_utc_datetime(&u).fix())
        .is_some()
    {
        t.0.with_timezone(&tz)
            .format("%a %Y-%m-%d %H:%M %Z")
            .to_string()
    } else {
        t.to_string()
    }
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
    fn fall_back_second_pass_is_a_candidate() {
        // 1 November 2026, New York: 01:00-02:00 happens at 05:00Z-06:00Z (EDT) and
        // again at 06:00Z-07:00Z (EST).
        let ny: Tz = "America/New_York".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(
            local_instants(ny, d, 5400),
            LocalInstants::Ambiguous(at("2026-11-01T05:30:00Z"), at("2026-11-01T06:30:00Z"))
        );
        let w = Weekly::every_day(5400, 6300);
        let none = Closures::default();
        assert_eq!(
            w.next_open(ny, at("2026-11-01T05:50:00Z"), &none),
            Some(at("2026-11-01T06:30:00Z"))
        );
        // A window that the fall-back re-enters through the transition itself: 00:30-01:45
        // is left at 05:45Z and re-entered at 06:00Z (01:00 EST).
        let w = Weekly::every_day(1800, 6300);
        assert_eq!(
            w.next_open(ny, at("2026-11-01T05:50:00Z"), &none),
            Some(at("2026-11-01T06:00:00Z"))
        );
    }

    #[test]
    fn gap_readings_go_to_the_transition() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(
            local_instants(ny, d, 2 * 3600 + 59 * 60),
            LocalInstants::Gap(at("2026-03-08T07:00:00Z"))
        );
        // Lord Howe moves 30 minutes: 02:00 -> 02:30 on 5 October 2025.
        let lh: Tz = "Australia/Lord_Howe".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2025, 10, 5).unwrap();
        assert_eq!(
            local_instants(lh, d, 2 * 3600 + 10 * 60),
            LocalInstants::Gap(at("2025-10-04T15:30:00Z"))
        );
    }

    #[test]
    fn searches_give_up_at_their_bounds() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let every_day_closed = BTreeSet::from_iter(
            (0..400).filter_map(|i| add_days(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), i)),
        );
        let closures = Closures {
            calendar: None,
            extra: Some(&every_day_closed),
        };
        let w = Weekly::every_day(8 * 3600, 9 * 3600);
        assert_eq!(w.next_open(ny, at("2026-01-01T12:00:00Z"), &closures), None);
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        assert_eq!(
            next_open_all(
                &w,
                &[ny, tokyo],
                at("2026-01-01T12:00:00Z"),
                &Closures::default()
            ),
            Err(SearchEnd::ZoneRounds)
        );
        assert_eq!(
            next_open_all(&w, &[ny], at("2026-01-01T12:00:00Z"), &closures),
            Err(SearchEnd::Horizon(ny))
        );
    }

    #[test]
    fn the_ends_of_time_do_not_panic() {
        let w = Weekly::every_day(8 * 3600, 9 * 3600);
        for zone in [
            "America/New_York",
            "Pacific/Kiritimati",
            "Pacific/Pago_Pago",
            "UTC",
        ] {
            let tz: Tz = zone.parse().unwrap();
            for t in [DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC] {
                let _ = w.next_open(tz, Instant(t), &Closures::default());
                let _ = local(tz, Instant(t));
            }
            for d in [NaiveDate::MAX, NaiveDate::MIN] {
                let _ = local_instants(tz, d, 0);
                let _ = local_instants(tz, d, DAY);
                let _ = start_of_day(tz, d);
            }
        }
        for cal in super::super::holidays::CALENDARS {
            let c = Closures {
                calendar: Some(cal),
                extra: None,
            };
            for d in [NaiveDate::MAX, NaiveDate::MIN] {
                let _ = c.closed(d);
            }
            let _ = w.next_open(
                "America/New_York".parse().unwrap(),
                Instant(DateTime::<Utc>::MAX_UTC),
                &c,
            );
        }
        assert_eq!(add_days(NaiveDate::MAX, 1), None);
        assert_eq!(add_days(NaiveDate::MIN, -1), None);
        assert_eq!(add_days(NaiveDate::MIN, i64::MIN), None);
        assert_eq!(add_secs(Instant(DateTime::<Utc>::MAX_UTC), 1), None);
        assert_eq!(add_secs(at("2026-01-01T00:00:00Z"), i64::MAX), None);
    }

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("07:00-19:00"), Ok((25_200, 68_400)));
        assert!(parse_range("19:00-07:00").is_err());
        assert!(parse_range("7-19").is_err());
    }
}
