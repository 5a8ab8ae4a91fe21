//! Regression tests for issue #13 "Trust", compliance part: each fails without its fix.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::internals::compliance::{
    self, check_contact, CapRule, Holidays, Meta, Pack, Period, RuleSet, Scope, WindowRule,
};
use recobro::Channel;
use recobro::Confidence;
use recobro::{Case, Instant, Policy, PolicyBuilder};
use serde_json::json;
use std::sync::Arc;

fn at(s: &str) -> Instant {
    s.parse::<Instant>().unwrap()
}

fn case(jurisdiction: &str, tz: &str, debtor: serde_json::Value, extra: serde_json::Value) -> Case {
    let mut v = json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": jurisdiction, "timezone": tz},
        "debts": [{"id": "A", "currency": "USD", "original_amount": "900", "outstanding": "900",
                   "issued_on": "2025-11-01", "due_on": "2025-12-01"}]
    });
    if let serde_json::Value::Object(m) = debtor {
        for (k, x) in m {
            v["debtor"][k] = x;
        }
    }
    if let serde_json::Value::Object(m) = extra {
        for (k, x) in m {
            v[k] = x;
        }
    }
    Case::from_value(v).unwrap()
}

/// A policy with only the base rules plus `house` (a Rhai array of rule maps).
fn house(rules: &str) -> recobro::Result<Policy> {
    PolicyBuilder::new(format!(
        "fn house_rules() {{ {rules} }}\nfn actions(c) {{ [contact(\"call\", \"x\")] }}"
    ))
    .rules(RuleSet::base())
    .build()
}

/// The contract error a malformed house rule gives: (path, message). The error points
/// at the policy's line and column; its message starts with the path.
fn contract_error(rules: &str) -> (String, String) {
    let Err(e) = house(rules) else {
        panic!("the rule must be refused: {rules}");
    };
    let text = e.to_string();
    assert!(text.contains("policy.contract"), "{text}");
    assert!(
        e.line().is_some(),
        "a house-rule error names the policy line: {text}"
    );
    let path = e
        .message
        .split_once(": ")
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    (path, text)
}

const CAP: &str = r#"id: "h.cap", kind: "cap", citation: "x", confidence: "house""#;

