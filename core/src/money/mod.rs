//! Exact amounts: reading them from JSON without `f64`, currencies and their minor units,
//! and explicit rounding.
//!
//! Amounts are [`rust_decimal::Decimal`]. From JSON they are read from strings
//! (`"1234.50"`) or from numbers read exactly (`1234.50` keeps its digits: the
//! workspace enables `serde_json`'s `arbitrary_precision`, so the number's text,
//! never an `f64`, reaches the parser). They are always written as strings.

pub(crate) mod daycount;
pub(crate) mod fees;
pub(crate) mod interest;
pub(crate) mod plans;
pub(crate) mod rates;

pub(crate) use daycount::DayCount;
pub use plans::{Due, Frequency, PlanBounds, Proposal, Schedule};
pub use rates::RateEntry;

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserializer, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// Kind of a charge line.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    /// Late interest.
    Interest,
    /// A fee.
    Fee,
    /// Fixed compensation (EU EUR 40, UK GBP 40/70/100).
    Compensation,
}

/// How to round a money amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Half away from zero (2.345 -> 2.35): the usual rule for money.
    HalfUp,
    /// Half to even, banker's rounding (2.345 -> 2.34).
    HalfEven,
    /// Towards zero (truncate).
    Down,
}

impl Rounding {
    /// Round `value` to `dp` decimal places by this rule.
    pub fn round(self, value: Decimal, dp: u32) -> Decimal {
        let strategy = match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Down => RoundingStrategy::ToZero,
        };
        value.round_dp_with_strategy(dp, strategy)
    }
}

/// ISO 4217 currency codes this engine accepts, with their minor units (decimal places).
/// Sorted by code for binary search.
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// The minor units (decimal places) of an ISO 4217 currency, or `None` if the code is unknown.
pub fn minor_units(code: &str) -> Option<u32> {
    // Every code in the table is three bytes: compare them as one integer (the table's
    // order is the same, since the bytes are compared in order).
    let key = |c: &str| -> Option<u32> {
        match *c.as_bytes() {
            [a, b, c] => Some(u32::from_be_bytes([0, a, b, c])),
            _ => None,
        }
    };
    let k = key(code)?;
    CURRENCIES
        .binary_search_by(|(c, _)| key(c).unwrap_or(0).cmp(&k))
        .ok()
        .map(|i| CURRENCIES[i].1)
}

/// The largest amount the engine accepts for any single money value (10^15).
pub fn max_amount() -> Decimal {
    Decimal::from(1_000_000_000_000_000_i64)
}

/// Parse a decimal amount from text, exactly.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("expected an amount like \"1234.50\", got an empty string".into());
    }
    if let Some((base, _)) = t.split_once(['e', 'E']) {
        // The digits before the exponent are read as a plain amount is: exactly.
        if let Ok(b) = Decimal::from_str(base) {
            if !reads_exactly(base, b) {
                return Err(too_precise(t));
            }
        }
        return Decimal::from_scientific(t)
            .map(|d| d.normalize())
            .map_err(|_| format!("`{t}` is not an amount like \"1234.50\""));
    }
    let d = Decimal::from_str(t).map_err(|_| format!("`{t}` is not an amount like \"1234.50\""))?;
    // rust_decimal rounds what it cannot hold (28 digits after the point, 96 bits in
    // all) instead of refusing it: "0.000000000000000000000000000001" would be read as
    // 0. An amount is read exactly or not at all.
    if !reads_exactly(t, d) {
        return Err(too_precise(t));
    }
    Ok(d)
}

/// The error for an amount with more digits than a `Decimal` holds exactly.
fn too_precise(t: &str) -> String {
    format!(
        "`{t}` has more digits than an amount holds exactly (at most 28 after the point, and \
         28 or 29 in all)"
    )
}

