//! The `recobro` binary end to end.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn recobro(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_recobro"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const AS_OF: &str = "2026-03-16T15:00:00Z";

#[test]
fn eval_ndjson_matches_the_library() {
    let (code, out, err) = recobro(&[
        "eval",
        "examples/data/cases/administrative.json",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(code, 0, "{err}");
    let policy = recobro::Policy::default_consumer().unwrap();
    let case = recobro::Case::from_json(
        &std::fs::read_to_string(root().join("examples/data/cases/administrative.json")).unwrap(),
    )
    .unwrap();
    let want = policy
        .evaluate(&case, AS_OF.parse::<recobro::Instant>().unwrap())
        .unwrap()
        .to_json();
    assert_eq!(out.trim_end(), want);
}

#[test]
fn eval_table_is_a_work_queue_sorted_by_priority() {
    let (code, out, err) = recobro(&[
        "eval",
        "examples/data/cases",
        "--as-of",
        AS_OF,
        "--format",
        "table",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("CASE"));
    assert_eq!(lines.len(), 1 + 11, "{out}");
    let prios: Vec<i64> = lines[1..]
        .iter()
        .filter_map(|l| l.split_whitespace().nth(2).and_then(|p| p.parse().ok()))
        .collect();
    assert!(
        prios.len() >= 5 && prios.windows(2).all(|w| w[0] >= w[1]),
        "{prios:?}"
    );
    assert!(out.contains("hold.cease_communication"));
}

#[test]
fn eval_reports_bad_cases_without_losing_good_ones() {
    let dir = std::env::temp_dir().join(format!("recobro-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(root().join("examples/data/cases/preventive.json")).unwrap();
    let good_line: serde_json::Value = serde_json::from_str(&good).unwrap();
    let mut bad = good_line.clone();
    bad["debts"][0]["due_on"] = "31/03/2026".into();
    let file = dir.join("mixed.ndjson");
    std::fs::write(&file, format!("{good_line}\n{bad}\n")).unwrap();
    let (code, out, err) = recobro(&["eval", file.to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["case_id"], "C-PRE");
    assert_eq!(lines[1]["error"]["code"], "input.invalid");
    assert_eq!(lines[1]["error"]["path"], "[1].debts[0].due_on");
    assert!(err.contains("expected a date like 2026-03-31"), "{err}");
}

#[test]
fn check_reports_line_and_column_and_fails() {
    let dir = std::env::temp_dir().join(format!("recobro-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.rhai");
    std::fs::write(&bad, "fn actions(c) {\n  let x = (1;\n}\n").unwrap();
    let (code, _, err) = recobro(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.rhai:2:13: policy.syntax"), "{err}");
    let (code, out, _) = recobro(&[
        "check",
        "rules/consumer/policy.rhai",
        "rules/b2b/policy.rhai",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("`consumer-default` 1.0.0") && out.contains("`b2b-dunning` 1.0.0"),
        "{out}"
    );
}

#[test]
fn test_runs_the_policy_suites_and_summarises() {
    let (code, out, err) = recobro(&["test", "rules"]);
    assert_eq!(code, 0, "{out}{err}");
    let last = out.lines().last().unwrap();
    let passed: usize = last.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed >= 30, "{last}");
    assert!(last.ends_with("passed, 0 failed"), "{last}");
    assert!(!out.contains("not exercised"), "{out}");
}

#[test]
fn test_fails_on_a_wrong_expectation_and_lists_unexercised_rules() {
    let dir = std::env::temp_dir().join(format!("recobro-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let suite = dir.join("wrong.json");
    std::fs::write(
        &suite,
        r#"{"policy": "consumer/policy", "as_of": "2026-03-16T15:00:00Z", "tests": [
        {"name": "wrong", "case": {"id": "C", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO",
          "timezone": "America/Bogota"}, "debts": [{"id": "A", "currency": "COP", "original_amount": 10,
          "outstanding": 10, "issued_on": "2025-01-01", "due_on": "2025-02-01"}]},
         "expect": {"segment": "preventive"}}]}"#,
    )
    .unwrap();
    let (code, out, _) = recobro(&["test", suite.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("FAIL wrong"));
    assert!(out.contains("not exercised by any test: line"));
    assert_eq!(out.lines().last(), Some("0 passed, 1 failed"));
}

#[test]
fn docs_and_generate() {
    let (code, out, _) = recobro(&["docs"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        std::fs::read_to_string(root().join("docs/policy-api.md")).unwrap()
    );
    let (code, out, _) = recobro(&["generate", "5", "--seed", "9", "--as-of", AS_OF]);
    assert_eq!(code, 0);
    let cases: Vec<recobro::Case> = out
        .lines()
        .map(|l| recobro::Case::from_json(l).unwrap())
        .collect();
    assert_eq!(cases.len(), 5);
}

#[test]
fn contact_answers_yes_or_no_with_the_next_lawful_time() {
    // Saturday 15:30 in Bogotá: blocked until Monday 07:00.
    let (code, out, err) = recobro(&[
        "contact",
        "--case",
        "examples/data/cases/preventive.json",
        "--channel",
        "call",
        "--at",
        "2026-03-14T20:30:00Z",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["allowed"], false);
    assert_eq!(v["blocked_by"][0], "co.ley2300.hours");
    assert_eq!(v["next_allowed_at"], "2026-03-16T12:00:00Z");
    let (code, out, _) = recobro(&[
        "contact",
        "--case",
        "examples/data/cases/preventive.json",
        "--channel",
        "call",
        "--at",
        "2026-03-16T12:00:00Z",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("\"allowed\": true"), "{out}");
    let (code, _, err) = recobro(&[
        "contact",
        "--case",
        "examples/data/cases/preventive.json",
        "--channel",
        "fax",
        "--at",
        "2026-03-16T12:00:00Z",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("`fax`"));
    let (code, out, _) = recobro(&["rules"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("us.reg_f.7in7")
            && out.contains("co.ley2300.hours")
            && out.contains("to_verify")
    );
}

#[test]
fn the_cli_reproduces_the_conformance_corpus() {
    let root = root().join("test-data/conformance");
    let corpus: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("cases.json")).unwrap()).unwrap();
    let dir = std::env::temp_dir().join(format!("recobro-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policies = [
        ("consumer/policy", "rules/consumer/policy.rhai"),
        ("b2b/policy", "rules/b2b/policy.rhai"),
    ];
    let mut checked = 0;
    for (embedded, file) in policies {
        // Group by clock: one CLI run per (policy, as_of).
        let mut groups: std::collections::BTreeMap<String, Vec<&serde_json::Value>> =
            Default::default();
        for item in corpus["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["policy"] == embedded)
        {
            groups
                .entry(item["as_of"].as_str().unwrap().to_string())
                .or_default()
                .push(item);
        }
        for (as_of, items) in groups {
            let input = dir.join("in.ndjson");
            let lines: Vec<String> = items.iter().map(|i| i["case"].to_string()).collect();
            std::fs::write(&input, lines.join("\n") + "\n").unwrap();
            let (code, out, err) = recobro(&[
                "eval",
                input.to_str().unwrap(),
                "--policy",
                file,
                "--as-of",
                &as_of,
            ]);
            assert_eq!(code, 0, "{err}");
            for (item, line) in items.iter().zip(out.lines()) {
                let want = std::fs::read_to_string(
                    root.join("expected")
                        .join(format!("{}.json", item["name"].as_str().unwrap())),
                )
                .unwrap();
                assert_eq!(line, want.trim_end(), "{}", item["name"]);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, corpus["items"].as_array().unwrap().len());
}

/// A fault inside the engine (injected by the test-only `fault-injection` feature)
/// fails that row with code `internal`, the other rows still decide, the exit code is
/// non-zero and no backtrace reaches the user.
#[cfg(feature = "fault-injection")]
#[test]
fn a_panic_is_an_internal_error_row_not_a_backtrace() {
    let sample =
        std::fs::read_to_string(root().join("examples/data/cases/administrative.json")).unwrap();
    let good: serde_json::Value = serde_json::from_str(&sample).unwrap();
    let mut bad = good.clone();
    bad["id"] = "__recobro_fault__".into();
    let dir = std::env::temp_dir().join(format!("recobro-cli-fault-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cases.ndjson");
    std::fs::write(&file, format!("{good}\n{bad}\n{good}\n")).unwrap();
    let (code, out, err) = recobro(&["eval", file.to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(code, 1, "{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].get("case_id").is_some() && rows[2].get("case_id").is_some());
    assert_eq!(rows[1]["index"], 1);
    assert_eq!(rows[1]["error"]["code"], "internal");
    assert!(
        !err.contains("panicked at") && !err.contains("backtrace"),
        "{err}"
    );
    assert!(err.contains("internal"), "{err}");
}

/// `eval` decides a large batch a slice at a time (4,096 cases) and streams the rows:
/// the output is row for row what one call of the library gives for the whole batch,
/// errors indexed by their place in the whole batch, on both sides of a slice's edge.
#[test]
fn eval_streams_slices_and_indexes_errors_across_them() {
    let (code, cases, err) = recobro(&["generate", "4200", "--seed", "3", "--as-of", AS_OF]);
    assert_eq!(code, 0, "{err}");
    let mut lines: Vec<&str> = cases.lines().collect();
    lines.insert(5, r#"{"id": 5}"#);
    lines.insert(4150, r#"{"id": "bad", "debtor": 1}"#);
    let text = lines.join("\n");
    let file = std::env::temp_dir().join(format!("recobro-slices-{}.ndjson", std::process::id()));
    std::fs::write(&file, &text).unwrap();
    let (code, out, err) = recobro(&["eval", file.to_str().unwrap(), "--as-of", AS_OF]);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(code, 1, "two bad cases fail the run");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("input.")).count(),
        2,
        "{err}"
    );
    let policy = recobro::Policy::default_consumer().unwrap();
    let whole = recobro::host::evaluate_batch(&policy, &text, AS_OF).unwrap();
    let whole: Vec<serde_json::Value> = serde_json::from_str(&whole).unwrap();
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4202);
    assert_eq!(whole.len(), 4202);
    for (i, (cli, lib)) in rows.iter().zip(&whole).enumerate() {
        if lib.get("error").is_some() {
            // The CLI's message starts with the file the case is in.
            let (c, l) = (&cli["error"], &lib["error"]);
            assert_eq!(
                (&c["code"], &c["path"]),
                (&l["code"], &l["path"]),
                "row {i}"
            );
            let message = c["message"].as_str().unwrap();
            assert!(message.ends_with(l["message"].as_str().unwrap()), "row {i}");
        } else {
            assert_eq!(cli, lib, "row {i}");
        }
    }
    let failed: Vec<u64> = rows
        .iter()
        .filter_map(|r| r.get("index").and_then(serde_json::Value::as_u64))
        .collect();
    assert_eq!(failed, vec![5, 4150]);
    assert_eq!(rows[4150]["error"]["path"], "[4150].debtor");
}

/// `recobro report` on test-data/report (the figures are worked by hand in
/// core/tests/report.rs): the current snapshot with one unreadable case, the previous one.
fn report_args(format: &str) -> Vec<String> {
    [
        "report",
        "test-data/report/current.json",
        "--as-of",
        "2026-06-30T15:00:00Z",
        "--policy",
        "test-data/report/policy.rhai",
        "--previous",
        "test-data/report/previous.ndjson",
        "--previous-as-of",
        "2026-05-31T15:00:00Z",
        "--format",
        format,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_report(format: &str) -> (i32, String, String) {
    let args = report_args(format);
    recobro(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn report_json_is_the_librarys_report_and_names_the_bad_case() {
    let (code, out, err) = run_report("json");
    // Exit 1: one case could not be read; the report is still written.
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[10].debts[0].due_on"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["cases"]["failed"], 1);
    assert_eq!(v["errors"][0]["error"]["path"], "[10].debts[0].due_on");
    let cop = &v["comparison"]["cei"][0];
    assert_eq!(
        (cop["currency"].as_str(), cop["cei"].as_str()),
        (Some("COP"), Some("29.67"))
    );
}

#[test]
fn report_table_shows_every_section() {
    let (code, out, err) = run_report("table");
    assert_eq!(code, 1, "{err}");
    for heading in [
        "Aging by currency",
        "Aging by segment",
        "Aging by jurisdiction",
        "Promises and plans",
        "Outbound contacts, last 30 days",
        "Compliance blocks by rule",
        "Roll rates",
        "Cures",
        "Collection effectiveness index",
    ] {
        assert!(out.contains(heading), "no `{heading}` in\n{out}");
    }
    // The COP line of the CEI table: beginning, new debts, ending total, ending current,
    // left, CEI.
    let cei = out.lines().rev().find(|l| l.starts_with("COP")).unwrap();
    let cells: Vec<&str> = cei.split_whitespace().collect();
    assert_eq!(
        cells,
        ["COP", "5550", "2000", "6200", "3000", "1000", "29.67"]
    );
}

#[test]
fn report_csv_is_one_long_table() {
    let (code, out, err) = run_report("csv");
    assert_eq!(code, 1, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("table,group,currency,bucket,to,measure,value")
    );
    let rows: Vec<&str> = lines.collect();
    for want in [
        "aging,,COP,31-60,,amount,1000",
        "aging,,USD,91-120,,debts,2",
        "aging_by_segment,late,COP,120+,,amount,800",
        "aging_by_jurisdiction,PE,PEN,61-90,,amount,900",
        "promises,,,,,broken,1",
        "plans,,,,,completed,1",
        "contacts_last_30_days,letter,,,,contacts,1",
        "compliance_blocks,hold.dispute,,,,candidates,2",
        "roll_rates,,,31-60,61-90,debts,2",
        "roll_rates,,,31-60,61-90,rate,66.67",
        "cures,,,all,,rate,14.29",
        "cei,,COP,,,cei,29.67",
    ] {
        assert!(rows.contains(&want), "no `{want}` in\n{out}");
    }
    // The cases that could not be counted are rows too (the snapshot has failed ones:
    // the exit code is 1), each with its index and code.
    let errors: Vec<&&str> = rows.iter().filter(|r| r.starts_with("errors,")).collect();
    assert!(!errors.is_empty(), "no error rows in\n{out}");
    assert!(
        errors.iter().all(|r| r
            .split(',')
            .nth(5)
            .is_some_and(|c| c.starts_with("input.") || c.starts_with("policy."))),
        "{errors:?}"
    );
    // Every row has the header's seven cells (quoted cells hold the commas).
    for r in &rows {
        let mut cells = 1;
        let mut quoted = false;
        for c in r.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => cells += 1,
                _ => {}
            }
        }
        assert_eq!(cells, 7, "{r}");
    }
}

#[test]
fn report_html_opens_with_no_network() {
    let dir = std::env::temp_dir().join(format!("recobro-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.html");
    let mut args = report_args("html");
    args.push("--out".into());
    args.push(file.to_string_lossy().into_owned());
    let (code, out, err) = recobro(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    let html = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // Self-contained: no URL, no script, no external stylesheet or image.
    for banned in [
        "http://", "https://", "<script", "<link", "src=", "@import", "url(",
    ] {
        assert!(!html.contains(banned), "`{banned}` in the page");
    }
    // The charts are inline SVG: aging per currency (3) and contacts per channel.
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("29.67"));
}

#[test]
fn report_without_previous_has_no_comparison_and_a_bad_previous_clock_fails() {
    let (code, out, err) = recobro(&[
        "report",
        "test-data/report/previous.ndjson",
        "--as-of",
        "2026-05-31T15:00:00Z",
        "--policy",
        "test-data/report/policy.rhai",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["comparison"].is_null());
    assert_eq!(v["cases"]["reported"], 10);
    let mut args = report_args("json");
    args[9] = "2026-07-01T00:00:00Z".into();
    let (code, _, err) = recobro(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 2);
    assert!(err.contains("previous_as_of"), "{err}");
}

#[test]
fn simulate_with_replications_prints_intervals_and_matches_the_library() {
    let args = [
        "simulate",
        "--generate",
        "60",
        "--days",
        "20",
        "--replications",
        "3",
        "--challenger",
        "rules/consumer/digital_first.rhai",
    ];
    let (code, json, err) = recobro(&[&args[..], &["--json"]].concat());
    assert_eq!(code, 0, "{err}");
    let start: recobro::Instant = AS_OF.parse().unwrap();
    let settings = recobro::simulation::Settings {
        start,
        days: 20,
        seed: 42,
        split: recobro::simulation::Split::All,
        response: Default::default(),
        replications: 3,
        capacity: Default::default(),
    };
    let policies = [
        recobro::Policy::default_consumer().unwrap(),
        recobro::Policy::embedded("consumer/digital_first").unwrap(),
    ];
    let cases = recobro::simulation::portfolio(60, 42, start, Default::default());
    let lib = recobro::simulation::simulate(&policies, &cases, &settings).unwrap();
    assert_eq!(json.trim_end(), serde_json::to_string(&lib).unwrap());
    assert!(lib.uncertainty.is_some());
    let (code, table, err) = recobro(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        table.contains("Over 3 replications (common random numbers), 95% intervals:"),
        "{table}"
    );
    assert!(
        table.contains("a live 50/50 test of collected_per_case"),
        "{table}"
    );
    // The chart draws each policy's 95% band and its mean line.
    let svg = std::env::temp_dir().join(format!("recobro-bands-{}.svg", std::process::id()));
    let (code, _, err) = recobro(&[&args[..], &["--chart", svg.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    let chart = std::fs::read_to_string(&svg).unwrap();
    std::fs::remove_file(&svg).ok();
    assert_eq!(
        chart.matches("<polygon class=\"band\"").count(),
        2,
        "{chart}"
    );
    let u = lib.uncertainty.as_ref().unwrap();
    let last = u.arms[1].collected_band.last().unwrap();
    assert!(
        chart.contains(&format!(
            "{} [{}, {}], mean of 3 replications",
            last.interval.estimate.round_dp(2),
            last.interval.lo.round_dp(2),
            last.interval.hi.round_dp(2)
        )),
        "{chart}"
    );
    let (code, _, err) = recobro(&[&args[..5], &["--replications", "0"]].concat());
    assert_eq!(code, 1);
    assert!(err.contains("replications"), "{err}");
}

#[test]
fn experiment_plan_and_analyze() {
    // The README's figures. Plan: n = (z.975 + z.80)^2 * 2 * sd^2 / delta^2
    // = 7.848879 * 2 * 150^2 / 25^2 = 565.12 -> 566 per arm (Chow, Shao & Wang 3.2.1).
    let (code, out, err) = recobro(&["experiment", "plan", "test-data/experiment/plan.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("566/566 cases per arm (1132 in all)"),
        "{out}"
    );
    let text = std::fs::read_to_string(root().join("test-data/experiment/outcomes.json")).unwrap();
    let lib = recobro::host::experiment(&text).unwrap();
    let (code, out, err) = recobro(&[
        "experiment",
        "analyze",
        "test-data/experiment/outcomes.json",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim_end(), lib.to_json());
    let (code, out, _) = recobro(&[
        "experiment",
        "analyze",
        "test-data/experiment/outcomes.json",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("keep going: the always-valid interval still holds zero"),
        "{out}"
    );
    // An outcome filed under the wrong arm is refused with its path.
    let arm = recobro::simulation::assign(
        &recobro::simulation::Split::Assign {
            experiment: "softer-tone-2026-q4".into(),
            shares: vec![50, 50],
        },
        "C-00000",
    )
    .unwrap();
    let bad = text.replacen(
        "\"case_id\": \"C-00000\",",
        &format!("\"case_id\": \"C-00000\", \"arm\": {},", 1 - arm),
        1,
    );
    assert_ne!(bad, text);
    let path =
        std::env::temp_dir().join(format!("recobro-bad-outcomes-{}.json", std::process::id()));
    std::fs::write(&path, bad).unwrap();
    let (code, _, err) = recobro(&["experiment", "analyze", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 1);
    assert!(err.contains("experiment.outcomes[0].arm"), "{err}");
}

#[test]
fn the_readmes_simulation_and_experiment_commands_run() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let from = readme.find("### Uncertainty: replications").unwrap();
    let to = readme[from..].find("## Guarantees").unwrap() + from;
    let mut ran = 0;
    for block in readme[from..to].split("```sh\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        for line in block.lines() {
            let line = line.split(" #").next().unwrap().trim();
            let Some(rest) = line.strip_prefix("recobro ") else {
                continue;
            };
            let args: Vec<&str> = rest.split_whitespace().collect();
            let (code, out, err) = recobro(&args);
            assert_eq!(code, 0, "{line}: {err}");
            assert!(!out.is_empty(), "{line}");
            ran += 1;
        }
    }
    assert_eq!(ran, 4);
}

#[test]
fn check_reads_scorecards_and_names_the_line_of_a_gap() {
    let (code, out, err) = recobro(&["check", "rules/scorecards/behavioural.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ok: scorecard `behavioural`"), "{out}");
    let text = std::fs::read_to_string(root().join("rules/scorecards/behavioural.json")).unwrap();
    let bin = r#"{"from": 30, "to": 60, "points": 70}"#;
    let line = text.lines().position(|l| l.contains(bin)).unwrap() + 1;
    let column = text.lines().nth(line - 1).unwrap().find(bin).unwrap() + 1;
    let path = std::env::temp_dir().join(format!("recobro-gap-{}.json", std::process::id()));
    std::fs::write(
        &path,
        text.replace(bin, r#"{"from": 31, "to": 60, "points": 70}"#),
    )
    .unwrap();
    let (code, _, err) = recobro(&["check", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(":{line}:{column}: policy.contract:")),
        "{err}"
    );
    assert!(
        err.contains("values from 30 up to 31 fall in no bin"),
        "{err}"
    );
}

#[test]
fn check_reads_decision_tables_and_names_an_unreachable_row() {
    let (code, out, err) = recobro(&["check", "rules/tables/consumer_treatment.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("ok: decision table `consumer_treatment`"),
        "{out}"
    );
    // Row 13 (collection calls) is partly shadowed by the reminders above it.
    assert!(
        out.contains("note: row 13 overlaps row(s) 1, 2, 3, 4, 11, 12"),
        "{out}"
    );
    // Widen the early reminders to every risk: row 12 (low risk, 1..21) keeps 8..21, but
    // make it 1..8 and nothing is left for it.
    let text =
        std::fs::read_to_string(root().join("rules/tables/consumer_treatment.json")).unwrap();
    let row12 = r#"{"dpd": "1..21", "risk": "low"}"#;
    let line = text.lines().position(|l| l.contains(row12)).unwrap() + 1;
    let path = std::env::temp_dir().join(format!("recobro-table-{}.json", std::process::id()));
    std::fs::write(
        &path,
        text.replace(row12, r#"{"dpd": "1..8", "risk": "low"}"#),
    )
    .unwrap();
    let (code, _, err) = recobro(&["check", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(":{line}:")) && err.contains("row 12 is never reached"),
        "{err}"
    );
}

/// `recobro queue`: the library's queue (core/tests/queue.rs works the rules by hand),
/// written whole, the bad case named and counted in the exit code.
#[test]
fn queue_json_is_the_librarys_queue_and_names_the_bad_case() {
    let (code, out, err) = recobro(&[
        "queue",
        "test-data/report/current.json",
        "--as-of",
        "2026-06-30T15:00:00Z",
        "--capacity",
        "call=1",
        "--capacity",
        "sms=2",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[10].debts[0].due_on"), "{err}");
    let text = std::fs::read_to_string(root().join("test-data/report/current.json")).unwrap();
    let cases = recobro::host::cases(&text).unwrap();
    let policy = recobro::Policy::default_consumer().unwrap();
    let mut capacity = recobro::queue::Capacity::default();
    capacity.0.insert(recobro::Channel::Call, 1);
    capacity.0.insert(recobro::Channel::Sms, 2);
    let q = recobro::queue::queue(
        &policy,
        cases,
        "2026-06-30T15:00:00Z".parse().unwrap(),
        &capacity,
    )
    .unwrap();
    // The same queue; the CLI's error message also names the file.
    let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut lib: serde_json::Value = serde_json::from_str(&q.to_json()).unwrap();
    let (cli_errors, lib_errors) = (v["errors"].take(), lib["errors"].take());
    assert_eq!(v, lib);
    assert_eq!(
        cli_errors[0]["error"]["path"],
        lib_errors[0]["error"]["path"]
    );
    assert!(cli_errors[0]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("test-data/report/current.json: "));
    assert!(v["used"]["call"].as_u64().unwrap() <= 1, "{out}");
    let (code, table, _) = recobro(&[
        "queue",
        "test-data/report/current.json",
        "--as-of",
        "2026-06-30T15:00:00Z",
        "--capacity",
        "fax=3",
    ]);
    assert_eq!(code, 2);
    assert!(table.is_empty());
}

/// `recobro check` reads a contact-timing prior and refuses a rate out of range at its line.
#[test]
fn check_reads_a_prior_and_names_the_line_of_a_bad_rate() {
    let (code, out, err) = recobro(&["check", "rules/priors/consumer.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ok: contact-timing prior `consumer`"), "{out}");
    let text = std::fs::read_to_string(root().join("rules/priors/consumer.json")).unwrap();
    let bad = text.replacen("0.22, 0.18, 0.10", "1.22, 0.18, 0.10", 1);
    assert_ne!(bad, text);
    let line = bad.lines().position(|l| l.contains("1.22")).unwrap() + 1;
    let path = std::env::temp_dir().join(format!("recobro-bad-prior-{}.json", std::process::id()));
    std::fs::write(&path, bad).unwrap();
    let (code, _, err) = recobro(&["check", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!(":{line}:")), "line {line}: {err}");
    assert!(err.contains("within 0 and 1"), "{err}");
}

/// Every command whose reader closes the pipe early (`recobro eval ... | head`) stops
/// quietly: no "Broken pipe" error (exit 2, as `generate` and `eval` gave) and no engine
/// fault (exit 70: `println!` panics on a closed pipe, as `simulate`, `docs`, `rules`,
/// `check`, `test` and `contact` did). The exit code is the command's own: 1 when a case
/// had failed (`report` and `queue` on a snapshot with a bad case), else 0. The read end
/// is closed before the child writes, so every write meets the closed pipe.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let commands: &[&[&str]] = &[
        &["generate", "50", "--seed", "1", "--as-of", AS_OF],
        &["eval", "--generate", "20", "--seed", "1", "--as-of", AS_OF],
        &[
            "eval",
            "examples/data/cases",
            "--as-of",
            AS_OF,
            "--format",
            "table",
        ],
        &["simulate", "--generate", "20", "--days", "3", "--json"],
        &["simulate", "--generate", "20", "--days", "3"],
        &["docs"],
        &["rules"],
        &["check", "rules/consumer/policy.rhai"],
        &["test", "rules"],
        &[
            "contact",
            "--case",
            "examples/data/cases/preventive.json",
            "--channel",
            "call",
            "--at",
            AS_OF,
        ],
        &[
            "report",
            "test-data/report/current.json",
            "--as-of",
            "2026-06-30T15:00:00Z",
        ],
        &[
            "queue",
            "test-data/report/current.json",
            "--as-of",
            "2026-06-30T15:00:00Z",
        ],
        &["experiment", "plan", "test-data/experiment/plan.json"],
    ];
    for args in commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_recobro"))
            .args(*args)
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // test-data/report/current.json holds one bad case.
        let want = if args[0] == "report" || args[0] == "queue" {
            1
        } else {
            0
        };
        assert_eq!(out.status.code(), Some(want), "{args:?}: {err}");
        assert!(
            !err.contains("Broken pipe") && !err.contains("internal"),
            "{args:?}: {err}"
        );
    }
    // The files a simulation writes are written whatever becomes of stdout.
    let dir = std::env::temp_dir().join(format!("recobro-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let series = dir.join("series.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_recobro"))
        .args(["simulate", "--generate", "20", "--days", "3", "--series"])
        .arg(&series)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let written = std::fs::read_to_string(&series).unwrap_or_default();
    std::fs::remove_dir_all(&dir).ok();
    assert!(written.lines().count() > 1, "{written}");
}

/// A failed write to standard output is an error (exit 2, the OS's message), never
/// lost: `generate` wrote through a buffer whose last flush was dropped unchecked.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error() {
    for args in [
        &["generate", "1", "--seed", "1", "--as-of", AS_OF][..],
        &["simulate", "--generate", "20", "--days", "3", "--json"][..],
        &["rules"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_recobro"))
            .args(args)
            .current_dir(root())
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
    }
}

/// Files saved by Windows tools start with a UTF-8 byte order mark (Notepad's "UTF-8
/// with BOM", PowerShell 5's `Out-File`); RFC 8259 section 8.1 lets a JSON reader
/// ignore it. A marked case file and a marked policy decide as the plain ones do; before,
/// the case file was refused at `[0].cases` and the policy at an invisible character.
#[test]
fn files_with_a_byte_order_mark_read_as_without() {
    let dir = std::env::temp_dir().join(format!("recobro-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = std::fs::read(root().join("examples/data/cases/administrative.json")).unwrap();
    let policy = std::fs::read(root().join("rules/consumer/digital_first.rhai")).unwrap();
    let marked = |name: &str, body: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, [b"\xef\xbb\xbf", body].concat()).unwrap();
        path.to_str().unwrap().to_string()
    };
    let (case_bom, policy_bom) = (marked("case.json", &case), marked("policy.rhai", &policy));
    let plain = recobro(&[
        "eval",
        "examples/data/cases/administrative.json",
        "--policy",
        "rules/consumer/digital_first.rhai",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(plain.0, 0, "{}", plain.2);
    assert!(plain.1.contains("\"segment\""), "{}", plain.1);
    let with_marks = recobro(&["eval", &case_bom, "--policy", &policy_bom, "--as-of", AS_OF]);
    assert_eq!(with_marks, plain);
    std::fs::remove_dir_all(&dir).unwrap();
}
