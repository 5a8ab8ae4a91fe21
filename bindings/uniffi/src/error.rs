//! `recobro::Error` as the host's exception, and panics caught at every entry.

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The engine's error, thrown as an exception in Kotlin (`RecobroException.Failure`),
/// Swift (`RecobroError.failure`) and Python (`RecobroError.Failure`).
///
/// One variant with every field, so a host reads `code`, `message`, `line`, `column`
/// and `path` without matching on kinds. In Kotlin the `message` field is called
/// `reason` (Kotlin's `Throwable.message` is taken; see `uniffi.toml`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum RecobroError {
    /// An engine error: a policy that does not compile or fails, a sandbox limit, bad
    /// input, or an internal fault (`internal`, a bug; panics become this).
    #[error("{}", render(code, message, line, column, path))]
    Failure {
        /// Stable code: `policy.syntax`, `policy.runtime`, `policy.contract`,
        /// `policy.module`, `limit.*`, `input.json`, `input.invalid`, `internal`.
        code: String,
        /// Plain-words description.
        message: String,
        /// 1-based line in the policy (or in `module`), when the error is in a policy.
        line: Option<u32>,
        /// 1-based column in the policy, when the error is in a policy.
        column: Option<u32>,
        /// Input path such as `debts[2].due_on` (`[3].debts[2].due_on` in a batch).
        path: Option<String>,
        /// The imported module the policy position is in, when not the main policy.
        module: Option<String>,
        /// How to fix it, when the engine can say.
        help: Option<String>,
    },
}

fn render(
    code: &str,
    message: &str,
    line: &Option<u32>,
    column: &Option<u32>,
    path: &Option<String>,
) -> String {
    let mut s = String::from(code);
    s.push_str(": ");
    if let Some(p) = path.as_deref().filter(|p| !p.is_empty()) {
        s.push_str(p);
        s.push_str(": ");
    }
    s.push_str(message);
    if let (Some(l), Some(c)) = (line, column) {
        s.push_str(&format!(" (line {l}, column {c})"));
    }
    s
}

/// The same fields as a record, for batch rows (`DecisionOrError.Failed`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorInfo {
    /// Stable code.
    pub code: String,
    /// Plain-words description.
    pub message: String,
    /// 1-based policy line.
    pub line: Option<u32>,
    /// 1-based policy column.
    pub column: Option<u32>,
    /// Input path.
    pub path: Option<String>,
    /// Module of the policy position.
    pub module: Option<String>,
    /// Help text.
    pub help: Option<String>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<&recobro::Error> for ErrorInfo {
    fn from(e: &recobro::Error) -> Self {
        let module = match &e.location {
            Some(recobro::Location::Policy { module, .. }) => module.clone(),
            _ => None,
        };
        ErrorInfo {
            code: e.code.as_str().to_string(),
            message: e.message.clone(),
            line: e.line().map(to_u32),
            column: e.column().map(to_u32),
            path: e.path().map(str::to_string),
            module,
            help: e.help.clone(),
        }
    }
}

impl From<ErrorInfo> for RecobroError {
    fn from(i: ErrorInfo) -> Self {
        RecobroError::Failure {
            code: i.code,
            message: i.message,
            line: i.line,
            column: i.column,
            path: i.path,
            module: i.module,
            help: i.help,
        }
    }
}

impl From<recobro::Error> for RecobroError {
    fn from(e: recobro::Error) -> Self {
        ErrorInfo::from(&e).into()
    }
}

impl RecobroError {
    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            RecobroError::Failure { code, .. } => code,
        }
    }
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(
            &self.code,
            &self.message,
            &self.line,
            &self.column,
            &self.path,
        ))
    }
}

/// An `internal` error (a bug in the engine or the binding, never the caller's fault).
pub(crate) fn internal(message: impl Into<String>) -> recobro::Error {
    recobro::Error::new(recobro::ErrorCode::Internal, message)
}

/// The text of a panic payload.
pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Run `f`, turning a panic into an `internal` error: no panic crosses the binding.
pub(crate) fn no_panic<T>(
    f: impl FnOnce() -> Result<T, recobro::Error>,
) -> Result<T, recobro::Error> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(internal(format!(
            "the engine panicked: {} (a bug: please report it with the input)",
            panic_text(p.as_ref())
        ))),
    }
}

/// [`no_panic`] for an exported entry point: the error becomes the host's exception.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, recobro::Error>) -> Result<T, RecobroError> {
    no_panic(f).map_err(RecobroError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::panic)] // the point of the test
    fn panics_become_internal_errors() {
        let r: Result<(), RecobroError> = guard(|| panic!("boom"));
        let Err(RecobroError::Failure { code, message, .. }) = r else {
            unreachable!("a panic must become an error")
        };
        assert_eq!(code, "internal");
        assert!(message.contains("boom"), "{message}");
    }

    #[test]
    fn fields_survive() {
        let e = recobro::Error::new(recobro::ErrorCode::PolicySyntax, "expecting `)`")
            .at_policy(Some("house/bands".into()), 3, 14)
            .with_help("close it");
        let RecobroError::Failure {
            code,
            line,
            column,
            module,
            help,
            path,
            ..
        } = RecobroError::from(e.clone());
        assert_eq!(code, "policy.syntax");
        assert_eq!((line, column), (Some(3), Some(14)));
        assert_eq!(module.as_deref(), Some("house/bands"));
        assert_eq!(help.as_deref(), Some("close it"));
        assert_eq!(path, None);
        let shown = RecobroError::from(e).to_string();
        assert_eq!(shown, "policy.syntax: expecting `)` (line 3, column 14)");
        let input = RecobroError::from(recobro::Error::input("debts[2].due_on", "bad date"));
        assert_eq!(
            input.to_string(),
            "input.invalid: debts[2].due_on: bad date"
        );
    }
}
