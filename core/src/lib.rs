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
//! let decision = policy.evaluate(&case, Instant::parse("2026-03-02T15:00:00Z").map_err(recobro::Error::input_clock)?)?;
//! assert_eq!(decision.segment.as_deref(), Some("administrative"));
//! # Ok::<(), recobro::Error>(())
//! ```
//!
//! The engine is pure: no I/O, no wall clock, no randomness. The same case, policy
//! and `as_of` give the same decision bytes on every host.

pub mod compliance;
pub mod decision;
pub mod error;
pub mod facts;
pub mod generate;
pub mod model;
pub mod money;
pub mod policy;
pub mod reference;
pub mod schema;
pub mod simulate;
pub mod testing;
pub mod time;

pub use decision::Decision;
pub use error::{Error, ErrorCode, Location, Result};
pub use model::Case;
pub use policy::{EvalOptions, Limits, Policy, PolicyBuilder};
pub use time::{Date, Instant};

impl Error {
    /// An `input.invalid` error for a bad `as_of` clock.
    pub fn input_clock(message: String) -> Error {
        Error::input("as_of", message)
    }
}
