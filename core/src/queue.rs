//! Work queues under capacity: a batch of decisions becomes the day's queue.
//!
//! Given a daily capacity per channel (`{"call": 400}`; a channel not listed, and a
//! task such as `legal_review`, is not limited), every case is decided and then
//! placed, in this order: the chosen action's priority (higher first), then its
//! expected value (higher first), then the case id. Each case takes its chosen action
//! when its channel has room; otherwise its next lawful candidate (the allowed
//! candidates after the chosen one, in the policy's order) whose channel has room,
//! `rerouted`; otherwise it `waits`, with the reason. A case with no action keeps the
//! decision's reason (`no_action`), and a case that cannot be read or decided is in
//! `errors` under its index: nothing is dropped.
//!
//! Expected value, in the case's own currency (no conversion between currencies):
//!
//! ```text
//! outstanding * contact rate * probability of payment     (2 decimals, half up)
//! ```
//!
//! where the contact rate is the chosen action's `best_slot.rate` when the policy has
//! `contact_timing()` (1 otherwise, and for tasks), and the probability is the first
//! calibrated score's `probability` in the decision (1 without one).

use crate::decision::{ChosenAction, Decision, Verdict};
use crate::error::{guard, Error, Result};
use crate::facts::Facts;
use crate::model::{prefix_path, Case, Channel};
use crate::policy::{par_map, Policy};
use crate::report::RowError;
use crate::time::Instant;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest daily capacity of one channel.
pub const MAX_CAPACITY: u32 = 10_000_000;

/// A daily capacity per channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Capacity(pub BTreeMap<Channel, u32>);

impl Capacity {
    /// Read `{"call": 400, "sms": 5000}`, each within 0 to [`MAX_CAPACITY`], errors
    /// at `capacity.CHANNEL`.
    pub fn from_json(json: &str) -> Result<Capacity> {
        let raw: BTreeMap<String, serde_json::Value> =
            crate::model::parse_json(json).map_err(|e| e.under("capacity"))?;
        let mut out = BTreeMap::new();
        for (name, v) in raw {
            let path = format!("capacity.{name}");
            let ch = Channel::parse_input(&name, &path)?;
            let n = v
                .as_u64()
                .filter(|n| *n <= u64::from(MAX_CAPACITY))
                .ok_or_else(|| {
                    Error::input(
                        path.clone(),
                        format!("a capacity is a whole number from 0 to {MAX_CAPACITY}, not {v}"),
                    )
                })?;
            // INVARIANT: n <= MAX_CAPACITY < u32::MAX.
            out.insert(ch, n as u32);
        }
        Ok(Capacity(out))
    }

    /// Read `call=400` (the command line's form).
    pub fn parse_pair(s: &str) -> Result<(Channel, u32)> {
        let (name, n) = s.split_once('=').ok_or_else(|| {
            Error::input("capacity", format!("`{s}`: write CHANNEL=N, like call=400"))
        })?;
        let path = format!("capacity.{}", name.trim());
        let ch = Channel::parse_input(name.trim(), &path)?;
        let n = n
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_CAPACITY)
            .ok_or_else(|| {
                Error::input(
                    path.clone(),
                    format!("a capacity is a whole number from 0 to {MAX_CAPACITY}, not `{n}`"),
                )
            })?;
        Ok((ch, n))
    }
}

/// What became of a case in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Its chosen action is in today's queue.
    Scheduled,
    /// Its chosen action's channel was full: its next lawful candidate is queued.
    Rerouted,
    /// No lawful candidate had room today.
    Waiting,
    /// The decision has no action.
    NoAction,
}

