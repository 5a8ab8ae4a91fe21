//! Host values in and out: cases and test files read from paths and stdin (through
//! the core's host boundary), decisions rendered as a work-queue table.

use recobro::{Case, Error};
use std::path::{Path, PathBuf};

/// Parse cases from text: a JSON array, one JSON object, or NDJSON, read by the host
/// boundary (each case on its own, so one bad case does not hide the others). Text that
/// is no batch at all is one error entry; errors name the file when there is one.
pub fn parse_cases(text: &str, file: Option<&Path>) -> Vec<Result<Case, Error>> {
    match recobro::host::cases(text) {
        Ok(rows) => rows
            .into_iter()
            .map(|r| r.map_err(|e| named(e, file)))
            .collect(),
        Err(e) => vec![Err(named(e, file))],
    }
}

/// A reading error, its message starting with the file it is in, when there is one.
pub fn named(e: Error, file: Option<&Path>) -> Error {
    match file {
        Some(p) => {
            let message = format!("{}: {}", p.display(), e.message);
            e.with_message(message)
        }
        None => e,
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

pub mod table {
    //! The readable work-queue table.

    use recobro::{Decision, Error};

    fn clip(s: &str, n: usize) -> String {
        if s.chars().count() <= n {
            s.to_string()
        } else {
            let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
            t.push('…');
            t
        }
    }

    /// Render decisions as a table sorted by priority (highest first); errors last.
    pub fn render(results: &[Result<Decision, Error>]) -> String {
        let mut rows: Vec<(i64, Vec<String>)> = Vec::new();
        for r in results {
            match r {
                Ok(d) => {
                    let (prio, action, why) = match &d.action {
                        Some(a) => {
                            let what = match (&a.action.channel, &a.action.template) {
                                (Some(c), Some(t)) => {
                                    format!("{} {} {}", a.action.kind, c.as_str(), t)
                                }
                                _ => a.action.kind.clone(),
                            };
                            (
                                a.action.priority,
                                what,
                                a.action.reason.clone().unwrap_or_default(),
                            )
                        }
                        None => {
                            let mut why = d.no_action_reason.clone().unwrap_or_default();
                            if let Some(t) = d.next_allowed_at {
                                why = format!("{why}; next allowed {t}");
                            }
                            let blocked: Vec<String> = d
                                .candidates
                                .iter()
                                .flat_map(|c| c.blocked_by.iter().cloned())
                                .collect();
                            if !blocked.is_empty() {
                                why = format!("{why} ({})", blocked.join(", "));
                            }
                            (i64::MIN, "-".to_string(), why)
                        }
                    };
                    let charges = d
                        .charges
                        .totals
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    rows.push((
                        prio,
                        vec![
                            d.case_id.clone(),
                            d.segment.clone().unwrap_or_else(|| "-".into()),
                            if prio == i64::MIN {
                                "-".into()
                            } else {
                                prio.to_string()
                            },
                            action,
                            if charges.is_empty() {
                                "-".into()
                            } else {
                                charges
                            },
                            why,
                        ],
                    ));
                }
                Err(e) => rows.push((
                    i64::MIN,
                    vec![
                        e.path()
                            .unwrap_or("?")
                            .split('.')
                            .next()
                            .unwrap_or("?")
                            .to_string(),
                        "ERROR".into(),
                        "-".into(),
                        e.code.to_string(),
                        "-".into(),
                        e.message.clone(),
                    ],
                )),
            }
        }
        rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1[0].cmp(&b.1[0])));
        let header = ["CASE", "SEGMENT", "PRIO", "ACTION", "CHARGES", "WHY"];
        // The last column (why) is never clipped: it carries rule ids and times.
        let widths = [12, 16, 5, 34, 14, 0];
        let mut out = String::new();
        let line = |cells: Vec<String>| -> String {
            cells
                .iter()
                .zip(widths)
                .map(|(c, w)| {
                    if w == 0 {
                        c.clone()
                    } else {
                        format!("{:<w$}", clip(c, w), w = w)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end()
                .to_string()
                + "\n"
        };
        out.push_str(&line(header.iter().map(|s| s.to_string()).collect()));
        for (_, r) in rows {
            out.push_str(&line(r));
        }
        out
    }
}
