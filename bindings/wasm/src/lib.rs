//! The JavaScript/TypeScript binding of the Recobro engine, compiled to WebAssembly
//! with wasm-bindgen (`bindings/wasm/build.sh` makes the npm package `recobro` for
//! Node, browsers and bundlers).
//!
//! A thin layer over the core's host boundary (`recobro::host`): cases, batches,
//! options, proposals and requests come in as objects or JSON text and are read by the
//! host boundary's exact readers (amounts are decimal strings, never JS numbers;
//! instants are ISO strings with an offset or `Date`s); decisions and results go out
//! as plain objects with the same fields and amounts as the canonical decision JSON.
//! Errors are thrown as `Error`s named `RecobroError` with the fields of
//! `host::fields` (`code`, `detail`, `path`, `line`, `column`, `module`, `help`);
//! error rows are the flat error JSON of `host::row_json`.
//!
//! A panic on wasm32 aborts (a trap, not an unwind): the panic hook records the
//! core's `internal` error for it, and the package's JavaScript wrapper turns the trap
//! into that `RecobroError` and resets the module, so the next call works.

#[cfg(any(all(target_arch = "wasm32", not(target_feature = "atomics")), test))]
mod alloc;
mod convert;
mod errors;

/// Small blocks from free lists, the rest from dlmalloc (see `alloc.rs`).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static GLOBAL: alloc::SmallBlocks = alloc::SmallBlocks::new();

use convert::{
    api_json_text, batch_text, instant, instant_text, json_text, opt_json_text, parse, to_js,
};
use recobro::host::{self, arg};
use recobro::simulation::SimulationRequest;
use recobro::{Error, EvalOptions};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

fn js<T>(r: Result<T, Error>) -> JsResult<T> {
    r.map_err(errors::to_js)
}

/// Installs the panic hook when the module starts.
#[wasm_bindgen(start)]
pub fn start() {
    errors::install_panic_hook();
}

/// Compile policy source with options as an object, JSON text, `undefined` or `null`.
fn compile(source: &str, options: &JsValue) -> Result<recobro::Policy, Error> {
    host::policy(source, opt_json_text(options, arg::OPTIONS)?.as_deref())
}

/// A compiled policy: compile once, evaluate many.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Policy {
    inner: recobro::Policy,
}

#[wasm_bindgen]
impl Policy {
    /// Compile Rhai policy source. `options` may give `modules` ({name: source}),
    /// `limits` ({max_operations, ...}), `closures` ({calendar: ["YYYY-MM-DD"]}),
    /// `rate_entries` ({table: [{from, rate, source, confidence}]}), `scorecards`
    /// ({name: scorecard JSON text}, for `c.score(name)`), `tables` ({name: decision
    /// table JSON text}, for `c.table(name, inputs)`) and `priors` ({name: contact-timing
    /// prior JSON text}, for `contact_timing()`).
    #[wasm_bindgen(constructor)]
    pub fn new(source: &str, options: JsValue) -> JsResult<Policy> {
        js(compile(source, &options).map(|inner| Policy { inner }))
    }

    /// The embedded default consumer collections policy (`consumer/policy`).
    #[wasm_bindgen(js_name = defaultPolicy)]
    pub fn default_policy() -> JsResult<Policy> {
        js(recobro::Policy::default_consumer().map(|inner| Policy { inner }))
    }

    /// An embedded policy by module path (`consumer/policy`, `b2b/policy`,
    /// `consumer/digital_first`).
    pub fn embedded(path: &str) -> JsResult<Policy> {
        js(recobro::Policy::embedded(path).map(|inner| Policy { inner }))
    }

    /// `{name, version, digest}`.
    pub fn info(&self) -> JsResult<JsValue> {
        js(to_js(self.inner.info()))
    }

    /// The sandbox limits the policy runs under.
    pub fn limits(&self) -> JsResult<JsValue> {
        js(to_js(&self.inner.limits()))
    }

