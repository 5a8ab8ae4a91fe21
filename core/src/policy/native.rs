//! The default consumer policy (`rules/consumer/policy.rhai` with
//! `rules/common/stages.rhai`) written by hand in Rust: the benchmarks' honest limit.
//!
//! It answers the four hooks with the same values the script returns (the same
//! actions, charge lines and offers, built by the same native helpers the script
//! calls), and the engine runs the same pipeline around them: validation, facts,
//! compliance on every candidate, the law on every charge line, the decision. A test
//! (`core/tests/native_limit.rs`) checks that both give byte-identical decisions on
//! generated portfolios; the ratio of their costs is the price of the interpreter.
//!
//! Keep it in step with the script: when the policy changes, the test fails until this
//! file says the same.

use super::errors;
use super::script::{
    agreed_fee, contact, debt_ref, may_charge, plan_offer, score_map, settlement, task, ActionRef,
    Ctx, OfferRef, Rr,
};
use crate::decision::Action;
use crate::error::Result;
use crate::facts::PromiseStatus;
use crate::model::{Channel, Flag};
use crate::money::plans::{Frequency, PlanBounds};
use rhai::{Array, Dynamic};
use rust_decimal::Decimal;
use std::sync::Arc;

fn rr<T>(r: Rr<T>) -> Result<T> {
    r.map_err(|e| errors::from_eval(&e))
}

/// `stages::risk_band(c)`: the band of the behavioural scorecard, recorded for the
/// decision as the script's `c.score("behavioural")` records it.
fn risk_band(ctx: &Ctx) -> Result<String> {
    let m = rr(score_map(ctx, "behavioural"))?;
    Ok(m.get("band").map(|b| b.to_string()).unwrap_or_default())
}

fn stage(dpd: i64) -> &'static str {
    if dpd <= 0 {
        "preventive"
    } else if dpd < 60 {
        "administrative"
    } else if dpd < 120 {
        "extrajudicial"
    } else {
        "legal"
    }
}

fn promise_status(ctx: &Ctx) -> Option<PromiseStatus> {
    let f = &ctx.facts;
    f.latest_promise.map(|i| f.promise_statuses[i])
}

fn segment(ctx: &Ctx) -> &'static str {
    let f = &ctx.facts;
    if !f.flags.is_empty() {
        return "hold";
    }
    if f.total_outstanding <= Decimal::ZERO {
        return "cured";
    }
    let stage = stage(f.days_past_due);
    if promise_status(ctx) == Some(PromiseStatus::Pending) {
        return "promise_pending";
    }
    if f.plan_status == "active" {
        return "on_plan";
    }
    stage
}

fn with(a: Rr<Action>, priority: i64, reason: String) -> Result<Dynamic> {
    let mut a = rr(a)?;
    a.priority = priority;
    a.reason = Some(reason);
    Ok(Dynamic::from(ActionRef(a)))
}

