//! A plain C ABI for the Recobro engine: JSON in, JSON out. The header is
//! `bindings/c/include/recobro.h`; read it for the contract.
//!
//! Ownership: every `char*` the library returns, and every string it writes into a
//! `recobro_error`, is owned by the caller and freed with `recobro_string_free` /
//! `recobro_error_free`. A `recobro_policy*` is freed with `recobro_policy_free`.
//!
//! Safety: no panic crosses the boundary (each entry point runs under
//! `catch_unwind`; a panic becomes an error with code `internal`). Inputs are checked:
//! a NULL pointer or text that is not UTF-8 is an `input.invalid` error naming the
//! argument. A policy is `Send + Sync`: one `recobro_policy*` may be used from any
//! number of threads at once (nothing mutates it after `recobro_policy_new`).

// This crate is the unsafe boundary: raw pointers from C are its whole purpose.
#![allow(unsafe_code)]

use recobro::policy::PolicyOptions;
use recobro::{Case, Error, ErrorCode, EvalOptions, Instant, Location};
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// The error out-parameter (`recobro_error` in C).
///
/// On success `ok` is 1 and every pointer is NULL; on failure `ok` is 0 and `code` and
/// `message` are set (`path` for input errors, `line`/`column` (1-based) and maybe
/// `module` for policy errors, `help` when the engine can say how to fix it; the
/// others NULL or 0). The library only writes the struct, never reads it: call
/// `recobro_error_free` after a failure, before passing the struct again.
#[repr(C)]
#[derive(Debug)]
pub struct RecobroError {
    /// 1 on success, 0 on failure.
    pub ok: i32,
    /// Stable code such as `policy.syntax` (NULL on success).
    pub code: *mut c_char,
    /// Plain-words description (NULL on success).
    pub message: *mut c_char,
    /// Input path such as `debts[2].due_on`, or NULL.
    pub path: *mut c_char,
    /// 1-based policy line, or 0.
    pub line: i32,
    /// 1-based policy column, or 0.
    pub column: i32,
    /// Module the policy position is in (NULL: the main policy or no position).
    pub module: *mut c_char,
    /// How to fix it, or NULL.
    pub help: *mut c_char,
}

/// A compiled policy (`recobro_policy` in C, opaque).
pub struct RecobroPolicy {
    inner: recobro::Policy,
}

// One policy is shared across host threads: make sure it stays shareable.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<RecobroPolicy>();
};

fn internal(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::Internal, message)
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Run `f`, turning a panic into an `internal` error.
fn no_panic<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(internal(format!(
            "the engine panicked: {} (a bug: please report it with the input)",
            panic_text(p.as_ref())
        ))),
    }
}

/// A C string the caller owns; NUL bytes (impossible in JSON output) become U+FFFD.
fn c_string(s: &str) -> *mut c_char {
    let c = CString::new(s)
        .unwrap_or_else(|_| CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default());
    c.into_raw()
}

fn opt_c_string(s: Option<&str>) -> *mut c_char {
    s.map_or(ptr::null_mut(), c_string)
}

/// Write the outcome into `err` (when not NULL).
///
/// # Safety
/// `err` is NULL or points to a writable `recobro_error`.
unsafe fn report(err: *mut RecobroError, e: Option<&Error>) {
    if err.is_null() {
        return;
    }
    let out = match e {
        None => RecobroError {
            ok: 1,
            code: ptr::null_mut(),
            message: ptr::null_mut(),
            path: ptr::null_mut(),
            line: 0,
            column: 0,
            module: ptr::null_mut(),
            help: ptr::null_mut(),
        },
        Some(e) => {
            let (line, column, module) = match &e.location {
                Some(Location::Policy {
                    module,
                    line,
                    column,
                }) => (
                    i32::try_from(*line).unwrap_or(i32::MAX),
                    i32::try_from(*column).unwrap_or(i32::MAX),
                    module.as_deref(),
                ),
                _ => (0, 0, None),
            };
            RecobroError {
                ok: 0,
                code: c_string(e.code.as_str()),
                message: c_string(&e.message),
                path: opt_c_string(e.path()),
                line,
                column,
                module: opt_c_string(module),
                help: opt_c_string(e.help.as_deref()),
            }
        }
    };
    // SAFETY: the caller passes NULL (handled above) or a valid, writable struct.
    // `write` does not read (or drop) what was there.
    unsafe { ptr::write(err, out) };
}

