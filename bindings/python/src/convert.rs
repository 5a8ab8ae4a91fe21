//! In: a value (a case dict, policy options, a proposal's terms) becomes JSON text that
//! the host boundary reads (`recobro::host::case`, `host::read`), exactly as it reads a
//! file, so the Python path fails with the same codes and paths as JSON text.
//! `decimal.Decimal` and `int` become exact JSON numbers (never an `f64`), `float` is
//! refused, aware `datetime` becomes RFC 3339 in UTC, `date` becomes `YYYY-MM-DD`; a
//! naive `datetime` is refused. Errors name the input path (`debts[0].outstanding`)
//! under the argument (`options.limits`).
//!
//! The value is walked here, in Rust, and written straight into a byte buffer (no
//! intermediate `serde_json::Value`; a batch writes all its cases into one buffer):
//! [`Reader`] dispatches on the exact type of each object, compared by identity with
//! type objects looked up once (the builtins; `Decimal`, `datetime`, `date`; pandas'
//! `NA`, `NaT` and `Timestamp` once pandas is imported), never on type names, and
//! reads each value with as little Python as it can: a string's UTF-8 and an int's
//! value through the C API, a `Decimal`'s `str()`, a `date`'s `toordinal()`, an aware
//! `datetime`'s instant as `(dt - epoch) // 1 µs`, a `Timestamp`'s `value`, the text
//! (escapes, digits, the calendar) written here. Anything else (subclasses, NumPy
//! values, other mappings) and what the exact path cannot answer (a naive datetime, a
//! `Decimal` in exponent form) takes the general path: `isinstance` checks in a fixed
//! order, then `tolist()` and the mapping protocol, Python's own formatting. Both paths
//! write the same text for the same value, and the same errors with the same paths
//! (`tests/test_convert.py` holds them to a recording of the converter before this
//! one).
//!
//! Out: the core's JSON (a decision, a contact check, a plan check) becomes plain
//! Python values, with amounts as `Decimal`, instants as aware UTC `datetime` and dates
//! as `date`, chosen by field name (the decision's schema).

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyList, PyString,
    PyTuple, PyType, PyTzInfo,
};
use pyo3::PyTypeInfo;
use serde_json::Value;
use std::collections::HashMap;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// pandas' types, once pandas has been imported.
static PANDAS: PyOnceLock<PandasTypes> = PyOnceLock::new();

/// The pandas types the walk tells apart.
struct PandasTypes {
    /// `type(pandas.NA)`: a missing value.
    na: Py<PyType>,
    /// `type(pandas.NaT)`: a missing instant (a `datetime` subclass).
    nat: Py<PyType>,
    /// `pandas.Timestamp` (a `datetime` subclass, nanoseconds).
    timestamp: Py<PyType>,
}

/// How deep a value may nest. The engine reads no JSON nested deeper than 128 levels,
/// so nothing it could accept is refused; past this the walk stops with an error
/// instead of running out of stack.
const MAX_DEPTH: usize = 1000;

/// `decimal.Decimal`.
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// pandas' types, when pandas is imported (looked up in `sys.modules`, never imported
/// here; kept once found).
fn pandas_types(py: Python<'_>) -> Option<&PandasTypes> {
    if let Some(types) = PANDAS.get(py) {
        return Some(types);
    }
    let modules = py.import("sys").ok()?.getattr("modules").ok()?;
    let pandas = modules.get_item("pandas").ok()?;
    let types = PandasTypes {
        na: pandas.getattr("NA").ok()?.get_type().unbind(),
        nat: pandas.getattr("NaT").ok()?.get_type().unbind(),
        timestamp: pandas
            .getattr("Timestamp")
            .ok()?
            .cast_into::<PyType>()
            .ok()?
            .unbind(),
    };
    // Another thread may have set it meanwhile: the same types.
    let _ = PANDAS.set(py, types);
    PANDAS.get(py)
}

/// One step of an input path.
#[derive(Debug, Clone)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// A value that cannot become JSON, with the path to it (innermost step last).
#[derive(Debug)]
pub(crate) struct InputError {
    rev_path: Vec<Seg>,
    pub(crate) message: String,
}

