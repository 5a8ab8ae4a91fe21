//! Dates and instants as the case uses them, with clear parse errors.
//!
//! - A [`Date`] is an ISO 8601 calendar date, `2026-03-31`.
//! - An [`Instant`] is an RFC 3339 timestamp **with** an offset,
//!   `2026-03-31T14:05:00-05:00` or `...Z`. Instants without an offset are rejected:
//!   a contact at "14:05" means nothing until we know where.
//!
//! Both are bounded to the supported range, [`MIN_DATE`] (1900-01-01) to
//! [`MAX_DATE`] (2199-12-31): a date or instant outside it is refused where it
//! enters, so date arithmetic inside the engine (due date plus grace days, plan
//! installments, window searches a year ahead) always has room.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// The first date the engine accepts in any input: 1900-01-01.
pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The last date the engine accepts in any input: 2199-12-31.
pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

fn out_of_range(s: &str) -> String {
    format!("`{s}` is outside the supported range 1900-01-01 to 2199-12-31")
}

/// A calendar date, within the supported range (1900-01-01 to 2199-12-31).
///
/// Parse one with [`str::parse`] (`"2026-03-31".parse::<Date>()`); the error is the
/// engine's own `input.invalid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub(crate) NaiveDate);

/// An instant on the time line, read with its original offset, compared in UTC.
///
/// Parse one with [`str::parse`] (`"2026-03-31T14:05:00-05:00".parse::<Instant>()`):
/// RFC 3339 with an offset; the error is the engine's own `input.invalid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub(crate) DateTime<Utc>);

impl std::str::FromStr for Date {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> crate::error::Result<Date> {
        Date::parse(s).map_err(|m| crate::error::Error::input("", m))
    }
}

impl std::str::FromStr for Instant {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> crate::error::Result<Instant> {
        Instant::parse(s).map_err(|m| crate::error::Error::input("", m))
    }
}

impl Date {
    /// The first supported date, 1900-01-01.
    pub const MIN: Date = Date(MIN_DATE);
    /// The last supported date, 2199-12-31.
    pub const MAX: Date = Date(MAX_DATE);

    /// The date of a year, month (1 to 12) and day (1 to 31), or `None` when there is
    /// no such day or it is outside the supported range.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day)
            .filter(|d| (MIN_DATE..=MAX_DATE).contains(d))
            .map(Date)
    }

    /// The year.
    pub fn year(self) -> i32 {
        chrono::Datelike::year(&self.0)
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        chrono::Datelike::month(&self.0)
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u32 {
        chrono::Datelike::day(&self.0)
    }

    /// Parse `YYYY-MM-DD` within the supported range (1900-01-01 to 2199-12-31).
    pub(crate) fn parse(s: &str) -> Result<Date, String> {
        let d = fast_ymd(s)
            .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .ok_or_else(|| format!("expected a date like 2026-03-31, got `{s}`"))?;
        if d < MIN_DATE || d > MAX_DATE {
            return Err(out_of_range(s));
        }
        Ok(Date(d))
    }

    /// The date `days` days later (earlier when negative), or `None` outside chrono's range.
    pub fn checked_add_days(self, days: i64) -> Option<Date> {
        chrono::TimeDelta::try_days(days)
            .and_then(|d| self.0.checked_add_signed(d))
            .map(Date)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }
}

impl Instant {
    /// Parse an instant a host gave at input path `path` (`as_of`, `at`): an
    /// `input.invalid` error there when it is not RFC 3339 with an offset.
    pub fn parse_input(s: &str, path: &str) -> crate::error::Result<Instant> {
        Instant::parse(s).map_err(|m| crate::error::Error::input(path, m))
    }

    /// Parse an RFC 3339 instant; an offset (`Z` or `+hh:mm`) is required, and its
    /// UTC date must be within the supported range (1900-01-01 to 2199-12-31).
    pub(crate) fn parse(s: &str) -> Result<Instant, String> {
        let t = fast_utc(s)
            .map(Ok)
            .unwrap_or_else(|| DateTime::<FixedOffset>::parse_from_rfc3339(s))
            .map(|d| Instant(d.with_timezone(&Utc)))
            .map_err(|_| {
                if chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
                {
                    format!("instant `{s}` has no offset: add `Z` or an offset like `-05:00`")
                } else {
                    format!("expected an instant like 2026-03-31T14:05:00-05:00, got `{s}`")
                }
            })?;
        let day = t.0.date_naive();
        if day < MIN_DATE || day > MAX_DATE {
            return Err(out_of_range(s));
        }
        Ok(t)
    }

    /// The calendar date of this instant in a time zone.
    pub(crate) fn date_in(self, tz: Tz) -> Date {
        Date(self.0.with_timezone(&tz).date_naive())
    }

