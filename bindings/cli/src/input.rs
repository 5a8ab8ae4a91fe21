//! Reading cases and test files from paths.

use recobro::{Case, Error};
use std::path::{Path, PathBuf};

/// Parse cases from text: a JSON array, one JSON object, or NDJSON.
/// Each case parses on its own, so one bad case does not hide the others.
pub fn parse_cases(text: &str) -> Vec<Result<Case, Error>> {
    let t = text.trim();
    if t.starts_with('[') {
        let values: Result<Vec<serde_json::Value>, _> = serde_json::from_str(t);
        return match values {
            Ok(vs) => vs.into_iter().map(Case::from_value).collect(),
            Err(e) => vec![Err(Error::new(
                recobro::ErrorCode::InputJson,
                format!("not a valid JSON array of cases: {e}"),
            ))],
        };
    }
    let lines: Vec<&str> = t.lines().filter(|l| !l.trim().is_empty()).collect();
    let ndjson = lines.len() > 1
        && lines
            .iter()
            .all(|l| l.trim_start().starts_with('{') && l.trim_end().ends_with('}'));
    if ndjson {
        lines.into_iter().map(Case::from_json).collect()
    } else {
        vec![Case::from_json(t)]
    }
}

fn json_files(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    under_tests: bool,
    only_tests: bool,
) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            let is_tests = p.file_name().is_some_and(|n| n == "tests");
            json_files(&p, out, under_tests || is_tests, only_tests)?;
        } else if p.extension().is_some_and(|e| e == "json") && (!only_tests || under_tests) {
            out.push(p);
        }
    }
    Ok(())
}

/// Files named directly, plus every `.json` in named directories (sorted).
pub fn expand(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            json_files(p, &mut out, true, false)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Test files: files named directly, plus `.json` files under `tests/` folders of named directories.
pub fn expand_tests(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let is_tests = p.file_name().is_some_and(|n| n == "tests");
            json_files(p, &mut out, is_tests, true)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}
