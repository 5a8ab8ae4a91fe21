//! Charges and the law: every charge line a policy returns is checked by what it is
//! and how much it is, whatever the policy called it.
//!
//! 1. **Authority.** What authorises a line comes from the case or from a statute the
//!    engine knows, never from the policy:
//!    - a fee or compensation whose `rule` the debt's `agreement.fees` lists (with its
//!      amount or cap);
//!    - interest the engine accrued at the agreement's rate (`contract_interest`), or
//!      at a rate no higher than the agreement's;
//!    - statutory interest from a reference table the debtor's country uses by law
//!      (`de_basiszins` in DE, `boe_base` in GB, `es_demora_comercial` in ES, `ecb_mro`
//!      in the other EU states) with no more than the statutory margin;
//!    - statutory fixed compensation between businesses (EU Directive 2011/7/EU art. 6:
//!      EUR 40; UK Late Payment Act s.5A: GBP 40/70/100).
//!
//!    The engine writes `authorised_by`; a policy cannot (see
//!    [`super::api::ENGINE_BASIS_KEYS`]).
//! 2. **Amount.** A line above what its authority allows is cut to it.
//! 3. **Jurisdiction.** US: a line without authority is cut to zero (15 U.S.C.
//!    1692f(1)). PE: no late fee, compensation or capitalisation, and interest no
//!    higher than the legal maximum (table `pe_tasa_maxima`). CO: every interest line
//!    no higher than the usury rate (table `co_usura`, effective annual), checked as an
//!    effective rate. BR: a fine of at most 2% (CDC art. 52 §1).
//!    A maximum the engine needs and has no rate on record for cuts the line to zero
//!    and says which table to supply: the law is not skipped for lack of a figure.
//! 4. **Once.** A fee or compensation already in the ledger under the same rule on the
//!    same debt is not charged again, unless the agreement says it repeats
//!    (`repeat_days`) and that many days have passed.
//!
//! Every cut is recorded in `basis.capped` with its reason and citation.

use super::api::{debt_ref, ChargeRef, Ctx, Origin};
use super::money_api::{accrual_inputs, agreed_limit, Accrued, PaymentDay};
use crate::decision::ChargeKind;
use crate::error::Result;
use crate::model::DebtorKind;
use crate::money::interest::{InterestSpec, Method, Moment, RateSource, Regime};
use crate::money::{minor_units, DayCount, Rounding};
use rust_decimal::Decimal;
use std::sync::Arc;

/// EU member states (the Late Payment Directive applies in each).
const EU: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

const US_CITATION: &str =
    "15 U.S.C. 1692f(1); 12 CFR 1006.22(b): only amounts expressly authorised by the agreement creating the debt or permitted by law";
const PE_CITATION: &str =
    "Ley 31143 (2021): no penalties, commissions or expenses for late payment; no capitalisation of interest; interest within the BCRP maximum";
const CO_CITATION: &str =
    "Código de Comercio art. 884; Código Penal art. 305: no interest above the usury rate certified by the Superintendencia Financiera";
const BR_CITATION: &str = "Código de Defesa do Consumidor art. 52 §1: a late fine of at most 2%";

/// What authorises a line, and the most it allows.
struct Authority {
    by: String,
    limit: Option<Decimal>,
}

/// The statute behind a reference table in a country, and the most margin it allows.
fn statutory_table(
    table: &str,
    country: &str,
    business: bool,
    start: chrono::NaiveDate,
) -> Option<(&'static str, Decimal)> {
    let pts = |n: i64| Decimal::new(n, 2);
    match (table, country) {
        ("de_basiszins", "DE") => Some(if business {
            // BGB § 288(2): 9 points from 29 July 2014 (8 before).
            let from_2014 = chrono::NaiveDate::from_ymd_opt(2014, 7, 29)
                .is_some_and(|d| start >= d);
            (
                "statute: BGB § 288(2), § 247 (base rate plus 9 points between businesses)",
                if from_2014 { pts(9) } else { pts(8) },
            )
        } else {
            (
                "statute: BGB § 288(1), § 247 (base rate plus 5 points)",
                pts(5),
            )
        }),
        ("boe_base", "GB") if business => Some((
            "statute: Late Payment of Commercial Debts (Interest) Act 1998 (reference rate plus 8 points)",
            pts(8),
        )),
        ("es_demora_comercial", "ES") if business => Some((
            "statute: Ley 3/2004 art. 7 (tipo legal de interés de demora)",
            Decimal::ZERO,
        )),
        // France sets 10 points (Code de commerce L441-10); the Directive's 8 points
        // are a minimum the other states apply as they are.
        ("ecb_mro", "FR") if business => Some((
            "statute: Code de commerce L441-10 (ECB reference rate plus 10 points)",
            pts(10),
        )),
        ("ecb_mro", c) if business && EU.contains(&c) => Some((
            "statute: Directive 2011/7/EU art. 2(6) (ECB reference rate plus 8 points)",
            pts(8),
        )),
        _ => None,
    }
}

