//! The values a policy holds: the `Case`, `Debt`, `Action`, `Charge` and `Offer`
//! types behind their Rhai names, the shared evaluation context, and the conversions
//! every native helper uses (amounts from Rhai values, errors into Rhai errors).

use crate::decision::{Action, ChargeKind};
use crate::error::Result;
use crate::facts::Facts;
use crate::model::Case;
use crate::money::interest::{self, InterestSpec, Movement};
use crate::money::rates::RateTables;
use crate::money::Rounding;
use chrono::NaiveDate;
use rhai::{Dynamic, EvalAltResult, Map, Position};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Case plus derived facts, shared by every value the script holds.
pub(crate) struct Ctx {
    pub case: Case,
    pub facts: Facts,
    pub rates: Arc<crate::money::rates::RateTables>,
    /// The policy's operation limit: native helpers that loop count against it too.
    pub max_operations: u64,
    /// Operations native helpers spent in this evaluation (per-day accrual).
    pub native_operations: std::sync::atomic::AtomicU64,
    /// The scorecards the policy may call.
    pub scorecards: Arc<crate::policy::scorecard::Scorecards>,
    /// The decision tables the policy may call.
    pub tables: Arc<crate::policy::table::Tables>,
    /// The scores computed in this evaluation, in the order first asked for.
    pub scores: std::sync::Mutex<Vec<crate::policy::scorecard::Score>>,
    /// The policy's contact timing and compliance rules (for `c.best_moment`).
    pub timing: Option<Arc<crate::policy::timing::Timing>>,
    /// The policy (its compliance rules, for `c.best_moment`).
    pub policy: Arc<crate::policy::Inner>,
}

impl Ctx {
    /// Count `n` native operations against the evaluation's limit; false once the
    /// total would pass it.
    pub(crate) fn spend_operations(&self, n: u64) -> bool {
        use std::sync::atomic::Ordering;
        let before = self.native_operations.fetch_add(n, Ordering::Relaxed);
        before.saturating_add(n) <= self.max_operations
    }
}

/// The `Case` type in Rhai: a cheap handle on the case and its facts.
#[derive(Clone)]
pub struct CaseRef(pub(crate) Arc<Ctx>);

/// The `Debt` type in Rhai.
#[derive(Clone)]
pub struct DebtRef {
    pub(super) ctx: Arc<Ctx>,
    index: usize,
    pub(crate) days_past_due: i64,
    pub(crate) overdue: bool,
}

impl DebtRef {
    pub(crate) fn debt(&self) -> &crate::model::Debt {
        &self.ctx.case.debts[self.index]
    }

    pub(crate) fn book(&self) -> &crate::model::ledger::DebtBook {
        // INVARIANT: `books` is derived from the same case, aligned with `case.debts`.
        &self.ctx.facts.books(&self.ctx.case)[self.index]
    }

    /// Ledger lines by `rule` on this debt.
    pub(crate) fn ledger<'a>(
        &'a self,
        rule: &'a str,
    ) -> impl Iterator<Item = &'a crate::model::AppliedCharge> + 'a {
        let id = &self.debt().id;
        self.ctx
            .case
            .charges
            .iter()
            // A zero line (one the engine cut) charged nothing: it does not count.
            .filter(move |c| &c.debt_id == id && c.rule == rule && !c.amount.is_zero())
    }
}

/// The `Action` type in Rhai.
#[derive(Clone)]
pub struct ActionRef(pub Action);

/// The `Charge` type in Rhai: one charge line under construction.
#[derive(Clone)]
pub struct ChargeRef {
    /// Debt id.
    pub debt_id: String,
    /// Currency of the debt.
    pub currency: String,
    /// Kind.
    pub kind: ChargeKind,
    /// Amount.
    pub amount: Decimal,
    /// Rule name.
    pub rule: String,
    /// Citation.
    pub citation: Option<String>,
    /// Basis entries.
    pub basis: BTreeMap<String, String>,
    /// How the engine made the line: the law checks what it is, not what it is called.
    pub(crate) origin: Origin,
}

/// Where a charge line came from. Only the engine sets it; a policy cannot.
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    /// An amount the policy stated (`fee`, `interest`, `compensation`).
    Stated,
    /// Interest the engine accrued (`late_interest`, `contract_interest`): its inputs,
    /// so the law can recompute it at a lawful rate.
    Accrued(Arc<Accrued>),
}

/// Keys the engine writes into a charge's basis. A policy's `basis(...)` cannot set or
/// overwrite them: what authorised a line, what capped it and how it was computed are
/// the engine's statements, not the policy's.
pub const ENGINE_BASIS_KEYS: &[&str] = &[
    "already_charged",
    "authorised_by",
    "capped",
    "day_count",
    "days",
    "due_rolled_to",
    "from",
    "interest_accrued",
    "interest_paid",
    "limit",
    "margin",
    "method",
    "payment_day",
    "periods",
    "principal_end",
    "rate",
    "regime",
    "rounding",
    "table",
    "through",
    "to_verify",
];

