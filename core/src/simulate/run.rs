//! One case through one policy over the horizon, and the aggregation of many.

use super::{fnv1a, Day, Kpis, ResponseModel, Settings};
use crate::decision::Decision;
use crate::error::Result;
use crate::generate::Rng;
use crate::model::{AppliedCharge, Case, Channel, Contact, Direction, Outcome, Payment, Promise};
use crate::money::{minor_units, Rounding};
use crate::policy::Policy;
use crate::time::{Date, Instant};
use chrono::Duration;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

const DAY: i64 = 86_400;

/// What happened to one case (money in the case's currency, converted at aggregation).
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// Report-currency units per case-currency unit.
    pub fx: Decimal,
    /// Opening balance.
    pub opening: Decimal,
    /// Closing balance.
    pub closing: Decimal,
    /// (day, collected, charges, cost) movements: collected and charges in the case's
    /// currency, cost already in the report currency.
    pub money: Vec<(u32, Decimal, Decimal, Decimal)>,
    /// (day, channel index) contacts.
    pub contacts: Vec<(u32, usize)>,
    /// (day, blocked candidates).
    pub blocked: Vec<(u32, u32)>,
    /// Days promises were made.
    pub promises_made: Vec<u32>,
    /// Days promises were kept.
    pub promises_kept: Vec<u32>,
    /// Decisions taken.
    pub decisions: u64,
    /// Day of the first payment.
    pub first_payment_day: Option<u32>,
    /// The case as it ended (its ledger holds every simulated contact).
    pub final_case: Case,
}

/// What a draw is for: part of its key, so draws of different purposes never share luck.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Purpose {
    /// Whether the debtor pays in full unprompted on a day.
    SelfCure = 1,
    /// The time of day of a self-cure payment.
    SelfCureTime = 2,
    /// Whether a contact on a channel reaches the debtor (sub-index: channel).
    Reach = 3,
    /// What an unanswered call or visit looks like (sub-index: channel).
    Unreached = 4,
    /// A reached debtor's answer: pay in full, in part, promise or nothing.
    Answer = 5,
    /// The share of the balance a partial payment covers.
    PartialShare = 6,
    /// Days until a promise falls due.
    PromiseDays = 7,
    /// Whether a promise is kept.
    PromiseKept = 8,
    /// Whether a task recovers money (sub-index: task kind).
    Task = 9,
}

/// Common random numbers: every draw is keyed by (seed, case id, day, purpose,
/// sub-index, attempt), never by how many draws came before, so the same debtor on the
/// same day meets the same luck under every policy, whatever the policy did earlier.
/// The attempt number counts draws with the same day, purpose and sub-index in this
/// case (0 for the first), for the rare day with two of them.
struct Draws {
    /// FNV-1a of the seed and the case id.
    base: u64,
    /// Draws made so far per (day, purpose, sub-index hash): the next attempt number.
    attempts: std::collections::BTreeMap<(u32, u8, u64), u32>,
}

impl Draws {
    fn new(seed: u64, case_id: &str) -> Self {
        Draws {
            base: fnv1a(&[b"recobro-sim-v2", &seed.to_le_bytes(), case_id.as_bytes()]),
            attempts: std::collections::BTreeMap::new(),
        }
    }

    /// A generator for one draw; SplitMix64 seeded by FNV-1a of the whole key.
    fn rng(&mut self, day: u32, purpose: Purpose, sub: &[u8]) -> Rng {
        let sub_key = fnv1a(&[sub]);
        let n = self
            .attempts
            .entry((day, purpose as u8, sub_key))
            .or_insert(0);
        let attempt = *n;
        *n = n.saturating_add(1);
        Rng::new(fnv1a(&[
            &self.base.to_le_bytes(),
            &day.to_le_bytes(),
            &[purpose as u8],
            sub,
            &attempt.to_le_bytes(),
        ]))
    }
}

fn pct_hit(rng: &mut Rng, pct: Decimal) -> bool {
    // Basis points of a percent: 12.5% -> 1250 of 10,000.
    let bp = (pct * Decimal::ONE_HUNDRED).round();
    let bp = u64::try_from(bp.mantissa().max(0)).unwrap_or(0) / 10u64.pow(bp.scale());
    rng.next_u64() % 10_000 < bp
}

