//! The shared corpora under `test-data/`: hostile policies and malformed inputs. Each
//! must end with a typed error whose code (and input path) the corpus states, and the
//! engine must stay usable afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use recobro::{Case, Instant, Policy, PolicyBuilder};
use std::path::PathBuf;

fn data(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-data")
        .join(p)
}

fn sample() -> Case {
    Case::from_json(
        &std::fs::read_to_string(data("../examples/data/cases/administrative.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn hostile_policies_fail_with_their_stated_codes_and_the_engine_stays_usable() {
    let at = Instant::parse("2026-03-16T15:00:00Z").unwrap();
    let good = Policy::default_consumer().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(data("hostile"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "the corpus needs at least 30 hostile policies"
    );
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        let expect = src
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// expect: "))
            .unwrap_or_else(|| panic!("{}: no `// expect:` line", f.display()));
        let mut b = PolicyBuilder::new(src.clone());
        for line in src.lines() {
            if let Some((name, body)) = line
                .strip_prefix("// module ")
                .and_then(|r| r.split_once(": "))
            {
                b = b.module(name, body);
            }
        }
        let got = match b.build() {
            Err(e) => e,
            Ok(p) => {
                let e = p
                    .evaluate(&sample(), at)
                    .expect_err(&format!("{} evaluated", f.display()));
                // The same compiled policy fails the same way on the next call.
                assert_eq!(
                    p.evaluate(&sample(), at).unwrap_err().code,
                    e.code,
                    "{}",
                    f.display()
                );
                e
            }
        };
        assert_eq!(got.code.as_str(), expect, "{}: {got}", f.display());
        assert!(!got.message.is_empty());
        if expect == "policy.syntax" {
            assert!(
                got.line().is_some(),
                "{}: a syntax error needs a line: {got}",
                f.display()
            );
        }
        // Nothing leaked into the engine: an honest policy still decides.
        assert!(good.evaluate(&sample(), at).is_ok());
    }
}

#[test]
fn malformed_inputs_fail_with_their_stated_codes_and_paths() {
    let corpus: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data("malformed/cases.json")).unwrap())
            .unwrap();
    let at = Instant::parse(corpus["as_of"].as_str().unwrap()).unwrap();
    let policy = Policy::default_consumer().unwrap();
    let cases = corpus["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 50,
        "the corpus needs at least 50 malformed inputs"
    );
    let mut wrong = Vec::new();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let raw = c["json"].as_str().unwrap();
        let err = match Case::from_json(raw) {
            Err(e) => e,
            Ok(case) => policy.evaluate(&case, at).expect_err(name),
        };
        if err.code.as_str() != c["code"].as_str().unwrap()
            || err.path().unwrap_or("") != c["path"].as_str().unwrap()
        {
            wrong.push(format!(
                "{name}: got {} at `{}`: {}",
                err.code,
                err.path().unwrap_or(""),
                err.message
            ));
        }
        assert!(!err.message.is_empty(), "{name}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
