//! Simulation under daily channel capacities (`Settings::capacity`): with room for
//! every case the day-at-a-time run is the case-at-a-time run, KPI for KPI and day for
//! day; a small call capacity caps every day's calls and sends the rest to their next
//! lawful candidate or to wait; a run under capacities is not split into parts.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::queue::Capacity;
use recobro::simulation::{portfolio, simulate, simulate_part, Settings, SimulationRequest, Split};
use recobro::{Channel, Instant, Policy};

fn settings(capacity: &[(Channel, u32)]) -> Settings {
    Settings {
        start: "2026-03-16T15:00:00Z".parse::<Instant>().unwrap(),
        days: 45,
        seed: 11,
        split: Split::All,
        response: Default::default(),
        replications: 1,
        capacity: Capacity(capacity.iter().copied().collect()),
    }
}

fn policies() -> Vec<Policy> {
    vec![
        Policy::default_consumer().unwrap(),
        Policy::embedded("consumer/digital_first").unwrap(),
    ]
}

fn cases() -> Vec<recobro::Case> {
    portfolio(
        250,
        11,
        "2026-03-16T15:00:00Z".parse().unwrap(),
        Default::default(),
    )
}

#[test]
fn with_room_for_every_case_the_day_at_a_time_run_is_the_case_at_a_time_run() {
    let (p, c) = (policies(), cases());
    let free = simulate(&p, &c, &settings(&[])).unwrap();
    let roomy = simulate(
        &p,
        &c,
        &settings(&[(Channel::Call, 1_000_000), (Channel::Sms, 1_000_000)]),
    )
    .unwrap();
    for (a, b) in free.arms.iter().zip(&roomy.arms) {
        assert_eq!(
            serde_json::to_string(&a.kpis).unwrap(),
            serde_json::to_string(&b.kpis).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&a.series).unwrap(),
            serde_json::to_string(&b.series).unwrap()
        );
    }
    assert!(
        free.arms[0]
            .series
            .iter()
            .map(|d| d.contacts[0])
            .sum::<u32>()
            > 0
    );
}

#[test]
fn a_small_call_capacity_caps_every_days_calls() {
    let (p, c) = (policies(), cases());
    let free = simulate(&p, &c, &settings(&[])).unwrap();
    let capped = simulate(&p, &c, &settings(&[(Channel::Call, 3)])).unwrap();
    for (a, b) in free.arms.iter().zip(&capped.arms) {
        let calls = |r: &recobro::simulation::ArmResult| -> Vec<u32> {
            r.series.iter().map(|d| d.contacts[0]).collect()
        };
        // The default policies never delay an action past its decision's day, so the
        // calls of a day are the calls decided that day: at most 3.
        assert!(
            calls(b).iter().all(|&n| n <= 3),
            "{}: {:?}",
            b.policy,
            calls(b)
        );
        let (before, after): (u32, u32) = (calls(a).iter().sum(), calls(b).iter().sum());
        assert!(
            after < before,
            "{}: {after} calls capped, {before} free",
            b.policy
        );
        assert!(after > 0);
        // The other channels take cases the calls could not: more SMS and email.
        let others = |r: &recobro::simulation::ArmResult| -> u32 {
            r.series.iter().map(|d| d.contacts[1] + d.contacts[2]).sum()
        };
        assert!(others(b) > others(a), "{}", b.policy);
    }
    // No calls at all with a capacity of 0.
    let none = simulate(&p, &c, &settings(&[(Channel::Call, 0)])).unwrap();
    assert!(none
        .arms
        .iter()
        .all(|a| a.series.iter().all(|d| d.contacts[0] == 0)));
}

#[test]
fn a_run_under_capacities_is_not_split_and_bad_capacities_are_refused() {
    let (p, c) = (policies(), cases());
    let e = simulate_part(&p, &c, 0, 2, &settings(&[(Channel::Call, 3)]), &|_, _| {}).unwrap_err();
    assert_eq!(e.path(), Some("parts"), "{e}");
    assert!(simulate_part(&p, &c, 0, 1, &settings(&[(Channel::Call, 3)]), &|_, _| {}).is_ok());
    let e = simulate(&p, &c, &settings(&[(Channel::Call, 10_000_001)])).unwrap_err();
    assert_eq!(e.path(), Some("capacity.call"), "{e}");
    let e = SimulationRequest::from_json(
        r#"{"start": "2026-03-16T15:00:00Z", "days": 5, "generate": 5, "capacity": {"fax": 3}}"#,
    )
    .unwrap_err();
    assert!(e.path().is_some_and(|p| p.starts_with("capacity")), "{e}");
}

#[test]
fn under_a_split_each_arm_has_its_share_of_the_team_and_an_action_counts_on_its_day() {
    let c = cases();
    // 50/50: each arm 3 of the 6 calls a day.
    let s = Settings {
        split: Split::Assign {
            experiment: "cap".into(),
            shares: vec![50, 50],
        },
        ..settings(&[(Channel::Call, 6)])
    };
    let r = simulate(&policies(), &c, &s).unwrap();
    for arm in &r.arms {
        assert!(
            arm.series.iter().all(|d| d.contacts[0] <= 3),
            "{}",
            arm.policy
        );
        assert!(
            arm.series.iter().any(|d| d.contacts[0] == 3),
            "{}",
            arm.policy
        );
    }
    // A policy that waits for the best moment (often the next day): still at most one
    // call on any simulated day, counted on the day the call happens.
    let waiting = recobro::PolicyBuilder::new(
        r#"fn contact_timing() { #{ prior: "consumer", horizon_hours: 48, weight: 4 } }
           fn actions(c) {
               let b = c.best_moment("call");
               let a = contact("call", "c").with_priority(50);
               if b != () { a = a.not_before(b.at); }
               [a, contact("sms", "s").with_priority(10)]
           }"#,
    )
    .build()
    .unwrap();
    let r = simulate(&[waiting], &c, &settings(&[(Channel::Call, 1)])).unwrap();
    let calls: Vec<u32> = r.arms[0].series.iter().map(|d| d.contacts[0]).collect();
    assert!(calls.iter().all(|&n| n <= 1), "{calls:?}");
    assert!(calls.iter().sum::<u32>() > 10, "{calls:?}");
}
