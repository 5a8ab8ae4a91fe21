//! `recobro::Error` as a thrown JavaScript `Error` with `code`, `line`, `column`,
//! `path`, `module` and `help` properties, and panic capture.

use js_sys::Reflect;
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

/// The error's fields as a plain object (batch rows carry these).
pub fn error_info(e: &recobro::Error) -> JsValue {
    let o = js_sys::Object::new();
    fill(&o, e);
    o.into()
}

fn fill(o: &JsValue, e: &recobro::Error) {
    let module = match &e.location {
        Some(recobro::Location::Policy { module, .. }) => module.as_deref(),
        _ => None,
    };
    set(o, "code", JsValue::from_str(e.code.as_str()));
    set(o, "line", opt_num(e.line()));
    set(o, "column", opt_num(e.column()));
    set(o, "path", opt_str(e.path()));
    set(o, "module", opt_str(module));
    set(o, "help", opt_str(e.help.as_deref()));
    set(o, "detail", JsValue::from_str(&e.message));
}

/// A JavaScript `Error` named `RecobroError` whose message is the engine's rendering
/// (`code: path: message (line L, column C)`) and whose properties are the fields.
pub fn to_js(e: recobro::Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("RecobroError");
    let v: JsValue = err.into();
    fill(&v, &e);
    v
}

/// An `internal` engine error (a bug on our side, never the user's input).
pub fn internal(message: impl Into<String>) -> recobro::Error {
    recobro::Error::new(recobro::ErrorCode::Internal, message)
}

/// Record every panic's message where the JavaScript wrapper can read it: on wasm32 a
/// panic aborts (a trap), so the wrapper catches the trap, reads this message, throws a
/// `RecobroError` with code `internal` and resets the module.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("the engine panicked: {info} (a bug: please report it with the input)");
        let _ = Reflect::set(
            &js_sys::global(),
            &JsValue::from_str("__recobroLastPanic"),
            &JsValue::from_str(&msg),
        );
    }));
}