#[test]
fn cap_max_zero_is_refused_at_compile_time() {
    let (path, msg) = contract_error(&format!(r#"[#{{ {CAP}, max: 0, period: "day" }}]"#));
    assert_eq!(path, "house_rules()[0].max");
    assert!(
        msg.contains("h.cap") && msg.contains("from 1 to 10000"),
        "{msg}"
    );
    let (path, _) = contract_error(&format!(r#"[#{{ {CAP}, max: 10001, period: "day" }}]"#));
    assert_eq!(path, "house_rules()[0].max");
    assert!(house(&format!(r#"[#{{ {CAP}, max: 10000, period: "day" }}]"#)).is_ok());
}

#[test]
fn native_cap_of_zero_blocks_without_panicking() {
    // A host can still build a cap of 0 natively: it never allows, and says a person
    // must act (no instant, no search that gave up).
    let mut rules = RuleSet::empty();
    rules.push(Box::new(CapRule {
        meta: Meta {
            id: "native.zero".into(),
            citation: "x".into(),
            confidence: Confidence::House,
            channels: None,
        },
        max: 0,
        period: Period::Days(1),
        scope: Scope::Person,
        counted: None,
        exclude_outcomes: Vec::new(),
        consent_exclusion_days: None,
    }));
    let c = case("US-TX", "America/Chicago", json!({}), json!({}));
    let r = check_contact(&rules, &c, Channel::Call, at("2026-03-10T15:00:00Z"), None).unwrap();
    assert!(!r.allowed);
    assert_eq!(r.next_allowed_at, None);
    assert_eq!(r.next_allowed_search, None);
}

#[test]
fn periods_with_a_multibyte_unit_or_a_huge_number_are_errors_not_panics() {
    for period in [
        "rolling:7é",
        "rolling:é",
        "rolling:",
        "days:é",
        "rolling:-1d",
        "rolling:+7d",
    ] {
        let (path, msg) = contract_error(&format!(r#"[#{{ {CAP}, max: 1, period: "{period}" }}]"#));
        assert_eq!(path, "house_rules()[0].period", "{period}");
        assert!(msg.contains("h.cap"), "{msg}");
    }
    // 213503982334602 days overflow i64 seconds: refused, not wrapped.
    for period in [
        "rolling:213503982334602d",
        "rolling:9223372036854775807h",
        "rolling:367d",
        "rolling:0h",
        "days:367",
        "days:0",
    ] {
        let (path, msg) = contract_error(&format!(r#"[#{{ {CAP}, max: 1, period: "{period}" }}]"#));
        assert_eq!(path, "house_rules()[0].period", "{period}");
        assert!(msg.contains("366"), "{msg}");
    }
    assert_eq!(
        Period::parse("rolling:366d"),
        Ok(Period::Rolling(366 * 86_400))
    );
    assert_eq!(Period::parse("rolling:1h"), Ok(Period::Rolling(3_600)));
    assert_eq!(Period::parse("days:366"), Ok(Period::Days(366)));
}

#[test]
fn huge_consent_exclusion_days_are_refused() {
    let (path, msg) = contract_error(&format!(
        r#"[#{{ {CAP}, max: 1, period: "day", consent_exclusion_days: 9007199254740993 }}]"#
    ));
    assert_eq!(path, "house_rules()[0].consent_exclusion_days");
    assert!(
        msg.contains("h.cap") && msg.contains("from 1 to 366"),
        "{msg}"
    );
    let (path, _) = contract_error(&format!(
        r#"[#{{ {CAP}, max: 1, period: "day", consent_exclusion_days: 0 }}]"#
    ));
    assert_eq!(path, "house_rules()[0].consent_exclusion_days");
    assert!(house(&format!(
        r#"[#{{ {CAP}, max: 1, period: "day", consent_exclusion_days: 366 }}]"#
    ))
    .is_ok());
}

#[test]
fn native_cap_with_huge_consent_days_does_not_panic() {
    // Natively built (no parse-time check): the date arithmetic is checked.
    let mut rules = RuleSet::empty();
    rules.push(Box::new(CapRule {
        meta: Meta {
            id: "native.cap".into(),
            citation: "x".into(),
            confidence: Confidence::House,
            channels: None,
        },
        max: 1,
        period: Period::Rolling(i64::MAX),
        scope: Scope::Person,
        counted: None,
        exclude_outcomes: Vec::new(),
        consent_exclusion_days: Some(i64::MAX),
    }));
    let c = case(
        "US-TX",
        "America/Chicago",
        json!({"consents": {"call": {"allowed": true, "consented_at": "2026-03-01T15:00:00Z"}}}),
        json!({"contacts": [{"at": "2026-02-01T15:00:00Z", "channel": "call", "direction": "outbound", "outcome": "no_answer"}]}),
    );
    let r = check_contact(&rules, &c, Channel::Call, at("2026-03-10T15:00:00Z"), None).unwrap();
    assert!(r.allowed, "{r:?}");
    let r = check_contact(&rules, &c, Channel::Sms, at("2026-03-10T15:00:00Z"), None).unwrap();
    assert!(!r.allowed);
    assert!(r.next_allowed_search.is_some(), "{r:?}");
}

#[test]
fn native_rules_reaching_the_last_representable_instant_do_not_panic() {
    // A natively built rolling cap whose window ends seconds before the last instant
    // chrono can represent: the search runs into the end of time without panicking.
    let last = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp();
    let contact = at("2026-02-01T15:00:00Z").timestamp();
    for w in [last - contact - 10, last - contact, last - contact + 1] {
        let mut rules = RuleSet::base();
        rules.push(Box::new(CapRule {
            meta: Meta {
                id: "native.rolling".into(),
                citation: "x".into(),
                confidence: Confidence::House,
                channels: None,
            },
            max: 1,
            period: Period::Rolling(w),
            scope: Scope::Person,
            counted: None,
            exclude_outcomes: Vec::new(),
            consent_exclusion_days: None,
        }));
        for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
            let c = case(
                "US-TX",
                zone,
                json!({"alt_timezones": ["America/Chicago"], "preferred_windows": [{"from": "09:00", "to": "10:00"}]}),
                json!({"contacts": [{"at": "2026-02-01T15:00:00Z", "channel": "call", "direction": "outbound", "outcome": "no_answer"}]}),
            );
            let r =
                check_contact(&rules, &c, Channel::Sms, at("2026-03-10T15:00:00Z"), None).unwrap();
            assert!(!r.allowed);
            assert!(r.next_allowed_at.is_none() || r.next_allowed_search.is_none());
        }
    }
}

#[test]
fn every_parameter_has_a_range() {
    let base = r#"id: "h.r", citation: "x", confidence: "house""#;
    let cases = [
        (
            format!(r#"[#{{ {base}, kind: "after_event", days: 0 }}]"#),
            "house_rules()[0].days",
        ),
        (
            format!(r#"[#{{ {base}, kind: "after_event", days: 367 }}]"#),
            "house_rules()[0].days",
        ),
        (
            format!(r#"[#{{ {base}, kind: "channels_per_week", max: 0 }}]"#),
            "house_rules()[0].max",
        ),
        (
            format!(r#"[#{{ {base}, kind: "channels_per_week", max: 8 }}]"#),
            "house_rules()[0].max",
        ),
        (
            format!(r#"[#{{ {base}, kind: "channels_per_week", max: -1 }}]"#),
            "house_rules()[0].max",
        ),
        (
            format!(r#"[#{{ {base}, kind: "cap", max: -5, period: "day" }}]"#),
            "house_rules()[0].max",
        ),
        (
            format!(
                r#"[#{{ {base}, kind: "window", hours: #{{ mon: "09:00-10:00" }}, calendar: "US" }}]"#
            ),
            "house_rules()[0].calendar",
        ),
        (
            format!(
                r#"[#{{ {base}, kind: "window", hours: #{{ mon: "09:00-10:00" }}, holidays: true, calendar: "XX" }}]"#
            ),
            "house_rules()[0].calendar",
        ),
        (
            format!(
                r#"[#{{ {base}, kind: "window", hours: #{{ mon: "09:00-10:00" }}, effective_from: "2026-02-01", effective_to: "2026-01-01" }}]"#
            ),
            "house_rules()[0].effective_to",
        ),
        (
            format!(
                r#"[#{{ {base}, kind: "window", hours: #{{ mon: "09:00-10:00" }}, bogus: 1 }}]"#
            ),
            "house_rules()[0].bogus",
        ),
    ];
    for (src, want) in cases {
        let (path, msg) = contract_error(&src);
        assert_eq!(path, want, "{src}: {msg}");
    }
    // The channels_per_week message names the rule and the range (it used to clamp).
    let (_, msg) = contract_error(&format!(
        r#"[#{{ {base}, kind: "channels_per_week", max: 9 }}]"#
    ));
    assert!(msg.contains("h.r") && msg.contains("from 1 to 7"), "{msg}");
    assert!(house(&format!(
        r#"[#{{ {base}, kind: "channels_per_week", max: 7 }}]"#
    ))
    .is_ok());
}

#[test]
fn holidays_true_without_a_calendar_closes_on_the_debtors_jurisdictions_holidays() {
    let p = house(
        r#"[#{ id: "h.hours", kind: "window", citation: "x", confidence: "house",
               hours: #{ every_day: "08:00-20:00" }, holidays: true }]"#,
    )
    .unwrap();
    // Friday 3 July 2026 is the observed Independence Day (4 July is a Saturday).
    assert!(compliance::is_holiday("US", 2026, 7, 3));
    let c = case("US-MA", "America/New_York", json!({}), json!({}));
    let r = p
        .check_contact(&c, Channel::Call, at("2026-07-03T15:00:00Z"), None)
        .unwrap();
    assert!(!r.allowed, "{r:?}");
    assert_eq!(r.blocked_by, vec!["h.hours"]);
    // Saturday 08:00 EDT.
    assert_eq!(r.next_allowed_at, Some(at("2026-07-04T12:00:00Z")));
    let detail = &r.rules.iter().find(|o| o.rule == "h.hours").unwrap().detail;
    assert!(detail.contains("US holidays closed"), "{detail}");
    // The day before is an ordinary Thursday.
    let r = p
        .check_contact(&c, Channel::Call, at("2026-07-02T15:00:00Z"), None)
        .unwrap();
    assert!(r.allowed);
    // A jurisdiction without a calendar: the hours still apply, and the verdict says
    // holidays could not be observed.
    let fr = case("FR", "Europe/Paris", json!({}), json!({}));
    let r = p
        .check_contact(&fr, Channel::Call, at("2026-07-14T10:00:00Z"), None)
        .unwrap();
    assert!(r.allowed);
    let detail = &r.rules.iter().find(|o| o.rule == "h.hours").unwrap().detail;
    assert!(
        detail.contains("no holiday calendar") && detail.contains("`FR`"),
        "{detail}"
    );
    let r = p
        .check_contact(&fr, Channel::Call, at("2026-07-14T20:00:00Z"), None)
        .unwrap();
    assert!(!r.allowed);
    let detail = &r.rules.iter().find(|o| o.rule == "h.hours").unwrap().detail;
    assert!(detail.contains("no holiday calendar"), "{detail}");
}

#[test]
fn listings_report_only_the_holidays_rules_close_on() {
    let packs = compliance::standard_packs().unwrap();
    let observed = |j: &str| -> Vec<String> {
        packs
            .iter()
            .filter(|p| p.jurisdiction == j)
            .flat_map(|p| p.holidays_observed())
            .collect()
    };
    // GB and MX declare a calendar, but no rule of theirs closes on holidays.
    assert!(observed("GB").is_empty());
    assert!(observed("MX").is_empty());
    assert_eq!(observed("CO"), vec!["CO"]);
    assert_eq!(observed("BR-SP"), vec!["BR-SP"]);
}

#[test]
fn fall_back_second_pass_of_a_repeated_hour_is_found() {
    // 1 November 2026, New York: 02:00 EDT becomes 01:00 EST, 01:00-02:00 happens twice.
    let p = house(
        r#"[#{ id: "h.night", kind: "window", citation: "x", confidence: "house",
               hours: #{ every_day: "01:30-01:45" } }]"#,
    )
    .unwrap();
    let c = case("US-NY", "America/New_York", json!({}), json!({}));
    let r = p
        .check_contact(&c, Channel::Call, at("2026-11-01T01:50:00-04:00"), None)
        .unwrap();
    assert!(!r.allowed);
    // 01:30 EST, the second pass, not 01:30 the next day.
    assert_eq!(r.next_allowed_at, Some(at("2026-11-01T06:30:00Z")));
    let r = p
        .check_contact(&c, Channel::Call, at("2026-11-01T06:30:00Z"), None)
        .unwrap();
    assert!(r.allowed);
    // Before the first pass: the first pass.
    let r = p
        .check_contact(&c, Channel::Call, at("2026-11-01T01:00:00-04:00"), None)
        .unwrap();
    assert_eq!(r.next_allowed_at, Some(at("2026-11-01T05:30:00Z")));
}

#[test]
fn a_window_that_never_opens_says_the_search_gave_up() {
    // New York and Tokyo windows at the same local hour never overlap.
    let p = house(
        r#"[#{ id: "h.hour", kind: "window", citation: "x", confidence: "house",
               hours: #{ every_day: "09:00-10:00" } }]"#,
    )
    .unwrap();
    let c = case(
        "US-NY",
        "America/New_York",
        json!({"alt_timezones": ["Asia/Tokyo"]}),
        json!({}),
    );
    let r = p
        .check_contact(&c, Channel::Call, at("2026-03-10T15:00:00Z"), None)
        .unwrap();
    assert!(!r.allowed);
    assert_eq!(r.next_allowed_at, None);
    let why = r.next_allowed_search.clone().unwrap();
    assert!(
        why.starts_with("exhausted: ") && why.contains("h.hour"),
        "{why}"
    );
    let d = p.evaluate(&c, at("2026-03-10T15:00:00Z")).unwrap();
    assert_eq!(d.next_allowed_at, None);
    assert!(d.candidates[0]
        .next_allowed_search
        .as_deref()
        .is_some_and(|s| s.starts_with("exhausted: ")));
    let reason = d.no_action_reason.unwrap();
    assert!(reason.contains("every candidate was blocked by compliance rules"));
    assert!(reason.contains("gave up for candidate(s) 0"), "{reason}");
    let json = serde_json::to_value(&d.candidates[0]).unwrap();
    assert!(json["next_allowed_search"].is_string());

    // A person-only block (cease communication) is not a search that gave up, and
    // the field is absent from the JSON.
    let held = case(
        "US-NY",
        "America/New_York",
        json!({"flags": ["cease_communication"]}),
        json!({}),
    );
    let d = p.evaluate(&held, at("2026-03-10T14:30:00Z")).unwrap();
    assert_eq!(d.candidates[0].next_allowed_at, None);
    assert_eq!(d.candidates[0].next_allowed_search, None);
    assert_eq!(
        d.no_action_reason.as_deref(),
        Some("every candidate was blocked by compliance rules")
    );
    let json = serde_json::to_value(&d.candidates[0]).unwrap();
    assert!(json.get("next_allowed_search").is_none());
}

#[test]
fn checks_at_the_end_of_time_do_not_panic() {
    let p = house(
        r#"[#{ id: "h.hour", kind: "window", citation: "x", confidence: "house",
               hours: #{ every_day: "09:00-10:00" }, holidays: true },
            #{ id: "h.cap", kind: "cap", citation: "x", confidence: "house", max: 1, period: "week" },
            #{ id: "h.after", kind: "after_event", citation: "x", confidence: "house", days: 366 },
            #{ id: "h.cpw", kind: "channels_per_week", citation: "x", confidence: "house", max: 1 }]"#,
    )
    .unwrap();
    // Inputs this far out are refused where they enter (the supported range ends in
    // 2199); a Rust host can still build such values directly, and the rules must not
    // panic on them.
    let far = |s: &str| {
        recobro::internals::instant(
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc),
        )
    };
    let refused = Case::from_value(json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-NY", "timezone": "America/New_York"},
        "contacts": [{"at": "9999-12-30T15:00:00Z", "channel": "call", "direction": "outbound", "outcome": "conversation"}]
    }))
    .unwrap_err();
    assert_eq!(refused.path(), Some("contacts[0].at"), "{refused}");
    let mut c = case("US-NY", "America/New_York", json!({}), json!({}));
    c.contacts.push(recobro::Contact {
        at: far("9999-12-30T15:00:00Z"),
        channel: Channel::Call,
        direction: recobro::Direction::Outbound,
        outcome: recobro::Outcome::Conversation,
        debt_ids: Vec::new(),
    });
    for when in [
        "9999-12-31T20:00:00Z",
        "9999-12-31T23:59:59Z",
        "9999-12-31T14:30:00Z",
    ] {
        for ch in [Channel::Call, Channel::Sms] {
            let r = p.check_contact(&c, ch, far(when), None).unwrap();
            assert!(!r.allowed);
        }
    }
}

/// A pack for `US` with one window rule, in force from / until the given dates.
fn pack(
    id: &str,
    from: &str,
    to: Option<&str>,
    hours: recobro::internals::compliance::Weekly,
) -> Pack {
    Pack::new(
        id,
        "US",
        "test",
        (
            from.parse::<recobro::Date>().unwrap(),
            to.map(|t| t.parse::<recobro::Date>().unwrap()),
        ),
        None,
        vec![Arc::new(WindowRule {
            meta: Meta {
                id: format!("{id}.window"),
                citation: "x".into(),
                confidence: Confidence::Confirmed,
                channels: None,
            },
            weekly: hours,
            holidays: Holidays::Open,
        })],
    )
}

fn weekly(day: usize, from_h: u32, to_h: u32) -> recobro::internals::compliance::Weekly {
    let mut w = recobro::internals::compliance::Weekly::default();
    w.days[day].push((from_h * 3600, to_h * 3600));
    w
}

#[test]
fn a_pack_coming_into_force_during_the_search_applies_from_its_first_day() {
    // Monday 8 June 2026 in Chicago; the house allows calls Wednesdays 10:00-14:00; a
    // pack in force from Wednesday 10 June allows only 12:00-18:00.
    let mut rules = RuleSet::base();
    rules.push_shared(pack("house", "2000-01-01", None, weekly(2, 10, 14)).rules()[0].clone());
    let later = recobro::internals::compliance::Weekly::every_day(12 * 3600, 18 * 3600);
    rules.add_pack(pack("new", "2026-06-10", None, later));
    let c = case("US-TX", "America/Chicago", json!({}), json!({}));
    let r = check_contact(&rules, &c, Channel::Call, at("2026-06-08T14:00:00Z"), None).unwrap();
    assert!(!r.allowed);
    // Not yet in force on Monday: only the house window blocks.
    assert_eq!(r.blocked_by, vec!["house.window"]);
    // Wednesday 12:00 CDT, when both allow (not 10:00, when the new pack blocks).
    assert_eq!(r.next_allowed_at, Some(at("2026-06-10T17:00:00Z")));
}

#[test]
fn a_pack_that_lapses_during_the_search_stops_blocking() {
    let mut rules = RuleSet::base();
    rules.push_shared(pack("house", "2000-01-01", None, weekly(2, 10, 11)).rules()[0].clone());
    rules.add_pack(pack(
        "old",
        "2000-01-01",
        Some("2026-06-10"),
        recobro::internals::compliance::Weekly::every_day(12 * 3600, 18 * 3600),
    ));
    let c = case("US-TX", "America/Chicago", json!({}), json!({}));
    let r = check_contact(&rules, &c, Channel::Call, at("2026-06-08T14:00:00Z"), None).unwrap();
    assert!(!r.allowed);
    assert_eq!(r.blocked_by, vec!["old.window", "house.window"]);
    // Wednesday 10:00 CDT: the old pack no longer applies then.
    assert_eq!(r.next_allowed_at, Some(at("2026-06-10T15:00:00Z")));
}

#[test]
fn preferred_windows_hold_in_every_possible_zone() {
    let c = case(
        "US-NY",
        "America/New_York",
        json!({"alt_timezones": ["America/Los_Angeles"],
               "preferred_windows": [{"from": "09:00", "to": "14:00"}]}),
        json!({}),
    );
    let rules = RuleSet::base();
    // 09:00 in New York is 06:00 in Los Angeles: not a time the debtor asked for there.
    let r = check_contact(&rules, &c, Channel::Call, at("2026-06-10T13:00:00Z"), None).unwrap();
    assert!(!r.allowed, "{r:?}");
    assert_eq!(r.blocked_by, vec!["debtor.preferred_windows"]);
    // 09:00 in Los Angeles = 12:00 in New York, inside both.
    assert_eq!(r.next_allowed_at, Some(at("2026-06-10T16:00:00Z")));
    let r = check_contact(&rules, &c, Channel::Call, at("2026-06-10T16:00:00Z"), None).unwrap();
    assert!(r.allowed);
}
