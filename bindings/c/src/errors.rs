//! `recobro::Error` as the C out-parameter `recobro_error`, filled from
//! [`recobro::host::fields`], and the panic guard every entry point runs under.

use crate::convert::{c_string, free_c_string, opt_c_string};
use recobro::{host, Error};
use std::ffi::c_char;
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
    /// Input path such as `debts[2].due_on` (`""`: the whole input), or NULL.
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

impl RecobroError {
    /// The success value: `ok` 1, NULLs and zeros.
    pub(crate) const SUCCESS: RecobroError = RecobroError {
        ok: 1,
        code: ptr::null_mut(),
        message: ptr::null_mut(),
        path: ptr::null_mut(),
        line: 0,
        column: 0,
        module: ptr::null_mut(),
        help: ptr::null_mut(),
    };

    /// The C struct of an engine error: its [`host::fields`], as strings the caller owns.
    fn failure(e: &Error) -> RecobroError {
        let f = host::fields(e);
        let int = |n: Option<usize>| n.map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX));
        RecobroError {
            ok: 0,
            code: c_string(f.code),
            message: c_string(f.message),
            path: opt_c_string(f.path),
            line: int(f.line),
            column: int(f.column),
            module: opt_c_string(f.module),
            help: opt_c_string(f.help),
        }
    }
}

/// Write the outcome into `err` (when not NULL).
///
/// # Safety
/// `err` is NULL or points to a writable `recobro_error`.
unsafe fn report(err: *mut RecobroError, e: Option<&Error>) {
    if err.is_null() {
        return;
    }
    let out = e.map_or(RecobroError::SUCCESS, RecobroError::failure);
    // SAFETY: the caller passes NULL (handled above) or a valid, writable struct.
    // `write` does not read (or drop) what was there.
    unsafe { ptr::write(err, out) };
}

/// The common shape of an entry point: run `f` under [`host::guard`] (no panic gets
/// out), report the outcome into `err`, return `f`'s value or `failed`.
///
/// # Safety
/// `err` is NULL or points to a writable `recobro_error`.
pub(crate) unsafe fn entry<T>(
    err: *mut RecobroError,
    failed: T,
    f: impl FnOnce() -> Result<T, Error>,
) -> T {
    match host::guard(f) {
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

/// Free the strings inside `err` and reset it to success.
///
/// # Safety
/// `err` is a struct the library filled in (or zero-initialised).
pub(crate) unsafe fn clear(err: &mut RecobroError) {
    for s in [
        &mut err.code,
        &mut err.message,
        &mut err.path,
        &mut err.module,
        &mut err.help,
    ] {
        // SAFETY: the library's strings (or NULL), per the contract.
        unsafe { free_c_string(s) };
    }
    *err = RecobroError::SUCCESS;
}
