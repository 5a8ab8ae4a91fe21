//! Reading cases and test files from paths.

use recobro::{Case, Error};
use std::path::{Path, PathBuf};

/// Parse cases from text: a JSON array, one JSON object, or NDJSON, read by the host
/// boundary (each case on its own, so one bad case does not hide the others). Text that
/// is no batch at all is one error entry; errors name the file when there is one.
pub fn parse_cases(text: &str, file: Option<&Path>) -> Vec<Result<Case, Error>> {
    let named = |e: Error| match file {
        Some(p) => {
            let message = format!("{}: {}", p.display(), e.message);
            e.with_message(message)
        }
        None => e,
    };
    match recobro::host::cases(text) {
        Ok(rows) => rows.into_iter().map(|r| r.map_err(named)).collect(),
        Err(e) => vec![Err(named(e))],
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
