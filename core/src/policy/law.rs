//! Charges and the law: every charge line a policy returns is checked by what it is
//! and how much it is, whatever the policy called it and however it computed it.
//!
//! For each line, in this order:
//! 1. **Authority.** What authorises a line comes from the case or from a statute the
//!    engine knows, never from the policy:
//!    - a fee or compensation whose `rule` the debt's `agreement.fees` lists;
//!    - interest, when the debt's `agreement.interest` states a rate;
//!    - statutory interest from a reference table the debtor's country uses by law
//!      (`de_basiszins` in DE, `boe_base` in GB, `es_demora_comercial` in ES, `ecb_mro`
//!      in FR and the other EU states), default interest in CO and PE;
//!    - statutory sums: EU Directive 2011/7/EU art. 6 (EUR 40) and the UK Late Payment
//!      Act s.5A (GBP 40/70/100) between businesses; Brazil's consumer fine; Chile's
//!      collection fee.
//!
//!    The engine writes `authorised_by`; a policy cannot (see
//!    [`super::script::ENGINE_BASIS_KEYS`]).
//! 2. **The most the authority allows, computed by the engine at the authority's own
//!    terms**, never at the terms the policy chose: the agreement's amount or cap; the
//!    agreement's rate, day count and method; the statute's margin, simple interest,
//!    ACT/365F, its regime, its start (BGB § 193 rolls a German due date off weekends
//!    and holidays) and its payment-day convention. Interest is always measured on the
//!    debt's balance history, less every interest line already in the ledger for the
//!    debt, whatever its rule.
//! 3. **Jurisdiction.** PE: no late fee, compensation or capitalisation, and interest
//!    within the maximum in table `pe_tasa_maxima` (TEA). CO: interest within the usury
//!    rate in table `co_usura`, as an effective annual rate. BR: a consumer's fine at
//!    most 2%. A maximum the engine needs and has no rate on record for cuts the line
//!    to zero and names the table: the law is not skipped for lack of a figure.
//! 4. **No authority:** the line is cut to zero (for US debtors citing 15 U.S.C.
//!    1692f(1)).
//! 5. **Once.** One interest line per debt per decision. A fee or compensation the
//!    agreement allows is charged once per debt (or as its `repeat_days` allows); a
//!    statutory sum once per debt and kind, whatever the rule is called. The ledger's
//!    zero lines (lines the engine cut) do not count.
//!
//! Every cut is recorded in `basis.capped` with its reason and citation.

use super::script::{accrual_inputs_from, agreed_limit, roll_to_business_day, Accrued, PaymentDay};
use super::script::{debt_ref, ChargeRef, Ctx, Origin};
use crate::decision::ChargeKind;
use crate::error::{Error, ErrorCode, Result};
use crate::model::DebtorKind;
use crate::money::interest::{InterestSpec, Method, RateSource, Regime};
use crate::money::{minor_units, DayCount, Rounding};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
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

/// What the decision's earlier lines already charged, so a second line cannot charge
/// the same thing under another name.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Debts with an interest line in this decision, and its rule.
    interest: BTreeMap<String, String>,
    /// (debt, kind, rule) of agreed fees in this decision.
    agreed: BTreeSet<(String, ChargeKind, String)>,
    /// (debt, statute) of statutory sums in this decision.
    statutory: BTreeSet<(String, String)>,
}

/// Where a line's authority comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Agreement,
    Statute,
}

/// What authorises a line, and the most it allows.
struct Authority {
    by: String,
    source: Source,
    limit: Option<std::result::Result<Decimal, String>>,
}

/// A statute's terms for interest from a reference table.
struct StatuteTerms {
    by: &'static str,
    margin: Decimal,
    regime: Regime,
    half_yearly: bool,
    /// BGB: the day a payment arrives accrues, and § 193 rolls the due date.
    german: bool,
}