/// Whether `d` is exactly the plain decimal `text` (`[+-]digits[.digits]`, as
/// `Decimal::from_str` read it, `_` separators allowed): the same significant digits
/// and scale once trailing zeros after the point are dropped.
fn reads_exactly(text: &str, d: Decimal) -> bool {
    let body = text.trim_start_matches(['+', '-']);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let frac = frac.trim_end_matches(['0', '_']);
    let mut digits: String = int
        .chars()
        .chain(frac.chars())
        .filter(char::is_ascii_digit)
        .collect();
    let lead = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..lead);
    let scale = frac.chars().filter(char::is_ascii_digit).count();
    let n = d.normalize();
    if digits.is_empty() {
        return n.is_zero();
    }
    // `normalize` drops trailing zeros after the point only, as `frac` did.
    n.mantissa().unsigned_abs().to_string() == digits && n.scale() as usize == scale
}

struct AmountVisitor;

const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Visitor<'de> for AmountVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an amount as a decimal string like \"1234.50\" or an exact JSON number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_amount(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<Decimal, E> {
        Err(E::custom(
            "amounts must be exact: pass a decimal string like \"1234.50\", not a floating-point number",
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        // serde_json with `arbitrary_precision` hands numbers over as a one-entry map.
        match map.next_key::<String>()? {
            Some(k) if k == NUMBER_TOKEN => {
                let text: String = map.next_value()?;
                parse_amount(&text).map_err(de::Error::custom)
            }
            _ => Err(de::Error::custom(
                "expected an amount like \"1234.50\", got an object",
            )),
        }
    }
}

/// The longest text [`decimal_text`] writes: a sign, a leading `0`, a point and 29
/// digits (a 96-bit mantissa), with room to spare.
const DECIMAL_TEXT_MAX: usize = 40;

/// A decimal's text as its `Display` writes it (rust_decimal 1.x: an optional `-`, the
/// mantissa's digits, zero-padded to the scale, with the point before the last `scale`
/// of them and a `0` before a leading point; `-0.00` for a negative zero), written into
/// `out` without the formatting machinery; the length written. A test compares it with
/// `Display` over every scale and many mantissas.
fn decimal_text(v: &Decimal, out: &mut [u8; DECIMAL_TEXT_MAX]) -> usize {
    // The mantissa's digits, least significant first.
    let mut digits = [0u8; DECIMAL_TEXT_MAX];
    let mut n = 0;
    let mut wide = v.mantissa().unsigned_abs();
    // INVARIANT: a mantissa has at most 29 digits and a scale is at most 28, so `n`
    // stays under 30 and the text under 33 bytes.
    while wide > u128::from(u64::MAX) {
        digits[n] = b'0' + (wide % 10) as u8;
        wide /= 10;
        n += 1;
    }
    let mut m = wide as u64;
    while m > 0 {
        digits[n] = b'0' + (m % 10) as u8;
        m /= 10;
        n += 1;
    }
    let scale = v.scale() as usize;
    while n < scale {
        digits[n] = b'0';
        n += 1;
    }
    let mut len = 0;
    if v.is_sign_negative() {
        out[0] = b'-';
        len = 1;
    }
    if n == 0 {
        out[len] = b'0';
        return len + 1;
    }
    let whole = n - scale;
    for i in 0..n {
        if i == whole {
            if i == 0 {
                out[len] = b'0';
                len += 1;
            }
            out[len] = b'.';
            len += 1;
        }
        out[len] = digits[n - 1 - i];
        len += 1;
    }
    len
}

/// Write a decimal as a string: its `Display` text, by [`decimal_text`] (what
/// `collect_str` would write, without its formatting machinery).
fn serialize_decimal<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; DECIMAL_TEXT_MAX];
    let len = decimal_text(v, &mut buf);
    // INVARIANT: `decimal_text` writes ASCII digits, `-` and `.` only.
    match buf.get(..len).map(std::str::from_utf8) {
        Some(Ok(text)) => s.serialize_str(text),
        _ => s.collect_str(v),
    }
}

/// Serde adapter for amounts: `#[serde(with = "crate::money::amount")]`.
pub mod amount {
    use super::*;

    /// Read an amount from a string or an exact number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(AmountVisitor)
    }

    /// Write an amount as a string.
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        serialize_decimal(v, s)
    }
}

