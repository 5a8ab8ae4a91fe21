//! Property tests: determinism, order independence, holds never get contact actions.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use proptest::prelude::*;
use recobro::simulation::{portfolio, Rng};
use recobro::Flag;
use recobro::{Case, Instant, Policy};
use std::sync::OnceLock;

fn at() -> Instant {
    "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()
}

fn policies() -> &'static [Policy; 2] {
    static P: OnceLock<[Policy; 2]> = OnceLock::new();
    P.get_or_init(|| {
        [
            Policy::embedded("consumer/policy").unwrap(),
            Policy::embedded("b2b/policy").unwrap(),
        ]
    })
}

fn case(seed: u64) -> Case {
    portfolio(1, seed, at(), Default::default()).remove(0)
}

fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.range(0, i as i64) as usize;
        v.swap(i, j);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn same_inputs_same_decision_bytes(seed in 0u64..100_000, which in 0usize..2) {
        let c = case(seed);
        let p = &policies()[which];
        let a = p.evaluate(&c, at()).unwrap().to_json();
        let b = p.evaluate(&c, at()).unwrap().to_json();
        prop_assert_eq!(&a, &b);
        // A separately compiled copy of the same policy decides identically.
        let fresh = Policy::from_source(p.source()).unwrap();
        prop_assert_eq!(a, fresh.evaluate(&c, at()).unwrap().to_json());
    }

    #[test]
    fn input_order_does_not_matter(seed in 0u64..100_000, perm in any::<u64>(), which in 0usize..2) {
        let c = case(seed);
        let mut s = c.clone();
        let mut rng = Rng::new(perm);
        shuffle(&mut s.contacts, &mut rng);
        shuffle(&mut s.debts, &mut rng);
        shuffle(&mut s.payments, &mut rng);
        let p = &policies()[which];
        prop_assert_eq!(p.evaluate(&c, at()).unwrap().to_json(), p.evaluate(&s, at()).unwrap().to_json());
    }

    #[test]
    fn a_case_with_a_hold_never_gets_a_contact(seed in 0u64..100_000, flag in 0usize..5, which in 0usize..2) {
        let mut c = case(seed);
        let f = Flag::ALL[flag];
        c.debtor.flags = vec![f];
        let d = policies()[which].evaluate(&c, at()).unwrap();
        if let Some(a) = &d.action {
            prop_assert!(a.action.channel.is_none(), "hold {:?} got contact {:?}", f, a.action);
        }
        for cand in d.candidates.iter().filter(|x| x.action.channel.is_some()) {
            prop_assert!(cand.blocked_by.iter().any(|r| r.starts_with("hold.")));
        }
    }
}