fn cut(c: &mut ChargeRef, to: Decimal, why: &str) {
    let to = to.max(Decimal::ZERO);
    if c.amount > to {
        let note = format!("{} cut to {}: {why}", c.amount, to);
        let entry = c.basis.entry("capped".into()).or_default();
        if !entry.is_empty() {
            entry.push_str("; ");
        }
        entry.push_str(&note);
        c.amount = to;
    }
}

/// The line `a` would be under `spec`, or the reason it cannot be computed.
fn recompute(ctx: &Ctx, a: &Accrued, spec: &InterestSpec) -> std::result::Result<Decimal, String> {
    a.run(&ctx.rates, spec)
        .map(|x| a.line(&x))
        .map_err(|e| e.message)
}

/// A spec for the same line at the maximum rate of a table, as an effective annual
/// rate (compound) or simple.
fn at_table(base: &InterestSpec, table: &str, method: Method) -> InterestSpec {
    InterestSpec {
        rate: RateSource::Table {
            table: table.into(),
            margin: Decimal::ZERO,
            regime: Regime::SplitOnChange,
            half_yearly: false,
        },
        method,
        ..base.clone()
    }
}

/// The accrual a stated interest line is measured against: the debt's balance history
/// from the day after its due date, simple, act/365f.
fn stated_inputs(ctx: &Arc<Ctx>, index: usize, rule: &str, dp: u32) -> Result<Accrued> {
    let spec = InterestSpec {
        rate: RateSource::Fixed(Decimal::ZERO),
        day_count: DayCount::Act365F,
        method: Method::Simple,
        rounding: Rounding::HalfUp,
        moment: Moment::AtEnd,
        dp,
        order: vec![
            crate::money::interest::Bucket::Fees,
            crate::money::interest::Bucket::Interest,
            crate::money::interest::Bucket::Principal,
        ],
    };
    let d = debt_ref(ctx, index);
    accrual_inputs(ctx, &d, spec, 0, PaymentDay::Excluded, rule, false)
}

