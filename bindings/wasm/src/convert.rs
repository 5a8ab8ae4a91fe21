//! JavaScript values in: cases as objects or JSON text, instants as ISO strings or
//! `Date`s, seeds as integers or `BigInt`s. Everything passes through JSON text, so
//! the core's exact readers apply (amounts are decimal strings, never JS numbers).

use crate::errors::internal;
use recobro::{Case, Error, Instant};
use wasm_bindgen::{JsCast, JsValue};

/// JSON text of a value: a string is taken as JSON text already; anything else is
/// serialised with `JSON.stringify` (a `Date` becomes its ISO string).
pub fn json_text(v: &JsValue, what: &str) -> Result<String, Error> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.is_undefined() || v.is_function() || v.is_symbol() {
        return Err(Error::input(what, "expected an object or JSON text"));
    }
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::input(
                what,
                "cannot be written as JSON (a BigInt or a cycle?); pass JSON text",
            )
        })
}

/// A case from an object or JSON text (error paths relative to the case; a value
/// that is no JSON at all is reported at `what`).
pub fn case(v: &JsValue, what: &str) -> Result<Case, Error> {
    Case::from_json(&json_text(v, what)?)
}

/// An instant from an ISO string (with an offset) or a `Date`.
pub fn instant(v: &JsValue, what: &str) -> Result<Instant, Error> {
    let text = if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        if d.get_time().is_nan() {
            return Err(Error::input(what, "an invalid Date"));
        }
        String::from(d.to_iso_string())
    } else if let Some(s) = v.as_string() {
        s
    } else {
        return Err(Error::input(
            what,
            "expected an RFC 3339 string with an offset or a Date",
        ));
    };
    Instant::parse_input(&text, what)
}

/// A non-negative integer from a number (exact below 2^53) or a `BigInt`.
pub fn seed(v: &JsValue, what: &str) -> Result<u64, Error> {
    if v.is_bigint() {
        let s = js_sys::BigInt::from(v.clone())
            .to_string(10)
            .map_err(|_| internal("BigInt to string"))?;
        return String::from(s)
            .parse::<u64>()
            .map_err(|_| Error::input(what, "expected an integer from 0 to 2^64-1"));
    }
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
        _ => Err(Error::input(
            what,
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
