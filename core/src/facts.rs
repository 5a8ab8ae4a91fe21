//! Facts derived from a case and a clock: the state of the debtor, computed fresh on
//! every evaluation (nothing is remembered between calls).
//!
//! "Today" is the calendar date of `as_of` in the debtor's time zone: a debt due on
//! the 31st is not late in Bogotá while it is already the 1st in Madrid.

use crate::model::{Case, Channel, Direction, Flag, Outcome};
use crate::time::{parse_tz, Date, Instant};
use chrono_tz::Tz;
use rust_decimal::Decimal;

/// The longest look-back a policy helper accepts, in days (200 years).
pub const MAX_LOOKBACK_DAYS: i64 = 73_000;

/// Status of a promise to pay, derived from payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseStatus {
    /// Not yet due and not yet paid.
    Pending,
    /// Paid in full by its due date.
    Kept,
    /// Due date passed without full payment.
    Broken,
}

impl PromiseStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PromiseStatus::Pending => "pending",
            PromiseStatus::Kept => "kept",
            PromiseStatus::Broken => "broken",
        }
    }
}

/// Derived facts about one debt.
#[derive(Debug, Clone)]
pub struct DebtFacts {
    /// Index of the debt in the case.
    pub index: usize,
    /// Days past due (0 when not overdue or paid).
    pub days_past_due: i64,
    /// Whether the debt is overdue with something outstanding.
    pub overdue: bool,
}

/// One ledger entry, compacted for counting.
#[derive(Debug, Clone, Copy)]
pub struct LedgerEntry {
    /// Unix seconds.
    pub at: i64,
    /// The debtor's local date of the contact.
    pub day: chrono::NaiveDate,
    /// Channel.
    pub channel: Channel,
    /// Direction.
    pub direction: Direction,
    /// Outcome.
    pub outcome: Outcome,
    /// Index into `case.contacts`.
    pub index: usize,
}

/// Everything the engine derives before running a policy.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The evaluation clock.
    pub as_of: Instant,
    /// The debtor's time zone.
    pub tz: Tz,
    /// The debtor's local date at `as_of`.
    pub today: Date,
    /// Per-debt facts, sorted by (due date, id) so input order never matters.
    pub debts: Vec<DebtFacts>,
    /// Largest days past due among overdue debts (0 if none).
    pub days_past_due: i64,
    /// Days until the nearest upcoming due date of an unpaid debt, or -1 if none.
    pub days_until_due: i64,
    /// Sum of outstanding over all debts.
    pub total_outstanding: Decimal,
    /// Sum of outstanding over overdue debts.
    pub overdue_amount: Decimal,
    /// Number of overdue debts.
    pub overdue_debts: i64,
    /// Index (into `case.debts`) of the oldest overdue debt.
    pub oldest_overdue: Option<usize>,
    /// The contact ledger, newest first.
    pub ledger: Vec<LedgerEntry>,
    /// Latest payment instant.
    pub last_payment: Option<Instant>,
    /// Total paid.
    pub total_paid: Decimal,
    /// Status of every promise, aligned with `case.promises`.
    pub promise_statuses: Vec<PromiseStatus>,
    /// Index of the most recent promise.
    pub latest_promise: Option<usize>,
    /// Missed installments on the most recent plan.
    pub plan_missed: i64,
    /// Status of the most recent plan: `none`, `active`, `behind` or `completed`.
    pub plan_status: &'static str,
    /// Hold flags present.
    pub flags: Vec<Flag>,
    /// The charge ledger and payments replayed per debt, aligned with `case.debts`;
    /// computed on first use (most decisions never ask).
    books: std::sync::OnceLock<Vec<crate::model::ledger::DebtBook>>,
}

