//! JavaScript values in and out. What JavaScript adds to the core's host boundary
//! (`recobro::host`, which reads every input from JSON text): objects become JSON text
//! through `JSON.stringify`, a `Date` becomes its ISO string, a seed may be a `BigInt`.
//! Values go out through JSON text too (`JSON.parse`).

use crate::errors::internal;
use recobro::{host, Error, Instant};
use wasm_bindgen::{JsCast, JsValue};

/// JSON text of a value given for argument `arg`: a string is taken as JSON text
/// already; anything else is serialised with `JSON.stringify` (a `Date` becomes its ISO
/// string). Bytes are not read as text here (a `Uint8Array` is serialised like any
/// object): options, capacities and array elements come as the caller gave them.
pub fn json_text(v: &JsValue, arg: &str) -> Result<String, Error> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.is_undefined() || v.is_function() || v.is_symbol() {
        return Err(Error::input(arg, "expected an object or JSON text"));
    }
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::input(
                arg,
                "cannot be written as JSON (a BigInt or a cycle?); pass JSON text",
            )
        })
}

/// [`json_text`] of an argument the package's JavaScript API passes as UTF-8 bytes (a
/// case, a work queue's cases, a plan proposal, a simulation or experiment request, a
/// test plan): `js/wrap.js`, `jsonUtf8`, says why and what it passes. A `Uint8Array` a
/// caller gives that API is serialised with `JSON.stringify` there first, so the bytes
/// read here are always the API's own.
pub fn api_json_text(v: &JsValue, arg: &str) -> Result<String, Error> {
    api_bytes(v, arg).unwrap_or_else(|| json_text(v, arg))
}

/// A batch given as text (a string, or UTF-8 bytes from the package's API: `wrap.js`,
/// `batchUtf8`, which turns a caller's own bytes into `{}`), or `None` for any other
/// value (an array of cases, read one by one with [`json_text`], or an error).
pub fn batch_text(v: &JsValue, arg: &str) -> Result<Option<String>, Error> {
    api_bytes(v, arg).map_or_else(|| Ok(v.as_string()), |t| t.map(Some))
}

/// The text of the API's UTF-8 bytes, if `v` is a `Uint8Array`. `TextEncoder` writes
/// valid UTF-8 only; other bytes (the glue called directly) are refused at `arg`.
fn api_bytes(v: &JsValue, arg: &str) -> Option<Result<String, Error>> {
    let bytes = v.dyn_ref::<js_sys::Uint8Array>()?;
    Some(String::from_utf8(bytes.to_vec()).map_err(|e| {
        Error::input(
            arg,
            format!(
                "JSON text that is not UTF-8 (at byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    }))
}

/// JSON text of an optional value (`undefined` or `null`: none).
pub fn opt_json_text(v: &JsValue, arg: &str) -> Result<Option<String>, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    json_text(v, arg).map(Some)
}

/// The RFC 3339 text of an instant given for argument `arg` as a string or a `Date`.
pub fn instant_text(v: &JsValue, arg: &str) -> Result<String, Error> {
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        if d.get_time().is_nan() {
            return Err(Error::input(arg, "an invalid Date"));
        }
        return Ok(String::from(d.to_iso_string()));
    }
    v.as_string()
        .ok_or_else(|| Error::input(arg, "expected an RFC 3339 string with an offset or a Date"))
}

/// An instant given for argument `arg` as a string (with an offset) or a `Date`.
pub fn instant(v: &JsValue, arg: &str) -> Result<Instant, Error> {
    host::instant(&instant_text(v, arg)?, arg)
}

/// A non-negative integer from a number (exact below 2^53) or a `BigInt`.
pub fn seed(v: &JsValue, arg: &str) -> Result<u64, Error> {
    if v.is_bigint() {
        let s = js_sys::BigInt::from(v.clone())
            .to_string(10)
            .map_err(|_| internal("BigInt to string"))?;
        return String::from(s)
            .parse::<u64>()
            .map_err(|_| Error::input(arg, "expected an integer from 0 to 2^64-1"));
    }
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
        _ => Err(Error::input(
            arg,
            "expected a non-negative whole number (a BigInt above 2^53)",
        )),
    }
}

/// JSON text to a JavaScript value.
pub fn parse(json: &str) -> Result<JsValue, Error> {
    js_sys::JSON::parse(json).map_err(|_| internal("the engine wrote JSON JavaScript cannot read"))
}

/// A serialisable value to a JavaScript value (through its JSON).
pub fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, Error> {
    let text = serde_json::to_string(v).map_err(|e| internal(e.to_string()))?;
    parse(&text)
}