    /// The instant at whole seconds since the Unix epoch (clamped to chrono's range).
    pub fn from_timestamp(secs: i64) -> Instant {
        Instant(DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MIN_UTC))
    }

    /// Seconds since the Unix epoch.
    pub fn timestamp(self) -> i64 {
        self.0.timestamp()
    }

    /// Nanoseconds within the second (0 to 999,999,999).
    pub fn subsec_nanos(self) -> u32 {
        chrono::Timelike::nanosecond(&self.0)
    }

    /// The calendar date in UTC.
    pub fn utc_date(self) -> Date {
        Date(self.0.date_naive())
    }

    /// Format as RFC 3339 in UTC with a `Z`, seconds precision (the canonical output form).
    pub fn to_rfc3339(self) -> String {
        let mut out = String::with_capacity(20);
        // Writing to a String cannot fail.
        let _ = fmt::Write::write_fmt(&mut out, format_args!("{self}"));
        out
    }
}

/// Write `n` as exactly `width` decimal digits (`n` has at most `width` digits).
fn write_digits(out: &mut [u8], mut n: u32) {
    for b in out.iter_mut().rev() {
        // INVARIANT: `n % 10` is a digit, so the byte is ASCII.
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// The instant in an exact `YYYY-MM-DDTHH:MM:SSZ` text (the canonical form, what
/// chrono's RFC 3339 parser reads it as); `None` for any other shape (offsets, fractions,
/// a leap second, lower-case letters), which goes to chrono's parser.
fn fast_utc(s: &str) -> Option<DateTime<FixedOffset>> {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let two = |i: usize| -> Option<u32> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| u32::from(x - b'0') * 10 + u32::from(y - b'0'))
    };
    let date = fast_ymd(s.get(..10)?)?;
    let (h, m, sec) = (two(11)?, two(14)?, two(17)?);
    if sec > 59 {
        return None;
    }
    let utc = date.and_hms_opt(h, m, sec)?.and_utc();
    Some(utc.fixed_offset())
}

/// The date in an exact `YYYY-MM-DD` text (what chrono's `%Y-%m-%d` reads it as);
/// `None` for any other shape, which goes to chrono's parser.
fn fast_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// `YYYY-MM-DD` for a year from 0 to 9999 (chrono's `%Y-%m-%d` prints the same); `None`
/// for other years, which take chrono's own formatting.
fn ymd_bytes(d: NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike;
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut b = *b"0000-00-00";
    write_digits(&mut b[0..4], year);
    write_digits(&mut b[5..7], d.month());
    write_digits(&mut b[8..10], d.day());
    Some(b)
}

// Dates and instants are written by hand rather than through chrono's `format` (which
// parses its format string on every call): they are in every decision. The output is
// chrono's own, byte for byte (a test compares them), and years outside 0..=9999 go
// to chrono.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ymd_bytes(self.0) {
            // INVARIANT: `ymd_bytes` writes ASCII digits and dashes only.
            Some(b) => f.write_str(std::str::from_utf8(&b).map_err(|_| fmt::Error)?),
            None => write!(f, "{}", self.0.format("%Y-%m-%d")),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for an instant whose UTC year is 0 to 9999 (what chrono's
/// `to_rfc3339_opts(Secs, true)` prints for it); `None` for other years.
fn utc_bytes(t: DateTime<Utc>) -> Option<[u8; 20]> {
    use chrono::Timelike;
    let date = ymd_bytes(t.date_naive())?;
    let mut b = *b"0000-00-00T00:00:00Z";
    b[..10].copy_from_slice(&date);
    write_digits(&mut b[11..13], t.hour());
    write_digits(&mut b[14..16], t.minute());
    // A leap second (chrono's nanosecond >= 1e9) is printed as second 60, as chrono does.
    let leap = u32::from(t.nanosecond() >= 1_000_000_000);
    write_digits(&mut b[17..19], t.second() + leap);
    Some(b)
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match utc_bytes(self.0) {
            // INVARIANT: `utc_bytes` writes ASCII digits and separators only.
            Some(b) => f.write_str(std::str::from_utf8(&b).map_err(|_| fmt::Error)?),
            None => f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        }
    }
}

/// Parse an IANA time zone name such as `America/Bogota`.
pub fn parse_tz(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| unknown_zone(name))
}

#[cfg(not(feature = "browser-zones"))]
fn unknown_zone(name: &str) -> String {
    format!("`{name}` is not an IANA time zone like `America/Bogota`")
}

/// The zones a `browser-zones` build carries, in words (the zones themselves are
/// `CHRONO_TZ_TIMEZONE_FILTER` in .cargo/config.toml; [`time_zones`] lists them).
#[cfg(feature = "browser-zones")]
pub const BROWSER_ZONES: &str = "the zones of the countries whose law the engine knows \
     (the US and its territories, Mexico, Colombia, Ecuador, Peru, Chile, Brazil, the UK, and the EU with \
     its outermost regions), the IANA zones linked to those (such as America/Antigua, an alias of \
     America/Puerto_Rico), and UTC";

