//! Errors in the command line's idiom: an engine error is printed on stderr as
//! `file:line:col: code: message` with its help; exit codes are 1 for a failed case
//! or policy, 2 for a usage or I/O error, 70 for an engine fault (`internal`).

use recobro::Error;
use std::path::Path;
use std::process::ExitCode;

/// A usage or I/O failure: printed as `error: ...`, exit code 2.
pub fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

/// Print an engine error as `file:line:col: code: message` with its help.
pub fn report(e: &Error, file: Option<&Path>) {
    let at = match (file, e.line(), e.column()) {
        (Some(f), Some(l), Some(c)) => format!("{}:{l}:{c}: ", f.display()),
        (Some(f), _, _) => format!("{}: ", f.display()),
        _ => String::new(),
    };
    eprintln!("{at}{e}");
    if let Some(h) = &e.help {
        eprintln!("  help: {h}");
    }
}

/// An engine fault as the engine's own error: code `internal`, never a backtrace.
pub fn internal(payload: &(dyn std::any::Any + Send)) -> Error {
    recobro::host::panic_error(payload)
}
