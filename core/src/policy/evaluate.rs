//! The pipeline for one case: facts, `segment`, `actions`, compliance on every
//! candidate, the first allowed candidate, `charges`.

use super::engine::OUTPUT;
use super::script::{ActionRef, CaseRef, ChargeRef, Ctx};
use super::Policy;
use crate::compliance::{self, CheckContext, RuleVerdict};
use crate::decision::*;
use crate::error::{Error, ErrorCode, Result};
use crate::facts::Facts;
use crate::model::{prefix_path, Case, Channel};
use crate::money::minor_units;
use crate::time::Instant;
use rhai::{CallFnOptions, Dynamic, Map};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a decision's hooks (`segment`, `actions`, `charges`, `offers`) run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hooks {
    /// The policy's script.
    Script,
    /// The default consumer policy written in Rust (benchmarks and their agreement test).
    NativeConsumer,
}

/// Options for one evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Record the trace: pipeline steps, rule outcomes and `print`/`debug` output.
    pub trace: bool,
}

fn contract(msg: String) -> Error {
    Error::new(ErrorCode::PolicyContract, msg)
}

impl Policy {
    /// Run every hook in one script call; returns (segment, actions, charges, offers).
    fn call_hooks(
        &self,
        arg: Dynamic,
        skip_offers: bool,
    ) -> Result<(Dynamic, Dynamic, Dynamic, Dynamic)> {
        let inner = &*self.inner;
        let opts = CallFnOptions::new().eval_ast(true).rewind_scope(true);
        let hooks = if skip_offers {
            super::HOOKS_NO_OFFERS_FN
        } else {
            super::HOOKS_FN
        };
        let out = super::engine::call(&inner.engine, opts, &inner.ast, hooks, (arg,))?;
        let mut it = out.into_array().unwrap_or_default().into_iter();
        Ok((
            it.next().unwrap_or(Dynamic::UNIT),
            it.next().unwrap_or(Dynamic::UNIT),
            it.next().unwrap_or(Dynamic::UNIT),
            it.next().unwrap_or(Dynamic::UNIT),
        ))
    }

    /// Evaluate one case at `as_of`.
    pub fn evaluate(&self, case: &Case, as_of: Instant) -> Result<Decision> {
        self.evaluate_with(case, as_of, EvalOptions::default())
    }

    /// Evaluate one case with options (for example, with a trace).
    pub fn evaluate_with(
        &self,
        case: &Case,
        as_of: Instant,
        opts: EvalOptions,
    ) -> Result<Decision> {
        self.evaluate_owned(case.clone(), as_of, opts)
    }

    /// Evaluate a case the caller hands over (no copy of the case is made): what
    /// bindings use after parsing the host's value.
    pub fn evaluate_owned(
        &self,
        case: Case,
        as_of: Instant,
        opts: EvalOptions,
    ) -> Result<Decision> {
        self.decide(case, as_of, opts, false).0
    }

    /// Evaluate a case without the `offers` hook and hand the case back (the simulator
    /// evaluates the same, growing case many times and does not use offers).
    ///
    /// `checked`: the case passed [`Case::validate`] before and has since grown only by
    /// entries the engine made (the simulator's ledger), so only its clock is checked
    /// again.
    pub(crate) fn evaluate_and_return(
        &self,
        case: Case,
        as_of: Instant,
        checked: bool,
    ) -> (Result<Decision>, Case) {
        self.decide_checked(
            case,
            as_of,
            EvalOptions::default(),
            true,
            checked,
            Hooks::Script,
        )
    }

    /// The pipeline for one owned case; the case is handed back afterwards.
    fn decide(
        &self,
        case: Case,
        as_of: Instant,
        opts: EvalOptions,
        skip_offers: bool,
    ) -> (Result<Decision>, Case) {
        self.decide_checked(case, as_of, opts, skip_offers, false, Hooks::Script)
    }