/// The `Offer` type in Rhai.
#[derive(Clone)]
pub struct OfferRef(pub crate::decision::Offer);

pub(crate) type Rr<T> = std::result::Result<T, Box<EvalAltResult>>;

/// An engine error from a native helper, as Rhai carries it: a limit stays a limit.
pub(crate) fn to_rhai(e: crate::error::Error) -> Box<EvalAltResult> {
    if e.code == crate::error::ErrorCode::LimitOperations {
        Box::new(EvalAltResult::ErrorTooManyOperations(Position::NONE))
    } else {
        rt_err(e.message)
    }
}

pub(crate) fn rt_err(msg: String) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(msg.into(), Position::NONE))
}

/// Convert a JSON attribute into a Rhai value (numbers stay exact).
pub(crate) fn json_to_dynamic(v: &serde_json::Value, depth: usize) -> Dynamic {
    use serde_json::Value;
    if depth > 32 {
        return Dynamic::UNIT;
    }
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Dynamic::from_int(i)
            } else {
                // An attribute is the host's data, not an amount read into a ledger: a
                // number with more digits than a decimal holds is rounded to one, as it
                // always was (`parse_amount` refuses it), not dropped.
                let text = n.to_string();
                crate::money::parse_amount(&text)
                    .ok()
                    .or_else(|| text.parse::<rust_decimal::Decimal>().ok())
                    .map(Dynamic::from_decimal)
                    .unwrap_or(Dynamic::UNIT)
            }
        }
        Value::String(s) => s.as_str().into(),
        Value::Array(a) => {
            Dynamic::from_array(a.iter().map(|x| json_to_dynamic(x, depth + 1)).collect())
        }
        Value::Object(o) => {
            let mut m = Map::new();
            for (k, x) in o {
                m.insert(k.as_str().into(), json_to_dynamic(x, depth + 1));
            }
            Dynamic::from_map(m)
        }
    }
}

pub(crate) fn debt_ref(ctx: &Arc<Ctx>, index: usize) -> DebtRef {
    let (days_past_due, overdue) = ctx
        .facts
        .debts
        .iter()
        .find(|d| d.index == index)
        .map_or((0, false), |d| (d.days_past_due, d.overdue));
    DebtRef {
        ctx: ctx.clone(),
        index,
        days_past_due,
        overdue,
    }
}

pub(crate) fn to_amount(v: &Dynamic, what: &str) -> Rr<Decimal> {
    let x = if let Ok(d) = v.as_decimal() {
        d
    } else if let Ok(i) = v.as_int() {
        Decimal::from(i)
    } else {
        return Err(rt_err(format!(
            "{what} must be a number, not `{}`",
            v.type_name()
        )));
    };
    // Money helpers work on amounts up to 10^15: beyond that, arithmetic could overflow.
    if x.abs() > crate::money::max_amount() {
        return Err(rt_err(format!(
            "{what} `{x}` is larger than the largest amount accepted (10^15)"
        )));
    }
    Ok(x)
}

/// Everything an accrued interest line was computed from, so the law can recompute it
/// at a lawful rate or method.
#[derive(Debug, Clone)]
pub(crate) struct Accrued {
    /// The spec the policy asked for.
    pub spec: InterestSpec,
    /// Principal before any payment (the original amount).
    pub principal: Decimal,
    /// Fees and compensation from the ledger, on their days.
    pub fees: Vec<Movement>,
    /// Payments to the debt on the day they reduce the balance.
    pub payments: Vec<Movement>,
    /// First day that accrues.
    pub start: NaiveDate,
    /// Day after the last day that accrues.
    pub end: NaiveDate,
    /// Interest the ledger already charged under this rule on this debt.
    pub booked: Decimal,
}

impl Accrued {
    /// The accrual under `spec`.
    pub fn run(&self, rates: &RateTables, spec: &InterestSpec) -> Result<interest::Accrual> {
        interest::accrue_with_fees(
            spec,
            rates,
            self.principal,
            &self.fees,
            self.start,
            self.end,
            &self.payments,
        )
    }

    /// What a line is owed under `spec`: the accrued interest less what was already
    /// charged (or, if more, paid), never negative.
    pub fn line(&self, a: &interest::Accrual) -> Decimal {
        let known = self.booked.max(a.paid_interest);
        Rounding::HalfUp
            .round(a.interest, self.spec.dp)
            .saturating_sub(known)
            .max(Decimal::ZERO)
    }
}