    /// The functions the policy defines.
    pub fn functions(&self) -> Vec<String> {
        self.inner.functions()
    }

    /// Decide one case at `asOf`; `trace` records every pipeline step, rule outcome
    /// and the policy's `print` output.
    pub fn evaluate(
        &self,
        case: JsValue,
        as_of: JsValue,
        trace: Option<bool>,
    ) -> JsResult<JsValue> {
        js(self
            .decide(&case, &as_of, trace)
            .and_then(|json| parse(&json)))
    }

    /// Decide one case and return the canonical decision JSON text (the same bytes on
    /// every host).
    #[wasm_bindgen(js_name = evaluateJson)]
    pub fn evaluate_json(
        &self,
        case: JsValue,
        as_of: JsValue,
        trace: Option<bool>,
    ) -> JsResult<String> {
        js(self.decide(&case, &as_of, trace))
    }

    /// Decide many cases: an array (of objects or JSON texts), or JSON text (an array,
    /// one object or NDJSON). One row per case, in order: `{decision}` or `{index,
    /// error}` (the flat error, its `path` under the case's index). A bad `asOf`, or
    /// text that is no batch at all, throws.
    #[wasm_bindgen(js_name = evaluateMany)]
    pub fn evaluate_many(&self, cases: JsValue, as_of: JsValue) -> JsResult<js_sys::Array> {
        js((|| {
            let as_of = instant(&as_of, arg::AS_OF)?;
            let items: Vec<Result<recobro::Case, Error>> =
                if let Some(text) = batch_text(&cases, arg::CASES)? {
                    host::cases(&text)?
                } else if js_sys::Array::is_array(&cases) {
                    // Unindexed: `evaluate_rows` puts each error under its case's index.
                    js_sys::Array::from(&cases)
                        .iter()
                        .map(|v| json_text(&v, "").and_then(|t| host::case(&t)))
                        .collect()
                } else {
                    return Err(Error::input(
                        arg::CASES,
                        "expected an array of cases or JSON text",
                    ));
                };
            let rows = js_sys::Array::new();
            let decided = host::evaluate_rows(&self.inner, items, as_of, EvalOptions::default());
            for (i, r) in decided.iter().enumerate() {
                let row = match r {
                    Ok(d) => {
                        let row = js_sys::Object::new();
                        let _ = js_sys::Reflect::set(
                            &row,
                            &JsValue::from_str("decision"),
                            &parse(&d.to_json())?,
                        );
                        row.into()
                    }
                    Err(_) => parse(&host::row_json(i, r))?,
                };
                rows.push(&row);
            }
            Ok(rows)
        })())
    }

    /// May this contact happen at `at`? Every rule with its citation and outcome, and
    /// `next_allowed_at` when blocked. `debtId` narrows per-debt rules to one debt.
    #[wasm_bindgen(js_name = checkContact)]
    pub fn check_contact(
        &self,
        case: JsValue,
        channel: &str,
        at: JsValue,
        debt_id: Option<String>,
    ) -> JsResult<JsValue> {
        js((|| {
            let c = host::case(&api_json_text(&case, arg::CASE)?)?;
            let ch = host::channel(channel, arg::CHANNEL)?;
            let at = instant(&at, arg::AT)?;
            to_js(&self.inner.check_contact(&c, ch, at, debt_id.as_deref())?)
        })())
    }

    /// Check a debtor's plan proposal (`{down_payment, installments, frequency,
    /// first_due_on}`) against the first plan the policy offers the case.
    #[wasm_bindgen(js_name = checkPlan)]
    pub fn check_plan(
        &self,
        case: JsValue,
        as_of: JsValue,
        proposal: JsValue,
    ) -> JsResult<JsValue> {
        js((|| {
            let c = host::case(&api_json_text(&case, arg::CASE)?)?;
            let as_of = instant(&as_of, arg::AS_OF)?;
            let p: recobro::money::Proposal =
                host::read(&api_json_text(&proposal, arg::PROPOSAL)?, arg::PROPOSAL)?;
            to_js(&self.inner.check_plan(&c, as_of, &p)?)
        })())
    }
}

