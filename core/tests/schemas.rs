//! The JSON Schemas of the contract (`schemas/*.schema.json`): the committed files
//! equal what `recobro::schema` generates (`RECOBRO_BLESS=1` rewrites them; review the
//! diff), and real inputs and outputs validate against them while inputs the engine
//! refuses are refused by the schemas too.
//!
//! Where the schemas and the engine legitimately differ (also listed in
//! `schemas/README.md`):
//! - semantic checks a schema cannot express are the engine's alone: outstanding at
//!   most the original amount, amounts not negative (the amount type also carries
//!   signed rates) and at most 10^15 and within a currency's minor
//!   units, known ISO 4217 currencies, IANA time zones, unique and non-blank ids,
//!   known debt ids, `HH:MM` windows and weekday names, agreement terms, plan bounds, impossible calendar dates
//!   (`2026-02-30`, refused by the schema only where `format` is asserted), instants
//!   whose UTC date leaves 1900..2199 by their offset;
//! - the engine reads a few lenient spellings the schema does not advertise: amount
//!   strings with surrounding spaces, a leading `+` or an exponent (`"1e3"`); dates
//!   with an unpadded month or day (`2026-3-1`), a `+` year or leading spaces;
//! - output schemas describe what the engine writes (amounts as strings, instants in
//!   UTC with `Z`), input schemas what it reads (amounts also as JSON numbers, any
//!   offset).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use recobro::simulation::SimulationRequest;
use recobro::{Case, EvalOptions, Instant, Policy};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator(text: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn case_schema() -> jsonschema::Validator {
    validator(&recobro::schema::case())
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errs = errors(v, instance);
    assert!(errs.is_empty(), "{what} does not validate: {errs:#?}");
}

#[test]
fn committed_schemas_match_the_code() {
    let dir = root().join("schemas");
    let bless = std::env::var("RECOBRO_BLESS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, text) in recobro::schema::all() {
        let path = dir.join(name);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != text {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "schemas/ differs from the code for {stale:?}: run `RECOBRO_BLESS=1 cargo test -p recobro --test schemas` and review the diff"
    );
}

#[test]
fn every_schema_is_draft_2020_12_with_an_id_and_a_title() {
    for (name, text) in recobro::schema::all() {
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert!(
            v["$id"].as_str().unwrap().ends_with(name),
            "{name}: {}",
            v["$id"]
        );
        assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()), "{name}");
        // Compiles as a 2020-12 schema.
        validator(&text);
    }
}

#[test]
fn every_corpus_and_example_case_validates() {
    let v = case_schema();
    let corpus = read_json(&root().join("test-data/conformance/cases.json"));
    let items = corpus["items"].as_array().unwrap();
    assert!(items.len() >= 60);
    for item in items {
        assert_valid(&v, &item["case"], item["name"].as_str().unwrap());
    }
    let mut examples = 0;
    for entry in std::fs::read_dir(root().join("examples/data/cases")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let case = read_json(&path);
            // The engine accepts it too.
            Case::from_value(case.clone()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_valid(&v, &case, &path.display().to_string());
            examples += 1;
        }
    }
    assert!(examples >= 5, "only {examples} example cases");
}

#[test]
fn every_expected_decision_and_a_traced_one_validates() {
    let v = validator(&recobro::schema::decision());
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("test-data/conformance/expected")).unwrap() {
        let path = entry.unwrap().path();
        assert_valid(&v, &read_json(&path), &path.display().to_string());
        n += 1;
    }
    assert!(n >= 60, "only {n} expected decisions");

    let corpus = read_json(&root().join("test-data/conformance/cases.json"));
    let item = &corpus["items"][0];
    let policy = Policy::embedded(item["policy"].as_str().unwrap()).unwrap();
    let case = Case::from_value(item["case"].clone()).unwrap();
    let at = item["as_of"].as_str().unwrap().parse::<Instant>().unwrap();
    let traced = policy
        .evaluate_with(&case, at, EvalOptions { trace: true })
        .unwrap();
    assert!(traced.trace.as_ref().is_some_and(|t| !t.is_empty()));
    let json: Value = serde_json::from_str(&traced.to_json()).unwrap();
    assert_valid(&v, &json, "the traced decision");
}

