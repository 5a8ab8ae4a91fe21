//! The one host boundary: what every binding (C, Python, JavaScript/WASM, Kotlin and
//! Swift through uniffi) and the `recobro` command line use to let values in and out.
//!
//! A host hands the engine text: a case, a batch of cases, a clock, a channel, a plan
//! proposal, policy options or a simulation request, each as JSON text (or bytes). This
//! module reads them with the engine's exact readers (amounts keep every digit, dates
//! are checked against the supported range), names every problem by its input path,
//! evaluates under a panic guard, and writes decisions as canonical JSON and failures as
//! one error shape. A binding only maps its host's values and errors to its idiom.
//!
//! ## The contract every host is held to
//!
//! - **Argument names** in error paths are the ones in [`arg`]: `case`, `cases`,
//!   `as_of`, `at`, `channel`, `proposal`, `options`, `request`, `seed`, `n`.
//! - **One case** ([`case`]): a JSON object. Errors are relative to the case
//!   (`debts[2].due_on`); an error about the whole text has the path `""`.
//! - **A batch** ([`cases`]): a JSON array of case objects, one case object, or NDJSON
//!   (one case per line). Each case is read on its own: a bad case is one error row
//!   whose path starts with its index (`[3].debts[0].due_on`, put there by
//!   [`evaluate_rows`]) and the others are still decided. Only text that is no batch
//!   at all (a syntax error that breaks the array itself) fails the whole call, at
//!   path `cases`.
//! - **Decisions** are canonical JSON ([`crate::Decision::to_json`]): the same bytes
//!   on every host.
//! - **Errors** have one JSON shape ([`error_json`]): `{"code", "message", "path"?,
//!   "line"?, "column"?, "module"?, "help"?}`; a batch row that failed is
//!   `{"index": i, "error": {...}}` ([`row_json`]).
//! - **No panic crosses the boundary** ([`guard`]): a fault in the engine becomes an
//!   error with code `internal`, and in a batch it fails that row only.
//!
//! The cross-host corpus `test-data/conformance/errors.json` holds every host to the
//! same codes, messages and locations.

use crate::error::{clean_serde_message, Error, ErrorCode, Location, Result};
use crate::model::{Case, Channel};
use crate::policy::{par_map, EvalOptions, Policy, PolicyOptions};
use crate::time::Instant;
use crate::Decision;
use serde_json::value::RawValue;

/// The argument names that error paths use, the same on every host.
pub mod arg {
    /// One case.
    pub const CASE: &str = "case";
    /// A batch of cases.
    pub const CASES: &str = "cases";
    /// The evaluation clock.
    pub const AS_OF: &str = "as_of";
    /// The instant of a contact to check.
    pub const AT: &str = "at";
    /// A contact channel.
    pub const CHANNEL: &str = "channel";
    /// A debtor's plan proposal.
    pub const PROPOSAL: &str = "proposal";
    /// Policy options (modules, limits, closures, rate entries).
    pub const OPTIONS: &str = "options";
    /// A simulation request.
    pub const REQUEST: &str = "request";
    /// A generator seed.
    pub const SEED: &str = "seed";
    /// A number of cases to generate.
    pub const N: &str = "n";
    /// The previous snapshot of a portfolio (a batch of cases), for a report.
    pub const PREVIOUS: &str = "previous";
    /// The previous snapshot's clock.
    pub const PREVIOUS_AS_OF: &str = "previous_as_of";
    /// A live experiment's outcomes and test.
    pub const EXPERIMENT: &str = "experiment";
    /// A live experiment's test plan.
    pub const PLAN: &str = "plan";
}

/// Text from bytes a host passed for argument `arg`: an `input.json` error there when
/// the bytes are not UTF-8 (JSON text is UTF-8).
pub fn text<'a>(bytes: &'a [u8], arg: &str) -> Result<&'a str> {
    utf8_as(bytes, arg, ErrorCode::InputJson)
}

/// Text from bytes a host passed for an argument that is not JSON (policy source, a
/// module path, a channel name): an `input.invalid` error at `arg` when the bytes are
/// not UTF-8.
pub fn utf8<'a>(bytes: &'a [u8], arg: &str) -> Result<&'a str> {
    utf8_as(bytes, arg, ErrorCode::InputInvalid)
}

/// UTF-8 text from bytes, or an error with `code` at `arg` naming the first bad byte.
fn utf8_as<'a>(bytes: &'a [u8], arg: &str, code: ErrorCode) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            code,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
        .at_path(arg)
    })
}

