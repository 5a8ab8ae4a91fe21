//! `recobro::Error` as the host's exception, filled from [`recobro::host::fields`], and
//! the panic guard ([`recobro::host::guard`]) every entry point runs under.

use recobro::host;
use std::fmt;

/// The engine's error, thrown as an exception in Kotlin (`RecobroException.Failure`),
/// Swift (`RecobroError.failure`) and Python (`RecobroError.Failure`).
///
/// One variant with every field of the flat error shape every host shares
/// (`recobro::host::error_json`), so a host reads `code`, `message`, `path`, `line`,
/// `column`, `module` and `help` without matching on kinds, plus `display`, the
/// one-line rendering every host prints (the core's `Display` of the error, module
/// name included). The exception's string form is that rendering where uniffi uses an
/// exported `Display` (Kotlin `toString()`, Swift `description`); uniffi's Python
/// errors print their fields instead, `display` among them. In Kotlin the `message`
/// field is called `reason` (Kotlin's `Throwable.message` is taken; see `uniffi.toml`),
/// and Kotlin's `Throwable.message` is uniffi's list of the fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum RecobroError {
    /// An engine error: a policy that does not compile or fails, a sandbox limit, bad
    /// input, or an internal fault (`internal`, a bug; panics become this).
    #[error("{display}")]
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
        /// Input path such as `debts[2].due_on` (`[3].debts[2].due_on` in a batch;
        /// `""` for the case text as a whole).
        path: Option<String>,
        /// The imported module the policy position is in, when not the main policy.
        module: Option<String>,
        /// How to fix it, when the engine can say.
        help: Option<String>,
        /// The one-line rendering: `code: path: message`, or `code: message (module
        /// `m`, line l, column c)`, exactly as every other host prints it.
        display: String,
    },
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
    /// The one-line rendering every host prints.
    pub display: String,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<&recobro::Error> for ErrorInfo {
    fn from(e: &recobro::Error) -> Self {
        let f = host::fields(e);
        ErrorInfo {
            code: f.code.to_string(),
            message: f.message.to_string(),
            line: f.line.map(to_u32),
            column: f.column.map(to_u32),
            path: f.path.map(str::to_string),
            module: f.module.map(str::to_string),
            help: f.help.map(str::to_string),
            display: e.to_string(),
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
            display: i.display,
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
        f.write_str(&self.display)
    }
}

/// [`host::guard`] for an exported entry point: no panic crosses the binding (it is an
/// `internal` error), and the error becomes the host's exception.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, recobro::Error>) -> Result<T, RecobroError> {
    host::guard(f).map_err(RecobroError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors() {
        let r: Result<(), RecobroError> = guard(|| panic!("boom"));
        let Err(RecobroError::Failure { code, message, .. }) = r else {
            unreachable!("a panic must become an error")
        };
        assert_eq!(code, "internal");
        assert!(message.contains("boom"), "{message}");
    }

    #[test]
    fn fields_survive_and_the_rendering_is_the_core_s() {
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
        let shown = RecobroError::from(e.clone()).to_string();
        assert_eq!(shown, e.to_string());
        assert!(shown.contains("module `house/bands`"), "{shown}");
        let input = recobro::Error::input("debts[2].due_on", "bad date");
        assert_eq!(
            RecobroError::from(input.clone()).to_string(),
            input.to_string()
        );
    }
}
