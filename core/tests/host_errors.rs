//! The cross-host error corpus (`test-data/conformance/errors.json`) through the host
//! boundary every binding uses. Each item's code and location were written by hand;
//! the message and help are the regression net (`RECOBRO_BLESS=1` fills them in).
//! Every binding runs the same file and must fail with the same fields.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::host;
use recobro::{Error, Policy};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-data/conformance/errors.json")
}

fn policy_of(item: &Value) -> Result<Policy, Error> {
    match (item.get("policy"), item.get("policy_source")) {
        (Some(p), _) => Policy::embedded(p.as_str().unwrap()),
        (None, Some(src)) => {
            let options = item.get("options").map(|o| o.to_string());
            host::policy(src.as_str().unwrap(), options.as_deref())
        }
        _ => panic!("item {} names no policy", item["name"]),
    }
}

fn text(item: &Value, key: &str) -> String {
    item[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key}"))
        .to_string()
}

/// The error's flat JSON (`host::error_json`) as a map.
fn flat(e: &Error) -> Map<String, Value> {
    match serde_json::from_str::<Value>(&host::error_json(e)).unwrap() {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

/// Check the hand-written fields of `want` against `got`; fill or check the blessed ones.
fn check(name: &str, want: &mut Map<String, Value>, got: &Map<String, Value>, bless: bool) {
    for (k, v) in want.iter() {
        if k == "message" || k == "help" || k == "index" || k == "decided" {
            continue;
        }
        assert_eq!(got.get(k), Some(v), "{name}: `{k}` (got {got:?})");
    }
    for k in ["path", "line", "module"] {
        if !want.contains_key(k) {
            assert!(
                got.get(k).is_none(),
                "{name}: unexpected `{k}` {:?}",
                got.get(k)
            );
        }
    }
    if bless {
        for k in ["message", "help", "column"] {
            match got.get(k) {
                Some(v) => {
                    want.insert(k.into(), v.clone());
                }
                None => {
                    want.remove(k);
                }
            }
        }
    } else {
        for k in ["message", "help", "column"] {
            assert_eq!(
                want.get(k),
                got.get(k),
                "{name}: `{k}` differs (re-bless with RECOBRO_BLESS=1 if intended)"
            );
        }
    }
}

#[test]
fn every_host_error_is_the_same() {
    let bless = std::env::var_os("RECOBRO_BLESS").is_some();
    let raw = std::fs::read_to_string(corpus_path()).unwrap();
    let mut doc: Value = serde_json::from_str(&raw).unwrap();
    let items = doc["items"].as_array_mut().unwrap();
    assert!(items.len() >= 10, "the corpus is there");
    for item in items.iter_mut() {
        let name = text(item, "name");
        let call = text(item, "call");
        match call.as_str() {
            "compile" => {
                let e = policy_of(item).expect_err(&name);
                let want = item["expect"].as_object_mut().unwrap();
                check(&name, want, &flat(&e), bless);
            }
            "evaluate" => {
                let p = policy_of(item).unwrap();
                let e = host::evaluate(&p, &text(item, "case_text"), &text(item, "as_of"), false)
                    .expect_err(&name);
                let want = item["expect"].as_object_mut().unwrap();
                check(&name, want, &flat(&e), bless);
            }
            "evaluate_batch" => {
                let p = policy_of(item).unwrap();
                let out = host::evaluate_batch(&p, &text(item, "cases_text"), &text(item, "as_of"));
                if let Some(want) = item.get_mut("expect") {
                    let e = out.expect_err(&name);
                    check(&name, want.as_object_mut().unwrap(), &flat(&e), bless);
                    continue;
                }
                let rows: Vec<Value> = serde_json::from_str(&out.unwrap()).unwrap();
                let want = item["expect_rows"].as_array_mut().unwrap();
                assert_eq!(rows.len(), want.len(), "{name}: rows");
                for (i, (row, w)) in rows.iter().zip(want.iter_mut()).enumerate() {
                    let w = w.as_object_mut().unwrap();
                    if w.get("decided") == Some(&json!(true)) {
                        assert!(row.get("segment").is_some(), "{name}[{i}]: {row}");
                        continue;
                    }
                    assert_eq!(row["index"], json!(i), "{name}[{i}]");
                    check(
                        &format!("{name}[{i}]"),
                        w,
                        row["error"].as_object().unwrap(),
                        bless,
                    );
                }
            }
            other => panic!("{name}: unknown call {other}"),
        }
    }
    if bless {
        let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        std::fs::write(corpus_path(), text).unwrap();
    }
}

#[test]
fn a_panic_is_an_internal_error_not_an_unwind() {
    let r: Result<(), Error> = host::guard(|| panic!("boom"));
    let e = r.unwrap_err();
    assert_eq!(e.code, recobro::ErrorCode::Internal);
    assert!(e.message.contains("boom"), "{e}");
}

#[test]
fn bytes_that_are_not_utf8_are_refused_at_the_argument() {
    let e = host::text(b"[{\"id\": \"\xff\"}]", host::arg::CASES).unwrap_err();
    assert_eq!(e.code, recobro::ErrorCode::InputJson);
    assert_eq!(e.path(), Some("cases"));
}

#[test]
fn one_object_spread_over_lines_is_one_case() {
    let text = "{\n \"id\": \"C\",\n \"debtor\": {\"id\": \"D\", \"kind\": \"consumer\",\n \"jurisdiction\": \"CO\", \"timezone\": \"America/Bogota\"}\n}\n";
    let rows = host::cases(text).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].is_ok(), "{:?}", rows[0]);
    assert!(host::cases("  \n").unwrap().is_empty());
    assert_eq!(
        host::cases("5").unwrap_err().path(),
        Some("cases"),
        "a number is no batch"
    );
}

#[test]
fn a_simulation_request_is_read_with_paths_under_request() {
    let e = host::simulation_request(r#"{"days": 0}"#).unwrap_err();
    assert_eq!(e.code, recobro::ErrorCode::InputInvalid);
    assert_eq!(e.path(), Some("request.days"), "{e}");
    let e = host::simulation_request(r#"{"days": "x"}"#).unwrap_err();
    assert_eq!(e.path(), Some("request.days"), "{e}");
    assert!(host::simulation_request(r#"{"generate": 10, "days": 5}"#).is_ok());
}

/// The batch methods and the host boundary share one loop: an engine panic fails its
/// own row as `internal` and the other rows are still decided.
#[cfg(feature = "fault-injection")]
#[test]
fn a_panic_in_a_batch_fails_its_row_only() {
    let good = r#"{"id": "C-1", "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO",
        "timezone": "America/Bogota"}, "debts": [{"id": "L-1", "currency": "COP",
        "original_amount": "1200000", "outstanding": "950000", "issued_on": "2026-01-10",
        "due_on": "2026-02-10"}]}"#;
    let faulty = good.replace("C-1", recobro::tooling::FAULT_CASE_ID);
    let cases = vec![
        recobro::Case::from_json(good).unwrap(),
        recobro::Case::from_json(&faulty).unwrap(),
    ];
    let p = Policy::default_consumer().unwrap();
    let at: recobro::Instant = "2026-03-02T15:00:00Z".parse().unwrap();
    for rows in [
        p.evaluate_batch(&cases, at),
        p.evaluate_batch_owned(cases.clone(), at),
    ] {
        assert!(rows[0].is_ok(), "{:?}", rows[0]);
        let e = rows[1].as_ref().unwrap_err();
        assert_eq!(e.code, recobro::ErrorCode::Internal, "{e}");
    }
}