/// One case from JSON text, read exactly and validated. Errors are relative to the
/// case (`debts[2].due_on`); an error about the whole text has the path `""`.
pub fn case(json: &str) -> Result<Case> {
    Case::from_json(json)
}

/// One case read from any serde data format other than JSON text, and validated:
/// the entry for a binding that reads its host's own values without writing JSON (the
/// Python binding's Arrow reader walks an Arrow row as a serde `Deserializer`). The
/// same `Deserialize` impls and validation as [`case`], so the same case is accepted
/// or refused with the same message; errors are `input.invalid` at the path under the
/// case (`debts[2].due_on`).
///
/// The value is read once as it is; only when that fails is it read again with its
/// path tracked (about a third of the reading cost), to say where.
pub fn case_from<'de, D: serde::Deserializer<'de> + Clone>(de: D) -> Result<Case>
where
    D::Error: std::fmt::Display,
{
    use serde::Deserialize as _;
    // INVARIANT: both reads run the same `Deserialize` impls over the same value, so
    // they accept and refuse the same inputs; the second only adds the path.
    let case = match Case::deserialize(de.clone()) {
        Ok(case) => case,
        Err(_) => serde_path_to_error::deserialize(de).map_err(crate::error::de_error)?,
    };
    case.validate()?;
    Ok(case)
}

/// A batch of cases from JSON text: a JSON array of case objects, one case object, or
/// NDJSON (one case per line, blank lines skipped). One entry per case, in order, each
/// read on its own (in parallel where the platform allows, under the panic guard); a
/// bad case's error is relative to the case ([`evaluate_rows`] puts it under the
/// case's index). The call fails only when the text is no batch at all (code
/// `input.json` or `input.invalid` at path `cases`).
pub fn cases(text: &str) -> Result<Vec<Result<Case>>> {
    Ok(cases_from_texts(
        case_texts(text)?.into_iter().map(Ok).collect(),
    ))
}

/// A batch split into the text of each case without reading any case (see [`cases`]
/// for the shapes accepted and the errors): a host that streams a large batch reads and
/// decides it a slice at a time ([`cases_from_texts`], [`evaluate_rows_from`]).
pub fn case_texts(text: &str) -> Result<Vec<&str>> {
    let text = crate::model::without_bom(text);
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        // Split the array into its elements' text without reading them: each case is
        // then read on its own, so one bad case is one error row.
        let items: Vec<&RawValue> = serde_json::from_str(trimmed).map_err(|e| {
            let code = if e.is_syntax() || e.is_eof() {
                ErrorCode::InputJson
            } else {
                ErrorCode::InputInvalid
            };
            Error::new(
                code,
                format!(
                    "not a JSON array of cases: {} (line {}, column {})",
                    clean_serde_message(&e.to_string()),
                    e.line(),
                    e.column()
                ),
            )
            .at_path(arg::CASES)
        })?;
        return Ok(items.into_iter().map(RawValue::get).collect());
    }
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    if !trimmed.starts_with('{') {
        return Err(Error::input(
            arg::CASES,
            "expected a JSON array of cases, one case object, or NDJSON (one case per line)",
        ));
    }
    // One object (perhaps spread over many lines), else one case per line.
    let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<&RawValue>();
    // INVARIANT: one entry per case, so a row's index is its case's position.
    if let Some(Ok(first)) = stream.next() {
        if stream.next().is_none() {
            return Ok(vec![first.get()]);
        }
    }
    Ok(text.lines().filter(|l| !l.trim().is_empty()).collect())
}

/// A batch given as one JSON text per case (a host's list of case texts): each read
/// on its own under the panic guard, in parallel where the platform allows. One entry
/// per text, unindexed, as [`cases`] gives them (a host that converts its own values to
/// text passes that conversion's error through `Err`).
pub fn cases_from_texts<S: AsRef<str> + Sync + Send>(texts: Vec<Result<S>>) -> Vec<Result<Case>> {
    par_map(texts, |t| t.and_then(|t| guard(|| case(t.as_ref()))))
}

/// An error of the case at `index` of a batch: an input error's path is put under
/// `[index]`; a policy or limit error (a line and column in the policy) is unchanged.
pub fn indexed(e: Error, index: usize) -> Error {
    crate::model::prefix_path(e, index)
}

/// An instant a host gave for argument `arg` (`as_of`, `at`): RFC 3339 with an offset,
/// within the supported range.
pub fn instant(text: &str, arg: &str) -> Result<Instant> {
    Instant::parse_input(text, arg)
}