    /// [`Self::decide`], skipping [`Case::validate`] when the caller has `checked` it.
    fn decide_checked(
        &self,
        case: Case,
        as_of: Instant,
        opts: EvalOptions,
        skip_offers: bool,
        checked: bool,
        hooks: Hooks,
    ) -> (Result<Decision>, Case) {
        let valid = if checked { Ok(()) } else { case.validate() };
        if let Err(e) = valid.and_then(|_| case.validate_at(as_of)) {
            return (Err(e), case);
        }
        inject_fault(&case);
        let facts = Facts::derive(&case, as_of);
        let ctx = Arc::new(Ctx {
            case,
            facts,
            rates: self.inner.rates.clone(),
            max_operations: self.inner.limits.max_operations,
            native_operations: std::sync::atomic::AtomicU64::new(0),
            scorecards: self.inner.scorecards.clone(),
            tables: self.inner.tables.clone(),
            scores: std::sync::Mutex::new(Vec::new()),
            timing: self.inner.timing.clone(),
            policy: self.inner.clone(),
        });
        if opts.trace {
            OUTPUT.with(|o| *o.borrow_mut() = Some(Vec::new()));
        }
        let result = self.run(&ctx, opts, skip_offers, hooks);
        let output = if opts.trace {
            OUTPUT.with(|o| o.borrow_mut().take()).unwrap_or_default()
        } else {
            Vec::new()
        };
        let result = result.map(|mut d| {
            if let Some(t) = d.trace.as_mut() {
                t.extend(output);
            }
            d
        });
        let case = match Arc::try_unwrap(ctx) {
            Ok(c) => c.case,
            Err(shared) => shared.case.clone(),
        };
        (result, case)
    }

    /// Evaluate many owned cases at `as_of`, in parallel where the platform allows.
    /// Each result's error paths are prefixed with the case's index (`[3].debts[0].due_on`);
    /// a panic fails its own row only, as an `internal` error.
    pub fn evaluate_batch_owned(&self, cases: Vec<Case>, as_of: Instant) -> Vec<Result<Decision>> {
        self.evaluate_rows(
            cases.into_iter().map(Ok).collect(),
            0,
            as_of,
            EvalOptions::default(),
        )
    }

    /// Evaluate many cases at `as_of`, in parallel where the platform allows.
    /// Each result's error paths are prefixed with the case's index (`[3].debts[0].due_on`);
    /// a panic fails its own row only, as an `internal` error.
    pub fn evaluate_batch(&self, cases: &[Case], as_of: Instant) -> Vec<Result<Decision>> {
        // `evaluate` clones each case anyway: cloning here first costs nothing more.
        self.evaluate_batch_owned(cases.to_vec(), as_of)
    }

    /// The one batch loop (`host::evaluate_rows` and the batch methods): each entry, the
    /// case or its reading error, decided under its own panic guard, every error put
    /// under the entry's index (`first` plus its position, for a slice of a larger batch).
    pub(crate) fn evaluate_rows(
        &self,
        cases: Vec<Result<Case>>,
        first: usize,
        as_of: Instant,
        opts: EvalOptions,
    ) -> Vec<Result<Decision>> {
        // INVARIANT: entries are not indexed yet; each is indexed exactly once, here.
        let indexed: Vec<(usize, Result<Case>)> = cases
            .into_iter()
            .enumerate()
            .map(|(i, c)| (first.saturating_add(i), c))
            .collect();
        par_map(indexed, |(i, c)| {
            c.and_then(|c| crate::error::guard(|| self.evaluate_owned(c, as_of, opts)))
                .map_err(|e| prefix_path(e, i))
        })
    }

    /// The default consumer policy's hooks written in Rust instead of its script (the
    /// benchmarks' honest limit: the same pipeline around them). `self` must be the
    /// compiled default consumer policy: its rules, rates and identity are used.
    pub(crate) fn evaluate_native_consumer(&self, case: Case, as_of: Instant) -> Result<Decision> {
        self.decide_checked(
            case,
            as_of,
            EvalOptions::default(),
            false,
            false,
            Hooks::NativeConsumer,
        )
        .0
    }

