//! The delinquency report (`recobro::report`, `host::report`) on the small portfolio of
//! `test-data/report/`, every figure worked by hand below, beside the test. The
//! report's JSON is read back and compared figure by figure; no snapshot file is the
//! oracle.
//!
//! The portfolio (debtors in Bogotá, Lima and Guayaquil, all UTC-5, so 15:00Z is 10:00
//! local and the local date is the UTC date). Days past due (DPD) at the current
//! `as_of` 2026-06-30 and at the previous one 2026-05-31 (30 days earlier):
//!
//! | case | debt  | ccy | due        | outstanding now (before) | DPD now | before | note |
//! |------|-------|-----|------------|--------------------------|---------|--------|------|
//! | C1   | C1-A  | COP | 2026-06-30 | 1000 (1000)              | 0       | 0      | contacts |
//! | C2   | C2-A  | COP | 2026-06-29 | 400 (500)                | 1       | 0      | promise kept |
//! | C3   | C3-A  | COP | 2026-05-31 | 300 (300)                | 30      | 0      | promise broken |
//! | C4   | C4-A  | COP | 2026-05-30 | 400 (400)                | 31      | 1      | dispute, promise pending |
//! | C5   | C5-A  | COP | 2026-05-01 | 600 (600)                | 60      | 30     | plan active |
//! | C5   | C5-B  | COP | 2026-04-30 | 700 (700)                | 61      | 31     | the roll 31-60 -> 61-90 |
//! | C6   | C6-A  | PEN | 2026-04-01 | 900 (900)                | 90      | 60     | plan behind |
//! | C7   | C7-A  | USD | 2026-03-31 | 50.00 (50.00)            | 91      | 61     | plan completed |
//! | C7   | C7-B  | USD | 2026-03-02 | 70.00 (70.00)            | 120     | 90     | |
//! | C8   | C8-A  | COP | 2026-03-01 | 800 (800)                | 121     | 91     | |
//! | C9   | C9-A  | COP | 2026-05-15 | 0 (250)                  | settled | 16     | the cure |
//! | C10  | C10-A | COP | 2026-04-15 | absent (1000)            | -       | 46     | left the portfolio |
//! | C11  | C11-A | COP | 2026-07-10 | 2000 (absent)            | 0       | -      | new: original 2000 |
//! | C12  | C12-A | COP | 2026-13-01 | unreadable               |         |        | entry 10, an error |
//!
//! Every bucket boundary is there: 0, 1, 30, 31, 60, 61, 90, 91, 120, 121.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use recobro::{host, Policy};
use serde_json::{json, Value};
use std::path::PathBuf;

const AS_OF: &str = "2026-06-30T15:00:00Z";
const PREVIOUS_AS_OF: &str = "2026-05-31T15:00:00Z";

fn data(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-data/report")
        .join(name);
    std::fs::read_to_string(&p).unwrap()
}

fn policy() -> Policy {
    Policy::from_source(&data("policy.rhai")).unwrap()
}

fn full() -> Value {
    let current = data("current.json");
    let previous = data("previous.ndjson");
    let r = host::report(
        &policy(),
        &current,
        AS_OF,
        Some((&previous, PREVIOUS_AS_OF)),
    )
    .unwrap();
    serde_json::from_str(&r.to_json()).unwrap()
}

