//! Scorecards: the shipped behavioural scorecard scored by hand on cases built for
//! it, the checks a scorecard gets when a policy is built (with the line and column of
//! the bin at fault), and what a decision carries.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::scorecard::Scorecard;
use recobro::{Case, ErrorCode, Instant, Policy, PolicyBuilder};

fn at() -> Instant {
    "2026-03-16T15:00:00Z".parse().unwrap()
}

/// A consumer case `dpd` days past due at `at()` (due 2026-03-16 minus `dpd` days),
/// with extra JSON fields spliced in.
fn case(due_on: &str, extra: &str) -> Case {
    Case::from_json(&format!(
        r#"{{"id": "S-1",
             "debtor": {{"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"}},
             "debts": [{{"id": "L-1", "currency": "COP", "original_amount": "1000000", "outstanding": "800000",
                         "issued_on": "2025-06-01", "due_on": "{due_on}"}}]{extra}}}"#
    ))
    .unwrap()
}

fn scored(p: &Policy, c: &Case) -> recobro::scorecard::Score {
    let d = p.evaluate(c, at()).unwrap();
    assert_eq!(d.scores.len(), 1, "{}", d.to_json());
    d.scores[0].clone()
}

fn scoring_policy() -> Policy {
    // Calls the scorecard twice: the decision carries it once.
    Policy::from_source(
        r#"fn segment(c) { let a = c.score("behavioural"); let b = c.score("behavioural"); `${a.band}/${b.score}` }"#,
    )
    .unwrap()
}

#[test]
fn the_behavioural_scorecard_scored_by_hand() {
    let p = scoring_policy();
    // 15 days past due (due 2026-03-01), no payment, no promise, risk_score 300:
    // base 230 + days_past_due 1..30 -> 90 + promises_broken 0 -> 80 + promises_kept 0 -> 0
    // + recent_payment missing -> 10 + external_risk < 400 -> 180 = 590: band low (>= 550).
    // Probability 1 / (1 + exp(-(-5.0 + 0.01 * 590))) = 1 / (1 + e^-0.9) = 0.710950.
    // Shortfalls against the best bins: recent_payment 80 - 10 = 70, promises_kept 50,
    // days_past_due 100 - 90 = 10, the others 0 (left out).
    let s = scored(
        &p,
        &case("2026-03-01", r#", "attributes": {"risk_score": 300}"#),
    );
    assert_eq!((s.score, s.band.as_str()), (590, "low"));
    assert_eq!(
        s.probability.unwrap(),
        "0.710950".parse::<recobro::Decimal>().unwrap()
    );
    assert_eq!(s.event.as_deref(), Some("pays within 30 days"));
    let reasons: Vec<(&str, i64, i64)> = s
        .reasons
        .iter()
        .map(|r| (r.characteristic.as_str(), r.points, r.best))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("recent_payment", 10, 80),
            ("promises_kept", 0, 50),
            ("days_past_due", 90, 100)
        ]
    );

    // 96 days past due (due 2025-12-10), two broken promises (due 2026-01-15 and
    // 2026-02-15, nothing paid on or after them), a payment 10 days ago (2026-03-06,
    // after both promises fell due), no risk_score:
    // 230 + 90+ -> 20 + 2 broken -> 0 + 0 kept -> 0 + 10 days -> 80 + missing -> 100 = 430:
    // band medium (425..550). Probability 1 / (1 + e^0.7) = 0.331812.
    // Shortfalls: days_past_due 80, promises_broken 80, external_risk 80 (ties in the
    // card's order), promises_kept 50; recent_payment 0.
    let s = scored(
        &p,
        &case(
            "2025-12-10",
            r#", "promises": [
                 {"id": "P-1", "made_at": "2026-01-05T15:00:00Z", "due_on": "2026-01-15", "amount": "100000"},
                 {"id": "P-2", "made_at": "2026-02-05T15:00:00Z", "due_on": "2026-02-15", "amount": "100000"}],
               "payments": [{"at": "2026-03-06T15:00:00Z", "amount": "1000"}]"#,
        ),
    );
    assert_eq!((s.score, s.band.as_str()), (430, "medium"), "{s:?}");
    assert_eq!(
        s.probability.unwrap(),
        "0.331812".parse::<recobro::Decimal>().unwrap()
    );
    let ids: Vec<&str> = s
        .reasons
        .iter()
        .map(|r| r.characteristic.as_str())
        .collect();
    assert_eq!(
        ids,
        vec![
            "days_past_due",
            "promises_broken",
            "external_risk",
            "promises_kept"
        ]
    );

    // risk_score 750, 5 days past due, nothing else: 230 + 90 + 80 + 0 + 10 + 0 = 410:
    // high (below 425).
    let s = scored(
        &p,
        &case("2026-03-11", r#", "attributes": {"risk_score": 750}"#),
    );
    assert_eq!((s.score, s.band.as_str()), (410, "high"));
}

