//! `recobro::Error` as a thrown JavaScript `Error` and as data, both from the core's
//! host boundary (`recobro::host::fields`, `recobro::host::error_json`), and panic
//! capture.

use js_sys::Reflect;
use recobro::{host, Error};
use wasm_bindgen::JsValue;

fn set(target: &JsValue, key: &str, value: JsValue) {
    // Setting a plain property on a fresh object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value);
}

fn opt_str(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

fn opt_num(v: Option<usize>) -> JsValue {
    v.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
}

/// A JavaScript `Error` named `RecobroError`: its `message` is the engine's one-line
/// rendering (`code: path: message`), its properties the error's fields (`detail` is
/// the plain message; absent fields are `null`).
pub fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("RecobroError");
    let v: JsValue = err.into();
    let f = host::fields(&e);
    set(&v, "code", JsValue::from_str(f.code));
    set(&v, "detail", JsValue::from_str(f.message));
    set(&v, "path", opt_str(f.path));
    set(&v, "line", opt_num(f.line));
    set(&v, "column", opt_num(f.column));
    set(&v, "module", opt_str(f.module));
    set(&v, "help", opt_str(f.help));
    v
}

/// An `internal` error that is no panic: the engine wrote something JavaScript cannot
/// take (a bug on our side, never the input's fault).
pub fn internal(message: impl Into<String>) -> Error {
    recobro::host::internal_fault(&message.into())
}

/// Record every panic where the JavaScript wrapper can read it: on wasm32 a panic
/// aborts (a trap), so the wrapper catches the trap, throws this error (the core's
/// `internal` error for the panic, as `{display, error}`) and resets the module.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let e = host::panic_error(info.payload());
        let record = js_sys::Object::new();
        set(&record, "display", JsValue::from_str(&e.to_string()));
        let error = js_sys::JSON::parse(&host::error_json(&e)).unwrap_or(JsValue::NULL);
        set(&record, "error", error);
        set(&js_sys::global(), "__recobroLastPanic", record.into());
    }));
}