/// `[currency-or-group, bucket, debts, amount]` of the non-zero cells of an aging table.
fn nonzero(rows: &Value) -> Vec<(String, String, u64, String)> {
    rows.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["debts"].as_u64().unwrap() > 0)
        .map(|r| {
            let key = match r.get("group") {
                Some(g) => format!(
                    "{}/{}",
                    g.as_str().unwrap(),
                    r["currency"].as_str().unwrap()
                ),
                None => r["currency"].as_str().unwrap().to_string(),
            };
            (
                key,
                r["bucket"].as_str().unwrap().to_string(),
                r["debts"].as_u64().unwrap(),
                r["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn cells(list: &[(&str, &str, u64, &str)]) -> Vec<(String, String, u64, String)> {
    list.iter()
        .map(|(k, b, n, a)| (k.to_string(), b.to_string(), *n, a.to_string()))
        .collect()
}

#[test]
fn counts_and_the_unreadable_case() {
    let r = full();
    // 11 entries; C12 (index 10) has the impossible date 2026-13-01. Aged: every debt
    // with something outstanding (11); settled: C9-A (outstanding 0).
    assert_eq!(
        r["cases"],
        json!({"entries": 11, "reported": 10, "failed": 1, "debts_aged": 11, "debts_settled": 1})
    );
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["index"], 10);
    assert_eq!(errors[0]["error"]["code"], "input.invalid");
    assert_eq!(errors[0]["error"]["path"], "[10].debts[0].due_on");
}

#[test]
fn aging_per_currency_puts_each_debt_in_its_own_bucket() {
    let r = full();
    // COP current: C1-A 1000 + C11-A 2000 (C11-A due in 10 days) = 3000, 2 debts.
    // COP 1-30: C2-A (1 DPD) 400 + C3-A (30) 300 = 700. 31-60: C4-A (31) 400 + C5-A (60)
    // 600 = 1000. 61-90: C5-B (61) 700. 120+: C8-A (121) 800. PEN 61-90: C6-A (90) 900.
    // USD 91-120: C7-A (91) 50.00 + C7-B (120) 70.00 = 120.00.
    assert_eq!(
        nonzero(&r["aging"]),
        cells(&[
            ("COP", "current", 2, "3000"),
            ("COP", "1-30", 2, "700"),
            ("COP", "31-60", 2, "1000"),
            ("COP", "61-90", 1, "700"),
            ("COP", "120+", 1, "800"),
            ("PEN", "61-90", 1, "900"),
            ("USD", "91-120", 2, "120.00"),
        ])
    );
    // Every bucket of every currency is listed, zeros included: 3 currencies x 6.
    assert_eq!(r["aging"].as_array().unwrap().len(), 18);
}

#[test]
fn aging_by_segment_and_by_jurisdiction() {
    let r = full();
    // The test policy: `late` above 60 DPD (case DPD: the largest of its overdue debts),
    // `early` from 1, `current` at 0. current: C1, C9 (settled), C11; early: C2 (1), C3
    // (30), C4 (31); late: C5 (61), C6 (90), C7 (120), C8 (121). C5-A (60 DPD) is aged
    // 31-60 inside the `late` segment: the segment is the case's, the bucket the debt's.
    assert_eq!(
        nonzero(&r["aging_by_segment"]),
        cells(&[
            ("current/COP", "current", 2, "3000"),
            ("early/COP", "1-30", 2, "700"),
            ("early/COP", "31-60", 1, "400"),
            ("late/COP", "31-60", 1, "600"),
            ("late/COP", "61-90", 1, "700"),
            ("late/COP", "120+", 1, "800"),
            ("late/PEN", "61-90", 1, "900"),
            ("late/USD", "91-120", 2, "120.00"),
        ])
    );
    // Jurisdictions: C6 is PE, C7 is EC, the others CO.
    assert_eq!(
        nonzero(&r["aging_by_jurisdiction"]),
        cells(&[
            ("CO/COP", "current", 2, "3000"),
            ("CO/COP", "1-30", 2, "700"),
            ("CO/COP", "31-60", 2, "1000"),
            ("CO/COP", "61-90", 1, "700"),
            ("CO/COP", "120+", 1, "800"),
            ("EC/USD", "91-120", 2, "120.00"),
            ("PE/PEN", "61-90", 1, "900"),
        ])
    );
}

#[test]
fn promises_plans_and_contacts() {
    let r = full();
    // C2: 100 promised by 06-15, 100 paid 06-10: kept. C3: 150 by 06-20, nothing paid:
    // broken. C4: 50 by 07-05: pending.
    assert_eq!(r["promises"], json!({"kept": 1, "broken": 1, "pending": 1}));
    // C5: 100 due 06-15 paid 06-14, 100 due 07-15: active. C6: 05-15 and 06-15 unpaid:
    // behind. C7: 10.00 + 10.00 paid, 20.00 due in all: completed.
    assert_eq!(
        r["plans"],
        json!({"active": 1, "behind": 1, "completed": 1})
    );
    // C1's ledger: outbound call 05-20 (before the 30 days from 05-31T15:00Z), letter
    // 06-02, call 06-10, SMS 06-20, email 06-25; an inbound call 06-26 (not counted).
    let contacts: Vec<(String, u64)> = r["contacts_last_30_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["channel"].as_str().unwrap().to_string(),
                c["contacts"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = [
        ("call", 1),
        ("sms", 1),
        ("email", 1),
        ("whatsapp", 0),
        ("letter", 1),
        ("visit", 0),
        ("push", 0),
    ]
    .iter()
    .map(|(c, n)| (c.to_string(), *n))
    .collect();
    assert_eq!(contacts, want);
}

#[test]
fn compliance_blocks_by_rule() {
    let r = full();
    // The policy proposes an email and an SMS to every case past due: C2, C3, C4, C5, C6,
    // C7, C8. The Colombian cases (C2, C3, C4, C5, C8) gave no channel authorisation, so
    // Ley 2300's authorised-channels rule blocks both candidates of each: 10 candidates,
    // 5 cases. C4's debtor disputes the debt: the dispute hold blocks both of its
    // candidates too: 2 candidates, 1 case. Lima and Guayaquil (C6, C7) are allowed.
    let blocks: Vec<(String, u64, u64)> = r["compliance_blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["rule"].as_str().unwrap().to_string(),
                b["candidates"].as_u64().unwrap(),
                b["cases"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        blocks,
        vec![
            ("co.ley2300.authorised_channels".to_string(), 10, 5),
            ("hold.dispute".to_string(), 2, 1),
        ]
    );
}

#[test]
fn roll_rates_between_the_snapshots() {
    let r = full();
    let c = &r["comparison"];
    assert_eq!(c["previous_as_of"], PREVIOUS_AS_OF);
    assert_eq!(
        c["cases"],
        json!({"entries": 10, "reported": 10, "failed": 0, "debts_aged": 12, "debts_settled": 0})
    );
    // Debts aged before, and where they are now:
    // current (3): C1-A -> current; C2-A, C3-A -> 1-30.       1/3 = 33.33%, 2/3 = 66.67%
    // 1-30 (3): C4-A, C5-A -> 31-60; C9-A -> settled.         66.67%, 33.33%
    // 31-60 (3): C5-B (31 -> 61), C6-A -> 61-90; C10-A left.   66.67%, 33.33%
    // 61-90 (2): C7-A, C7-B -> 91-120.                         100.00%
    // 91-120 (1): C8-A -> 120+.                                100.00%
    // 120+ (0): every rate null.
    let nonzero: Vec<(String, String, u64, String)> = c["roll_rates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["debts"].as_u64().unwrap() > 0)
        .map(|x| {
            (
                x["from"].as_str().unwrap().to_string(),
                x["to"].as_str().unwrap().to_string(),
                x["debts"].as_u64().unwrap(),
                x["rate"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64, String)> = [
        ("current", "current", 1, "33.33"),
        ("current", "1-30", 2, "66.67"),
        ("1-30", "31-60", 2, "66.67"),
        ("1-30", "settled", 1, "33.33"),
        ("31-60", "61-90", 2, "66.67"),
        ("31-60", "left", 1, "33.33"),
        ("61-90", "91-120", 2, "100.00"),
        ("91-120", "120+", 1, "100.00"),
    ]
    .iter()
    .map(|(f, t, n, p)| (f.to_string(), t.to_string(), *n, p.to_string()))
    .collect();
    assert_eq!(nonzero, want);
    let all = c["roll_rates"].as_array().unwrap();
    // The whole matrix: 6 from-buckets x 8 states.
    assert_eq!(all.len(), 48);
    let empty_row: Vec<&Value> = all.iter().filter(|x| x["from"] == "120+").collect();
    assert!(empty_row
        .iter()
        .all(|x| x["rate"].is_null() && x["debts"] == 0));
    let zero = all
        .iter()
        .find(|x| x["from"] == "current" && x["to"] == "left")
        .unwrap();
    assert_eq!(zero["rate"], "0.00");
}

#[test]
fn cures_between_the_snapshots() {
    let r = full();
    // Cases delinquent before, by their bucket (largest DPD) then: 1-30: C4 (1), C9 (16);
    // 31-60: C5 (31), C6 (60), C10 (46); 61-90: C7 (90); 91-120: C8 (91). Now only C9 is
    // current (its one debt paid); C10 left the portfolio and is not cured.
    // 1-30: 1 of 2 = 50.00%; all: 1 of 7 = 14.2857...% -> 14.29.
    assert_eq!(
        r["comparison"]["cures"],
        json!([
            {"from": "1-30", "delinquent": 2, "cured": 1, "rate": "50.00"},
            {"from": "31-60", "delinquent": 3, "cured": 0, "rate": "0.00"},
            {"from": "61-90", "delinquent": 1, "cured": 0, "rate": "0.00"},
            {"from": "91-120", "delinquent": 1, "cured": 0, "rate": "0.00"},
            {"from": "120+", "delinquent": 0, "cured": 0, "rate": null},
            {"delinquent": 7, "cured": 1, "rate": "14.29"}
        ])
    );
}

#[test]
fn collection_effectiveness_index_worked_by_hand() {
    let r = full();
    // COP. Beginning receivables (previous outstanding): C1 1000 + C2 500 + C3 300 + C4
    // 400 + C5 600 + 700 + C8 800 + C9 250 + C10 1000 = 5550.
    // Credit sales (debts new in the current snapshot, original amount): C11-A 2000.
    // Ending total: C1 1000 + C2 400 + C3 300 + C4 400 + C5 600 + 700 + C8 800 + C9 0 +
    // C11 2000 = 6200. Ending current (not past due): C1 1000 + C9 0 + C11 2000 = 3000.
    // CEI = (5550 + 2000 - 6200) / (5550 + 2000 - 3000) x 100 = 1350 / 4550 x 100
    //     = 29.6703...% -> 29.67. (1350 = C2's 100 paid + C9's 250 + C10's 1000 that left.)
    // PEN: (900 + 0 - 900) / (900 + 0 - 0) = 0.00. USD: (120 - 120) / 120 = 0.00.
    assert_eq!(
        r["comparison"]["cei"],
        json!([
            {"currency": "COP", "beginning": "5550", "new_debts": "2000", "ending_total": "6200",
             "ending_current": "3000", "left": "1000", "cei": "29.67"},
            {"currency": "PEN", "beginning": "900", "new_debts": "0", "ending_total": "900",
             "ending_current": "0", "left": "0", "cei": "0.00"},
            {"currency": "USD", "beginning": "120.00", "new_debts": "0", "ending_total": "120.00",
             "ending_current": "0", "left": "0", "cei": "0.00"}
        ])
    );
}

#[test]
fn without_a_previous_snapshot_there_is_no_comparison() {
    let r = host::report(&policy(), &data("current.json"), AS_OF, None).unwrap();
    assert!(r.comparison.is_none());
    let v: Value = serde_json::from_str(&r.to_json()).unwrap();
    assert!(v["comparison"].is_null());
    assert_eq!(v["cases"]["reported"], 10);
}

#[test]
fn the_report_is_deterministic_and_matches_its_schema() {
    let a = full();
    let b = full();
    assert_eq!(a, b);
    let schema: Value = serde_json::from_str(&recobro::schema::report()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&a).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_repeated_case_id_is_an_error_not_a_double_count() {
    let one = r#"{"id": "X", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
        "debts": [{"id": "A", "currency": "COP", "original_amount": "10", "outstanding": "10", "issued_on": "2026-01-01", "due_on": "2026-06-01"}]}"#;
    let text = format!("[{one}, {one}]");
    let r = host::report(&policy(), &text, AS_OF, None).unwrap();
    assert_eq!(r.cases.reported, 1);
    assert_eq!(r.cases.failed, 1);
    assert_eq!(r.errors[0].index, 1);
    assert_eq!(r.errors[0].error.path(), Some("[1].id"));
    assert!(r.errors[0].error.message.contains("first at index 0"));
}

#[test]
fn a_ledger_entry_after_as_of_fails_its_case() {
    // The previous snapshot must hold the books as they were: C1's current ledger has
    // contacts after 2026-05-31, so read as the previous snapshot it fails, at its path.
    let current = data("current.json");
    let r = host::report(&policy(), &current, AS_OF, Some((&current, PREVIOUS_AS_OF))).unwrap();
    let c = r.comparison.unwrap();
    let paths: Vec<&str> = c.errors.iter().filter_map(|e| e.error.path()).collect();
    assert!(paths.contains(&"[0].contacts[1].at"), "{paths:?}");
}

#[test]
fn bad_clocks_and_bad_batches_fail_the_call_at_their_argument() {
    let p = policy();
    let current = data("current.json");
    let e = host::report(&p, &current, AS_OF, Some((&current, AS_OF))).unwrap_err();
    assert_eq!(e.path(), Some("previous_as_of"));
    let e = host::report(&p, &current, "2026-06-30", None).unwrap_err();
    assert_eq!(e.path(), Some("as_of"));
    let e = host::report(&p, &current, AS_OF, Some(("[1,", PREVIOUS_AS_OF))).unwrap_err();
    assert_eq!(e.path(), Some("previous"));
    let e = host::report(&p, "nonsense", AS_OF, None).unwrap_err();
    assert_eq!(e.path(), Some("cases"));
}

#[test]
fn buckets_at_every_boundary() {
    use recobro::report::Bucket;
    let want = [
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "91-120"),
        (120, "91-120"),
        (121, "120+"),
    ];
    for (days, label) in want {
        assert_eq!(Bucket::of(days).as_str(), label, "{days} days");
    }
}

#[test]
fn a_case_the_policy_fails_on_is_listed_not_dropped() {
    // The policy throws on C3 (index 2): C3 is in no figure and is listed with the
    // policy's error (its line and column, no input path); C12 is still listed too.
    let source = format!(
        "{}\nfn charges(c) {{ if c.id == \"C3\" {{ throw \"no charges for C3\"; }} [] }}\n",
        data("policy.rhai")
    );
    let p = Policy::from_source(&source).unwrap();
    let r = host::report(&p, &data("current.json"), AS_OF, None).unwrap();
    assert_eq!((r.cases.reported, r.cases.failed), (9, 2));
    let listed: Vec<(usize, &str)> = r
        .errors
        .iter()
        .map(|e| (e.index, e.error.code.as_str()))
        .collect();
    assert_eq!(listed, [(2, "policy.runtime"), (10, "input.invalid")]);
    // C3's debt (30 DPD, 300) left the COP 1-30 cell: only C2-A's 400 remains.
    let cell = r
        .aging
        .iter()
        .find(|a| a.currency == "COP" && a.bucket == recobro::report::Bucket::D1To30)
        .unwrap();
    assert_eq!(
        (cell.debts, cell.amount.to_string()),
        (1, "400".to_string())
    );
}