/// Serde adapter for signed decimals (rates may be negative): same reading as [`amount`].
pub mod amount_signed {
    pub use super::amount::{deserialize, serialize};
}

/// Serde adapter for optional amounts.
pub mod amount_opt {
    use super::*;

    struct OptVisitor;
    impl<'de> Visitor<'de> for OptVisitor {
        type Value = Option<Decimal>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an amount or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            amount::deserialize(d).map(Some)
        }
    }

    /// Read an optional amount.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_option(OptVisitor)
    }

    /// Write an optional amount as a string or null.
    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => serialize_decimal(d, s),
            None => s.serialize_none(),
        }
    }
}

/// A decimal string as the engine writes it: optional minus, digits, optional fraction.
pub const AMOUNT_PATTERN: &str = "^-?[0-9]+(\\.[0-9]+)?$";

/// The schema of a money amount (`#[schemars(with = "crate::money::Amount")]`).
/// Read: a decimal string or an exact JSON number; written: always a decimal string.
pub(crate) struct Amount;

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        if generator.contract().is_serialize() {
            json_schema!({
                "description": "An exact decimal amount, written as a string (`\"1234.50\"`).",
                "type": "string",
                "pattern": AMOUNT_PATTERN,
            })
        } else {
            json_schema!({
                "description": "An exact decimal amount: a decimal string (`\"1234.50\"`, preferred) or a JSON number, read exactly (never through floating point).",
                "oneOf": [
                    {"type": "string", "pattern": AMOUNT_PATTERN},
                    {"type": "number"},
                ],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An amount is read exactly or refused: what rust_decimal would round (more than 28
    /// digits after the point, or more significant digits than 96 bits hold) is an
    /// error; trailing zeros, signs, `_` separators and leading zeros are exact.
    #[test]
    fn amounts_are_read_exactly_or_refused() {
        for (text, want) in [
            ("0", "0"),
            ("-0.00", "0.00"),
            ("+12.50", "12.50"),
            ("1_000.50", "1000.50"),
            ("007.10", "7.10"),
            (".5", "0.5"),
            (
                "2300.0000000000000000000000000000000",
                "2300.0000000000000000000000000",
            ),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            (
                "1.2345678901234567890123456789",
                "1.2345678901234567890123456789",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
        ] {
            assert_eq!(
                parse_amount(text).map(|d| d.to_string()),
                Ok(want.to_string()),
                "{text}"
            );
        }
        for text in [
            "0.000000000000000000000000000001",
            "2300.000000000000000000000000001",
            "9.2345678901234567890123456789",
            "1234567890123456789012.123456789",
            "0.0000000000000000000000000000012e2",
        ] {
            let e = parse_amount(text).err().unwrap_or_default();
            assert!(
                e.contains("more digits than an amount holds exactly"),
                "{text}: {e}"
            );
        }
    }

    /// `decimal_text` writes what rust_decimal's `Display` writes (the reference: the
    /// text amounts had before it), byte for byte: every scale 0 to 28, both signs,
    /// mantissas from zero to the 96-bit maximum (digits either side of the `u64`
    /// boundary, where the writer changes loops), and the serializers that use it.
    #[test]
    fn decimal_text_is_display() {
        let max = (1u128 << 96) - 1;
        let mut mantissas: Vec<u128> = vec![
            0,
            1,
            9,
            10,
            99,
            100,
            12_345,
            430_826,
            u128::from(u32::MAX),
            u128::from(u64::MAX) - 1,
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            u128::from(u64::MAX) * 10 + 9,
            max - 1,
            max,
        ];
        mantissas.extend((0..29).map(|k| 10u128.pow(k)));
        mantissas.extend((1..29).map(|k| 10u128.pow(k) - 1));
        // A fixed linear congruential sequence over the whole range.
        let mut x: u128 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..200 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            mantissas.push((x % (max + 1)) >> (x % 90));
        }
        let mut checked = 0;
        for &m in &mantissas {
            let (lo, mid, hi) = (m as u32, (m >> 32) as u32, (m >> 64) as u32);
            for scale in 0..=28 {
                for negative in [false, true] {
                    let v = Decimal::from_parts(lo, mid, hi, negative, scale);
                    let mut buf = [0u8; DECIMAL_TEXT_MAX];
                    let len = decimal_text(&v, &mut buf);
                    let want = v.to_string();
                    assert_eq!(std::str::from_utf8(&buf[..len]).unwrap(), want);
                    let mut json = Vec::new();
                    amount::serialize(&v, &mut serde_json::Serializer::new(&mut json)).unwrap();
                    assert_eq!(String::from_utf8(json).unwrap(), format!("\"{want}\""));
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, mantissas.len() * 29 * 2);
        // A negative zero keeps its sign, as `Display` writes it.
        let neg_zero = Decimal::from_parts(0, 0, 0, true, 2);
        let mut buf = [0u8; DECIMAL_TEXT_MAX];
        let len = decimal_text(&neg_zero, &mut buf);
        assert_eq!(&buf[..len], neg_zero.to_string().as_bytes());
        let mut json = Vec::new();
        amount_opt::serialize(&Some(neg_zero), &mut serde_json::Serializer::new(&mut json))
            .unwrap();
        assert_eq!(String::from_utf8(json).unwrap(), format!("\"{neg_zero}\""));
    }

    #[derive(serde::Deserialize)]
    struct Holder {
        #[serde(with = "amount")]
        a: Decimal,
    }

    fn read(json: &str) -> Result<Decimal, String> {
        serde_json::from_str::<Holder>(json)
            .map(|h| h.a)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_numbers_exactly_without_f64() {
        // 0.1 + 0.2 style values and long fractions keep every digit.
        assert_eq!(read(r#"{"a": 0.1}"#).unwrap().to_string(), "0.1");
        assert_eq!(
            read(r#"{"a": 12345678901234.56}"#).unwrap().to_string(),
            "12345678901234.56"
        );
        assert_eq!(read(r#"{"a": 28.995}"#).unwrap().to_string(), "28.995");
        assert_eq!(read(r#"{"a": 100}"#).unwrap().to_string(), "100");
        assert_eq!(read(r#"{"a": 1.5e2}"#).unwrap().to_string(), "150");
    }

    #[test]
    fn reads_strings_and_rejects_garbage() {
        assert_eq!(read(r#"{"a": "1234.50"}"#).unwrap().to_string(), "1234.50");
        let err = read(r#"{"a": "12,50"}"#).unwrap_err();
        assert!(err.contains("`12,50` is not an amount"), "{err}");
        assert!(read(r#"{"a": true}"#).is_err());
        assert!(read(r#"{"a": {"x": 1}}"#).is_err());
    }

    #[test]
    fn currencies_have_minor_units() {
        assert_eq!(minor_units("EUR"), Some(2));
        assert_eq!(minor_units("CLP"), Some(0));
        assert_eq!(minor_units("KWD"), Some(3));
        assert_eq!(minor_units("XXX"), None);
        assert_eq!(minor_units("EU"), None);
        assert_eq!(minor_units("EURO"), None);
        // The integer search needs three-byte codes in byte order: every entry is found.
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, dp) in CURRENCIES {
            assert_eq!(code.len(), 3, "{code}");
            assert_eq!(minor_units(code), Some(*dp), "{code}");
        }
        assert!(
            CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0),
            "table must stay sorted"
        );
    }

    #[test]
    fn rounding_modes_differ_on_halves() {
        let x = Decimal::from_str("28.995").unwrap();
        assert_eq!(Rounding::HalfUp.round(x, 2).to_string(), "29.00");
        assert_eq!(Rounding::HalfEven.round(x, 2).to_string(), "29.00");
        let y = Decimal::from_str("2.345").unwrap();
        assert_eq!(Rounding::HalfUp.round(y, 2).to_string(), "2.35");
        assert_eq!(Rounding::HalfEven.round(y, 2).to_string(), "2.34");
        assert_eq!(Rounding::Down.round(y, 2).to_string(), "2.34");
    }
}
