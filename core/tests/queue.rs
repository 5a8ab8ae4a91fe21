//! Work queues under capacity: the order (priority, then expected value, then id), a
//! full channel's case rerouted to its next lawful candidate or waiting with the
//! reason, tasks and unlisted channels unlimited, nothing dropped. Every expected
//! queue below is worked by hand from the rules in `recobro::queue`.

use recobro::{host, Policy};
use serde_json::{json, Value};

const POLICY: &str = r#"
fn actions(c) {
    if c.attr("task", false) { return [task("legal_review").with_priority(60)]; }
    [contact("call", "c").with_priority(c.attr("p", 0)), contact("sms", "s").with_priority(10)]
}"#;

fn case(id: &str, p: i64, balance: &str, extra: Value) -> Value {
    let mut v = json!({
        "id": id,
        "debtor": {"id": id, "kind": "consumer", "jurisdiction": "US", "timezone": "America/New_York"},
        "debts": [{"id": "A", "currency": "USD", "original_amount": balance, "outstanding": balance,
                   "issued_on": "2025-10-01", "due_on": "2025-11-01"}],
        "attributes": {"p": p}
    });
    if let Value::Object(m) = extra {
        for (k, x) in m {
            if k == "flags" {
                v["debtor"]["flags"] = x;
            } else {
                v["attributes"][k] = x;
            }
        }
    }
    v
}

/// Monday 12 January 2026, noon in New York: calls and SMS are within Reg F's hours.
const AS_OF: &str = "2026-01-12T17:00:00Z";

fn batch() -> String {
    json!([
        case("A", 90, "100", json!({})),
        case("B", 90, "500", json!({})),
        case("C", 80, "1000", json!({})),
        case("D", 70, "50", json!({})),
        case("E", 70, "50", json!({})),
        case("F", 95, "900", json!({"flags": ["dispute"]})),
        case("G", 60, "10", json!({"task": true})),
        {"id": "H"},
        case("A", 99, "1", json!({})),
    ])
    .to_string()
}