/// The common shape of an entry point: run `f` without letting a panic out, report
/// the outcome into `err`, return `f`'s value or `failed`.
///
/// # Safety
/// `err` is NULL or points to a writable `recobro_error`.
unsafe fn entry<T>(err: *mut RecobroError, failed: T, f: impl FnOnce() -> Result<T, Error>) -> T {
    match no_panic(f) {
        Ok(v) => {
            // SAFETY: forwarded from the caller.
            unsafe { report(err, None) };
            v
        }
        Err(e) => {
            // SAFETY: forwarded from the caller.
            unsafe { report(err, Some(&e)) };
            failed
        }
    }
}

/// Read a NUL-terminated UTF-8 argument; `name` is the path in errors.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
unsafe fn read_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::input(name, format!("`{name}` is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract in the header.
    let bytes = unsafe { CStr::from_ptr(p) };
    bytes.to_str().map_err(|e| {
        Error::input(
            name,
            format!(
                "`{name}` is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Read an optional argument: NULL is `None`.
///
/// # Safety
/// As [`read_str`].
unsafe fn read_opt_str<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { read_str(p, name) }.map(Some)
    }
}

/// Borrow the policy behind a handle.
///
/// # Safety
/// `p` is NULL or a live pointer from `recobro_policy_new`/`_default`/`_embedded`.
unsafe fn policy_ref<'a>(p: *const RecobroPolicy) -> Result<&'a recobro::Policy, Error> {
    if p.is_null() {
        return Err(Error::input("policy", "`policy` is NULL"));
    }
    // SAFETY: a live handle per the contract; shared references only.
    Ok(unsafe { &(*p).inner })
}

fn parse_instant(text: &str, what: &str) -> Result<Instant, Error> {
    Instant::parse_input(text, what)
}

/// Deserialize JSON text with paths under `root` (numbers exact); an error about the
/// whole document names `whole` (the argument).
fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    root: &str,
    whole: &str,
) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let p = e.path().to_string();
        let path = match (root.is_empty(), p == ".") {
            (_, true) => whole.to_string(),
            (true, false) => p,
            (false, false) if p.starts_with('[') => format!("{root}{p}"),
            (false, false) => format!("{root}.{p}"),
        };
        let inner = e.into_inner();
        let code = if inner.is_syntax() || inner.is_eof() {
            ErrorCode::InputJson
        } else {
            ErrorCode::InputInvalid
        };
        Error::new(code, strip_position(&inner.to_string())).at_path(path)
    })?;
    de.end().map_err(|e| {
        Error::new(ErrorCode::InputJson, format!("trailing characters: {e}")).at_path(whole)
    })?;
    Ok(v)
}

/// serde_json's " at line 1 column 23": the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn build_policy(source: &str, options: PolicyOptions) -> Result<recobro::Policy, Error> {
    options.build(source)
}

fn boxed(p: recobro::Policy) -> *mut RecobroPolicy {
    Box::into_raw(Box::new(RecobroPolicy { inner: p }))
}

/// Compile policy source (Rhai). `options_json` may be NULL or a JSON object with
/// `modules` ({name: source}), `limits` ({max_operations: ...}), `closures`
/// ({calendar: [dates]}) and `rate_entries` ({table: [{from, rate, source, confidence}]}).
/// Returns NULL on failure (see `err`).
///
/// # Safety
/// `source` and `options_json` are NULL or NUL-terminated strings; `err` is NULL or
/// points to a writable `recobro_error`.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_new(
    source: *const c_char,
    options_json: *const c_char,
    err: *mut RecobroError,
) -> *mut RecobroPolicy {
    // SAFETY: pointers per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let source = read_str(source, "source")?;
            let options = match read_opt_str(options_json, "options_json")? {
                Some(t) if !t.trim().is_empty() => {
                    parse_json::<PolicyOptions>(t, "options", "options_json")?
                }
                _ => PolicyOptions::default(),
            };
            Ok(boxed(build_policy(source, options)?))
        })
    }
}

/// The embedded default consumer collections policy. NULL on failure.
///
/// # Safety
/// `err` is NULL or points to a writable `recobro_error`.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_default(err: *mut RecobroError) -> *mut RecobroPolicy {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            Ok(boxed(recobro::Policy::default_consumer()?))
        })
    }
}

/// An embedded policy by module path (`consumer/policy`, `b2b/policy`). NULL on failure.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_embedded(
    path: *const c_char,
    err: *mut RecobroError,
) -> *mut RecobroPolicy {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let path = read_str(path, "path")?;
            Ok(boxed(recobro::Policy::embedded(path)?))
        })
    }
}

