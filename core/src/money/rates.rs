//! Effective-dated reference-rate tables (ECB, Bank of England, German base rate,
//! Spain's statutory late-payment rate), embedded from `rules/money/rates/*.json`;
//! a host can add or override entries without a release.

use crate::error::{Error, ErrorCode, Result};
use crate::time::Date;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One entry: the rate (percent a year) from a date until the next entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateEntry {
    /// First day the rate applies.
    pub from: Date,
    /// Percent per year, as a decimal string.
    #[serde(with = "super::amount_signed")]
    #[schemars(with = "crate::money::Amount")]
    pub rate: Decimal,
    /// Where the figure comes from.
    #[serde(default)]
    pub source: String,
    /// `confirmed` or `to_verify`.
    #[serde(default = "confirmed")]
    pub confidence: String,
}

fn confirmed() -> String {
    "confirmed".into()
}

/// A rate table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateTable {
    /// Table id, such as `ecb_mro`.
    pub id: String,
    /// Human title.
    #[serde(default)]
    pub title: String,
    /// Always `percent`.
    #[serde(default)]
    pub unit: String,
    /// Source of the table.
    #[serde(default)]
    pub source: String,
    /// Entries, ascending by date.
    pub entries: Vec<RateEntry>,
}

impl RateTable {
    /// The entry in force on `date`.
    pub fn entry_on(&self, date: NaiveDate) -> Option<&RateEntry> {
        let i = self.entries.partition_point(|e| e.from.0 <= date);
        i.checked_sub(1).map(|i| &self.entries[i])
    }

    /// The dates in `(start, end)` on which the rate changes.
    pub fn changes_between(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + '_ {
        self.entries
            .iter()
            .map(|e| e.from.0)
            .filter(move |d| *d > start && *d < end)
    }

    /// The entries in force on some day of `[start, end)` whose confidence is not
    /// `confirmed`, as `from (rate%)`.
    pub fn unverified_between(&self, start: NaiveDate, end: NaiveDate) -> Vec<String> {
        let first = self.entries.partition_point(|e| e.from.0 <= start);
        let first = first.saturating_sub(1);
        self.entries[first..]
            .iter()
            .take_while(|e| e.from.0 < end)
            .filter(|e| e.confidence != "confirmed")
            .map(|e| format!("{} ({}%)", e.from, e.rate))
            .collect()
    }

    /// Add or replace entries (by date), keeping the order.
    pub fn upsert(&mut self, entries: impl IntoIterator<Item = RateEntry>) {
        for e in entries {
            match self.entries.binary_search_by(|x| x.from.cmp(&e.from)) {
                Ok(i) => self.entries[i] = e,
                Err(i) => self.entries.insert(i, e),
            }
        }
    }
}

/// The rate tables a policy computes with.
#[derive(Debug, Clone, Default)]
pub struct RateTables {
    tables: BTreeMap<String, RateTable>,
}

include!(concat!(env!("OUT_DIR"), "/embedded_rates.rs"));

impl RateTables {
    /// The embedded tables (parsed once per process).
    pub fn standard() -> Result<RateTables> {
        static STD: OnceLock<std::result::Result<RateTables, Error>> = OnceLock::new();
        STD.get_or_init(|| {
            let mut t = RateTables::default();
            for (name, json) in EMBEDDED_RATES {
                let mut de = serde_json::Deserializer::from_str(json);
                let table: RateTable = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                    let e = crate::error::json_error(e);
                    Error::new(
                        ErrorCode::Internal,
                        format!("embedded rate table `{name}`: {e}"),
                    )
                })?;
                t.tables.insert(table.id.clone(), table);
            }
            Ok(t)
        })
        .clone()
    }

    /// A table by id.
    pub fn get(&self, id: &str) -> Option<&RateTable> {
        self.tables.get(id)
    }

    /// Entries of a table in force on some day of `[start, end)` that are marked
    /// `to_verify` (empty for an unknown table).
    pub fn unverified_between(&self, id: &str, start: NaiveDate, end: NaiveDate) -> Vec<String> {
        self.get(id)
            .map(|t| t.unverified_between(start, end))
            .unwrap_or_default()
    }

    /// Check entries a host supplies: a rate within ±1000 percent, a known confidence.
    pub fn check_entries(table: &str, entries: &[RateEntry]) -> Result<()> {
        if table.is_empty() || table.len() > 64 {
            return Err(Error::input(
                "rate_entries",
                format!("table id `{table}` must be 1 to 64 characters"),
            ));
        }
        for (i, e) in entries.iter().enumerate() {
            if e.rate.abs() > Decimal::from(1000) {
                return Err(Error::input(
                    format!("rate_entries.{table}[{i}].rate"),
                    format!(
                        "`{}` percent is beyond any reference rate (at most ±1000)",
                        e.rate
                    ),
                ));
            }
            if e.confidence != "confirmed" && e.confidence != "to_verify" {
                return Err(Error::input(
                    format!("rate_entries.{table}[{i}].confidence"),
                    format!("`{}` is not `confirmed` or `to_verify`", e.confidence),
                ));
            }
        }
        Ok(())
    }

    /// Every table id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// Add or override entries of a table (creating it if new).
    pub fn upsert(&mut self, id: &str, entries: Vec<RateEntry>) {
        self.tables
            .entry(id.to_string())
            .or_insert_with(|| RateTable {
                id: id.to_string(),
                title: String::new(),
                unit: "percent".into(),
                source: "host".into(),
                entries: Vec::new(),
            })
            .upsert(entries);
    }

    /// The rate (percent) of a table on a date, with the entry.
    pub fn rate_on(&self, id: &str, date: NaiveDate) -> Result<&RateEntry> {
        let t = self.get(id).ok_or_else(|| {
            Error::new(ErrorCode::PolicyRuntime, format!("no rate table `{id}`")).with_help(
                format!("tables: {}", self.ids().collect::<Vec<_>>().join(", ")),
            )
        })?;
        t.entry_on(date).ok_or_else(|| {
            Error::new(
                ErrorCode::PolicyRuntime,
                format!("rate table `{id}` has no entry on or before {date}"),
            )
            .with_help("add entries with PolicyBuilder::rate_entries")
        })
    }
}
