//! Differential test of the engine's holiday calendars against an independent
//! implementation, the Python `holidays` library, day by day for 2020-2035.
//!
//! The library's dates are committed fixtures (`test-data/differential/holidays/
//! <CALENDAR>.json`, written by `generate.py` there), so this test needs neither Python
//! nor the network. Every day on which the engine and the library disagree must be
//! listed in `KNOWN_DIFFERENCES.json` with a reason, and every listed difference must
//! still occur: a new disagreement and a stale entry both fail.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on what it did not expect"
)]

use chrono::{Datelike, NaiveDate};
use recobro::internals::compliance::{is_holiday, CALENDARS};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

const FIRST: i32 = 2020;
const LAST: i32 = 2035;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-data/differential/holidays")
}

#[derive(Deserialize)]
struct Fixture {
    calendar: String,
    library: String,
    years: [i32; 2],
    holidays: Vec<LibraryDay>,
}

#[derive(Deserialize)]
struct LibraryDay {
    #[serde(deserialize_with = "date")]
    date: NaiveDate,
    name: String,
    /// The nominal date of a holiday the library also lists as moved ("observed")
    /// elsewhere: the engine lists only the day people rest, so this date is skipped.
    moved: bool,
}

#[derive(Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Difference {
    calendar: String,
    #[serde(deserialize_with = "date")]
    date: NaiveDate,
    /// Whether the engine says the day is a holiday.
    engine: bool,
    /// Whether the library does.
    library: bool,
    reason: String,
}

fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(serde::de::Error::custom)
}

fn fixture(calendar: &str) -> Fixture {
    let path = dir().join(format!("{calendar}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run test-data/differential/holidays/generate.py)",
            path.display()
        )
    });
    let f: Fixture = serde_json::from_str(&text).unwrap();
    assert_eq!(f.calendar, calendar, "{}", path.display());
    assert_eq!(f.years, [FIRST, LAST], "{}", path.display());
    assert!(f.library.starts_with("holidays "), "{}", f.library);
    f
}

/// Every day of 2020-2035 on which the engine and the library disagree.
fn differences(calendar: &str) -> Vec<(NaiveDate, bool, bool, String)> {
    let f = fixture(calendar);
    let mut library: BTreeMap<NaiveDate, &str> = BTreeMap::new();
    for h in &f.holidays {
        assert!(
            (FIRST..=LAST).contains(&h.date.year()),
            "{calendar}: {}",
            h.date
        );
        if !h.moved {
            library.insert(h.date, &h.name);
        }
    }
    let mut out = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(FIRST, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(LAST, 12, 31).unwrap();
    while day <= last {
        let engine = is_holiday(calendar, day.year(), day.month(), day.day());
        let lib = library.get(&day);
        if engine != lib.is_some() {
            let engine_names: Vec<&str> =
                recobro::internals::compliance::holidays(calendar, day.year())
                    .iter()
                    .filter(|h| h.month == day.month() && h.day == day.day())
                    .map(|h| h.name)
                    .collect();
            let what = lib.map_or_else(
                || format!("engine: {}", engine_names.join("; ")),
                |n| format!("library: {n}"),
            );
            out.push((day, engine, lib.is_some(), what));
        }
        day = day.succ_opt().unwrap();
    }
    out
}

#[test]
fn engine_calendars_agree_with_the_holidays_library_2020_2035() {
    let text = std::fs::read_to_string(dir().join("KNOWN_DIFFERENCES.json")).unwrap();
    let known: Vec<Difference> = serde_json::from_str(&text).unwrap();
    let mut listed: BTreeMap<(String, NaiveDate), &Difference> = BTreeMap::new();
    for k in &known {
        assert!(
            CALENDARS.contains(&k.calendar.as_str()),
            "KNOWN_DIFFERENCES.json: unknown calendar {}",
            k.calendar
        );
        assert!(
            k.engine != k.library,
            "KNOWN_DIFFERENCES.json: {} {} is not a difference",
            k.calendar,
            k.date
        );
        assert!(
            !k.reason.trim().is_empty(),
            "KNOWN_DIFFERENCES.json: {} {} has no reason",
            k.calendar,
            k.date
        );
        assert!(
            listed.insert((k.calendar.clone(), k.date), k).is_none(),
            "KNOWN_DIFFERENCES.json: {} {} is listed twice",
            k.calendar,
            k.date
        );
    }
    let mut unexplained = Vec::new();
    let mut seen = BTreeSet::new();
    for calendar in CALENDARS {
        for (date, engine, library, what) in differences(calendar) {
            let key = (calendar.to_string(), date);
            match listed.get(&key) {
                Some(k) if k.engine == engine && k.library == library => {
                    seen.insert(key);
                }
                _ => unexplained.push(format!(
                    "{{\"calendar\": \"{calendar}\", \"date\": \"{date}\", \"engine\": {engine}, \"library\": {library}, \"reason\": \"\"}}, // {what}"
                )),
            }
        }
    }
    let stale: Vec<String> = listed
        .keys()
        .filter(|k| !seen.contains(*k))
        .map(|(c, d)| format!("{c} {d}"))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "{} difference(s) not in KNOWN_DIFFERENCES.json:\n{}\n{} listed difference(s) that no longer occur:\n{}",
        unexplained.len(),
        unexplained.join("\n"),
        stale.len(),
        stale.join("\n")
    );
}

#[test]
fn every_engine_calendar_has_a_fixture_and_no_fixture_is_orphaned() {
    let mut files: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && n != "KNOWN_DIFFERENCES.json")
        .collect();
    for c in CALENDARS {
        assert!(files.remove(&format!("{c}.json")), "no fixture for {c}");
        // The fixture is not trivially empty: at least seven holidays a year.
        assert!(fixture(c).holidays.len() >= 7 * 16, "{c}");
    }
    assert!(
        files.is_empty(),
        "fixtures for no engine calendar: {files:?}"
    );
}