/// A channel name a host gave for argument `arg`.
pub fn channel(text: &str, arg: &str) -> Result<Channel> {
    Channel::parse_input(text, arg)
}

/// Any engine input (policy options, a plan proposal, a simulation request) from JSON
/// text, exactly, with error paths under `arg` (`options.limits.max_operations`).
pub fn read<T: serde::de::DeserializeOwned>(json: &str, arg: &str) -> Result<T> {
    crate::model::parse_json(json).map_err(|e| e.under(arg))
}

/// A simulation request from JSON text, read exactly and checked against every
/// documented bound, with error paths under `request` (`request.days`).
pub fn simulation_request(json: &str) -> Result<crate::simulation::SimulationRequest> {
    crate::simulation::SimulationRequest::from_json(json).map_err(|e| e.under(arg::REQUEST))
}

/// Compile policy source with options given as JSON text (`None`, or blank text, for
/// none): `modules` ({name: source}), `limits`, `closures` ({calendar: \[dates\]}),
/// `rate_entries` ({table: [{from, rate, source, confidence}]}).
pub fn policy(source: &str, options_json: Option<&str>) -> Result<Policy> {
    guard(|| {
        let options: PolicyOptions = match options_json {
            Some(t) if !t.trim().is_empty() => read(t, arg::OPTIONS)?,
            _ => PolicyOptions::default(),
        };
        options.build(source)
    })
}

/// Decide one case given as JSON text at `as_of` (RFC 3339 text), under the panic
/// guard: the canonical decision JSON.
pub fn evaluate(policy: &Policy, case_json: &str, as_of: &str, trace: bool) -> Result<String> {
    guard(|| {
        let as_of = instant(as_of, arg::AS_OF)?;
        let case = case(case_json)?;
        Ok(policy
            .evaluate_owned(case, as_of, EvalOptions { trace })?
            .to_json())
    })
}

/// Decide every case of a batch, each under its own panic guard (a fault fails its
/// row only), in parallel where the platform allows. One result per entry, in order;
/// every error (the entry's own reading error or the evaluation's) is put under the
/// case's index ([`indexed`]).
pub fn evaluate_rows(
    policy: &Policy,
    cases: Vec<Result<Case>>,
    as_of: Instant,
    opts: EvalOptions,
) -> Vec<Result<Decision>> {
    policy.evaluate_rows(cases, 0, as_of, opts)
}

/// [`evaluate_rows`] for a slice of a larger batch whose first entry is the batch's
/// entry `first`: errors are put under their index in the whole batch, so a host that
/// decides a large batch a slice at a time reports what one call would.
pub fn evaluate_rows_from(
    policy: &Policy,
    cases: Vec<Result<Case>>,
    first: usize,
    as_of: Instant,
    opts: EvalOptions,
) -> Vec<Result<Decision>> {
    policy.evaluate_rows(cases, first, as_of, opts)
}

/// Decide a batch given as JSON text (see [`cases`]) at `as_of`: a JSON array with one
/// row per case, in order, each the canonical decision or `{"index": i, "error":
/// {...}}`. Fails only when `as_of` is bad or the text is no batch at all.
pub fn evaluate_batch(policy: &Policy, cases_json: &str, as_of: &str) -> Result<String> {
    let as_of = instant(as_of, arg::AS_OF)?;
    let items = guard(|| cases(cases_json))?;
    let rows = evaluate_rows(policy, items, as_of, EvalOptions::default());
    let mut out = String::from("[");
    for (i, r) in rows_json(0, &rows).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r);
    }
    out.push(']');
    Ok(out)
}

/// [`row_json`] for every row of a slice whose first row is the batch's row `first`,
/// written in parallel where the platform allows.
pub fn rows_json(first: usize, rows: &[Result<Decision>]) -> Vec<String> {
    par_map(rows.iter().enumerate().collect(), |(i, r)| {
        row_json(first.saturating_add(i), r)
    })
}

/// One batch row as JSON: the canonical decision, or `{"index": i, "error": {...}}`.
pub fn row_json(index: usize, row: &Result<Decision>) -> String {
    match row {
        Ok(d) => d.to_json(),
        Err(e) => format!("{{\"index\":{index},\"error\":{}}}", error_json(e)),
    }
}