#[test]
fn the_default_policy_takes_its_risk_band_from_the_scorecard() {
    let p = Policy::default_consumer().unwrap();
    let d = p
        .evaluate(
            &case("2026-03-11", r#", "attributes": {"risk_score": 750}"#),
            at(),
        )
        .unwrap();
    assert_eq!(d.scores[0].band, "high");
    // High risk at 5 DPD: a call first (rules/consumer/policy.rhai), not an SMS.
    let first = &d.candidates[0];
    assert_eq!(
        first.action.channel,
        Some(recobro::Channel::Call),
        "{}",
        d.to_json()
    );
    assert_eq!(first.action.reason.as_deref(), Some("5 DPD, risk high"));
    // A text where the scorecard reads a number is an error that names the attribute.
    let e = p
        .evaluate(
            &case("2026-03-11", r#", "attributes": {"risk_score": "high"}"#),
            at(),
        )
        .unwrap_err();
    assert!(e.message.contains("attributes.risk_score"), "{e}");
}

const GOOD: &str = r#"{
  "name": "t",
  "version": "1",
  "characteristics": [
    {"id": "dpd", "fact": "days_past_due", "reason": "DPD",
     "bins": [
       {"to": 10, "points": 5},
       {"from": 10, "points": 0}
     ]}
  ],
  "bands": [{"name": "a", "min": 3}, {"name": "b"}]
}"#;

/// `GOOD` with `from` replaced by `to` in one line.
fn bad(from: &str, to: &str) -> recobro::Error {
    assert!(GOOD.contains(from), "{from}");
    Scorecard::parse("scorecards/t", &GOOD.replacen(from, to, 1)).unwrap_err()
}

#[test]
fn bad_scorecards_are_refused_at_their_line() {
    assert!(Scorecard::parse("scorecards/t", GOOD).is_ok());
    let cases = [
        // A gap: 10..12 in no bin (the second bin, line 8).
        (
            r#"{"from": 10, "points": 0}"#,
            r#"{"from": 12, "points": 0}"#,
            8,
            "fall in no bin",
        ),
        // An overlap: 8..10 in both.
        (
            r#"{"from": 10, "points": 0}"#,
            r#"{"from": 8, "points": 0}"#,
            8,
            "overlaps",
        ),
        // No lowest bin.
        (
            r#"{"to": 10, "points": 5}"#,
            r#"{"from": 0, "to": 10, "points": 5}"#,
            7,
            "below 0",
        ),
        // No highest bin.
        (
            r#"{"from": 10, "points": 0}"#,
            r#"{"from": 10, "to": 99, "points": 0}"#,
            8,
            "from 99 up",
        ),
        // An unknown fact (the characteristic, line 5).
        (
            r#""fact": "days_past_due""#,
            r#""fact": "mood""#,
            5,
            "no fact `mood`",
        ),
        // An attribute with no `missing` points.
        (
            r#""fact": "days_past_due""#,
            r#""attribute": "risk""#,
            5,
            "missing",
        ),
        // Bands not decreasing (the last band with a min, line 11).
        (
            r#"{"name": "b"}"#,
            r#"{"name": "b", "min": 1}"#,
            11,
            "no `min`",
        ),
    ];
    for (from, to, line, says) in cases {
        let e = bad(from, to);
        assert_eq!(e.code, ErrorCode::PolicyContract, "{e}");
        assert_eq!(e.line(), Some(line), "{to}: {e}");
        assert!(e.message.contains(says), "{to}: {e}");
        assert!(e.to_string().contains("scorecards/t"), "{e}");
    }
    let e = Scorecard::parse("scorecards/t", "{\n  \"name\": 1\n}").unwrap_err();
    assert_eq!(
        (e.code, e.line()),
        (ErrorCode::PolicySyntax, Some(2)),
        "{e}"
    );
}

#[test]
fn a_host_scorecard_is_checked_when_the_policy_is_built_and_replaces_an_embedded_one() {
    let src = r#"fn segment(c) { c.score("behavioural").band }"#;
    let mine = GOOD.replace("\"name\": \"t\"", "\"name\": \"behavioural\"");
    let p = PolicyBuilder::new(src)
        .scorecard("behavioural", mine.clone())
        .build()
        .unwrap();
    // 15 DPD: 0 points, below 3: band b.
    let d = p.evaluate(&case("2026-03-01", ""), at()).unwrap();
    assert_eq!(d.segment.as_deref(), Some("b"));
    assert_eq!(d.scores[0].version, "1");
    let e = PolicyBuilder::new(src)
        .scorecard(
            "behavioural",
            mine.replace(
                r#"{"from": 10, "points": 0}"#,
                r#"{"from": 11, "points": 0}"#,
            ),
        )
        .build()
        .unwrap_err();
    assert_eq!(e.line(), Some(8), "{e}");
    let e = Policy::from_source(r#"fn segment(c) { c.score("nope").band }"#)
        .unwrap()
        .evaluate(&case("2026-03-01", ""), at())
        .unwrap_err();
    assert!(e.message.contains("no scorecard `nope`"), "{e}");
}

#[test]
fn a_decision_without_scores_has_no_scores_key() {
    let d = Policy::from_source(r#"fn segment(c) { "s" }"#)
        .unwrap()
        .evaluate(&case("2026-03-01", ""), at())
        .unwrap();
    assert!(!d.to_json().contains("\"scores\""));
}
