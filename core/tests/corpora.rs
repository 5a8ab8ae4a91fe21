//! The shared corpora under `test-data/`: hostile policies and malformed inputs. Each
//! must end with a typed error whose code (and input path) the corpus states, and the
//! engine must stay usable afterwards.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

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

/// Run one hostile policy: `Err(why)` when it does not end with its stated code.
fn run_hostile(f: &std::path::Path, at: Instant, good: &Policy) -> Result<(), String> {
    let src = std::fs::read_to_string(f).unwrap();
    let expect = src
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// expect: "))
        .ok_or("no `// expect:` line")?;
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
            let e = match p.evaluate(&sample(), at) {
                Ok(_) => return Err(format!("evaluated without an error (expected {expect})")),
                Err(e) => e,
            };
            // The same compiled policy fails the same way on the next call.
            let again = p.evaluate(&sample(), at).err().map(|e| e.code);
            if again != Some(e.code) {
                return Err(format!("second call gave {again:?}, first {}", e.code));
            }
            e
        }
    };
    if got.code.as_str() != expect {
        return Err(format!("expected {expect}, got {}: {got}", got.code));
    }
    if got.message.is_empty() {
        return Err("empty message".into());
    }
    if expect == "policy.syntax" && got.line().is_none() {
        return Err(format!("a syntax error needs a line: {got}"));
    }
    // Nothing leaked into the engine: an honest policy still decides.
    if good.evaluate(&sample(), at).is_err() {
        return Err("the default policy no longer decides".into());
    }
    Ok(())
}

#[test]
fn hostile_policies_fail_with_their_stated_codes_and_the_engine_stays_usable() {
    let at = "2026-03-16T15:00:00Z".parse::<Instant>().unwrap();
    let good = Policy::default_consumer().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(data("hostile"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 60,
        "the corpus needs at least 60 hostile policies"
    );
    let house = files
        .iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("house_rules"))
        .count();
    assert!(
        house >= 10,
        "the corpus needs at least 10 hostile house rules, has {house}"
    );
    // Every file runs, even after one fails or panics, so one run lists them all.
    let mut wrong = Vec::new();
    for f in &files {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_hostile(f, at, &good)));
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(why)) => wrong.push(format!("{name}: {why}")),
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                wrong.push(format!("{name}: PANIC: {msg}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn malformed_inputs_fail_with_their_stated_codes_and_paths() {
    let corpus: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data("malformed/cases.json")).unwrap())
            .unwrap();
    let at = corpus["as_of"]
        .as_str()
        .unwrap()
        .parse::<Instant>()
        .unwrap();
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
