//! `recobro._native`: the Python binding of the Recobro engine (pyo3).
//!
//! A thin layer over `recobro::host`, the boundary every host uses: Python values
//! become JSON text (`convert.rs`: walked in Rust, exact), which the host boundary
//! reads with the engine's readers (`host::case`, `host::cases`, `host::read`,
//! `host::instant`, `host::channel`); decisions come back as plain Python values, and
//! `recobro::Error` becomes the exceptions defined in `recobro/__init__.py`
//! (`errors.rs`, through `host::fields`). Every entry point releases the GIL while the engine works; the
//! engine runs under `host::guard` and the Python-side code under `errors::guard`, so a
//! panic surfaces as `RecobroError` with code `internal`.
//!
//! Error paths name the arguments as every host does (`recobro::host::arg`): `as_of`,
//! `at`, `channel`, `cases`, `options.limits.max_operations`, `proposal.down_payment`,
//! `request.replications` (a simulation), `experiment.outcomes[3].arm`, `plan.sd`;
//! errors inside a case are relative to the case (`debts[0].due_on`) and in a batch
//! under its index (`[3].debts[0].due_on`).
//!
//! The public Python API is the pure-Python wrapper in `python/recobro/__init__.py`.

mod arrow;
mod convert;
mod errors;

use convert::{
    from_value, instant_text, into_text, to_json_text, Builder, Kind, ReadOptions, Reader,
};
use errors::{error_dict, guard, to_pyerr, IntoPy};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDateTime, PyDict, PyList, PyString, PyTuple, PyType};
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
use recobro::host::{self, arg};
use recobro::money::Proposal;
use recobro::{Channel, Decision, Error, ErrorCode, EvalOptions, Instant};
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// mimalloc for the extension's own Rust allocations (Python objects stay on
/// Python's allocator): a case makes about 300 small allocations (read and decided);
/// glibc's malloc and free were about 14% of `recobro eval`'s instructions, and
/// `evaluate_many` takes 0.87x to 0.90x the wall time with mimalloc (README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn internal(message: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Internal, message.to_string())
}

/// A Python value as exact JSON text for argument `root` (`""` for a case, whose
/// paths are relative to it); a value that cannot be JSON is `input.invalid` there.
fn json_arg(obj: &Bound<'_, PyAny>, root: &str, opts: ReadOptions) -> Result<String, Error> {
    to_json_text(obj, opts).map_err(|e| e.into_error(root))
}

/// The text of an instant argument (`as_of`, `at`): an aware `datetime` (as RFC 3339
/// in UTC) or an RFC 3339 string, checked by `host::instant`. The text and the instant.
fn instant_arg(obj: &Bound<'_, PyAny>, arg: &str) -> Result<(String, Instant), Error> {
    let text = if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()
            .map(|c| c.into_owned())
            .map_err(|e| Error::input(arg, e.to_string()))?
    } else if obj.is_instance_of::<PyDateTime>() {
        instant_text(obj).map_err(|e| e.into_error(arg))?
    } else {
        let ty = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        return Err(Error::input(
            arg,
            format!(
                "expected an aware datetime or an RFC 3339 string like `2026-03-16T15:00:00Z`, got `{ty}`"
            ),
        ));
    };
    let at = host::instant(&text, arg)?;
    Ok((text, at))
}

/// An instant argument (see [`instant_arg`]).
fn read_instant(obj: &Bound<'_, PyAny>, arg: &str) -> Result<Instant, Error> {
    instant_arg(obj, arg).map(|(_, t)| t)
}

fn to_json_value<T: serde::Serialize>(v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(internal)
}

/// Canonical JSON from the engine as a value (numbers stay exact).
fn json_value(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(internal)
}

/// A case (a dict) as the JSON text `host::case` reads; errors relative to the case.
fn read_case(case: &Bound<'_, PyAny>) -> Result<String, Error> {
    json_arg(case, "", ReadOptions::default())
}

/// The case's `id`, when the input has a string one (for rows whose reading failed).
fn case_id_of(obj: &Bound<'_, PyAny>) -> Option<String> {
    let d = obj.cast::<PyDict>().ok()?;
    let id = d.get_item("id").ok()??;
    id.extract::<String>().ok()
}

/// A snapshot of a report, one JSON text per case: JSON text (str or bytes) split by
/// the host boundary, or a list (or iterable) of case dicts, each converted on its own
/// (a conversion error is that case's error). Text that is no batch fails at `arg`.
fn snapshot_texts(
    cases: &Bound<'_, PyAny>,
    arg: &str,
) -> Result<Vec<Result<String, Error>>, Error> {
    if cases.is_instance_of::<PyString>() || cases.is_instance_of::<PyBytes>() {
        let text = batch_text(cases)?;
        let texts = host::guard(|| host::case_texts(&text)).map_err(|e| match e.path() {
            Some(p) if p == arg::CASES => e.at_path(arg),
            _ => e,
        })?;
        return Ok(texts.into_iter().map(|t| Ok(t.to_string())).collect());
    }
    let items = items_of(cases).map_err(|e| Error::input(arg, e.to_string()))?;
    Ok(items.iter().map(read_case).collect())
}