#[test]
fn the_queue_fills_by_priority_then_value_and_reroutes_or_waits_when_full() {
    let p = Policy::from_source(POLICY).unwrap();
    let q = host::queue(&p, &batch(), AS_OF, r#"{"call": 2, "sms": 1}"#).unwrap();
    let v: Value = serde_json::from_str(&q.to_json()).unwrap();
    let row = |i: usize| {
        let r = &v["items"][i];
        (
            r["case_id"].as_str().unwrap().to_string(),
            r["status"].as_str().unwrap().to_string(),
            r["rank"].as_u64(),
            r["action"]["channel"]
                .as_str()
                .or(r["action"]["kind"].as_str())
                .map(str::to_string),
        )
    };
    let s = |x: &str| Some(x.to_string());
    // Priority 90: B (value 500) before A (100); then C (80). Calls hold 2: B and A.
    // C's call does not fit: its next lawful candidate, the SMS, does (rank 3). D and E
    // (70, equal value 50, by id) find calls and the one SMS taken: they wait. G's task
    // is not limited (rank 4). F (a dispute) has no action; H cannot be read; the second
    // A repeats an id. Nothing is dropped.
    assert_eq!(
        row(0),
        (s("B").unwrap(), s("scheduled").unwrap(), Some(1), s("call"))
    );
    assert_eq!(row(1), ("A".into(), "scheduled".into(), Some(2), s("call")));
    assert_eq!(row(2), ("C".into(), "rerouted".into(), Some(3), s("sms")));
    assert_eq!(
        row(3),
        ("G".into(), "scheduled".into(), Some(4), s("legal_review"))
    );
    assert_eq!(row(4), ("D".into(), "waiting".into(), None, None));
    assert_eq!(row(5), ("E".into(), "waiting".into(), None, None));
    assert_eq!(row(6), ("F".into(), "no_action".into(), None, None));
    assert_eq!(v["items"].as_array().unwrap().len(), 7);
    assert_eq!(v["items"][2]["candidate"], 1);
    assert_eq!(
        v["items"][2]["reason"],
        "call capacity (2) reached: next lawful candidate 1 (sms)"
    );
    assert_eq!(
        v["items"][4]["reason"],
        "call capacity (2) and sms capacity (1) reached: no lawful candidate has room today"
    );
    assert_eq!(
        v["items"][6]["reason"],
        "every candidate was blocked by compliance rules"
    );
    // Expected value: the outstanding amount (no contact timing, no calibrated score).
    assert_eq!(v["items"][0]["expected_value"], "500");
    assert_eq!(v["used"], json!({"call": 2, "sms": 1}));
    let errors: Vec<(u64, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["index"].as_u64().unwrap(),
                e["error"]["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{}", v["errors"]);
    assert_eq!(errors[0].0, 7);
    assert!(errors[0].1.starts_with("[7]"), "{errors:?}");
    assert_eq!(errors[1], (8, "[8].id".to_string()));
    // Without capacities every case with an action is scheduled on its chosen action.
    let q = host::queue(&p, &batch(), AS_OF, "{}").unwrap();
    assert!(q
        .items
        .iter()
        .take(6)
        .all(|i| i.status == recobro::queue::Status::Scheduled));
    let csv = q.to_csv();
    assert_eq!(csv.lines().count(), 1 + 7);
    assert!(csv.starts_with("rank,case_id,status,"), "{csv}");
}

#[test]
fn the_expected_value_uses_the_contact_rate_and_the_probability_of_payment() {
    // The default consumer policy: its chosen call carries best_slot.rate and the
    // behavioural scorecard's calibrated probability; value = outstanding * rate * p.
    let p = Policy::default_consumer().unwrap();
    let c = case("X", 0, "900", json!({}));
    let q = host::queue(&p, &c.to_string(), AS_OF, "{}").unwrap();
    let d: Value =
        serde_json::from_str(&host::evaluate(&p, &c.to_string(), AS_OF, false).unwrap()).unwrap();
    let rate: rust_decimal::Decimal = d["action"]["best_slot"]["rate"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let prob: rust_decimal::Decimal = d["scores"][0]["probability"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let want = (rust_decimal::Decimal::from(900) * rate * prob)
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    assert_eq!(q.items[0].expected_value, want);
    assert!(want > rust_decimal::Decimal::ZERO && want < rust_decimal::Decimal::from(900));
}

#[test]
fn bad_capacities_are_refused_at_their_path() {
    let p = Policy::from_source(POLICY).unwrap();
    for (cap, path) in [
        (r#"{"fax": 3}"#, "capacity.fax"),
        (r#"{"call": -1}"#, "capacity.call"),
        (r#"{"call": 10000001}"#, "capacity.call"),
        (r#"{"call": "many"}"#, "capacity.call"),
        (r#"[1]"#, "capacity"),
    ] {
        let e = host::queue(&p, &batch(), AS_OF, cap).unwrap_err();
        assert_eq!(e.path(), Some(path), "{cap}: {e}");
    }
    let e = recobro::queue::Capacity::parse_pair("call").unwrap_err();
    assert_eq!(e.path(), Some("capacity"), "{e}");
    assert_eq!(
        recobro::queue::Capacity::parse_pair("sms=40").unwrap(),
        (recobro::Channel::Sms, 40)
    );
}

#[test]
fn an_action_put_on_a_later_day_counts_against_that_days_capacity() {
    // A (priority 90) calls only tomorrow (`not_before`), B (80) today. With one call a
    // day both are scheduled: A takes tomorrow's call, B today's; `used` is today's.
    let p = Policy::from_source(
        r#"fn actions(c) {
            let a = contact("call", "c").with_priority(c.attr("p", 0));
            if c.attr("later", false) { a = a.not_before("2026-01-13T17:00:00Z"); }
            [a]
        }"#,
    )
    .unwrap();
    let batch = json!([
        case("A", 90, "100", json!({"later": true})),
        case("B", 80, "100", json!({})),
        case("C", 70, "100", json!({})),
    ]);
    let q = host::queue(&p, &batch.to_string(), AS_OF, r#"{"call": 1}"#).unwrap();
    let v: Value = serde_json::from_str(&q.to_json()).unwrap();
    let status = |i: usize| {
        (
            v["items"][i]["case_id"].clone(),
            v["items"][i]["status"].clone(),
        )
    };
    assert_eq!(status(0), (json!("A"), json!("scheduled")));
    assert_eq!(status(1), (json!("B"), json!("scheduled")));
    assert_eq!(status(2), (json!("C"), json!("waiting")));
    assert_eq!(v["used"], json!({"call": 1}));
}