/// Free a policy (NULL is fine). No call may use it afterwards, on any thread.
///
/// # Safety
/// `policy` is NULL or a pointer from `recobro_policy_new`/`_default`/`_embedded`
/// not yet freed.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_free(policy: *mut RecobroPolicy) {
    if policy.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: allocated by `boxed` and not freed yet, per the contract.
        drop(unsafe { Box::from_raw(policy) });
    }));
}

/// The policy's name, version and digest as JSON. NULL on failure.
///
/// # Safety
/// `policy` is NULL or a live policy; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_info(
    policy: *const RecobroPolicy,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let json = serde_json::to_string(p.info()).map_err(|e| internal(e.to_string()))?;
            Ok(c_string(&json))
        })
    }
}

/// Decide one case (`case_json`, a JSON object) at `as_of` (RFC 3339 with an offset).
/// Returns the canonical decision JSON (the bytes `recobro eval` prints), or NULL.
///
/// # Safety
/// `policy` is NULL or a live policy; strings NULL or NUL-terminated; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_evaluate(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    as_of: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let case = read_str(case_json, "case_json")?;
            let as_of = parse_instant(read_str(as_of, "as_of")?, "as_of")?;
            let d = p.evaluate_owned(Case::from_json(case)?, as_of, EvalOptions::default())?;
            Ok(c_string(&d.to_json()))
        })
    }
}

/// Like `recobro_evaluate`, with the trace (pipeline steps, rule outcomes, the
/// policy's `print` output) in the decision.
///
/// # Safety
/// As `recobro_evaluate`.
#[no_mangle]
pub unsafe extern "C" fn recobro_evaluate_traced(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    as_of: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let case = read_str(case_json, "case_json")?;
            let as_of = parse_instant(read_str(as_of, "as_of")?, "as_of")?;
            let d = p.evaluate_owned(Case::from_json(case)?, as_of, EvalOptions { trace: true })?;
            Ok(c_string(&d.to_json()))
        })
    }
}

/// Decide many cases (`cases_json`, a JSON array of case objects) in parallel.
/// Returns a JSON array with one element per case, in order: the decision (canonical
/// JSON), or `{"index": i, "error": {...}}` whose paths start with `[i]`. The call
/// itself fails (NULL) only when `cases_json` is not a JSON array or `as_of` is bad.
///
/// # Safety
/// As `recobro_evaluate`.
#[no_mangle]
pub unsafe extern "C" fn recobro_evaluate_many(
    policy: *const RecobroPolicy,
    cases_json: *const c_char,
    as_of: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let text = read_str(cases_json, "cases_json")?;
            let as_of = parse_instant(read_str(as_of, "as_of")?, "as_of")?;
            let items = split_array(text)?;
            Ok(c_string(&evaluate_many(p, &items, as_of)))
        })
    }
}

/// The elements of a top-level JSON array as text slices, so that each case is parsed
/// (in parallel, exactly as `recobro_evaluate` parses one) by `Case::from_json`. Only
/// the array's own structure is checked here; a malformed element fails on its own.
fn split_array(text: &str) -> Result<Vec<&str>, Error> {
    let not_array = || {
        Error::new(
            ErrorCode::InputInvalid,
            "expected a JSON array of case objects",
        )
        .at_path("cases_json")
    };
    let unterminated = || {
        Error::new(
            ErrorCode::InputJson,
            "the JSON array is not terminated by `]`",
        )
        .at_path("cases_json")
    };
    let b = text.as_bytes();
    let ws = |i: usize| {
        let mut i = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'[') {
        return Err(not_array());
    }
    i = ws(i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            let start = i;
            let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
            while i < b.len() {
                let c = b[i];
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        in_string = false;
                    }
                } else {
                    match c {
                        b'"' => in_string = true,
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' if depth == 0 => break,
                        b']' | b'}' => depth -= 1,
                        b',' if depth == 0 => break,
                        _ => {}
                    }
                }
                i += 1;
            }
            // `start` and `i` sit on ASCII bytes (or the end), so both are char boundaries.
            let item = text.get(start..i).unwrap_or("").trim();
            if i >= b.len() {
                return Err(unterminated());
            }
            if item.is_empty() {
                return Err(Error::new(
                    ErrorCode::InputJson,
                    format!("empty element at index {} of the array", out.len()),
                )
                .at_path("cases_json"));
            }
            out.push(item);
            let c = b[i];
            i = ws(i + 1);
            if c != b',' {
                break;
            }
        }
    }
    if ws(i) != b.len() {
        return Err(Error::new(
            ErrorCode::InputJson,
            "trailing characters after the JSON array",
        )
        .at_path("cases_json"));
    }
    Ok(out)
}