#[test]
fn simulation_requests_and_results_validate() {
    let request_schema = validator(&recobro::schema::simulation_request());
    let result_schema = validator(&recobro::schema::simulation_result());
    let corpus = read_json(&root().join("test-data/conformance/cases.json"));
    let cases: Vec<Value> = corpus["items"].as_array().unwrap()[..3]
        .iter()
        .map(|i| i["case"].clone())
        .collect();
    let requests = [
        json!({"generate": 4, "days": 15}),
        json!({
            "policies": [{}, {"embedded": "b2b/policy", "limits": {"max_operations": 2000000}}],
            "cases": cases,
            "start": "2026-03-16T10:00:00-05:00",
            "days": 20,
            "seed": 7,
            "shares": [50, 50],
            "experiment": "exp-schema",
            "response_model": {"report_currency": "EUR", "fx": {"COP": "0.00023", "USD": "0.92", "BRL": "0.17", "MXN": "0.05"}}
        }),
    ];
    for request in requests {
        assert_valid(&request_schema, &request, &format!("request {request}"));
        let r = SimulationRequest::from_json(&request.to_string()).unwrap();
        let result: Value = serde_json::to_value(r.run().unwrap()).unwrap();
        assert_valid(&result_schema, &result, "its result");
    }
    // The request refuses what the engine refuses.
    for bad in [
        json!({"generate": 4, "dayz": 15}),
        json!({"generate": 4, "days": 0}),
        json!({"generate": 4, "days": 3651}),
        json!({"start": "2026-03-16T15:00:00"}),
    ] {
        assert!(
            SimulationRequest::from_json(&bad.to_string()).is_err(),
            "engine accepts {bad}"
        );
        assert!(!request_schema.is_valid(&bad), "schema accepts {bad}");
    }
}

/// A valid case to break one field at a time.
fn good_case() -> Value {
    json!({
        "id": "C-1",
        "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota",
                   "consents": {"sms": {"allowed": true}}},
        "debts": [{"id": "L-1", "currency": "COP", "original_amount": "1200000", "outstanding": 950000.5,
                   "issued_on": "2026-01-10", "due_on": "2026-02-10", "interest": null}],
        "payments": [{"at": "2026-02-20T10:00:00-05:00", "amount": "1000.50"}]
    })
}

fn set(mut case: Value, pointer: &str, value: Option<Value>) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let obj = case.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    match value {
        Some(v) => obj.insert(key.to_string(), v),
        None => obj.remove(key),
    };
    case
}

#[test]
fn what_the_engine_refuses_the_case_schema_refuses() {
    let v = case_schema();
    let good = good_case();
    Case::from_value(good.clone()).unwrap();
    assert_valid(&v, &good, "the good case");
    let bad = [
        ("no debtor", set(good.clone(), "/debtor", None)),
        ("no id", set(good.clone(), "/id", None)),
        (
            "an unknown top-level key",
            set(good.clone(), "/colour", Some(json!("red"))),
        ),
        (
            "an unknown debtor key",
            set(good.clone(), "/debtor/age", Some(json!(40))),
        ),
        (
            "a comma decimal",
            set(good.clone(), "/debts/0/outstanding", Some(json!("12,5"))),
        ),
        (
            "an amount as an object",
            set(good.clone(), "/payments/0/amount", Some(json!({"v": 1}))),
        ),
        (
            "an amount as a boolean",
            set(good.clone(), "/payments/0/amount", Some(json!(true))),
        ),
        (
            "month 13",
            set(good.clone(), "/debts/0/due_on", Some(json!("2026-13-01"))),
        ),
        (
            "February 30",
            set(good.clone(), "/debts/0/due_on", Some(json!("2026-02-30"))),
        ),
        (
            "a date before 1900",
            set(good.clone(), "/debts/0/due_on", Some(json!("1899-12-31"))),
        ),
        (
            "a date after 2199",
            set(good.clone(), "/debts/0/due_on", Some(json!("2200-01-01"))),
        ),
        (
            "a slashed date",
            set(good.clone(), "/debts/0/due_on", Some(json!("10/02/2026"))),
        ),
        (
            "an instant without offset",
            set(
                good.clone(),
                "/payments/0/at",
                Some(json!("2026-02-20T10:00:00")),
            ),
        ),
        (
            "an unknown kind",
            set(good.clone(), "/debtor/kind", Some(json!("robot"))),
        ),
        (
            "an unknown channel",
            set(
                good.clone(),
                "/debtor/consents/fax",
                Some(json!({"allowed": true})),
            ),
        ),
        (
            "a moved field given",
            set(
                good.clone(),
                "/debts/0/interest",
                Some(json!({"annual_rate": "0.1"})),
            ),
        ),
        (
            "a legacy ledger given",
            set(good.clone(), "/debts/0/charges_applied", Some(json!([]))),
        ),
        (
            "a non-string $schema",
            set(good.clone(), "/$schema", Some(json!(1))),
        ),
    ];
    for (what, case) in bad {
        assert!(
            Case::from_value(case.clone()).is_err(),
            "the engine accepts {what}"
        );
        assert!(!v.is_valid(&case), "the schema accepts {what}");
    }
}