fn balance(case: &Case) -> Decimal {
    // INVARIANT: with no charge booked, every debt's book owes no charges (payments only
    // lower what is owed, never below zero), so the balance is the principal alone: the
    // sum below with every `charges_owed()` zero, without replaying the ledger each day.
    if case.charges.is_empty() {
        return case.debts.iter().map(|d| d.outstanding).sum();
    }
    let books = crate::model::ledger::books(case);
    case.debts
        .iter()
        .zip(&books)
        .map(|(d, b)| d.outstanding + b.charges_owed())
        .sum()
}

/// Apply a payment: oldest debt first, charges before principal. Returns what was paid.
fn pay(case: &mut Case, amount: Decimal, at: Instant) -> Decimal {
    let mut left = amount;
    let mut order: Vec<usize> = (0..case.debts.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| {
        (case.debts[a].due_on, &case.debts[a].id).cmp(&(case.debts[b].due_on, &case.debts[b].id))
    });
    let mut paid_total = Decimal::ZERO;
    let books = crate::model::ledger::books(case);
    for i in order {
        if left <= Decimal::ZERO {
            break;
        }
        let charges = books[i].charges_owed();
        let d = &mut case.debts[i];
        let owed = d.outstanding + charges;
        let take = left.min(owed);
        if take <= Decimal::ZERO {
            continue;
        }
        // The ledger settles charges first; the rest reduces the principal.
        let to_charges = take.min(charges);
        d.outstanding -= take - to_charges;
        left -= take;
        paid_total += take;
        let id = d.id.clone();
        case.payments.push(Payment {
            at,
            amount: take,
            debt_id: Some(id),
        });
    }
    paid_total
}

/// A scheduled payment arrives: `share` percent of the balance, recorded on its day.
fn receive(
    case: &mut Case,
    out: &mut CaseOutcome,
    at: Instant,
    share: Decimal,
    kept: bool,
    dp: u32,
    day: u32,
) {
    let amount = Rounding::HalfUp.round(balance(case) * share / Decimal::ONE_HUNDRED, dp);
    if amount > Decimal::ZERO {
        let paid = pay(case, amount, at);
        out.money.push((day, paid, Decimal::ZERO, Decimal::ZERO));
        out.first_payment_day.get_or_insert(day);
        if kept {
            out.promises_kept.push(day);
        }
    }
}

/// Book the charges a decision proposed: each line with an amount is appended to the
/// case's charge ledger, as a host does (a decision's lines are what is owed beyond the
/// ledger, so nothing is booked twice).
fn book_charges(case: &mut Case, d: &Decision) -> Decimal {
    let mut booked = Decimal::ZERO;
    for l in &d.charges.lines {
        if l.amount > Decimal::ZERO {
            booked += l.amount;
            case.charges.push(AppliedCharge {
                id: None,
                debt_id: l.debt_id.clone(),
                kind: l.kind,
                rule: l.rule.clone(),
                amount: l.amount,
                at: d.as_of,
            });
        }
    }
    booked
}

fn channel_index(c: Channel) -> usize {
    Channel::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

/// Simulate one case through one policy.
///
/// The settings' `days` and response model are checked first (see
/// [`Settings::validate`]); the split is not used here.
pub fn simulate_case(policy: &Policy, case: &Case, s: &Settings) -> Result<CaseOutcome> {
    s.validate_horizon_and_model()?;
    simulate_checked(policy, case, s, false)
}

/// [`simulate_case`] for a runner that has checked the settings, and the case too when
/// `case_checked` (its shape; the clock is checked on every evaluation anyway).
pub(crate) fn simulate_checked(
    policy: &Policy,
    case: &Case,
    s: &Settings,
    case_checked: bool,
) -> Result<CaseOutcome> {
    let mut run = CaseRun::new(policy, case, s, case_checked)?;
    while let Some(d) = run.next_decision(run.end)? {
        run.apply(&d, Act::Chosen);
    }
    Ok(run.finish())
}

/// What a case does with a decision: its chosen action, another of its candidates (a
/// work queue rerouted it), or nothing today (the queue had no room).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Act {
    /// The decision's chosen action (or, without one, wait for `next_allowed_at`).
    Chosen,
    /// The candidate at this index of the decision's `candidates`.
    Candidate(usize),
    /// Nothing today: decide again a day later.
    Wait,
}