#[cfg(feature = "browser-zones")]
fn unknown_zone(name: &str) -> String {
    format!(
        "`{name}` is not a time zone this build carries: the browser build carries only \
         {BROWSER_ZONES} (timeZones() lists them); a native host carries every IANA zone"
    )
}

/// The name of every time zone this build carries (every IANA zone and alias, or
/// with the `browser-zones` feature only the zones of the countries whose law the
/// engine knows, and UTC), sorted.
pub fn time_zones() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect();
    crate::sort::sort(&mut v);
    v
}

struct DateVisitor;
impl Visitor<'_> for DateVisitor {
    type Value = Date;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date like 2026-03-31")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        Date::parse(v).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(DateVisitor)
    }
}

// Dates and instants are written as strings directly (`serialize_str`), not through
// `collect_str`, whose formatting machinery cost more than the digits: the same text as
// their `Display`, for every serializer.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match ymd_bytes(self.0).as_ref().map(|b| std::str::from_utf8(b)) {
            Some(Ok(text)) => s.serialize_str(text),
            _ => s.collect_str(self),
        }
    }
}

struct InstantVisitor;
impl Visitor<'_> for InstantVisitor {
    type Value = Instant;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an instant like 2026-03-31T14:05:00-05:00")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Instant, E> {
        Instant::parse(v).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(InstantVisitor)
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match utc_bytes(self.0).as_ref().map(|b| std::str::from_utf8(b)) {
            Some(Ok(text)) => s.serialize_str(text),
            _ => s.collect_str(self),
        }
    }
}

/// A calendar date within the supported range (years 1900 to 2199).
pub const DATE_PATTERN: &str =
    "^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// An RFC 3339 instant with an offset, as the engine reads it (`T`, `t` or a space
/// between date and time; `Z`, `z` or `±hh:mm`). The year may be 1899 or 2200 when the
/// offset brings the UTC date into the supported range.
pub const INSTANT_PATTERN: &str = "^(1899|19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";

