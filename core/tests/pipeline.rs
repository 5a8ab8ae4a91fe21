//! The pipeline end to end: decisions, errors with locations, limits, modules.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::{Case, ErrorCode, EvalOptions, Instant, Limits, Policy, PolicyBuilder};

fn at() -> Instant {
    "2026-03-16T15:00:00Z".parse::<Instant>().unwrap()
}

fn sample(name: &str) -> Case {
    let path = format!(
        "{}/../examples/data/cases/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Case::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const MINI: &str = r#"
fn metadata() { #{ name: "mini", version: "2.1" } }
fn segment(c) { if c.days_past_due > 30 { "late" } else { "early" } }
fn actions(c) { [contact("sms", "s1").with_priority(7), task("legal_review")] }
"#;

#[test]
fn decision_carries_policy_identity_and_first_allowed_candidate() {
    let p = Policy::from_source(MINI).unwrap();
    assert_eq!(
        (p.info().name.as_str(), p.info().version.as_str()),
        ("mini", "2.1")
    );
    assert!(p.info().digest.starts_with("sha256:") && p.info().digest.len() == 71);
    let d = p.evaluate(&sample("administrative"), at()).unwrap();
    assert_eq!(d.segment.as_deref(), Some("early"));
    let a = d.action.unwrap();
    assert_eq!(
        (a.action.template.as_deref(), a.action.priority),
        (Some("s1"), 7)
    );
    assert_eq!(a.earliest_at, at());
    assert_eq!(d.candidates.len(), 2);
    // The chosen candidate's passing rules are recorded with citations.
    assert!(d
        .compliance
        .iter()
        .any(|r| r.rule == "consent.channel" && r.candidate == 0));
}

#[test]
fn hold_blocks_contacts_and_the_next_candidate_is_chosen() {
    let p = Policy::from_source(MINI).unwrap();
    let d = p.evaluate(&sample("cease_communication"), at()).unwrap();
    assert_eq!(d.candidates[0].blocked_by, vec!["hold.cease_communication"]);
    assert_eq!(d.candidates[0].next_allowed_at, None);
    assert_eq!(d.action.unwrap().action.kind, "legal_review");
    let blocked = d.compliance.iter().find(|r| r.candidate == 0).unwrap();
    assert!(blocked.citation.contains("1692c(c)"));
}

#[test]
fn trace_has_steps_and_print_output() {
    let p = Policy::from_source(
        r#"fn segment(c) { print(`dpd=${c.days_past_due}`); debug("here"); "s" }"#,
    )
    .unwrap();
    let d = p
        .evaluate_with(&sample("administrative"), at(), EvalOptions { trace: true })
        .unwrap();
    let t = d.trace.unwrap();
    let steps: Vec<&str> = t.iter().map(|e| e.step.as_str()).collect();
    assert!(steps.contains(&"facts") && steps.contains(&"segment") && steps.contains(&"choose"));
    assert!(t.iter().any(|e| e.step == "print" && e.detail == "dpd=24"));
    assert!(t
        .iter()
        .any(|e| e.step == "debug" && e.detail.contains("line 1") && e.detail.contains("here")));
    // Without the option there is no trace, and nothing leaks into the next call.
    let d2 = p.evaluate(&sample("administrative"), at()).unwrap();
    assert!(d2.trace.is_none());
}

#[test]
fn syntax_error_has_line_and_column() {
    let e = Policy::from_source("fn actions(c) {\n  let x = (1;\n}").unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicySyntax);
    assert_eq!((e.line(), e.column()), (Some(2), Some(13)));
}

#[test]
fn runtime_error_has_line_and_column() {
    let p = Policy::from_source(
        "fn actions(c) {\n  let n = 0;\n  [contact(\"sms\", \"x\")].len() / n\n}",
    )
    .unwrap();
    let e = p.evaluate(&sample("administrative"), at()).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyRuntime);
    assert_eq!(e.line(), Some(3));
    assert!(e.message.contains("division by zero"), "{}", e.message);
    let p = Policy::from_source("fn segment(c) {\n  c.no_such_thing\n}").unwrap();
    let e = p.evaluate(&sample("administrative"), at()).unwrap_err();
    assert_eq!((e.code, e.line()), (ErrorCode::PolicyRuntime, Some(2)));
}

#[test]
fn unknown_channel_is_a_runtime_error_naming_the_channel() {
    let p = Policy::from_source("fn actions(c) {\n  contact(\"fax\", \"x\")\n}").unwrap();
    let e = p.evaluate(&sample("administrative"), at()).unwrap_err();
    assert!(e.message.contains("unknown channel `fax`"), "{}", e.message);
    assert_eq!(e.line(), Some(2));
}

#[test]
fn limits_stop_hostile_policies_and_the_engine_stays_usable() {
    let cases = [
        ("fn segment(c) { loop {} }", ErrorCode::LimitOperations),
        ("fn f(n) { f(n + 1) }\nfn segment(c) { f(0) }", ErrorCode::LimitCallDepth),
        ("fn segment(c) { let s = \"x\"; loop { s += s; } }", ErrorCode::LimitStringSize),
        ("fn segment(c) { let a = []; loop { a.push(1); } }", ErrorCode::LimitArraySize),
        // Rhai checks map size when the map is used, not on each index assignment.
        ("fn segment(c) { let m = #{}; let i = 0; loop { let k = `k${i}`; m[k] = i; i += 1; m.len(); } }", ErrorCode::LimitMapSize),
    ];
    for (src, code) in cases {
        let p = PolicyBuilder::new(src)
            .limits(Limits {
                max_operations: 200_000,
                max_map_size: 100,
                max_array_size: 100,
                ..Limits::default()
            })
            .build()
            .unwrap();
        let e = p.evaluate(&sample("administrative"), at()).unwrap_err();
        assert_eq!(e.code, code, "{src}: {e}");
        assert!(e.help.is_some() || e.code.is_limit());
        // Same policy object, next call: still answers (with the same typed error).
        assert_eq!(
            p.evaluate(&sample("preventive"), at()).unwrap_err().code,
            code
        );
    }
}

#[test]
fn eval_clock_and_randomness_are_unavailable() {
    assert_eq!(
        Policy::from_source("fn segment(c) { eval(\"1\") }")
            .unwrap_err()
            .code,
        ErrorCode::PolicySyntax
    );
    for f in ["timestamp()", "rand()"] {
        let p = Policy::from_source(&format!("fn segment(c) {{ {f} }}")).unwrap();
        let e = p.evaluate(&sample("administrative"), at()).unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicyRuntime, "{f}");
        assert!(e.message.contains("unknown function"));
    }
}

