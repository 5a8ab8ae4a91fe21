//! The rule files under `rules/`, embedded at build time (see `build.rs`), so
//! policies can `import` the standard rule packs and the engine can load the
//! compliance packs without a file system (WASM, phones).
//!
//! A leaf: it uses no other module of the crate. Both `policy` (module resolution,
//! [`crate::Policy::embedded`]) and `compliance` (the standard packs) read it.
//!
//! # Layering
//!
//! The crate's top-level modules form layers, lowest first; a module uses only
//! modules in lower layers (enforced by `core/tests/layering.rs`):
//!
//! 1. `error`, `embedded`, `sort`: leaves;
//! 2. `time`: instants, dates, time zones;
//! 3. `money`: amounts and their JSON form, rounding, day counts, interest, rates,
//!    fees, plans, charge kinds (arithmetic with no notion of a case);
//! 4. `stats`: intervals, verdicts, sample sizes, the sequential test;
//! 5. `model`: the case as the host sends it, its validation, and the charge
//!    ledger replayed over it;
//! 6. `decision`: what the engine answers;
//! 7. `facts`: what is derived from a case at `as_of`;
//! 8. `compliance`: contact rules, holds, calendars, the standard packs;
//! 9. `generate`: synthetic cases;
//! 10. `policy`: Rhai policies, the script-facing API (`policy::script`), the law on
//!     charges, evaluation;
//! 11. `simulate`, `testing`, `reference`, `report`: tools built on policies;
//! 12. `experiment`: live experiments (the simulation's assignment and the stats);
//! 13. `host`, `schema`: the boundary and the contract.

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The source of an embedded rule file, by module path (`consumer/policy`).
pub fn source(path: &str) -> Option<&'static str> {
    EMBEDDED_RULES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, s)| *s)
}

include!(concat!(env!("OUT_DIR"), "/embedded_scorecards.rs"));

/// The embedded scorecards (`rules/scorecards/*.json`): module path
/// (`scorecards/behavioural`) and JSON text, in path order.
pub fn scorecards() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED_SCORECARDS.iter().copied()
}

include!(concat!(env!("OUT_DIR"), "/embedded_tables.rs"));

/// The embedded decision tables (`rules/tables/*.json`): module path
/// (`tables/consumer_treatment`) and JSON text, in path order.
pub fn tables() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED_TABLES.iter().copied()
}

include!(concat!(env!("OUT_DIR"), "/embedded_priors.rs"));

/// The embedded contact-timing priors (`rules/priors/*.json`): module path
/// (`priors/consumer`) and JSON text, in path order.
pub fn priors() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED_PRIORS.iter().copied()
}

/// Every embedded module path, in path order.
pub fn paths() -> impl Iterator<Item = &'static str> {
    EMBEDDED_RULES.iter().map(|(p, _)| *p)
}