fn evaluate_many(p: &recobro::Policy, items: &[&str], as_of: Instant) -> String {
    use rayon::prelude::*;
    let rows: Vec<String> = items
        .par_iter()
        .enumerate()
        .map(|(i, text)| {
            // Each case under its own guard: a panic loses only that case.
            let r = no_panic(|| {
                let case = Case::from_json(text)?;
                Ok(p.evaluate_owned(case, as_of, EvalOptions::default())?
                    .to_json())
            });
            match r {
                Ok(json) => json,
                Err(e) => {
                    let e = if e.path().is_some() {
                        recobro::model::prefix_path(e, i)
                    } else {
                        e
                    };
                    serde_json::json!({"index": i, "error": e.to_json()}).to_string()
                }
            }
        })
        .collect();
    let mut out = String::with_capacity(rows.iter().map(|r| r.len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r);
    }
    out.push(']');
    out
}

/// May this contact happen? `channel` is `call`, `sms`, `email`, `whatsapp`, `letter`,
/// `visit` or `push`; `at` an RFC 3339 instant; `debt_id` NULL or a debt of the case.
/// Returns JSON: `case_id`, `channel`, `at`, `allowed`, `blocked_by`,
/// `next_allowed_at` (null when allowed, or when only a person can lift the block)
/// and `rules` (every rule with citation and outcome). NULL on failure.
///
/// # Safety
/// As `recobro_evaluate`; `debt_id` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn recobro_check_contact(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    channel: *const c_char,
    at: *const c_char,
    debt_id: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let case = read_str(case_json, "case_json")?;
            let ch = read_str(channel, "channel")?;
            let channel = recobro::model::Channel::parse_input(ch, "channel")?;
            let at = parse_instant(read_str(at, "at")?, "at")?;
            let debt = read_opt_str(debt_id, "debt_id")?;
            let check = p.check_contact(&Case::from_json(case)?, channel, at, debt)?;
            let json = serde_json::to_string(&check).map_err(|e| internal(e.to_string()))?;
            Ok(c_string(&json))
        })
    }
}

/// Check a debtor's plan proposal (`proposal_json`: `down_payment`, `installments`,
/// `frequency`, `first_due_on`) against the first plan the policy offers the case.
/// Returns JSON: `accepted`, `broken`, `schedule`, `bounds`. NULL on failure.
///
/// # Safety
/// As `recobro_evaluate`.
#[no_mangle]
pub unsafe extern "C" fn recobro_check_plan(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    as_of: *const c_char,
    proposal_json: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let case = read_str(case_json, "case_json")?;
            let as_of = parse_instant(read_str(as_of, "as_of")?, "as_of")?;
            let proposal: recobro::money::plans::Proposal = parse_json(
                read_str(proposal_json, "proposal_json")?,
                "proposal",
                "proposal_json",
            )?;
            let check = p.check_plan(&Case::from_json(case)?, as_of, &proposal)?;
            let json = serde_json::to_string(&check).map_err(|e| internal(e.to_string()))?;
            Ok(c_string(&json))
        })
    }
}

fn simulate(text: &str) -> Result<String, Error> {
    let result = recobro::simulate::SimulationRequest::from_json(text)?.run()?;
    serde_json::to_string(&result).map_err(|e| internal(e.to_string()))
}

/// Run a simulation described by `request_json` (see the header for its fields).
/// Returns the result as JSON (`settings`, `arms` with `kpis`, `vs_champion` and the
/// daily `series`), as `recobro simulate --json` prints it. NULL on failure.
///
/// # Safety
/// `request_json` NULL or NUL-terminated; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_simulate(
    request_json: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let text = read_str(request_json, "request_json")?;
            Ok(c_string(&simulate(text)?))
        })
    }
}

/// Free a string the library returned (NULL is fine).
///
/// # Safety
/// `s` is NULL or a string returned by this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn recobro_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: made by `CString::into_raw` in this library, per the contract.
        drop(unsafe { CString::from_raw(s) });
    }));
}