    fn run(
        &self,
        ctx: &Arc<Ctx>,
        opts: EvalOptions,
        skip_offers: bool,
        hooks: Hooks,
    ) -> Result<Decision> {
        let inner = &*self.inner;
        let facts = &ctx.facts;
        let mut trace = opts.trace.then(Vec::new);
        fn push(trace: &mut Option<Vec<TraceEntry>>, step: &str, detail: String) {
            if let Some(t) = trace.as_mut() {
                t.push(TraceEntry {
                    step: step.into(),
                    detail,
                });
            }
        }
        macro_rules! note {
            ($step:expr, $detail:expr $(,)?) => {
                if trace.is_some() {
                    push(&mut trace, $step, $detail)
                }
            };
        }
        note!(
            "facts",
            format!(
                "today {} ({}), days past due {}, overdue {} of {} debts, outstanding {}, promise {}, plan {}, flags [{}]",
                facts.today,
                ctx.case.debtor.timezone,
                facts.days_past_due,
                facts.overdue_debts,
                ctx.case.debts.len(),
                facts.total_outstanding,
                facts.latest_promise.map_or("none", |i| facts.promise_statuses[i].as_str()),
                facts.plan_status,
                facts.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
            ),
        );
        let (segment_out, actions_out, charges_out, offers_out) = match hooks {
            Hooks::Script => self.call_hooks(Dynamic::from(CaseRef(ctx.clone())), skip_offers)?,
            Hooks::NativeConsumer => super::native::consumer_hooks(ctx, skip_offers)?,
        };

        let segment = if inner.hooks.segment {
            let v = segment_out;
            let s = if v.is_unit() {
                None
            } else if v.is_string() {
                Some(v.into_string().unwrap_or_default())
            } else {
                return Err(contract(format!(
                    "`segment` returned `{}`; it must return a string",
                    v.type_name()
                )));
            };
            note!("segment", s.clone().unwrap_or_else(|| "(none)".into()));
            s
        } else {
            None
        };

        let proposed = if inner.hooks.actions {
            to_actions(actions_out)?
        } else {
            Vec::new()
        };
        note!(
            "actions",
            format!("{} candidate(s) proposed", proposed.len())
        );

        let mut check_ctx = CheckContext::new(&ctx.case, facts, inner.rules.closures());
        // Allowances are explained only where they are shown: the chosen candidate, the trace.
        check_ctx.explain = trace.is_some();
        let applicable = inner
            .rules
            .applicable(&ctx.case.debtor.jurisdiction, facts.today.0);
        let mut candidates: Vec<Candidate> = Vec::with_capacity(proposed.len());
        let mut compliance = Vec::new();
        for (ci, action) in proposed.into_iter().enumerate() {
            let at = action
                .not_before
                .map_or(facts.as_of, |t| t.max(facts.as_of));
            let mut assessed = compliance::assess(&applicable, &check_ctx, &action, at);
            if !check_ctx.explain
                && assessed.blocked_by.is_empty()
                && candidates.iter().all(|c| c.verdict == Verdict::Blocked)
            {
                let mut explaining = check_ctx.clone();
                explaining.explain = true;
                assessed = compliance::assess(&applicable, &explaining, &action, at);
            }
            let blocked_by = assessed.blocked_by;
            let verdict = if blocked_by.is_empty() {
                Verdict::Allowed
            } else {
                Verdict::Blocked
            };
            // Blocks are always recorded; the rules that allowed a candidate only for the
            // chosen one (and in the trace).
            let first_allowed = verdict == Verdict::Allowed
                && candidates.iter().all(|c| c.verdict == Verdict::Blocked);
            for (ri, v) in assessed.outcomes {
                let rule = applicable[ri];
                let blocked = matches!(v, RuleVerdict::Block { .. });
                if let Some(t) = trace.as_mut() {
                    let (word, detail) = match &v {
                        RuleVerdict::Block { detail, .. } => ("blocks", detail.as_str()),
                        RuleVerdict::Allow(d) => ("allows", d.as_str()),
                        RuleVerdict::NotApplicable => ("skips", ""),
                    };
                    t.push(TraceEntry {
                        step: "rule".into(),
                        detail: format!("candidate {ci}: {} {word}: {detail}", rule.id()),
                    });
                }
                if blocked || first_allowed {
                    compliance.push(compliance::outcome(rule, ci, v));
                }
            }
            let next = assessed.next_allowed_at;
            let forever = verdict == Verdict::Blocked && next.is_none();
            note!(
                "compliance",
                format!(
                    "candidate {ci} `{}`{}: {}",
                    action.kind,
                    action
                        .channel
                        .map(|c| format!(" via {}", c.as_str()))
                        .unwrap_or_default(),
                    if blocked_by.is_empty() {
                        "allowed".to_string()
                    } else {
                        format!("blocked by {}", blocked_by.join(", "))
                    }
                ),
            );
            let next_allowed_at = if verdict == Verdict::Blocked && !forever {
                next
            } else {
                None
            };
            // The best moment: for a contact, when the policy has `contact_timing()`,
            // and not when only a person can lift the block.
            let best = match &inner.timing {
                Some(t) if action.is_contact() && !forever => super::timing::best_slot(
                    t,
                    &check_ctx,
                    &inner.rules,
                    &action,
                    at,
                    next_allowed_at,
                ),
                _ => None,
            };
            if let Some((best_at, b)) = &best {
                note!(
                    "timing",
                    format!(
                        "candidate {ci}: best at {best_at} ({} {:02}:00 local), expected right-party rate {} from {} of {} attempt(s) at that hour and the prior {} ({} at weight {}); {} slot(s) checked",
                        b.weekday, b.local_hour, b.rate, b.right_party, b.attempts, b.prior, b.prior_rate, b.prior_weight, b.slots_checked
                    ),
                );
            } else if let (Some(t), Some(ch)) = (&inner.timing, action.channel) {
                note!(
                    "timing",
                    format!(
                        "candidate {ci}: no best moment: {}",
                        if !t.prior.knows(ch) {
                            format!(
                                "the prior {} has no rates for {}",
                                t.prior.name,
                                ch.as_str()
                            )
                        } else if assessed.search_exhausted.is_some() {
                            "the search for its next allowed instant gave up".to_string()
                        } else if forever {
                            "only a person can lift its block".to_string()
                        } else {
                            format!("no slot within {} hours is lawful", t.horizon_hours)
                        }
                    ),
                );
            }
            let (best_at, best_slot) = best.map_or((None, None), |(a, b)| (Some(a), Some(b)));
            candidates.push(Candidate {
                action,
                verdict,
                blocked_by,
                next_allowed_at,
                best_at,
                best_slot,
                next_allowed_search: assessed
                    .search_exhausted
                    .as_deref()
                    .map(compliance::exhausted_text),
            });
        }
        crate::sort::sort_by_key(&mut compliance, |r| r.candidate);

        let chosen = candidates
            .iter()
            .find(|c| c.verdict == Verdict::Allowed)
            .map(|c| ChosenAction {
                action: c.action.clone(),
                earliest_at: c
                    .action
                    .not_before
                    .map_or(facts.as_of, |t| t.max(facts.as_of)),
                best_at: c.best_at,
                best_slot: c.best_slot.clone(),
            });
        let (no_action_reason, next_allowed_at) = match &chosen {
            Some(_) => (None, None),
            None if candidates.is_empty() => {
                (Some("the policy proposed no action".to_string()), None)
            }
            None => {
                let next = candidates.iter().filter_map(|c| c.next_allowed_at).min();
                let gave_up: Vec<String> = candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.next_allowed_search.is_some())
                    .map(|(i, _)| i.to_string())
                    .collect();
                let mut why = "every candidate was blocked by compliance rules".to_string();
                if next.is_none() && !gave_up.is_empty() {
                    why.push_str(&format!(
                        "; the search for the next allowed time gave up for candidate(s) {}",
                        gave_up.join(", ")
                    ));
                }
                (Some(why), next)
            }
        };
        note!(
            "choose",
            match &chosen {
                Some(c) => format!(
                    "`{}`{} (priority {})",
                    c.action.kind,
                    c.action
                        .channel
                        .map(|ch| format!(" via {}", ch.as_str()))
                        .unwrap_or_default(),
                    c.action.priority
                ),
                None => no_action_reason.clone().unwrap_or_default(),
            },
        );

