//! `recobro._native`: the Python binding of the Recobro engine (pyo3).
//!
//! A thin layer: Python values become the core's types (through exact JSON text and
//! `recobro::Case::from_json`), decisions come back as plain Python values, and
//! `recobro::Error` becomes the exceptions defined in `recobro/__init__.py`. Every
//! entry point releases the GIL while the engine works and catches panics, which
//! surface as `RecobroError` with code `internal`.
//!
//! The public Python API is the pure-Python wrapper in `python/recobro/__init__.py`.

mod convert;
mod errors;

use convert::{from_value, instant_text, to_json_text, Builder, Kind, ReadOptions};
use errors::{error_dict, guard, no_panic, to_pyerr, IntoPy};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyList, PyString, PyTuple, PyType};
use rayon::prelude::*;
use recobro::model::{prefix_path, Channel};
use recobro::{Case, Decision, Error, ErrorCode, EvalOptions, Instant, Limits, PolicyBuilder};
use serde_json::Value;
use std::collections::BTreeMap;

fn internal(message: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Internal, message.to_string())
}

/// Read a Python value as JSON text; errors are `input.invalid` under `root`.
fn read(obj: &Bound<'_, PyAny>, root: &str, opts: ReadOptions) -> Result<String, Error> {
    to_json_text(obj, opts).map_err(|e| e.into_error(root))
}

/// Deserialize JSON text the way the core reads files (numbers exact), with paths.
fn parse_json<T: serde::de::DeserializeOwned>(text: &str, root: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let p = e.path().to_string();
        let path = match (root.is_empty(), p == ".") {
            (_, true) => root.to_string(),
            (true, false) => p,
            (false, false) => format!("{root}.{p}"),
        };
        let message = e.into_inner().to_string();
        // The path says where; serde_json's " at line 1 column 23" would only confuse.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        Error::input(path, message)
    })
}

/// An instant from an aware `datetime` or an RFC 3339 string; `what` names it in errors.
fn read_instant(obj: &Bound<'_, PyAny>, what: &str) -> Result<Instant, Error> {
    let text = if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()
            .map(|c| c.into_owned())
            .map_err(|e| Error::input(what, e.to_string()))?
    } else if obj.is_instance_of::<PyDateTime>() {
        instant_text(obj).map_err(|e| e.into_error(what))?
    } else {
        let ty = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        return Err(Error::input(
            what,
            format!(
                "expected an aware datetime or an RFC 3339 string like `2026-03-16T15:00:00Z`, got `{ty}`"
            ),
        ));
    };
    (&text).parse::<Instant>().map_err(|m| Error::input(what, m))
}

fn to_json_value<T: serde::Serialize>(v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(internal)
}

/// An error of the `i`-th case of a batch: its input path gets the index, as the core
/// does in `evaluate_batch_owned` (errors without a path stay as they are).
fn index_error(e: Error, i: usize) -> Error {
    if e.path().is_some() {
        prefix_path(e, i)
    } else {
        e
    }
}

/// `[k]...` paths from a batch of the cases that parsed, renumbered to the caller's index.
fn reindex(e: Error, k: usize, i: usize) -> Error {
    if k == i {
        return e;
    }
    let prefix = format!("[{k}]");
    match e.path() {
        Some(p) if p.starts_with(&prefix) => {
            let rest = p[prefix.len()..].to_string();
            e.at_path(format!("[{i}]{rest}"))
        }
        _ => e,
    }
}