/// An instant as the engine writes it: UTC, whole seconds, `Z`.
pub const INSTANT_OUT_PATTERN: &str = "^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$";

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A calendar date, `YYYY-MM-DD`, from 1900-01-01 to 2199-12-31.",
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
        })
    }
}

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Instant".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        if generator.contract().is_serialize() {
            json_schema!({
                "description": "An instant in UTC, RFC 3339 with whole seconds and `Z` (`2026-03-31T19:05:00Z`).",
                "type": "string",
                "format": "date-time",
                "pattern": INSTANT_OUT_PATTERN,
            })
        } else {
            json_schema!({
                "description": "An instant, RFC 3339 with an offset (`2026-03-31T14:05:00-05:00` or `...Z`); an instant without an offset is refused. Its UTC date must be within 1900-01-01 to 2199-12-31.",
                "type": "string",
                "format": "date-time",
                "pattern": INSTANT_PATTERN,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written writers print what chrono prints, byte for byte: every day from
    /// 1890 to 2210 at a varying time of day, leap seconds, and years chrono writes
    /// with a sign.
    #[test]
    fn hand_written_formatting_is_chronos() {
        let mut t = DateTime::parse_from_rfc3339("1890-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let end = DateTime::parse_from_rfc3339("2210-12-31T23:59:59Z").unwrap();
        let mut n = 0u32;
        while t < end {
            let i = Instant(t);
            assert_eq!(
                i.to_rfc3339(),
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            let d = Date(t.date_naive());
            assert_eq!(d.to_string(), t.date_naive().format("%Y-%m-%d").to_string());
            // Serialized (`serialize_str`, not the formatter): the same text, quoted.
            assert_eq!(
                serde_json::to_string(&i).unwrap(),
                format!(
                    "\"{}\"",
                    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )
            );
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", t.date_naive().format("%Y-%m-%d"))
            );
            n += 1;
            t += chrono::TimeDelta::seconds(86_400 + 3_607 + i64::from(n % 7) * 13);
        }
        let leap = DateTime::parse_from_rfc3339("2016-12-31T23:59:60Z").unwrap();
        let i = Instant(leap.with_timezone(&Utc));
        assert_eq!(i.to_rfc3339(), "2016-12-31T23:59:60Z");
        assert_eq!(
            i.to_rfc3339(),
            leap.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        assert_eq!(
            serde_json::to_string(&i).unwrap(),
            "\"2016-12-31T23:59:60Z\""
        );
        for y in [-1, 10_000, 200_000] {
            let d = NaiveDate::from_ymd_opt(y, 3, 4).unwrap();
            assert_eq!(Date(d).to_string(), d.format("%Y-%m-%d").to_string());
            // The years the hand-written writers leave to chrono, serialized too.
            assert_eq!(
                serde_json::to_string(&Date(d)).unwrap(),
                format!("\"{}\"", d.format("%Y-%m-%d"))
            );
            let t = d.and_hms_opt(5, 6, 7).unwrap().and_utc();
            assert_eq!(
                serde_json::to_string(&Instant(t)).unwrap(),
                format!(
                    "\"{}\"",
                    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )
            );
        }
    }

    /// The fast instant reader agrees with chrono's RFC 3339 parser wherever it answers.
    #[test]
    fn fast_instant_reader_agrees_with_chrono() {
        let mut n = 0u32;
        for s in [
            "2026-03-31T14:05:00Z",
            "2026-03-31T23:59:59Z",
            "2026-03-31T24:00:00Z",
            "2026-03-31T23:60:00Z",
            "2026-03-31T23:59:60Z",
            "2024-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2026-03-31t14:05:00Z",
            "2026-03-31T14:05:00z",
            "2026-03-31 14:05:00Z",
            "2026-03-31T14:05:00+00:00",
            "2026-03-31T14:05Z",
            "2026-03-31T14:05:00.5Z",
            "2026-03-31T1a:05:00Z",
            "1899-12-31T23:00:00Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(s).ok();
            if let Some(fast) = fast_utc(s) {
                n += 1;
                assert_eq!(Some(fast), chrono, "{s}");
            }
        }
        assert_eq!(n, 4, "the fast path answers for the canonical shapes only");
        // Every hour, minute and second of a day, in both readers.
        for secs in (0..86_400).step_by(7) {
            let s = format!(
                "2026-06-01T{:02}:{:02}:{:02}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            );
            assert_eq!(fast_utc(&s), DateTime::parse_from_rfc3339(&s).ok(), "{s}");
        }
    }

    /// The fast date reader agrees with chrono's `%Y-%m-%d` wherever it answers, and
    /// leaves every other shape to chrono.
    #[test]
    fn fast_date_reader_agrees_with_chrono() {
        for s in [
            "2026-03-31",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
            "9999-12-31",
            "2026-3-31",
            "2026-03-3",
            "+2026-03-31",
            "2026/03/31",
            "2026-03-31 ",
            " 2026-03-31",
            "２026-03-31",
            "20a6-03-31",
            "",
        ] {
            let chrono = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            if let Some(fast) = fast_ymd(s) {
                assert_eq!(Some(fast), chrono, "{s}");
            }
            let ours = Date::parse(s).ok().map(|d| d.0);
            let in_range = chrono.filter(|d| *d >= MIN_DATE && *d <= MAX_DATE);
            assert_eq!(ours, in_range, "{s}");
        }
    }

    #[test]
    fn parses_dates_and_explains_failures() {
        assert_eq!(Date::parse("2026-03-31").unwrap().to_string(), "2026-03-31");
        let e = Date::parse("31/03/2026").unwrap_err();
        assert_eq!(e, "expected a date like 2026-03-31, got `31/03/2026`");
        assert!(Date::parse("2026-02-30").is_err());
    }

    #[test]
    fn dates_and_instants_outside_the_supported_range_are_refused() {
        assert!(Date::parse("1900-01-01").is_ok());
        assert!(Date::parse("2199-12-31").is_ok());
        for bad in ["1899-12-31", "2200-01-01", "9999-12-31", "0000-01-01"] {
            let e = Date::parse(bad).unwrap_err();
            assert!(e.contains("outside the supported range"), "{bad}: {e}");
        }
        assert!(Instant::parse("2199-12-31T23:59:59Z").is_ok());
        let e = Instant::parse("2200-01-01T00:00:00Z").unwrap_err();
        assert!(e.contains("outside the supported range"), "{e}");
        assert!(Instant::parse("1899-12-31T23:00:00-05:00").is_ok());
        assert!(Instant::parse("1899-12-31T23:00:00Z").is_err());
    }

    #[test]
    fn instants_need_offsets() {
        let i = Instant::parse("2026-03-31T14:05:00-05:00").unwrap();
        assert_eq!(i.to_rfc3339(), "2026-03-31T19:05:00Z");
        let e = Instant::parse("2026-03-31T14:05:00").unwrap_err();
        assert!(e.contains("has no offset"), "{e}");
        assert!(Instant::parse("yesterday")
            .unwrap_err()
            .contains("expected an instant"));
    }

    #[test]
    fn local_date_depends_on_zone() {
        let i = Instant::parse("2026-03-31T03:00:00Z").unwrap();
        assert_eq!(i.date_in(chrono_tz::UTC).to_string(), "2026-03-31");
        assert_eq!(
            i.date_in(parse_tz("America/Bogota").unwrap()).to_string(),
            "2026-03-30"
        );
        assert!(parse_tz("Mars/Olympus").is_err());
    }
}
