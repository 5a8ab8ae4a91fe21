//! Criterion benchmarks of the core engine.
//!
//! `cargo bench -p recobro-benches --bench evaluate`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recobro::Policy;
use recobro_benches::{as_of, native_decide, portfolio};
use std::hint::black_box;

const N: usize = 10_000;

fn evaluate(c: &mut Criterion) {
    let cases = portfolio(N);
    let policy = Policy::default_consumer().expect("default policy compiles");
    let at = as_of();

    // The baseline must be the same logic: check it agrees with the policy first.
    let mut disagree = 0;
    for case in &cases {
        let d = policy.evaluate(case, at).expect("generated cases evaluate");
        let (segment, action) = native_decide(case, at);
        let first = d
            .candidates
            .first()
            .map(|c| {
                c.action
                    .template
                    .clone()
                    .unwrap_or_else(|| c.action.kind.clone())
            })
            .unwrap_or_else(|| "-".into());
        if d.segment.as_deref() != Some(segment) || first != action {
            disagree += 1;
        }
    }
    assert_eq!(
        disagree, 0,
        "native baseline disagrees with the Rhai policy on {disagree} cases"
    );

    let mut g = c.benchmark_group("consumer_policy_10k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("rhai_sequential", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(policy.evaluate(black_box(case), at).ok());
            }
        })
    });
    g.bench_function("rhai_sequential_owned", |b| {
        b.iter_batched(
            || cases.clone(),
            |owned| {
                for case in owned {
                    black_box(policy.evaluate_owned(case, at, Default::default()).ok());
                }
            },
            criterion::BatchSize::LargeInput,
        )
    });
    // The honest limit: the same pipeline with the policy's hooks written in Rust
    // (`core/src/policy/native.rs`; `core/tests/native_limit.rs` checks it agrees).
    g.bench_function("native_full_pipeline_owned", |b| {
        b.iter_batched(
            || cases.clone(),
            |owned| {
                for case in owned {
                    black_box(recobro::internals::native_consumer_evaluate(&policy, case, at).ok());
                }
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("native_baseline", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(native_decide(black_box(case), at));
            }
        })
    });
    g.bench_function("part_validate", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(black_box(case).validate().is_ok());
            }
        })
    });
    g.bench_function("part_clone", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(black_box(case).clone());
            }
        })
    });
    g.bench_function("part_derive_facts", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(recobro::internals::Facts::derive(black_box(case), at));
            }
        })
    });
    g.bench_function("rhai_batch_rayon", |b| {
        b.iter(|| black_box(policy.evaluate_batch(black_box(&cases), at)))
    });
    g.finish();

    let mut g = c.benchmark_group("startup");
    let src = recobro::tooling::embedded("consumer/policy").unwrap_or_default();
    g.bench_function("engine_and_compile_consumer", |b| {
        b.iter(|| black_box(Policy::from_source(black_box(src)).ok()))
    });
    let json: Vec<String> = cases
        .iter()
        .take(1000)
        .map(|c| serde_json::to_string(c).unwrap_or_default())
        .collect();
    g.throughput(Throughput::Elements(1000));
    g.bench_function("parse_case_json_1k", |b| {
        b.iter(|| {
            for j in &json {
                black_box(recobro::Case::from_json(black_box(j)).ok());
            }
        })
    });
    let decisions: Vec<recobro::Decision> = cases
        .iter()
        .take(1000)
        .filter_map(|c| policy.evaluate(c, at).ok())
        .collect();
    g.bench_function("write_decision_json_1k", |b| {
        b.iter(|| {
            for d in &decisions {
                black_box(black_box(d).to_json());
            }
        })
    });
    g.finish();
}