/// Apply the law to one line (see the module documentation).
pub(crate) fn apply(ctx: &Arc<Ctx>, c: &mut ChargeRef) -> Result<()> {
    let case = &ctx.case;
    let Some(index) = case.debts.iter().position(|d| d.id == c.debt_id) else {
        return Ok(());
    };
    let debt = &case.debts[index];
    let country = case.debtor.jurisdiction.get(..2).unwrap_or("");
    let business = case.debtor.kind == DebtorKind::Business;
    let dp = minor_units(&debt.currency).unwrap_or(2);
    let agreement = debt.agreement.as_ref();

    // The inputs an interest line is measured with.
    let inputs: Option<Accrued> = match (&c.origin, c.kind) {
        (Origin::Accrued(a), _) => Some((**a).clone()),
        (Origin::Stated, ChargeKind::Interest) => Some(stated_inputs(ctx, index, &c.rule, dp)?),
        _ => None,
    };

    // 1. Authority, and the most it allows.
    let authority: Option<Authority> = match c.kind {
        ChargeKind::Fee | ChargeKind::Compensation => {
            if let Some(f) = agreement
                .and_then(|a| a.fee(&c.rule))
                .filter(|f| f.kind == c.kind)
            {
                Some(Authority {
                    by: "agreement".into(),
                    limit: Some(agreed_limit(f, debt)?),
                })
            } else if c.kind == ChargeKind::Compensation
                && business
                && debt.currency == "EUR"
                && EU.contains(&country)
            {
                Some(Authority {
                    by: "statute: Directive 2011/7/EU art. 6 (EUR 40 per late payment)".into(),
                    limit: Some(Decimal::from(40)),
                })
            } else if c.kind == ChargeKind::Compensation
                && business
                && country == "GB"
                && debt.currency == "GBP"
            {
                Some(Authority {
                    by: "statute: Late Payment of Commercial Debts (Interest) Act 1998 s.5A".into(),
                    limit: Some(crate::money::fees::uk_fixed_sum(debt.original_amount)),
                })
            } else if c.kind == ChargeKind::Fee && !business && country == "BR" {
                // The limit (2%) is applied with Brazil's own limits below.
                Some(Authority {
                    by: "statute: Código de Defesa do Consumidor art. 52 §1 (a late fine of at most 2%)".into(),
                    limit: None,
                })
            } else if c.kind == ChargeKind::Fee
                && !business
                && country == "CL"
                && debt.currency == "CLP"
            {
                // Ley 19.496 art. 37: nothing in the first 20 days; then 9% of the
                // overdue amount up to 10 UF, 6% and 3% above. Whatever the UF is, 9% of
                // the whole amount is the most the bands can give.
                let late = ctx
                    .facts
                    .debts
                    .iter()
                    .find(|f| f.index == index)
                    .map_or(0, |f| f.days_past_due);
                Some(Authority {
                    by: "statute: Ley 19.496 art. 37 (gastos de cobranza extrajudicial)".into(),
                    limit: Some(if late <= 20 {
                        Decimal::ZERO
                    } else {
                        Rounding::HalfUp.round(
                            debt.outstanding
                                .checked_mul(Decimal::new(9, 2))
                                .unwrap_or(Decimal::ZERO),
                            0,
                        )
                    }),
                })
            } else {
                None
            }
        }
        ChargeKind::Interest if country == "CO" || country == "PE" => {
            // Default interest is allowed by law up to the usury rate (CO) or the BCRP
            // maximum (PE), both applied with those countries' own limits below; an
            // agreement's rate still binds when it is lower.
            let terms = agreement.and_then(|a| a.interest.as_ref());
            let by = if country == "CO" {
                "statute: Código de Comercio art. 884 (default interest up to the usury rate)"
            } else {
                "statute: Código Civil art. 1242; Ley 31143 (interés moratorio within the BCRP maximum)"
            };
            match (terms, &inputs) {
                (Some(t), Some(a)) if !matches!(&c.origin, Origin::Accrued(x) if x.contract) => {
                    let spec = InterestSpec {
                        rate: RateSource::Fixed(t.annual_rate),
                        ..a.spec.clone()
                    };
                    Some(Authority {
                        by: "agreement".into(),
                        limit: Some(recompute(ctx, a, &spec).unwrap_or(Decimal::ZERO)),
                    })
                }
                (Some(_), _) => Some(Authority {
                    by: "agreement".into(),
                    limit: None,
                }),
                (None, _) => Some(Authority {
                    by: by.into(),
                    limit: None,
                }),
            }
        }
        ChargeKind::Interest => {
            let terms = agreement.and_then(|a| a.interest.as_ref());
            match (&c.origin, &inputs) {
                (Origin::Accrued(a), _) if a.contract => Some(Authority {
                    by: "agreement".into(),
                    limit: None,
                }),
                (Origin::Accrued(a), _) => match &a.spec.rate {
                    RateSource::Fixed(r) => terms.map(|t| Authority {
                        by: "agreement".into(),
                        limit: (*r > t.annual_rate)
                            .then(|| {
                                let spec = InterestSpec {
                                    rate: RateSource::Fixed(t.annual_rate),
                                    ..a.spec.clone()
                                };
                                recompute(ctx, a, &spec).ok()
                            })
                            .flatten()
                            .or((*r > t.annual_rate).then_some(Decimal::ZERO)),
                    }),
                    RateSource::Table { table, margin, .. } => {
                        statutory_table(table, country, business, a.start).map(|(by, most)| {
                            Authority {
                                by: by.into(),
                                limit: (*margin > most).then(|| {
                                    let spec = InterestSpec {
                                        rate: match &a.spec.rate {
                                            RateSource::Table {
                                                table,
                                                regime,
                                                half_yearly,
                                                ..
                                            } => RateSource::Table {
                                                table: table.clone(),
                                                margin: most,
                                                regime: *regime,
                                                half_yearly: *half_yearly,
                                            },
                                            other => other.clone(),
                                        },
                                        ..a.spec.clone()
                                    };
                                    recompute(ctx, a, &spec).unwrap_or(Decimal::ZERO)
                                }),
                            }
                        })
                    }
                },
                (Origin::Stated, Some(base)) => terms.map(|t| {
                    let spec = InterestSpec {
                        rate: RateSource::Fixed(t.annual_rate),
                        day_count: t
                            .day_count
                            .as_deref()
                            .and_then(DayCount::parse)
                            .unwrap_or(DayCount::Act365F),
                        method: if t.method.as_deref() == Some("compound") {
                            Method::Compound
                        } else {
                            Method::Simple
                        },
                        ..base.spec.clone()
                    };
                    Authority {
                        by: "agreement".into(),
                        limit: Some(recompute(ctx, base, &spec).unwrap_or(Decimal::ZERO)),
                    }
                }),
                (Origin::Stated, None) => None,
            }
        }
    };

    // 3. The jurisdiction's own limits.
    match (country, c.kind) {
        ("PE", ChargeKind::Fee | ChargeKind::Compensation) => cut(
            c,
            Decimal::ZERO,
            &format!("late fees and compensation are not allowed ({PE_CITATION})"),
        ),
        ("PE", ChargeKind::Interest) => {
            if let Some(a) = &inputs {
                if matches!(c.origin, Origin::Accrued(_)) && a.spec.method == Method::Compound {
                    let simple = InterestSpec {
                        method: Method::Simple,
                        ..a.spec.clone()
                    };
                    let to = recompute(ctx, a, &simple).unwrap_or(Decimal::ZERO);
                    cut(
                        c,
                        to,
                        &format!("interest may not be capitalised: recomputed as simple interest ({PE_CITATION})"),
                    );
                }
                // The BCRP publishes its maxima as effective annual rates (TEA).
                let max = at_table(&a.spec, "pe_tasa_maxima", Method::Compound);
                match recompute(ctx, a, &max) {
                    Ok(to) => cut(
                        c,
                        to,
                        &format!("above the legal maximum rate (table `pe_tasa_maxima`; {PE_CITATION})"),
                    ),
                    Err(e) => cut(
                        c,
                        Decimal::ZERO,
                        &format!("no legal maximum rate on record to check it against ({e}); supply table `pe_tasa_maxima` ({PE_CITATION})"),
                    ),
                }
            }
        }
        ("CO", ChargeKind::Interest) => {
            if let Some(a) = &inputs {
                let usury = at_table(&a.spec, "co_usura", Method::Compound);
                match recompute(ctx, a, &usury) {
                    Ok(to) => cut(
                        c,
                        to,
                        &format!("above the usury rate as an effective annual rate (table `co_usura`; {CO_CITATION})"),
                    ),
                    Err(e) => cut(
                        c,
                        Decimal::ZERO,
                        &format!("no usury rate on record to check it against ({e}); supply table `co_usura` ({CO_CITATION})"),
                    ),
                }
            }
        }
        ("BR", ChargeKind::Fee) if !business => {
            let most = debt
                .outstanding
                .checked_mul(Decimal::new(2, 2))
                .map(|x| Rounding::HalfUp.round(x, dp))
                .unwrap_or(Decimal::ZERO);
            cut(
                c,
                most,
                &format!("2% of the outstanding {} ({BR_CITATION})", debt.outstanding),
            );
        }
        _ => {}
    }

    // 2. The amount its authority allows.
    match &authority {
        Some(Authority {
            by,
            limit: Some(limit),
        }) => {
            let what = if by == "agreement" {
                "more than the debt's agreement allows".to_string()
            } else {
                format!("more than the law allows ({by})")
            };
            cut(c, *limit, &what);
        }
        Some(_) => {}
        None if country == "US" => cut(
            c,
            Decimal::ZERO,
            &format!("not authorised by the debt's agreement or by a statute the engine knows ({US_CITATION})"),
        ),
        None => cut(
            c,
            Decimal::ZERO,
            "not authorised by the debt's agreement or by a statute the engine knows: a policy cannot authorise its own charges",
        ),
    }

    // 4. A fee or compensation is charged once (or as often as the agreement says).
    if matches!(c.kind, ChargeKind::Fee | ChargeKind::Compensation) {
        let last = case
            .charges
            .iter()
            .filter(|x| x.debt_id == c.debt_id && x.rule == c.rule && x.kind == c.kind)
            .map(|x| x.at)
            .max();
        if let Some(last) = last {
            let repeat = authority
                .as_ref()
                .filter(|a| a.by == "agreement")
                .and_then(|_| agreement.and_then(|a| a.fee(&c.rule)))
                .and_then(|f| f.repeat_days);
            let tz = ctx.facts.tz;
            let last_day = last.date_in(tz);
            let again = repeat.and_then(|r| last_day.checked_add_days(r));
            if again.is_none_or(|d| ctx.facts.today < d) {
                cut(
                    c,
                    Decimal::ZERO,
                    &match again {
                        Some(d) => format!(
                            "already charged on {last_day}; the agreement allows it again from {d}"
                        ),
                        None => format!(
                            "already charged on {last_day} (the ledger): charged once per debt"
                        ),
                    },
                );
            }
        }
    }

    match authority {
        Some(a) => {
            c.basis.insert("authorised_by".into(), a.by);
        }
        None => {
            c.basis.remove("authorised_by");
        }
    }
    Ok(())
}