impl InputError {
    fn new(message: impl Into<String>) -> Self {
        InputError {
            rev_path: Vec::new(),
            message: message.into(),
        }
    }

    fn within(mut self, seg: Seg) -> Self {
        self.rev_path.push(seg);
        self
    }

    /// The path in `a.b[2].c` form (the form the core's errors use).
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        for seg in self.rev_path.iter().rev() {
            match seg {
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// As the core's `input.invalid` error, under an optional argument name (`as_of`,
    /// `options.limits`, `proposal.down_payment`; `""` for a case, whose paths are
    /// relative to it), joined as the core joins paths (`Error::under`).
    pub(crate) fn into_error(self, root: &str) -> recobro::Error {
        let e = recobro::Error::input(self.path(), self.message);
        if root.is_empty() {
            e
        } else {
            e.under(root)
        }
    }
}

/// How input values are read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ReadOptions {
    /// Leave out dict entries that are `None` (or NaN / `pd.NA` / `pd.NaT`): what a
    /// missing field looks like in a DataFrame or an Arrow table.
    pub(crate) drop_nulls: bool,
}

/// The name of a value's type, for error messages only.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string())
}

fn leaf<T>(r: PyResult<T>, what: &str) -> Result<T, InputError> {
    r.map_err(|e| InputError::new(format!("cannot read {what}: {e}")))
}

fn shown(obj: &Bound<'_, PyAny>) -> String {
    obj.str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A Python string's UTF-8 (`what` names it in the error: a string with a lone
/// surrogate has none).
fn utf8<'py>(s: &Bound<'py, PyString>, what: &str) -> Result<Bound<'py, PyBytes>, InputError> {
    leaf(s.encode_utf8(), what)
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// UTF-8 text as a JSON string, escaped as `serde_json` escapes it: `"`, `\` and the
/// control characters below U+0020; everything else as is.
fn write_escaped(s: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    if !s.iter().copied().any(needs_escape) {
        out.extend_from_slice(s);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(s.get(start..i).unwrap_or_default());
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(s.get(start..).unwrap_or_default());
    out.push(b'"');
}

fn write_string(s: &Bound<'_, PyString>, what: &str, out: &mut Vec<u8>) -> Result<(), InputError> {
    let bytes = utf8(s, what)?;
    write_escaped(bytes.as_bytes(), out);
    Ok(())
}

fn float_error(f: &Bound<'_, PyFloat>) -> InputError {
    InputError::new(format!(
        "floating-point number `{}` is not exact: pass a decimal.Decimal, an int or a string \
         such as \"1234.50\"",
        f.repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| "?".into())
    ))
}

/// `n` in decimal, left-padded with zeros to `width` digits.
fn write_digits(mut n: u64, width: usize, out: &mut Vec<u8>) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while n > 0 || buf.len() - i < width {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            // `n % 10` is a digit.
            *b = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if i == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or_default());
}

fn write_i64(i: i64, out: &mut Vec<u8>) {
    if i < 0 {
        out.push(b'-');
    }
    write_digits(i.unsigned_abs(), 1, out);
}

