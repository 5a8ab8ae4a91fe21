//! Compliance: the statutory cases named in the issue, stacking, house rules, DST.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::internals::compliance::{check_contact, RuleSet};
use recobro::Channel;
use recobro::{Case, Instant, PolicyBuilder};
use serde_json::json;

fn at(s: &str) -> Instant {
    s.parse::<Instant>().unwrap()
}

fn debtor_case(jurisdiction: &str, tz: &str, extra: serde_json::Value) -> Case {
    let mut v = json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": jurisdiction, "timezone": tz},
        "debts": [{"id": "A", "currency": "USD", "original_amount": "900", "outstanding": "900",
                   "issued_on": "2025-11-01", "due_on": "2025-12-01"}]
    });
    if let serde_json::Value::Object(m) = extra {
        for (k, x) in m {
            if k == "consents" || k == "alt_timezones" {
                v["debtor"][k] = x;
            } else {
                v[k] = x;
            }
        }
    }
    Case::from_value(v).unwrap()
}

fn call(when: &str, outcome: &str, direction: &str) -> serde_json::Value {
    json!({"at": when, "channel": "call", "direction": direction, "outcome": outcome, "debt_ids": ["A"]})
}

fn rules() -> RuleSet {
    RuleSet::standard().unwrap()
}

#[test]
fn reg_f_eighth_call_in_seven_days_is_blocked_and_seventh_is_not() {
    // Calls on 2 to 8 March 2026 (New York), 10:00 local.
    let days = ["02", "03", "04", "05", "06", "07"];
    let six: Vec<_> = days
        .iter()
        .map(|d| call(&format!("2026-03-{d}T15:00:00Z"), "no_answer", "outbound"))
        .collect();
    let case6 = debtor_case("US-NY", "America/New_York", json!({"contacts": six}));
    // The 7th call, on 8 March at 13:00 local (17:00Z, EDT since that morning).
    let c = check_contact(
        &rules(),
        &case6,
        Channel::Call,
        at("2026-03-08T17:00:00Z"),
        None,
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);

    let mut seven = six.clone();
    seven.push(call("2026-03-08T14:00:00Z", "voicemail", "outbound"));
    let case7 = debtor_case("US-NY", "America/New_York", json!({"contacts": seven}));
    let c = check_contact(
        &rules(),
        &case7,
        Channel::Call,
        at("2026-03-08T17:00:00Z"),
        None,
    )
    .unwrap();
    assert!(!c.allowed);
    assert_eq!(c.blocked_by, vec!["us.reg_f.7in7"]);
    // The 2 March call leaves the 7-day window at midnight on 9 March; 8:00 EDT is 12:00Z.
    assert_eq!(c.next_allowed_at, Some(at("2026-03-09T12:00:00Z")));
    let rule = c.rules.iter().find(|r| r.rule == "us.reg_f.7in7").unwrap();
    assert!(rule.citation.contains("1006.14(b)(2)(i)(A)"));

    // A not-connected call does not count; an inbound call does not count.
    let mut with_busy = six.clone();
    with_busy.push(call("2026-03-08T14:00:00Z", "not_connected", "outbound"));
    with_busy.push(call("2026-03-08T14:30:00Z", "no_answer", "inbound"));
    let c = check_contact(
        &rules(),
        &debtor_case("US-NY", "America/New_York", json!({"contacts": with_busy})),
        Channel::Call,
        at("2026-03-08T17:00:00Z"),
        None,
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);

    // Calls within 7 days after direct prior consent are excluded.
    let consented = debtor_case(
        "US-NY",
        "America/New_York",
        json!({"contacts": seven, "consents": {"call": {"allowed": true, "consented_at": "2026-03-08T13:00:00Z"}}}),
    );
    let c = check_contact(
        &rules(),
        &consented,
        Channel::Call,
        at("2026-03-08T17:00:00Z"),
        None,
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);
}

#[test]
fn reg_f_no_call_on_the_seventh_day_after_a_conversation_but_on_the_eighth() {
    let contacts = vec![call("2026-03-02T15:00:00Z", "conversation", "inbound")];
    let case = debtor_case("US-TX", "America/Chicago", json!({"contacts": contacts}));
    // Day 7 is 8 March (the conversation's day is day 1).
    let c = check_contact(
        &rules(),
        &case,
        Channel::Call,
        at("2026-03-08T17:00:00Z"),
        Some("A"),
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["us.reg_f.after_conversation"]);
    // Midnight of 9 March in Chicago, then 8:00 CDT = 13:00Z.
    assert_eq!(c.next_allowed_at, Some(at("2026-03-09T13:00:00Z")));
    let c = check_contact(
        &rules(),
        &case,
        Channel::Call,
        at("2026-03-09T17:00:00Z"),
        Some("A"),
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);
    // SMS is not a call: the conversation window does not apply.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2026-03-08T17:00:00Z"),
        None,
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);
}