/// One case's run through one policy, a decision at a time: [`simulate_checked`] runs
/// it to the end; a run under work-queue capacities advances every case of a day
/// together ([`CaseRun::next_decision`] up to the day's end, then [`CaseRun::apply`]).
pub(crate) struct CaseRun<'a> {
    policy: &'a Policy,
    s: &'a Settings,
    draws: Draws,
    case: Case,
    out: CaseOutcome,
    /// Scheduled payments: (at, share of balance in percent, is a kept promise).
    scheduled: Vec<(Instant, Decimal, bool)>,
    start: Instant,
    /// The end of the horizon.
    pub(crate) end: Instant,
    dp: u32,
    t: Instant,
    closed: bool,
    pending_first: Option<Decision>,
    done: bool,
}

impl<'a> CaseRun<'a> {
    /// Start a case's run: its first decision (at the start) and its self-cure day.
    pub(crate) fn new(
        policy: &'a Policy,
        case: &Case,
        s: &'a Settings,
        case_checked: bool,
    ) -> Result<CaseRun<'a>> {
        let model: &ResponseModel = &s.response;
        // Common random numbers: every draw is keyed by the seed, the case, the day and
        // what is drawn (see `Draws`), not by the policy or the draws before it, so arms
        // differ only by what their policies do.
        let mut draws = Draws::new(s.seed, &case.id);
        let case = case.clone();
        let start = s.start;
        let end = Instant::from_timestamp(start.timestamp() + i64::from(s.days) * DAY);
        let currency = case
            .debts
            .first()
            .map(|d| d.currency.clone())
            .unwrap_or_default();
        let dp = minor_units(&currency).unwrap_or(2);
        let out = CaseOutcome {
            fx: model.fx(&currency),
            opening: balance(&case),
            closing: Decimal::ZERO,
            money: Vec::new(),
            contacts: Vec::new(),
            blocked: Vec::new(),
            promises_made: Vec::new(),
            promises_kept: Vec::new(),
            decisions: 0,
            first_payment_day: None,
            final_case: Case::default(),
        };
        let mut scheduled: Vec<(Instant, Decimal, bool)> = Vec::new();