#[wasm_bindgen]
impl Policy {
    /// The delinquency report (`recobro::report`) of `cases` (an array of objects or
    /// JSON texts, or JSON text: an array, one object or NDJSON) at `asOf`, compared
    /// with `previous` (the same portfolio at the earlier `previousAsOf`) when given,
    /// written as `format`: `json` (the default; `schemas/report.schema.json`), `csv`,
    /// `table` or `html`. A bad case is in the report's `errors`, never dropped.
    pub fn report(
        &self,
        cases: JsValue,
        as_of: JsValue,
        previous: JsValue,
        previous_as_of: JsValue,
        format: Option<String>,
    ) -> JsResult<String> {
        js((|| {
            let as_of = instant(&as_of, arg::AS_OF)?;
            let previous = if previous.is_undefined() || previous.is_null() {
                if !(previous_as_of.is_undefined() || previous_as_of.is_null()) {
                    return Err(Error::input(
                        arg::PREVIOUS,
                        "previousAsOf was given without a previous snapshot",
                    ));
                }
                None
            } else {
                if previous_as_of.is_undefined() || previous_as_of.is_null() {
                    return Err(Error::input(
                        arg::PREVIOUS_AS_OF,
                        "a previous snapshot needs its clock, previousAsOf",
                    ));
                }
                let at = instant(&previous_as_of, arg::PREVIOUS_AS_OF)?;
                Some((snapshot(&previous, arg::PREVIOUS)?, at))
            };
            let items = snapshot(&cases, arg::CASES)?;
            let r = host::guard(|| recobro::report::report(&self.inner, items, as_of, previous))?;
            match format.as_deref().unwrap_or("json") {
                "json" => Ok(r.to_json()),
                "csv" => Ok(r.to_csv()),
                "table" => Ok(r.to_table()),
                "html" => Ok(r.to_html()),
                other => Err(Error::input(
                    "format",
                    format!("`{other}` is not a report format: expected `json`, `csv`, `table` or `html`"),
                )),
            }
        })())
    }
}

#[wasm_bindgen]
impl Policy {
    /// The day's work queue (`recobro::queue`, `recobro queue`) of `cases` (an array of
    /// objects or JSON texts, or JSON text: an array, one object or NDJSON) at `asOf`
    /// under the daily `capacity` per channel (`{"call": 400}`, an object or JSON text;
    /// errors at `capacity.CHANNEL`), written as `format`: `json` (the default;
    /// schemas/work-queue.schema.json, byte for byte the CLI's), `csv` or `table`. A
    /// bad case is in the queue's `errors`, never dropped.
    pub fn queue(
        &self,
        cases: JsValue,
        as_of: JsValue,
        capacity: JsValue,
        format: Option<String>,
    ) -> JsResult<String> {
        js((|| {
            let as_of = instant_text(&as_of, arg::AS_OF)?;
            let cases = api_json_text(&cases, arg::CASES)?;
            let capacity = if capacity.is_undefined() || capacity.is_null() {
                "{}".to_string()
            } else {
                json_text(&capacity, "capacity")?
            };
            let q = host::queue(&self.inner, &cases, &as_of, &capacity)?;
            match format.as_deref().unwrap_or("json") {
                "json" => Ok(q.to_json()),
                "csv" => Ok(q.to_csv()),
                "table" => Ok(q.to_table()),
                other => Err(Error::input(
                    "format",
                    format!("`{other}` is not a queue format: expected `json`, `csv` or `table`"),
                )),
            }
        })())
    }
}

