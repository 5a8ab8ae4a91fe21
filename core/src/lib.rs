//! # Recobro
//!
//! An embeddable collections decision engine. A host hands it one debtor's case and
//! a clock (`as_of`); a compiled policy written in [Rhai](https://rhai.rs) answers
//! with a [`Decision`]: the debtor's segment, the next action (or why there is
//! none), every candidate with its compliance verdict, the charges owed, and an
//! optional trace.
//!
//! ```
//! use recobro::{Case, Instant, Policy};
//!
//! let policy = Policy::default_consumer()?;
//! let case = Case::from_json(r#"{
//!   "id": "C-1",
//!   "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
//!   "debts": [{"id": "L-1", "currency": "COP", "original_amount": "1200000", "outstanding": "950000",
//!              "issued_on": "2026-01-10", "due_on": "2026-02-10"}]
//! }"#)?;
//! let decision = policy.evaluate(&case, "2026-03-02T15:00:00Z".parse::<Instant>()?)?;
//! assert_eq!(decision.segment.as_deref(), Some("administrative"));
//! # Ok::<(), recobro::Error>(())
//! ```
//!
//! The engine is pure: no I/O, no wall clock, no randomness. The same case, policy
//! and `as_of` give the same decision bytes on every host.

// The crate root is the map. Modules are private; what a host uses is re-exported
// below, grouped by what it does. Layers, lowest first (a module uses only lower
// ones; `core/tests/layering.rs` enforces it): error, embedded, sort -> time -> money ->
// model -> decision -> facts -> compliance -> generate -> policy -> simulate,
// testing, reference, report -> host, schema.
mod decision;
mod embedded;
mod error;
mod facts;
mod generate;
mod model;
mod policy;
#[cfg(feature = "metadata")]
mod reference;
mod simulate;
mod sort;
mod testing;
mod time;

// ---- Evaluate: compile a policy, read a case, decide. ------------------------------

pub use decision::{
    Action, Candidate, ChargeKind, ChargeLine, Charges, ChosenAction, Confidence, Decision, Offer,
    PolicyInfo, RuleOutcome, TraceEntry, Verdict,
};
pub use error::{Error, ErrorCode, Location, Result};
pub use model::{
    AgreedFee, Agreement, AppliedCharge, Case, Channel, Consent, Contact, Debt, Debtor, DebtorKind,
    Direction, Flag, Installment, InterestTerms, Outcome, Payment, Plan, PreferredWindow, Promise,
};
pub use policy::{EvalOptions, Hooks, Limits, PlanCheck, Policy, PolicyBuilder, PolicyOptions};

/// Points-based scorecards a policy calls with `c.score(name)`: the format, its checks
/// and the result a decision carries (see the module's documentation).
pub mod scorecard {
    pub use crate::policy::scorecard::{
        Calibration, Reason, Score, Scorecard, Scorecards, FACTS, MAX_BANDS, MAX_BINS,
        MAX_CHARACTERISTICS, MAX_POINTS, MAX_REASONS,
    };
}

/// Decision tables a policy calls with `c.table(name, inputs)`: the format, its checks
/// (gaps, unreachable rows) and evaluation (see the module's documentation).
pub mod table {
    pub use crate::policy::table::{
        Table, Tables, MAX_BOUND, MAX_COMBINATIONS, MAX_CONDITION, MAX_INPUTS, MAX_OUTPUTS,
        MAX_ROWS, MAX_VALUES,
    };
}

/// The best contact moment: a policy's `contact_timing()` and the priors it shrinks a
/// debtor's own contact ledger toward (see the module's documentation).
pub mod timing {
    pub use crate::decision::BestSlot;
    pub use crate::policy::timing::{Prior, Priors, Timing, MAX_HORIZON_HOURS, MAX_WEIGHT};
}
/// Exact decimal numbers: every amount, rate and share the engine reads or writes.
pub use rust_decimal::Decimal;
/// Free-form JSON: a case's `attributes` (segmentation inputs the policy reads),
/// re-exported so a host names them without depending on `serde_json` itself.
pub use serde_json::{Map as JsonMap, Value as JsonValue};
pub use time::{Date, Instant};

// ---- The host boundary every binding and the CLI use. -------------------------------

pub mod host;

// ---- The contract: JSON Schemas of what goes in and comes out. ---------------------

pub mod schema;

// ---- Compliance: may this contact happen, and when next. ----------------------------

pub mod compliance;

// ---- Money: interest, fees, plans, reference rates. --------------------------------

pub mod money;

// ---- Simulation: portfolios over time, champion and challenger. ---------------------

