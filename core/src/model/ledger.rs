//! The charge ledger and the payments, replayed in time order: which payment paid
//! which charge, and what each debt still owes in charges.
//!
//! The stated convention (the same for every jurisdiction unless a rule says
//! otherwise):
//! - Events are replayed by instant; at the same instant a charge comes before a
//!   payment, so a payment can settle a charge booked at the same moment.
//! - A payment that names a debt goes to that debt. A payment that names none is
//!   spread over the debts oldest due date first (then by id), each taking at most
//!   what it owes at that moment; what is left goes to the last debt in that order.
//! - Within a debt, a payment settles fees and compensation first, then interest, then
//!   principal (the usual order; interest accrual can state another order).

use super::Case;
use crate::money::ChargeKind;
use crate::time::Instant;
use rust_decimal::Decimal;

/// What the ledger and the payments say about one debt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebtBook {
    /// Payments (or parts of payments) that went to this debt, in time order.
    pub payments: Vec<(Instant, Decimal)>,
    /// Fee and compensation lines applied, in time order.
    pub fees: Vec<(Instant, Decimal)>,
    /// Fees and compensation still unpaid.
    pub fees_owed: Decimal,
    /// Interest charged and still unpaid.
    pub interest_owed: Decimal,
    /// Paid towards principal.
    pub principal_paid: Decimal,
}

impl DebtBook {
    /// Charges (fees, compensation and interest) applied and not yet paid.
    pub fn charges_owed(&self) -> Decimal {
        self.fees_owed.saturating_add(self.interest_owed)
    }
}

enum Event {
    Charge {
        debt: usize,
        kind: ChargeKind,
        amount: Decimal,
    },
    Payment {
        debt: Option<usize>,
        amount: Decimal,
    },
}

/// Replay the case's charges and payments. The result is aligned with `case.debts`.
/// The case must have been validated (debt ids known, amounts bounded to 10^15).
pub fn books(case: &Case) -> Vec<DebtBook> {
    let n = case.debts.len();
    let mut out = vec![DebtBook::default(); n];
    if case.charges.is_empty() && case.payments.is_empty() {
        return out;
    }
    let index = |id: &str| case.debts.iter().position(|d| d.id == id);
    // (instant, 0 = charge / 1 = payment, input position) keeps the order total.
    let mut events: Vec<(Instant, u8, usize, Event)> = Vec::new();
    for (i, c) in case.charges.iter().enumerate() {
        if let Some(debt) = index(&c.debt_id) {
            events.push((
                c.at,
                0,
                i,
                Event::Charge {
                    debt,
                    kind: c.kind,
                    amount: c.amount,
                },
            ));
        }
    }
    for (i, p) in case.payments.iter().enumerate() {
        let debt = p.debt_id.as_deref().and_then(index);
        events.push((
            p.at,
            1,
            i,
            Event::Payment {
                debt,
                amount: p.amount,
            },
        ));
    }
    crate::sort::sort_by_key(&mut events, |e| (e.0, e.1, e.2));
    let mut by_due: Vec<usize> = (0..n).collect();
    crate::sort::sort_by(&mut by_due, |&a, &b| {
        (case.debts[a].due_on, &case.debts[a].id).cmp(&(case.debts[b].due_on, &case.debts[b].id))
    });
    for (at, _, _, ev) in events {
        match ev {
            Event::Charge { debt, kind, amount } => {
                let b = &mut out[debt];
                match kind {
                    ChargeKind::Interest => {
                        b.interest_owed = b.interest_owed.saturating_add(amount)
                    }
                    ChargeKind::Fee | ChargeKind::Compensation => {
                        b.fees_owed = b.fees_owed.saturating_add(amount);
                        b.fees.push((at, amount));
                    }
                }
            }
            Event::Payment {
                debt: Some(d),
                amount,
            } => pay(&mut out[d], at, amount),
            Event::Payment { debt: None, amount } => {
                let mut left = amount;
                for (k, &d) in by_due.iter().enumerate() {
                    if left <= Decimal::ZERO {
                        break;
                    }
                    let last = k + 1 == by_due.len();
                    let principal_owed =
                        (case.debts[d].original_amount - out[d].principal_paid).max(Decimal::ZERO);
                    let owed = out[d].charges_owed().saturating_add(principal_owed);
                    let take = if last { left } else { left.min(owed) };
                    if take > Decimal::ZERO {
                        pay(&mut out[d], at, take);
                        left -= take;
                    }
                }
            }
        }
    }
    out
}

fn pay(b: &mut DebtBook, at: Instant, amount: Decimal) {
    b.payments.push((at, amount));
    let mut left = amount;
    let to_fees = left.min(b.fees_owed);
    b.fees_owed -= to_fees;
    left -= to_fees;
    let to_interest = left.min(b.interest_owed);
    b.interest_owed -= to_interest;
    left -= to_interest;
    b.principal_paid = b.principal_paid.saturating_add(left);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(json: &str) -> Case {
        Case::from_json(json).unwrap()
    }

    const BASE: &str = r#""debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-TX", "timezone": "America/Chicago"},
        "debts": [
          {"id": "A", "currency": "USD", "original_amount": "100", "outstanding": "100", "issued_on": "2026-01-01", "due_on": "2026-02-01"},
          {"id": "B", "currency": "USD", "original_amount": "50", "outstanding": "50", "issued_on": "2026-01-01", "due_on": "2026-01-15"}
        ]"#;

    #[test]
    fn a_payment_settles_the_fee_before_principal() {
        let c = case(&format!(
            r#"{{"id": "C", {BASE},
            "charges": [{{"debt_id": "A", "kind": "fee", "rule": "late_fee", "amount": "25", "at": "2026-02-20T10:00:00Z"}}],
            "payments": [{{"at": "2026-02-21T10:00:00Z", "amount": "30", "debt_id": "A"}}]}}"#
        ));
        let b = books(&c);
        assert_eq!(b[0].fees_owed, Decimal::ZERO);
        assert_eq!(b[0].principal_paid, Decimal::from(5));
        assert_eq!(b[0].charges_owed(), Decimal::ZERO);
    }

    #[test]
    fn a_fee_charged_after_the_payment_stays_owed() {
        let c = case(&format!(
            r#"{{"id": "C", {BASE},
            "charges": [{{"debt_id": "A", "kind": "fee", "rule": "late_fee", "amount": "25", "at": "2026-02-22T10:00:00Z"}}],
            "payments": [{{"at": "2026-02-21T10:00:00Z", "amount": "30", "debt_id": "A"}}]}}"#
        ));
        let b = books(&c);
        assert_eq!(b[0].fees_owed, Decimal::from(25));
        assert_eq!(b[0].principal_paid, Decimal::from(30));
    }

    #[test]
    fn a_payment_without_a_debt_goes_to_the_oldest_due_first() {
        // B is due first (2026-01-15): it takes its 50, A takes the other 20.
        let c = case(&format!(
            r#"{{"id": "C", {BASE}, "payments": [{{"at": "2026-02-21T10:00:00Z", "amount": "70"}}]}}"#
        ));
        let b = books(&c);
        assert_eq!(b[1].principal_paid, Decimal::from(50));
        assert_eq!(b[0].principal_paid, Decimal::from(20));
        assert_eq!(b[0].payments.len(), 1);
    }
}
