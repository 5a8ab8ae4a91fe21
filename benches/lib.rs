//! Shared helpers for the benchmarks: the generated portfolio and a hand-written
//! Rust version of the default consumer policy, the native baseline.

use recobro::internals::{Facts, PromiseStatus};
use recobro::Case;
use recobro::Instant;

/// The clock every benchmark uses.
pub fn as_of() -> Instant {
    "2026-03-16T15:00:00Z"
        .parse::<Instant>()
        .unwrap_or_else(|_| unreachable_clock())
}

fn unreachable_clock() -> Instant {
    Instant::from_timestamp(0)
}

/// 10,000 generated cases, about 5 debts and 20 contacts each.
pub fn portfolio(n: usize) -> Vec<Case> {
    recobro::simulation::portfolio(n, 42, as_of(), Default::default())
}

/// The native baseline's answer: (segment, first candidate's template or kind).
pub type NativeDecision = (&'static str, &'static str);

fn risk_band(case: &Case) -> &'static str {
    let score = case
        .attributes
        .get("risk_score")
        .and_then(|v| v.as_i64())
        .unwrap_or(500);
    if score >= 700 {
        "high"
    } else if score >= 400 {
        "medium"
    } else {
        "low"
    }
}

/// The default consumer policy written by hand in Rust (same rules, same facts).
pub fn native_decide(case: &Case, as_of: Instant) -> NativeDecision {
    let f = Facts::derive(case, as_of);
    let latest = f.latest_promise.map(|i| f.promise_statuses[i]);
    let segment = if !f.flags.is_empty() {
        "hold"
    } else if f.total_outstanding <= rust_decimal::Decimal::ZERO {
        "cured"
    } else if latest == Some(PromiseStatus::Pending) {
        "promise_pending"
    } else if f.plan_status == "active" {
        "on_plan"
    } else if f.days_past_due <= 0 {
        "preventive"
    } else if f.days_past_due < 60 {
        "administrative"
    } else if f.days_past_due < 120 {
        "extrajudicial"
    } else {
        "legal"
    };
    let dpd = f.days_past_due;
    let risk = risk_band(case);
    let action = if f.total_outstanding <= rust_decimal::Decimal::ZERO {
        "-"
    } else if f.has_flag(recobro::Flag::Dispute) {
        "dispute_review"
    } else if latest == Some(PromiseStatus::Pending) || f.plan_status == "active" {
        "-"
    } else if latest == Some(PromiseStatus::Broken) || f.plan_status == "behind" {
        "broken_promise_call"
    } else if dpd <= 0 {
        if (0..=3).contains(&f.days_until_due) && f.contacts_within(3, None, None) == 0 {
            "pre_due_reminder"
        } else {
            "-"
        }
    } else if dpd >= 120 {
        "legal_review"
    } else if dpd >= 90 {
        if risk == "high" || f.promises_with(PromiseStatus::Broken) >= 2 {
            "agency_referral"
        } else {
            "settlement_offer"
        }
    } else if dpd >= 60 {
        "negotiation_call"
    } else {
        let recent = f.contacts_within(3, None, None);
        if dpd <= 7 && risk != "high" {
            if recent == 0 {
                "early_reminder"
            } else {
                "-"
            }
        } else if dpd <= 20 && risk == "low" {
            if recent == 0 {
                "overdue_notice"
            } else {
                "-"
            }
        } else if f.contacts_within(2, Some(recobro::Channel::Call), None) == 0 {
            "collection_call"
        } else if recent == 0 {
            "overdue_reminder"
        } else {
            "-"
        }
    };
    (segment, action)
}