#[test]
fn colombia_saturday_afternoon_waits_for_monday_unless_it_is_a_holiday() {
    let consents = json!({"consents": {"call": {"allowed": true}}});
    let case = debtor_case("CO", "America/Bogota", consents.clone());
    // Saturday 14 March 2026, 15:30 in Bogotá (UTC-5).
    let c = check_contact(
        &rules(),
        &case,
        Channel::Call,
        at("2026-03-14T20:30:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["co.ley2300.hours"]);
    assert_eq!(
        c.next_allowed_at,
        Some(at("2026-03-16T12:00:00Z")),
        "Monday 07:00"
    );
    // Saturday 21 March: Monday 23 March is San José (19 March moved to Monday).
    let c = check_contact(
        &rules(),
        &case,
        Channel::Call,
        at("2026-03-21T20:30:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(
        c.next_allowed_at,
        Some(at("2026-03-24T12:00:00Z")),
        "Tuesday 07:00"
    );
    // 14:59 on Saturday is fine.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Call,
        at("2026-03-14T19:59:00Z"),
        None,
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);
    // A channel the debtor never authorised is blocked for good.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2026-03-16T15:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["co.ley2300.authorised_channels"]);
    assert_eq!(c.next_allowed_at, None);
    // A host's extra closed day (a company closure) moves the answer again.
    let mut r = rules();
    r.add_closures("CO", [recobro::Date::from_ymd(2026, 3, 16).unwrap()]);
    let c = check_contact(&r, &case, Channel::Call, at("2026-03-14T20:30:00Z"), None).unwrap();
    assert_eq!(c.next_allowed_at, Some(at("2026-03-17T12:00:00Z")));
}

#[test]
fn colombia_one_contact_a_day_and_one_channel_a_week() {
    let case = debtor_case(
        "CO",
        "America/Bogota",
        json!({
            "consents": {"call": {"allowed": true}, "sms": {"allowed": true}},
            "contacts": [{"at": "2026-03-16T14:00:00Z", "channel": "sms", "direction": "outbound", "outcome": "delivered"}]
        }),
    );
    // Same day, another SMS: the daily cap.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2026-03-16T20:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["co.ley2300.daily"]);
    assert_eq!(c.next_allowed_at, Some(at("2026-03-17T12:00:00Z")));
    // Next day, a call: a second channel in the same week.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Call,
        at("2026-03-17T15:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["co.ley2300.one_channel_a_week"]);
    // Monday 23 March is a holiday, so the call waits for Tuesday 07:00.
    assert_eq!(c.next_allowed_at, Some(at("2026-03-24T12:00:00Z")));
    // Next day, SMS again: fine.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2026-03-17T15:00:00Z"),
        None,
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);
}

#[test]
fn massachusetts_overlay_stacks_on_reg_f() {
    let contacts = vec![
        call("2026-03-10T15:00:00Z", "no_answer", "outbound"),
        call("2026-03-12T15:00:00Z", "voicemail", "outbound"),
    ];
    let ma = debtor_case(
        "US-MA",
        "America/New_York",
        json!({"contacts": contacts.clone()}),
    );
    let c = check_contact(
        &rules(),
        &ma,
        Channel::Call,
        at("2026-03-13T15:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["us_ma.209cmr18.16.telephone"]);
    // The 10 March call leaves the 7 days at midnight on 17 March: 8:00 EDT is 12:00Z.
    assert_eq!(c.next_allowed_at, Some(at("2026-03-17T12:00:00Z")));
    // The same ledger in New York is fine.
    let ny = debtor_case("US-NY", "America/New_York", json!({"contacts": contacts}));
    assert!(
        check_contact(
            &rules(),
            &ny,
            Channel::Call,
            at("2026-03-13T15:00:00Z"),
            None
        )
        .unwrap()
        .allowed
    );
}

#[test]
fn ambiguous_location_must_suit_every_zone() {
    let case = debtor_case(
        "US-CA",
        "America/Los_Angeles",
        json!({"alt_timezones": ["America/New_York"]}),
    );
    // 20:30 Pacific is 23:30 Eastern: blocked; next is 08:00 Pacific (11:00 Eastern) the next day.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2026-06-11T03:30:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["us.reg_f.hours"]);
    assert_eq!(c.next_allowed_at, Some(at("2026-06-11T15:00:00Z")));
    // 07:30 Pacific = 10:30 Eastern: blocked by the Pacific side alone.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2026-06-11T14:30:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.next_allowed_at, Some(at("2026-06-11T15:00:00Z")));
}

#[test]
fn daylight_saving_transitions() {
    // US fall back, 1 November 2026: 00:30 EDT; the window opens at 08:00 EST = 13:00Z.
    let us = debtor_case("US-NY", "America/New_York", json!({}));
    let c = check_contact(
        &rules(),
        &us,
        Channel::Call,
        at("2026-11-01T04:30:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.next_allowed_at, Some(at("2026-11-01T13:00:00Z")));
    // Chile springs forward at midnight on 6 September 2026 (00:00 -> 01:00): a weekly cap
    // that frees at "Monday 00:00" still lands on an instant that exists.
    let cl = debtor_case(
        "CL",
        "America/Santiago",
        json!({"contacts": [{"at": "2026-09-01T14:00:00Z", "channel": "call", "direction": "outbound", "outcome": "no_answer"}]}),
    );
    let c = check_contact(
        &rules(),
        &cl,
        Channel::Call,
        at("2026-09-03T14:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.blocked_by, vec!["cl.ley19496.calls_visits_weekly"]);
    // Monday 7 September 08:00 CLST (UTC-3) = 11:00Z.
    assert_eq!(c.next_allowed_at, Some(at("2026-09-07T11:00:00Z")));
    // Mexico City had DST in 2022 and none since 2023: 07:00 local is 12:00Z and 13:00Z.
    let mx = debtor_case("MX", "America/Mexico_City", json!({}));
    let c = check_contact(
        &rules(),
        &mx,
        Channel::Call,
        at("2022-04-04T10:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.next_allowed_at, Some(at("2022-04-04T12:00:00Z")));
    let c = check_contact(
        &rules(),
        &mx,
        Channel::Call,
        at("2023-04-03T10:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(c.next_allowed_at, Some(at("2023-04-03T13:00:00Z")));
}

#[test]
fn packs_are_effective_dated() {
    let case = debtor_case("CO", "America/Bogota", json!({}));
    // Before Ley 2300 took effect, a Sunday SMS is not blocked by it.
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2023-10-01T15:00:00Z"),
        None,
    )
    .unwrap();
    assert!(c.allowed, "{:?}", c.blocked_by);
    let c = check_contact(
        &rules(),
        &case,
        Channel::Sms,
        at("2023-10-15T15:00:00Z"),
        None,
    )
    .unwrap();
    assert!(!c.allowed);
}

#[test]
fn house_rules_stack_and_the_most_restrictive_wins() {
    let policy = PolicyBuilder::new(
        r#"
        fn house_rules() {
            [
                #{ id: "house.sms_twice_a_week", kind: "cap", citation: "collections policy 4.2",
                   confidence: "house", channels: ["sms"], max: 2, period: "rolling:7d" },
                #{ id: "house.no_sunday_calls", kind: "window", citation: "collections policy 4.3",
                   confidence: "house", channels: ["call"], hours: #{ weekdays: "09:00-20:00", sat: "09:00-13:00" } },
            ]
        }
        fn actions(c) { [contact("call", "x"), contact("sms", "y"), contact("email", "z")] }
        "#,
    )
    .build()
    .unwrap();
    let sms = |d: &str| json!({"at": d, "channel": "sms", "direction": "outbound", "outcome": "delivered"});
    let case = debtor_case(
        "US-TX",
        "America/Chicago",
        json!({"contacts": [sms("2026-03-10T15:00:00Z"), sms("2026-03-12T15:00:00Z")]}),
    );
    // Sunday 15 March 2026, 11:00 in Chicago: Reg F allows calls, the house does not.
    let d = policy.evaluate(&case, at("2026-03-15T16:00:00Z")).unwrap();
    assert_eq!(d.candidates[0].blocked_by, vec!["house.no_sunday_calls"]);
    assert_eq!(
        d.candidates[0].next_allowed_at,
        Some(at("2026-03-16T14:00:00Z"))
    );
    assert_eq!(d.candidates[1].blocked_by, vec!["house.sms_twice_a_week"]);
    assert_eq!(d.action.unwrap().action.channel, Some(Channel::Email));
    // A malformed house rule is a contract error at the policy's line and column (of
    // the offending key), naming its path and rule id.
    let e = PolicyBuilder::new(
        "fn house_rules() { [#{ id: \"h\", kind: \"cap\", citation: \"x\", confidence: \"house\", max: 1, period: \"fortnight\" }] }\nfn segment(c) { \"s\" }",
    )
    .build()
    .unwrap_err();
    assert!(
        e.message.starts_with("house_rules()[0].period: rule `h`"),
        "{e}"
    );
    assert_eq!((e.line(), e.column()), (Some(1), Some(90)), "{e}");
}

#[test]
fn every_blocked_candidate_in_a_decision_explains_itself() {
    let policy = recobro::Policy::default_consumer().unwrap();
    let case = debtor_case(
        "CO",
        "America/Bogota",
        json!({"consents": {"call": {"allowed": true}}, "attributes": {"risk_score": 650}}),
    );
    // Sunday 28 December 2025 in Bogotá, 27 days past due: every contact blocked; the
    // decision says when the next one is possible (the call, Monday 07:00).
    let d = policy.evaluate(&case, at("2025-12-28T16:00:00Z")).unwrap();
    assert!(d.action.is_none(), "{:?}", d.action);
    assert_eq!(d.candidates.len(), 3);
    assert_eq!(d.next_allowed_at, Some(at("2025-12-29T12:00:00Z")));
    for c in &d.candidates {
        assert!(!c.blocked_by.is_empty());
        for r in &c.blocked_by {
            assert!(d
                .compliance
                .iter()
                .any(|o| &o.rule == r && !o.citation.is_empty()));
        }
    }
}
