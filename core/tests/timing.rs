//! The best contact moment (`contact_timing()`, `best_at`, `c.best_moment`): expected
//! slots and rates worked by hand from the formula in `recobro::timing`
//! (`rate = (right_party + weight * prior) / (attempts + weight)`), the lawful window of
//! Regulation F (12 CFR 1006.6(b)(1)(i): not before 8:00 or after 21:00 local), and the
//! checks a policy's timing and a host's prior get when the policy is built.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::{Case, ErrorCode, Instant, Policy, PolicyBuilder};
use serde_json::{json, Value};

/// A flat prior: every hour 0.1, every weekday alike.
fn flat() -> String {
    json!({"name": "flat", "version": "1", "channels": {"call": {"hours": vec!["0.1"; 24]}}})
        .to_string()
}

const TIMING: &str = r#"fn contact_timing() { #{ prior: "flat", horizon_hours: 48, weight: 4 } }
"#;

fn policy(body: &str) -> Policy {
    PolicyBuilder::new(format!("{TIMING}{body}"))
        .prior("flat", flat())
        .build()
        .unwrap()
}

/// A New York debtor (UTC-5 in January) whose ledger holds three unanswered calls at
/// 09:00 local and three conversations at `evening` (UTC instants' hour), all in
/// December 2025, past every Reg F cap and wait.
fn case(evening_utc_hour: &str, flags: &[&str]) -> Case {
    let mut contacts = Vec::new();
    for d in ["01", "02", "03"] {
        contacts.push(
            json!({"at": format!("2025-12-{d}T14:00:00Z"), "channel": "call",
            "direction": "outbound", "outcome": "no_answer", "debt_ids": ["A"]}),
        );
    }
    for d in ["11", "12", "13"] {
        contacts.push(
            json!({"at": format!("2025-12-{d}T{evening_utc_hour}:00:00Z"), "channel": "call",
            "direction": "outbound", "outcome": "conversation", "debt_ids": ["A"]}),
        );
    }
    Case::from_value(json!({
        "id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-NY",
            "timezone": "America/New_York", "flags": flags},
        "debts": [{"id": "A", "currency": "USD", "original_amount": "900", "outstanding": "900",
                   "issued_on": "2025-10-01", "due_on": "2025-11-01"}],
        "contacts": contacts
    }))
    .unwrap()
}

fn at(s: &str) -> Instant {
    s.parse().unwrap()
}

fn decide(p: &Policy, c: &Case, when: &str) -> Value {
    serde_json::from_str(&p.evaluate(c, at(when)).unwrap().to_json()).unwrap()
}

