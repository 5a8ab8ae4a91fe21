//! Arrow in and out, through the Arrow PyCapsule interface: cases read in Rust straight
//! from any Arrow producer's columns (no Python object per value, no JSON text), decided
//! in parallel without the GIL, and the decisions handed back as Arrow record batches.
//!
//! - In: [`import_stream`] takes anything with `__arrow_c_stream__` (a pyarrow Table or
//!   RecordBatchReader, a polars DataFrame, a DuckDB relation, ...) or
//!   `__arrow_c_array__` (a RecordBatch, a struct array). Each row is read as a case by
//!   [`Cell`], a serde `Deserializer` over one value of an Arrow array, through the host
//!   boundary's [`host::case_from`]: the same `Deserialize` impls and validation as JSON
//!   text, so a row is accepted or refused exactly as its JSON would be, with the error
//!   at the row and column path (`[17].debts[2].due_on`).
//! - The case's shape ([`Shape`], read once from `schemas/case.schema.json`) tells a
//!   timestamp at a date field (a midnight timestamp is that date) from one at an instant
//!   field (a timestamp with a time zone, or a naive one in the zone the caller names),
//!   and an exact decimal at an amount from one in the free attributes.
//! - Out: [`Decide`] is a `RecordBatchReader` that pulls a slice of the input, decides it
//!   and writes [`output_schema`]'s columns; exported as a stream ([`ArrowStream`]), so a
//!   portfolio larger than memory flows through in constant memory.

use std::ffi::CStr;
use std::sync::{Arc, Mutex, OnceLock};

use arrow_array::builder::{
    Decimal128Builder, Int64Builder, MapBuilder, MapFieldNames, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, DecimalType, Int16Type, Int32Type,
    Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::ArrayReader;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchReader, StructArray};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use rayon::prelude::*;
use recobro::{host, Decision, Error, EvalOptions, Instant};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// The scale of the decimal128 columns written (`charges_total`): every amount the
/// engine writes is rounded to its currency's minor unit (at most 4 places), and a
/// score's probability has 6, so 10 places hold any of them exactly.
pub(crate) const DECIMAL_SCALE: i8 = 10;

// ---- The case's shape -------------------------------------------------------------

/// What the case expects at a place: read from `schemas/case.schema.json`.
#[derive(Debug)]
pub(crate) enum Shape {
    /// An object with named fields; the flag marks a field whose default is a value
    /// (`allowed: true`, `kind: "fee"`): a null there is refused as JSON refuses it,
    /// never taken as the field left out, which would give it that default.
    Object(Vec<(String, Shape, bool)>),
    /// An object keyed by one of `keys` (the consents, keyed by channel).
    Keyed(Vec<String>, Box<Shape>),
    /// An object keyed by any text, each value of one shape (a decision's `totals`).
    MapOf(Box<Shape>),
    /// Anything (the free `attributes`).
    Free,
    /// A list.
    List(Box<Shape>),
    /// A calendar date.
    Date,
    /// An instant.
    Instant,
    /// An exact amount.
    Amount,
    /// Text (names, enums, codes).
    Str,
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// A field kept only to refuse it (deprecated: always null).
    Null,
}

static FREE: Shape = Shape::Free;

impl Shape {
    /// Whether a null in field `name` is refused (see [`Shape::Object`]).
    fn keeps_null(&self, name: &str) -> bool {
        match self {
            Shape::Object(fields) => fields.iter().any(|(n, _, keep)| n == name && *keep),
            _ => false,
        }
    }

    /// The shape of field `name` of a value of this shape.
    fn field(&self, name: &str) -> &Shape {
        match self {
            Shape::Object(fields) => fields
                .iter()
                .find(|(n, _, _)| n == name)
                .map_or(&FREE, |(_, s, _)| s),
            Shape::Keyed(_, value) | Shape::MapOf(value) => value,
            _ => &FREE,
        }
    }

    /// The shape of an element of a list of this shape.
    fn item(&self) -> &Shape {
        match self {
            Shape::List(item) => item,
            _ => &FREE,
        }
    }
}

/// The case's shape, read once from the JSON Schema the engine publishes.
pub(crate) fn case_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(|| published_shape(include_str!("../../../schemas/case.schema.json")))
}

/// The shape of a JSON Schema the engine publishes (schemas/; its drift test keeps it
/// the engine's own).
fn published_shape(text: &str) -> Shape {
    let schema: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let defs = schema.get("$defs").cloned().unwrap_or_default();
    shape_of(&schema, &defs)
}

/// Whether a property's default is a value (not null, not an empty list or object): a
/// null in its column must then be refused rather than read as "left out".
fn has_value_default(node: &serde_json::Value) -> bool {
    use serde_json::Value;
    match node.get("default") {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

fn shape_of(node: &serde_json::Value, defs: &serde_json::Value) -> Shape {
    use serde_json::Value;
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return match name {
            "Amount" => Shape::Amount,
            "Date" => Shape::Date,
            "Instant" => Shape::Instant,
            _ => defs.get(name).map_or(Shape::Free, |d| shape_of(d, defs)),
        };
    }
    if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
        let inner = any
            .iter()
            .find(|v| v.get("type").and_then(Value::as_str) != Some("null"));
        return inner.map_or(Shape::Null, |v| shape_of(v, defs));
    }
    if node.get("oneOf").is_some() {
        return Shape::Str;
    }
    let ty = match node.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ => "",
    };
    match ty {
        "object" => {
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                Shape::Object(
                    props
                        .iter()
                        .map(|(k, v)| (k.clone(), shape_of(v, defs), has_value_default(v)))
                        .collect(),
                )
            } else if let (Some(keys), Some(value)) = (
                node.pointer("/propertyNames/enum")
                    .and_then(Value::as_array),
                node.get("additionalProperties").filter(|v| v.is_object()),
            ) {
                Shape::Keyed(
                    keys.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect(),
                    Box::new(shape_of(value, defs)),
                )
            } else if let Some(value) = node.get("additionalProperties").filter(|v| v.is_object()) {
                Shape::MapOf(Box::new(shape_of(value, defs)))
            } else {
                Shape::Free
            }
        }
        "array" => Shape::List(Box::new(
            node.get("items").map_or(Shape::Free, |i| shape_of(i, defs)),
        )),
        "string" => match node.get("format").and_then(Value::as_str) {
            Some("date") => Shape::Date,
            Some("date-time") => Shape::Instant,
            _ => Shape::Str,
        },
        "integer" => Shape::Int,
        "boolean" => Shape::Bool,
        "null" => Shape::Null,
        _ => Shape::Free,
    }
}