/// One case's place in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueueItem {
    /// Its position in today's queue (1 first); absent when it waits or has no action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// The case.
    pub case_id: String,
    /// What became of it.
    pub status: Status,
    /// The action to take today (the chosen one, or the candidate it was rerouted to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ChosenAction>,
    /// The index of that action in the decision's `candidates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<usize>,
    /// The chosen action's priority (the queue's first key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Outstanding times contact rate times probability of payment (the second key).
    #[serde(with = "crate::money::amount")]
    #[schemars(with = "crate::money::Amount")]
    pub expected_value: Decimal,
    /// The case's currency.
    pub currency: String,
    /// Why it was rerouted, waits, or has no action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The day's queue of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WorkQueue {
    /// The clock.
    pub as_of: Instant,
    /// The capacities (channels not listed are not limited).
    pub capacity: Capacity,
    /// Per channel, how many actions the queue takes in the 24 hours from `as_of` (an
    /// action a policy put later, with `not_before`, counts against its own day's
    /// capacity, not this one's).
    pub used: BTreeMap<Channel, u32>,
    /// Every case: the queued ones in queue order, then the waiting ones in the same
    /// order, then those with no action in batch order.
    pub items: Vec<QueueItem>,
    /// Entries that could not be read or decided, under their index.
    pub errors: Vec<RowError>,
}

impl WorkQueue {
    /// The queue as JSON (one line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The queue as CSV: rank, case, status, channel or task, template, priority,
    /// expected value, currency, reason.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "rank,case_id,status,action,channel,template,priority,expected_value,currency,reason\n",
        );
        let q = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        for i in &self.items {
            let a = i.action.as_ref().map(|a| &a.action);
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                i.rank.map(|r| r.to_string()).unwrap_or_default(),
                q(&i.case_id),
                status_name(i.status),
                q(a.map_or("", |a| a.kind.as_str())),
                a.and_then(|a| a.channel).map_or("", |c| c.as_str()),
                q(a.and_then(|a| a.template.as_deref()).unwrap_or("")),
                i.priority.map(|p| p.to_string()).unwrap_or_default(),
                i.expected_value,
                q(&i.currency),
                q(i.reason.as_deref().unwrap_or("")),
            ));
        }
        out
    }

    /// A summary for a terminal: per channel, used of capacity; counts by status.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "work queue at {}\n\nchannel    used  capacity\n",
            self.as_of
        );
        let channels: std::collections::BTreeSet<Channel> = self
            .used
            .keys()
            .chain(self.capacity.0.keys())
            .copied()
            .collect();
        for ch in channels {
            out.push_str(&format!(
                "{:<9} {:>5}  {:>8}\n",
                ch.as_str(),
                self.used.get(&ch).copied().unwrap_or(0),
                self.capacity
                    .0
                    .get(&ch)
                    .map_or("no limit".to_string(), |c| c.to_string())
            ));
        }
        let count = |s: Status| self.items.iter().filter(|i| i.status == s).count();
        out.push_str(&format!(
            "\nscheduled {}, rerouted {}, waiting {}, no action {}, errors {}\n",
            count(Status::Scheduled),
            count(Status::Rerouted),
            count(Status::Waiting),
            count(Status::NoAction),
            self.errors.len()
        ));
        out
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Scheduled => "scheduled",
        Status::Rerouted => "rerouted",
        Status::Waiting => "waiting",
        Status::NoAction => "no_action",
    }
}

/// A decided case, ready to be placed.
struct Decided {
    decision: Decision,
    expected_value: Decimal,
    currency: String,
}