fn write_int(obj: &Bound<'_, PyInt>, out: &mut Vec<u8>) -> Result<(), InputError> {
    if let Ok(i) = obj.extract::<i64>() {
        write_i64(i, out);
        return Ok(());
    }
    let text = leaf(obj.str().map(|s| s.to_string()), "the int")?;
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

/// A `Decimal` in positional notation, every digit kept (`Decimal("0.10")` stays
/// `0.10`), through Python's own formatting; a NaN or an infinity is refused.
fn write_decimal_formatted(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> Result<(), InputError> {
    let finite = leaf(
        obj.call_method0(intern!(obj.py(), "is_finite"))
            .and_then(|b| b.extract::<bool>()),
        "the Decimal",
    )?;
    if !finite {
        return Err(InputError::new(format!(
            "`Decimal('{}')` is not a finite number",
            shown(obj)
        )));
    }
    let text = leaf(
        obj.call_method1(intern!(obj.py(), "__format__"), ("f",))
            .and_then(|s| s.extract::<String>()),
        "the Decimal",
    )?;
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

/// A `decimal.Decimal` (exactly that type): its `str()` when that is already positional
/// (`-12.50`: what `str()` gives unless the exponent is positive or the number tiny),
/// else as [`write_decimal_formatted`].
fn write_decimal(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> Result<(), InputError> {
    let s = leaf(obj.str(), "the Decimal")?;
    let bytes = utf8(&s, "the Decimal")?;
    let text = bytes.as_bytes();
    if !text.is_empty()
        && text
            .iter()
            .all(|&b| b.is_ascii_digit() || b == b'-' || b == b'.')
    {
        out.extend_from_slice(text);
        return Ok(());
    }
    write_decimal_formatted(obj, out)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The Unix epoch as an aware `datetime` and one microsecond as a `timedelta`: an aware
/// datetime's instant is `(dt - EPOCH) // MICROSECOND` microseconds after the epoch,
/// which Python computes with the datetime's `utcoffset()`, exactly as `astimezone`.
static EPOCH: PyOnceLock<(Py<PyDateTime>, Py<PyDelta>)> = PyOnceLock::new();

fn epoch(py: Python<'_>) -> Option<&(Py<PyDateTime>, Py<PyDelta>)> {
    EPOCH
        .get_or_try_init(py, || -> PyResult<_> {
            let utc = PyTzInfo::utc(py)?;
            let epoch = PyDateTime::new(py, 1970, 1, 1, 0, 0, 0, 0, Some(&utc.to_owned()))?;
            let micro = PyDelta::new(py, 0, 0, 1, false)?;
            Ok((epoch.unbind(), micro.unbind()))
        })
        .ok()
}

/// Writes a day count since 1970-01-01 as `YYYY-MM-DD`; `false` (nothing written)
/// outside years 1-9999.
fn write_day(days: i64, out: &mut Vec<u8>) -> bool {
    let (y, m, d) = civil_from_days(days);
    if !(1..=9999).contains(&y) {
        return false;
    }
    write_digits(y.unsigned_abs(), 4, out);
    out.push(b'-');
    write_digits(m.unsigned_abs(), 2, out);
    out.push(b'-');
    write_digits(d.unsigned_abs(), 2, out);
    true
}

/// An aware `datetime.datetime` (exactly that type) in UTC, as `datetime.isoformat()`
/// writes it (`2026-03-16T15:00:00+00:00`, microseconds when there are any): its
/// instant taken from Python in one subtraction and one division, the text written
/// here. `false` (nothing written) for what only Python can answer: a naive datetime
/// (the subtraction fails), a zone whose offset cannot be read, a result outside years
/// 1-9999.
fn write_utc_instant(dt: &Bound<'_, PyDateTime>, out: &mut Vec<u8>) -> bool {
    let py = dt.py();
    let Some((epoch, micro)) = epoch(py) else {
        return false;
    };
    match dt
        .sub(epoch.bind(py))
        .and_then(|d| d.floor_div(micro.bind(py)))
        .and_then(|n| n.extract::<i64>())
    {
        Ok(us) => write_instant(i128::from(us) * 1_000, out),
        Err(_) => false,
    }
}

/// An aware `pandas.Timestamp` (exactly that type) in UTC, as its `isoformat()` writes
/// it: nanoseconds when there are any, else microseconds when there are any. Its
/// instant is its `value` (nanoseconds since the epoch). `false` (nothing written) when
/// it is naive or out of the nanosecond range: Python's path answers those.
fn write_utc_timestamp(ts: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> bool {
    let py = ts.py();
    match ts.getattr(intern!(py, "tzinfo")) {
        Ok(tz) if !tz.is_none() => {}
        _ => return false,
    }
    match ts
        .getattr(intern!(py, "value"))
        .and_then(|n| n.extract::<i64>())
    {
        Ok(ns) => write_instant(i128::from(ns), out),
        Err(_) => false,
    }
}

/// An instant, in nanoseconds since the epoch, as `YYYY-MM-DDTHH:MM:SS[.fraction]+00:00`
/// (the fraction in nanoseconds when it has any, else in microseconds when it has
/// any: what `isoformat()` writes); `false` (nothing written) outside years 1-9999.
fn write_instant(ns: i128, out: &mut Vec<u8>) -> bool {
    const DAY_NS: i128 = 86_400_000_000_000;
    let Ok(days) = i64::try_from(ns.div_euclid(DAY_NS)) else {
        return false;
    };
    if !write_day(days, out) {
        return false;
    }
    // In [0, one day): fits.
    let t = u64::try_from(ns.rem_euclid(DAY_NS)).unwrap_or(0);
    let (secs, frac) = (t / 1_000_000_000, t % 1_000_000_000);
    out.push(b'T');
    write_digits(secs / 3_600, 2, out);
    out.push(b':');
    write_digits(secs % 3_600 / 60, 2, out);
    out.push(b':');
    write_digits(secs % 60, 2, out);
    if frac % 1_000 != 0 {
        out.push(b'.');
        write_digits(frac, 9, out);
    } else if frac != 0 {
        out.push(b'.');
        write_digits(frac / 1_000, 6, out);
    }
    out.extend_from_slice(b"+00:00");
    true
}

/// A `datetime.date` (exactly that type) as `YYYY-MM-DD`, from its `toordinal()`.
fn write_date(d: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> bool {
    /// `date(1970, 1, 1).toordinal()`.
    const UNIX_ORDINAL: i64 = 719_163;
    match d
        .call_method0(intern!(d.py(), "toordinal"))
        .and_then(|n| n.extract::<i64>())
    {
        Ok(n) => write_day(n - UNIX_ORDINAL, out),
        Err(_) => false,
    }
}

/// Any `datetime` (a subclass such as `pandas.Timestamp` too) as an RFC 3339 instant in
/// UTC, through Python (`astimezone`, `isoformat`); a naive one, or `NaT`, is refused.
fn instant_text_python(obj: &Bound<'_, PyAny>, is_nat: bool) -> Result<String, InputError> {
    let py = obj.py();
    if is_nat {
        return Err(InputError::new("expected an instant, got `NaT`"));
    }
    let offset = leaf(obj.call_method0(intern!(py, "utcoffset")), "the datetime")?;
    if offset.is_none() {
        return Err(InputError::new(format!(
            "naive datetime `{}` has no time zone: pass an aware datetime \
             (for example with tzinfo=datetime.timezone.utc) or a string with an offset like \
             `2026-03-16T15:00:00Z`",
            shown(obj)
        )));
    }
    let utc = leaf(PyTzInfo::utc(py), "the UTC time zone")?;
    let in_utc = leaf(
        obj.call_method1(intern!(py, "astimezone"), (utc,)),
        "the datetime",
    )?;
    leaf(
        in_utc
            .call_method0(intern!(py, "isoformat"))
            .and_then(|s| s.extract::<String>()),
        "the datetime",
    )
}

fn is_nat(obj: &Bound<'_, PyAny>) -> bool {
    let py = obj.py();
    pandas_types(py).is_some_and(|t| obj.get_type_ptr() == t.nat.bind(py).as_type_ptr())
}

/// An aware `datetime` as an RFC 3339 instant in UTC; a naive one is refused.
pub(crate) fn instant_text(obj: &Bound<'_, PyAny>) -> Result<String, InputError> {
    if let Ok(dt) = obj.cast_exact::<PyDateTime>() {
        let mut out = Vec::with_capacity(32);
        if write_utc_instant(dt, &mut out) {
            return into_text(out);
        }
    }
    instant_text_python(obj, is_nat(obj))
}

/// Writes Python values as JSON text (see the module documentation). One per call or
/// per batch: it holds the type objects it compares with.
pub(crate) struct Reader<'py> {
    opts: ReadOptions,
    decimal: Option<Bound<'py, PyType>>,
    datetime: Bound<'py, PyType>,
    date: Bound<'py, PyType>,
    /// `type(pandas.NA)`, `type(pandas.NaT)`, `pandas.Timestamp`: when pandas is
    /// imported.
    na: Option<Bound<'py, PyType>>,
    nat: Option<Bound<'py, PyType>>,
    timestamp: Option<Bound<'py, PyType>>,
    depth: usize,
}

fn is_type(obj: &Bound<'_, PyAny>, ty: Option<&Bound<'_, PyType>>) -> bool {
    ty.is_some_and(|t| obj.get_type_ptr() == t.as_type_ptr())
}

impl<'py> Reader<'py> {
    pub(crate) fn new(py: Python<'py>, opts: ReadOptions) -> Self {
        let pandas = pandas_types(py);
        let bound =
            |pick: fn(&PandasTypes) -> &Py<PyType>| pandas.map(|t| pick(t).bind(py).clone());
        Reader {
            opts,
            decimal: decimal_type(py).ok().cloned(),
            datetime: PyDateTime::type_object(py),
            date: PyDate::type_object(py),
            na: bound(|t| &t.na),
            nat: bound(|t| &t.nat),
            timestamp: bound(|t| &t.timestamp),
            depth: 0,
        }
    }

    /// Append the JSON text of `obj` to `out`; on error `out` is left as it was.
    pub(crate) fn write(
        &mut self,
        obj: &Bound<'py, PyAny>,
        out: &mut Vec<u8>,
    ) -> Result<(), InputError> {
        let start = out.len();
        self.depth = 0;
        let r = self.value(obj, out);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    /// One value: the exact types first (the values of a dict from `json.loads`, of a
    /// DataFrame's records or of an Arrow table's rows), then [`Reader::other`].
    fn value(&mut self, obj: &Bound<'py, PyAny>, out: &mut Vec<u8>) -> Result<(), InputError> {
        if let Ok(s) = obj.cast_exact::<PyString>() {
            return write_string(s, "a string", out);
        }
        if let Ok(d) = obj.cast_exact::<PyDict>() {
            return self.dict(d, out);
        }
        if let Ok(l) = obj.cast_exact::<PyList>() {
            return self.seq(l.iter(), out);
        }
        if obj.is_none() {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        if let Ok(i) = obj.cast_exact::<PyInt>() {
            return write_int(i, out);
        }
        if let Ok(b) = obj.cast_exact::<PyBool>() {
            out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
            return Ok(());
        }
        if is_type(obj, self.decimal.as_ref()) {
            return write_decimal(obj, out);
        }
        if obj.get_type_ptr() == self.datetime.as_type_ptr() {
            if let Ok(dt) = obj.cast_exact::<PyDateTime>() {
                let start = out.len();
                out.push(b'"');
                if write_utc_instant(dt, out) {
                    out.push(b'"');
                    return Ok(());
                }
                out.truncate(start);
            }
            return self.other(obj, out);
        }
        if obj.get_type_ptr() == self.date.as_type_ptr() {
            let start = out.len();
            out.push(b'"');
            if write_date(obj, out) {
                out.push(b'"');
                return Ok(());
            }
            out.truncate(start);
            return self.other(obj, out);
        }
        if let Ok(f) = obj.cast_exact::<PyFloat>() {
            return Err(float_error(f));
        }
        if let Ok(t) = obj.cast_exact::<PyTuple>() {
            return self.seq(t.iter(), out);
        }
        if is_type(obj, self.timestamp.as_ref()) {
            let start = out.len();
            out.push(b'"');
            if write_utc_timestamp(obj, out) {
                out.push(b'"');
                return Ok(());
            }
            out.truncate(start);
        }
        self.other(obj, out)
    }

    /// Everything else, by `isinstance` in a fixed order: subclasses of the types above,
    /// pandas' `NA` (null) and `NaT` (a datetime that is no instant), NumPy arrays and
    /// scalars (through `tolist()`), other mappings.
    fn other(&mut self, obj: &Bound<'py, PyAny>, out: &mut Vec<u8>) -> Result<(), InputError> {
        let py = obj.py();
        if let Ok(s) = obj.cast::<PyString>() {
            return write_string(s, "a string", out);
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return self.dict(d, out);
        }
        if let Ok(l) = obj.cast::<PyList>() {
            return self.seq(l.iter(), out);
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
            return Ok(());
        }
        if let Ok(i) = obj.cast::<PyInt>() {
            return write_int(i, out);
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            return Err(float_error(f));
        }
        if obj.is_instance_of::<PyDateTime>() {
            let text = instant_text_python(obj, is_type(obj, self.nat.as_ref()))?;
            write_escaped(text.as_bytes(), out);
            return Ok(());
        }
        if obj.is_instance_of::<PyDate>() {
            let text = leaf(
                obj.call_method0(intern!(py, "isoformat"))
                    .and_then(|s| s.extract::<String>()),
                "the date",
            )?;
            write_escaped(text.as_bytes(), out);
            return Ok(());
        }
        if let Some(dec) = &self.decimal {
            if obj.is_instance(dec).unwrap_or(false) {
                return write_decimal_formatted(obj, out);
            }
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            return self.seq(t.iter(), out);
        }
        if is_type(obj, self.na.as_ref()) || is_type(obj, self.nat.as_ref()) {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        // NumPy arrays and scalars (what pandas hands over for list cells or Arrow data).
        if obj.hasattr(intern!(py, "tolist")).unwrap_or(false) {
            let plain = leaf(obj.call_method0(intern!(py, "tolist")), "the array")?;
            if !plain.is(obj) {
                return self.nested(&plain, out);
            }
        }
        // Any other mapping.
        if obj.hasattr(intern!(py, "items")).unwrap_or(false)
            && obj.hasattr(intern!(py, "keys")).unwrap_or(false)
        {
            let dict = PyDict::new(py);
            leaf(
                dict.call_method1(intern!(py, "update"), (obj,)),
                "the mapping",
            )?;
            return self.dict(&dict, out);
        }
        Err(InputError::new(format!(
            "unsupported value of type `{}`: expected a dict, list, str, int, decimal.Decimal, \
             date, datetime, bool or None",
            type_name(obj)
        )))
    }

    /// A value standing for another (an array's `tolist()`): one level deeper.
    fn nested(&mut self, obj: &Bound<'py, PyAny>, out: &mut Vec<u8>) -> Result<(), InputError> {
        self.enter()?;
        let r = self.value(obj, out);
        self.depth -= 1;
        r
    }

    fn enter(&mut self) -> Result<(), InputError> {
        if self.depth >= MAX_DEPTH {
            return Err(InputError::new(format!(
                "the value nests more than {MAX_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        Ok(())
    }

    /// Whether a dict entry's value stands for a missing field in a DataFrame or an
    /// Arrow row: None, NaN, `pd.NA`, `pd.NaT`.
    fn is_missing(&self, v: &Bound<'py, PyAny>) -> bool {
        if v.is_none() {
            return true;
        }
        if let Ok(f) = v.cast_exact::<PyFloat>() {
            return f.value().is_nan();
        }
        if is_type(v, self.na.as_ref()) || is_type(v, self.nat.as_ref()) {
            return true;
        }
        if v.cast_exact::<PyString>().is_ok()
            || v.cast_exact::<PyDict>().is_ok()
            || v.cast_exact::<PyList>().is_ok()
        {
            return false;
        }
        v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan())
    }

    fn dict(&mut self, dict: &Bound<'py, PyDict>, out: &mut Vec<u8>) -> Result<(), InputError> {
        self.enter()?;
        out.push(b'{');
        let mut first = true;
        for (k, v) in dict.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => utf8(s, "a key")?,
                Err(_) => {
                    return Err(InputError::new(format!(
                        "keys must be strings, got {} `{}`",
                        type_name(&k),
                        k.repr()
                            .map(|r| r.to_string())
                            .unwrap_or_else(|_| "?".into())
                    )))
                }
            };
            let key = key.as_bytes();
            if self.opts.drop_nulls && self.is_missing(&v) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            write_escaped(key, out);
            out.push(b':');
            self.value(&v, out)
                .map_err(|e| e.within(Seg::Key(String::from_utf8_lossy(key).into_owned())))?;
        }
        out.push(b'}');
        self.depth -= 1;
        Ok(())
    }

    fn seq(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        out: &mut Vec<u8>,
    ) -> Result<(), InputError> {
        self.enter()?;
        out.push(b'[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.value(&item, out)
                .map_err(|e| e.within(Seg::Index(i)))?;
        }
        out.push(b']');
        self.depth -= 1;
        Ok(())
    }
}

/// A Python value as JSON text, exactly: the text the core parses as if it came from
/// a file (numbers reach its decimal parser as written, never through an `f64`).
pub(crate) fn to_json_text(
    obj: &Bound<'_, PyAny>,
    opts: ReadOptions,
) -> Result<String, InputError> {
    let mut out = Vec::with_capacity(256);
    Reader::new(obj.py(), opts).write(obj, &mut out)?;
    into_text(out)
}

/// Text written by a [`Reader`] as a `String`. It is UTF-8 by construction (Python's
/// own UTF-8 of each string, ASCII around it); this checks it once, for the whole text.
pub(crate) fn into_text(buf: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(buf).map_err(|e| InputError::new(format!("cannot write the text: {e}")))
}

// ---------------------------------------------------------------------------------------
// Out

/// How a JSON string from the core is shown in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// By field name.
    Plain,
    /// Free text maps (`basis`): strings stay strings, all the way down.
    Opaque,
    /// An amount: `Decimal`.
    Amount,
    /// A map whose values are amounts (`charges.totals`).
    AmountMap,
    /// An instant: aware `datetime` in UTC.
    Instant,
    /// A date: `date`.
    Date,
}

fn field_kind(parent: Kind, key: &str) -> Kind {
    match parent {
        Kind::Opaque => return Kind::Opaque,
        Kind::AmountMap => return Kind::Amount,
        _ => {}
    }
    match key {
        "basis" | "attributes" => Kind::Opaque,
        "totals" => Kind::AmountMap,
        "as_of" | "at" | "earliest_at" | "next_allowed_at" | "not_before" | "made_at"
        | "created_at" | "opted_out_at" | "consented_at" | "best_at" => Kind::Instant,
        "due_on" | "pay_by" | "issued_on" => Kind::Date,
        "amount"
        | "balance"
        | "discount_pct"
        | "min_down_payment_pct"
        | "min_installment"
        | "annual_rate"
        | "down_payment"
        | "interest"
        | "total"
        | "outstanding"
        | "original_amount"
        | "max"
        | "max_pct"
        | "probability"
        | "rate"
        | "prior_rate"
        | "prior_weight" => Kind::Amount,
        _ => Kind::Plain,
    }
}

/// An amount as `decimal.Decimal`.
pub(crate) fn py_decimal<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    decimal_type(py)?.call1((text,))
}

/// An instant as an aware `datetime` in UTC (microseconds: Python's resolution).
pub(crate) fn py_instant<'py>(py: Python<'py>, t: recobro::Instant) -> PyResult<Bound<'py, PyAny>> {
    let utc = PyTzInfo::utc(py)?;
    let day = t.utc_date();
    let secs = t.timestamp().rem_euclid(86_400);
    // In range by construction: hours < 24, minutes and seconds < 60.
    let (hour, minute, second) = (secs / 3_600, secs % 3_600 / 60, secs % 60);
    PyDateTime::new(
        py,
        day.year(),
        u8::try_from(day.month()).unwrap_or(1),
        u8::try_from(day.day()).unwrap_or(1),
        u8::try_from(hour).unwrap_or(0),
        u8::try_from(minute).unwrap_or(0),
        u8::try_from(second).unwrap_or(0),
        t.subsec_nanos().min(999_999_999) / 1_000,
        Some(&utc.to_owned()),
    )
    .map(Bound::into_any)
}

fn py_date<'py>(py: Python<'py>, d: recobro::Date) -> PyResult<Bound<'py, PyAny>> {
    PyDate::new(
        py,
        d.year(),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )
    .map(Bound::into_any)
}

/// Builds Python values from the core's JSON. Keys, amounts, instants and dates repeat
/// across the decisions of a batch and are immutable in Python, so each distinct one is
/// built once and shared (creating a `Decimal` or a `datetime` is a Python call).
pub(crate) struct Builder<'py> {
    py: Python<'py>,
    keys: HashMap<String, Bound<'py, PyString>>,
    amounts: HashMap<String, Bound<'py, PyAny>>,
    instants: HashMap<(i64, u32), Bound<'py, PyAny>>,
    dates: HashMap<recobro::Date, Bound<'py, PyAny>>,
}

/// Above this many entries a cache is not grown further (a batch of distinct amounts
/// should not hold them all twice).
const CACHE_LIMIT: usize = 100_000;

impl<'py> Builder<'py> {
    pub(crate) fn new(py: Python<'py>) -> Self {
        Builder {
            py,
            keys: HashMap::new(),
            amounts: HashMap::new(),
            instants: HashMap::new(),
            dates: HashMap::new(),
        }
    }

    fn key(&mut self, k: &str) -> Bound<'py, PyString> {
        if let Some(s) = self.keys.get(k) {
            return s.clone();
        }
        let s = PyString::intern(self.py, k);
        if self.keys.len() < CACHE_LIMIT {
            self.keys.insert(k.to_string(), s.clone());
        }
        s
    }

    /// An amount as `decimal.Decimal`.
    pub(crate) fn amount(&mut self, text: &str) -> PyResult<Bound<'py, PyAny>> {
        if let Some(d) = self.amounts.get(text) {
            return Ok(d.clone());
        }
        let d = py_decimal(self.py, text)?;
        if self.amounts.len() < CACHE_LIMIT {
            self.amounts.insert(text.to_string(), d.clone());
        }
        Ok(d)
    }

    /// An instant as an aware `datetime` in UTC.
    pub(crate) fn instant(&mut self, t: recobro::Instant) -> PyResult<Bound<'py, PyAny>> {
        let k = (t.timestamp(), t.subsec_nanos());
        if let Some(d) = self.instants.get(&k) {
            return Ok(d.clone());
        }
        let d = py_instant(self.py, t)?;
        if self.instants.len() < CACHE_LIMIT {
            self.instants.insert(k, d.clone());
        }
        Ok(d)
    }

    fn date(&mut self, day: recobro::Date) -> PyResult<Bound<'py, PyAny>> {
        if let Some(d) = self.dates.get(&day) {
            return Ok(d.clone());
        }
        let d = py_date(self.py, day)?;
        if self.dates.len() < CACHE_LIMIT {
            self.dates.insert(day, d.clone());
        }
        Ok(d)
    }

    fn string(&mut self, s: &str, kind: Kind) -> PyResult<Bound<'py, PyAny>> {
        match kind {
            Kind::Amount => {
                if let Ok(d) = self.amount(s) {
                    return Ok(d);
                }
            }
            Kind::Instant => {
                if let Ok(t) = s.parse::<recobro::Instant>() {
                    return self.instant(t);
                }
            }
            Kind::Date => {
                if let Ok(d) = s.parse::<recobro::Date>() {
                    return self.date(d);
                }
            }
            _ => {}
        }
        Ok(PyString::new(self.py, s).into_any())
    }

    /// The core's JSON as plain Python values (see the module docs for the types).
    pub(crate) fn value(&mut self, v: &Value, kind: Kind) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match v {
            Value::Null => py.None().into_bound(py),
            Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    i.into_pyobject(py)?.into_any()
                } else if let Some(u) = n.as_u64() {
                    u.into_pyobject(py)?.into_any()
                } else {
                    // Never a float: a non-integer number is exact decimal text.
                    self.amount(&n.to_string())?
                }
            }
            Value::String(s) => self.string(s, kind)?,
            Value::Array(items) => {
                let elem = match kind {
                    Kind::Opaque | Kind::Amount | Kind::Instant | Kind::Date => kind,
                    _ => Kind::Plain,
                };
                let list = PyList::empty(py);
                for item in items {
                    list.append(self.value(item, elem)?)?;
                }
                list.into_any()
            }
            Value::Object(map) => {
                let dict = PyDict::new(py);
                for (k, child) in map {
                    let ck = field_kind(kind, k);
                    let key = self.key(k);
                    dict.set_item(key, self.value(child, ck)?)?;
                }
                dict.into_any()
            }
        })
    }
}

/// The core's JSON as plain Python values, on its own (one value, no shared caches).
pub(crate) fn from_value<'py>(
    py: Python<'py>,
    v: &Value,
    kind: Kind,
) -> PyResult<Bound<'py, PyAny>> {
    Builder::new(py).value(v, kind)
}
