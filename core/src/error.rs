//! The one error type of the engine, with stable codes and a location.
//!
//! Every failure, whether a policy that does not parse, a policy that runs past a
//! limit, or a case with a bad date, becomes an [`Error`] carrying:
//! - a stable [`ErrorCode`] (`policy.syntax`, `limit.operations`, `input.invalid`, ...)
//!   that hosts can match on;
//! - a message in plain words;
//! - where it happened: a line and column in the policy, or a path in the input
//!   such as `debts[2].due_on`;
//! - optional help text saying how to fix it.

use serde::Serialize;
use std::fmt;

/// Stable error codes. Their string forms (see [`ErrorCode::as_str`]) never change
/// meaning once released; bindings expose them as `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The policy does not parse.
    PolicySyntax,
    /// The policy failed while running (unknown function, type mismatch, division by zero, ...).
    PolicyRuntime,
    /// A policy hook returned a value of the wrong shape.
    PolicyContract,
    /// An `import` names a module that is neither embedded nor supplied by the host, or imports form a cycle.
    PolicyModule,
    /// The policy ran more operations than allowed.
    LimitOperations,
    /// Calls nested deeper than allowed (deep or endless recursion).
    LimitCallDepth,
    /// Expressions nested deeper than allowed.
    LimitExpressionDepth,
    /// A string grew past the maximum size.
    LimitStringSize,
    /// An array grew past the maximum size.
    LimitArraySize,
    /// A map grew past the maximum size.
    LimitMapSize,
    /// Too many modules imported.
    LimitModules,
    /// Too many variables in scope.
    LimitVariables,
    /// The input is not valid JSON or not of the expected shape.
    InputJson,
    /// The input is well-formed but a value is not acceptable.
    InputInvalid,
    /// An internal fault of the engine (a bug); never the caller's fault.
    Internal,
}

impl ErrorCode {
    /// The stable string form, for example `policy.syntax`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::PolicySyntax => "policy.syntax",
            ErrorCode::PolicyRuntime => "policy.runtime",
            ErrorCode::PolicyContract => "policy.contract",
            ErrorCode::PolicyModule => "policy.module",
            ErrorCode::LimitOperations => "limit.operations",
            ErrorCode::LimitCallDepth => "limit.call_depth",
            ErrorCode::LimitExpressionDepth => "limit.expression_depth",
            ErrorCode::LimitStringSize => "limit.string_size",
            ErrorCode::LimitArraySize => "limit.array_size",
            ErrorCode::LimitMapSize => "limit.map_size",
            ErrorCode::LimitModules => "limit.modules",
            ErrorCode::LimitVariables => "limit.variables",
            ErrorCode::InputJson => "input.json",
            ErrorCode::InputInvalid => "input.invalid",
            ErrorCode::Internal => "internal",
        }
    }

    /// Whether this code is one of the `limit.*` family.
    pub fn is_limit(self) -> bool {
        self.as_str().starts_with("limit.")
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an error happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A position in policy source (1-based line and column).
    Policy {
        /// Name of the module the position is in, when not the main policy.
        #[serde(skip_serializing_if = "Option::is_none")]
        module: Option<String>,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A path in the input, such as `debts[2].due_on`.
    Input {
        /// The path, in `a.b[2].c` form; empty for the whole document.
        path: String,
    },
}

/// The engine's error: a stable code, a message, a location and optional help.
///
/// As JSON (every host's error rows, `recobro eval`'s output) it is flat:
/// `{"code", "message", "path"?, "line"?, "column"?, "module"?, "help"?}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct Error {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// Plain-words description, lowercase, with user input in backticks.
    pub message: String,
    /// Where it happened, when known.
    pub location: Option<Location>,
    /// How to fix it, when the engine can say.
    pub help: Option<String>,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", &self.code)?;
        m.serialize_entry("message", &self.message)?;
        match &self.location {
            Some(Location::Input { path }) => m.serialize_entry("path", path)?,
            Some(Location::Policy {
                module,
                line,
                column,
            }) => {
                m.serialize_entry("line", line)?;
                m.serialize_entry("column", column)?;
                if let Some(module) = module {
                    m.serialize_entry("module", module)?;
                }
            }
            None => {}
        }
        if let Some(help) = &self.help {
            m.serialize_entry("help", help)?;
        }
        m.end()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(Location::Input { path }) if !path.is_empty() => {
                write!(f, "{}: {}: {}", self.code, path, self.message)
            }
            Some(Location::Policy {
                module,
                line,
                column,
            }) => match module {
                Some(m) => write!(
                    f,
                    "{}: {} (module `{}`, line {}, column {})",
                    self.code, self.message, m, line, column
                ),
                None => write!(
                    f,
                    "{}: {} (line {}, column {})",
                    self.code, self.message, line, column
                ),
            },
            _ => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error without location or help.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// An `input.invalid` error at an input path.
    pub fn input(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InputInvalid, message).at_path(path)
    }

    /// Put an input error's path under `root` (`cases` and `[2].debts` give
    /// `cases[2].debts`; an empty path becomes `root`). Policy errors are unchanged.
    pub fn under(self, root: &str) -> Self {
        match self.path().map(str::to_string) {
            Some(p) if p.is_empty() => self.at_path(root),
            Some(p) if p.starts_with('[') => self.at_path(format!("{root}{p}")),
            Some(p) => self.at_path(format!("{root}.{p}")),
            None => self,
        }
    }

    /// Attach an input path.
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.location = Some(Location::Input { path: path.into() });
        self
    }

    /// Attach a policy position.
    pub fn at_policy(mut self, module: Option<String>, line: usize, column: usize) -> Self {
        self.location = Some(Location::Policy {
            module,
            line,
            column,
        });
        self
    }

    /// The same error with another message (for example prefixed with a file name).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Attach help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The input path, if the error has one.
    pub fn path(&self) -> Option<&str> {
        match &self.location {
            Some(Location::Input { path }) => Some(path),
            _ => None,
        }
    }

    /// The policy line, if the error has one.
    pub fn line(&self) -> Option<usize> {
        match &self.location {
            Some(Location::Policy { line, .. }) => Some(*line),
            _ => None,
        }
    }

    /// The policy column, if the error has one.
    pub fn column(&self) -> Option<usize> {
        match &self.location {
            Some(Location::Policy { column, .. }) => Some(*column),
            _ => None,
        }
    }

    /// The error as JSON text, the one flat shape every host writes: `{"code",
    /// "message", "path"?, "line"?, "column"?, "module"?, "help"?}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"code\":\"internal\"}"))
    }
}