/// Free the strings inside an error and reset it to success (`ok` = 1, NULLs, zeros).
/// The struct itself belongs to the caller. NULL is fine; so is a success struct.
///
/// # Safety
/// `err` is NULL or a struct the library filled in (or zero-initialised).
#[no_mangle]
pub unsafe extern "C" fn recobro_error_free(err: *mut RecobroError) {
    if err.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: a valid struct per the contract; its strings came from `c_string`.
        unsafe {
            let e = &mut *err;
            for s in [
                &mut e.code,
                &mut e.message,
                &mut e.path,
                &mut e.module,
                &mut e.help,
            ] {
                if !s.is_null() {
                    drop(CString::from_raw(*s));
                    *s = ptr::null_mut();
                }
            }
            e.ok = 1;
            e.line = 0;
            e.column = 0;
        }
    }));
}

/// The library version, a static string (do not free).
#[no_mangle]
pub extern "C" fn recobro_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeroed() -> RecobroError {
        RecobroError {
            ok: 7,
            code: ptr::null_mut(),
            message: ptr::null_mut(),
            path: ptr::null_mut(),
            line: 0,
            column: 0,
            module: ptr::null_mut(),
            help: ptr::null_mut(),
        }
    }

    fn text(p: *const c_char) -> String {
        if p.is_null() {
            return String::new();
        }
        // SAFETY: a string from this library in these tests.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }

    #[test]
    #[allow(clippy::panic)] // the point of the test
    fn a_panic_becomes_an_internal_error() {
        let mut err = zeroed();
        // SAFETY: `err` is a valid struct.
        let v = unsafe { entry(&mut err, 0, || -> Result<i32, Error> { panic!("boom") }) };
        assert_eq!(v, 0);
        assert_eq!(err.ok, 0);
        assert_eq!(text(err.code), "internal");
        assert!(text(err.message).contains("boom"));
        // SAFETY: filled in by the library.
        unsafe { recobro_error_free(&mut err) };
        assert_eq!(err.ok, 1);
        assert!(err.code.is_null() && err.message.is_null());
    }

    #[test]
    fn null_and_bad_utf8_are_input_errors() {
        let mut err = zeroed();
        // SAFETY: NULL arguments are allowed and reported.
        let p = unsafe { recobro_evaluate(ptr::null(), ptr::null(), ptr::null(), &mut err) };
        assert!(p.is_null());
        assert_eq!(
            (text(err.code), text(err.path)),
            ("input.invalid".into(), "policy".into())
        );
        // SAFETY: as above.
        unsafe { recobro_error_free(&mut err) };
        let bad = [0x66u8, 0x6e, 0xff, 0x00];
        // SAFETY: a NUL-terminated byte string.
        let pol = unsafe { recobro_policy_new(bad.as_ptr().cast(), ptr::null(), &mut err) };
        assert!(pol.is_null());
        assert_eq!(text(err.code), "input.invalid");
        assert_eq!(text(err.path), "source");
        assert!(text(err.message).contains("UTF-8"));
        // SAFETY: as above.
        unsafe { recobro_error_free(&mut err) };
    }

    #[test]
    fn arrays_split_into_their_elements() {
        fn ok(t: &str) -> Vec<&str> {
            split_array(t).unwrap_or_default()
        }
        assert_eq!(ok("[]"), Vec::<&str>::new());
        assert_eq!(ok(" [ ] "), Vec::<&str>::new());
        assert_eq!(
            ok(r#"[{"a": "x,]}\"{"}, {"b": [1, {"c": 2}]} ,3]"#),
            vec![r#"{"a": "x,]}\"{"}"#, r#"{"b": [1, {"c": 2}]}"#, "3"]
        );
        assert_eq!(ok("[{\"é\": \"ü\"}]"), vec!["{\"é\": \"ü\"}"]);
        let code = |t: &str| split_array(t).err().map(|e| e.code.as_str());
        assert_eq!(code(r#"{"a": 1}"#), Some("input.invalid"));
        assert_eq!(code("[{}, "), Some("input.json"));
        assert_eq!(code("[{}"), Some("input.json"));
        assert_eq!(code("[{},,{}]"), Some("input.json"));
        assert_eq!(code("[{}] x"), Some("input.json"));
        assert_eq!(code(""), Some("input.invalid"));
    }

    #[test]
    fn options_errors_name_their_path() {
        let e = parse_json::<PolicyOptions>(r#"{"limits": {"max_operation": 5}}"#, "options", "o");
        let Err(e) = e else { unreachable!() };
        assert_eq!(e.path(), Some("options.limits.max_operation"), "{e}");
        let e =
            parse_json::<PolicyOptions>(r#"{"closures": {"CO": ["2026-13-01"]}}"#, "options", "o");
        let Err(e) = e else { unreachable!() };
        assert_eq!(e.path(), Some("options.closures.CO[0]"), "{e}");
    }
}
