//! The response model: how debtors respond to each action, as data with documented
//! defaults. The defaults are plausible assumptions for a demo portfolio, not facts:
//! calibrate them on your own history before trusting a simulation's absolute numbers
//! (comparisons between policies under the same model are what it is for).

use crate::money::amount;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Response to a contact on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelModel {
    /// Probability (percent) that the contact reaches the debtor.
    #[serde(with = "amount")]
    pub reach_pct: Decimal,
    /// Cost of one attempt, in the report currency.
    #[serde(with = "amount")]
    pub cost: Decimal,
}

/// How a reached debtor in a segment responds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentModel {
    /// Percent of reached debtors who pay in full at once.
    #[serde(with = "amount")]
    pub pay_full_pct: Decimal,
    /// Percent who pay part at once.
    #[serde(with = "amount")]
    pub pay_partial_pct: Decimal,
    /// Share of the balance a partial payment covers: uniform between these percents.
    pub partial_share_pct: [u32; 2],
    /// Percent who promise to pay (in 3 to 10 days).
    #[serde(with = "amount")]
    pub promise_pct: Decimal,
    /// Percent of promises kept.
    #[serde(with = "amount")]
    pub promise_kept_pct: Decimal,
    /// Percent chance per day of paying in full with no contact at all (self-cure).
    #[serde(with = "amount")]
    pub self_cure_daily_pct: Decimal,
}

/// Response to a non-contact task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskModel {
    /// Percent chance the task recovers money.
    #[serde(with = "amount")]
    pub success_pct: Decimal,
    /// Percent of the balance recovered when it does.
    #[serde(with = "amount")]
    pub recovered_pct: Decimal,
    /// Days until the money arrives.
    pub days_to_pay: u32,
    /// Cost of the task.
    #[serde(with = "amount")]
    pub cost: Decimal,
    /// Whether the case leaves the strategy (agency, legal) after the task.
    pub closes_case: bool,
}

/// The whole response model. Missing top-level fields keep their documented defaults
/// (so `{"report_currency": "EUR"}` is a whole model); a given map replaces the default
/// map whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        let channels = [
            ("call", ch("30", "1.20")),
            ("sms", ch("85", "0.05")),
            ("email", ch("60", "0.01")),
            ("whatsapp", ch("80", "0.04")),
            ("letter", ch("70", "0.90")),
            ("visit", ch("50", "15.00")),
            ("push", ch("40", "0.00")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let segments = [
            ("default", seg("3", "5", "8", "50", "0.08")),
            ("preventive", seg("15", "5", "5", "70", "0.6")),
            ("administrative", seg("5", "6", "12", "55", "0.25")),
            ("extrajudicial", seg("2", "5", "10", "40", "0.05")),
            ("legal", seg("1", "2", "4", "30", "0.01")),
            ("promise_pending", seg("8", "5", "0", "55", "0.3")),
            ("on_plan", seg("4", "8", "0", "55", "0.2")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let tasks = [
            ("default", task("0", "0", 0, "1.00", false)),
            ("settlement_offer", task("12", "80", 10, "2.00", false)),
            ("agency_referral", task("15", "75", 45, "25.00", true)),
            ("legal_review", task("10", "100", 90, "60.00", true)),
            ("escalate", task("10", "100", 14, "5.00", false)),
            ("dispute_review", task("0", "0", 0, "5.00", true)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let fx = [
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
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
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

fn default_segment() -> &'static SegmentModel {
    static S: std::sync::OnceLock<SegmentModel> = std::sync::OnceLock::new();
    S.get_or_init(|| seg("0", "0", "0", "0", "0"))
}

fn default_task() -> &'static TaskModel {
    static T: std::sync::OnceLock<TaskModel> = std::sync::OnceLock::new();
    T.get_or_init(|| task("0", "0", 0, "0", false))
}
