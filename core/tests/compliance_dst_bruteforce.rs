//! Window searches against a minute-by-minute brute force, on daylight-saving change
//! days: spring-forward gaps and fall-back overlaps in New York, London, Lord Howe
//! (30-minute DST), Santiago (midnight changes) and Berlin, with windows placed across
//! the gaps and overlaps.
//!
//! The brute force walks every minute from the checked instant and asks an
//! independent oracle (the local reading of that instant, compared with the ranges)
//! whether it is allowed. When it finds an instant, the engine must return exactly
//! that instant (existence is asserted, not only "if Some then ..."); when it finds
//! none within its horizon, the engine must not return one inside the horizon.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use chrono::{Datelike, Offset, Timelike};
use chrono_tz::Tz;
use proptest::prelude::*;
use recobro::internals::compliance::{
    check_contact, next_open_all, Holidays, Meta, RuleSet, Weekly, WindowRule,
};
use recobro::Channel;
use recobro::Confidence;
use recobro::{Case, Instant};
use std::sync::OnceLock;

const ZONES: [&str; 5] = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Europe/Berlin",
];

fn tz(i: usize) -> Tz {
    ZONES[i].parse().unwrap()
}

fn offset(tz: Tz, s: i64) -> i32 {
    recobro::internals::utc(Instant::from_timestamp(s))
        .with_timezone(&tz)
        .offset()
        .fix()
        .local_minus_utc()
}

/// (transition timestamp, offset before, offset after) in 2025-2027, found by an
/// hourly scan and bisection (independent of the engine's search).
fn transitions(tz: Tz) -> Vec<(i64, i32, i32)> {
    let start = "2025-01-01T00:00:00Z"
        .parse::<Instant>()
        .unwrap()
        .timestamp();
    let end = "2028-01-01T00:00:00Z"
        .parse::<Instant>()
        .unwrap()
        .timestamp();
    let mut out = Vec::new();
    let mut t = start;
    while t < end {
        let (a, b) = (offset(tz, t), offset(tz, t + 3600));
        if a != b {
            let (mut lo, mut hi) = (t, t + 3600);
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if offset(tz, mid) == b {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            out.push((hi, a, b));
        }
        t += 3600;
    }
    out
}

fn all_transitions() -> &'static Vec<Vec<(i64, i32, i32)>> {
    static T: OnceLock<Vec<Vec<(i64, i32, i32)>>> = OnceLock::new();
    T.get_or_init(|| (0..ZONES.len()).map(|i| transitions(tz(i))).collect())
}

/// Ranges as (weekday 0 = Monday, from minute, to minute).
type Ranges = Vec<(u32, u32, u32)>;

fn weekly(r: &Ranges) -> Weekly {
    let mut w = Weekly::default();
    for &(d, a, b) in r {
        w.days[d as usize].push((a * 60, b * 60));
    }
    w
}

/// The oracle: is instant `s` inside the ranges in `tz`?
fn oracle(tz: Tz, r: &Ranges, s: i64) -> bool {
    let l = recobro::internals::utc(Instant::from_timestamp(s)).with_timezone(&tz);
    let wd = l.weekday().num_days_from_monday();
    let m = l.hour() * 60 + l.minute();
    r.iter().any(|&(d, a, b)| d == wd && m >= a && m < b)
}

/// The first minute at or after `t` (minute-aligned) the oracle allows in every zone,
/// within `horizon` minutes.
fn brute(zones: &[Tz], r: &Ranges, t: i64, horizon: i64) -> Option<i64> {
    (0..=horizon)
        .map(|m| t + m * 60)
        .find(|&s| zones.iter().all(|&z| oracle(z, r, s)))
}

/// The ranges of a generated case: a window placed around the local reading just
/// before (`pre`) or just after the transition, shifted by `delta` minutes.
fn ranges(tz: Tz, tr: (i64, i32, i32), pre: bool, delta: i64, len: u32, mode: u8) -> Ranges {
    let (at, _, _) = tr;
    let anchor = if pre { at - 60 } else { at };
    let l = recobro::internals::utc(Instant::from_timestamp(anchor)).with_timezone(&tz);
    let minute = i64::from(l.hour() * 60 + l.minute()) + delta;
    let a = u32::try_from(minute.clamp(0, 1439)).unwrap();
    let b = (a + len).min(1440);
    let wd = l.weekday().num_days_from_monday();
    match mode {
        // Every day.
        0 => (0..7).map(|d| (d, a, b)).collect(),
        // Only the transition's weekday.
        1 => vec![(wd, a, b)],
        // That weekday and the next.
        2 => vec![(wd, a, b), ((wd + 1) % 7, a, b)],
        // Two ranges a day, with a 20-minute break.
        _ => {
            let c = (b + 20).min(1439);
            let e = (c + len).min(1440);
            (0..7).flat_map(|d| [(d, a, b), (d, c, e)]).collect()
        }
    }
}

const HORIZON: i64 = 8 * 24 * 60;

fn case_in(zone: &str) -> Case {
    Case::from_value(serde_json::json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US", "timezone": zone},
        "debts": [{"id": "A", "currency": "USD", "original_amount": "900", "outstanding": "900",
                   "issued_on": "2024-11-01", "due_on": "2024-12-01"}]
    }))
    .unwrap()
}

