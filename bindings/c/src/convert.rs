//! C values in and out: NUL-terminated strings to `&str` (through the host boundary's
//! UTF-8 check), results to C strings the caller owns, and the policy handle.

use recobro::host::{self, arg};
use recobro::{Error, Policy};
use std::ffi::{c_char, CStr, CString};
use std::ptr;

/// The argument names of the C functions that are not among [`host::arg`]'s (the
/// others use [`host::arg`]: `case`, `cases`, `as_of`, `at`, `channel`, `proposal`,
/// `options`, `request`).
pub(crate) mod c_arg {
    /// Policy source.
    pub const SOURCE: &str = "source";
    /// A policy handle.
    pub const POLICY: &str = "policy";
    /// An embedded policy's path.
    pub const PATH: &str = "path";
    /// A debt id.
    pub const DEBT_ID: &str = "debt_id";
}

/// A compiled policy (`recobro_policy` in C, opaque).
pub struct RecobroPolicy {
    pub(crate) inner: Policy,
}

// One policy is shared across host threads: make sure it stays shareable.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<RecobroPolicy>();
};

/// A new handle owning `p` (freed by `recobro_policy_free`).
pub(crate) fn boxed(p: Policy) -> *mut RecobroPolicy {
    Box::into_raw(Box::new(RecobroPolicy { inner: p }))
}

/// Borrow the policy behind a handle; NULL is an `input.invalid` error at `policy`.
///
/// # Safety
/// `p` is NULL or a live pointer from `recobro_policy_new`/`_default`/`_embedded`.
pub(crate) unsafe fn policy_ref<'a>(p: *const RecobroPolicy) -> Result<&'a Policy, Error> {
    if p.is_null() {
        return Err(Error::input(c_arg::POLICY, "`policy` is NULL"));
    }
    // SAFETY: a live handle per the contract; shared references only.
    Ok(unsafe { &(*p).inner })
}

/// A required string argument: NULL is an `input.invalid` error at `arg`; bytes that
/// are not UTF-8 are refused at `arg`, as `input.json` for a JSON argument
/// ([`host::text`]) and `input.invalid` for any other ([`host::utf8`]).
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn read_str<'a>(p: *const c_char, arg: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::input(arg, format!("`{arg}` is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract in the header.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    if [
        arg::CASE,
        arg::CASES,
        arg::OPTIONS,
        arg::PROPOSAL,
        arg::REQUEST,
    ]
    .contains(&arg)
    {
        host::text(bytes, arg)
    } else {
        host::utf8(bytes, arg)
    }
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As [`read_str`].
pub(crate) unsafe fn read_opt_str<'a>(
    p: *const c_char,
    arg: &str,
) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { read_str(p, arg) }.map(Some)
    }
}

/// A C string the caller owns; NUL bytes (impossible in JSON output) become U+FFFD.
pub(crate) fn c_string(s: &str) -> *mut c_char {
    let c = CString::new(s)
        .unwrap_or_else(|_| CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default());
    c.into_raw()
}

/// [`c_string`], or NULL for `None`.
pub(crate) fn opt_c_string(s: Option<&str>) -> *mut c_char {
    s.map_or(ptr::null_mut(), c_string)
}

/// A value as JSON text the caller owns (a serialisation failure is `internal`).
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<*mut c_char, Error> {
    serde_json::to_string(value)
        .map(|s| c_string(&s))
        .map_err(|e| host::internal_fault(&format!("could not write the result as JSON: {e}")))
}

/// Free a string made by [`c_string`] and set the pointer to NULL.
///
/// # Safety
/// `*s` is NULL or a string made by [`c_string`], not yet freed.
pub(crate) unsafe fn free_c_string(s: &mut *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by `CString::into_raw` in this library, per the contract.
        drop(unsafe { CString::from_raw(*s) });
        *s = ptr::null_mut();
    }
}
