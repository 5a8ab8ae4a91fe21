//! Decision tables: the default consumer policy, whose stage and treatment are now
//! tables (rules/tables/), decides every generated case as its branches did (the
//! policy before the tables is kept in tests/fixtures/); the checks a table gets when
//! a policy is built, at the row's line; hit policies; errors when calling one.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::simulation::portfolio;
use recobro::table::Table;
use recobro::{ErrorCode, Instant, Policy, PolicyBuilder};

const BEFORE: &str = include_str!("fixtures/consumer_policy_before_tables.rhai");

/// A decision's JSON without the policy's identity (the sources differ, so the digest
/// does).
fn without_policy(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v.as_object_mut().unwrap().remove("policy");
    v
}

#[test]
fn the_tables_decide_every_generated_case_as_the_branches_did() {
    let now = Policy::default_consumer().unwrap();
    let before = Policy::from_source(BEFORE).unwrap();
    let mut compared = 0;
    for (seed, at) in [
        (1, "2026-03-16T15:00:00Z"),
        (7, "2026-06-01T09:30:00Z"),
        (42, "2026-11-30T22:00:00Z"),
    ] {
        let at: Instant = at.parse().unwrap();
        let cases = portfolio(2_000, seed, at, Default::default());
        let a = now.evaluate_batch(&cases, at);
        let b = before.evaluate_batch(&cases, at);
        for ((c, x), y) in cases.iter().zip(a).zip(b) {
            let (x, y) = (x.unwrap().to_json(), y.unwrap().to_json());
            assert_eq!(without_policy(&x), without_policy(&y), "case {}", c.id);
            compared += 1;
        }
    }
    assert_eq!(compared, 6_000);
}

const GOOD: &str = r#"{
  "name": "t",
  "version": "1",
  "hit": "first",
  "inputs": [
    {"name": "dpd", "type": "number"},
    {"name": "risk", "type": "text", "values": ["low", "high"]}
  ],
  "outputs": ["act"],
  "rows": [
    {"when": {"dpd": "..30", "risk": "high"}, "then": {"act": "call"}},
    {"when": {"dpd": "..30"}, "then": {"act": "sms"}},
    {"when": {"dpd": "30.."}, "then": {"act": "letter"}}
  ]
}"#;

fn bad(from: &str, to: &str) -> recobro::Error {
    assert!(GOOD.contains(from), "{from}");
    Table::parse("tables/t", &GOOD.replacen(from, to, 1)).unwrap_err()
}