/// A report's snapshot: JSON text read by the host boundary (text that is no batch
/// fails at `arg`), or an array of case objects or texts, each read on its own.
fn snapshot(cases: &JsValue, arg: &str) -> Result<Vec<Result<recobro::Case, Error>>, Error> {
    if let Some(text) = batch_text(cases, arg)? {
        return host::cases(&text).map_err(|e| match e.path() {
            Some(p) if p == arg::CASES => e.at_path(arg),
            _ => e,
        });
    }
    if js_sys::Array::is_array(cases) {
        return Ok(js_sys::Array::from(cases)
            .iter()
            .map(|v| json_text(&v, "").and_then(|t| host::case(&t)))
            .collect());
    }
    Err(Error::input(arg, "expected an array of cases or JSON text"))
}

impl Policy {
    fn decide(
        &self,
        case: &JsValue,
        as_of: &JsValue,
        trace: Option<bool>,
    ) -> Result<String, Error> {
        let as_of = instant_text(as_of, arg::AS_OF)?;
        let case = api_json_text(case, arg::CASE)?;
        host::evaluate(&self.inner, &case, &as_of, trace.unwrap_or(false))
    }
}

/// Compile policy source and return its problems (empty when it compiles): each
/// the flat error `{code, message, path?, line?, column?, module?, help?}`. For
/// editors; never throws.
#[wasm_bindgen]
pub fn diagnose(source: &str, options: JsValue) -> js_sys::Array {
    let out = js_sys::Array::new();
    if let Err(e) = compile(source, &options) {
        out.push(
            &parse(&host::error_json(&e)).unwrap_or_else(|_| JsValue::from_str(&e.to_string())),
        );
    }
    out
}