#[test]
fn amount_and_date_spellings_agree_except_the_documented_lenient_ones() {
    let v = case_schema();
    let with_amount = |a: Value| set(good_case(), "/payments/0/amount", Some(a));
    for ok in [json!("1234.50"), json!("0.1"), json!(12), json!(28.99)] {
        let case = with_amount(ok.clone());
        Case::from_value(case.clone()).unwrap_or_else(|e| panic!("engine refuses {ok}: {e}"));
        assert_valid(&v, &case, &ok.to_string());
    }
    for refused in [
        json!(""),
        json!("1.2.3"),
        json!("abc"),
        json!("12,5"),
        json!(null),
    ] {
        let case = with_amount(refused.clone());
        assert!(
            Case::from_value(case.clone()).is_err(),
            "engine accepts {refused}"
        );
        assert!(!v.is_valid(&case), "schema accepts {refused}");
    }
    // A negative payment is refused by the engine's validation, not by the schema
    // (the same amount type carries signed rates elsewhere).
    let negative = with_amount(json!("-3"));
    assert!(Case::from_value(negative.clone()).is_err());
    assert_valid(&v, &negative, "a negative amount");
    // Lenient spellings the engine reads but the schema does not advertise.
    for lenient in [json!(" 12.5 "), json!("+12.5"), json!("1e3")] {
        let case = with_amount(lenient.clone());
        Case::from_value(case.clone()).unwrap_or_else(|e| panic!("engine refuses {lenient}: {e}"));
        assert!(!v.is_valid(&case), "schema accepts {lenient}");
    }
    // Dates: the schema advertises only the zero-padded form; the engine (chrono's
    // `%Y-%m-%d`) also reads unpadded months and days, a `+` year and leading spaces.
    for lenient in ["2026-3-01", "2026-03-1", "+2026-03-01", " 2026-03-01"] {
        let case = set(good_case(), "/debts/0/due_on", Some(json!(lenient)));
        Case::from_value(case.clone()).unwrap_or_else(|e| panic!("engine refuses {lenient}: {e}"));
        assert!(!v.is_valid(&case), "schema accepts {lenient}");
    }
    // Instants: any offset, `T`, `t` or a space; the offset is required.
    for ok in [
        "2026-02-20T10:00:00Z",
        "2026-02-20T10:00:00.250+01:00",
        "2026-02-20t10:00:00z",
    ] {
        let case = set(good_case(), "/payments/0/at", Some(json!(ok)));
        Case::from_value(case.clone()).unwrap_or_else(|e| panic!("engine refuses {ok}: {e}"));
        assert_valid(&v, &case, ok);
    }
}

#[test]
fn a_case_file_may_name_its_schema() {
    let case = set(
        good_case(),
        "/$schema",
        Some(json!("../schemas/case.schema.json")),
    );
    assert_valid(&case_schema(), &case, "a case with $schema");
    let parsed = Case::from_value(case).unwrap();
    assert_eq!(parsed, Case::from_value(good_case()).unwrap());
    // The key is not written back.
    let out = serde_json::to_value(&parsed).unwrap();
    assert!(out.get("$schema").is_none(), "{out}");
    assert_eq!(out["id"], "C-1");
}