#[test]
fn bad_tables_are_refused_at_their_row() {
    let t = Table::parse("tables/t", GOOD).unwrap();
    // Rows 1 and 2 both match dpd below 30 with risk high: allowed, the first wins.
    assert_eq!(t.overlaps(), vec![(1, 2)]);
    assert_eq!(t.row_line(3), Some(13));
    let cases = [
        // A gap: dpd 30..40 matched by no row (reported at the last row, line 13).
        (
            r#"{"dpd": "30.."}"#,
            r#"{"dpd": "40.."}"#,
            13,
            "a gap: no row matches dpd 30..40",
        ),
        // Row 2 can never be first: row 1 now takes every risk below 30.
        (
            r#"{"dpd": "..30", "risk": "high"}"#,
            r#"{"dpd": "..30"}"#,
            12,
            "row 2 is never reached",
        ),
        // A condition that does not read.
        (r#"{"dpd": "30.."}"#, r#"{"dpd": "thirty"}"#, 13, "no range"),
        // Bounds past 10^15 (at 10^28 the gap walk stepped below the lowest bound and
        // overflowed `Decimal`, a panic before the bound).
        (
            r#"{"dpd": "..30", "risk": "high"}"#,
            r#"{"dpd": "-79228162514264337593543950335..30", "risk": "high"}"#,
            11,
            "within ±10^15",
        ),
        (
            r#"{"dpd": "30.."}"#,
            r#"{"dpd": "30..1000000000000001"}"#,
            13,
            "within ±10^15",
        ),
        // A text value the input does not declare.
        (
            r#""risk": "high"}"#,
            r#""risk": "hgih"}"#,
            11,
            "`hgih` is not one of its values",
        ),
        // An output left out.
        (r#"{"act": "letter"}"#, r#"{}"#, 13, "no output `act`"),
        // An unknown input.
        (
            r#"{"dpd": "30.."}"#,
            r#"{"days": "30.."}"#,
            13,
            "no input `days`",
        ),
    ];
    let long = format!(r#"{{"dpd": "{}..30"}}"#, "0".repeat(300));
    let cases = cases.into_iter().chain([(
        r#"{"dpd": "30.."}"#,
        long.as_str(),
        13,
        "a condition of 304 bytes; at most 256",
    )]);
    for (from, to, line, says) in cases {
        let e = bad(from, to);
        assert_eq!(e.code, ErrorCode::PolicyContract, "{e}");
        assert_eq!(e.line(), Some(line), "{to}: {e}");
        assert!(e.message.contains(says), "{to}: {e}");
    }
}

#[test]
fn first_and_collect_hit_policies() {
    let src = r#"fn segment(c) {
        let f = c.table("t", #{dpd: c.days_past_due, risk: "high"});
        let all = c.table("t2", #{dpd: c.days_past_due, risk: "high"});
        `${f.act} ${all.map(|r| r.act)}`
    }"#;
    let collect = GOOD
        .replace("\"first\"", "\"collect\"")
        .replace("\"name\": \"t\"", "\"name\": \"t2\"");
    let p = PolicyBuilder::new(src)
        .table("t", GOOD)
        .table("t2", collect)
        .build()
        .unwrap();
    let at: Instant = "2026-03-16T15:00:00Z".parse().unwrap();
    let case = portfolio(40, 3, at, Default::default())
        .into_iter()
        .find(|c| {
            let f = recobro::Case::from_json(&serde_json::to_string(c).unwrap()).unwrap();
            Policy::from_source("fn segment(c) { `${c.days_past_due}` }")
                .unwrap()
                .evaluate(&f, at)
                .unwrap()
                .segment
                .is_some_and(|s| s.parse::<i64>().is_ok_and(|d| d > 0 && d < 30))
        })
        .unwrap();
    let d = p.evaluate(&case, at).unwrap();
    assert_eq!(d.segment.as_deref(), Some(r#"call ["call", "sms"]"#));
}

#[test]
fn calling_a_table_with_bad_inputs_is_an_error_naming_the_input() {
    let at: Instant = "2026-03-16T15:00:00Z".parse().unwrap();
    let case = &portfolio(1, 3, at, Default::default())[0];
    let run = |call: &str| {
        PolicyBuilder::new(format!("fn segment(c) {{ {call}; \"s\" }}"))
            .table("t", GOOD)
            .build()
            .unwrap()
            .evaluate(case, at)
            .unwrap_err()
    };
    let e = run(r#"c.table("t", #{dpd: 3})"#);
    assert!(e.message.contains("needs the input `risk`"), "{e}");
    let e = run(r#"c.table("t", #{dpd: "3", risk: "low"})"#);
    assert!(e.message.contains("input `dpd` must be a number"), "{e}");
    let e = run(r#"c.table("t", #{dpd: 3, risk: "medium"})"#);
    assert!(
        e.message.contains("not one of its values (low, high)"),
        "{e}"
    );
    let e = run(r#"c.table("t", #{dpd: 3, risk: "low", mood: 1})"#);
    assert!(e.message.contains("no input `mood`"), "{e}");
    let e = run(r#"c.table("nope", #{})"#);
    assert!(e.message.contains("no decision table `nope`"), "{e}");
}

#[test]
fn host_data_given_under_another_name_is_refused_at_its_name() {
    // The embedded files, given by a host under a name that is not their own.
    let table = include_str!("../../rules/tables/consumer_treatment.json");
    let scorecard = include_str!("../../rules/scorecards/behavioural.json");
    let prior = include_str!("../../rules/priors/consumer.json");
    let src = "fn segment(c) { \"s\" }";
    let cases = [
        (
            PolicyBuilder::new(src).table("other", table),
            "table given as `other` is named `consumer_treatment`",
            "tables/other",
            (1, 1),
        ),
        (
            PolicyBuilder::new(src).scorecard("other", scorecard),
            "scorecard given as `other` is named `behavioural`",
            "scorecards/other",
            (1, 1),
        ),
        // A prior's error points at its `name` (line 2, column 3 of the file).
        (
            PolicyBuilder::new(src).prior("other", prior),
            "prior given as `other` is named `consumer`",
            "priors/other",
            (2, 3),
        ),
    ];
    for (builder, message, module, (line, column)) in cases {
        let e = builder.build().unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicyContract, "{e}");
        assert_eq!(e.message, message);
        assert_eq!(
            e.location,
            Some(recobro::Location::Policy {
                module: Some(module.to_string()),
                line,
                column
            }),
            "{e}"
        );
    }
}
