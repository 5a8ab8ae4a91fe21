//! The response model: how debtors respond to each action, as data with documented
//! defaults. The defaults are plausible assumptions for a demo portfolio, not facts:
//! calibrate them on your own history before trusting a simulation's absolute numbers
//! (comparisons between policies under the same model are what it is for).

use crate::error::{Error, Result};
use crate::money::amount;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Response to a contact on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelModel {
    /// Probability (percent) that the contact reaches the debtor.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub reach_pct: Decimal,
    /// Cost of one attempt, in the report currency.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub cost: Decimal,
}

/// How a reached debtor in a segment responds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentModel {
    /// Percent of reached debtors who pay in full at once.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub pay_full_pct: Decimal,
    /// Percent who pay part at once.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub pay_partial_pct: Decimal,
    /// Share of the balance a partial payment covers: uniform between these percents.
    pub partial_share_pct: [u32; 2],
    /// Percent who promise to pay (in 3 to 10 days).
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub promise_pct: Decimal,
    /// Percent of promises kept.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub promise_kept_pct: Decimal,
    /// Percent chance per day of paying in full with no contact at all (self-cure).
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub self_cure_daily_pct: Decimal,
}

/// Response to a non-contact task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskModel {
    /// Percent chance the task recovers money.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub success_pct: Decimal,
    /// Percent of the balance recovered when it does.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub recovered_pct: Decimal,
    /// Days until the money arrives.
    pub days_to_pay: u32,
    /// Cost of the task.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub cost: Decimal,
    /// Whether the case leaves the strategy (agency, legal) after the task.
    pub closes_case: bool,
}

/// The whole response model. Missing top-level fields keep their documented defaults
/// (so `{"report_currency": "EUR"}` is a whole model); a given map replaces the default
/// map whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ResponseModel {
    /// Per channel (`call`, `sms`, ...).
    pub channels: BTreeMap<String, ChannelModel>,
    /// Per segment; `default` for segments not listed.
    pub segments: BTreeMap<String, SegmentModel>,
    /// Per task kind (`settlement_offer`, `agency_referral`, ...); `default` for others.
    pub tasks: BTreeMap<String, TaskModel>,
    /// Currency the money KPIs are reported in.
    pub report_currency: String,
    /// Units of the report currency per unit of each case currency (assumed, fixed).
    pub fx: BTreeMap<String, String>,
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn seg(full: &str, partial: &str, promise: &str, kept: &str, cure: &str) -> SegmentModel {
    SegmentModel {
        pay_full_pct: d(full),
        pay_partial_pct: d(partial),
        partial_share_pct: [20, 60],
        promise_pct: d(promise),
        promise_kept_pct: d(kept),
        self_cure_daily_pct: d(cure),
    }
}

fn task(success: &str, recovered: &str, days: u32, cost: &str, closes: bool) -> TaskModel {
    TaskModel {
        success_pct: d(success),
        recovered_pct: d(recovered),
        days_to_pay: days,
        cost: d(cost),
        closes_case: closes,
    }
}