fn compliance(c: &mut Criterion) {
    use recobro::internals::compliance::{check_contact, RuleSet};
    use recobro::Channel;
    let rules = RuleSet::standard().expect("standard rules");
    // Up to 50 contacts per case.
    let opts = recobro::simulation::GenOptions {
        contacts: 25,
        ..Default::default()
    };
    let mut cases: Vec<recobro::Case> = recobro::simulation::portfolio(400, 11, as_of(), opts)
        .into_iter()
        .filter(|c| c.contacts.len() >= 40)
        .collect();
    for c in &mut cases {
        c.debtor.jurisdiction = "US-NY".into();
        c.debtor.timezone = "America/New_York".into();
        c.debtor.flags.clear();
    }
    let case = cases.first().cloned().expect("a case with 40+ contacts");
    let n = case.contacts.len();
    let mut g = c.benchmark_group("compliance");
    // Allowed: Monday 11:00 in New York.
    let allowed_at = "2026-03-16T15:00:00Z"
        .parse::<recobro::Instant>()
        .unwrap_or_else(|_| as_of());
    g.bench_function(format!("check_call_allowed_{n}_contacts"), |b| {
        b.iter(|| {
            black_box(check_contact(&rules, black_box(&case), Channel::Call, allowed_at, None).ok())
        })
    });
    // Blocked at 23:00 local: computes next_allowed_at.
    let blocked_at = "2026-03-17T03:00:00Z"
        .parse::<recobro::Instant>()
        .unwrap_or_else(|_| as_of());
    g.bench_function(
        format!("check_call_blocked_next_allowed_{n}_contacts"),
        |b| {
            b.iter(|| {
                black_box(
                    check_contact(&rules, black_box(&case), Channel::Call, blocked_at, None).ok(),
                )
            })
        },
    );
    let checker =
        recobro::compliance::ContactChecker::new(&rules, &case, as_of()).expect("prepared case");
    g.bench_function(format!("verdict_only_call_allowed_{n}_contacts"), |b| {
        b.iter(|| black_box(checker.allowed(Channel::Call, allowed_at)))
    });
    g.bench_function(
        format!("verdict_only_call_blocked_next_allowed_{n}_contacts"),
        |b| b.iter(|| black_box(checker.allowed(Channel::Call, blocked_at))),
    );
    g.bench_function(format!("prepared_check_call_allowed_{n}_contacts"), |b| {
        b.iter(|| black_box(checker.check(Channel::Call, allowed_at, None).ok()))
    });
    g.bench_function(
        format!("prepared_check_call_blocked_next_allowed_{n}_contacts"),
        |b| b.iter(|| black_box(checker.check(Channel::Call, blocked_at, None).ok())),
    );
    g.finish();
}

fn charges(c: &mut Criterion) {
    // 5 overdue debts, 3 partial payments, across the ECB's half-year change.
    let policy = recobro::Policy::from_source(
        r#"import "money/eu" as eu;
        fn charges(c) { let out = []; for d in c.debts { out.push(eu::statutory_interest(c, d)); } out }"#,
    )
    .expect("charges policy");
    let case = recobro::Case::from_value(serde_json::json!({
        "id": "C", "debtor": {"id": "D", "kind": "business", "jurisdiction": "FR", "timezone": "Europe/Paris"},
        "debts": (0..5).map(|i| serde_json::json!({"id": format!("INV-{i}"), "currency": "EUR",
            "original_amount": "10000.00", "outstanding": "8000.00", "issued_on": "2025-01-01",
            "due_on": format!("2025-0{}-15", i + 2)})).collect::<Vec<_>>(),
        "payments": [
            {"at": "2025-06-20T10:00:00Z", "amount": "700.00", "debt_id": "INV-0"},
            {"at": "2025-07-20T10:00:00Z", "amount": "800.00", "debt_id": "INV-1"},
            {"at": "2025-08-20T10:00:00Z", "amount": "500.00", "debt_id": "INV-2"}
        ]
    }))
    .expect("bench case");
    let at = "2025-10-01T12:00:00Z"
        .parse::<recobro::Instant>()
        .unwrap_or_else(|_| as_of());
    let mut g = c.benchmark_group("money");
    // The native money functions alone: five accruals with payments across 1 July.
    {
        use recobro::internals::interest::*;
        let tables = recobro::internals::rates::RateTables::standard().expect("tables");
        let spec = InterestSpec {
            rate: RateSource::Table {
                table: "ecb_mro".into(),
                margin: rust_decimal::Decimal::new(8, 2),
                regime: Regime::SplitOnChange,
                half_yearly: true,
            },
            day_count: recobro::internals::DayCount::Act365F,
            method: Method::Simple,
            rounding: recobro::internals::Rounding::HalfUp,
            moment: Moment::AtEnd,
            dp: 2,
            order: vec![Bucket::Fees, Bucket::Interest, Bucket::Principal],
        };
        let day = |s: &str| {
            s.parse::<recobro::Date>()
                .map(recobro::internals::naive)
                .unwrap_or_default()
        };
        let pays = [Movement {
            on: day("2025-06-20"),
            amount: rust_decimal::Decimal::new(70000, 2),
        }];
        g.bench_function("native_accrual_5_debts_rate_change", |b| {
            b.iter(|| {
                for i in 0..5u32 {
                    let start = day(&format!("2025-0{}-16", i + 2));
                    black_box(
                        accrue(
                            &spec,
                            &tables,
                            rust_decimal::Decimal::new(1_000_000, 2),
                            rust_decimal::Decimal::ZERO,
                            start,
                            day("2025-10-01"),
                            if i < 3 { &pays } else { &[] },
                        )
                        .ok(),
                    );
                }
            })
        });
    }
    g.bench_function("charges_5_debts_3_payments_rate_change", |b| {
        b.iter(|| black_box(policy.evaluate(black_box(&case), at).ok()))
    });
    g.finish();
}

criterion_group!(benches, evaluate, compliance, charges);
criterion_main!(benches);