fn window_rules(w: Weekly) -> RuleSet {
    let mut rules = RuleSet::empty();
    rules.push(Box::new(WindowRule {
        meta: Meta {
            id: "w".into(),
            citation: "x".into(),
            confidence: Confidence::House,
            channels: None,
        },
        weekly: w,
        holidays: Holidays::Open,
    }));
    rules
}

/// Check the engine (next_open, and next_allowed_at through check_contact) at `t`.
fn check_one(zi: usize, r: &Ranges, t: i64, through_rules: bool) -> Option<i64> {
    let z = tz(zi);
    let w = weekly(r);
    let want = brute(&[z], r, t, HORIZON);
    let got = w
        .next_open(z, Instant::from_timestamp(t), &Default::default())
        .map(Instant::timestamp);
    match want {
        Some(s) => assert_eq!(
            got,
            Some(s),
            "{} {r:?} from {}",
            ZONES[zi],
            Instant::from_timestamp(t)
        ),
        None => assert!(got.is_none_or(|g| g > t + HORIZON * 60), "{got:?}"),
    }
    if through_rules {
        let case = case_in(ZONES[zi]);
        let c = check_contact(
            &window_rules(w),
            &case,
            Channel::Call,
            Instant::from_timestamp(t),
            None,
        )
        .unwrap();
        let engine = if c.allowed {
            Some(t)
        } else {
            c.next_allowed_at.map(Instant::timestamp)
        };
        match want {
            Some(s) => assert_eq!(
                engine,
                Some(s),
                "check_contact {} {r:?} from {t}",
                ZONES[zi]
            ),
            None => assert!(engine.is_none_or(|g| g > t + HORIZON * 60)),
        }
    }
    want
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn next_open_matches_the_brute_force(
        zi in 0usize..5,
        ti in 0usize..6,
        pre in any::<bool>(),
        delta in -150i64..=150,
        len in 1u32..=180,
        mode in 0u8..4,
        from in -(36i64 * 60)..=(6 * 60),
        through_rules in any::<bool>(),
    ) {
        let trs = &all_transitions()[zi];
        let tr = trs[ti % trs.len()];
        let r = ranges(tz(zi), tr, pre, delta, len, mode);
        let t = tr.0 + from * 60;
        check_one(zi, &r, t, through_rules);
    }

    #[test]
    fn next_open_all_matches_the_brute_force(
        zi in 0usize..5,
        zj in 0usize..5,
        ti in 0usize..6,
        pre in any::<bool>(),
        delta in -150i64..=150,
        len in 30u32..=600,
        from in -(36i64 * 60)..=(6 * 60),
    ) {
        let trs = &all_transitions()[zi];
        let tr = trs[ti % trs.len()];
        let r = ranges(tz(zi), tr, pre, delta, len, 0);
        let zones = [tz(zi), tz(zj)];
        let t = tr.0 + from * 60;
        let want = brute(&zones, &r, t, HORIZON);
        let got = next_open_all(&weekly(&r), &zones, Instant::from_timestamp(t), &Default::default())
            .ok()
            .map(Instant::timestamp);
        match want {
            Some(s) => prop_assert_eq!(got, Some(s)),
            None => prop_assert!(got.is_none_or(|g| g > t + HORIZON * 60)),
        }
    }
}

/// A deterministic sweep over every transition of 2026 in the five zones, windows at
/// quarter-hour offsets around it: the engine equals the brute force every time, and
/// the sweep really exercises the second pass of repeated readings and gap ends.
#[test]
fn sweep_every_2026_transition() {
    let y2026 = "2026-01-01T00:00:00Z"
        .parse::<Instant>()
        .unwrap()
        .timestamp();
    let y2027 = "2027-01-01T00:00:00Z"
        .parse::<Instant>()
        .unwrap()
        .timestamp();
    let (mut found, mut second_pass, mut at_transition) = (0, 0, 0);
    for zi in 0..ZONES.len() {
        let z = tz(zi);
        for &tr in all_transitions()[zi]
            .iter()
            .filter(|t| (y2026..y2027).contains(&t.0))
        {
            let (at, before, after) = tr;
            for pre in [true, false] {
                for delta in (-90..=90).step_by(15) {
                    for len in [15, 30, 60, 120] {
                        let r = ranges(z, tr, pre, delta, len, 0);
                        for from in [-24 * 60, -90, -30, -1, 0, 30, 90] {
                            let t = at + from * 60;
                            let Some(s) = check_one(zi, &r, t, false) else {
                                continue;
                            };
                            found += 1;
                            // The answer's reading also happened earlier (fall-back).
                            if after < before && s >= at && s < at + i64::from(before - after) {
                                second_pass += 1;
                            }
                            if s == at && t < at {
                                at_transition += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(found > 5_000, "{found}");
    assert!(second_pass > 100, "{second_pass}");
    assert!(at_transition > 20, "{at_transition}");
}

#[test]
fn the_issue_example_through_check_contact() {
    // 01:30-01:45 every day, New York, 01:50 EDT on 1 November 2026.
    let r: Ranges = (0..7).map(|d| (d, 90, 105)).collect();
    let t = "2026-11-01T01:50:00-04:00"
        .parse::<Instant>()
        .unwrap()
        .timestamp();
    let want = "2026-11-01T06:30:00Z"
        .parse::<Instant>()
        .unwrap()
        .timestamp();
    assert_eq!(check_one(0, &r, t, true), Some(want));
}