/// The expected value of a decision's chosen action (see the module's documentation).
pub(crate) fn expected_value(case: &Case, d: &Decision, as_of: Instant) -> Decimal {
    let outstanding = Facts::derive(case, as_of).total_outstanding;
    let rate = d
        .action
        .as_ref()
        .and_then(|a| a.best_slot.as_ref())
        .map_or(Decimal::ONE, |b| b.rate);
    let p = d
        .scores
        .iter()
        .find_map(|s| s.probability)
        .unwrap_or(Decimal::ONE);
    // INVARIANT: rate and p are within 0 and 1, so the product is at most the
    // outstanding amount; checked all the same.
    outstanding
        .checked_mul(rate)
        .and_then(|x| x.checked_mul(p))
        .unwrap_or(outstanding)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Where one decision goes in a queue.
pub(crate) struct Placed {
    /// Its index in the slice given to [`place`].
    pub index: usize,
    /// Scheduled, rerouted or waiting.
    pub status: Status,
    /// The candidate taken (scheduled or rerouted).
    pub candidate: Option<usize>,
    /// Why it was rerouted or waits.
    pub reason: Option<String>,
}

/// Place decisions that have an action (each with its expected value) under
/// `capacity`, `used` counting what earlier placements took per (day, channel): in
/// queue order (priority, then expected value, then case id), each its chosen action
/// when its channel has room on the day it would happen (`day` of the candidate's
/// earliest instant: its `not_before`, or the decision's clock), else its next lawful
/// candidate with room, else waiting. Shared by [`queue`] and the simulator's capacity
/// runs.
pub(crate) fn place(
    items: &[(&Decision, Decimal)],
    capacity: &Capacity,
    used: &mut BTreeMap<(u32, Channel), u32>,
    day: &dyn Fn(Instant) -> u32,
) -> Vec<Placed> {
    let key = |d: &Decision| d.action.as_ref().map_or(0, |a| a.action.priority);
    let mut order: Vec<usize> = (0..items.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| {
        let (da, va) = items[a];
        let (db, vb) = items[b];
        key(db)
            .cmp(&key(da))
            .then_with(|| vb.cmp(&va))
            .then_with(|| da.case_id.cmp(&db.case_id))
    });
    // The day a candidate would happen on.
    let when = |d: &Decision, i: usize| -> u32 {
        let at = d.candidates[i]
            .action
            .not_before
            .map_or(d.as_of, |n| n.max(d.as_of));
        day(at)
    };
    let room = |used: &BTreeMap<(u32, Channel), u32>, ch: Option<Channel>, on: u32| match ch {
        None => true,
        Some(ch) => capacity
            .0
            .get(&ch)
            .is_none_or(|cap| used.get(&(on, ch)).copied().unwrap_or(0) < *cap),
    };
    let mut out = Vec::with_capacity(items.len());
    for index in order {
        let dec = items[index].0;
        let allowed: Vec<usize> = dec
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.verdict == Verdict::Allowed)
            .map(|(i, _)| i)
            .collect();
        // The full channels of the allowed candidates before `upto` (all when `None`).
        let full = |used: &BTreeMap<(u32, Channel), u32>, upto: Option<usize>| {
            let mut chans: Vec<Channel> = Vec::new();
            for &i in allowed.iter().take_while(|&&i| upto.is_none_or(|u| i < u)) {
                if let Some(c) = dec.candidates[i].action.channel {
                    if !room(used, Some(c), when(dec, i)) && !chans.contains(&c) {
                        chans.push(c);
                    }
                }
            }
            chans
                .iter()
                .map(|c| {
                    format!(
                        "{} capacity ({})",
                        c.as_str(),
                        capacity.0.get(c).copied().unwrap_or(0)
                    )
                })
                .collect::<Vec<_>>()
                .join(" and ")
                + " reached"
        };
        let pick = allowed
            .iter()
            .copied()
            .find(|&i| room(used, dec.candidates[i].action.channel, when(dec, i)));
        out.push(match pick {
            Some(i) => {
                let c = &dec.candidates[i];
                let why = full(used, Some(i));
                if let Some(ch) = c.action.channel {
                    let n = used.entry((when(dec, i), ch)).or_insert(0);
                    *n = n.saturating_add(1);
                }
                let rerouted = allowed.first() != Some(&i);
                Placed {
                    index,
                    status: if rerouted {
                        Status::Rerouted
                    } else {
                        Status::Scheduled
                    },
                    candidate: Some(i),
                    reason: rerouted.then(|| {
                        format!(
                            "{why}: next lawful candidate {i} ({})",
                            c.action
                                .channel
                                .map_or(c.action.kind.as_str(), |c| c.as_str())
                        )
                    }),
                }
            }
            None => Placed {
                index,
                status: Status::Waiting,
                candidate: None,
                reason: Some(format!(
                    "{}: no lawful candidate has room today",
                    full(used, None)
                )),
            },
        });
    }
    out
}

