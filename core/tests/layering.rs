//! The crate's top-level modules form layers (see the module doc of
//! `core/src/embedded.rs`): a module uses only modules in lower layers, so the module
//! graph has no cycle. This test reads `core/src`, collects every `crate::<module>`
//! reference (and `super::` paths that climb out of a top-level module) outside
//! comments and `#[cfg(test)]` items, and checks both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Lowest first. A module may use modules of earlier layers only.
const LAYERS: &[&[&str]] = &[
    &["error", "embedded", "sort"],
    &["time"],
    &["money"],
    &["stats"],
    &["model"],
    &["decision"],
    &["facts"],
    &["compliance"],
    &["generate"],
    &["policy"],
    &["report"],
    &["queue"],
    &["simulate", "testing", "reference"],
    &["experiment"],
    &["host", "schema"],
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The line without its `//` comment (a `//` inside a string literal stays).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'/' if !in_str && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

/// The file's code: comments removed, `#[cfg(test)]` items skipped (rustfmt puts
/// an item's closing brace at the item's own indentation).
fn code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            let indent = &line[..line.len() - trimmed.len()];
            i += 1;
            // Further attributes, then the item.
            while i < lines.len() && lines[i].trim_start().starts_with("#[") {
                i += 1;
            }
            if i < lines.len() && !strip_comment(lines[i]).trim_end().ends_with(';') {
                let close = format!("{indent}}}");
                while i < lines.len() && lines[i].trim_end() != close {
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        out.push_str(strip_comment(line));
        out.push('\n');
        i += 1;
    }
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first path segment of every item in a `{ a::b, c, d::{e, f} }` group.
fn group_heads(group: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(ident_at(group[start..i].trim_start()));
                start = i + 1;
            }
            _ => {}
        }
    }
    heads.push(ident_at(group[start..].trim_start()));
    heads.into_iter().filter(|h| !h.is_empty()).collect()
}

/// Root re-exports in `lib.rs` (`pub use model::Case;`): name -> module.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    // Top-level lines only: the inline facades' re-exports start with `crate::`.
    for line in code(lib).lines() {
        let Some(rest) = line.strip_prefix("pub use ") else {
            continue;
        };
        let module = ident_at(rest).to_string();
        let tail = &rest[module.len()..];
        let names: Vec<&str> = match (tail.find('{'), tail.rfind('}')) {
            (Some(a), Some(b)) => group_heads(&tail[a + 1..b]),
            _ => vec![tail.rsplit("::").next().unwrap_or("").trim_end_matches(';')],
        };
        for n in names {
            out.insert(n.to_string(), module.clone());
        }
    }
    out
}

/// Top-level module -> the top-level modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let lib = fs::read_to_string(root.join("lib.rs")).unwrap();
    let names = root_names(&lib);
    let modules: BTreeSet<String> = code(&lib)
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            // File modules only (`mod x;`), not the root's inline facades (`pub mod x {`).
            l.strip_prefix("mod ")
                .filter(|m| m.ends_with(';'))
                .map(|m| m.trim_end_matches(';').to_string())
        })
        .collect();
    let resolve = |head: &str| -> Option<String> {
        if modules.contains(head) {
            Some(head.to_string())
        } else {
            names.get(head).cloned()
        }
    };
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in files {
        let rel = file.strip_prefix(&root).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        if parts == ["lib"] {
            continue;
        }
        let from = parts[0].clone();
        // How many `super::` climb from this file to the crate root.
        let depth = match parts.last().map(String::as_str) {
            Some("mod") => parts.len() - 1,
            _ => parts.len(),
        };
        let text = code(&fs::read_to_string(&file).unwrap());
        let mut heads: Vec<String> = Vec::new();
        for (i, _) in text.match_indices("crate::") {
            // `$crate::` and `other_crate::` are not this crate.
            if text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
            {
                continue;
            }
            let rest = &text[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').map_or(group.len(), |e| {
                    // The group's own closing brace.
                    let mut d = 0;
                    group
                        .char_indices()
                        .find(|(_, c)| {
                            match c {
                                '{' => d += 1,
                                '}' if d == 0 => return true,
                                '}' => d -= 1,
                                _ => {}
                            }
                            false
                        })
                        .map_or(e, |(j, _)| j)
                });
                heads.extend(group_heads(&group[..end]).into_iter().map(String::from));
            } else {
                heads.push(ident_at(rest).to_string());
            }
        }
        for (i, _) in text.match_indices("super::") {
            if text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            let mut rest = &text[i..];
            let mut climbs = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                climbs += 1;
                rest = r;
            }
            if climbs >= depth {
                heads.push(ident_at(rest).to_string());
            }
        }
        for h in heads {
            if let Some(to) = resolve(&h) {
                if to != from {
                    g.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    g
}

fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|s| s == n) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in g.keys() {
        if let Some(c) = visit(n, g, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

fn layer(m: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&m))
}

#[test]
fn top_level_modules_have_no_cycle() {
    let g = graph();
    if let Some(cycle) = find_cycle(&g) {
        panic!("module cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn modules_use_only_lower_layers() {
    let g = graph();
    let mut wrong = Vec::new();
    for (from, tos) in &g {
        let Some(lf) = layer(from) else {
            wrong.push(format!("`{from}` is in no layer: add it to LAYERS"));
            continue;
        };
        for to in tos {
            match layer(to) {
                Some(lt) if lt < lf => {}
                Some(_) => wrong.push(format!(
                    "`{from}` uses `{to}`, which is not in a lower layer"
                )),
                None => wrong.push(format!("`{to}` is in no layer: add it to LAYERS")),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_scanner_sees_what_it_should() {
    let text = "use crate::{a::B, c};\n// crate::d\n#[cfg(test)]\nmod tests {\n    use crate::e;\n}\nlet x = \"//\"; crate::f::g();\n";
    let c = code(text);
    assert!(c.contains("crate::{a::B, c}") && c.contains("crate::f"));
    assert!(!c.contains("crate::d") && !c.contains("crate::e"));
    assert_eq!(group_heads("a::B, c, d::{e, f}"), ["a", "c", "d"]);
    // The real graph sees edges the crate certainly has.
    let g = graph();
    assert!(g["policy"].contains("compliance"));
    assert!(g["model"].contains("money"));
}