impl Facts {
    /// Derive the facts. The case must have been validated.
    pub fn derive(case: &Case, as_of: Instant) -> Facts {
        let tz = parse_tz(&case.debtor.timezone).unwrap_or(chrono_tz::UTC);
        let today = as_of.date_in(tz);

        let mut order: Vec<usize> = (0..case.debts.len()).collect();
        crate::sort::sort_by(&mut order, |&a, &b| {
            let (da, db) = (&case.debts[a], &case.debts[b]);
            (da.due_on, &da.id).cmp(&(db.due_on, &db.id))
        });
        let mut debts = Vec::with_capacity(order.len());
        let mut days_past_due = 0;
        let mut days_until_due = -1;
        let mut total_outstanding = Decimal::ZERO;
        let mut overdue_amount = Decimal::ZERO;
        let mut overdue_debts = 0;
        let mut oldest_overdue = None;
        for index in order {
            let d = &case.debts[index];
            total_outstanding += d.outstanding;
            let late_by = d.due_on.days_until(today);
            let unpaid = d.outstanding > Decimal::ZERO;
            let overdue = unpaid && late_by > 0;
            if overdue {
                overdue_amount += d.outstanding;
                overdue_debts += 1;
                days_past_due = days_past_due.max(late_by);
                if oldest_overdue.is_none() {
                    oldest_overdue = Some(index);
                }
            } else if unpaid {
                let until = -late_by;
                if days_until_due < 0 || until < days_until_due {
                    days_until_due = until;
                }
            }
            debts.push(DebtFacts {
                index,
                days_past_due: if overdue { late_by } else { 0 },
                overdue,
            });
        }

        let mut ledger: Vec<LedgerEntry> = case
            .contacts
            .iter()
            .enumerate()
            .map(|(index, c)| LedgerEntry {
                at: c.at.timestamp(),
                day: c.at.date_in(tz).0,
                channel: c.channel,
                direction: c.direction,
                outcome: c.outcome,
                index,
            })
            .collect();
        crate::sort::sort_by_key(&mut ledger, |e| {
            std::cmp::Reverse((e.at, e.channel, e.outcome))
        });

        let last_payment = case.payments.iter().map(|p| p.at).max();
        let total_paid = case.payments.iter().map(|p| p.amount).sum();

        let promise_statuses = case
            .promises
            .iter()
            .map(|pr| {
                let paid: Decimal = case
                    .payments
                    .iter()
                    .filter(|p| {
                        p.at >= pr.made_at
                            && p.at.date_in(tz) <= pr.due_on
                            && match (&pr.debt_id, &p.debt_id) {
                                (Some(want), Some(got)) => want == got,
                                _ => true,
                            }
                    })
                    .map(|p| p.amount)
                    .sum();
                if paid >= pr.amount {
                    PromiseStatus::Kept
                } else if today > pr.due_on {
                    PromiseStatus::Broken
                } else {
                    PromiseStatus::Pending
                }
            })
            .collect();
        let latest_promise = case
            .promises
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| (a.made_at, &a.id).cmp(&(b.made_at, &b.id)))
            .map(|(i, _)| i);

