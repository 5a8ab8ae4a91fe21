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
    let max = limits.max_operations.max(1);
    e.on_progress(move |_| count_operation(max));
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

thread_local! {
    /// Operations of the script call running on this thread, callbacks included.
    static OPERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The reason a script call is stopped by [`count_operation`] (mapped to
/// `limit.operations` by `errors::from_eval`).
const OPERATIONS_SPENT: &str = "recobro: operations limit";

/// Call the script function `name` of a policy's `ast` on its `engine`, with a fresh
/// scope, its errors mapped (`errors::from_eval`). Every call of a policy's engine goes
/// through here (the evaluation's hooks, `house_rules`, `contact_timing`, `metadata`),
/// so each starts its own operations tally on this thread: Rhai's own count is no sign
/// of a new call, since a closure that carries its module environment (one that
/// imports) runs on a fresh state counting from 0.
pub(crate) fn call(
    engine: &Engine,
    options: rhai::CallFnOptions,
    ast: &rhai::AST,
    name: &str,
    args: impl rhai::FuncArgs,
) -> crate::Result<rhai::Dynamic> {
    OPERATIONS.with(|spent| spent.set(0));
    engine
        .call_fn_with_options::<rhai::Dynamic>(options, &mut rhai::Scope::new(), ast, name, args)
        .map_err(|e| super::errors::from_eval(&e))
}

/// Count one operation of a script call, callbacks included, and stop the call past
/// `max`.
///
/// Rhai counts operations in its runtime state, and a closure a native function calls
/// (`map`, `filter`, `reduce`, a sort comparer) runs on a copy of that state whose
/// count is not added back: each call of the closure started again from its caller's
/// count (or from 0), so one `filter` of 2,000 elements could run 2,000 closures of
/// nearly the whole limit each (18.6 s where the limit ends a loop in 0.15 s). This
/// hook runs once per operation, on whichever copy, so it counts them all, from the
/// start of the call ([`call`]).
fn count_operation(max: u64) -> Option<rhai::Dynamic> {
    OPERATIONS.with(|spent| {
        let n = spent.get().saturating_add(1);
        spent.set(n);
        (n > max).then(|| rhai::Dynamic::from(OPERATIONS_SPENT))
    })
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