/// The statute behind a reference table in a country. `issued_on` dates the obligation
/// (the German 9 points apply to obligations arising after 28 July 2014: Art. 229 § 34
/// EGBGB).
fn statutory_table(
    table: &str,
    country: &str,
    business: bool,
    issued_on: chrono::NaiveDate,
) -> Option<StatuteTerms> {
    let pts = |n: i64| Decimal::new(n, 2);
    let split = |by, margin, half_yearly, german| StatuteTerms {
        by,
        margin,
        regime: Regime::SplitOnChange,
        half_yearly,
        german,
    };
    match (table, country) {
        ("de_basiszins", "DE") if business => {
            let after_2014 =
                chrono::NaiveDate::from_ymd_opt(2014, 7, 28).is_some_and(|d| issued_on > d);
            Some(if after_2014 {
                split(
                    "statute: BGB § 288(2), § 247 (base rate plus 9 points between businesses)",
                    pts(9),
                    false,
                    true,
                )
            } else {
                split(
                    "statute: BGB § 288(2) as before 29 July 2014, § 247 (base rate plus 8 points between businesses)",
                    pts(8),
                    false,
                    true,
                )
            })
        }
        ("de_basiszins", "DE") => Some(split(
            "statute: BGB § 288(1), § 247 (base rate plus 5 points)",
            pts(5),
            false,
            true,
        )),
        ("boe_base", "GB") if business => Some(StatuteTerms {
            by: "statute: Late Payment of Commercial Debts (Interest) Act 1998 (reference rate plus 8 points, fixed at the start)",
            margin: pts(8),
            regime: Regime::FixedAtStart,
            half_yearly: false,
            german: false,
        }),
        ("es_demora_comercial", "ES") if business => Some(split(
            "statute: Ley 3/2004 art. 7 (tipo legal de interés de demora)",
            Decimal::ZERO,
            false,
            false,
        )),
        // France sets 10 points (Code de commerce L441-10); the Directive's 8 points
        // are a minimum the other states apply as they are.
        ("ecb_mro", "FR") if business => Some(split(
            "statute: Code de commerce L441-10 (ECB reference rate plus 10 points)",
            pts(10),
            true,
            false,
        )),
        ("ecb_mro", c) if business && EU.contains(&c) => Some(split(
            "statute: Directive 2011/7/EU art. 2(6) (ECB reference rate plus 8 points)",
            pts(8),
            true,
            false,
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

/// The lawful measure of interest on a debt (see [`InterestSpec::simple_act365`]).
fn plain_spec(rate: RateSource, dp: u32) -> InterestSpec {
    InterestSpec::simple_act365(rate, dp)
}

/// The interest a debt owes under `spec` from the day after `due`, on its balance
/// history, less every interest line already charged on it.
fn lawful(
    ctx: &Arc<Ctx>,
    index: usize,
    spec: InterestSpec,
    due: crate::time::Date,
    payment_day: PaymentDay,
) -> std::result::Result<Decimal, String> {
    let d = debt_ref(ctx, index);
    let acc = accrual_inputs_from(ctx, &d, spec, due, 0, payment_day).map_err(|e| e.message)?;
    recompute(ctx, &acc, &acc.spec)
}

/// A table's maximum as an effective annual (compound) or simple rate.
fn at_table(table: &str, method: Method, dp: u32) -> InterestSpec {
    InterestSpec {
        method,
        ..plain_spec(
            RateSource::Table {
                table: table.into(),
                margin: Decimal::ZERO,
                regime: Regime::SplitOnChange,
                half_yearly: false,
            },
            dp,
        )
    }
}

/// Apply the law to one line (see the module documentation). `seen` carries what the
/// decision's earlier lines charged.
pub(crate) fn apply(ctx: &Arc<Ctx>, c: &mut ChargeRef, seen: &mut Seen) -> Result<()> {
    let case = &ctx.case;
    let index = case
        .debts
        .iter()
        .position(|d| d.id == c.debt_id)
        .ok_or_else(|| {
            // INVARIANT: a charge is made from a `Debt` of this case.
            Error::new(
                ErrorCode::Internal,
                format!(
                    "a charge line names debt `{}`, which the case does not have",
                    c.debt_id
                ),
            )
        })?;
    let debt = &case.debts[index];
    let country = case.debtor.jurisdiction.get(..2).unwrap_or("");
    let business = case.debtor.kind == DebtorKind::Business;
    let dp = minor_units(&debt.currency).unwrap_or(2);
    let agreement = debt.agreement.as_ref();
    let terms = agreement.and_then(|a| a.interest.as_ref());
    let agreed_terms = |t: &crate::model::InterestTerms| InterestSpec {
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
        ..plain_spec(RateSource::Fixed(t.annual_rate), dp)
    };

    // 1 and 2. Authority, and the most it allows at its own terms.
    let authority: Option<Authority> = match c.kind {
        ChargeKind::Fee | ChargeKind::Compensation => {
            if let Some(f) = agreement
                .and_then(|a| a.fee(&c.rule))
                .filter(|f| f.kind == c.kind)
            {
                Some(Authority {
                    by: "agreement".into(),
                    source: Source::Agreement,
                    limit: Some(agreed_limit(f, debt).map_err(|e| e.message)),
                })
            } else if c.kind == ChargeKind::Compensation
                && business
                && debt.currency == "EUR"
                && EU.contains(&country)
            {
                Some(Authority {
                    by: "statute: Directive 2011/7/EU art. 6 (EUR 40 per late payment)".into(),
                    source: Source::Statute,
                    limit: Some(Ok(Decimal::from(40))),
                })
            } else if c.kind == ChargeKind::Compensation
                && business
                && country == "GB"
                && debt.currency == "GBP"
            {
                Some(Authority {
                    by: "statute: Late Payment of Commercial Debts (Interest) Act 1998 s.5A".into(),
                    source: Source::Statute,
                    limit: Some(Ok(crate::money::fees::uk_fixed_sum(debt.original_amount))),
                })
            } else if !business && country == "BR" {
                Some(Authority {
                    by: "statute: Código de Defesa do Consumidor art. 52 §1 (a late fine of at most 2%)".into(),
                    source: Source::Statute,
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
                    source: Source::Statute,
                    limit: Some(Ok(if late <= 20 {
                        Decimal::ZERO
                    } else {
                        Rounding::HalfUp.round(
                            debt.outstanding
                                .checked_mul(Decimal::new(9, 2))
                                .unwrap_or(Decimal::ZERO),
                            0,
                        )
                    })),
                })
            } else {
                None
            }
        }
        ChargeKind::Interest => {
            let statute = match &c.origin {
                Origin::Accrued(a) => match &a.spec.rate {
                    RateSource::Table { table, .. } => {
                        statutory_table(table, country, business, debt.issued_on.0)
                    }
                    RateSource::Fixed(_) => None,
                },
                Origin::Stated => None,
            };
            if let Some(st) = statute {
                let due = if st.german {
                    roll_to_business_day(ctx, debt.due_on)?
                } else {
                    debt.due_on
                };
                let table = match &c.origin {
                    Origin::Accrued(a) => match &a.spec.rate {
                        RateSource::Table { table, .. } => table.clone(),
                        RateSource::Fixed(_) => String::new(),
                    },
                    Origin::Stated => String::new(),
                };
                let spec = plain_spec(
                    RateSource::Table {
                        table,
                        margin: st.margin,
                        regime: st.regime,
                        half_yearly: st.half_yearly,
                    },
                    dp,
                );
                let pd = if st.german {
                    PaymentDay::Included
                } else {
                    PaymentDay::Excluded
                };
                Some(Authority {
                    by: st.by.into(),
                    source: Source::Statute,
                    limit: Some(lawful(ctx, index, spec, due, pd)),
                })
            } else if let Some(t) = terms {
                Some(Authority {
                    by: "agreement".into(),
                    source: Source::Agreement,
                    limit: Some(lawful(
                        ctx,
                        index,
                        agreed_terms(t),
                        debt.due_on,
                        PaymentDay::Excluded,
                    )),
                })
            } else if country == "CO" || country == "PE" {
                // Default interest is allowed by law; its maximum is applied below.
                Some(Authority {
                    by: if country == "CO" {
                        "statute: Código de Comercio art. 884 (default interest up to the usury rate)"
                    } else {
                        "statute: Código Civil art. 1242; Ley 31143 (interés moratorio within the BCRP maximum)"
                    }
                    .into(),
                    source: Source::Statute,
                    limit: None,
                })
            } else {
                None
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
            // No capitalisation: never more than simple interest at the line's own rate.
            if let Origin::Accrued(a) = &c.origin {
                if a.spec.method == Method::Compound {
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
            }
            // The BCRP publishes its maxima as effective annual rates (TEA), on a year of
            // 360 days.
            let max = InterestSpec {
                day_count: DayCount::Act360,
                ..at_table("pe_tasa_maxima", Method::Compound, dp)
            };
            match lawful(ctx, index, max, debt.due_on, PaymentDay::Excluded) {
                Ok(to) => cut(
                    c,
                    to,
                    &format!("above the legal maximum rate (table `pe_tasa_maxima`; {PE_CITATION})"),
                ),
                Err(e) => cut(
                    c,
                    Decimal::ZERO,
                    &format!("the legal maximum could not be checked ({e}); supply table `pe_tasa_maxima` ({PE_CITATION})"),
                ),
            }
        }
        ("CO", ChargeKind::Interest) => {
            match lawful(ctx, index, at_table("co_usura", Method::Compound, dp), debt.due_on, PaymentDay::Excluded) {
                Ok(to) => cut(
                    c,
                    to,
                    &format!("above the usury rate as an effective annual rate (table `co_usura`; {CO_CITATION})"),
                ),
                Err(e) => cut(
                    c,
                    Decimal::ZERO,
                    &format!("the usury rate could not be checked ({e}); supply table `co_usura` ({CO_CITATION})"),
                ),
            }
        }
        ("BR", ChargeKind::Fee | ChargeKind::Compensation) if !business => {
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

    // 2 (applied) and 4. The authority's limit, or no authority at all.
    match &authority {
        Some(a) => match &a.limit {
            Some(Ok(limit)) => {
                let what = match a.source {
                    Source::Agreement => "more than the debt's agreement allows".to_string(),
                    Source::Statute => format!("more than the law allows ({})", a.by),
                };
                cut(c, *limit, &what);
            }
            Some(Err(e)) => cut(
                c,
                Decimal::ZERO,
                &format!("the most {} allows could not be computed: {e}", a.by),
            ),
            None => {}
        },
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

    // 5. Once.
    let tz = ctx.facts.tz;
    match c.kind {
        ChargeKind::Interest => {
            if let Some(first) = seen.interest.get(&c.debt_id) {
                cut(
                    c,
                    Decimal::ZERO,
                    &format!("this decision already charges the debt's interest (rule `{first}`)"),
                );
            } else {
                seen.interest.insert(c.debt_id.clone(), c.rule.clone());
            }
        }
        ChargeKind::Fee | ChargeKind::Compensation => {
            let statutory = authority
                .as_ref()
                .is_some_and(|a| a.source == Source::Statute);
            // Brazil's fine is one sum whether it is booked as a fee or a compensation.
            let br_fine = statutory && country == "BR";
            // The ledger lines this one repeats: the same rule for an agreed fee; the
            // same kind, whatever the rule, for a statutory sum. Zero lines charged
            // nothing.
            let last = case
                .charges
                .iter()
                .filter(|x| {
                    x.debt_id == c.debt_id
                        && !x.amount.is_zero()
                        && if statutory {
                            x.kind == c.kind || (br_fine && x.kind != ChargeKind::Interest)
                        } else {
                            x.kind == c.kind && x.rule == c.rule
                        }
                })
                .map(|x| x.at)
                .max();
            if let Some(last) = last {
                let repeat = authority
                    .as_ref()
                    .filter(|a| a.source == Source::Agreement)
                    .and_then(|_| agreement.and_then(|a| a.fee(&c.rule)))
                    .and_then(|f| f.repeat_days);
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
                            None => format!("already charged on {last_day} (the ledger): charged once per debt"),
                        },
                    );
                }
            }
            let fresh = if statutory {
                let by = authority.as_ref().map(|a| a.by.clone()).unwrap_or_default();
                seen.statutory.insert((c.debt_id.clone(), by))
            } else {
                seen.agreed
                    .insert((c.debt_id.clone(), c.kind, c.rule.clone()))
            };
            if !fresh {
                cut(
                    c,
                    Decimal::ZERO,
                    "this decision already charges it on this debt",
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
