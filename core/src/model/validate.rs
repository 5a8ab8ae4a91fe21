//! Semantic checks on a parsed case, each reporting its input path.

use super::case::*;
use crate::error::{Error, Result};
use crate::money::{max_amount, minor_units};
use crate::time::{parse_tz, Instant};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// A set of ids: a linear scan for the handful most cases hold, a hash set beyond.
enum IdSet<'a> {
    Small(Vec<&'a str>),
    Large(HashSet<&'a str>),
}

impl<'a> IdSet<'a> {
    fn with_capacity(n: usize) -> Self {
        if n <= 32 {
            IdSet::Small(Vec::with_capacity(n))
        } else {
            IdSet::Large(HashSet::with_capacity(n))
        }
    }

    /// Insert; false when already present.
    fn insert(&mut self, id: &'a str) -> bool {
        match self {
            IdSet::Small(v) => {
                if v.contains(&id) {
                    false
                } else {
                    v.push(id);
                    true
                }
            }
            IdSet::Large(h) => h.insert(id),
        }
    }

    fn contains(&self, id: &str) -> bool {
        match self {
            IdSet::Small(v) => v.contains(&id),
            IdSet::Large(h) => h.contains(id),
        }
    }
}

// Paths are built only when there is an error: validation runs on every evaluation.
fn check_id(path: impl FnOnce() -> String, id: &str) -> Result<()> {
    let msg = if id.is_empty() || id.bytes().all(|b| b.is_ascii_whitespace()) {
        "must not be empty"
    } else if id.len() > 256 {
        "is longer than 256 characters"
    } else {
        return Ok(());
    };
    Err(Error::input(path(), msg))
}

fn check_amount(
    path: impl FnOnce() -> String,
    v: Decimal,
    currency: Option<(&str, u32)>,
    positive: bool,
) -> Result<()> {
    let msg = if v.is_sign_negative() && !v.is_zero() {
        format!("`{v}` is negative")
    } else if positive && v.is_zero() {
        "must be greater than zero".to_string()
    } else if v > max_amount() {
        format!("`{v}` is larger than the largest amount accepted (10^15)")
    } else {
        match currency {
            Some((code, dp)) if v.scale() > dp && v.normalize().scale() > dp => {
                format!("`{v}` has more decimals than {code} allows ({dp})")
            }
            _ => return Ok(()),
        }
    };
    Err(Error::input(path(), msg))
}

fn valid_jurisdiction(j: &str) -> bool {
    let b = j.as_bytes();
    let country = b.len() >= 2 && b[..2].iter().all(u8::is_ascii_uppercase);
    match b.len() {
        2 => country,
        4..=6 => {
            country
                && b[2] == b'-'
                && b[3..]
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
        _ => false,
    }
}

impl Case {
    /// Check the case for values that parse but cannot be right.
    /// Returns the first problem with its input path.
    pub fn validate(&self) -> Result<()> {
        check_id(|| "id".into(), &self.id)?;
        let d = &self.debtor;
        check_id(|| "debtor.id".into(), &d.id)?;
        if !valid_jurisdiction(&d.jurisdiction) {
            return Err(Error::input(
                "debtor.jurisdiction",
                format!(
                    "`{}` is not an ISO 3166 code like `CO` or `US-MA`",
                    d.jurisdiction
                ),
            ));
        }
        parse_tz(&d.timezone).map_err(|m| Error::input("debtor.timezone", m))?;
        for (i, tz) in d.alt_timezones.iter().enumerate() {
            parse_tz(tz).map_err(|m| Error::input(format!("debtor.alt_timezones[{i}]"), m))?;
        }
        for (i, f) in d.flags.iter().enumerate() {
            if d.flags[..i].contains(f) {
                return Err(Error::input(
                    format!("debtor.flags[{i}]"),
                    format!("flag `{}` is listed twice", f.as_str()),
                ));
            }
        }
        for (i, w) in d.preferred_windows.iter().enumerate() {
            let base = format!("debtor.preferred_windows[{i}]");
            let from = parse_hhmm(&w.from).map_err(|m| Error::input(format!("{base}.from"), m))?;
            let to = parse_hhmm(&w.to).map_err(|m| Error::input(format!("{base}.to"), m))?;
            if to <= from {
                return Err(Error::input(
                    format!("{base}.to"),
                    "must be later than `from`",
                ));
            }
            for (j, day) in w.days.iter().enumerate() {
                if parse_weekday(day).is_none() {
                    return Err(Error::input(
                        format!("{base}.days[{j}]"),
                        format!("`{day}` is not a weekday like `mon`"),
                    ));
                }
            }
        }

        let mut debt_ids = IdSet::with_capacity(self.debts.len());
        let mut debt_dp: Vec<(&str, u32)> = Vec::with_capacity(self.debts.len());
        for (i, debt) in self.debts.iter().enumerate() {
            let p = |f: &str| format!("debts[{i}].{f}");
            check_id(|| p("id"), &debt.id)?;
            if !debt_ids.insert(debt.id.as_str()) {
                return Err(Error::input(
                    p("id"),
                    format!("duplicate debt id `{}`", debt.id),
                ));
            }
            let Some(dp) = minor_units(&debt.currency) else {
                return Err(Error::input(
                    p("currency"),
                    format!(
                        "`{}` is not an ISO 4217 currency code like `EUR`",
                        debt.currency
                    ),
                ));
            };
            let cur = Some((debt.currency.as_str(), dp));
            debt_dp.push((debt.currency.as_str(), dp));
            check_amount(|| p("original_amount"), debt.original_amount, cur, false)?;
            check_amount(|| p("outstanding"), debt.outstanding, cur, false)?;
            if debt.due_on < debt.issued_on {
                return Err(Error::input(
                    p("due_on"),
                    format!(
                        "due date {} is before the issue date {}",
                        debt.due_on, debt.issued_on
                    ),
                ));
            }
            if let Some(a) = &debt.agreement {
                if let Some(t) = &a.interest {
                    if t.annual_rate.is_sign_negative() || t.annual_rate > Decimal::from(10) {
                        return Err(Error::input(
                            p("agreement.interest.annual_rate"),
                            format!(
                                "`{}` is not a fraction between 0 and 10 (0.12 means 12%)",
                                t.annual_rate
                            ),
                        ));
                    }
                    if let Some(dc) = &t.day_count {
                        if crate::money::DayCount::parse(dc).is_none() {
                            return Err(Error::input(
                                p("agreement.interest.day_count"),
                                format!("`{dc}` is not act/365f, act/360, 30/360 or act/act"),
                            ));
                        }
                    }
                    if let Some(m) = &t.method {
                        if m != "simple" && m != "compound" {
                            return Err(Error::input(
                                p("agreement.interest.method"),
                                format!("`{m}` is not `simple` or `compound`"),
                            ));
                        }
                    }
                }
                for (j, f) in a.fees.iter().enumerate() {
                    let fp = |k: &str| p(&format!("agreement.fees[{j}].{k}"));
                    check_id(|| fp("rule"), &f.rule)?;
                    if a.fees[..j].iter().any(|g| g.rule == f.rule) {
                        return Err(Error::input(
                            fp("rule"),
                            format!("the agreement lists fee `{}` twice", f.rule),
                        ));
                    }
                    if f.kind == crate::money::ChargeKind::Interest {
                        return Err(Error::input(
                            fp("kind"),
                            "an agreed fee is `fee` or `compensation`; contractual interest goes in `agreement.interest`",
                        ));
                    }
                    let given = [f.amount, f.max, f.max_pct].iter().flatten().count();
                    if given != 1 {
                        return Err(Error::input(
                            p(&format!("agreement.fees[{j}]")),
                            "give exactly one of `amount`, `max` or `max_pct`",
                        ));
                    }
                    if let Some(v) = f.amount {
                        check_amount(|| fp("amount"), v, cur, false)?;
                    }
                    if let Some(v) = f.max {
                        check_amount(|| fp("max"), v, cur, false)?;
                    }
                    if let Some(v) = f.max_pct {
                        if v.is_sign_negative() || v > Decimal::ONE_HUNDRED {
                            return Err(Error::input(
                                fp("max_pct"),
                                format!("`{v}` is not a percentage between 0 and 100"),
                            ));
                        }
                    }
                    if let Some(r) = f.repeat_days {
                        if !(1..=3660).contains(&r) {
                            return Err(Error::input(
                                fp("repeat_days"),
                                format!("`{r}` is not between 1 and 3660 days"),
                            ));
                        }
                    }
                }
            }
        }
        let currency_of = |id: &str| {
            self.debts
                .iter()
                .position(|d| d.id == id)
                .map(|i| debt_dp[i])
        };
        let single_currency = match debt_dp.first() {
            Some(first) if debt_dp.iter().all(|c| c.0 == first.0) => Some(*first),
            _ => None,
        };
        let known_debt = |path: &dyn Fn() -> String, id: &str| -> Result<()> {
            if debt_ids.contains(id) {
                Ok(())
            } else {
                Err(Error::input(path(), format!("unknown debt id `{id}`")))
            }
        };

        for (i, pay) in self.payments.iter().enumerate() {
            let cur = match &pay.debt_id {
                Some(id) => {
                    known_debt(&|| format!("payments[{i}].debt_id"), id)?;
                    currency_of(id)
                }
                // A payment that names no debt is allocated over the debts: only when
                // they share one currency can its amount mean anything to each.
                None if single_currency.is_none() && !self.debts.is_empty() => {
                    return Err(Error::input(
                        format!("payments[{i}].debt_id"),
                        "the debts are in more than one currency: a payment must name the debt it paid",
                    ))
                }
                None => single_currency,
            };
            check_amount(|| format!("payments[{i}].amount"), pay.amount, cur, true)?;
        }
        let mut charge_ids = IdSet::with_capacity(self.charges.len());
        for (i, ch) in self.charges.iter().enumerate() {
            known_debt(&|| format!("charges[{i}].debt_id"), &ch.debt_id)?;
            check_id(|| format!("charges[{i}].rule"), &ch.rule)?;
            if let Some(id) = &ch.id {
                check_id(|| format!("charges[{i}].id"), id)?;
                if !charge_ids.insert(id.as_str()) {
                    return Err(Error::input(
                        format!("charges[{i}].id"),
                        format!("duplicate charge id `{id}`"),
                    ));
                }
            }
            check_amount(
                || format!("charges[{i}].amount"),
                ch.amount,
                currency_of(&ch.debt_id),
                false,
            )?;
        }
        let mut promise_ids = IdSet::with_capacity(self.promises.len());
        for (i, pr) in self.promises.iter().enumerate() {
            check_id(|| format!("promises[{i}].id"), &pr.id)?;
            if !promise_ids.insert(pr.id.as_str()) {
                return Err(Error::input(
                    format!("promises[{i}].id"),
                    format!("duplicate promise id `{}`", pr.id),
                ));
            }
            let cur = match &pr.debt_id {
                Some(id) => {
                    known_debt(&|| format!("promises[{i}].debt_id"), id)?;
                    currency_of(id)
                }
                None => single_currency,
            };
            check_amount(|| format!("promises[{i}].amount"), pr.amount, cur, true)?;
        }
        let mut plan_ids = IdSet::with_capacity(self.plans.len());
        for (i, plan) in self.plans.iter().enumerate() {
            check_id(|| format!("plans[{i}].id"), &plan.id)?;
            if !plan_ids.insert(plan.id.as_str()) {
                return Err(Error::input(
                    format!("plans[{i}].id"),
                    format!("duplicate plan id `{}`", plan.id),
                ));
            }
            for (j, id) in plan.debt_ids.iter().enumerate() {
                known_debt(&|| format!("plans[{i}].debt_ids[{j}]"), id)?;
            }
            if plan.installments.is_empty() {
                return Err(Error::input(
                    format!("plans[{i}].installments"),
                    "a plan needs at least one installment",
                ));
            }
            let cur = match plan.debt_ids.first() {
                Some(id) => currency_of(id),
                None => single_currency,
            };
            for (j, inst) in plan.installments.iter().enumerate() {
                check_amount(
                    || format!("plans[{i}].installments[{j}].amount"),
                    inst.amount,
                    cur,
                    true,
                )?;
            }
        }
        for (i, c) in self.contacts.iter().enumerate() {
            for (j, id) in c.debt_ids.iter().enumerate() {
                known_debt(&|| format!("contacts[{i}].debt_ids[{j}]"), id)?;
            }
        }
        Ok(())
    }

    /// Checks that depend on the evaluation clock: nothing recorded may lie after `as_of`.
    pub fn validate_at(&self, as_of: Instant) -> Result<()> {
        let after = |path: &dyn Fn() -> String, at: Instant| -> Result<()> {
            if at > as_of {
                Err(Error::input(
                    path(),
                    format!("{at} is after as_of {as_of}: the ledger cannot hold the future"),
                ))
            } else {
                Ok(())
            }
        };
        for (i, c) in self.contacts.iter().enumerate() {
            after(&|| format!("contacts[{i}].at"), c.at)?;
        }
        for (i, p) in self.payments.iter().enumerate() {
            after(&|| format!("payments[{i}].at"), p.at)?;
        }
        for (i, c) in self.charges.iter().enumerate() {
            after(&|| format!("charges[{i}].at"), c.at)?;
        }
        for (i, p) in self.promises.iter().enumerate() {
            after(&|| format!("promises[{i}].made_at"), p.made_at)?;
        }
        for (i, p) in self.plans.iter().enumerate() {
            after(&|| format!("plans[{i}].created_at"), p.created_at)?;
        }
        Ok(())
    }
}

/// Parse `HH:MM` into minutes after midnight (`24:00` allowed as end of day).
pub fn parse_hhmm(s: &str) -> std::result::Result<u32, String> {
    let bad = || format!("expected a time like 08:00, got `{s}`");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Parse a weekday abbreviation (`mon` .. `sun`).
pub fn parse_weekday(s: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    Some(match s {
        "mon" => Mon,
        "tue" => Tue,
        "wed" => Wed,
        "thu" => Thu,
        "fri" => Fri,
        "sat" => Sat,
        "sun" => Sun,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    pub(crate) const GOOD: &str = r#"{
      "id": "C-1",
      "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "US-MA", "timezone": "America/New_York"},
      "debts": [
        {"id": "A", "currency": "USD", "original_amount": 500, "outstanding": "420.10",
         "issued_on": "2026-01-01", "due_on": "2026-02-01"},
        {"id": "B", "currency": "USD", "original_amount": 100, "outstanding": 100,
         "issued_on": "2026-01-01", "due_on": "2026-02-01"}
      ],
      "payments": [{"at": "2026-02-10T10:00:00Z", "amount": 79.90, "debt_id": "A"}]
    }"#;

    fn mutate(f: impl FnOnce(&mut serde_json::Value)) -> Error {
        let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        f(&mut v);
        Case::from_value(v).unwrap_err()
    }

    #[test]
    fn good_case_parses_exactly() {
        let c = Case::from_json(GOOD).unwrap();
        assert_eq!(c.debts[0].outstanding.to_string(), "420.10");
        assert_eq!(c.payments[0].amount.to_string(), "79.90");
    }

    #[test]
    fn bad_date_names_its_path() {
        let e = mutate(|v| v["debts"][1]["due_on"] = "2026-13-01".into());
        assert_eq!(e.code, ErrorCode::InputInvalid);
        assert_eq!(e.path(), Some("debts[1].due_on"));
        assert!(
            e.message.contains("expected a date like 2026-03-31"),
            "{}",
            e.message
        );
    }

    #[test]
    fn each_semantic_problem_names_its_path() {
        type Mutation = Box<dyn Fn(&mut serde_json::Value)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (
                Box::new(|v| v["debts"][1]["id"] = "A".into()),
                "debts[1].id",
            ),
            (
                Box::new(|v| v["debts"][0]["currency"] = "EURO".into()),
                "debts[0].currency",
            ),
            (
                Box::new(|v| v["debts"][0]["outstanding"] = "-1".into()),
                "debts[0].outstanding",
            ),
            (
                Box::new(|v| v["debts"][0]["outstanding"] = "1.001".into()),
                "debts[0].outstanding",
            ),
            (
                Box::new(|v| v["debts"][0]["due_on"] = "2025-01-01".into()),
                "debts[0].due_on",
            ),
            (
                Box::new(|v| v["debtor"]["timezone"] = "Mars/Base".into()),
                "debtor.timezone",
            ),
            (
                Box::new(|v| v["debtor"]["jurisdiction"] = "usa".into()),
                "debtor.jurisdiction",
            ),
            (
                Box::new(|v| v["payments"][0]["debt_id"] = "Z".into()),
                "payments[0].debt_id",
            ),
            (
                Box::new(|v| v["payments"][0]["amount"] = 0.into()),
                "payments[0].amount",
            ),
            (
                Box::new(|v| v["payments"][0]["at"] = "2026-02-10T10:00:00".into()),
                "payments[0].at",
            ),
            (
                Box::new(|v| v["debtor"]["kind"] = "alien".into()),
                "debtor.kind",
            ),
            (
                Box::new(|v| {
                    v["debtor"]["flags"] = serde_json::json!(["dispute", "dispute"]);
                }),
                "debtor.flags[1]",
            ),
            (
                Box::new(|v| {
                    v["debts"][0]["surprise"] = 1.into();
                }),
                "debts[0].surprise",
            ),
        ];
        for (f, path) in cases {
            let e = mutate(f);
            assert_eq!(e.path(), Some(path), "{e}");
        }
    }

    #[test]
    fn ledger_after_as_of_is_rejected() {
        let c = Case::from_json(GOOD).unwrap();
        let e = c
            .validate_at(Instant::parse("2026-02-01T00:00:00Z").unwrap())
            .unwrap_err();
        assert_eq!(e.path(), Some("payments[0].at"));
        assert!(c
            .validate_at(Instant::parse("2026-03-01T00:00:00Z").unwrap())
            .is_ok());
    }

    #[test]
    fn batch_index_only_prefixes_input_errors() {
        let policy_err = Error::new(ErrorCode::PolicyRuntime, "x").at_policy(None, 3, 1);
        assert_eq!(prefix_path(policy_err.clone(), 2), policy_err);
        let e = prefix_path(Error::input("debts[0].id", "x"), 2);
        assert_eq!(e.path(), Some("[2].debts[0].id"));
        assert_eq!(prefix_path(Error::input("", "x"), 4).path(), Some("[4]"));
    }

    #[test]
    fn time_of_day_parsing() {
        assert_eq!(parse_hhmm("08:30"), Ok(510));
        assert_eq!(parse_hhmm("24:00"), Ok(1440));
        assert!(parse_hhmm("8:30").is_err());
        assert!(parse_hhmm("24:01").is_err());
    }
}