        // Self-cure: the first day, if any, on which the debtor pays in full unprompted.
        let (first, back) = policy.evaluate_and_return(case, start, case_checked);
        let case = back;
        let first = first?;
        let cure_pct = model.segment(first.segment.as_deref()).self_cure_daily_pct;
        for day in 0..s.days {
            if pct_hit(&mut draws.rng(day, Purpose::SelfCure, &[]), cure_pct) {
                let secs = draws
                    .rng(day, Purpose::SelfCureTime, &[])
                    .range(3_600, 20 * 3_600);
                let at = Instant::from_timestamp(start.timestamp() + i64::from(day) * DAY + secs);
                scheduled.push((at, Decimal::ONE_HUNDRED, false));
                break;
            }
        }
        Ok(CaseRun {
            policy,
            s,
            draws,
            case,
            out,
            scheduled,
            start,
            end,
            dp,
            t: start,
            closed: false,
            pending_first: Some(first),
            done: false,
        })
    }

    fn day_of(&self, t: Instant) -> u32 {
        ((t.timestamp() - self.start.timestamp()).max(0) / DAY) as u32
    }

    /// The case's next decision if it falls before `limit` (its money received up to
    /// then); `None` when the run is over or the next decision is at `limit` or later.
    pub(crate) fn next_decision(&mut self, limit: Instant) -> Result<Option<Decision>> {
        loop {
            if self.done || self.t >= self.end {
                self.done = true;
                return Ok(None);
            }
            if self.t >= limit {
                return Ok(None);
            }
            let t = self.t;
            // Money that arrives before this instant.
            crate::sort::sort_by_key(&mut self.scheduled, |x| x.0);
            while let Some(&(at, share, kept)) = self.scheduled.first() {
                if at > t {
                    break;
                }
                self.scheduled.remove(0);
                let day = self.day_of(at);
                receive(&mut self.case, &mut self.out, at, share, kept, self.dp, day);
            }
            if balance(&self.case) <= Decimal::ZERO {
                self.done = true;
                return Ok(None);
            }
            if self.closed {
                match self.scheduled.first() {
                    Some(&(at, _, _)) if at < self.end => {
                        self.t = at;
                        continue;
                    }
                    _ => {
                        self.done = true;
                        return Ok(None);
                    }
                }
            }
            return match self.pending_first.take() {
                Some(d) if t == self.start => Ok(Some(d)),
                _ => {
                    let (d, back) =
                        self.policy
                            .evaluate_and_return(std::mem::take(&mut self.case), t, true);
                    self.case = back;
                    d.map(Some)
                }
            };
        }
    }

    /// The case as it stands (its balance and ledger), for a work queue's expected value.
    pub(crate) fn case(&self) -> &Case {
        &self.case
    }

    /// The instant of the decision [`CaseRun::next_decision`] returned.
    pub(crate) fn now(&self) -> Instant {
        self.t
    }

    /// Act on the decision [`CaseRun::next_decision`] returned, as `act` says.
    pub(crate) fn apply(&mut self, decision: &Decision, act: Act) {
        let model: &ResponseModel = &self.s.response;
        let t = self.t;
        let end = self.end;
        let dp = self.dp;
        let start = self.start;
        let day_of =
            |t: Instant| -> u32 { ((t.timestamp() - start.timestamp()).max(0) / DAY) as u32 };
        let (case, out, draws, scheduled) = (
            &mut self.case,
            &mut self.out,
            &mut self.draws,
            &mut self.scheduled,
        );
        out.decisions += 1;
        let day = day_of(t);
        let booked = book_charges(case, decision);
        if !booked.is_zero() {
            out.money.push((day, Decimal::ZERO, booked, Decimal::ZERO));
        }
        let blocked = decision
            .candidates
            .iter()
            .filter(|c| !c.blocked_by.is_empty())
            .count() as u32;
        if blocked > 0 {
            out.blocked.push((day, blocked));
        }
        let rerouted;
        let action = match act {
            Act::Chosen => decision.action.as_ref(),
            Act::Candidate(i) => {
                rerouted = decision
                    .candidates
                    .get(i)
                    .map(|c| crate::decision::ChosenAction {
                        action: c.action.clone(),
                        earliest_at: c.action.not_before.map_or(t, |n| n.max(t)),
                        best_at: c.best_at,
                        best_slot: c.best_slot.clone(),
                    });
                rerouted.as_ref()
            }
            Act::Wait => {
                self.t = Instant::from_timestamp(t.timestamp() + DAY);
                return;
            }
        };
        let seg = model.segment(decision.segment.as_deref());
        let mut next = Instant::from_timestamp(t.timestamp() + DAY);
        match action {
            Some(chosen) => {
                let at = chosen.earliest_at.max(t);
                if at >= end {
                    self.done = true;
                    return;
                }
                let aday = day_of(at);
                match chosen.action.channel {
                    Some(ch) => {
                        let cm = model.channels.get(ch.as_str());
                        let reach = cm.map_or(Decimal::ZERO, |m| m.reach_pct);
                        let cost = cm.map_or(Decimal::ZERO, |m| m.cost);
                        out.money.push((aday, Decimal::ZERO, Decimal::ZERO, cost));
                        out.contacts.push((aday, channel_index(ch)));
                        let chan = ch.as_str().as_bytes();
                        let reached = pct_hit(&mut draws.rng(aday, Purpose::Reach, chan), reach);
                        let mut outcome = match (ch, reached) {
                            (Channel::Call | Channel::Visit, true) => Outcome::Conversation,
                            (Channel::Call | Channel::Visit, false) => {
                                *draws.rng(aday, Purpose::Unreached, chan).pick(&[
                                    Outcome::NoAnswer,
                                    Outcome::NoAnswer,
                                    Outcome::Voicemail,
                                    Outcome::NotConnected,
                                ])
                            }
                            (_, true) => Outcome::Delivered,
                            (_, false) => Outcome::Failed,
                        };
                        if reached {
                            // The debtor's answer is keyed by the day, not the channel:
                            // reached on the same day by any channel, they answer alike.
                            let roll = draws.rng(aday, Purpose::Answer, &[]).range(0, 9_999);
                            let bp = |p: Decimal| -> i64 {
                                let v = (p * Decimal::ONE_HUNDRED).round();
                                i64::try_from(v.mantissa()).unwrap_or(0) / 10i64.pow(v.scale())
                            };
                            let (full, part, prom) = (
                                bp(seg.pay_full_pct),
                                bp(seg.pay_partial_pct),
                                bp(seg.promise_pct),
                            );
                            if roll < full {
                                scheduled.push((at, Decimal::ONE_HUNDRED, false));
                            } else if roll < full + part {
                                let share = draws.rng(aday, Purpose::PartialShare, &[]).range(
                                    i64::from(seg.partial_share_pct[0]),
                                    i64::from(
                                        seg.partial_share_pct[1].max(seg.partial_share_pct[0]),
                                    ),
                                );
                                scheduled.push((at, Decimal::from(share), false));
                            } else if roll < full + part + prom {
                                if matches!(ch, Channel::Call | Channel::Visit) {
                                    outcome = Outcome::Promise;
                                }
                                let days = draws.rng(aday, Purpose::PromiseDays, &[]).range(3, 10);
                                let tz = crate::time::parse_tz(&case.debtor.timezone)
                                    .unwrap_or(chrono_tz::UTC);
                                let due = at.date_in(tz).0 + Duration::days(days);
                                let amount = Rounding::HalfUp.round(balance(case), dp);
                                case.promises.push(Promise {
                                    id: format!("SIM-P{}", case.promises.len() + 1),
                                    made_at: at,
                                    due_on: Date(due),
                                    amount,
                                    debt_id: None,
                                });
                                out.promises_made.push(aday);
                                let mut kept = draws.rng(aday, Purpose::PromiseKept, &[]);
                                if pct_hit(&mut kept, seg.promise_kept_pct) {
                                    let pay_at = Instant::from_timestamp(
                                        at.timestamp() + days * DAY - 3_600,
                                    );
                                    scheduled.push((pay_at, Decimal::ONE_HUNDRED, true));
                                }
                            }
                        }
                        case.contacts.push(Contact {
                            at,
                            channel: ch,
                            direction: Direction::Outbound,
                            outcome,
                            debt_ids: chosen.action.debt_id.iter().cloned().collect(),
                        });
                        next = Instant::from_timestamp(at.timestamp() + DAY);
                    }
                    None => {
                        let tm = model.task(&chosen.action.kind);
                        out.money
                            .push((aday, Decimal::ZERO, Decimal::ZERO, tm.cost));
                        let kind = chosen.action.kind.as_bytes();
                        if pct_hit(&mut draws.rng(aday, Purpose::Task, kind), tm.success_pct) {
                            let pay_at = Instant::from_timestamp(
                                at.timestamp() + i64::from(tm.days_to_pay) * DAY + 3_600,
                            );
                            scheduled.push((pay_at, tm.recovered_pct, false));
                        }
                        if tm.closes_case {
                            self.closed = true;
                        }
                    }
                }
            }
            None => {
                if let Some(n) = decision.next_allowed_at {
                    next = n.max(Instant::from_timestamp(t.timestamp() + 60));
                }
            }
        }
        self.t = next;
    }

    /// The outcome, once [`CaseRun::next_decision`] returned `None` for the horizon's
    /// end: money due before the horizon's end that no later decision received (a
    /// closed case's, or the money of the last contact when the step after it passes
    /// the end).
    pub(crate) fn finish(mut self) -> CaseOutcome {
        crate::sort::sort_by_key(&mut self.scheduled, |x| x.0);
        let end = self.end;
        // INVARIANT: `scheduled` holds only money not yet received (`next_decision`
        // removes each entry it receives), so every entry before the end is due now,
        // whatever instant the run's clock stepped to after its last decision.
        let pending: Vec<_> = std::mem::take(&mut self.scheduled)
            .into_iter()
            .filter(|x| x.0 < end)
            .collect();
        for (at, share, kept) in pending {
            let day = self.day_of(at);
            receive(&mut self.case, &mut self.out, at, share, kept, self.dp, day);
        }
        self.out.closing = balance(&self.case);
        self.out.final_case = self.case;
        self.out
    }
}

