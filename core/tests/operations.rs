//! Every operation of a hook call counts toward `max_operations`, a closure's too
//! (`policy::engine::count_operation`): Rhai runs a closure that `map`, `filter` or a
//! sort calls on a copy of its operations count and throws the copy away. The hostile
//! corpus (`test-data/hostile/83` to `85`) covers closures past the limit; this covers
//! the other side: closures under it together, evaluation after evaluation on one
//! thread (the tally starts again at every call), and closures that import a module.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::{ErrorCode, Instant, PolicyBuilder};

fn case() -> (recobro::Case, Instant) {
    let as_of: Instant = "2026-03-16T15:00:00Z".parse().unwrap();
    let case = recobro::simulation::portfolio(1, 7, as_of, Default::default()).remove(0);
    (case, as_of)
}

#[test]
fn a_closure_that_imports_counts_too() {
    // A closure that imports runs on a fresh copy of Rhai's state, counting from 0: 300
    // of them, about 150,000 operations each, decided before the tally was started per
    // call instead of at Rhai's count of 1.
    let (case, as_of) = case();
    let policy = PolicyBuilder::new(
        "fn segment(c) { let a = []; for i in 0..300 { a.push(i) } \
         let b = a.filter(|x| { let p = [\"m\"][0]; import p as s; let t = 0; \
         for j in 0..50000 { t += j } t > 0 }); `${b.len()}` }",
    )
    .module("m", "let warm = 0; for i in 0..100 { warm += i }")
    .build()
    .unwrap();
    let e = policy.evaluate(&case, as_of).unwrap_err();
    assert_eq!(e.code, ErrorCode::LimitOperations, "{e}");
}

#[test]
fn closures_under_the_limit_together_pass_call_after_call() {
    // 20 closures of about 30,000 operations: 600,000 in all, under one million. The
    // tally starts again at every call: the tenth evaluation on this thread passes too.
    let (case, as_of) = case();
    let policy = PolicyBuilder::new(
        "fn segment(c) { let a = []; for i in 0..20 { a.push(i) } \
         let b = a.filter(|x| { let t = 0; for j in 0..10000 { t += j } t > 0 }); `${b.len()}` }",
    )
    .build()
    .unwrap();
    for _ in 0..10 {
        assert_eq!(
            policy.evaluate(&case, as_of).unwrap().segment.as_deref(),
            Some("20")
        );
    }
}