        let charges = if inner.hooks.charges {
            let c = to_charges(charges_out, ctx)?;
            note!(
                "charges",
                format!(
                    "{} line(s); totals {}",
                    c.lines.len(),
                    c.totals
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            c
        } else {
            Charges::default()
        };

        Ok(Decision {
            case_id: ctx.case.id.clone(),
            as_of: facts.as_of,
            policy: inner.info.clone(),
            segment,
            action: chosen,
            no_action_reason,
            next_allowed_at,
            candidates,
            charges,
            offers: to_offers(offers_out)?,
            scores: ctx
                .scores
                .lock()
                .map(|mut s| std::mem::take(&mut *s))
                .unwrap_or_default(),
            compliance,
            trace,
        })
    }
}

/// Read the `metadata()` hook once at compile time.
pub(crate) fn read_metadata(p: &Policy) -> Result<(String, String)> {
    let inner = &*p.inner;
    let v = super::engine::call(
        &inner.engine,
        CallFnOptions::new(),
        &inner.ast,
        "metadata",
        (),
    )?;
    let map = v.try_cast::<Map>().ok_or_else(|| {
        contract("`metadata()` must return a map like #{ name: \"x\", version: \"1.0\" }".into())
    })?;
    let get = |k: &str| -> Result<String> {
        match map.get(k) {
            Some(v) if v.is_string() => Ok(v.to_string()),
            Some(v) => Err(contract(format!(
                "`metadata().{k}` must be a string, not `{}`",
                v.type_name()
            ))),
            None => Err(contract(format!("`metadata()` has no `{k}`"))),
        }
    };
    Ok((get("name")?, get("version")?))
}

fn to_action(v: Dynamic, i: usize) -> Result<Action> {
    if v.is::<ActionRef>() {
        return Ok(v.cast::<ActionRef>().0);
    }
    let type_name = v.type_name();
    let Some(map) = v.try_cast::<Map>() else {
        return Err(contract(format!(
            "`actions` returned `{type_name}` at position {i}; expected an action from `contact(...)` or `task(...)`, or a map"
        )));
    };
    let text = |k: &str, v: &Dynamic| -> Result<String> {
        if v.is_string() {
            Ok(v.to_string())
        } else {
            Err(contract(format!(
                "`actions`[{i}].{k} must be a string, not `{}`",
                v.type_name()
            )))
        }
    };
    let mut a = Action {
        kind: String::new(),
        channel: None,
        template: None,
        debt_id: None,
        priority: 0,
        reason: None,
        not_before: None,
    };
    for (k, val) in map {
        match k.as_str() {
            "kind" => a.kind = text("kind", &val)?,
            "channel" => {
                let s = text("channel", &val)?;
                a.channel = Some(Channel::parse(&s).ok_or_else(|| {
                    contract(format!("`actions`[{i}].channel `{s}` is not one of {}", Channel::names()))
                })?);
            }
            "template" => a.template = Some(text("template", &val)?),
            "debt_id" => a.debt_id = Some(text("debt_id", &val)?),
            "reason" => a.reason = Some(text("reason", &val)?),
            "priority" => {
                a.priority = val.as_int().map_err(|t| {
                    contract(format!("`actions`[{i}].priority must be an integer, not `{t}`"))
                })?
            }
            "not_before" => {
                let s = text("not_before", &val)?;
                a.not_before = Some(Instant::parse(&s).map_err(|m| contract(format!("`actions`[{i}].not_before: {m}")))?);
            }
            other => {
                return Err(contract(format!(
                    "`actions`[{i}] has an unknown key `{other}`; keys are kind, channel, template, debt_id, priority, reason, not_before"
                )))
            }
        }
    }
    if a.kind.is_empty() {
        a.kind = if a.channel.is_some() {
            "contact".into()
        } else {
            String::new()
        };
    }
    if a.kind.is_empty() {
        return Err(contract(format!(
            "`actions`[{i}] has neither `kind` nor `channel`"
        )));
    }
    if a.kind == "contact" && a.channel.is_none() {
        return Err(contract(format!(
            "`actions`[{i}] is a contact without a `channel`"
        )));
    }
    Ok(a)
}

fn to_actions(v: Dynamic) -> Result<Vec<Action>> {
    if v.is_unit() {
        return Ok(Vec::new());
    }
    if v.is_array() {
        let arr = v.into_array().unwrap_or_default();
        return arr
            .into_iter()
            .enumerate()
            .map(|(i, x)| to_action(x, i))
            .collect();
    }
    Ok(vec![to_action(v, 0)?])
}

fn to_charges(v: Dynamic, ctx: &Arc<Ctx>) -> Result<Charges> {
    let items: Vec<Dynamic> = if v.is_unit() {
        Vec::new()
    } else if v.is_array() {
        v.into_array().unwrap_or_default()
    } else {
        vec![v]
    };
    let mut lines = Vec::with_capacity(items.len());
    let mut seen = super::law::Seen::default();
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    for (i, item) in items.into_iter().enumerate() {
        // `()` stands for "no charge" (a helper that found nothing to charge).
        if item.is_unit() {
            continue;
        }
        let type_name = item.type_name();
        let c = item.try_cast::<ChargeRef>().ok_or_else(|| {
            contract(format!(
                "`charges` returned `{type_name}` at position {i}; expected a charge from `fee(...)`, `interest(...)` or `compensation(...)`"
            ))
        })?;
        let dp = minor_units(&c.currency).unwrap_or(2);
        if c.amount > crate::money::max_amount() {
            return Err(contract(format!(
                "charge `{}` on debt `{}` is `{}`, larger than the largest amount accepted (10^15)",
                c.rule, c.debt_id, c.amount
            )));
        }
        if c.amount.normalize().scale() > dp {
            return Err(contract(format!(
                "charge `{}` on debt `{}` is `{}` {}, with more decimals than {} allows",
                c.rule, c.debt_id, c.amount, c.currency, c.currency
            ))
            .with_help(format!(
                "round it, for example `round_money(x, \"{}\")`",
                c.currency
            )));
        }
        let mut c = c;
        // The law decides what authorises the line and how much it may be, whatever
        // the policy called it.
        super::law::apply(ctx, &mut c, &mut seen)?;
        // Shown with the currency's minor units: 40 EUR is "40.00".
        let mut amount = c.amount;
        amount.rescale(dp);
        *totals.entry(c.currency.clone()).or_default() += amount;
        lines.push(ChargeLine {
            debt_id: c.debt_id,
            kind: c.kind,
            amount,
            currency: c.currency,
            rule: c.rule,
            citation: c.citation,
            basis: c.basis,
        });
    }
    crate::sort::sort_by(&mut lines, |a, b| {
        (&a.debt_id, a.kind, &a.rule).cmp(&(&b.debt_id, b.kind, &b.rule))
    });
    let totals = crate::sort::map_from(totals.into_iter().map(|(k, v)| {
        let dp = minor_units(&k).unwrap_or(2);
        let mut v = v;
        v.rescale(dp);
        (k, v.to_string())
    }));
    Ok(Charges { lines, totals })
}

fn to_offers(v: Dynamic) -> Result<Vec<Offer>> {
    let items: Vec<Dynamic> = if v.is_unit() {
        Vec::new()
    } else if v.is_array() {
        v.into_array().unwrap_or_default()
    } else {
        vec![v]
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let type_name = item.type_name();
            item.try_cast::<super::script::OfferRef>().map(|o| o.0).ok_or_else(|| {
                contract(format!(
                    "`offers` returned `{type_name}` at position {i}; expected an offer from `settlement(...)` or `payment_plan(...)`"
                ))
            })
        })
        .collect()
}

/// The case id that makes a `fault-injection` build panic inside the engine.
#[cfg(feature = "fault-injection")]
pub const FAULT_CASE_ID: &str = "__recobro_fault__";

/// Test-only: a build with the `fault-injection` feature panics on the case whose id
/// is [`FAULT_CASE_ID`], so the bindings' tests can prove a panic never crosses them.
#[cfg(feature = "fault-injection")]
#[expect(clippy::panic, reason = "the test switch's whole purpose is a panic")]
fn inject_fault(case: &Case) {
    if case.id == FAULT_CASE_ID {
        panic!("injected fault (the fault-injection test switch)");
    }
}

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
fn inject_fault(_: &Case) {}

/// `f` over every item, in order, on the rayon pool where the platform allows (the
/// `parallel` feature), else one after the other.
pub(crate) fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync + Send) -> Vec<U> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.into_iter().map(f).collect()
    }
}