/// An exact sum of non-negative amounts, as `Decimal` addition folds them: `None`
/// until the first amount is added.
///
/// `rust_decimal` adds two non-zero amounts at the larger of their scales, and returns
/// the other operand unchanged when one of them is zero (whatever its scale). For
/// non-negative amounts whose sum fits in 96 bits at the largest scale, that operation
/// is associative, so sums of parts added in order are the same bytes as the sum of
/// the whole; `exact` turns false when an amount is negative or a sum was rounded (a
/// scale reduced to fit), and then a merge of parts is refused.
fn add(acc: &mut Option<Decimal>, x: Decimal, exact: &mut bool) {
    if x.is_sign_negative() && !x.is_zero() {
        *exact = false;
    }
    *acc = Some(match *acc {
        None => Decimal::ZERO + x,
        Some(a) => match a.checked_add(x) {
            Some(sum) => {
                if !a.is_zero() && !x.is_zero() && sum.scale() < a.scale().max(x.scale()) {
                    *exact = false;
                }
                sum
            }
            // Beyond a decimal's range: the sum stops and is marked inexact.
            None => {
                *exact = false;
                a
            }
        },
    });
}

/// One day of an arm's sums, before the cumulative figures (see [`Sums`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySums {
    /// Collected that day, in the report currency.
    #[serde(with = "crate::money::amount_opt")]
    pub collected: Option<Decimal>,
    /// Charges booked that day, in the report currency.
    #[serde(with = "crate::money::amount_opt")]
    pub charges: Option<Decimal>,
    /// Cost of actions that day.
    #[serde(with = "crate::money::amount_opt")]
    pub cost: Option<Decimal>,
    /// Contacts per channel.
    pub contacts: [u32; 7],
    /// Candidates blocked.
    pub blocked: u32,
    /// Promises made.
    pub promises_made: u32,
    /// Promises kept.
    pub promises_kept: u32,
}

