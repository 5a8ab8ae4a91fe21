//! The cross-host conformance corpus: for every (policy, case, as_of) in
//! `test-data/conformance/cases.json` the decision must equal, byte for byte, the
//! line in `test-data/conformance/expected/NAME.json`. Every binding runs the same
//! files. `RECOBRO_BLESS=1` rewrites the expected files (review the diff).
use recobro::{Case, Instant, Policy};
use std::collections::HashMap;
use std::path::PathBuf;

#[test]
fn every_decision_matches_the_corpus_bytes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-data/conformance");
    let corpus: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("cases.json")).unwrap()).unwrap();
    let bless = std::env::var("RECOBRO_BLESS").is_ok_and(|v| v == "1");
    let mut policies: HashMap<String, Policy> = HashMap::new();
    let items = corpus["items"].as_array().unwrap();
    assert!(items.len() >= 60);
    let mut mismatches = Vec::new();
    for item in items {
        let name = item["name"].as_str().unwrap();
        let pol = item["policy"].as_str().unwrap();
        let policy = policies
            .entry(pol.to_string())
            .or_insert_with(|| Policy::embedded(pol).unwrap());
        let case = Case::from_value(item["case"].clone()).unwrap();
        let at = item["as_of"].as_str().unwrap().parse::<Instant>().unwrap();
        let got = policy.evaluate(&case, at).unwrap().to_json();
        let path = root.join("expected").join(format!("{name}.json"));
        if bless {
            std::fs::create_dir_all(root.join("expected")).unwrap();
            std::fs::write(&path, format!("{got}\n")).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{}: missing; bless the corpus", path.display()));
        if want.trim_end() != got {
            mismatches.push(name.to_string());
        }
    }
    assert!(
        mismatches.is_empty(),
        "decisions differ from the corpus: {mismatches:?}"
    );
}