fn items_of<'py>(cases: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(l) = cases.cast::<PyList>() {
        return Ok(l.iter().collect());
    }
    if let Ok(t) = cases.cast::<PyTuple>() {
        return Ok(t.iter().collect());
    }
    cases.try_iter()?.collect()
}

/// How decisions are rendered in the `decision` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Render {
    /// A dict (list mode and pandas).
    Dict,
    /// The canonical JSON (Arrow).
    Json,
}

enum Rendered {
    Dict(Value),
    Json(String),
}

/// One slice of a batch, decided and rendered: each case's id (when it was read) and
/// its decision or error, the error under the case's index in the whole batch
/// (`host::evaluate_rows_from`).
struct Slice {
    ids: Vec<Option<String>>,
    rows: Vec<Result<(Decision, Rendered), Error>>,
}

/// The rayon pools built for a `threads=` argument, one per thread count (building one
/// starts its threads, named `recobro-{n}.{i}`), the [`KEPT_POOLS`] most recently used
/// kept for reuse: the least recently used ends its threads when its last batch does.
static POOLS: Mutex<Vec<(usize, Arc<ThreadPool>)>> = Mutex::new(Vec::new());

/// Most threads a batch may ask for (`threads=`; the Python package checks it first).
const MAX_THREADS: usize = 256;

/// Pools of distinct sizes kept for reuse.
const KEPT_POOLS: usize = 4;

/// How a batch runs: its clock, how its decisions are rendered, on which rayon pool
/// (`None`: the global one, as many threads as CPUs or `RAYON_NUM_THREADS`) and how
/// many cases are read, decided and turned into Python values at a time (the whole
/// batch by default). The rows are the same either way; a slice bounds the memory the
/// engine's side holds at once.
struct Run {
    as_of: Instant,
    how: Render,
    pool: Option<Arc<ThreadPool>>,
    chunk: usize,
}

impl Run {
    fn new(
        as_of: Instant,
        how: Render,
        threads: Option<usize>,
        chunk_size: Option<usize>,
    ) -> PyResult<Self> {
        use pyo3::exceptions::PyValueError;
        if threads == Some(0) {
            return Err(PyValueError::new_err(
                "threads must be at least 1 (or None)",
            ));
        }
        if let Some(n) = threads.filter(|&n| n > MAX_THREADS) {
            return Err(PyValueError::new_err(format!(
                "threads must be at most {MAX_THREADS} (or None), not {n}"
            )));
        }
        if chunk_size == Some(0) {
            return Err(PyValueError::new_err(
                "chunk_size must be at least 1 (or None)",
            ));
        }
        let pool = match threads {
            None => None,
            Some(n) => {
                let mut pools = POOLS.lock().unwrap_or_else(|p| p.into_inner());
                let pool = match pools.iter().position(|(size, _)| *size == n) {
                    // The most recently used goes last: the first is the one to end.
                    Some(i) => {
                        let used = pools.remove(i);
                        let p = Arc::clone(&used.1);
                        pools.push(used);
                        p
                    }
                    None => {
                        let p = ThreadPoolBuilder::new()
                            .num_threads(n)
                            .thread_name(move |i| format!("recobro-{n}.{i}"))
                            .build()
                            .map_err(|e| {
                                pyo3::exceptions::PyRuntimeError::new_err(format!(
                                    "cannot start a pool of {n} threads: {e}"
                                ))
                            })?;
                        let p = Arc::new(p);
                        if pools.len() >= KEPT_POOLS {
                            pools.remove(0);
                        }
                        pools.push((n, Arc::clone(&p)));
                        p
                    }
                };
                Some(pool)
            }
        };
        Ok(Run {
            as_of,
            how,
            pool,
            chunk: chunk_size.unwrap_or(usize::MAX),
        })
    }

    /// Run `f` on the batch's pool: the engine's parallel work inside it uses its threads.
    fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(p) => p.install(f),
            None => f(),
        }
    }
}

/// The JSON text of a batch given as `str` or UTF-8 `bytes` (at `cases`).
fn batch_text(cases: &Bound<'_, PyAny>) -> Result<String, Error> {
    if let Ok(b) = cases.cast::<PyBytes>() {
        return Ok(host::text(b.as_bytes(), arg::CASES)?.to_string());
    }
    let s = cases
        .cast::<PyString>()
        .map_err(|e| Error::input(arg::CASES, e.to_string()))?;
    s.to_cow()
        .map(|c| c.into_owned())
        .map_err(|e| Error::input(arg::CASES, e.to_string()))
}

/// A compiled policy. Immutable, shareable across threads; evaluation releases the GIL.
#[pyclass(module = "recobro._native", name = "Policy", frozen)]
struct NativePolicy {
    inner: recobro::Policy,
    /// The host scorecards it was built with (name to JSON text), kept to pickle it.
    scorecards: BTreeMap<String, String>,
    /// The host decision tables it was built with (name to JSON text), kept to pickle it.
    tables: BTreeMap<String, String>,
    /// The host contact-timing priors it was built with (name to JSON text), kept to
    /// pickle it.
    priors: BTreeMap<String, String>,
}