/// Portfolio simulation (what-if, champion/challenger over time) and the seeded
/// synthetic portfolio generator.
pub mod simulation {
    pub use crate::generate::{
        check_count, portfolio, try_portfolio, GenOptions, Rng, MAX_CASES as MAX_GENERATED,
        MAX_CONTACTS, MAX_DEBTS,
    };
    pub use crate::simulate::{
        assign, merge_parts, part_range, replication_seed, simulate, simulate_case, simulate_part,
        simulate_with_progress, svg_collected, ArmResult, ArmUncertainty, Band, CaseOutcome,
        ChannelModel, Day, DaySums, KpiDifference, KpiInterval, Kpis, LiveTest, PolicySpec,
        ResponseModel, SegmentModel, Settings, SimulationPart, SimulationRequest, SimulationResult,
        Split, Sums, TaskModel, Uncertainty, CHANNELS, LIVE_TEST_ALPHA, LIVE_TEST_POWER, MAX_CASES,
        MAX_COST, MAX_DAYS, MAX_DAYS_TO_PAY, MAX_EXPERIMENT, MAX_FX, MAX_MODEL_ENTRIES,
        MAX_MODEL_NAME, MAX_PARTS, MAX_POLICIES, MAX_POLICY_LIST, MAX_POLICY_MAPS,
        MAX_POLICY_SOURCE, MAX_REPLICATIONS,
    };
}

// ---- Reports: the delinquency figures of a portfolio snapshot. --------------------

pub mod report;

// ---- Statistics: intervals, verdicts, sample sizes, sequential tests. --------------

pub mod stats;

// ---- Experiments: live champion/challenger tests and their plans. ------------------

pub mod experiment;

// ---- Work queues: the day's queue of a batch under channel capacities. -------------

pub mod queue;

// ---- Testing and tooling: policy tests, the reference, embedded sources. -------------

/// Policy tests (`recobro test`), the policy API reference (`recobro docs`) and the
/// embedded policies and modules.
pub mod tooling {
    #[cfg(feature = "metadata")]
    pub use crate::policy::api_signatures;
    #[cfg(feature = "fault-injection")]
    pub use crate::policy::FAULT_CASE_ID;
    pub use crate::policy::{
        embedded, embedded_paths, DEFAULT_B2B_POLICY, DEFAULT_CONSUMER_POLICY,
    };
    /// The policy API reference in Markdown (`recobro docs`; the `metadata` feature).
    #[cfg(feature = "metadata")]
    pub use crate::reference::markdown as policy_reference;
    pub use crate::testing::{
        run, source_rules, suite_policy, Expect, Report, SourceRule, Suite, TestCase, TestResult,
    };
    pub use crate::time::time_zones;
}

/// The README's Rust blocks, run as doc tests so the recipe cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

// ---- Not part of the API. ----------------------------------------------------------

/// Engine internals for the project's own integration tests, fuzz targets and
/// benchmarks (interest accrual day by day, the local clock, holiday calendars).
/// Not part of the API: anything here may change in any release.
#[doc(hidden)]
pub mod internals {
    /// The rule engine's parts: rules, the local clock, holiday calendars.
    pub mod compliance {
        pub use crate::compliance::clock::*;
        pub use crate::compliance::holidays::*;
        pub use crate::compliance::rules::*;
        pub use crate::compliance::*;
    }
    pub use crate::facts::{Facts, PromiseStatus};
    pub use crate::money::{daycount::DayCount, Rounding};
    /// Statutory fee figures.
    pub mod fees {
        pub use crate::money::fees::*;
    }
    /// Interest accrual.
    pub mod interest {
        pub use crate::money::interest::*;
    }
    /// Plan schedules.
    pub mod plans {
        pub use crate::money::plans::*;
    }
    /// Reference-rate tables.
    pub mod rates {
        pub use crate::money::rates::*;
    }
    pub use crate::time::parse_tz;

    /// The default consumer policy's hooks written by hand in Rust, run through the same
    /// pipeline (the benchmarks' honest limit; `core/tests/native_limit.rs` checks it
    /// agrees with the script). `policy` must be [`crate::Policy::default_consumer`].
    pub fn native_consumer_evaluate(
        policy: &crate::Policy,
        case: crate::Case,
        as_of: crate::Instant,
    ) -> crate::Result<crate::Decision> {
        policy.evaluate_native_consumer(case, as_of)
    }

    /// The chrono instant behind an [`crate::Instant`].
    pub fn utc(t: crate::Instant) -> chrono::DateTime<chrono::Utc> {
        t.0
    }

    /// An [`crate::Instant`] from a chrono instant, unchecked against the supported
    /// range (tests build instants at the end of time this way).
    pub fn instant(t: chrono::DateTime<chrono::Utc>) -> crate::Instant {
        crate::Instant(t)
    }

    /// The chrono date behind a [`crate::Date`].
    pub fn naive(d: crate::Date) -> chrono::NaiveDate {
        d.0
    }

    /// A [`crate::Date`] from a chrono date, unchecked against the supported range.
    pub fn date(d: chrono::NaiveDate) -> crate::Date {
        crate::Date(d)
    }
}
