//! Expectations derived by hand from a source (statute text, a regulator's worked
//! example, a central bank's rate table), not from the engine: for every item in
//! `test-data/derived/expectations.json` the decision must hold the stated value at
//! each JSON pointer. Unlike the conformance corpus (a snapshot the engine blessed),
//! these values come from the derivation written beside each item.
//!
//! An item marked `known_failure` is a bug the engine still has: the test asserts it
//! still fails (so the list stays honest) and asks for the mark to be removed once the
//! engine agrees with the derivation. Items with an embedded policy are also in the
//! conformance corpus under the same name; the blessed `expected/NAME.json` must hold
//! the same values, so every host that runs the corpus is held to them.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::{Case, Instant, Policy, PolicyBuilder};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

fn data(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-data")
        .join(p)
}

fn load(p: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(data(p)).unwrap()).unwrap()
}

fn text<'a>(item: &'a Value, key: &str) -> &'a str {
    item[key].as_str().unwrap_or("")
}

/// The pointers whose value differs from the expectation, described.
fn differences(decision: &Value, expect: &serde_json::Map<String, Value>) -> Vec<String> {
    expect
        .iter()
        .filter_map(|(pointer, want)| {
            let got = decision.pointer(pointer);
            (got != Some(want)).then(|| {
                format!(
                    "{pointer}: want {want}, got {}",
                    got.map_or("(absent)".to_string(), Value::to_string)
                )
            })
        })
        .collect()
}

#[test]
fn hand_derived_expectations_hold() {
    let file = load("derived/expectations.json");
    let items = file["items"].as_array().unwrap();
    assert!(
        items.len() >= 40,
        "at least 40 derived expectations, found {}",
        items.len()
    );
    let corpus = load("conformance/cases.json");
    let corpus: HashMap<&str, &Value> = corpus["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i))
        .collect();

    let mut embedded: HashMap<String, Policy> = HashMap::new();
    let mut names = std::collections::HashSet::new();
    let mut wrong = Vec::new();
    for item in items {
        let name = text(item, "name");
        assert!(names.insert(name.to_string()), "{name}: duplicate name");
        for key in ["source", "derivation", "as_of"] {
            assert!(!text(item, key).is_empty(), "{name}: `{key}` is required");
        }
        let expect = item["expect"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: `expect` must be a map"));
        assert!(!expect.is_empty(), "{name}: nothing expected");
        let policy = match (item["policy"].as_str(), item["policy_source"].as_str()) {
            (Some(path), None) => embedded
                .entry(path.to_string())
                .or_insert_with(|| Policy::embedded(path).unwrap())
                .clone(),
            (None, Some(src)) => {
                // Rate-table entries the host would supply (a certified usury rate).
                let mut b = PolicyBuilder::new(src);
                if let Some(tables) = item.get("rate_entries").and_then(Value::as_object) {
                    for (table, entries) in tables {
                        let entries: Vec<recobro::money::RateEntry> =
                            serde_json::from_value(entries.clone())
                                .unwrap_or_else(|e| panic!("{name}: rate_entries: {e}"));
                        b = b.rate_entries(table, entries);
                    }
                }
                b.build()
                    .unwrap_or_else(|e| panic!("{name}: policy_source: {e}"))
            }
            _ => panic!("{name}: give exactly one of `policy` and `policy_source`"),
        };
        let case =
            Case::from_value(item["case"].clone()).unwrap_or_else(|e| panic!("{name}: case: {e}"));
        let at = (text(item, "as_of")).parse::<Instant>().unwrap();
        let decision: Value = match policy.evaluate(&case, at) {
            Ok(d) => serde_json::from_str(&d.to_json()).unwrap(),
            Err(e) => {
                wrong.push(format!("{name}: the engine failed: {e}"));
                continue;
            }
        };
        let diff = differences(&decision, expect);
        let known = item.get("known_failure").and_then(Value::as_str);
        match (known, diff.is_empty()) {
            (None, false) => wrong.push(format!("{name}:\n    {}", diff.join("\n    "))),
            (Some(_), true) => wrong.push(format!(
                "{name}: marked known_failure but the engine now agrees with the derivation: remove the mark"
            )),
            _ => {}
        }

        // Items with an embedded policy are in the conformance corpus too, with the
        // same inputs, and the blessed bytes hold the derived values.
        if let Some(path) = item["policy"].as_str() {
            let Some(c) = corpus.get(name) else {
                wrong.push(format!("{name}: not in test-data/conformance/cases.json"));
                continue;
            };
            if c["policy"] != path || c["as_of"] != item["as_of"] || c["case"] != item["case"] {
                wrong.push(format!(
                    "{name}: the corpus item differs from the derived item (policy, as_of or case)"
                ));
            }
            if known.is_none() {
                let blessed =
                    std::fs::read_to_string(data(&format!("conformance/expected/{name}.json")))
                        .map(|s| serde_json::from_str::<Value>(&s).unwrap());
                match blessed {
                    Err(_) => wrong.push(format!("{name}: no blessed expected/{name}.json")),
                    Ok(b) => {
                        let d = differences(&b, expect);
                        if !d.is_empty() {
                            wrong.push(format!(
                                "{name}: expected/{name}.json disagrees:\n    {}",
                                d.join("\n    ")
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