impl NativePolicy {
    /// Decide one slice of a batch whose first entry is the batch's entry `first`, and
    /// render the decisions, without the GIL and in parallel on the run's pool: cases
    /// read (or not) by the host boundary, one row per entry, in order.
    fn decide_slice<S: AsRef<str> + Sync + Send>(
        &self,
        py: Python<'_>,
        texts: Vec<Result<S, Error>>,
        first: usize,
        run: &Run,
    ) -> Slice {
        py.detach(move || {
            run.install(move || {
                let cases = host::cases_from_texts(texts);
                let ids = cases
                    .iter()
                    .map(|c| c.as_ref().ok().map(|c| c.id.clone()))
                    .collect();
                let rows = host::evaluate_rows_from(
                    &self.inner,
                    cases,
                    first,
                    run.as_of,
                    EvalOptions::default(),
                );
                Slice {
                    ids,
                    rows: render_all(rows, run.how),
                }
            })
        })
    }

    /// Decide a batch of cases read from Python values, a slice at a time: each slice
    /// written as JSON with the GIL (one after the other into one buffer, kept for the
    /// next slice), read (`host::case`), decided and rendered without it; `emit` gets
    /// each row with its index in the batch and its Python value. A value that cannot
    /// be JSON is its row's error, like a case that does not read.
    fn each_row_of_values<'py>(
        &self,
        py: Python<'py>,
        items: &[Bound<'py, PyAny>],
        opts: ReadOptions,
        run: &Run,
        mut emit: impl FnMut(usize, Option<String>, Result<(Decision, Rendered), Error>) -> PyResult<()>,
    ) -> PyResult<()> {
        let mut reader = Reader::new(py, opts);
        let mut buf: Vec<u8> = Vec::new();
        for (k, slice) in items.chunks(run.chunk).enumerate() {
            let first = k.saturating_mul(run.chunk);
            buf.clear();
            let spans: Vec<Result<Range<usize>, Error>> = slice
                .iter()
                .map(|obj| {
                    let start = buf.len();
                    reader
                        .write(obj, &mut buf)
                        .map(|()| start..buf.len())
                        .map_err(|e| e.into_error(""))
                })
                .collect();
            // Each case's text is a span of one buffer, checked as UTF-8 once (it is, by
            // construction: a failure would be a bug, reported on every row).
            let text = into_text(std::mem::take(&mut buf));
            let texts: Vec<Result<&str, Error>> = spans
                .into_iter()
                .map(|span| match &text {
                    Ok(t) => span.map(|s| t.get(s).unwrap_or_default()),
                    Err(e) => Err(internal(&e.message)),
                })
                .collect();
            let Slice { ids, rows } = self.decide_slice(py, texts, first, run);
            buf = text.map(String::into_bytes).unwrap_or_default();
            for (j, ((row, id), obj)) in rows.into_iter().zip(ids).zip(slice).enumerate() {
                let id = match &row {
                    Err(_) => id.or_else(|| case_id_of(obj)),
                    Ok(_) => id,
                };
                emit(first + j, id, row)?;
            }
        }
        Ok(())
    }

    /// Decide a batch given as JSON text (`str` or UTF-8 `bytes`: a JSON array of cases,
    /// one case object or NDJSON, `host::case_texts`), a slice at a time. Fails only when
    /// the text is no batch at all (at `cases`).
    fn each_row_of_text(
        &self,
        py: Python<'_>,
        cases: &Bound<'_, PyAny>,
        run: &Run,
        mut emit: impl FnMut(usize, Option<String>, Result<(Decision, Rendered), Error>) -> PyResult<()>,
    ) -> PyResult<()> {
        let text = batch_text(cases).py_err(py)?;
        let texts = py
            .detach(|| host::guard(|| host::case_texts(&text)))
            .py_err(py)?;
        for (k, slice) in texts.chunks(run.chunk).enumerate() {
            let first = k.saturating_mul(run.chunk);
            let slice: Vec<Result<&str, Error>> = slice.iter().map(|t| Ok(*t)).collect();
            let Slice { ids, rows } = self.decide_slice(py, slice, first, run);
            for (j, (row, id)) in rows.into_iter().zip(ids).enumerate() {
                emit(first + j, id, row)?;
            }
        }
        Ok(())
    }
}

/// Render the decisions of a slice (in parallel, on the current pool).
fn render_all(
    rows: Vec<Result<Decision, Error>>,
    how: Render,
) -> Vec<Result<(Decision, Rendered), Error>> {
    rows.into_par_iter()
        .map(|r| {
            let d = r?;
            let out = match how {
                Render::Dict => Rendered::Dict(to_json_value(&d)?),
                Render::Json => Rendered::Json(d.to_json()),
            };
            Ok((d, out))
        })
        .collect()
}

fn error_entry<'py>(
    py: Python<'py>,
    index: usize,
    case_id: Option<String>,
    e: &Error,
) -> PyResult<Bound<'py, PyAny>> {
    let d = PyDict::new(py);
    d.set_item("index", index)?;
    d.set_item("case_id", case_id)?;
    d.set_item("error", error_dict(py, e)?)?;
    Ok(d.into_any())
}

