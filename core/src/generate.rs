//! A seeded generator of realistic synthetic portfolios, for benchmarks, examples
//! and simulation. The same seed gives the same portfolio on every platform: the
//! generator uses its own SplitMix64 stream, never a system source of randomness.

use crate::error::{Error, Result};
use crate::model::*;
use crate::money::Rounding;
use crate::time::{Date, Instant};
use chrono::{Duration, TimeZone};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A small, portable, seeded pseudo-random generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo + 1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// Pick one element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// Jurisdiction, time zone and currency combinations the generator draws from.
const PLACES: &[(&str, &str, &str)] = &[
    ("US-TX", "America/Chicago", "USD"),
    ("US-NY", "America/New_York", "USD"),
    ("US-CA", "America/Los_Angeles", "USD"),
    ("US-MA", "America/New_York", "USD"),
    ("CO", "America/Bogota", "COP"),
    ("CL", "America/Santiago", "CLP"),
    ("PE", "America/Lima", "PEN"),
    ("MX", "America/Mexico_City", "MXN"),
    ("ES", "Europe/Madrid", "EUR"),
    ("GB", "Europe/London", "GBP"),
    ("BR-SP", "America/Sao_Paulo", "BRL"),
    ("EC", "America/Guayaquil", "USD"),
];

/// Most cases one call may generate (`recobro generate N`, a simulation request's
/// `generate`).
pub const MAX_CASES: usize = 100_000;
/// Highest average number of debts per case ([`GenOptions::debts`]).
pub const MAX_DEBTS: i64 = 100;
/// Highest average number of contacts per case ([`GenOptions::contacts`]).
pub const MAX_CONTACTS: i64 = 1_000;

/// How big the generated cases are.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    /// Average debts per case (1..=2x).
    pub debts: i64,
    /// Average contacts per case (0..=2x).
    pub contacts: i64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            debts: 5,
            contacts: 20,
        }
    }
}

fn amount_for(rng: &mut Rng, currency: &str) -> Decimal {
    // Base in "USD-like" units, scaled per currency; whole units for 0-decimal currencies.
    let base = rng.range(50, 5_000);
    let (scale, cents) = match currency {
        "COP" => (4_000, false),
        "CLP" => (900, false),
        "MXN" => (17, true),
        "PEN" => (4, true),
        "BRL" => (5, true),
        _ => (1, true),
    };
    let whole = Decimal::from(base * scale);
    if cents {
        whole + Decimal::new(rng.range(0, 99), 2)
    } else {
        whole
    }
}

impl GenOptions {
    /// Check the options: `debts` within `1..=MAX_DEBTS` and `contacts` within
    /// `0..=MAX_CONTACTS` (`input.invalid` at `debts` or `contacts`).
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_DEBTS).contains(&self.debts) {
            return Err(Error::input(
                "debts",
                format!(
                    "the average number of debts must be between 1 and {MAX_DEBTS} (got {})",
                    self.debts
                ),
            ));
        }
        if !(0..=MAX_CONTACTS).contains(&self.contacts) {
            return Err(Error::input(
                "contacts",
                format!(
                    "the average number of contacts must be between 0 and {MAX_CONTACTS} (got {})",
                    self.contacts
                ),
            ));
        }
        Ok(())
    }
}

/// Check a host-supplied number of cases to generate: `input.invalid` at `path`
/// unless it is within `1..=MAX_CASES`.
pub fn check_count(n: usize, path: &str) -> Result<()> {
    if n == 0 || n > MAX_CASES {
        return Err(Error::input(
            path,
            format!("the number of cases to generate must be between 1 and {MAX_CASES} (got {n})"),
        ));
    }
    Ok(())
}

/// [`portfolio`] for sizes a host supplies: refuses `n` outside `1..=MAX_CASES`
/// (`input.invalid` at `n`) and options outside their bounds (at `opts.debts`,
/// `opts.contacts`) instead of running out of memory.
pub fn try_portfolio(n: usize, seed: u64, as_of: Instant, opts: GenOptions) -> Result<Vec<Case>> {
    check_count(n, "n")?;
    opts.validate().map_err(|e| e.under("opts"))?;
    Ok(portfolio(n, seed, as_of, opts))
}

