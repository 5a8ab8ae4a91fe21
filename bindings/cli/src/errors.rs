//! Errors in the command line's idiom: an engine error is printed on stderr as
//! `file:line:col: code: message` with its help; exit codes are 1 for a failed case
//! or policy, 2 for a usage or I/O error, 70 for an engine fault (`internal`). A reader
//! that closes standard output early (`recobro eval cases.ndjson | head`) ends the
//! command quietly, as `head` asked for no more ([`out_fail`]): exit code 1 if a case or
//! test had failed by then, else 0; files the command writes are written first.

use recobro::Error;
use std::path::Path;
use std::process::ExitCode;

/// A usage or I/O failure: printed as `error: ...`, exit code 2.
pub fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

/// A failed write to standard output: a closed pipe (the reader wanted no more) ends
/// the command quietly, exit code 0; any other I/O error is [`fail`]. Every write to
/// stdout goes through it ([`outln!`](crate::outln)), never `println!`, which panics
/// on a closed pipe.
pub fn out_fail(e: std::io::Error) -> ExitCode {
    out_fail_or(e, ExitCode::SUCCESS)
}

/// [`out_fail`] for a command that knows its outcome before it writes (a case or a
/// test failed): a closed pipe ends it quietly with that exit code, not 0.
pub fn out_fail_or(e: std::io::Error, closed: ExitCode) -> ExitCode {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        closed
    } else {
        fail(e)
    }
}

/// `println!` that returns from the enclosing function with [`out_fail`]'s exit code
/// when standard output fails (its `?` needs a `Result<_, ExitCode>` function).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err($crate::errors::out_fail)?
    }};
}

/// `print!` as [`outln!`](crate::outln) is `println!`.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*).map_err($crate::errors::out_fail)?
    }};
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
