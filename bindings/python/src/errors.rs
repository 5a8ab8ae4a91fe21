//! `recobro::Error` as Python exceptions, and panics as `RecobroError("internal")`.
//!
//! The fields come from `recobro::host::fields` and `str(exception)` is the core's
//! `Display` rendering, so an error reads the same on every host. The exception classes
//! are defined in Python (`recobro/__init__.py`) so that they pickle and carry typed
//! attributes; they are looked up once and cached.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use recobro::{host, Error};
use std::panic::{catch_unwind, AssertUnwindSafe};

static BASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static SYNTAX: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static RUNTIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static LIMIT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The exception class for an error code (by its stable string form, so that codes
/// added later land in the right family).
fn class_for<'py>(py: Python<'py>, code: &str) -> PyResult<&'py Bound<'py, PyType>> {
    let (cell, name) = if code == "policy.syntax" {
        (&SYNTAX, "PolicySyntaxError")
    } else if code.starts_with("policy.") {
        (&RUNTIME, "PolicyRuntimeError")
    } else if code.starts_with("limit.") {
        (&LIMIT, "LimitExceededError")
    } else if code.starts_with("input.") {
        (&INPUT, "InvalidInputError")
    } else {
        (&BASE, "RecobroError")
    };
    cell.import(py, "recobro", name)
}

/// The error's fields (`recobro::host::fields`) as a dict: `code`, `message`, `line`,
/// `column`, `path`, `module`, `help` (None where absent). The same keys as the
/// exception's attributes.
pub(crate) fn error_dict<'py>(py: Python<'py>, e: &Error) -> PyResult<Bound<'py, PyDict>> {
    let f = host::fields(e);
    let d = PyDict::new(py);
    d.set_item("code", f.code)?;
    d.set_item("message", f.message)?;
    d.set_item("line", f.line)?;
    d.set_item("column", f.column)?;
    d.set_item("path", f.path)?;
    d.set_item("module", f.module)?;
    d.set_item("help", f.help)?;
    Ok(d)
}

/// The Python exception for an engine error: `str()` is the core's `Display`.
pub(crate) fn to_pyerr(py: Python<'_>, e: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = class_for(py, host::fields(e).code)?;
        let kwargs = error_dict(py, e)?;
        let exc = cls.call((e.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    // Importing `recobro` can only fail if the package is broken; say so, with the error.
    build().unwrap_or_else(|err| PyRuntimeError::new_err(format!("{e} (and: {err})")))
}

/// Run a Python entry point, turning a panic in its Python-side code (the engine's
/// own calls run under `recobro::host::guard`) into `RecobroError` with code
/// `internal`, built by `recobro::host::panic_error`: no panic crosses into Python.
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(to_pyerr(py, &host::panic_error(payload.as_ref()))),
    }
}

/// Engine results as Python results.
pub(crate) trait IntoPy<T> {
    /// The engine error as its Python exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, &e))
    }
}