/// Generate `n` cases as of `as_of`, deterministically from `seed`. No bound on `n`:
/// for a size a host supplies use [`try_portfolio`]. Options beyond their maxima are
/// clamped to them ([`MAX_DEBTS`], [`MAX_CONTACTS`]).
pub fn portfolio(n: usize, seed: u64, as_of: Instant, opts: GenOptions) -> Vec<Case> {
    let opts = GenOptions {
        debts: opts.debts.clamp(1, MAX_DEBTS),
        contacts: opts.contacts.clamp(0, MAX_CONTACTS),
    };
    let mut rng = Rng::new(seed);
    (0..n).map(|i| one(&mut rng, i, as_of, opts)).collect()
}

fn one(rng: &mut Rng, i: usize, as_of: Instant, opts: GenOptions) -> Case {
    let (jurisdiction, tz_name, currency) = *rng.pick(PLACES);
    let tz: chrono_tz::Tz = tz_name.parse().unwrap_or(chrono_tz::UTC);
    let today = as_of.0.with_timezone(&tz).date_naive();
    let kind = if rng.chance(15) {
        DebtorKind::Business
    } else {
        DebtorKind::Consumer
    };
    // Age profile: most cases early-stage, a tail of long-overdue ones.
    let age = match rng.range(0, 99) {
        0..=14 => rng.range(-10, 0),
        15..=59 => rng.range(1, 59),
        60..=84 => rng.range(60, 119),
        _ => rng.range(120, 400),
    };
    let n_debts = rng.range(1, (opts.debts * 2 - 1).max(1)) as usize;
    let mut debts = Vec::with_capacity(n_debts);
    for d in 0..n_debts {
        let lag = if d == 0 { 0 } else { rng.range(0, 60) };
        let due = today - Duration::days(age - lag);
        let issued = due - Duration::days(rng.range(15, 45));
        let original = amount_for(rng, currency);
        let paid_share = if rng.chance(30) { rng.range(0, 60) } else { 0 };
        let mut outstanding = original - original * Decimal::from(paid_share) / Decimal::from(100);
        outstanding = outstanding.round_dp(if currency == "COP" || currency == "CLP" {
            0
        } else {
            2
        });
        if rng.chance(5) {
            outstanding = Decimal::ZERO;
        }
        let product = rng
            .pick(&["card", "loan", "utility", "telecom"])
            .to_string();
        // Card and loan agreements allow a late fee of 5% of the original amount (no
        // draw: the portfolio's random stream is the same as without it).
        let agreement = matches!(product.as_str(), "card" | "loan").then(|| Agreement {
            interest: None,
            fees: vec![AgreedFee {
                rule: "late_fee".into(),
                kind: crate::decision::ChargeKind::Fee,
                amount: Some(Rounding::HalfUp.round(
                    original * Decimal::new(5, 2),
                    crate::money::minor_units(currency).unwrap_or(2),
                )),
                max: None,
                max_pct: None,
                repeat_days: None,
            }],
        });
        debts.push(Debt {
            id: format!("L-{i}-{d}"),
            currency: currency.to_string(),
            original_amount: original,
            outstanding,
            issued_on: Date(issued),
            due_on: Date(due),
            product: Some(product),
            agreement,
            moved_interest: Default::default(),
            moved_charges_applied: Default::default(),
        });
    }

    let at_days_ago = |rng: &mut Rng, max_days: i64| -> Instant {
        let secs = rng.range(3_600, max_days.max(1) * 86_400);
        Instant(as_of.0 - Duration::seconds(secs))
    };

    let n_contacts = rng.range(0, opts.contacts * 2) as usize;
    let mut contacts = Vec::with_capacity(n_contacts);
    for _ in 0..n_contacts {
        let channel = *rng.pick(&[
            Channel::Call,
            Channel::Call,
            Channel::Sms,
            Channel::Email,
            Channel::Whatsapp,
            Channel::Letter,
        ]);
        let direction = if rng.chance(10) {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        let outcome = match channel {
            Channel::Call => *rng.pick(&[
                Outcome::NoAnswer,
                Outcome::NoAnswer,
                Outcome::Voicemail,
                Outcome::NotConnected,
                Outcome::Conversation,
                Outcome::Promise,
                Outcome::Refused,
                Outcome::WrongParty,
            ]),
            _ => *rng.pick(&[Outcome::Delivered, Outcome::Delivered, Outcome::Failed]),
        };
        let debt_ids = if rng.chance(50) {
            vec![debts[rng.range(0, debts.len() as i64 - 1) as usize]
                .id
                .clone()]
        } else {
            Vec::new()
        };
        contacts.push(Contact {
            at: at_days_ago(rng, 60),
            channel,
            direction,
            outcome,
            debt_ids,
        });
    }

    let mut payments = Vec::new();
    for _ in 0..rng.range(0, 3) {
        let d = &debts[rng.range(0, debts.len() as i64 - 1) as usize];
        let amount = (d.original_amount / Decimal::from(rng.range(4, 10))).round_dp(
            if currency == "COP" || currency == "CLP" {
                0
            } else {
                2
            },
        );
        if amount > Decimal::ZERO {
            payments.push(Payment {
                at: at_days_ago(rng, 90),
                amount,
                debt_id: Some(d.id.clone()),
            });
        }
    }

    let mut promises = Vec::new();
    if rng.chance(25) {
        let made = at_days_ago(rng, 20);
        let made_local = made.0.with_timezone(&tz).date_naive();
        let amount = (debts[0].original_amount / Decimal::from(3))
            .round_dp(if currency == "COP" || currency == "CLP" {
                0
            } else {
                2
            })
            .max(Decimal::ONE);
        promises.push(Promise {
            id: format!("P-{i}"),
            made_at: made,
            due_on: Date(made_local + Duration::days(rng.range(3, 14))),
            amount,
            debt_id: Some(debts[0].id.clone()),
        });
    }

    let mut plans = Vec::new();
    if rng.chance(8) {
        let created = at_days_ago(rng, 45);
        let start = created.0.with_timezone(&tz).date_naive();
        let per = (debts[0].original_amount / Decimal::from(4))
            .round_dp(if currency == "COP" || currency == "CLP" {
                0
            } else {
                2
            })
            .max(Decimal::ONE);
        plans.push(Plan {
            id: format!("PL-{i}"),
            created_at: created,
            debt_ids: vec![debts[0].id.clone()],
            installments: (1..=4)
                .map(|k| Installment {
                    due_on: Date(start + Duration::days(15 * k)),
                    amount: per,
                })
                .collect(),
        });
    }

    let mut flags = Vec::new();
    if rng.chance(3) {
        flags.push(*rng.pick(&Flag::ALL));
    }
    let mut consents = BTreeMap::new();
    if rng.chance(10) {
        let ch = *rng.pick(&[Channel::Sms, Channel::Email, Channel::Call]);
        let when = at_days_ago(rng, 30);
        consents.insert(
            ch,
            Consent {
                allowed: true,
                opted_out_at: Some(when),
                consented_at: None,
            },
        );
    }

    let mut attributes = serde_json::Map::new();
    attributes.insert(
        "risk_score".into(),
        serde_json::Value::from(rng.range(0, 1000)),
    );
    attributes.insert(
        "segment_hint".into(),
        serde_json::Value::from(*rng.pick(&["retail", "premium", "student"])),
    );

    // Local morning of today, to keep the generator's own clock pure.
    let _ = tz.from_utc_datetime(&as_of.0.naive_utc());

    Case {
        schema_key: Default::default(),
        id: format!("C-{i:06}"),
        debtor: Debtor {
            id: format!("D-{i:06}"),
            kind,
            jurisdiction: jurisdiction.to_string(),
            timezone: tz_name.to_string(),
            alt_timezones: Vec::new(),
            flags,
            consents,
            preferred_windows: Vec::new(),
        },
        debts,
        payments,
        charges: Vec::new(),
        promises,
        plans,
        contacts,
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_portfolio_and_valid() {
        let as_of = Instant::parse("2026-03-16T15:00:00Z").unwrap();
        let a = portfolio(200, 7, as_of, GenOptions::default());
        let b = portfolio(200, 7, as_of, GenOptions::default());
        assert_eq!(a, b);
        let c = portfolio(200, 8, as_of, GenOptions::default());
        assert_ne!(a, c);
        for case in &a {
            case.validate().unwrap();
            case.validate_at(as_of).unwrap();
        }
        let debts: usize = a.iter().map(|c| c.debts.len()).sum();
        let contacts: usize = a.iter().map(|c| c.contacts.len()).sum();
        // Averages close to the requested shape.
        assert!((3..=7).contains(&(debts / a.len())), "{debts}");
        assert!((15..=25).contains(&(contacts / a.len())), "{contacts}");
    }
}