/// The Arrow type a reader can be handed for a value of this shape (`None`: no column,
/// the free attributes and the deprecated fields).
fn arrow_type(shape: &Shape) -> Option<DataType> {
    Some(match shape {
        Shape::Object(fields) => DataType::Struct(
            fields
                .iter()
                .filter(|(name, _, _)| name != "$schema")
                // Every field nullable: a reader handed the schema must not fail on a
                // missing field; the engine says which required field is missing, and
                // where, as it does for JSON.
                .filter_map(|(name, s, _)| arrow_type(s).map(|t| Field::new(name, t, true)))
                .collect::<Fields>(),
        ),
        Shape::Keyed(keys, value) => {
            let t = arrow_type(value)?;
            DataType::Struct(
                keys.iter()
                    .map(|k| Field::new(k, t.clone(), true))
                    .collect::<Fields>(),
            )
        }
        Shape::List(item) => DataType::List(Arc::new(Field::new("item", arrow_type(item)?, true))),
        Shape::Date => DataType::Date32,
        Shape::Instant => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        // Exact whatever the scale: a decimal128 column is read as well.
        Shape::Amount | Shape::Str => DataType::Utf8,
        Shape::Int => DataType::Int64,
        Shape::Bool => DataType::Boolean,
        Shape::MapOf(_) | Shape::Free | Shape::Null => return None,
    })
}

/// The Arrow schema of a case (`recobro.case_schema()`): structs for objects, lists for
/// arrays, date32 for dates, timestamp(us, UTC) for instants, strings for amounts (a
/// decimal128 column is read too), the consents as a struct with one field per channel.
/// The free `attributes` have no fixed type: add a struct (or map) column of your own.
pub(crate) fn case_schema() -> Schema {
    match arrow_type(case_shape()) {
        Some(DataType::Struct(fields)) => Schema::new(fields),
        _ => Schema::empty(),
    }
}

// ---- Reading a row as a case --------------------------------------------------------

/// What the caller said about the input: the zone naive timestamps are in.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ReadCtx {
    /// The zone of a naive timestamp at an instant field (`None`: refused).
    pub(crate) naive_zone: Option<Tz>,
}

/// The error a `Cell` reports; serde_path_to_error adds where.
type DeError = de::value::Error;

fn bad(msg: impl std::fmt::Display) -> DeError {
    de::Error::custom(msg)
}

/// One value of an Arrow array, read by serde as the shape at its place expects.
#[derive(Clone, Copy)]
pub(crate) struct Cell<'a> {
    /// How deep in the row this value is (the row itself: 0), bounded by [`MAX_DEPTH`].
    depth: u16,
    array: &'a dyn Array,
    row: usize,
    shape: &'a Shape,
    ctx: &'a ReadCtx,
}

/// How deeply a row's values may nest: a producer's type can nest without end (a struct
/// in a struct in the free `attributes`), and the walk recurses once per level. The
/// same bound as the JSON reader's (serde_json's recursion limit).
const MAX_DEPTH: u16 = 128;

/// serde_json's name for an exact number handed over as a one-entry map (its
/// `arbitrary_precision` feature): the engine's amount reader and `serde_json::Value`
/// both take a number that way, with every digit.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Whether the value at `row` is null. A column of Arrow's `null` type (a JSON reader's
/// guess for a field that was null in every row it looked at) is null everywhere,
/// although it carries no validity bitmap for `Array::is_null` to read.
fn null_at(a: &dyn Array, row: usize) -> bool {
    match a.data_type() {
        DataType::Null => true,
        // A dictionary's value is null when its key is, or when the value it points at is.
        DataType::Dictionary(_, _) => {
            a.is_null(row) || {
                let d = a.as_any_dictionary();
                match dict_key(d.keys(), row) {
                    Some(k) if k < d.values().len() => null_at(d.values().as_ref(), k),
                    _ => false,
                }
            }
        }
        _ => a.is_null(row),
    }
}

/// The key at `row` of a dictionary's keys, as an index (`None`: negative or not an
/// integer type Arrow allows for keys).
fn dict_key(keys: &dyn Array, row: usize) -> Option<usize> {
    let k: i128 = match keys.data_type() {
        DataType::Int8 => keys.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => keys.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => keys.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => keys.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => keys.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => keys.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => keys.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => keys.as_primitive::<UInt64Type>().value(row).into(),
        _ => return None,
    };
    usize::try_from(k).ok()
}

/// A timestamp's seconds and nanoseconds since the epoch.
fn timestamp_parts(array: &dyn Array, unit: TimeUnit, row: usize) -> Option<(i64, u32)> {
    let (v, per_sec) = match unit {
        TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().value(row), 1),
        TimeUnit::Millisecond => (
            array.as_primitive::<TimestampMillisecondType>().value(row),
            1_000,
        ),
        TimeUnit::Microsecond => (
            array.as_primitive::<TimestampMicrosecondType>().value(row),
            1_000_000,
        ),
        TimeUnit::Nanosecond => (
            array.as_primitive::<TimestampNanosecondType>().value(row),
            1_000_000_000,
        ),
    };
    let secs = v.div_euclid(per_sec);
    let frac = v.rem_euclid(per_sec);
    let nanos = u32::try_from(frac.checked_mul(1_000_000_000 / per_sec)?).ok()?;
    Some((secs, nanos))
}

/// Two decimal digits of `n` (0..=99) into `out`.
fn two(out: &mut [u8], n: u32) {
    out[0] = b'0' + (n / 10 % 10) as u8;
    out[1] = b'0' + (n % 10) as u8;
}