/// An error's fields, flat, for a binding to map to its idiom (a C struct, a Python
/// exception's attributes, a JavaScript error's properties, a uniffi record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorFields<'a> {
    /// The stable code, such as `input.invalid`.
    pub code: &'static str,
    /// The plain-words message.
    pub message: &'a str,
    /// The input path (input errors), `""` for the whole input.
    pub path: Option<&'a str>,
    /// The 1-based policy line (policy errors).
    pub line: Option<usize>,
    /// The 1-based policy column (policy errors).
    pub column: Option<usize>,
    /// The policy module the position is in, when not the main policy.
    pub module: Option<&'a str>,
    /// How to fix it, when the engine can say.
    pub help: Option<&'a str>,
}

/// The flat fields of an error (see [`ErrorFields`]); [`Error`]'s `Display` is the
/// one-line rendering every host shows.
pub fn fields(e: &Error) -> ErrorFields<'_> {
    let (line, column, module) = match &e.location {
        Some(Location::Policy {
            module,
            line,
            column,
        }) => (Some(*line), Some(*column), module.as_deref()),
        _ => (None, None, None),
    };
    ErrorFields {
        code: e.code.as_str(),
        message: &e.message,
        path: e.path(),
        line,
        column,
        module,
        help: e.help.as_deref(),
    }
}

/// An error as JSON text, the one shape every host writes: `{"code", "message",
/// "path"?, "line"?, "column"?, "module"?, "help"?}` (absent fields left out).
pub fn error_json(e: &Error) -> String {
    e.to_json()
}

/// The delinquency report ([`crate::report`]) of a batch given as JSON text (see
/// [`cases`] for the shapes) at `as_of` (RFC 3339 text), compared with `previous`, a
/// batch of the same portfolio and its earlier clock, when given. Every case that
/// cannot be read or decided is in the report's `errors` (under its index), never
/// dropped; the call fails only when a clock is bad, the previous clock is not
/// earlier, or a text is no batch at all (at `cases` or `previous`). Write it with
/// [`crate::report::Report::to_json`] (or `to_csv`, `to_table`, `to_html`).
pub fn report(
    policy: &Policy,
    cases_json: &str,
    as_of: &str,
    previous: Option<(&str, &str)>,
) -> Result<crate::report::Report> {
    let as_of = instant(as_of, arg::AS_OF)?;
    let previous = match previous {
        Some((text, at)) => {
            let at = instant(at, arg::PREVIOUS_AS_OF)?;
            let items = guard(|| cases(text)).map_err(|e| match e.path() {
                Some(p) if p == arg::CASES => e.at_path(arg::PREVIOUS),
                _ => e,
            })?;
            Some((items, at))
        }
        None => None,
    };
    let items = guard(|| cases(cases_json))?;
    guard(|| crate::report::report(policy, items, as_of, previous))
}

/// The comparison of a live experiment ([`crate::experiment::analyze`]) from JSON
/// text (an [`crate::experiment::ExperimentRequest`]), with error paths under
/// `experiment` (`experiment.outcomes[3].arm`).
pub fn experiment(json: &str) -> Result<crate::experiment::ExperimentReport> {
    let request: crate::experiment::ExperimentRequest = read(json, arg::EXPERIMENT)?;
    guard(|| crate::experiment::analyze(&request)).map_err(|e| e.under(arg::EXPERIMENT))
}

/// A fixed-horizon test's plan ([`crate::experiment::plan`]) from JSON text (a
/// [`crate::experiment::Plan`]), with error paths under `plan` (`plan.sd`).
pub fn experiment_plan(json: &str) -> Result<crate::experiment::PlanResult> {
    let p: crate::experiment::Plan = read(json, arg::PLAN)?;
    guard(|| crate::experiment::plan(&p)).map_err(|e| e.under(arg::PLAN))
}

pub use crate::error::{guard, internal_error, internal_fault, panic_error};

/// The day's work queue ([`crate::queue`]) of a batch given as JSON text (see [`cases`]
/// for the shapes) at `as_of` (RFC 3339 text), under `capacity_json`
/// (`{"call": 400, "sms": 5000}`, errors at `capacity.CHANNEL`). Every case that cannot
/// be read or decided is in the queue's `errors` (under its index), never dropped; the
/// call fails only when the clock or the capacities are bad, or the text is no batch.
/// Write it with [`crate::queue::WorkQueue::to_json`] (or `to_csv`, `to_table`).
pub fn queue(
    policy: &Policy,
    cases_json: &str,
    as_of: &str,
    capacity_json: &str,
) -> Result<crate::queue::WorkQueue> {
    let as_of = instant(as_of, arg::AS_OF)?;
    let capacity = crate::queue::Capacity::from_json(capacity_json)?;
    let items = guard(|| cases(cases_json))?;
    guard(|| crate::queue::queue(policy, items, as_of, &capacity))
}