#[pymethods]
impl NativePolicy {
    /// Compile `source` with host `modules`, sandbox `limits`, host `scorecards`, host
    /// decision `tables` and host contact-timing `priors` (each name to JSON text): the
    /// policy options (`host::policy`), so their errors are at `options.modules...`/
    /// `options.limits...`/`options.scorecards...`/`options.tables...`/
    /// `options.priors...`, and a bad scorecard, table or prior is `policy.contract` at
    /// its line (module `scorecards/NAME`, `tables/NAME` or `priors/NAME`).
    #[new]
    #[pyo3(signature = (source, modules=None, limits=None, scorecards=None, tables=None, priors=None))]
    fn new(
        py: Python<'_>,
        source: String,
        modules: Option<&Bound<'_, PyAny>>,
        limits: Option<&Bound<'_, PyAny>>,
        scorecards: Option<&Bound<'_, PyAny>>,
        tables: Option<&Bound<'_, PyAny>>,
        priors: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            let mut options = String::from("{");
            let mut cards = None;
            let mut table_text = None;
            let mut prior_text = None;
            for (name, obj) in [
                ("modules", modules),
                ("limits", limits),
                ("scorecards", scorecards),
                ("tables", tables),
                ("priors", priors),
            ] {
                let Some(obj) = obj.filter(|o| !o.is_none()) else {
                    continue;
                };
                let root = format!("{}.{name}", arg::OPTIONS);
                let text = json_arg(obj, &root, ReadOptions::default()).py_err(py)?;
                if options.len() > 1 {
                    options.push(',');
                }
                options.push_str(&format!("\"{name}\":{text}"));
                match name {
                    "scorecards" => cards = Some(text),
                    "tables" => table_text = Some(text),
                    "priors" => prior_text = Some(text),
                    _ => {}
                }
            }
            options.push('}');
            let inner = py
                .detach(move || host::policy(&source, Some(&options)))
                .py_err(py)?;
            // The policy was built, so the options held a map of texts there.
            let scorecards = match cards {
                Some(text) => host::read(&text, arg::OPTIONS).py_err(py)?,
                None => BTreeMap::new(),
            };
            let tables = match table_text {
                Some(text) => host::read(&text, arg::OPTIONS).py_err(py)?,
                None => BTreeMap::new(),
            };
            let priors = match prior_text {
                Some(text) => host::read(&text, arg::OPTIONS).py_err(py)?,
                None => BTreeMap::new(),
            };
            Ok(NativePolicy {
                inner,
                scorecards,
                tables,
                priors,
            })
        })
    }

    /// The embedded default consumer policy (`consumer/policy`).
    #[staticmethod]
    fn default_consumer(py: Python<'_>) -> PyResult<Self> {
        guard(py, || {
            let inner = py
                .detach(|| host::guard(recobro::Policy::default_consumer))
                .py_err(py)?;
            Ok(NativePolicy {
                inner,
                scorecards: BTreeMap::new(),
                tables: BTreeMap::new(),
                priors: BTreeMap::new(),
            })
        })
    }

    /// An embedded policy by module path, such as `b2b/policy`.
    #[staticmethod]
    fn embedded(py: Python<'_>, path: String) -> PyResult<Self> {
        guard(py, || {
            let inner = py
                .detach(move || host::guard(|| recobro::Policy::embedded(&path)))
                .py_err(py)?;
            Ok(NativePolicy {
                inner,
                scorecards: BTreeMap::new(),
                tables: BTreeMap::new(),
                priors: BTreeMap::new(),
            })
        })
    }

    #[getter]
    fn name(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.inner.info().name.clone()))
    }

    #[getter]
    fn version(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.inner.info().version.clone()))
    }

    #[getter]
    fn digest(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.inner.info().digest.clone()))
    }

    #[getter]
    fn source(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.inner.source().to_string()))
    }

    #[getter]
    fn modules(&self, py: Python<'_>) -> PyResult<BTreeMap<String, String>> {
        guard(py, || Ok(self.inner.host_modules().clone()))
    }

    /// The host scorecards the policy was built with (name to JSON text).
    #[getter]
    fn scorecards(&self) -> BTreeMap<String, String> {
        self.scorecards.clone()
    }

    /// The host decision tables the policy was built with (name to JSON text).
    #[getter]
    fn tables(&self) -> BTreeMap<String, String> {
        self.tables.clone()
    }

    /// The host contact-timing priors the policy was built with (name to JSON text).
    #[getter]
    fn priors(&self) -> BTreeMap<String, String> {
        self.priors.clone()
    }

    #[getter]
    fn limits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let v = to_json_value(&self.inner.limits()).py_err(py)?;
            from_value(py, &v, Kind::Plain)
        })
    }

    #[pyo3(signature = (case, as_of, trace=false))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        case: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        trace: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            // The clock first, then the case: the order `host::evaluate` checks them in.
            let (as_of, _) = instant_arg(as_of, arg::AS_OF).py_err(py)?;
            let case = read_case(case).py_err(py)?;
            let policy = &self.inner;
            let out = py
                .detach(move || {
                    let json = host::evaluate(policy, &case, &as_of, trace)?;
                    json_value(&json)
                })
                .py_err(py)?;
            from_value(py, &out, Kind::Plain)
        })
    }

    /// The delinquency report (`recobro::report`) as its JSON text: `cases` and
    /// `previous` are a list (or iterable) of case dicts or JSON text (an array, one
    /// object or NDJSON), each case read on its own: a bad case is in the report's
    /// `errors`, never dropped. `recobro.Policy.report` turns it into DataFrames.
    #[pyo3(signature = (cases, as_of, previous=None, previous_as_of=None))]
    fn report_json<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        previous: Option<&Bound<'py, PyAny>>,
        previous_as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            let as_of = read_instant(as_of, arg::AS_OF).py_err(py)?;
            let previous = match (previous, previous_as_of) {
                (Some(p), Some(t)) => {
                    let at = read_instant(t, arg::PREVIOUS_AS_OF).py_err(py)?;
                    let texts = snapshot_texts(p, arg::PREVIOUS).py_err(py)?;
                    Some((texts, at))
                }
                (None, None) => None,
                (Some(_), None) => {
                    return Err(Error::input(
                        arg::PREVIOUS_AS_OF,
                        "a previous snapshot needs its clock, previous_as_of",
                    ))
                    .py_err(py)
                }
                (None, Some(_)) => {
                    return Err(Error::input(
                        arg::PREVIOUS,
                        "previous_as_of was given without a previous snapshot",
                    ))
                    .py_err(py)
                }
            };
            let texts = snapshot_texts(cases, arg::CASES).py_err(py)?;
            let policy = &self.inner;
            py.detach(move || {
                let previous = previous.map(|(texts, at)| (host::cases_from_texts(texts), at));
                let report = host::guard(|| {
                    recobro::report::report(policy, host::cases_from_texts(texts), as_of, previous)
                })?;
                Ok(report.to_json())
            })
            .py_err(py)
        })
    }

    /// The day's work queue (`recobro::queue`) as its JSON text
    /// (`schemas/work-queue.schema.json`): `cases` as for `report_json` (each case read
    /// on its own: a bad case is in the queue's `errors`, never dropped), `capacity` a
    /// dict `{channel: int}` or JSON text (errors at `capacity.CHANNEL`).
    fn queue_json<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        capacity: &Bound<'py, PyAny>,
    ) -> PyResult<String> {
        guard(py, || {
            let as_of = read_instant(as_of, arg::AS_OF).py_err(py)?;
            let capacity = request_text(capacity, "capacity").py_err(py)?;
            let capacity = recobro::queue::Capacity::from_json(&capacity).py_err(py)?;
            let texts = snapshot_texts(cases, arg::CASES).py_err(py)?;
            let policy = &self.inner;
            py.detach(move || {
                let queue = host::guard(|| {
                    recobro::queue::queue(policy, host::cases_from_texts(texts), as_of, &capacity)
                })?;
                Ok(queue.to_json())
            })
            .py_err(py)
        })
    }

    #[pyo3(signature = (case_json, as_of, trace=false))]
    fn evaluate_json(
        &self,
        py: Python<'_>,
        case_json: &str,
        as_of: &Bound<'_, PyAny>,
        trace: bool,
    ) -> PyResult<String> {
        guard(py, || {
            let (as_of, _) = instant_arg(as_of, arg::AS_OF).py_err(py)?;
            let policy = &self.inner;
            py.detach(move || host::evaluate(policy, case_json, &as_of, trace))
                .py_err(py)
        })
    }

    /// A batch: a list (or iterable) of case dicts, or JSON text (`str` or `bytes`: an
    /// array of cases, one case object or NDJSON). One entry per case: the decision, or
    /// `{"index", "case_id", "error"}`; and the indices of the failed cases, in order.
    /// `threads` sizes the pool the batch runs on (None: the global pool) and
    /// `chunk_size` is how many cases are decided and built at a time (None: all).
    #[pyo3(signature = (cases, as_of, drop_nulls=false, threads=None, chunk_size=None))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        drop_nulls: bool,
        threads: Option<usize>,
        chunk_size: Option<usize>,
    ) -> PyResult<(Bound<'py, PyList>, Vec<usize>)> {
        guard(py, || {
            let as_of = read_instant(as_of, arg::AS_OF).py_err(py)?;
            let run = Run::new(as_of, Render::Dict, threads, chunk_size)?;
            let mut build = Builder::new(py);
            let out = PyList::empty(py);
            let mut failed = Vec::new();
            let emit = |i: usize, id: Option<String>, r: Result<(Decision, Rendered), Error>| {
                let item = match r {
                    Ok((_, Rendered::Dict(v))) => build.value(&v, Kind::Plain)?,
                    Ok((_, Rendered::Json(s))) => PyString::new(py, &s).into_any(),
                    Err(e) => {
                        failed.push(i);
                        error_entry(py, i, id, &e)?
                    }
                };
                out.append(item)
            };
            if cases.is_instance_of::<PyString>() || cases.is_instance_of::<PyBytes>() {
                self.each_row_of_text(py, cases, &run, emit)?;
            } else {
                let items = items_of(cases)?;
                let opts = ReadOptions { drop_nulls };
                self.each_row_of_values(py, &items, opts, &run, emit)?;
            }
            Ok((out, failed))
        })
    }

    /// Decide an Arrow stream of cases (anything with `__arrow_c_stream__` or
    /// `__arrow_c_array__`), read in Rust without Python objects or JSON text; the
    /// decided rows as an Arrow stream (`ArrowStream`), one row per case, in order.
    /// `timezone`: the zone naive timestamps at instant fields are in (refused when
    /// None). Lazy (`eager=False`): a slice of `chunk_size` rows (default 65,536) is
    /// read, decided and written each time the consumer pulls. Eager: the whole stream
    /// is decided now, without the GIL, and the failed rows' error entries are returned
    /// too (`(stream, errors)`).
    #[pyo3(signature = (data, as_of, timezone=None, threads=None, chunk_size=None, eager=false))]
    #[expect(
        clippy::too_many_arguments,
        reason = "the keyword arguments of the Python API"
    )]
    fn evaluate_arrow<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        timezone: Option<&str>,
        threads: Option<usize>,
        chunk_size: Option<usize>,
        eager: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let as_of = read_instant(as_of, arg::AS_OF).py_err(py)?;
            let naive_zone = match timezone {
                None => None,
                Some(name) => Some(
                    name.parse::<chrono_tz::Tz>()
                        .map_err(|_| {
                            Error::input(
                                "timezone",
                                format!("unknown time zone {name:?}: give an IANA name such as \"America/Bogota\" or \"UTC\""),
                            )
                        })
                        .py_err(py)?,
                ),
            };
            let run = Run::new(as_of, Render::Json, threads, chunk_size)?;
            let Some(input) = arrow::import_stream(data)? else {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "expected an Arrow producer (an object with __arrow_c_stream__ or \
                     __arrow_c_array__: a pyarrow Table, RecordBatch or RecordBatchReader, a \
                     polars DataFrame, a DuckDB relation)",
                ));
            };
            let plan = arrow::Plan {
                policy: self.inner.clone(),
                as_of,
                ctx: arrow::ReadCtx { naive_zone },
                pool: run.pool.clone(),
                chunk: chunk_size.unwrap_or(arrow::DEFAULT_CHUNK),
            };
            let decide = arrow::Decide::new(input, plan);
            if !eager {
                return Ok(Bound::new(py, arrow::ArrowStream::new(Box::new(decide)))?.into_any());
            }
            let mut decide = decide.keeping_errors();
            let batches: Result<Vec<_>, _> = py.detach(|| decide.by_ref().collect());
            // The input's reader failed (a producer's error, a malformed array), or a
            // fault of ours was caught: the batch stops with the reason.
            let batches = batches.map_err(|e| {
                pyo3::exceptions::PyValueError::new_err(format!("the Arrow batch stopped: {e}"))
            })?;
            let errors = PyList::empty(py);
            for (i, id, e) in decide.errors.take().unwrap_or_default() {
                errors.append(error_entry(py, i, id, &e)?)?;
            }
            let stream = arrow::ArrowStream::new(Box::new(arrow::Batches::new(batches)));
            Ok((Bound::new(py, stream)?, errors)
                .into_pyobject(py)?
                .into_any())
        })
    }

    /// One row per case, as columns: the flat fields of each decision (or its error)
    /// and the whole decision (a dict, or the canonical JSON with `decision="json"`);
    /// and under `errors` the failed cases' `{"index", "case_id", "error"}`, in order.
    /// `threads` and `chunk_size` as for `evaluate_many`.
    #[pyo3(signature = (cases, as_of, drop_nulls=true, decision="dict", threads=None, chunk_size=None))]
    #[expect(
        clippy::too_many_arguments,
        reason = "the keyword arguments of the Python API"
    )]
    fn evaluate_columns<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        drop_nulls: bool,
        decision: &str,
        threads: Option<usize>,
        chunk_size: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let how = match decision {
                "dict" => Render::Dict,
                "json" => Render::Json,
                other => {
                    return Err(pyo3::exceptions::PyValueError::new_err(format!(
                        "decision must be \"dict\" or \"json\", not {other:?}"
                    )))
                }
            };
            let as_of = read_instant(as_of, arg::AS_OF).py_err(py)?;
            let run = Run::new(as_of, how, threads, chunk_size)?;
            let items = items_of(cases)?;

            let names = [
                "case_id",
                "segment",
                "action_kind",
                "action_channel",
                "action_template",
                "priority",
                "next_allowed_at",
                "charges_total",
                "error_code",
                "error_message",
                "error_path",
                "decision",
            ];
            let cols: Vec<Bound<'py, PyList>> = names.iter().map(|_| PyList::empty(py)).collect();
            let errors = PyList::empty(py);
            let mut build = Builder::new(py);
            let none = || py.None().into_bound(py);
            let emit = |i: usize, id: Option<String>, r: Result<(Decision, Rendered), Error>| {
                let row: [Bound<'py, PyAny>; 12] = match r {
                    Ok((d, out)) => {
                        let action = d.action.as_ref().map(|a| &a.action);
                        let totals: Bound<'py, PyAny> = match how {
                            Render::Dict => {
                                let t = PyDict::new(py);
                                for (cur, amount) in &d.charges.totals {
                                    t.set_item(cur, build.amount(amount)?)?;
                                }
                                t.into_any()
                            }
                            Render::Json => {
                                let t = PyList::empty(py);
                                for (cur, amount) in &d.charges.totals {
                                    t.append((cur, amount))?;
                                }
                                t.into_any()
                            }
                        };
                        let whole = match out {
                            Rendered::Dict(v) => build.value(&v, Kind::Plain)?,
                            Rendered::Json(s) => PyString::new(py, &s).into_any(),
                        };
                        [
                            d.case_id.as_str().into_pyobject(py)?.into_any(),
                            d.segment.as_deref().into_pyobject(py)?.into_any(),
                            action
                                .map(|a| a.kind.as_str())
                                .into_pyobject(py)?
                                .into_any(),
                            action
                                .and_then(|a| a.channel)
                                .map(Channel::as_str)
                                .into_pyobject(py)?
                                .into_any(),
                            action
                                .and_then(|a| a.template.as_deref())
                                .into_pyobject(py)?
                                .into_any(),
                            action.map(|a| a.priority).into_pyobject(py)?.into_any(),
                            match d.next_allowed_at {
                                Some(t) => build.instant(t)?,
                                None => none(),
                            },
                            totals,
                            none(),
                            none(),
                            none(),
                            whole,
                        ]
                    }
                    Err(e) => {
                        errors.append(error_entry(py, i, id.clone(), &e)?)?;
                        let f = host::fields(&e);
                        [
                            id.into_pyobject(py)?.into_any(),
                            none(),
                            none(),
                            none(),
                            none(),
                            none(),
                            none(),
                            none(),
                            f.code.into_pyobject(py)?.into_any(),
                            f.message.into_pyobject(py)?.into_any(),
                            f.path.into_pyobject(py)?.into_any(),
                            none(),
                        ]
                    }
                };
                for (col, v) in cols.iter().zip(row) {
                    col.append(v)?;
                }
                Ok(())
            };
            let opts = ReadOptions { drop_nulls };
            self.each_row_of_values(py, &items, opts, &run, emit)?;
            let out = PyDict::new(py);
            for (name, col) in names.iter().zip(cols) {
                out.set_item(name, col)?;
            }
            out.set_item("errors", errors)?;
            Ok(out)
        })
    }

    #[pyo3(signature = (case, channel, at, debt_id=None))]
    fn check_contact<'py>(
        &self,
        py: Python<'py>,
        case: &Bound<'py, PyAny>,
        channel: &str,
        at: &Bound<'py, PyAny>,
        debt_id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let ch = host::channel(channel, arg::CHANNEL).py_err(py)?;
            let at = read_instant(at, arg::AT).py_err(py)?;
            let case = read_case(case).py_err(py)?;
            let policy = &self.inner;
            let out = py
                .detach(move || {
                    host::guard(|| {
                        let case = host::case(&case)?;
                        let check = policy.check_contact(&case, ch, at, debt_id.as_deref())?;
                        to_json_value(&check)
                    })
                })
                .py_err(py)?;
            from_value(py, &out, Kind::Plain)
        })
    }

    /// A plan proposal, given as its terms: read as the `proposal` argument
    /// (`host::read`), so errors are at `proposal.down_payment` and so on.
    #[expect(
        clippy::too_many_arguments,
        reason = "the terms of the proposal, as the Python API names them"
    )]
    fn check_plan<'py>(
        &self,
        py: Python<'py>,
        case: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        down_payment: &Bound<'py, PyAny>,
        installments: &Bound<'py, PyAny>,
        frequency: &Bound<'py, PyAny>,
        first_due_on: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let as_of = read_instant(as_of, arg::AS_OF).py_err(py)?;
            let case = read_case(case).py_err(py)?;
            let mut terms = String::from("{");
            for (k, (name, obj)) in [
                ("down_payment", down_payment),
                ("installments", installments),
                ("frequency", frequency),
                ("first_due_on", first_due_on),
            ]
            .into_iter()
            .enumerate()
            {
                if k > 0 {
                    terms.push(',');
                }
                let root = format!("{}.{name}", arg::PROPOSAL);
                let text = json_arg(obj, &root, ReadOptions::default()).py_err(py)?;
                terms.push_str(&format!("\"{name}\":{text}"));
            }
            terms.push('}');
            let proposal: Proposal = host::read(&terms, arg::PROPOSAL).py_err(py)?;
            let policy = &self.inner;
            let out = py
                .detach(move || {
                    host::guard(|| {
                        let case = host::case(&case)?;
                        let check = policy.check_plan(&case, as_of, &proposal)?;
                        to_json_value(&check)
                    })
                })
                .py_err(py)?;
            from_value(py, &out, Kind::Plain)
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        guard(py, || {
            let me = slf.get();
            let cls: Bound<'py, PyType> = slf.get_type();
            let limits = me.limits(py)?;
            (
                cls,
                (
                    me.source(py)?,
                    me.modules(py)?,
                    limits,
                    me.scorecards(),
                    me.tables(),
                    me.priors(),
                ),
            )
                .into_pyobject(py)
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            let info = self.inner.info();
            Ok(format!(
                "<recobro._native.Policy {} {} {}>",
                info.name, info.version, info.digest
            ))
        })
    }
}