/// Strip serde_json's " at line L column C" suffix: the path says where.
pub(crate) fn clean_serde_message(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Turn a serde path-to-error failure into an engine error.
/// The input path serde_path_to_error tracked, as the engine writes paths
/// (`debts[2].due_on`): segments serde cannot name (inside an unfinished value, `?`)
/// are dropped.
fn tracked_path(path: &serde_path_to_error::Path) -> String {
    path.to_string()
        .split('.')
        .filter(|s| *s != "?" && !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// An error of a value read from any serde data format other than JSON text (a
/// binding's columnar reader): `input.invalid` at the tracked path.
pub(crate) fn de_error<E: std::fmt::Display>(err: serde_path_to_error::Error<E>) -> Error {
    let path = tracked_path(err.path());
    // No line suffix to strip: the message is the reader's, whole.
    Error::new(ErrorCode::InputInvalid, err.into_inner().to_string()).at_path(path)
}

pub(crate) fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = tracked_path(err.path());
    let inner = err.into_inner();
    // Too-deep nesting: name where the nesting starts, not every level of it.
    let path = match path.find("[0][0]") {
        Some(i) if inner.to_string().contains("recursion limit") => path[..i].to_string(),
        _ => path,
    };
    let code = if inner.is_syntax() || inner.is_eof() {
        ErrorCode::InputJson
    } else {
        ErrorCode::InputInvalid
    };
    let mut msg = clean_serde_message(&inner.to_string());
    if code == ErrorCode::InputJson {
        msg = format!(
            "not valid JSON: {msg} (line {}, column {})",
            inner.line(),
            inner.column()
        );
    }
    Error::new(code, msg).at_path(path)
}

// ---- Faults: what a panic or a bug of ours becomes (re-exported by `host`). --------

/// The message of a caught panic's payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// The `internal` error for a caught panic (a bug in the engine, never the input's
/// fault). Hosts where a panic aborts (WASM) build the same error from the message.
pub fn panic_error(payload: &(dyn std::any::Any + Send)) -> Error {
    internal_error(&panic_text(payload))
}

/// The `internal` error for a fault in a binding's own plumbing that is not a panic
/// (a host value that cannot be converted back, a serialiser that failed): a bug on
/// our side, never the input's fault.
pub fn internal_fault(what: &str) -> Error {
    Error::new(
        ErrorCode::Internal,
        format!("internal error: {what} (a bug, not the input's fault)"),
    )
    .with_help("please report it with the case and policy that caused it")
}

/// The `internal` error for an engine fault described by `what`.
pub fn internal_error(what: &str) -> Error {
    Error::new(
        ErrorCode::Internal,
        format!("the engine panicked: {what} (a bug, not the input's fault)"),
    )
    .with_help("please report it with the case and policy that caused it")
}

/// Run `f` so that no panic escapes: a panic becomes an `internal` error.
pub fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(panic_error(payload.as_ref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_code_and_path() {
        let e = Error::input("debts[2].due_on", "expected a date like 2026-03-31");
        assert_eq!(
            e.to_string(),
            "input.invalid: debts[2].due_on: expected a date like 2026-03-31"
        );
        assert_eq!(e.path(), Some("debts[2].due_on"));
    }

    #[test]
    fn display_includes_policy_position() {
        let e = Error::new(ErrorCode::PolicySyntax, "expecting `)`").at_policy(None, 3, 14);
        assert_eq!(
            e.to_string(),
            "policy.syntax: expecting `)` (line 3, column 14)"
        );
        assert_eq!((e.line(), e.column()), (Some(3), Some(14)));
    }

    #[test]
    fn codes_are_stable_strings() {
        assert_eq!(ErrorCode::LimitOperations.as_str(), "limit.operations");
        assert!(ErrorCode::LimitOperations.is_limit());
        assert!(!ErrorCode::InputInvalid.is_limit());
        let json = Error::new(ErrorCode::PolicyRuntime, "boom").to_json();
        assert_eq!(json, r#"{"code":"policy.runtime","message":"boom"}"#);
    }
}