/// `YYYY-MM-DD` into `buf` (the form the engine reads; years outside 0..=9999, which no
/// date the engine accepts has, through chrono's general writer).
fn date_text(d: NaiveDate, buf: &mut [u8; 40]) -> &str {
    let year = d.year();
    if !(0..=9999).contains(&year) {
        let text = d.format("%Y-%m-%d").to_string();
        let n = text.len().min(buf.len());
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        return std::str::from_utf8(&buf[..n]).unwrap_or_default();
    }
    let y = year.unsigned_abs();
    two(&mut buf[0..2], y / 100);
    two(&mut buf[2..4], y % 100);
    buf[4] = b'-';
    two(&mut buf[5..7], d.month());
    buf[7] = b'-';
    two(&mut buf[8..10], d.day());
    std::str::from_utf8(&buf[..10]).unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SS[.fffffffff]Z` into `buf` (the canonical form the engine reads;
/// the fraction's trailing zeros dropped).
fn instant_text(t: DateTime<Utc>, buf: &mut [u8; 40]) -> &str {
    let naive = t.naive_utc();
    let n = date_text(naive.date(), buf).len();
    if n != 10 {
        let text = t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        let n = text.len().min(buf.len());
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        return std::str::from_utf8(&buf[..n]).unwrap_or_default();
    }
    buf[10] = b'T';
    two(&mut buf[11..13], naive.hour());
    buf[13] = b':';
    two(&mut buf[14..16], naive.minute());
    buf[16] = b':';
    two(&mut buf[17..19], naive.second());
    let mut end = 19;
    let mut nanos = naive.nanosecond() % 1_000_000_000;
    if nanos != 0 {
        buf[19] = b'.';
        let mut digits = [0u8; 9];
        for d in digits.iter_mut().rev() {
            *d = b'0' + (nanos % 10) as u8;
            nanos /= 10;
        }
        let keep = 9 - digits.iter().rev().take_while(|&&d| d == b'0').count();
        buf[20..20 + keep].copy_from_slice(&digits[..keep]);
        end = 20 + keep;
    }
    buf[end] = b'Z';
    std::str::from_utf8(&buf[..=end]).unwrap_or_default()
}

impl<'a> Cell<'a> {
    fn at(&self, array: &'a dyn Array, row: usize, shape: &'a Shape) -> Cell<'a> {
        Cell {
            depth: self.depth.saturating_add(1),
            array,
            row,
            shape,
            ctx: self.ctx,
        }
    }

    /// The text of a string value (any of Arrow's string layouts, dictionary-encoded
    /// or not); `None` when the value is not text.
    fn text(&self) -> Option<&'a str> {
        let a = self.array;
        match a.data_type() {
            DataType::Utf8 => Some(a.as_string::<i32>().value(self.row)),
            DataType::LargeUtf8 => Some(a.as_string::<i64>().value(self.row)),
            DataType::Utf8View => Some(a.as_string_view().value(self.row)),
            DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary();
                let key = dict_key(d.keys(), self.row)?;
                let values = d.values().as_ref();
                if key >= values.len() || null_at(values, key) {
                    return None;
                }
                self.at(values, key, self.shape).text()
            }
            _ => None,
        }
    }

    /// A timestamp value at this place: a date, an instant, or (in the free attributes)
    /// its text.
    fn timestamp<V: Visitor<'a>>(
        self,
        unit: TimeUnit,
        tz: Option<&str>,
        v: V,
    ) -> Result<V::Value, DeError> {
        let (secs, nanos) = timestamp_parts(self.array, unit, self.row)
            .ok_or_else(|| bad("a timestamp out of range"))?;
        let utc = DateTime::<Utc>::from_timestamp(secs, nanos)
            .ok_or_else(|| bad("a timestamp out of range"))?;
        let zone = match tz {
            None => None,
            Some(name) => Some(zone_of(name)?),
        };
        match self.shape {
            Shape::Str => Err(self.not_text()),
            Shape::Date => {
                // The wall-clock time in the column's zone (naive: as written).
                let local: NaiveDateTime = match &zone {
                    Some(Zone::Named(z)) => utc.with_timezone(z).naive_local(),
                    Some(Zone::Fixed(o)) => utc.with_timezone(o).naive_local(),
                    None => utc.naive_utc(),
                };
                if local.time().num_seconds_from_midnight() != 0 || local.nanosecond() != 0 {
                    return Err(bad(format!(
                        "a timestamp at {} where a date is needed: give a date (date32) or a \
                         timestamp at midnight",
                        local.format("%Y-%m-%dT%H:%M:%S%.f")
                    )));
                }
                v.visit_str(date_text(local.date(), &mut [0; 40]))
            }
            Shape::Free if zone.is_none() && self.ctx.naive_zone.is_none() => {
                v.visit_string(utc.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string())
            }
            _ => {
                let instant = match (zone, self.ctx.naive_zone) {
                    // Arrow keeps a zoned timestamp as UTC: the zone is only for display.
                    (Some(_), _) => utc,
                    (None, Some(z)) => {
                        let naive = utc.naive_utc();
                        match z.from_local_datetime(&naive) {
                            chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
                            chrono::LocalResult::Ambiguous(_, _) => {
                                return Err(bad(format!(
                                    "the naive timestamp {naive} is ambiguous in {} (a clock \
                                     change repeats it): give timestamps with a time zone",
                                    z.name()
                                )))
                            }
                            chrono::LocalResult::None => {
                                return Err(bad(format!(
                                    "the naive timestamp {naive} does not exist in {} (a clock \
                                     change skips it): give timestamps with a time zone",
                                    z.name()
                                )))
                            }
                        }
                    }
                    (None, None) => {
                        return Err(bad(
                            "a timestamp without a time zone where an instant is needed: give \
                             timestamps with a time zone, or say which zone these are in \
                             (timezone=\"UTC\"; a JSON reader such as pyarrow.json drops the \
                             offset of \"...Z\" instants)",
                        ))
                    }
                };
                v.visit_str(instant_text(instant, &mut [0; 40]))
            }
        }
    }

    fn date<V: Visitor<'a>>(self, date: Option<NaiveDate>, v: V) -> Result<V::Value, DeError> {
        let date = date.ok_or_else(|| bad("a date out of range"))?;
        match self.shape {
            Shape::Str => Err(self.not_text()),
            Shape::Instant => Err(bad(format!(
                "a date ({}) where an instant is needed: give a timestamp with a time zone",
                date_text(date, &mut [0; 40])
            ))),
            _ => v.visit_str(date_text(date, &mut [0; 40])),
        }
    }

    fn decimal<V: Visitor<'a>>(self, text: String, v: V) -> Result<V::Value, DeError> {
        match self.shape {
            Shape::Str => Err(self.not_text()),
            _ => v.visit_map(NumberAccess(Some(text))),
        }
    }

    /// The error of a typed value (a timestamp, a date, a decimal) where text is needed.
    fn not_text(&self) -> DeError {
        bad(format!(
            "a {} value where text is needed: give a string column",
            self.array.data_type()
        ))
    }
}

/// The zone of a zoned timestamp column.
enum Zone {
    /// An IANA name (`UTC`, `America/Bogota`).
    Named(Tz),
    /// A fixed offset (`+05:00`).
    Fixed(chrono::FixedOffset),
}

/// The zone of a zoned timestamp column (`UTC`, `+05:00`, `America/Bogota`). Arrow
/// keeps the value as UTC whatever the zone; the zone only says what the wall clock read.
fn zone_of(name: &str) -> Result<Zone, DeError> {
    if matches!(name, "UTC" | "utc" | "Z" | "Etc/UTC") {
        return Ok(Zone::Named(Tz::UTC));
    }
    if name.starts_with(['+', '-']) {
        if let Ok(o) = name.parse::<chrono::FixedOffset>() {
            return Ok(Zone::Fixed(o));
        }
    }
    name.parse::<Tz>().map(Zone::Named).map_err(|_| {
        bad(format!(
            "a timestamp column in the unknown time zone {name:?}"
        ))
    })
}

/// The range of child values of list (or map) entry `row`, from its offsets (validated
/// when the array was imported; checked again rather than trusted).
fn span<O: Copy + TryInto<usize>>(offsets: &[O], row: usize) -> Result<(usize, usize), DeError> {
    let at = |i: usize| -> Option<usize> { offsets.get(i).and_then(|o| (*o).try_into().ok()) };
    match (at(row), row.checked_add(1).and_then(at)) {
        (Some(start), Some(end)) if start <= end => Ok((start, end)),
        _ => Err(bad("a list whose offsets are out of order")),
    }
}

fn decimal_text<T: DecimalType>(array: &dyn Array, row: usize, p: u8, s: i8) -> String {
    T::format_decimal(array.as_primitive::<T>().value(row), p, s)
}

impl<'de> de::Deserializer<'de> for Cell<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let a = self.array;
        let row = self.row;
        if self.depth > MAX_DEPTH {
            return Err(bad(format!(
                "values nested more than {MAX_DEPTH} levels deep: not a case"
            )));
        }
        if null_at(a, row) {
            return v.visit_unit();
        }
        match a.data_type() {
            DataType::Null => v.visit_unit(),
            DataType::Boolean => v.visit_bool(a.as_boolean().value(row)),
            DataType::Int8 => v.visit_i64(a.as_primitive::<Int8Type>().value(row).into()),
            DataType::Int16 => v.visit_i64(a.as_primitive::<Int16Type>().value(row).into()),
            DataType::Int32 => v.visit_i64(a.as_primitive::<Int32Type>().value(row).into()),
            DataType::Int64 => v.visit_i64(a.as_primitive::<Int64Type>().value(row)),
            DataType::UInt8 => v.visit_u64(a.as_primitive::<UInt8Type>().value(row).into()),
            DataType::UInt16 => v.visit_u64(a.as_primitive::<UInt16Type>().value(row).into()),
            DataType::UInt32 => v.visit_u64(a.as_primitive::<UInt32Type>().value(row).into()),
            DataType::UInt64 => v.visit_u64(a.as_primitive::<UInt64Type>().value(row)),
            // Never a float: not exact (an amount, a score), refused as the other hosts'
            // readers refuse one.
            DataType::Float16 | DataType::Float32 | DataType::Float64 => Err(bad(format!(
                "a floating-point value ({}) is not exact: give a decimal column (decimal128) \
                 or text",
                a.data_type()
            ))),
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(..) => match self.text() {
                Some(s) => v.visit_borrowed_str(s),
                None => Err(bad(format!(
                    "a column of type {} is not supported here",
                    a.data_type()
                ))),
            },
            DataType::Decimal128(p, s) => {
                self.decimal(decimal_text::<Decimal128Type>(a, row, *p, *s), v)
            }
            DataType::Decimal256(p, s) => {
                self.decimal(decimal_text::<Decimal256Type>(a, row, *p, *s), v)
            }
            DataType::Date32 => {
                let days = a.as_primitive::<Date32Type>().value(row);
                self.date(Date32Type::to_naive_date_opt(days), v)
            }
            DataType::Date64 => {
                let ms = a.as_primitive::<Date64Type>().value(row);
                if ms.rem_euclid(86_400_000) != 0 {
                    return Err(bad("a date64 value that is not at midnight"));
                }
                self.date(Date64Type::to_naive_date_opt(ms), v)
            }
            DataType::Timestamp(unit, tz) => {
                let tz = tz.as_deref();
                self.timestamp(*unit, tz, v)
            }
            DataType::Struct(_) => {
                let s = a.as_struct();
                v.visit_map(StructAccess {
                    cell: self,
                    array: s,
                    next: 0,
                    value: None,
                })
            }
            DataType::Map(_, _) => {
                let m = a.as_map();
                let (start, end) = span(m.value_offsets(), row)?;
                v.visit_map(EntryAccess {
                    cell: self,
                    keys: m.keys().as_ref(),
                    values: m.values().as_ref(),
                    next: start,
                    end,
                })
            }
            DataType::List(_) => {
                let l = a.as_list::<i32>();
                let (start, end) = span(l.value_offsets(), row)?;
                self.seq(l.values().as_ref(), start, end, v)
            }
            DataType::LargeList(_) => {
                let l = a.as_list::<i64>();
                let (start, end) = span(l.value_offsets(), row)?;
                self.seq(l.values().as_ref(), start, end, v)
            }
            DataType::FixedSizeList(_, n) => {
                let l = a.as_fixed_size_list();
                let n = usize::try_from(*n).map_err(|_| bad("a negative list size"))?;
                let start = row
                    .checked_mul(n)
                    .ok_or_else(|| bad("a list out of range"))?;
                let end = start
                    .checked_add(n)
                    .ok_or_else(|| bad("a list out of range"))?;
                self.seq(l.values().as_ref(), start, end, v)
            }
            other => Err(bad(format!("a column of type {other} is not supported"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        if null_at(self.array, self.row) {
            v.visit_none()
        } else {
            v.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        if null_at(self.array, self.row) {
            return self.deserialize_any(v);
        }
        match (false, self.text()) {
            (false, Some(s)) => v.visit_enum(s.into_deserializer()),
            _ => self.deserialize_any(de::IgnoredAny).and_then(|_| {
                Err(bad(format!(
                    "expected one of {} ({name}), got a value of type {}",
                    variants.join(", "),
                    self.array.data_type()
                )))
            }),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

impl<'a> Cell<'a> {
    fn seq<V: Visitor<'a>>(
        self,
        values: &'a dyn Array,
        start: usize,
        end: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_seq(ListAccess {
            cell: self.at(values, start, self.shape.item()),
            next: start,
            end,
        })
    }
}

struct ListAccess<'a> {
    cell: Cell<'a>,
    next: usize,
    end: usize,
}

impl<'de> SeqAccess<'de> for ListAccess<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.next >= self.end {
            return Ok(None);
        }
        let cell = self.cell.at(self.cell.array, self.next, self.cell.shape);
        self.next += 1;
        seed.deserialize(cell).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.end.saturating_sub(self.next))
    }
}

/// A struct value's fields as a map; a null field is absent (its default applies, or
/// the case says it is missing).
struct StructAccess<'a> {
    cell: Cell<'a>,
    array: &'a StructArray,
    next: usize,
    value: Option<Cell<'a>>,
}

impl<'de> MapAccess<'de> for StructAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let row = self.cell.row;
        let fields = self.array.fields();
        while self.next < fields.len() {
            let i = self.next;
            self.next += 1;
            let column = self.array.column(i).as_ref();
            let name = fields[i].name().as_str();
            if null_at(column, row) && !self.cell.shape.keeps_null(name) {
                continue;
            }
            self.value = Some(self.cell.at(column, row, self.cell.shape.field(name)));
            return seed.deserialize(name.into_deserializer()).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(cell) => seed.deserialize(cell),
            None => Err(bad("a value without its key")),
        }
    }
}

/// A map value's entries (a DuckDB or pyarrow MAP column).
struct EntryAccess<'a> {
    cell: Cell<'a>,
    keys: &'a dyn Array,
    values: &'a dyn Array,
    next: usize,
    end: usize,
}

impl<'de> MapAccess<'de> for EntryAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.next >= self.end {
            return Ok(None);
        }
        seed.deserialize(self.cell.at(self.keys, self.next, &Shape::Str))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let i = self.next;
        self.next += 1;
        let key = self.cell.at(self.keys, i, &Shape::Str).text().unwrap_or("");
        let shape = self.cell.shape.field(key);
        seed.deserialize(self.cell.at(self.values, i, shape))
    }
}

/// An exact number handed over as serde_json does (see [`NUMBER_TOKEN`]).
struct NumberAccess(Option<String>);

impl<'de> MapAccess<'de> for NumberAccess {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.0.is_none() {
            return Ok(None);
        }
        seed.deserialize(NUMBER_TOKEN.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let text = self.0.take().unwrap_or_default();
        seed.deserialize(text.into_deserializer())
    }
}

/// Read every row of a batch as a case (in parallel on the current pool), each under
/// the panic guard; errors are relative to the case (the caller indexes them).
pub(crate) fn read_cases(rows: &StructArray, ctx: &ReadCtx) -> Vec<Result<recobro::Case, Error>> {
    let shape = case_shape();
    (0..rows.len())
        .into_par_iter()
        .map(|row| {
            if rows.is_null(row) {
                // INVARIANT: a null row's fields hold whatever the producer left there;
                // they are never read.
                return Err(Error::input("", "a null row where a case is needed"));
            }
            host::guard(|| {
                host::case_from(Cell {
                    depth: 0,
                    array: rows,
                    row,
                    shape,
                    ctx,
                })
            })
        })
        .collect()
}

/// The `id` of each row as written, for the rows that do not read as a case.
/// Each row's case id: the case's when it was read, else the `id` column's text as
/// written (a failed row still names its case when it can).
fn ids_of(rows: &StructArray, cases: &[Result<recobro::Case, Error>]) -> Vec<Option<String>> {
    let ctx = ReadCtx::default();
    let column = rows.column_by_name("id");
    cases
        .iter()
        .enumerate()
        .map(|(row, case)| match (case, column) {
            (Ok(c), _) => Some(c.id.clone()),
            (Err(_), Some(col)) if !rows.is_null(row) && !null_at(col.as_ref(), row) => Cell {
                depth: 0,
                array: col.as_ref(),
                row,
                shape: &Shape::Str,
                ctx: &ctx,
            }
            .text()
            .map(String::from),
            (Err(_), _) => None,
        })
        .collect()
}

// ---- Writing decisions ---------------------------------------------------------------

/// The schema of the decided rows: one row per case, in order.
pub(crate) fn output_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    Arc::clone(SCHEMA.get_or_init(|| {
        let s = || Some(DataType::Utf8);
        let cols: [(&str, Option<DataType>); 12] = [
            ("case_id", s()),
            ("segment", s()),
            ("action_kind", s()),
            ("action_channel", s()),
            ("action_template", s()),
            ("priority", Some(DataType::Int64)),
            (
                "next_allowed_at",
                Some(DataType::Timestamp(
                    TimeUnit::Microsecond,
                    Some("UTC".into()),
                )),
            ),
            ("charges_total", None),
            ("error_code", s()),
            ("error_message", s()),
            ("error_path", s()),
            ("decision", s()),
        ];
        let mut fields: Vec<Field> = cols
            .into_iter()
            .map(|(name, t)| match t {
                Some(t) => Field::new(name, t, true),
                None => Field::new(name, charges_total_type(), true),
            })
            .collect();
        fields.extend(nested_fields().iter().map(|f| f.as_ref().clone()));
        // The rest of a failed case's error (a policy error's position, the help).
        fields.extend([
            Field::new("error_line", DataType::Int64, true),
            Field::new("error_column", DataType::Int64, true),
            Field::new("error_module", DataType::Utf8, true),
            Field::new("error_help", DataType::Utf8, true),
        ]);
        Arc::new(Schema::new(fields))
    }))
}

fn map_names() -> MapFieldNames {
    MapFieldNames {
        entry: "entries".into(),
        key: "key".into(),
        value: "value".into(),
    }
}

fn charges_total_type() -> DataType {
    map_type(DataType::Decimal128(38, DECIMAL_SCALE))
}

/// The decision's shape, read once from the JSON Schema the engine publishes.
fn decision_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(|| published_shape(include_str!("../../../schemas/decision.schema.json")))
}

/// The parts of the decision written as nested columns, in this order.
pub(crate) const NESTED: [&str; 6] = [
    "action",
    "candidates",
    "charges",
    "offers",
    "scores",
    "compliance",
];

/// The Arrow type a decision's value of this shape is written as: amounts as
/// decimal128(38, [`DECIMAL_SCALE`]), instants as timestamp(us, UTC), dates as date32,
/// objects keyed by any text as maps.
fn out_type(shape: &Shape) -> Option<DataType> {
    Some(match shape {
        Shape::Object(fields) => DataType::Struct(
            fields
                .iter()
                .filter_map(|(name, s, _)| out_type(s).map(|t| Field::new(name, t, true)))
                .collect::<Fields>(),
        ),
        Shape::MapOf(value) => map_type(out_type(value)?),
        Shape::List(item) => DataType::List(Arc::new(Field::new("item", out_type(item)?, true))),
        Shape::Amount => DataType::Decimal128(38, DECIMAL_SCALE),
        Shape::Keyed(..) | Shape::Free | Shape::Null => return None,
        other => arrow_type(other)?,
    })
}

fn map_type(value: DataType) -> DataType {
    let entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("key", DataType::Utf8, false),
            Field::new("value", value, true),
        ])),
        false,
    );
    DataType::Map(Arc::new(entries), false)
}

/// The nested columns' fields ([`NESTED`]), worked out once.
fn nested_fields() -> &'static Fields {
    static FIELDS: OnceLock<Fields> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let shape = decision_shape();
        NESTED
            .iter()
            .filter_map(|name| out_type(shape.field(name)).map(|t| Field::new(*name, t, true)))
            .collect()
    })
}

/// The nested columns' schema, for their decoder.
fn nested_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    Arc::clone(SCHEMA.get_or_init(|| Arc::new(Schema::new(nested_fields().clone()))))
}

/// A row for the nested columns' decoder: the decision, or nothing (a failed case:
/// every nested column null).
enum NestedRow<'a> {
    Decided(&'a Decision),
    Failed,
}

impl serde::Serialize for NestedRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            NestedRow::Decided(d) => d.serialize(s),
            NestedRow::Failed => serde::ser::SerializeMap::end(s.serialize_map(Some(0))?),
        }
    }
}

/// The nested columns of a slice's rows, through arrow-json's decoder from the
/// decisions' serde form (the canonical JSON's fields and values, without the text):
/// the same values as the `decision` column, typed.
fn nested_columns(rows: &[Result<Decision, Error>]) -> Result<Vec<ArrayRef>, ArrowError> {
    let schema = nested_schema();
    if rows.is_empty() {
        return Ok(RecordBatch::new_empty(schema).columns().to_vec());
    }
    let mut decoder = arrow_json::ReaderBuilder::new(Arc::clone(&schema))
        .with_batch_size(rows.len())
        .build_decoder()?;
    let items: Vec<NestedRow<'_>> = rows
        .iter()
        .map(|r| match r {
            Ok(d) => NestedRow::Decided(d),
            Err(_) => NestedRow::Failed,
        })
        .collect();
    decoder.serialize(&items)?;
    match decoder.flush()? {
        Some(batch) => Ok(batch.columns().to_vec()),
        None => Ok(RecordBatch::new_empty(schema).columns().to_vec()),
    }
}

/// An amount as a decimal128 of [`DECIMAL_SCALE`] places, exactly (`None` if it does
/// not fit, which no amount the engine writes can do).
fn decimal128(d: &Decimal) -> Option<i128> {
    let mut d = *d;
    if d.scale() > DECIMAL_SCALE as u32 {
        d = d.normalize();
        if d.scale() > DECIMAL_SCALE as u32 {
            return None;
        }
    }
    let m = d.mantissa();
    m.checked_mul(10_i128.checked_pow(DECIMAL_SCALE as u32 - d.scale())?)
}

fn micros(t: Instant) -> Option<i64> {
    t.timestamp()
        .checked_mul(1_000_000)?
        .checked_add(i64::from(t.subsec_nanos() / 1_000))
}

/// Write one slice's rows (`ids`: each row's case id; `rows`: its decision or error).
pub(crate) fn write_rows(
    ids: &[Option<String>],
    rows: &[Result<Decision, Error>],
) -> Result<RecordBatch, ArrowError> {
    let n = rows.len();
    let mut case_id = StringBuilder::with_capacity(n, n * 8);
    let mut segment = StringBuilder::with_capacity(n, n * 12);
    let mut kind = StringBuilder::with_capacity(n, n * 8);
    let mut channel = StringBuilder::with_capacity(n, n * 5);
    let mut template = StringBuilder::with_capacity(n, n * 16);
    let mut priority = Int64Builder::with_capacity(n);
    let mut next_at = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
    let mut totals = MapBuilder::new(
        Some(map_names()),
        StringBuilder::new(),
        Decimal128Builder::new().with_precision_and_scale(38, DECIMAL_SCALE)?,
    );
    let mut code = StringBuilder::new();
    let mut message = StringBuilder::new();
    let mut path = StringBuilder::new();
    let mut line = Int64Builder::new();
    let mut column = Int64Builder::new();
    let mut module = StringBuilder::new();
    let mut help = StringBuilder::new();
    let texts: Vec<Option<String>> = rows
        .par_iter()
        .map(|r| r.as_ref().ok().map(Decision::to_json))
        .collect();
    let mut decision = StringBuilder::with_capacity(
        n,
        texts
            .iter()
            .map(|t| t.as_ref().map_or(0, String::len))
            .sum(),
    );
    for ((row, id), text) in rows.iter().zip(ids).zip(texts) {
        match row {
            Ok(d) => {
                let action = d.action.as_ref().map(|a| &a.action);
                case_id.append_value(&d.case_id);
                segment.append_option(d.segment.as_deref());
                kind.append_option(action.map(|a| a.kind.as_str()));
                channel.append_option(action.and_then(|a| a.channel).map(|c| c.as_str()));
                template.append_option(action.and_then(|a| a.template.as_deref()));
                priority.append_option(action.map(|a| a.priority));
                match d.next_allowed_at {
                    Some(t) => next_at.append_value(micros(t).ok_or_else(|| {
                        ArrowError::ComputeError(format!(
                            "the instant {t} does not fit a timestamp"
                        ))
                    })?),
                    None => next_at.append_null(),
                }
                for (cur, amount) in &d.charges.totals {
                    totals.keys().append_value(cur);
                    let v = amount.parse::<Decimal>().ok().as_ref().and_then(decimal128).ok_or_else(|| {
                        ArrowError::ComputeError(format!(
                            "the total {amount} {cur} does not fit a decimal128(38, {DECIMAL_SCALE})"
                        ))
                    })?;
                    totals.values().append_value(v);
                }
                totals.append(true)?;
                code.append_null();
                message.append_null();
                path.append_null();
                line.append_null();
                column.append_null();
                module.append_null();
                help.append_null();
                decision.append_option(text);
            }
            Err(e) => {
                let f = host::fields(e);
                case_id.append_option(id.as_deref());
                segment.append_null();
                kind.append_null();
                channel.append_null();
                template.append_null();
                priority.append_null();
                next_at.append_null();
                totals.append(false)?;
                code.append_value(f.code);
                message.append_value(f.message);
                path.append_option(f.path);
                line.append_option(f.line.and_then(|n| i64::try_from(n).ok()));
                column.append_option(f.column.and_then(|n| i64::try_from(n).ok()));
                module.append_option(f.module);
                help.append_option(f.help);
                decision.append_null();
            }
        }
    }
    let nested = nested_columns(rows)?;
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(case_id.finish()),
        Arc::new(segment.finish()),
        Arc::new(kind.finish()),
        Arc::new(channel.finish()),
        Arc::new(template.finish()),
        Arc::new(priority.finish()),
        Arc::new(next_at.finish()),
        Arc::new(totals.finish()),
        Arc::new(code.finish()),
        Arc::new(message.finish()),
        Arc::new(path.finish()),
        Arc::new(decision.finish()),
    ];
    cols.extend(nested);
    cols.extend([
        Arc::new(line.finish()) as ArrayRef,
        Arc::new(column.finish()),
        Arc::new(module.finish()),
        Arc::new(help.finish()),
    ]);
    RecordBatch::try_new(output_schema(), cols)
}

// ---- The stream: pull a slice, decide it, write it -------------------------------------

/// How a stream is decided.
pub(crate) struct Plan {
    pub(crate) policy: recobro::Policy,
    pub(crate) as_of: Instant,
    pub(crate) ctx: ReadCtx,
    pub(crate) pool: Option<Arc<rayon::ThreadPool>>,
    /// At most this many rows are read, decided and written at a time.
    pub(crate) chunk: usize,
}

/// At most this many decided rows are written into one output batch; a slice's parts
/// are written in parallel.
const WRITE_CHUNK: usize = 4_096;

/// The default slice: big enough to keep both cores busy, small enough that a
/// portfolio flows through in bounded memory.
pub(crate) const DEFAULT_CHUNK: usize = 65_536;

/// Decided rows, a slice at a time, from a stream of cases.
pub(crate) struct Decide {
    input: Cases,
    plan: Plan,
    /// The rest of the input batch being sliced.
    pending: Option<(StructArray, usize)>,
    /// How many rows came before: a row's index in the whole stream.
    first: usize,
    /// Batches written and not yet handed over.
    written: std::collections::VecDeque<RecordBatch>,
    /// The failed rows so far (index, case id, error), when kept
    /// ([`Decide::keeping_errors`]).
    pub(crate) errors: Option<Vec<(usize, Option<String>, Error)>>,
}

impl Decide {
    pub(crate) fn new(input: Cases, plan: Plan) -> Decide {
        Decide {
            input,
            plan,
            pending: None,
            first: 0,
            written: std::collections::VecDeque::new(),
            errors: None,
        }
    }

    /// Keep every failed row's error as well (a host that reports them whole).
    pub(crate) fn keeping_errors(mut self) -> Decide {
        self.errors = Some(Vec::new());
        self
    }

    fn next_slice(&mut self) -> Option<Result<StructArray, ArrowError>> {
        loop {
            if let Some((batch, offset)) = self.pending.take() {
                if offset < batch.len() {
                    let len = self.plan.chunk.min(batch.len() - offset);
                    let slice = batch.slice(offset, len);
                    self.pending = Some((batch, offset + len));
                    return Some(Ok(slice));
                }
            }
            match self.input.next()? {
                Ok(batch) => self.pending = Some((batch, 0)),
                Err(e) => return Some(Err(e)),
            }
        }
    }

    fn decide(&mut self, slice: &StructArray) -> Result<Vec<RecordBatch>, ArrowError> {
        let plan = &self.plan;
        let first = self.first;
        let errors = &mut self.errors;
        let mut work = || {
            let cases = read_cases(slice, &plan.ctx);
            let ids = ids_of(slice, &cases);
            let rows = host::evaluate_rows_from(
                &plan.policy,
                cases,
                first,
                plan.as_of,
                EvalOptions::default(),
            );
            // Written in parallel, a batch per part: one decoder per part, on every core.
            let out: Result<Vec<RecordBatch>, ArrowError> = ids
                .par_chunks(WRITE_CHUNK)
                .zip(rows.par_chunks(WRITE_CHUNK))
                .map(|(ids, rows)| write_rows(ids, rows))
                .collect();
            if let Some(kept) = errors {
                for (i, (row, id)) in rows.into_iter().zip(ids).enumerate() {
                    if let Err(e) = row {
                        kept.push((first.saturating_add(i), id, e));
                    }
                }
            }
            out
        };
        match &plan.pool {
            Some(p) => p.install(work),
            None => work(),
        }
    }
}

impl Decide {
    fn pull(&mut self) -> Option<Result<RecordBatch, ArrowError>> {
        loop {
            if let Some(batch) = self.written.pop_front() {
                return Some(Ok(batch));
            }
            let slice = match self.next_slice()? {
                Ok(s) => s,
                Err(e) => return Some(Err(e)),
            };
            let out = self.decide(&slice);
            self.first = self.first.saturating_add(slice.len());
            match out {
                Ok(batches) => self.written.extend(batches),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Iterator for Decide {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        // A fault (ours, or the input's reader's) must not unwind through the C stream
        // interface, which would abort the process: it is this pull's error. And the
        // interface hands an error over as a C string: no NUL byte in its text.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.pull()))
            .unwrap_or_else(|p| {
                Some(Err(ArrowError::ComputeError(
                    host::panic_error(p.as_ref()).to_string(),
                )))
            });
        out.map(|r| {
            r.map_err(|e| ArrowError::ExternalError(e.to_string().replace('\0', " ").into()))
        })
    }
}

impl RecordBatchReader for Decide {
    fn schema(&self) -> SchemaRef {
        output_schema()
    }
}

// ---- The PyCapsule interface ---------------------------------------------------------

const STREAM: &CStr = c"arrow_array_stream";
const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// The cases of an Arrow input: its struct arrays (a table's record batches as struct
/// arrays), each with its own validity, so a null row is seen as one.
pub(crate) type Cases = Box<dyn Iterator<Item = Result<StructArray, ArrowError>> + Send>;

/// The struct array of an imported array, or the error a non-struct input is.
fn as_cases(array: ArrayRef) -> Result<StructArray, ArrowError> {
    // INVARIANT: the C data interface imports without checking the producer's buffers;
    // every offset, length and UTF-8 string is checked here, before any value is read.
    array.to_data().validate_full()?;
    match array.as_struct_opt() {
        Some(s) => Ok(s.clone()),
        None => Err(ArrowError::InvalidArgumentError(format!(
            "Arrow cases must be a table or a struct array (one field per case field), not {}",
            array.data_type()
        ))),
    }
}

/// A batch reader over batches already decided.
pub(crate) struct Batches(std::vec::IntoIter<RecordBatch>);

impl Batches {
    pub(crate) fn new(batches: Vec<RecordBatch>) -> Batches {
        Batches(batches.into_iter())
    }
}

impl Iterator for Batches {
    type Item = Result<RecordBatch, ArrowError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(Ok)
    }
}

impl RecordBatchReader for Batches {
    fn schema(&self) -> SchemaRef {
        output_schema()
    }
}

fn arrow_err(e: ArrowError) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(format!("cannot read the Arrow input: {e}"))
}

/// The Arrow stream of any producer of the Arrow PyCapsule interface: its
/// `__arrow_c_stream__` (tables, readers, data frames, relations), or its
/// `__arrow_c_array__` (a record batch or a struct array: one batch). `Ok(None)` when
/// the object has neither.
#[expect(
    unsafe_code,
    reason = "the Arrow C data and stream interfaces hand over raw pointers in capsules"
)]
pub(crate) fn import_stream(obj: &Bound<'_, PyAny>) -> PyResult<Option<Cases>> {
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>()?;
        let ptr = capsule.pointer_checked(Some(STREAM))?;
        // SAFETY: the capsule is named "arrow_array_stream", so by the Arrow PyCapsule
        // interface it holds an `ArrowArrayStream`; `from_raw` moves it out and marks
        // the capsule's copy released, so the capsule's destructor frees nothing twice.
        // The array reader (not the record batch reader, which drops a struct's
        // validity) keeps the null rows of a stream of struct arrays.
        let reader = unsafe {
            arrow_array::ffi_stream::ArrayStreamReader::from_raw(
                ptr.as_ptr().cast::<FFI_ArrowArrayStream>(),
            )
        }
        .map_err(arrow_err)?;
        if !matches!(reader.field().data_type(), DataType::Struct(_)) {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "Arrow cases must be a table or a struct array (one field per case field), \
                 not a stream of {}",
                reader.field().data_type()
            )));
        }
        return Ok(Some(Box::new(reader.map(|a| a.and_then(as_cases)))));
    }
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>()?;
        let schema = pair.get_item(0)?;
        let schema = schema.cast::<PyCapsule>()?;
        let array = pair.get_item(1)?;
        let array = array.cast::<PyCapsule>()?;
        let schema_ptr = schema.pointer_checked(Some(SCHEMA))?;
        let array_ptr = array.pointer_checked(Some(ARRAY))?;
        // SAFETY: capsules named by the Arrow PyCapsule interface hold an ArrowSchema
        // and an ArrowArray; the array is moved out (its capsule's copy is marked
        // released), the schema only borrowed.
        let data = unsafe {
            let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast::<FFI_ArrowArray>());
            let schema = &*schema_ptr.as_ptr().cast::<FFI_ArrowSchema>();
            arrow_array::ffi::from_ffi(array, schema)
        }
        .map_err(arrow_err)?;
        let cases = as_cases(arrow_array::make_array(data))
            .map_err(|e| pyo3::exceptions::PyTypeError::new_err(e.to_string()))?;
        return Ok(Some(Box::new(std::iter::once(Ok(cases)))));
    }
    Ok(None)
}

/// An Arrow stream (or schema) handed to Python through the PyCapsule interface:
/// `pyarrow.RecordBatchReader.from_stream(x)`, `pyarrow.schema(x)`, polars, DuckDB.
#[pyclass(module = "recobro._native", name = "ArrowStream")]
pub(crate) struct ArrowStream {
    stream: Mutex<Option<Box<dyn RecordBatchReader + Send>>>,
    schema: SchemaRef,
}

impl ArrowStream {
    pub(crate) fn new(reader: Box<dyn RecordBatchReader + Send>) -> ArrowStream {
        let schema = reader.schema();
        ArrowStream {
            stream: Mutex::new(Some(reader)),
            schema,
        }
    }

    pub(crate) fn schema_only(schema: Schema) -> ArrowStream {
        ArrowStream {
            stream: Mutex::new(None),
            schema: Arc::new(schema),
        }
    }
}

#[pymethods]
impl ArrowStream {
    /// The stream, once (the Arrow C stream interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The stream is written in its own schema; a consumer casts if it asked for
        // another (the interface allows a producer to ignore the request).
        let _ = requested_schema;
        let taken = self
            .stream
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let reader = taken.ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(
                "this Arrow stream was already read (a stream is read once)",
            )
        })?;
        PyCapsule::new_with_value(py, FFI_ArrowArrayStream::new(reader), STREAM)
    }

    /// The schema (the Arrow C data interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let s = FFI_ArrowSchema::try_from(self.schema.as_ref()).map_err(arrow_err)?;
        PyCapsule::new_with_value(py, s, SCHEMA)
    }
}