#[test]
fn wrong_hook_return_types_are_contract_errors() {
    for src in [
        "fn segment(c) { 42 }",
        "fn actions(c) { [1, 2] }",
        "fn actions(c) { #{ kind: \"contact\" } }",
        "fn charges(c) { [\"x\"] }",
        "fn charges(c) { [fee(c.oldest_overdue, 1.005, \"r\")] }",
    ] {
        let p = Policy::from_source(src).unwrap();
        let e = p.evaluate(&sample("administrative"), at()).unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicyContract, "{src}: {e}");
    }
    assert_eq!(
        Policy::from_source("fn helper() { 1 }").unwrap_err().code,
        ErrorCode::PolicyContract
    );
    assert_eq!(
        Policy::from_source("fn actions() { [] }").unwrap_err().code,
        ErrorCode::PolicyContract
    );
}

#[test]
fn actions_may_be_maps() {
    let p = Policy::from_source(
        r#"fn actions(c) { [#{ channel: "email", template: "t", priority: 3, reason: "r" }] }"#,
    )
    .unwrap();
    let d = p.evaluate(&sample("administrative"), at()).unwrap();
    let a = d.action.unwrap().action;
    assert_eq!((a.kind.as_str(), a.priority), ("contact", 3));
}

#[test]
fn host_modules_and_embedded_modules_import() {
    let p = PolicyBuilder::new(
        "import \"house/bands\" as bands;\nimport \"common/stages\" as stages;\nfn segment(c) { bands::band(c) + \"/\" + stages::stage(c) }",
    )
    .module("house/bands", "fn band(c) { if c.total_outstanding > 400 { \"big\" } else { \"small\" } }")
    .build()
    .unwrap();
    let d = p.evaluate(&sample("administrative"), at()).unwrap();
    assert_eq!(d.segment.as_deref(), Some("big/administrative"));

    let e = Policy::from_source("import \"nope/x\" as x;\nfn segment(c) { x::f() }").unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyModule);
    assert_eq!(e.line(), Some(1));

    let e = PolicyBuilder::new("import \"a\" as a;\nfn segment(c) { \"s\" }")
        .module("a", "import \"b\" as b;")
        .module("b", "import \"a\" as a;")
        .build()
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyModule, "{e}");
    assert!(e.message.contains("import cycle"), "{e}");

    let e = PolicyBuilder::new("import \"m\" as m;\nfn segment(c) { \"s\" }")
        .module("m", "fn f() {\n  1 +\n}")
        .build()
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicySyntax);
    match e.location {
        Some(recobro::Location::Policy { module, line, .. }) => {
            assert_eq!(module.as_deref(), Some("m"));
            assert_eq!(line, 3);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_input_errors_name_paths() {
    let p = Policy::default_consumer().unwrap();
    let mut c = sample("administrative");
    c.contacts[0].at = "2026-03-20T00:00:00Z".parse::<Instant>().unwrap();
    let e = p.evaluate(&c, at()).unwrap_err();
    assert_eq!(
        (e.code, e.path()),
        (ErrorCode::InputInvalid, Some("contacts[0].at"))
    );

    let batch = vec![sample("preventive"), c];
    let out = p.evaluate_batch(&batch, at());
    assert!(out[0].is_ok());
    assert_eq!(
        out[1].as_ref().unwrap_err().path(),
        Some("[1].contacts[0].at")
    );

    let e = Case::from_json("{\"id\": \"x\", ").unwrap_err();
    assert_eq!(e.code, ErrorCode::InputJson);
}

#[test]
fn batch_equals_sequential() {
    let p = Policy::default_consumer().unwrap();
    let cases = recobro::simulation::portfolio(300, 3, at(), Default::default());
    let seq: Vec<String> = cases
        .iter()
        .map(|c| p.evaluate(c, at()).unwrap().to_json())
        .collect();
    let par: Vec<String> = p
        .evaluate_batch(&cases, at())
        .into_iter()
        .map(|d| d.unwrap().to_json())
        .collect();
    assert_eq!(seq, par);
}

#[test]
fn policy_is_send_and_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Policy>();
}

#[test]
fn the_readme_policy_example_compiles_and_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme.find("```rhai\n").unwrap() + "```rhai\n".len();
    let src = &readme[start..start + readme[start..].find("```").unwrap()];
    let p = Policy::from_source(src).unwrap();
    assert_eq!(p.info().name, "my-policy");
    // The first debt's agreement allows a late fee of 25.00.
    let mut case = sample("b2b_overdue");
    case.debts[0].agreement = Some(recobro::Agreement {
        interest: None,
        fees: vec![recobro::AgreedFee {
            rule: "late_fee".into(),
            kind: recobro::ChargeKind::Fee,
            amount: Some("25.00".parse().unwrap()),
            max: None,
            max_pct: None,
            repeat_days: None,
        }],
    });
    let d = p.evaluate(&case, at()).unwrap();
    assert_eq!(d.segment.as_deref(), Some("administrative"));
    assert_eq!(
        d.action.unwrap().action.template.as_deref(),
        Some("collection_call")
    );
    assert_eq!(
        d.charges.totals.get("EUR").map(String::as_str),
        Some("25.00")
    );
    // Booked in the ledger, it is not charged again.
    case.charges.push(recobro::AppliedCharge {
        id: None,
        debt_id: case.debts[0].id.clone(),
        kind: recobro::ChargeKind::Fee,
        rule: "late_fee".into(),
        amount: "25.00".parse().unwrap(),
        at: "2026-03-10T12:00:00Z".parse::<recobro::Instant>().unwrap(),
    });
    let d = p.evaluate(&case, at()).unwrap();
    assert!(d.charges.lines.is_empty(), "{:?}", d.charges);
}

#[test]
fn every_rhai_block_in_the_readme_compiles() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut blocks = 0;
    for part in readme.split("```rhai\n").skip(1) {
        let src = &part[..part.find("```").unwrap()];
        let src = if src.contains("fn house_rules") {
            format!("{src}\nfn segment(c) {{ \"s\" }}")
        } else {
            src.to_string()
        };
        Policy::from_source(&src)
            .unwrap_or_else(|e| panic!("README block does not compile: {e}\n{src}"));
        blocks += 1;
    }
    assert!(blocks >= 2);
}