/// A decision's canonical JSON (from the CLI, `evaluate_json` or an Arrow `decision`
/// column) as the same dict `Policy.evaluate` returns; malformed text is `input.json`
/// at `text` (the argument's name).
#[pyfunction]
fn decision_from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let v: Value = host::read(text, "text").py_err(py)?;
        from_value(py, &v, Kind::Plain)
    })
}

/// The JSON text of a request argument (`request`, `experiment`, `plan`): JSON text as
/// given (`str`, or UTF-8 `bytes`, refused at `arg` when they are not), or a dict (any
/// value) written exactly, a value that cannot be JSON (a float, a naive datetime)
/// failing at its path under `arg` (`request.response_model.channels.sms.cost`).
fn request_text(obj: &Bound<'_, PyAny>, arg: &str) -> Result<String, Error> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(host::text(b.as_bytes(), arg)?.to_string());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|c| c.into_owned())
            .map_err(|e| Error::input(arg, e.to_string()));
    }
    json_arg(obj, arg, ReadOptions::default())
}

/// Run a simulation request (`host::simulation_request`: the shape of
/// `schemas/simulation-request.schema.json`, `replications` included) without the GIL;
/// the result as JSON text (`schemas/simulation-result.schema.json`). Errors are under
/// `request`, those of the run (a policy's options, a case) too, as on every host.
#[pyfunction]
fn simulate(py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<String> {
    guard(py, || {
        let text = request_text(request, arg::REQUEST).py_err(py)?;
        py.detach(move || {
            host::guard(|| {
                let request = host::simulation_request(&text)?;
                // The request's policies compile as it runs: their input errors'
                // paths are under `request` too.
                let result = request.run().map_err(|e| e.under(arg::REQUEST))?;
                serde_json::to_string(&result).map_err(internal)
            })
        })
        .py_err(py)
    })
}

/// Compare a live experiment's outcomes (`host::experiment`: the shape of
/// `schemas/experiment-request.schema.json`) without the GIL; the report as JSON text
/// (`schemas/experiment-report.schema.json`). Errors are under `experiment`.
#[pyfunction]
fn experiment(py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<String> {
    guard(py, || {
        let text = request_text(request, arg::EXPERIMENT).py_err(py)?;
        py.detach(move || {
            host::guard(|| {
                let report = host::experiment(&text)?;
                serde_json::to_string(&report).map_err(internal)
            })
        })
        .py_err(py)
    })
}

/// The cases a fixed-horizon test needs (`host::experiment_plan`: the `plan` of an
/// experiment request) as JSON text. Errors are under `plan`.
#[pyfunction]
fn experiment_plan(py: Python<'_>, plan: &Bound<'_, PyAny>) -> PyResult<String> {
    guard(py, || {
        let text = request_text(plan, arg::PLAN).py_err(py)?;
        py.detach(move || {
            host::guard(|| {
                let result = host::experiment_plan(&text)?;
                serde_json::to_string(&result).map_err(internal)
            })
        })
        .py_err(py)
    })
}

/// Test hook: the JSON text a Python value (a case) becomes on its way to the engine,
/// or the error a case made of it fails with (paths relative to it); `drop_nulls` as
/// for DataFrame and Arrow rows.
#[pyfunction]
#[pyo3(signature = (value, drop_nulls=false))]
fn _json_text(py: Python<'_>, value: &Bound<'_, PyAny>, drop_nulls: bool) -> PyResult<String> {
    guard(py, || {
        json_arg(value, "", ReadOptions { drop_nulls }).py_err(py)
    })
}

/// Test hook: panic inside an entry point (`where="call"`) or inside the part that runs
/// without the GIL (`where="detached"`), to prove that no panic crosses into Python.
#[pyfunction]
#[pyo3(signature = (message, r#where="call"))]
#[expect(
    clippy::panic,
    reason = "the point of this hook: a panic that the guards must catch"
)]
fn _test_panic(py: Python<'_>, message: String, r#where: &str) -> PyResult<()> {
    guard(py, || {
        if r#where == "detached" {
            py.detach(move || {
                host::guard(|| -> Result<(), Error> { std::panic::panic_any(message) })
            })
            .map_err(|e| to_pyerr(py, &e))
        } else {
            std::panic::panic_any(message)
        }
    })
}

/// The Arrow schema of a case (an `ArrowStream` holding only a schema: `pyarrow.schema(x)`).
#[pyfunction]
fn case_schema() -> arrow::ArrowStream {
    arrow::ArrowStream::schema_only(arrow::case_schema())
}

/// The Arrow schema of the decided rows `evaluate_arrow` writes.
#[pyfunction]
fn output_schema() -> arrow::ArrowStream {
    arrow::ArrowStream::schema_only(arrow::output_schema().as_ref().clone())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativePolicy>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add_function(wrap_pyfunction!(case_schema, m)?)?;
    m.add_function(wrap_pyfunction!(output_schema, m)?)?;
    m.add_function(wrap_pyfunction!(decision_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(experiment, m)?)?;
    m.add_function(wrap_pyfunction!(experiment_plan, m)?)?;
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    m.add_function(wrap_pyfunction!(_json_text, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