/// Decide every case of the batch at `as_of` and place it in the day's queue (see the
/// module's documentation). A case's own error (reading, deciding, a repeated id) is in
/// `errors` under its index; the result is `Err` only for what no case can escape.
pub fn queue(
    policy: &Policy,
    cases: Vec<Result<Case>>,
    as_of: Instant,
    capacity: &Capacity,
) -> Result<WorkQueue> {
    let indexed: Vec<(usize, Result<Case>)> = cases.into_iter().enumerate().collect();
    let decided = par_map(indexed, |(i, c)| {
        let r = c.and_then(|case| {
            guard(|| {
                let d = policy.evaluate(&case, as_of)?;
                let currency = case
                    .debts
                    .first()
                    .map(|d| d.currency.clone())
                    .unwrap_or_default();
                Ok(Decided {
                    expected_value: expected_value(&case, &d, as_of),
                    decision: d,
                    currency,
                })
            })
        });
        (i, r.map_err(|e| prefix_path(e, i)))
    });
    let mut errors = Vec::new();
    let mut acting = Vec::new();
    let mut idle = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, r) in decided {
        match r {
            Ok(d) => {
                if let Some(first) = seen.get(&d.decision.case_id) {
                    let e = Error::input(
                        "id",
                        format!(
                            "case id `{}` appears more than once in the batch (first at index {first})",
                            d.decision.case_id
                        ),
                    );
                    errors.push(RowError {
                        index,
                        error: prefix_path(e, index),
                    });
                    continue;
                }
                seen.insert(d.decision.case_id.clone(), index);
                if d.decision.action.is_some() {
                    acting.push(d);
                } else {
                    idle.push(d);
                }
            }
            Err(error) => errors.push(RowError { index, error }),
        }
    }
    let order: Vec<(&Decision, Decimal)> = acting
        .iter()
        .map(|d| (&d.decision, d.expected_value))
        .collect();
    // Days from the batch's clock: 0 is the 24 hours from `as_of`.
    let mut by_day: BTreeMap<(u32, Channel), u32> = BTreeMap::new();
    let day = |t: Instant| ((t.timestamp() - as_of.timestamp()).max(0) / 86_400) as u32;
    let placed = place(&order, capacity, &mut by_day, &day);
    let used: BTreeMap<Channel, u32> = by_day
        .iter()
        .filter(|((d, _), _)| *d == 0)
        .map(|((_, ch), n)| (*ch, *n))
        .collect();
    let mut items = Vec::with_capacity(acting.len() + idle.len());
    let mut waiting = Vec::new();
    let mut rank = 0u32;
    for p in placed {
        let d = &acting[p.index];
        let dec = &d.decision;
        let priority = dec.action.as_ref().map(|a| a.action.priority);
        let action = match p.status {
            Status::Waiting | Status::NoAction => None,
            Status::Scheduled => dec.action.clone(),
            Status::Rerouted => {
                p.candidate
                    .and_then(|i| dec.candidates.get(i))
                    .map(|c| ChosenAction {
                        action: c.action.clone(),
                        earliest_at: c.action.not_before.map_or(as_of, |t| t.max(as_of)),
                        best_at: c.best_at,
                        best_slot: c.best_slot.clone(),
                    })
            }
        };
        let item = QueueItem {
            rank: None,
            case_id: dec.case_id.clone(),
            status: p.status,
            action,
            candidate: p.candidate,
            priority,
            expected_value: d.expected_value,
            currency: d.currency.clone(),
            reason: p.reason,
        };
        if p.status == Status::Waiting {
            waiting.push(item);
        } else {
            rank = rank.saturating_add(1);
            items.push(QueueItem {
                rank: Some(rank),
                ..item
            });
        }
    }
    items.extend(waiting);
    for d in idle {
        items.push(QueueItem {
            rank: None,
            case_id: d.decision.case_id.clone(),
            status: Status::NoAction,
            action: None,
            candidate: None,
            priority: None,
            expected_value: d.expected_value,
            currency: d.currency,
            reason: d.decision.no_action_reason.clone(),
        });
    }
    crate::sort::sort_by_key(&mut errors, |e| e.index);
    Ok(WorkQueue {
        as_of,
        capacity: capacity.clone(),
        used,
        items,
        errors,
    })
}