fn actions(ctx: &Ctx) -> Result<Array> {
    let f = &ctx.facts;
    let mut out = Array::new();
    if f.total_outstanding <= Decimal::ZERO {
        return Ok(out);
    }
    if f.has_flag(Flag::Dispute) {
        out.push(with(
            task("dispute_review"),
            90,
            "the debtor disputes the debt".into(),
        )?);
        return Ok(out);
    }
    let dpd = f.days_past_due;
    let risk = risk_band(ctx)?;
    let promise = promise_status(ctx);
    if promise == Some(PromiseStatus::Pending) || f.plan_status == "active" {
        return Ok(out);
    }
    if promise == Some(PromiseStatus::Broken) || f.plan_status == "behind" {
        out.push(with(
            contact(Channel::Call, "broken_promise_call"),
            85,
            "promise broken or plan installment missed".into(),
        )?);
        out.push(with(
            contact(Channel::Sms, "broken_promise_sms"),
            80,
            "promise broken; fall back to SMS".into(),
        )?);
        return Ok(out);
    }
    let contacts = |days: i64, channel: Option<Channel>| f.contacts_within(days, channel, None);
    if dpd <= 0 {
        let days_left = f.days_until_due;
        if (0..=3).contains(&days_left) && contacts(3, None) == 0 {
            out.push(with(
                contact(Channel::Sms, "pre_due_reminder"),
                10,
                format!("due in {days_left} day(s)"),
            )?);
            out.push(with(
                contact(Channel::Email, "pre_due_reminder"),
                10,
                "SMS not possible; remind by email".into(),
            )?);
        }
        return Ok(out);
    }
    if dpd >= 120 {
        out.push(with(
            task("legal_review"),
            70,
            format!("{dpd} days past due"),
        )?);
        return Ok(out);
    }
    if dpd >= 90 {
        if risk == "high" || f.promises_with(PromiseStatus::Broken) >= 2 {
            out.push(with(
                task("agency_referral"),
                65,
                format!("{dpd} DPD, risk {risk}"),
            )?);
        } else {
            out.push(with(
                task("settlement_offer"),
                75,
                format!("{dpd} DPD: offer a settlement"),
            )?);
            out.push(with(
                contact(Channel::Call, "settlement_call"),
                75,
                "present the settlement offer".into(),
            )?);
        }
        return Ok(out);
    }
    if dpd >= 60 {
        out.push(with(
            contact(Channel::Call, "negotiation_call"),
            70,
            format!("{dpd} DPD: negotiate a plan"),
        )?);
        out.push(with(
            contact(Channel::Letter, "pre_legal_notice"),
            60,
            "no call possible: written notice".into(),
        )?);
        return Ok(out);
    }
    let recent = contacts(3, None);
    if dpd <= 7 && risk != "high" {
        if recent == 0 {
            out.push(with(
                contact(Channel::Sms, "early_reminder"),
                30,
                format!("{dpd} DPD"),
            )?);
            out.push(with(
                contact(Channel::Email, "early_reminder"),
                25,
                "SMS not possible".into(),
            )?);
        }
    } else if dpd <= 20 && risk == "low" {
        if recent == 0 {
            out.push(with(
                contact(Channel::Email, "overdue_notice"),
                40,
                format!("{dpd} DPD, low risk"),
            )?);
            out.push(with(
                contact(Channel::Sms, "overdue_reminder"),
                35,
                "email not possible".into(),
            )?);
        }
    } else {
        if contacts(2, Some(Channel::Call)) == 0 {
            out.push(with(
                contact(Channel::Call, "collection_call"),
                50 + dpd / 2,
                format!("{dpd} DPD, risk {risk}"),
            )?);
        }
        if recent == 0 {
            out.push(with(
                contact(Channel::Sms, "overdue_reminder"),
                45,
                "call not possible".into(),
            )?);
            out.push(with(
                contact(Channel::Email, "overdue_notice"),
                40,
                "call and SMS not possible".into(),
            )?);
        }
    }
    Ok(out)
}

fn charges(ctx: &Arc<Ctx>) -> Result<Array> {
    let mut out = Array::new();
    for d in &ctx.facts.debts {
        let d = debt_ref(ctx, d.index);
        if d.overdue && d.days_past_due >= 15 && may_charge(&d, "late_fee") {
            let mut c = agreed_fee(&d, "late_fee")?;
            c.citation = Some("contractual late fee (the agreement creating the debt)".into());
            c.basis
                .insert("days_past_due".into(), d.days_past_due.to_string());
            out.push(Dynamic::from(c));
        }
    }
    Ok(out)
}

fn offers(ctx: &Ctx) -> Result<Array> {
    let f = &ctx.facts;
    let mut out = Array::new();
    if !f.flags.is_empty() || f.total_outstanding <= Decimal::ZERO {
        return Ok(out);
    }
    let dpd = f.days_past_due;
    if dpd >= 30 {
        let mut plan = plan_offer(
            ctx,
            PlanBounds {
                min_down_payment_pct: Decimal::from(10),
                max_installments: if dpd >= 90 { 12 } else { 6 },
                frequencies: vec![Frequency::Monthly, Frequency::Biweekly],
                min_installment: Decimal::from(10),
                max_days_to_first: 30,
                annual_rate: Decimal::ZERO,
            },
        )?;
        plan.name = "standard_plan".into();
        out.push(Dynamic::from(OfferRef(plan)));
    }
    if dpd >= 90 {
        let pct = if dpd >= 180 { 40 } else { 20 };
        let mut s = settlement(ctx, Decimal::from(pct), 15)?;
        s.name = "settlement".into();
        out.push(Dynamic::from(OfferRef(s)));
    }
    Ok(out)
}

/// The four hooks' values, as the script's `__recobro_hooks` returns them.
pub(crate) fn consumer_hooks(
    ctx: &Arc<Ctx>,
    skip_offers: bool,
) -> Result<(Dynamic, Dynamic, Dynamic, Dynamic)> {
    Ok((
        Dynamic::from(segment(ctx).to_string()),
        Dynamic::from_array(actions(ctx)?),
        Dynamic::from_array(charges(ctx)?),
        if skip_offers {
            Dynamic::UNIT
        } else {
            Dynamic::from_array(offers(ctx)?)
        },
    ))
}
