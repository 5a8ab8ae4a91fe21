//! The sandboxed Rhai engine.

use super::limits::Limits;
use super::modules::Resolver;
use super::script;
use crate::decision::TraceEntry;
use rhai::{Engine, OptimizationLevel};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Most `print`/`debug` lines kept per evaluation.
const MAX_OUTPUT_LINES: usize = 1_000;

thread_local! {
    /// Output captured from `print` and `debug` while a traced evaluation runs on this thread.
    pub(crate) static OUTPUT: RefCell<Option<Vec<TraceEntry>>> = const { RefCell::new(None) };
}

fn capture(step: &str, detail: String) {
    OUTPUT.with(|o| {
        if let Some(v) = o.borrow_mut().as_mut() {
            if v.len() < MAX_OUTPUT_LINES {
                v.push(TraceEntry {
                    step: step.to_string(),
                    detail,
                });
            }
        }
    });
}

/// A sandboxed engine: no file system, no clock, no randomness, no `eval`, limits on.
pub(crate) fn build(limits: &Limits, host_modules: BTreeMap<String, String>) -> Engine {
    let mut e = bare(limits);
    e.set_module_resolver(Resolver { host: host_modules });
    script::register(&mut e);
    e
}

fn bare(limits: &Limits) -> Engine {
    // `new_raw` avoids the string interner lock that serialises threads under `sync`.
    let mut e = Engine::new_raw();
    e.set_max_strings_interned(0);
    e.register_global_module(crate::compliance::standard_library());
    e.disable_symbol("eval");
    e.set_optimization_level(OptimizationLevel::Full);
    e.set_fail_on_invalid_map_property(true);
    limits.apply(&mut e);
    e.on_print(|s| capture("print", s.to_string()));
    e.on_debug(|s, src, pos| {
        let at = match (src, pos.line()) {
            (Some(m), Some(l)) if m != super::errors::MAIN_SOURCE => format!("{m}:{l}: "),
            (_, Some(l)) => format!("line {l}: "),
            _ => String::new(),
        };
        capture("debug", format!("{at}{s}"))
    });
    e
}

#[cfg(feature = "metadata")]
pub(crate) fn docs() -> Vec<script::ApiDoc> {
    let mut e = bare(&Limits::default());
    script::documented(&mut e)
}

#[cfg(feature = "metadata")]
pub(crate) fn signatures() -> Vec<String> {
    let mut e = bare(&Limits::default());
    script::register(&mut e);
    e.gen_fn_signatures(false)
}