/// The case's `id`, when the input has a string one (for rows whose evaluation failed).
fn case_id_of(obj: &Bound<'_, PyAny>) -> Option<String> {
    let d = obj.cast::<PyDict>().ok()?;
    let id = d.get_item("id").ok()??;
    id.extract::<String>().ok()
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

/// A compiled policy. Immutable, shareable across threads; evaluation releases the GIL.
#[pyclass(module = "recobro._native", name = "Policy", frozen)]
struct NativePolicy {
    inner: recobro::Policy,
}

impl NativePolicy {
    /// Evaluate a batch: read with the GIL, parse and evaluate without it, in parallel.
    fn run_batch<'py>(
        &self,
        py: Python<'py>,
        items: &[Bound<'py, PyAny>],
        as_of: Instant,
        opts: ReadOptions,
    ) -> Vec<Result<Decision, Error>> {
        let values: Vec<Result<String, Error>> = items
            .iter()
            .enumerate()
            .map(|(i, obj)| read(obj, "", opts).map_err(|e| prefix_path(e, i)))
            .collect();
        let policy = &self.inner;
        let n = values.len();
        let batch = py.detach(move || {
            no_panic(|| {
                let parsed: Vec<Result<Case, Error>> = values
                    .into_par_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        v.and_then(|v| Case::from_json(&v).map_err(|e| prefix_path(e, i)))
                    })
                    .collect();
                let mut slots: Vec<Option<Result<Decision, Error>>> = Vec::with_capacity(n);
                let mut ok_cases = Vec::with_capacity(n);
                let mut ok_index = Vec::with_capacity(n);
                for (i, r) in parsed.into_iter().enumerate() {
                    match r {
                        Ok(c) => {
                            ok_index.push(i);
                            ok_cases.push(c);
                            slots.push(None);
                        }
                        Err(e) => slots.push(Some(Err(e))),
                    }
                }
                let results = policy.evaluate_batch_owned(ok_cases, as_of);
                for (k, (i, r)) in ok_index.into_iter().zip(results).enumerate() {
                    if let Some(slot) = slots.get_mut(i) {
                        *slot = Some(r.map_err(|e| reindex(e, k, i)));
                    }
                }
                Ok(slots
                    .into_iter()
                    .map(|s| s.unwrap_or_else(|| Err(internal("no result for this case"))))
                    .collect::<Vec<_>>())
            })
        });
        match batch {
            Ok(rows) => rows,
            // A panic in the batch: evaluate one case at a time so that only the case
            // that panics is lost.
            Err(_) => items
                .iter()
                .enumerate()
                .map(|(i, obj)| {
                    let v = read(obj, "", opts).map_err(|e| prefix_path(e, i));
                    py.detach(move || {
                        no_panic(|| {
                            let case = Case::from_json(&v?)?;
                            policy.evaluate_owned(case, as_of, EvalOptions::default())
                        })
                        .map_err(|e| index_error(e, i))
                    })
                })
                .collect(),
        }
    }

    fn case_value(case: &Bound<'_, PyAny>) -> Result<String, Error> {
        read(case, "", ReadOptions::default())
    }
}

