//! The case: everything the engine knows about one debtor, as the host sends it.
//!
//! Read a case with [`Case::from_json`] (or build one with serde from any format);
//! either way it is checked by [`Case::validate`], which reports the first problem
//! with its input path, for example `debts[2].due_on`.

mod case;
pub(crate) mod ledger;
mod validate;

pub use case::*;
pub use validate::{parse_hhmm, parse_weekday};