impl Default for ResponseModel {
    /// Assumptions (not facts): reach rates typical of outbound collections (calls
    /// 30%, SMS 85%, email 60%); early-stage debtors respond best; self-cure is highest
    /// before and just after the due date (0.6% a day preventive, 0.25% administrative,
    /// 0.05% extrajudicial); agencies recover ~15% of what they are sent.
    fn default() -> Self {
        let ch = |reach: &str, cost: &str| ChannelModel {
            reach_pct: d(reach),
            cost: d(cost),
        };
        let channels = crate::sort::map_from(
            [
                ("call", ch("30", "1.20")),
                ("sms", ch("85", "0.05")),
                ("email", ch("60", "0.01")),
                ("whatsapp", ch("80", "0.04")),
                ("letter", ch("70", "0.90")),
                ("visit", ch("50", "15.00")),
                ("push", ch("40", "0.00")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
        );
        let segments = crate::sort::map_from(
            [
                ("default", seg("3", "5", "8", "50", "0.08")),
                ("preventive", seg("15", "5", "5", "70", "0.6")),
                ("administrative", seg("5", "6", "12", "55", "0.25")),
                ("extrajudicial", seg("2", "5", "10", "40", "0.05")),
                ("legal", seg("1", "2", "4", "30", "0.01")),
                ("promise_pending", seg("8", "5", "0", "55", "0.3")),
                ("on_plan", seg("4", "8", "0", "55", "0.2")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
        );
        let tasks = crate::sort::map_from(
            [
                ("default", task("0", "0", 0, "1.00", false)),
                ("settlement_offer", task("12", "80", 10, "2.00", false)),
                ("agency_referral", task("15", "75", 45, "25.00", true)),
                ("legal_review", task("10", "100", 90, "60.00", true)),
                ("escalate", task("10", "100", 14, "5.00", false)),
                ("dispute_review", task("0", "0", 0, "5.00", true)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
        );
        let fx = crate::sort::map_from(
            [
                ("USD", "1"),
                ("EUR", "1.08"),
                ("GBP", "1.27"),
                ("COP", "0.00025"),
                ("CLP", "0.00105"),
                ("PEN", "0.27"),
                ("MXN", "0.058"),
                ("BRL", "0.18"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        ResponseModel {
            channels,
            segments,
            tasks,
            report_currency: "USD".into(),
            fx,
        }
    }
}

impl ResponseModel {
    /// The model for a segment (or the default).
    pub fn segment(&self, name: Option<&str>) -> &SegmentModel {
        name.and_then(|n| self.segments.get(n))
            .or_else(|| self.segments.get("default"))
            .unwrap_or_else(|| default_segment())
    }

    /// The model for a task kind (or the default).
    pub fn task(&self, kind: &str) -> &TaskModel {
        self.tasks
            .get(kind)
            .or_else(|| self.tasks.get("default"))
            .unwrap_or_else(|| default_task())
    }

    /// Units of the report currency per unit of `currency` (1 when unknown).
    pub fn fx(&self, currency: &str) -> Decimal {
        self.fx.get(currency).map(|s| d(s)).unwrap_or(Decimal::ONE)
    }
}

/// Most entries in each of the model's maps (`channels`, `segments`, `tasks`, `fx`).
pub const MAX_MODEL_ENTRIES: usize = 1_000;
/// Longest key of the model's maps and longest `report_currency`, in bytes.
pub const MAX_MODEL_NAME: usize = 64;
/// Highest cost of one action or task, in the report currency.
pub const MAX_COST: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Highest exchange rate (report-currency units per case-currency unit).
pub const MAX_FX: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Most days a task's money may take to arrive (the longest horizon).
pub const MAX_DAYS_TO_PAY: u32 = super::MAX_DAYS;

/// A percent in `0..=100`.
fn check_pct(path: &str, v: Decimal) -> Result<()> {
    if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
        return Err(Error::input(
            path,
            format!("a percentage must be between 0 and 100 (got {v})"),
        ));
    }
    Ok(())
}

fn check_cost(path: &str, v: Decimal) -> Result<()> {
    if v < Decimal::ZERO || v > MAX_COST {
        return Err(Error::input(
            path,
            format!("a cost must be between 0 and {MAX_COST} (got {v})"),
        ));
    }
    Ok(())
}

fn check_name(path: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_MODEL_NAME {
        return Err(Error::input(
            path,
            format!(
                "a name must have 1 to {MAX_MODEL_NAME} bytes (got {})",
                name.len()
            ),
        ));
    }
    Ok(())
}

fn check_entries<V>(path: &str, map: &BTreeMap<String, V>) -> Result<()> {
    if map.len() > MAX_MODEL_ENTRIES {
        return Err(Error::input(
            path,
            format!(
                "at most {MAX_MODEL_ENTRIES} entries are allowed (got {})",
                map.len()
            ),
        ));
    }
    for k in map.keys() {
        check_name(&format!("{path}.{k}"), k)?;
    }
    Ok(())
}

impl ResponseModel {
    /// Check every number against its documented range: percentages within `0..=100`
    /// (and a segment's pay-in-full, partial and promise percentages adding up to at
    /// most 100), a partial share's bounds in order, costs within `0..=MAX_COST`,
    /// exchange rates positive decimals up to `MAX_FX`, `days_to_pay` up to
    /// `MAX_DAYS_TO_PAY`, at most `MAX_MODEL_ENTRIES` entries per map and names of 1 to
    /// `MAX_MODEL_NAME` bytes. Errors are `input.invalid` at the path of the value
    /// within the model (`segments.preventive.promise_pct`).
    pub fn validate(&self) -> Result<()> {
        check_entries("channels", &self.channels)?;
        for (k, c) in &self.channels {
            check_pct(&format!("channels.{k}.reach_pct"), c.reach_pct)?;
            check_cost(&format!("channels.{k}.cost"), c.cost)?;
        }
        check_entries("segments", &self.segments)?;
        for (k, m) in &self.segments {
            let p = |f: &str| format!("segments.{k}.{f}");
            check_pct(&p("pay_full_pct"), m.pay_full_pct)?;
            check_pct(&p("pay_partial_pct"), m.pay_partial_pct)?;
            check_pct(&p("promise_pct"), m.promise_pct)?;
            check_pct(&p("promise_kept_pct"), m.promise_kept_pct)?;
            check_pct(&p("self_cure_daily_pct"), m.self_cure_daily_pct)?;
            let answered = m.pay_full_pct + m.pay_partial_pct + m.promise_pct;
            if answered > Decimal::ONE_HUNDRED {
                return Err(Error::input(
                    p("promise_pct"),
                    format!(
                        "pay_full_pct, pay_partial_pct and promise_pct must add up to at most 100 (got {answered})"
                    ),
                ));
            }
            let [lo, hi] = m.partial_share_pct;
            for (i, v) in [lo, hi].into_iter().enumerate() {
                if v > 100 {
                    return Err(Error::input(
                        p(&format!("partial_share_pct[{i}]")),
                        format!("a percentage must be between 0 and 100 (got {v})"),
                    ));
                }
            }
            if lo > hi {
                return Err(Error::input(
                    p("partial_share_pct"),
                    format!("the lower bound {lo} is above the upper bound {hi}"),
                ));
            }
        }
        check_entries("tasks", &self.tasks)?;
        for (k, t) in &self.tasks {
            check_pct(&format!("tasks.{k}.success_pct"), t.success_pct)?;
            check_pct(&format!("tasks.{k}.recovered_pct"), t.recovered_pct)?;
            check_cost(&format!("tasks.{k}.cost"), t.cost)?;
            if t.days_to_pay > MAX_DAYS_TO_PAY {
                return Err(Error::input(
                    format!("tasks.{k}.days_to_pay"),
                    format!(
                        "days_to_pay must be between 0 and {MAX_DAYS_TO_PAY} (got {})",
                        t.days_to_pay
                    ),
                ));
            }
        }
        check_name("report_currency", &self.report_currency)?;
        check_entries("fx", &self.fx)?;
        for (k, v) in &self.fx {
            let ok = v
                .parse::<Decimal>()
                .is_ok_and(|r| r > Decimal::ZERO && r <= MAX_FX);
            if !ok {
                return Err(Error::input(
                    format!("fx.{k}"),
                    format!("an exchange rate must be a decimal above 0 and at most {MAX_FX} (got `{v}`)"),
                ));
            }
        }
        Ok(())
    }
}

fn default_segment() -> &'static SegmentModel {
    static S: std::sync::OnceLock<SegmentModel> = std::sync::OnceLock::new();
    S.get_or_init(|| seg("0", "0", "0", "0", "0"))
}

fn default_task() -> &'static TaskModel {
    static T: std::sync::OnceLock<TaskModel> = std::sync::OnceLock::new();
    T.get_or_init(|| task("0", "0", 0, "0", false))
}