fn render_all(
    py: Python<'_>,
    rows: Vec<Result<Decision, Error>>,
    how: Render,
) -> Vec<Result<(Decision, Rendered), Error>> {
    py.detach(move || {
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
    })
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
    #[new]
    #[pyo3(signature = (source, modules=None, limits=None))]
    fn new(
        py: Python<'_>,
        source: String,
        modules: Option<BTreeMap<String, String>>,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            let limits = match limits {
                None => Limits::default(),
                Some(obj) if obj.is_none() => Limits::default(),
                Some(obj) => {
                    let text = read(obj, "limits", ReadOptions::default()).py_err(py)?;
                    parse_json::<Limits>(&text, "limits").py_err(py)?
                }
            };
            let inner = py
                .detach(move || {
                    no_panic(|| {
                        let mut b = PolicyBuilder::new(source).limits(limits);
                        for (name, src) in modules.unwrap_or_default() {
                            b = b.module(name, src);
                        }
                        b.build()
                    })
                })
                .py_err(py)?;
            Ok(NativePolicy { inner })
        })
    }

    /// The embedded default consumer policy (`consumer/policy`).
    #[staticmethod]
    fn default_consumer(py: Python<'_>) -> PyResult<Self> {
        guard(py, || {
            let inner = py
                .detach(|| no_panic(recobro::Policy::default_consumer))
                .py_err(py)?;
            Ok(NativePolicy { inner })
        })
    }

    /// An embedded policy by module path, such as `b2b/policy`.
    #[staticmethod]
    fn embedded(py: Python<'_>, path: String) -> PyResult<Self> {
        guard(py, || {
            let inner = py
                .detach(move || no_panic(|| recobro::Policy::embedded(&path)))
                .py_err(py)?;
            Ok(NativePolicy { inner })
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
            let as_of = read_instant(as_of, "as_of").py_err(py)?;
            let value = Self::case_value(case).py_err(py)?;
            let policy = &self.inner;
            let out = py
                .detach(move || {
                    no_panic(|| {
                        let case = Case::from_json(&value)?;
                        let d = policy.evaluate_owned(case, as_of, EvalOptions { trace })?;
                        to_json_value(&d)
                    })
                })
                .py_err(py)?;
            from_value(py, &out, Kind::Plain)
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
            let as_of = read_instant(as_of, "as_of").py_err(py)?;
            let policy = &self.inner;
            py.detach(move || {
                no_panic(|| {
                    let case = Case::from_json(case_json)?;
                    let d = policy.evaluate_owned(case, as_of, EvalOptions { trace })?;
                    Ok(d.to_json())
                })
            })
            .py_err(py)
        })
    }

    #[pyo3(signature = (cases, as_of, drop_nulls=false))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        drop_nulls: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            let as_of = read_instant(as_of, "as_of").py_err(py)?;
            let items = items_of(cases)?;
            let rows = self.run_batch(py, &items, as_of, ReadOptions { drop_nulls });
            let rendered = render_all(py, rows, Render::Dict);
            let mut build = Builder::new(py);
            let out = PyList::empty(py);
            for (i, (r, obj)) in rendered.into_iter().zip(&items).enumerate() {
                let item = match r {
                    Ok((_, Rendered::Dict(v))) => build.value(&v, Kind::Plain)?,
                    Ok((_, Rendered::Json(s))) => PyString::new(py, &s).into_any(),
                    Err(e) => error_entry(py, i, case_id_of(obj), &e)?,
                };
                out.append(item)?;
            }
            Ok(out)
        })
    }

    /// One row per case, as columns: the flat fields of each decision (or its error)
    /// and the whole decision (a dict, or the canonical JSON with `decision="json"`).
    #[pyo3(signature = (cases, as_of, drop_nulls=true, decision="dict"))]
    fn evaluate_columns<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        drop_nulls: bool,
        decision: &str,
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
            let as_of = read_instant(as_of, "as_of").py_err(py)?;
            let items = items_of(cases)?;
            let rows = self.run_batch(py, &items, as_of, ReadOptions { drop_nulls });
            let rendered = render_all(py, rows, how);

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
            let mut build = Builder::new(py);
            let none = || py.None().into_bound(py);
            for (r, obj) in rendered.into_iter().zip(&items) {
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
                                Some(t) => build.instant(&t.0)?,
                                None => none(),
                            },
                            totals,
                            none(),
                            none(),
                            none(),
                            whole,
                        ]
                    }
                    Err(e) => [
                        case_id_of(obj).into_pyobject(py)?.into_any(),
                        none(),
                        none(),
                        none(),
                        none(),
                        none(),
                        none(),
                        none(),
                        e.code.as_str().into_pyobject(py)?.into_any(),
                        e.message.as_str().into_pyobject(py)?.into_any(),
                        e.path().into_pyobject(py)?.into_any(),
                        none(),
                    ],
                };
                for (col, v) in cols.iter().zip(row) {
                    col.append(v)?;
                }
            }
            let out = PyDict::new(py);
            for (name, col) in names.iter().zip(cols) {
                out.set_item(name, col)?;
            }
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
            let ch = Channel::parse_input(channel, "channel").py_err(py)?;
            let at = read_instant(at, "at").py_err(py)?;
            let value = Self::case_value(case).py_err(py)?;
            let policy = &self.inner;
            let out = py
                .detach(move || {
                    no_panic(|| {
                        let case = Case::from_json(&value)?;
                        let check = policy.check_contact(&case, ch, at, debt_id.as_deref())?;
                        to_json_value(&check)
                    })
                })
                .py_err(py)?;
            from_value(py, &out, Kind::Plain)
        })
    }

    #[allow(clippy::too_many_arguments)] // the terms of the proposal, as the Python API names them
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
            let as_of = read_instant(as_of, "as_of").py_err(py)?;
            let value = Self::case_value(case).py_err(py)?;
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
                terms.push_str(&format!("\"{name}\":"));
                terms.push_str(&read(obj, name, ReadOptions::default()).py_err(py)?);
            }
            terms.push('}');
            let proposal: recobro::money::plans::Proposal = parse_json(&terms, "").py_err(py)?;
            let policy = &self.inner;
            let out = py
                .detach(move || {
                    no_panic(|| {
                        let case = Case::from_json(&value)?;
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
            (cls, (me.source(py)?, me.modules(py)?, limits)).into_pyobject(py)
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
/// column) as the same dict `Policy.evaluate` returns.
#[pyfunction]
fn decision_from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorCode::InputJson, format!("not valid JSON: {e}")))
            .py_err(py)?;
        from_value(py, &v, Kind::Plain)
    })
}

/// Test hook: panic inside an entry point (`where="call"`) or inside the part that runs
/// without the GIL (`where="detached"`), to prove that no panic crosses into Python.
#[pyfunction]
#[pyo3(signature = (message, r#where="call"))]
#[allow(clippy::panic)] // the point of this hook: a panic that the guards must catch
fn _test_panic(py: Python<'_>, message: String, r#where: &str) -> PyResult<()> {
    guard(py, || {
        if r#where == "detached" {
            py.detach(move || no_panic(|| -> Result<(), Error> { std::panic::panic_any(message) }))
                .map_err(|e| to_pyerr(py, &e))
        } else {
            std::panic::panic_any(message)
        }
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativePolicy>()?;
    m.add_function(wrap_pyfunction!(decision_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
