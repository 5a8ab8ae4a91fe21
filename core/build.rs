//! Embeds every `.rhai` file under the workspace's `rules/` into the crate, so
//! policies can `import` the rule packs without a file system (WASM, phones).

use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rhai") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules = manifest.join("..").join("rules");
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut files = Vec::new();
    walk(&rules, &rules, &mut files);
    let mut code = String::from("/// Embedded rule files: (module path, source).\npub static EMBEDDED_RULES: &[(&str, &str)] = &[\n");
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let abs = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let out = out_dir.join("embedded_rules.rs");
    if let Err(e) = fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }

    // Rate tables: rules/money/rates/*.json, by file name.
    data_files(
        &rules,
        "money/rates",
        "",
        "EMBEDDED_RATES",
        &out_dir.join("embedded_rates.rs"),
    );

    // Scorecards, decision tables and contact-timing priors:
    // rules/{scorecards,tables,priors}/*.json, by module path `scorecards/NAME` etc.
    for (dir, name) in [
        ("scorecards", "EMBEDDED_SCORECARDS"),
        ("tables", "EMBEDDED_TABLES"),
        ("priors", "EMBEDDED_PRIORS"),
    ] {
        let file = out_dir.join(format!("embedded_{dir}.rs"));
        data_files(&rules, dir, &format!("{dir}/"), name, &file);
    }
}

/// Embed `rules/DIR/*.json` as `pub static NAME: &[(&str, &str)]` (`PREFIX` plus the
/// file's stem, JSON) in `file`.
fn data_files(rules: &Path, dir: &str, prefix: &str, name: &str, file: &Path) {
    let folder = rules.join(dir);
    println!("cargo:rerun-if-changed={}", folder.display());
    let mut code = format!(
        "/// Embedded `rules/{dir}/`: (key, JSON).\npub static {name}: &[(&str, &str)] = &[\n"
    );
    if let Ok(entries) = fs::read_dir(&folder) {
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for path in files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            println!("cargo:rerun-if-changed={}", path.display());
            let abs = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            code.push_str(&format!(
                "    ({:?}, include_str!({:?})),\n",
                format!("{prefix}{stem}"),
                abs.display().to_string()
            ));
        }
    }
    code.push_str("];\n");
    if let Err(e) = fs::write(file, code) {
        println!("cargo:warning=cannot write {}: {e}", file.display());
    }
}