thread_local! {
    static PROGRESS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

fn report_progress(done: usize, total: usize) {
    PROGRESS.with(|p| {
        if let Some(f) = p.borrow().as_ref() {
            // A throwing progress callback must not stop the simulation.
            let _ = f.call2(
                &JsValue::NULL,
                &JsValue::from_f64(done as f64),
                &JsValue::from_f64(total as f64),
            );
        }
    });
}

/// Run a simulation request (`policies`, `cases` or `generate`, `start`, `days`,
/// `seed`, `shares`, `experiment`, `response_model`, `replications`; defaults as
/// `recobro simulate`). `onProgress(done, total)` is called as cases finish (with
/// replications, every replication's cases). Returns the result with the KPIs, the
/// challenger-minus-champion difference and the daily series, and with two
/// replications or more `uncertainty` (every KPI's 95% interval, the paired
/// differences with their verdicts, the collected band and the live test's size).
#[wasm_bindgen]
pub fn simulate(request: JsValue, on_progress: Option<js_sys::Function>) -> JsResult<JsValue> {
    js((|| {
        let text = api_json_text(&request, arg::REQUEST)?;
        let req: SimulationRequest = host::simulation_request(&text)?;
        PROGRESS.with(|p| *p.borrow_mut() = on_progress);
        // The request's policies compile as it runs: their input errors' paths are
        // under `request` too.
        let r = req
            .run_with_progress(&report_progress)
            .map_err(|e| e.under(arg::REQUEST));
        PROGRESS.with(|p| *p.borrow_mut() = None);
        to_js(&r?)
    })())
}

/// Run part `part` of `parts` of a simulation request (the same request for every
/// part): the cases `n * part / parts .. n * (part + 1) / parts` of its portfolio
/// through every policy. `onProgress(done, total)` counts the part's cases. Returns
/// the part as JSON text, for `mergeParts` (in another worker, say).
#[wasm_bindgen(js_name = simulatePart)]
pub fn simulate_part(
    request: JsValue,
    part: u32,
    parts: u32,
    on_progress: Option<js_sys::Function>,
) -> JsResult<String> {
    js((|| {
        let text = api_json_text(&request, arg::REQUEST)?;
        let req: SimulationRequest = host::simulation_request(&text)?;
        PROGRESS.with(|p| *p.borrow_mut() = on_progress);
        let r = req
            .run_part(part as usize, parts as usize, &report_progress)
            .map_err(|e| e.under(arg::REQUEST));
        PROGRESS.with(|p| *p.borrow_mut() = None);
        serde_json::to_string(&r?).map_err(|e| Error::input("parts", e.to_string()))
    })())
}

/// The result of a simulation from all its parts (`simulatePart`'s texts, in order):
/// byte for byte the result `simulate` gives for the request. Parts of different runs,
/// or sums that cannot be added exactly, are refused (`input.invalid` at `parts`).
#[wasm_bindgen(js_name = mergeParts)]
pub fn merge_parts(parts: Vec<String>) -> JsResult<JsValue> {
    js((|| {
        let parts = parts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                host::read::<recobro::simulation::SimulationPart>(t, &format!("parts[{i}]"))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        to_js(&recobro::simulation::merge_parts(&parts)?)
    })())
}

/// Compare a live experiment's arms (`recobro experiment analyze`): the request
/// (`{experiment, shares, test, outcomes}`, schemas/experiment-request.schema.json) as
/// an object or JSON text. Returns the report (schemas/experiment-report.schema.json):
/// each arm's outcomes and each challenger's difference from the champion with its
/// interval, p-value, status and verdict. Errors are under `experiment`
/// (`experiment.outcomes[3].arm`).
#[wasm_bindgen]
pub fn experiment(request: JsValue) -> JsResult<JsValue> {
    js((|| {
        let text = api_json_text(&request, arg::EXPERIMENT)?;
        to_js(&host::experiment(&text)?)
    })())
}

/// The cases a fixed-horizon live test needs (`recobro experiment plan`): the plan
/// (`{metric, baseline, sd, minimum_effect, power, shares}`) as an object or JSON text.
/// Errors are under `plan` (`plan.sd`).
#[wasm_bindgen(js_name = experimentPlan)]
pub fn experiment_plan(plan: JsValue) -> JsResult<JsValue> {
    js((|| {
        let text = api_json_text(&plan, arg::PLAN)?;
        to_js(&host::experiment_plan(&text)?)
    })())
}

/// The documented default response model of simulations (every assumption, as data).
#[wasm_bindgen(js_name = defaultResponseModel)]
pub fn default_response_model() -> JsResult<JsValue> {
    js(to_js(&recobro::simulation::ResponseModel::default()))
}

/// A seeded synthetic portfolio of `n` cases as of `asOf` (case objects).
#[wasm_bindgen(js_name = generatePortfolio)]
pub fn generate_portfolio(n: u32, seed: JsValue, as_of: JsValue) -> JsResult<JsValue> {
    js((|| {
        let seed = convert::seed(&seed, arg::SEED)?;
        let as_of = instant(&as_of, arg::AS_OF)?;
        let cases =
            recobro::simulation::try_portfolio(n as usize, seed, as_of, Default::default())?;
        to_js(&cases)
    })())
}

/// The source of an embedded policy or module (`consumer/policy`), or `undefined`.
#[wasm_bindgen(js_name = embeddedSource)]
pub fn embedded_source(path: &str) -> Option<String> {
    recobro::tooling::embedded(path).map(str::to_string)
}

/// The paths of every embedded policy and module.
#[wasm_bindgen(js_name = embeddedPaths)]
pub fn embedded_paths() -> Vec<String> {
    recobro::tooling::embedded_paths()
        .map(|p| p.to_string())
        .collect()
}

/// The name of every time zone this build carries, sorted (the browser build carries
/// the zones of the countries whose law the engine knows, and UTC; a case in any other
/// zone is refused at `debtor.timezone`).
#[wasm_bindgen(js_name = timeZones)]
pub fn time_zones() -> Vec<String> {
    recobro::tooling::time_zones()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The engine version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The case id that makes a `fault-injection` build panic (test builds only).
#[cfg(feature = "fault-injection")]
#[wasm_bindgen(js_name = faultCaseId)]
pub fn fault_case_id() -> String {
    recobro::tooling::FAULT_CASE_ID.to_string()
}