        let (plan_missed, plan_status) = match case
            .plans
            .iter()
            .max_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)))
        {
            None => (0, "none"),
            Some(plan) => {
                let paid: Decimal = case
                    .payments
                    .iter()
                    .filter(|p| {
                        p.at >= plan.created_at
                            && (plan.debt_ids.is_empty()
                                || p.debt_id
                                    .as_ref()
                                    .is_none_or(|id| plan.debt_ids.contains(id)))
                    })
                    .map(|p| p.amount)
                    .sum();
                let mut inst: Vec<_> = plan.installments.iter().collect();
                crate::sort::sort_by_key(&mut inst, |i| i.due_on);
                let total: Decimal = inst.iter().map(|i| i.amount).sum();
                let mut due_so_far = Decimal::ZERO;
                let mut missed = 0;
                for i in &inst {
                    if i.due_on < today {
                        due_so_far += i.amount;
                        if paid < due_so_far {
                            missed += 1;
                        }
                    }
                }
                let status = if paid >= total {
                    "completed"
                } else if missed > 0 {
                    "behind"
                } else {
                    "active"
                };
                (missed, status)
            }
        };

        let mut flags = case.debtor.flags.clone();
        crate::sort::sort(&mut flags);

        Facts {
            books: std::sync::OnceLock::new(),
            as_of,
            tz,
            today,
            debts,
            days_past_due,
            days_until_due,
            total_outstanding,
            overdue_amount,
            overdue_debts,
            oldest_overdue,
            ledger,
            last_payment,
            total_paid,
            promise_statuses,
            latest_promise,
            plan_missed,
            plan_status,
            flags,
        }
    }

    /// Outbound contacts in the last `days` days (a rolling window ending at `as_of`),
    /// optionally filtered by channel and outcome.
    pub fn contacts_within(
        &self,
        days: i64,
        channel: Option<Channel>,
        outcome: Option<Outcome>,
    ) -> i64 {
        let since = self.since_days(days);
        self.ledger
            .iter()
            .take_while(|e| e.at > since)
            .filter(|e| {
                e.direction == Direction::Outbound
                    && channel.is_none_or(|c| c == e.channel)
                    && outcome.is_none_or(|o| o == e.outcome)
            })
            .count() as i64
    }

    /// The Unix second `days` days before `as_of` (`days` is clamped to 0..=73,000,
    /// two centuries: the supported date range; the policy API refuses values outside).
    pub fn since_days(&self, days: i64) -> i64 {
        // INVARIANT: 73,000 * 86,400 is far inside i64, and as_of is within 1900..2199.
        self.as_of.timestamp() - days.clamp(0, MAX_LOOKBACK_DAYS) * 86_400
    }

    /// The charge ledger and payments replayed per debt, aligned with `case.debts`.
    /// `case` must be the case these facts were derived from.
    pub fn books(&self, case: &Case) -> &[crate::model::ledger::DebtBook] {
        self.books.get_or_init(|| crate::model::ledger::books(case))
    }

    /// Whole days since the last outbound contact, or -1 when there is none.
    pub fn days_since_last_contact(&self) -> i64 {
        self.ledger
            .iter()
            .find(|e| e.direction == Direction::Outbound)
            .map_or(-1, |e| (self.as_of.timestamp() - e.at) / 86_400)
    }

    /// Whole days since the last payment, or -1 when there is none.
    pub fn days_since_last_payment(&self) -> i64 {
        self.last_payment
            .map_or(-1, |p| (self.as_of.timestamp() - p.timestamp()) / 86_400)
    }

    /// Whether the debtor carries this flag.
    pub fn has_flag(&self, f: Flag) -> bool {
        self.flags.contains(&f)
    }

    /// Count of promises with this status.
    pub fn promises_with(&self, s: PromiseStatus) -> i64 {
        self.promise_statuses.iter().filter(|x| **x == s).count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(json: serde_json::Value) -> Case {
        Case::from_value(json).unwrap()
    }

    fn base() -> serde_json::Value {
        serde_json::json!({
            "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
            "debts": [
                {"id": "late", "currency": "COP", "original_amount": "1000", "outstanding": "800",
                 "issued_on": "2026-01-01", "due_on": "2026-03-01"},
                {"id": "soon", "currency": "COP", "original_amount": "500", "outstanding": "500",
                 "issued_on": "2026-03-01", "due_on": "2026-04-05"},
                {"id": "paid", "currency": "COP", "original_amount": "500", "outstanding": "0",
                 "issued_on": "2026-01-01", "due_on": "2026-01-15"}
            ]
        })
    }

    fn at(s: &str) -> Instant {
        Instant::parse(s).unwrap()
    }

    #[test]
    fn days_past_due_uses_the_debtors_local_date() {
        let c = case(base());
        // 2026-04-01T03:00Z is still 31 March in Bogotá (UTC-5).
        let f = Facts::derive(&c, at("2026-04-01T03:00:00Z"));
        assert_eq!(f.today.to_string(), "2026-03-31");
        assert_eq!(f.days_past_due, 30);
        assert_eq!(f.days_until_due, 5);
        assert_eq!(f.overdue_debts, 1);
        assert_eq!(f.overdue_amount.to_string(), "800");
        assert_eq!(f.total_outstanding.to_string(), "1300");
        assert_eq!(c.debts[f.oldest_overdue.unwrap()].id, "late");
    }

    #[test]
    fn promise_status_is_derived_from_payments() {
        let mut j = base();
        j["promises"] = serde_json::json!([
            {"id": "p1", "made_at": "2026-03-05T15:00:00Z", "due_on": "2026-03-10", "amount": "100"},
            {"id": "p2", "made_at": "2026-03-12T15:00:00Z", "due_on": "2026-03-20", "amount": "200"},
            {"id": "p3", "made_at": "2026-03-25T15:00:00Z", "due_on": "2026-04-02", "amount": "50"}
        ]);
        j["payments"] = serde_json::json!([
            {"at": "2026-03-09T15:00:00Z", "amount": "100"},
            {"at": "2026-03-15T15:00:00Z", "amount": "150"}
        ]);
        let c = case(j);
        let f = Facts::derive(&c, at("2026-03-30T15:00:00Z"));
        assert_eq!(
            f.promise_statuses,
            vec![
                PromiseStatus::Kept,
                PromiseStatus::Broken,
                PromiseStatus::Pending
            ]
        );
        assert_eq!(c.promises[f.latest_promise.unwrap()].id, "p3");
        // Once p3's date passes unpaid, it is broken too.
        let later = Facts::derive(&c, at("2026-04-03T15:00:00Z"));
        assert_eq!(later.promises_with(PromiseStatus::Broken), 2);
    }

    #[test]
    fn plan_missed_installments() {
        let mut j = base();
        j["plans"] = serde_json::json!([{
            "id": "pl", "created_at": "2026-03-02T12:00:00Z",
            "installments": [
                {"due_on": "2026-03-10", "amount": "100"},
                {"due_on": "2026-03-20", "amount": "100"},
                {"due_on": "2026-03-30", "amount": "100"}
            ]
        }]);
        j["payments"] = serde_json::json!([{"at": "2026-03-09T15:00:00Z", "amount": "100"}]);
        let f = Facts::derive(&case(j), at("2026-03-25T15:00:00Z"));
        assert_eq!((f.plan_missed, f.plan_status), (1, "behind"));
    }

    #[test]
    fn contact_windows_count_outbound_only() {
        let mut j = base();
        j["contacts"] = serde_json::json!([
            {"at": "2026-03-29T15:00:00Z", "channel": "call", "direction": "outbound", "outcome": "no_answer"},
            {"at": "2026-03-20T15:00:00Z", "channel": "sms", "direction": "outbound", "outcome": "delivered"},
            {"at": "2026-03-28T15:00:00Z", "channel": "call", "direction": "inbound", "outcome": "conversation"}
        ]);
        let f = Facts::derive(&case(j), at("2026-03-30T15:00:00Z"));
        assert_eq!(f.contacts_within(7, None, None), 1);
        assert_eq!(f.contacts_within(30, None, None), 2);
        assert_eq!(f.contacts_within(30, Some(Channel::Sms), None), 1);
        assert_eq!(
            f.contacts_within(30, Some(Channel::Call), Some(Outcome::Conversation)),
            0
        );
        assert_eq!(f.days_since_last_contact(), 1);
    }
}
