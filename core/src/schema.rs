//! JSON Schemas (draft 2020-12) of the engine's contract, generated from the Rust
//! types: the case a host sends, the decision the engine answers, and the simulation
//! request and result, and the delinquency report.
//!
//! The schemas describe the JSON as it really is: amounts are decimal strings (input
//! also takes exact JSON numbers), dates are `YYYY-MM-DD`, instants RFC 3339 with an
//! offset, objects that refuse unknown keys say `"additionalProperties": false`.
//! Input schemas (case, simulation request) describe what the engine reads; output
//! schemas (decision, simulation result) describe what it writes.
//!
//! The repository commits them under `schemas/`; a test keeps the files equal to what
//! these functions generate. Checks a schema cannot express (an outstanding amount
//! above the original, an unknown time zone, a date outside a plan) are still the
//! engine's: a file that validates can still be refused, with a message naming the path.

use schemars::generate::{Contract, SchemaSettings};
use schemars::JsonSchema;
use serde_json::Value;

pub use crate::money::AMOUNT_PATTERN;
pub use crate::time::{DATE_PATTERN, INSTANT_OUT_PATTERN, INSTANT_PATTERN};

/// Where the schemas are published: their `$id` is this base and the file name.
pub const BASE_ID: &str = "https://example.invalid/recobro/schemas/";

/// The case schema: the JSON a host sends for one debtor.
pub fn case() -> String {
    generate::<crate::model::Case>(
        "case.schema.json",
        "Recobro case",
        "One debtor's case as the engine reads it (Case::from_json, `recobro evaluate`, every binding).",
        Contract::Deserialize,
    )
}

/// The decision schema: the JSON the engine answers for one case.
pub fn decision() -> String {
    generate::<crate::decision::Decision>(
        "decision.schema.json",
        "Recobro decision",
        "The engine's answer for one case, as it writes it (Decision::to_json, every binding).",
        Contract::Serialize,
    )
}

/// The simulation request schema: the JSON the C ABI, the WASM binding and the
/// browser simulator send.
pub fn simulation_request() -> String {
    generate::<crate::simulate::SimulationRequest>(
        "simulation-request.schema.json",
        "Recobro simulation request",
        "A whole simulation as one JSON request, as the engine reads it (SimulationRequest::from_json).",
        Contract::Deserialize,
    )
}

/// The simulation result schema: what a simulation run writes.
pub fn simulation_result() -> String {
    generate::<crate::simulate::SimulationResult>(
        "simulation-result.schema.json",
        "Recobro simulation result",
        "A simulation's results, as the engine writes them.",
        Contract::Serialize,
    )
}

/// The report schema: the delinquency report of a portfolio snapshot (`recobro report
/// --format json`, [`crate::report::Report::to_json`]).
pub fn report() -> String {
    generate::<crate::report::Report>(
        "report.schema.json",
        "Recobro delinquency report",
        "The delinquency report of a portfolio snapshot, and the comparison with a previous snapshot, as the engine writes it (Report::to_json, `recobro report --format json`).",
        Contract::Serialize,
    )
}

/// The experiment request schema: a live experiment's outcomes and test (`recobro
/// experiment analyze`, [`crate::host::experiment`]).
pub fn experiment_request() -> String {
    generate::<crate::experiment::ExperimentRequest>(
        "experiment-request.schema.json",
        "Recobro experiment request",
        "A live champion/challenger experiment: its id and shares, the test chosen before it started, and the outcome of each assigned case, as the engine reads it (`recobro experiment analyze`, host::experiment).",
        Contract::Deserialize,
    )
}

/// The experiment report schema: the comparison of a live experiment.
pub fn experiment_report() -> String {
    generate::<crate::experiment::ExperimentReport>(
        "experiment-report.schema.json",
        "Recobro experiment report",
        "The comparison of a live experiment's challengers with its champion, as the engine writes it (`recobro experiment analyze --json`, host::experiment).",
        Contract::Serialize,
    )
}

/// The work queue schema: a batch's day queue under channel capacities.
pub fn work_queue() -> String {
    generate::<crate::queue::WorkQueue>(
        "work-queue.schema.json",
        "Recobro work queue",
        "The day's queue of a batch under daily channel capacities, as the engine writes it (`recobro queue --format json`, host::queue).",
        Contract::Serialize,
    )
}

/// Every schema with its file name under `schemas/`: case, decision, simulation
/// request, simulation result, report, experiment request and report, work queue.
pub fn all() -> [(&'static str, String); 8] {
    [
        ("case.schema.json", case()),
        ("decision.schema.json", decision()),
        ("simulation-request.schema.json", simulation_request()),
        ("simulation-result.schema.json", simulation_result()),
        ("report.schema.json", report()),
        ("experiment-request.schema.json", experiment_request()),
        ("experiment-report.schema.json", experiment_report()),
        ("work-queue.schema.json", work_queue()),
    ]
}

/// The root schema of `T` as pretty JSON with a final newline, its `$schema`, `$id`,
/// `title` and `description` first.
fn generate<T: JsonSchema>(
    file: &str,
    title: &str,
    description: &str,
    contract: Contract,
) -> String {
    let output = contract.is_serialize();
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.contract = contract)
        .into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut out = serde_json::Map::new();
    let mut rest = schema.to_value();
    if output {
        never_null_when_optional(&mut rest);
    }
    if let Some(map) = rest.as_object_mut() {
        if let Some(v) = map.remove("$schema") {
            out.insert("$schema".into(), v);
        }
        out.insert("$id".into(), format!("{BASE_ID}{file}").into());
        out.insert("title".into(), title.into());
        map.remove("title");
        let type_doc = map.remove("description");
        let description = match type_doc.as_ref().and_then(|d| d.as_str()) {
            Some(doc) => format!("{description}\n\n{doc}"),
            None => description.to_string(),
        };
        out.insert("description".into(), description.into());
        out.append(map);
    }
    let mut text =
        serde_json::to_string_pretty(&serde_json::Value::Object(out)).unwrap_or_default();
    text.push('\n');
    text
}

/// In an output schema, a property that may be left out is one the engine skips when
/// it has no value (`skip_serializing_if = "Option::is_none"`): it is never `null`,
/// so `null` is taken out of its type (`"type": ["string", "null"]` becomes
/// `"type": "string"`, `"anyOf": [X, {"type": "null"}]` becomes `X`).
fn never_null_when_optional(v: &mut Value) {
    if let Value::Object(map) = v {
        let required: Vec<String> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for (name, prop) in props.iter_mut() {
                if !required.contains(name) {
                    strip_null(prop);
                }
            }
        }
        for child in map.values_mut() {
            never_null_when_optional(child);
        }
    } else if let Value::Array(items) = v {
        for child in items {
            never_null_when_optional(child);
        }
    }
}

fn strip_null(prop: &mut Value) {
    let Value::Object(map) = prop else { return };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    let is_null = |s: &Value| {
        s.get("type").is_some_and(|t| t == "null") && s.as_object().is_some_and(|o| o.len() == 1)
    };
    let other = match map.get("anyOf") {
        Some(Value::Array(alts)) if alts.len() == 2 && alts.iter().any(is_null) => {
            alts.iter().find(|s| !is_null(s)).cloned()
        }
        _ => None,
    };
    if let Some(Value::Object(other)) = other {
        map.remove("anyOf");
        for (k, val) in other {
            map.entry(k).or_insert(val);
        }
    }
}
