//! In: a value (a case dict, policy options, a proposal's terms) becomes JSON text that
//! the host boundary reads (`recobro::host::case`, `host::read`), exactly as it reads a
//! file (see `write_json` for why not a `serde_json::Value`), so the Python path fails
//! with the same codes and paths as JSON text. `decimal.Decimal` and `int` become exact
//! JSON numbers (never an `f64`), `float` is refused, aware `datetime` becomes RFC 3339
//! in UTC, `date` becomes `YYYY-MM-DD`; a naive `datetime` is refused. Errors name the
//! input path (`debts[0].outstanding`) under the argument (`options.limits`).
//!
//! Out: the core's JSON (a decision, a contact check, a plan check) becomes plain
//! Python values, with amounts as `Decimal`, instants as aware UTC `datetime` and dates
//! as `date`, chosen by field name (the decision's schema).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType, PyTzInfo,
};
use serde_json::Value;
use std::collections::HashMap;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal`.
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
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

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string())
}

fn leaf<T>(r: PyResult<T>, what: &str) -> Result<T, InputError> {
    r.map_err(|e| InputError::new(format!("cannot read {what}: {e}")))
}

/// Whether `obj` stands for a missing value in a DataFrame or Arrow table.
fn is_missing(obj: &Bound<'_, PyAny>) -> bool {
    if obj.is_none() {
        return true;
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    matches!(type_name(obj).as_str(), "NAType" | "NaTType")
}

/// An aware `datetime` as an RFC 3339 instant in UTC; a naive one is refused.
pub(crate) fn instant_text(obj: &Bound<'_, PyAny>) -> Result<String, InputError> {
    let py = obj.py();
    if matches!(type_name(obj).as_str(), "NaTType") {
        return Err(InputError::new("expected an instant, got `NaT`"));
    }
    let offset = leaf(obj.call_method0("utcoffset"), "the datetime")?;
    if offset.is_none() {
        let shown = obj
            .str()
            .map(|s| s.to_string())
            .unwrap_or_else(|_| "?".into());
        return Err(InputError::new(format!(
            "naive datetime `{shown}` has no time zone: pass an aware datetime \
             (for example with tzinfo=datetime.timezone.utc) or a string with an offset like \
             `2026-03-16T15:00:00Z`"
        )));
    }
    let utc = leaf(PyTzInfo::utc(py), "the UTC time zone")?;
    let in_utc = leaf(obj.call_method1("astimezone", (utc,)), "the datetime")?;
    leaf(
        in_utc
            .call_method0("isoformat")
            .and_then(|s| s.extract::<String>()),
        "the datetime",
    )
}

/// JSON text being written.
pub(crate) struct Out {
    buf: Vec<u8>,
}

impl Out {
    pub(crate) fn new() -> Self {
        Out {
            buf: Vec::with_capacity(1024),
        }
    }

    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn string(&mut self, s: &str) -> Result<(), InputError> {
        serde_json::to_writer(&mut self.buf, s)
            .map_err(|e| InputError::new(format!("cannot write a string: {e}")))
    }

    /// The JSON text.
    pub(crate) fn finish(self) -> String {
        // Only valid UTF-8 was written (Python strings and ASCII).
        String::from_utf8(self.buf).unwrap_or_default()
    }
}

fn decimal_number(obj: &Bound<'_, PyAny>, out: &mut Out) -> Result<(), InputError> {
    let finite = leaf(
        obj.call_method0("is_finite")
            .and_then(|b| b.extract::<bool>()),
        "the Decimal",
    )?;
    if !finite {
        let shown = obj
            .str()
            .map(|s| s.to_string())
            .unwrap_or_else(|_| "?".into());
        return Err(InputError::new(format!(
            "`Decimal('{shown}')` is not a finite number"
        )));
    }
    // Positional notation, every digit kept: `Decimal("0.10")` stays `0.10`.
    let text = leaf(
        obj.call_method1("__format__", ("f",))
            .and_then(|s| s.extract::<String>()),
        "the Decimal",
    )?;
    out.raw(&text);
    Ok(())
}

fn int_number(obj: &Bound<'_, PyInt>, out: &mut Out) -> Result<(), InputError> {
    if let Ok(i) = obj.extract::<i64>() {
        out.raw(&i.to_string());
        return Ok(());
    }
    let text = leaf(obj.str().map(|s| s.to_string()), "the int")?;
    out.raw(&text);
    Ok(())
}

fn dict_json(dict: &Bound<'_, PyDict>, opts: ReadOptions, out: &mut Out) -> Result<(), InputError> {
    out.raw("{");
    let mut first = true;
    for (k, v) in dict.iter() {
        let key = match k.cast::<PyString>() {
            Ok(s) => leaf(s.to_cow().map(|c| c.into_owned()), "a key")?,
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
        if opts.drop_nulls && is_missing(&v) {
            continue;
        }
        if !first {
            out.raw(",");
        }
        first = false;
        out.string(&key)?;
        out.raw(":");
        write_json(&v, opts, out).map_err(|e| e.within(Seg::Key(key)))?;
    }
    out.raw("}");
    Ok(())
}

fn seq_json<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    opts: ReadOptions,
    out: &mut Out,
) -> Result<(), InputError> {
    out.raw("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.raw(",");
        }
        write_json(&item, opts, out).map_err(|e| e.within(Seg::Index(i)))?;
    }
    out.raw("]");
    Ok(())
}

/// A Python value as JSON text, exactly: the text the core parses as if it came from
/// a file (numbers reach its decimal parser as written, never through an `f64`).
pub(crate) fn write_json(
    obj: &Bound<'_, PyAny>,
    opts: ReadOptions,
    out: &mut Out,
) -> Result<(), InputError> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = leaf(s.to_cow(), "a string")?;
        return out.string(&text);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return dict_json(d, opts, out);
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return seq_json(l.iter(), opts, out);
    }
    if obj.is_none() {
        out.raw("null");
        return Ok(());
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        out.raw(if b.is_true() { "true" } else { "false" });
        return Ok(());
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return int_number(i, out);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Err(InputError::new(format!(
            "floating-point number `{}` is not exact: pass a decimal.Decimal, an int or a string \
             such as \"1234.50\"",
            f.repr()
                .map(|r| r.to_string())
                .unwrap_or_else(|_| "?".into())
        )));
    }
    if obj.is_instance_of::<PyDateTime>() {
        let text = instant_text(obj)?;
        return out.string(&text);
    }
    if obj.is_instance_of::<PyDate>() {
        let text = leaf(
            obj.call_method0("isoformat")
                .and_then(|s| s.extract::<String>()),
            "the date",
        )?;
        return out.string(&text);
    }
    let py = obj.py();
    if let Ok(dec) = decimal_type(py) {
        if obj.is_instance(dec).unwrap_or(false) {
            return decimal_number(obj, out);
        }
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return seq_json(t.iter(), opts, out);
    }
    if matches!(type_name(obj).as_str(), "NAType" | "NaTType") {
        out.raw("null");
        return Ok(());
    }
    // NumPy arrays and scalars (what pandas hands over for list cells or Arrow data).
    if obj.hasattr("tolist").unwrap_or(false) {
        let plain = leaf(obj.call_method0("tolist"), "the array")?;
        if !plain.is(obj) {
            return write_json(&plain, opts, out);
        }
    }
    // Any other mapping.
    if obj.hasattr("items").unwrap_or(false) && obj.hasattr("keys").unwrap_or(false) {
        let dict = PyDict::new(py);
        leaf(dict.call_method1("update", (obj,)), "the mapping")?;
        return dict_json(&dict, opts, out);
    }
    Err(InputError::new(format!(
        "unsupported value of type `{}`: expected a dict, list, str, int, decimal.Decimal, date, \
         datetime, bool or None",
        type_name(obj)
    )))
}

/// A Python value as JSON text.
pub(crate) fn to_json_text(
    obj: &Bound<'_, PyAny>,
    opts: ReadOptions,
) -> Result<String, InputError> {
    let mut out = Out::new();
    write_json(obj, opts, &mut out)?;
    Ok(out.finish())
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
        | "created_at" | "opted_out_at" | "consented_at" => Kind::Instant,
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
        | "max_pct" => Kind::Amount,
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