/// What some cases add to one arm: every sum the KPIs and the daily series are made
/// from, before anything is divided, rounded or accumulated over days. The sums of
/// consecutive parts of a portfolio, added in order ([`Sums::add`]), are the sums of
/// the whole, byte for byte, when `exact` holds for every part and for their total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums {
    /// Cases.
    pub cases: i64,
    /// Decisions taken.
    pub decisions: i64,
    /// Opening balances, in the report currency.
    #[serde(with = "crate::money::amount_opt")]
    pub opening: Option<Decimal>,
    /// Closing balances, in the report currency.
    #[serde(with = "crate::money::amount_opt")]
    pub closing: Option<Decimal>,
    /// Cases cured (closing balance zero).
    pub cured: i64,
    /// Cases that paid.
    pub payers: i64,
    /// Days to the first payment, summed over the cases that paid.
    #[serde(with = "crate::money::amount_opt")]
    pub days_to_pay: Option<Decimal>,
    /// One entry per day of the horizon.
    pub days: Vec<DaySums>,
    /// The squares of each case's collected amount (report currency), summed: with
    /// the collected total, the spread between cases a live test's size needs.
    #[serde(default, with = "crate::money::amount_opt")]
    pub collected_sq: Option<Decimal>,
    /// Whether `collected_sq` is exact: squares of amounts with many decimal places
    /// (an exchange rate's) can pass 28 digits. Apart from `exact`, so that a spread
    /// that could not be summed only leaves out the live test's size, never a merge.
    #[serde(default)]
    pub collected_sq_exact: bool,
    /// Whether every sum is exact (see [`Sums`]).
    pub exact: bool,
}

impl Sums {
    /// Sum case outcomes (in case order).
    pub fn of(outcomes: &[CaseOutcome], s: &Settings) -> Sums {
        let mut k = Sums {
            cases: outcomes.len() as i64,
            days: vec![DaySums::default(); s.days as usize],
            exact: true,
            ..Sums::default()
        };
        let mut exact = true;
        let mut sq_exact = true;
        for o in outcomes {
            add(&mut k.opening, o.opening * o.fx, &mut exact);
            add(&mut k.closing, o.closing * o.fx, &mut exact);
            k.decisions += o.decisions as i64;
            if o.closing <= Decimal::ZERO {
                k.cured += 1;
            }
            if let Some(d) = o.first_payment_day {
                k.payers += 1;
                add(&mut k.days_to_pay, Decimal::from(d), &mut exact);
            }
            let mut case_collected = Decimal::ZERO;
            for &(day, collected, charges, cost) in &o.money {
                if let Some(row) = k.days.get_mut(day as usize) {
                    case_collected += collected * o.fx;
                    add(&mut row.collected, collected * o.fx, &mut exact);
                    add(&mut row.charges, charges * o.fx, &mut exact);
                    add(&mut row.cost, cost, &mut exact);
                }
            }
            match case_collected.checked_mul(case_collected) {
                // A square whose scale had to be cut was rounded.
                Some(sq) if sq.scale() >= case_collected.scale().saturating_mul(2).min(28) => {
                    add(&mut k.collected_sq, sq, &mut sq_exact)
                }
                _ => sq_exact = false,
            }
            for &(day, ch) in &o.contacts {
                if let Some(row) = k.days.get_mut(day as usize) {
                    row.contacts[ch] += 1;
                }
            }
            for &(day, b) in &o.blocked {
                if let Some(row) = k.days.get_mut(day as usize) {
                    row.blocked += b;
                }
            }
            for &day in &o.promises_made {
                if let Some(row) = k.days.get_mut(day as usize) {
                    row.promises_made += 1;
                }
            }
            for &day in &o.promises_kept {
                if let Some(row) = k.days.get_mut(day as usize) {
                    row.promises_kept += 1;
                }
            }
        }
        k.exact = exact;
        k.collected_sq_exact = sq_exact;
        k
    }

