//! `recobro::Error` as Python exceptions, and panics as `RecobroError("internal")`.
//!
//! The exception classes are defined in Python (`recobro/__init__.py`) so that they
//! pickle and carry typed attributes; they are looked up once and cached.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use recobro::{Error, ErrorCode, Location};
use std::any::Any;
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

/// The error's fields as a dict: `code`, `message`, `line`, `column`, `path`, `module`,
/// `help` (None where absent). The same keys as the exception's attributes.
pub(crate) fn error_dict<'py>(py: Python<'py>, e: &Error) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("code", e.code.as_str())?;
    d.set_item("message", &e.message)?;
    let (line, column, module, path) = match &e.location {
        Some(Location::Policy {
            module,
            line,
            column,
        }) => (Some(*line), Some(*column), module.clone(), None),
        Some(Location::Input { path }) => (None, None, None, Some(path.clone())),
        None => (None, None, None, None),
    };
    d.set_item("line", line)?;
    d.set_item("column", column)?;
    d.set_item("path", path)?;
    d.set_item("module", module)?;
    d.set_item("help", e.help.as_deref())?;
    Ok(d)
}

/// The Python exception for an engine error.
pub(crate) fn to_pyerr(py: Python<'_>, e: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = class_for(py, e.code.as_str())?;
        let kwargs = error_dict(py, e)?;
        let exc = cls.call((e.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    // Importing `recobro` can only fail if the package is broken; say so, with the error.
    build().unwrap_or_else(|err| PyRuntimeError::new_err(format!("{e} (and: {err})")))
}

/// An `internal` error for a caught panic.
pub(crate) fn panic_error(payload: &(dyn Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    Error::new(
        ErrorCode::Internal,
        format!("internal error in the engine (a bug, not your input's fault): {what}"),
    )
    .with_help("please report it with the case and policy that caused it")
}

/// Run `f`, turning a panic into an `internal` engine error.
pub(crate) fn no_panic<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(panic_error(payload.as_ref())),
    }
}

/// Run a Python entry point, turning a panic into `RecobroError` with code `internal`:
/// no panic crosses into Python.
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(to_pyerr(py, &panic_error(payload.as_ref()))),
    }
}

/// Engine results as Python results.
pub(crate) trait IntoPy<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, &e))
    }
}