/// The decision's `timing` trace lines.
fn traced(p: &Policy, c: &Case) -> String {
    let opts = recobro::EvalOptions { trace: true };
    let d = p
        .evaluate_with(c, at("2026-01-12T15:00:00Z"), opts)
        .unwrap();
    d.trace
        .unwrap()
        .iter()
        .filter(|t| t.step == "timing")
        .map(|t| t.detail.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

const CALL: &str = r#"fn actions(c) { [contact("call", "t")] }"#;

#[test]
fn three_answered_evening_calls_and_no_morning_one_give_an_evening_best_at() {
    // Monday 12 January 2026, 10:00 in New York (15:00Z). Evening conversations at 19:00
    // local (00:00Z the next day). Hour 19: (3 + 4 * 0.1) / (3 + 4) = 3.4 / 7 = 0.485714;
    // hour 9: 0.4 / 7 = 0.057143; any other hour 0.4 / 4 = 0.1. The best slot is Monday
    // 19:00 local, lawful (before 21:00): the first one asked about.
    let d = decide(&policy(CALL), &case("00", &[]), "2026-01-12T15:00:00Z");
    let c = &d["candidates"][0];
    assert_eq!(c["best_at"], "2026-01-13T00:00:00Z");
    assert_eq!(
        c["best_slot"],
        json!({"local_hour": 19, "weekday": "mon", "rate": "0.485714", "attempts": 3,
               "right_party": 3, "prior": "flat@1", "prior_rate": "0.1", "prior_weight": "4",
               "slots_checked": 1})
    );
    // The chosen action keeps the earliest lawful instant and carries the best one.
    assert_eq!(d["action"]["earliest_at"], "2026-01-12T15:00:00Z");
    assert_eq!(d["action"]["best_at"], "2026-01-13T00:00:00Z");
    assert_eq!(d["action"]["best_slot"], c["best_slot"]);
}

#[test]
fn a_slot_the_law_forbids_is_never_proposed() {
    // The conversations were at 22:00 local (03:00Z): hour 22 rates 0.485714, but Reg F
    // forbids calls after 21:00, so Monday's and Tuesday's 22:00 (both within 48 hours)
    // are refused; the hour-9 slots rate 0.057143, every other hour 0.1, so the best
    // lawful slot is the earliest 0.1 one: now (10:00 local), the third slot asked.
    let d = decide(&policy(CALL), &case("03", &[]), "2026-01-12T15:00:00Z");
    let c = &d["candidates"][0];
    assert_eq!(c["best_at"], "2026-01-12T15:00:00Z");
    assert_eq!(c["best_slot"]["local_hour"], 10);
    assert_eq!(c["best_slot"]["rate"], "0.1");
    assert_eq!(c["best_slot"]["attempts"], 0);
    assert_eq!(c["best_slot"]["slots_checked"], 3);
}

#[test]
fn a_blocked_candidate_gets_its_best_slot_after_it_reopens() {
    // Monday 22:30 local (03:30Z Tuesday): calls are blocked until 08:00 local. The best
    // slot is Tuesday 19:00 local (00:00Z Wednesday), after the reopening.
    let d = decide(&policy(CALL), &case("00", &[]), "2026-01-13T03:30:00Z");
    let c = &d["candidates"][0];
    assert_eq!(c["verdict"], "blocked");
    assert_eq!(c["next_allowed_at"], "2026-01-13T13:00:00Z");
    assert_eq!(c["best_at"], "2026-01-14T00:00:00Z");
    assert_eq!(c["best_slot"]["weekday"], "tue");
    assert!(d["action"].is_null());
}

#[test]
fn no_best_at_when_only_a_person_can_lift_the_block_or_the_prior_lacks_the_channel() {
    let d = decide(
        &policy(CALL),
        &case("00", &["dispute"]),
        "2026-01-12T15:00:00Z",
    );
    assert_eq!(d["candidates"][0]["verdict"], "blocked");
    assert!(d["candidates"][0].get("best_at").is_none(), "{d}");
    // The trace says why.
    assert_eq!(
        traced(&policy(CALL), &case("00", &["dispute"])),
        "candidate 0: no best moment: only a person can lift its block"
    );
    let sms = policy(r#"fn actions(c) { [contact("sms", "t"), task("legal_review")] }"#);
    let d = decide(&sms, &case("00", &[]), "2026-01-12T15:00:00Z");
    assert!(d["candidates"][0].get("best_at").is_none(), "{d}");
    assert_eq!(
        traced(&sms, &case("00", &[])),
        "candidate 0: no best moment: the prior flat has no rates for sms"
    );
    assert_eq!(
        traced(&policy(CALL), &case("00", &[])),
        "candidate 0: best at 2026-01-13T00:00:00Z (mon 19:00 local), expected right-party rate 0.485714 from 3 of 3 attempt(s) at that hour and the prior flat@1 (0.1 at weight 4); 1 slot(s) checked"
    );
    assert!(d["action"].get("best_at").is_none(), "{d}");
    // A policy without `contact_timing()` decides as before: no new keys.
    let plain = Policy::from_source(CALL).unwrap();
    let d = decide(&plain, &case("00", &[]), "2026-01-12T15:00:00Z");
    assert!(d["candidates"][0].get("best_at").is_none(), "{d}");
}

#[test]
fn the_embedded_consumer_prior_with_weekday_factors() {
    // No ledger: the rate is the prior's. Friday 16 January 2026 10:00 local; within 48
    // hours the best call slot is Saturday 19:00 (0.22 * 1.2 = 0.264), above Saturday
    // 18:00 (0.20 * 1.2 = 0.24) and Friday 19:00 (0.22 * 0.9 = 0.198)
    // (rules/priors/consumer.json).
    let p = PolicyBuilder::new(format!(
        "fn contact_timing() {{ #{{ prior: \"consumer\", horizon_hours: 48, weight: 4 }} }}\n{CALL}"
    ))
    .build()
    .unwrap();
    let mut c = case("00", &[]);
    c.contacts.clear();
    let d = decide(&p, &c, "2026-01-16T15:00:00Z");
    let b = &d["candidates"][0];
    assert_eq!(b["best_at"], "2026-01-18T00:00:00Z");
    assert_eq!(b["best_slot"]["weekday"], "sat");
    assert_eq!(b["best_slot"]["rate"], "0.264");
    assert_eq!(b["best_slot"]["prior_rate"], "0.264");
    assert_eq!(b["best_slot"]["prior"], "consumer@2026-12-illustrative");
    // The default consumer policy asks for it: its contact candidates carry `best_at`,
    // never before their earliest instant.
    let d = decide(
        &Policy::default_consumer().unwrap(),
        &case("00", &[]),
        "2026-01-12T15:00:00Z",
    );
    let chosen = &d["action"];
    assert_eq!(chosen["channel"], "call", "{d}");
    assert!(chosen["best_at"].as_str().unwrap() >= chosen["earliest_at"].as_str().unwrap());
}

#[test]
fn a_policy_can_wait_for_the_best_slot_and_choose_by_expected_rate() {
    // `c.best_moment` answers what `best_at` would: the policy waits for it.
    let p = policy(
        r#"fn segment(c) { let b = c.best_moment("call"); `${b.rate}@${b.local_hour}/${b.weekday}/${b.attempts}/${b.right_party}/${b.prior_rate}` }
           fn actions(c) {
               let b = c.best_moment("call");
               let a = contact("call", "t");
               if b != () { a = a.not_before(b.at); }
               [a]
           }"#,
    );
    let d = decide(&p, &case("00", &[]), "2026-01-12T15:00:00Z");
    assert_eq!(d["segment"], "0.485714@19/mon/3/3/0.1");
    assert_eq!(d["action"]["earliest_at"], "2026-01-13T00:00:00Z");
    assert_eq!(d["action"]["best_at"], "2026-01-13T00:00:00Z");
    // A channel the prior does not know has no best moment.
    let p = policy(r#"fn segment(c) { if c.best_moment("sms") == () { "none" } else { "some" } }"#);
    assert_eq!(
        decide(&p, &case("00", &[]), "2026-01-12T15:00:00Z")["segment"],
        "none"
    );
}

#[test]
fn bad_timing_and_bad_priors_are_refused_where_they_are() {
    let bad_timing = |map: &str| {
        PolicyBuilder::new(format!(
            "fn segment(c) {{ \"s\" }}\n\nfn contact_timing() {{ {map} }}"
        ))
        .prior("flat", flat())
        .build()
        .unwrap_err()
    };
    for (map, says) in [
        (
            r#"#{ prior: "flat", horizon_hours: 0, weight: 4 }"#,
            "from 1 to 168",
        ),
        (
            r#"#{ prior: "flat", horizon_hours: 169, weight: 4 }"#,
            "from 1 to 168",
        ),
        (
            r#"#{ prior: "flat", horizon_hours: 24, weight: 1001 }"#,
            "from 0 to 1000",
        ),
        (
            r#"#{ prior: "nope", horizon_hours: 24, weight: 4 }"#,
            "no prior `nope`",
        ),
        (
            r#"#{ prior: "flat", horizon: 24, weight: 4 }"#,
            "no setting `horizon`",
        ),
        (r#""flat""#, "must return a map"),
    ] {
        let e = bad_timing(map);
        assert_eq!(e.code, ErrorCode::PolicyContract, "{map}: {e}");
        assert_eq!(e.line(), Some(3), "{map}: {e}");
        assert!(e.message.contains(says), "{map}: {e}");
    }
    let bad_prior = |text: String| {
        PolicyBuilder::new(format!("{TIMING}fn segment(c) {{ \"s\" }}"))
            .prior("flat", text)
            .build()
            .unwrap_err()
    };
    let f = flat();
    for (text, line, says) in [
        (f.replacen("\"0.1\",", "", 1), 1, "needs 24 rates"),
        (f.replacen("\"0.1\"", "\"1.5\"", 1), 1, "within 0 and 1"),
        (f.replacen("\"0.1\"", "\"-0.1\"", 1), 1, "within 0 and 1"),
        (f.replacen("\"call\"", "\"fax\"", 1), 1, "not a channel"),
        (f.replacen("\"flat\"", "\"other\"", 1), 1, "named `other`"),
        (
            "{\"name\": \"flat\", \"version\": \"1\", \"channels\": {\n  \"call\": {\"hours\": [\n"
                .to_string()
                + vec!["0.1"; 23].join(",\n").as_str()
                + ",\n0.1234567]}}}",
            26,
            "at most 6 decimals",
        ),
    ] {
        let e = bad_prior(text.clone());
        assert_eq!(e.code, ErrorCode::PolicyContract, "{text}: {e}");
        assert_eq!(e.line(), Some(line), "{text}: {e}");
        assert!(e.message.contains(says), "{text}: {e}");
        assert!(
            matches!(&e.location, Some(recobro::Location::Policy { module: Some(m), .. }) if m == "priors/flat"),
            "{e}"
        );
    }
    // `c.best_moment` without `contact_timing()` is an error that says so.
    let p = Policy::from_source(r#"fn segment(c) { c.best_moment("call"); "s" }"#).unwrap();
    let e = p
        .evaluate(&case("00", &[]), at("2026-01-12T15:00:00Z"))
        .unwrap_err();
    assert!(e.message.contains("contact_timing()"), "{e}");
}

#[test]
fn the_slots_never_start_before_the_clock_and_keep_to_local_tops_of_the_hour() {
    // A clock with a fraction of a second: the first slot is the clock itself, never
    // the whole second before it.
    let p = policy(CALL);
    let mut c = case("00", &[]);
    c.contacts.clear();
    let d = p.evaluate(&c, at("2026-01-12T15:00:00.700Z")).unwrap();
    let chosen = d.action.unwrap();
    assert!(chosen.best_at.unwrap() >= chosen.earliest_at);
    // Lord Howe Island (UTC+10:30, +11:00 in summer) moves its clocks by half an hour on
    // 4 October 2026 at 02:00 local. A debtor there answered at 10:00 local only: after
    // the change, the slot rated for hour 10 must be 10:00 local (23:00Z), not 10:30.
    let mut contacts = Vec::new();
    for d in ["01", "02", "03"] {
        // 10:00 local in September (UTC+10:30) is 23:30Z the day before.
        contacts.push(
            json!({"at": format!("2026-09-{d}T23:30:00Z"), "channel": "call",
            "direction": "outbound", "outcome": "conversation", "debt_ids": ["A"]}),
        );
    }
    let lh = Case::from_value(json!({
        "id": "L", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "AU",
            "timezone": "Australia/Lord_Howe"},
        "debts": [{"id": "A", "currency": "AUD", "original_amount": "900", "outstanding": "900",
                   "issued_on": "2026-06-01", "due_on": "2026-07-01"}],
        "contacts": contacts
    }))
    .unwrap();
    // Saturday 3 October 2026, 12:00 local (01:30Z), before the change that night.
    let d = decide(&p, &lh, "2026-10-03T01:30:00Z");
    let c = &d["candidates"][0];
    // Sunday 4 October 10:00 local is UTC+11:00: 23:00Z on the 3rd.
    assert_eq!(c["best_at"], "2026-10-03T23:00:00Z", "{d}");
    assert_eq!(c["best_slot"]["local_hour"], 10);
    // (3 + 4 * 0.1) / (3 + 4), as at 19:00 in New York.
    assert_eq!(c["best_slot"]["rate"], "0.485714");
}

#[test]
fn a_blocked_candidates_horizon_runs_from_its_reopening() {
    // Saturday 22:30 local with a 12-hour horizon: calls reopen at 08:00 Sunday local
    // (Reg F allows every day); the horizon runs from then, so the evening conversations'
    // hour (19:00) is within it and is the best slot.
    let p = PolicyBuilder::new(format!(
        "fn contact_timing() {{ #{{ prior: \"flat\", horizon_hours: 12, weight: 4 }} }}\n{CALL}"
    ))
    .prior("flat", flat())
    .build()
    .unwrap();
    let d = decide(&p, &case("00", &[]), "2026-01-18T03:30:00Z");
    let c = &d["candidates"][0];
    assert_eq!(c["next_allowed_at"], "2026-01-18T13:00:00Z");
    assert_eq!(c["best_at"], "2026-01-19T00:00:00Z", "{d}");
}

#[test]
fn errors_in_a_prior_and_in_the_hook_point_at_their_own_line() {
    let text = "{\"name\": \"flat\", \"version\": \"1\", \"channels\": {\n  \"call\": {\n    \"hourz\": []}}}";
    let e = PolicyBuilder::new(format!("{TIMING}fn segment(c) {{ \"s\" }}"))
        .prior("flat", text)
        .build()
        .unwrap_err();
    assert_eq!(e.line(), Some(3), "{e}");
    assert!(
        e.message.contains("hourz") && !e.message.contains("at line"),
        "{e}"
    );
    let renamed =
        flat()
            .replacen("{\"name\"", "{\n\"name\"", 1)
            .replacen("\"flat\"", "\"other\"", 1);
    let e = PolicyBuilder::new(format!("{TIMING}fn segment(c) {{ \"s\" }}"))
        .prior("flat", renamed)
        .build()
        .unwrap_err();
    assert_eq!(e.line(), Some(2), "{e}");
    // A comment naming the hook before it does not move the error's line.
    let e = PolicyBuilder::new(
        "// see fn contact_timing below\nfn segment(c) { \"s\" }\n  fn contact_timing() { #{ prior: \"nope\", horizon_hours: 1, weight: 0 } }",
    )
    .build()
    .unwrap_err();
    assert_eq!((e.line(), e.column()), (Some(3), Some(3)), "{e}");
}