    /// Add the sums of the cases that follow these (the same horizon).
    pub fn add(&mut self, next: &Sums) {
        let mut exact = self.exact && next.exact && self.days.len() == next.days.len();
        let mut plus = |acc: &mut Option<Decimal>, x: Option<Decimal>| {
            if let Some(x) = x {
                add(acc, x, &mut exact);
            }
        };
        plus(&mut self.opening, next.opening);
        plus(&mut self.closing, next.closing);
        plus(&mut self.days_to_pay, next.days_to_pay);
        for (row, n) in self.days.iter_mut().zip(&next.days) {
            plus(&mut row.collected, n.collected);
            plus(&mut row.charges, n.charges);
            plus(&mut row.cost, n.cost);
            for (c, m) in row.contacts.iter_mut().zip(n.contacts) {
                *c += m;
            }
            row.blocked += n.blocked;
            row.promises_made += n.promises_made;
            row.promises_kept += n.promises_kept;
        }
        let mut sq_exact = self.collected_sq_exact && next.collected_sq_exact;
        if let Some(x) = next.collected_sq {
            add(&mut self.collected_sq, x, &mut sq_exact);
        }
        self.collected_sq_exact = sq_exact;
        self.cases += next.cases;
        self.decisions += next.decisions;
        self.cured += next.cured;
        self.payers += next.payers;
        self.exact = exact;
    }

    /// The KPIs and the daily series.
    pub fn finish(&self) -> (Kpis, Vec<Day>) {
        let z = |x: Option<Decimal>| x.unwrap_or(Decimal::ZERO);
        let mut series: Vec<Day> = self
            .days
            .iter()
            .enumerate()
            .map(|(day, d)| Day {
                day: day as u32,
                collected: z(d.collected),
                charges: z(d.charges),
                cost: z(d.cost),
                contacts: d.contacts,
                blocked: d.blocked,
                promises_made: d.promises_made,
                promises_kept: d.promises_kept,
                ..Day::default()
            })
            .collect();
        let mut k = Kpis {
            cases: self.cases,
            decisions: self.decisions,
            opening: z(self.opening),
            closing: z(self.closing),
            ..Kpis::default()
        };
        let mut cumulative = Decimal::ZERO;
        let mut outstanding = k.opening;
        for row in &mut series {
            cumulative += row.collected;
            outstanding += row.charges - row.collected;
            row.collected_cumulative = cumulative;
            row.outstanding = outstanding;
            k.collected += row.collected;
            k.charges += row.charges;
            k.cost += row.cost;
            k.compliance_blocks += i64::from(row.blocked);
            k.promises_made += i64::from(row.promises_made);
            k.promises_kept += i64::from(row.promises_kept);
            for (i, c) in row.contacts.iter().enumerate() {
                k.contacts[i] += i64::from(*c);
            }
        }
        let cases = Decimal::from(k.cases.max(1));
        let r4 = |x: Decimal| Rounding::HalfUp.round(x, 4);
        if !k.opening.is_zero() {
            k.recovery_rate_pct = r4(k.collected * Decimal::ONE_HUNDRED / k.opening);
        }
        if !k.cost.is_zero() {
            k.collected_per_cost = r4(k.collected / k.cost);
        }
        k.contacts_per_case = r4(Decimal::from(k.contacts.iter().sum::<i64>()) / cases);
        k.cured_pct = r4(Decimal::from(self.cured) * Decimal::ONE_HUNDRED / cases);
        if self.payers > 0 {
            k.avg_days_to_payment =
                Rounding::HalfUp.round(z(self.days_to_pay) / Decimal::from(self.payers), 2);
        }
        (k, series)
    }
}

