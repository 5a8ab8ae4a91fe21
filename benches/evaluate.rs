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
                black_box(recobro::facts::Facts::derive(black_box(case), at));
            }
        })
    });
    g.bench_function("rhai_batch_rayon", |b| {
        b.iter(|| black_box(policy.evaluate_batch(black_box(&cases), at)))
    });
    g.finish();

    let mut g = c.benchmark_group("startup");
    let src = recobro::policy::embedded("consumer/policy").unwrap_or_default();
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
    g.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