/// Every member's run through `policy` under the daily capacities of `s.capacity`:
/// the cases advance a day at a time, together; each round, every case whose next
/// decision falls before the day's end decides, and the decisions are placed as a work
/// queue places them ([`crate::queue`]: priority, then expected value, then case id),
/// against what the day's earlier rounds took. A case scheduled takes its chosen
/// action, a case rerouted its next lawful candidate with room, a case waiting does
/// nothing and decides again a day later. The outcomes are in `members`' order.
pub(crate) fn simulate_with_capacity(
    policy: &Policy,
    members: &[&Case],
    s: &Settings,
) -> Result<Vec<CaseOutcome>> {
    use crate::queue::{expected_value, place, Status};
    let start = |c: &&Case| CaseRun::new(policy, c, s, true);
    #[cfg(feature = "parallel")]
    let runs: Vec<Result<CaseRun<'_>>> = {
        use rayon::prelude::*;
        members.par_iter().map(start).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let runs: Vec<Result<CaseRun<'_>>> = members.iter().map(start).collect();
    let mut runs: Vec<CaseRun<'_>> = runs.into_iter().collect::<Result<_>>()?;
    // Capacity taken per (simulated day, channel): an action counts on the day it
    // happens, which a policy's `not_before` may put after the day it was decided.
    let mut used = std::collections::BTreeMap::new();
    let day_of =
        |t: Instant| -> u32 { ((t.timestamp() - s.start.timestamp()).max(0) / DAY) as u32 };
    for day in 0..s.days {
        let limit = Instant::from_timestamp(s.start.timestamp() + (i64::from(day) + 1) * DAY);
        // Days before this one take no more actions.
        used.retain(|(d, _): &(u32, Channel), _| *d >= day);
        loop {
            let step = |r: &mut CaseRun<'_>| r.next_decision(limit);
            #[cfg(feature = "parallel")]
            let next: Vec<Result<Option<Decision>>> = {
                use rayon::prelude::*;
                runs.par_iter_mut().map(step).collect()
            };
            #[cfg(not(feature = "parallel"))]
            let next: Vec<Result<Option<Decision>>> = runs.iter_mut().map(step).collect();
            let next: Vec<Option<Decision>> = next.into_iter().collect::<Result<_>>()?;
            if next.iter().all(Option::is_none) {
                break;
            }
            let mut acts: Vec<Option<Act>> = next
                .iter()
                .map(|d| d.as_ref().map(|_| Act::Chosen))
                .collect();
            let acting: Vec<(usize, &Decision, Decimal)> = next
                .iter()
                .enumerate()
                .filter_map(|(i, d)| d.as_ref().map(|d| (i, d)))
                .filter(|(_, d)| d.action.is_some())
                .map(|(i, d)| (i, d, expected_value(runs[i].case(), d, runs[i].now())))
                .collect();
            let items: Vec<(&Decision, Decimal)> = acting.iter().map(|&(_, d, v)| (d, v)).collect();
            for p in place(&items, &s.capacity, &mut used, &day_of) {
                let run = acting[p.index].0;
                acts[run] = Some(match (p.status, p.candidate) {
                    (Status::Rerouted, Some(i)) => Act::Candidate(i),
                    (Status::Waiting, _) => Act::Wait,
                    _ => Act::Chosen,
                });
            }
            let apply = |(r, (d, a)): (&mut CaseRun<'_>, (&Option<Decision>, &Option<Act>))| {
                if let (Some(d), Some(a)) = (d, a) {
                    r.apply(d, *a);
                }
            };
            #[cfg(feature = "parallel")]
            {
                use rayon::prelude::*;
                runs.par_iter_mut()
                    .zip(next.par_iter().zip(acts.par_iter()))
                    .for_each(apply);
            }
            #[cfg(not(feature = "parallel"))]
            runs.iter_mut()
                .zip(next.iter().zip(acts.iter()))
                .for_each(apply);
        }
    }
    // INVARIANT: the last day's rounds ran until no run had a decision before the
    // horizon's end, so every run is over: what is left is money due before the end.
    let out = runs.into_iter().map(CaseRun::finish).collect();
    Ok(out)
}
