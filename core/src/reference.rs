//! The policy API reference, generated from the engine's own registrations so it
//! cannot drift from what a policy can call.
//!
//! Signatures are written in the policy's own terms (`Case`, `Debt`, `decimal`,
//! `string`, ...), never as Rust types: the engine's metadata names Rust types
//! (`core::result::Result<..>`, `rhai::Dynamic`, `i64`), and [`policy_type`] maps each
//! of them. Functions are grouped by what a policy author does, each group with a short
//! introduction and an example policy that the tests compile and evaluate.

use crate::policy::{
    api_docs, ApiDoc, GROUP_ACTIONS, GROUP_CASE, GROUP_CHARGES, GROUP_CONTACT, GROUP_MONEY,
    GROUP_OFFERS,
};

/// One group of the reference: its heading, introduction and example policy.
struct Group {
    name: &'static str,
    intro: &'static str,
    example: &'static str,
}

/// The groups in page order. Every example is a whole policy (it defines hooks) and is
/// evaluated by the tests, so it cannot rot.
const GROUPS: &[Group] = &[
    Group {
        name: GROUP_CASE,
        intro: "A hook receives the case as `c`. Its properties answer what the case says: \
                who the debtor is, what is owed and how late, and each debt (`c.debts`, \
                `c.oldest_overdue`). Dates are `YYYY-MM-DD` strings in the debtor's time \
                zone, so they compare in order. `c.attr(name, default)` reads the host's \
                free attributes, such as a risk score.",
        example: r#"// After rules/common/stages.rhai: the stage by days past due, the risk band from an attribute.
fn segment(c) {
    let dpd = c.days_past_due;
    let score = c.attr("risk_score", 500);
    let risk = if score >= 700 { "high" } else if score >= 400 { "medium" } else { "low" };
    if c.total_outstanding <= 0 { return "cured"; }
    if dpd <= 0 { "preventive" }
    else if dpd < 60 { `administrative_${risk}` }
    else if dpd < 120 { "extrajudicial" }
    else { "legal" }
}
"#,
    },
    Group {
        name: GROUP_CONTACT,
        intro: "What has already happened with the debtor: contacts made (by channel and \
                outcome, over a rolling number of days), promises and plans and whether \
                they were kept, hold flags and channel consent. The compliance rules still \
                check every contact candidate; these functions let a policy choose well \
                before they do.",
        example: r#"// From rules/consumer/policy.rhai: a dispute stops the chase; a pending promise pauses it.
fn actions(c) {
    let out = [];
    if c.has_flag("dispute") {
        out.push(task("dispute_review").with_priority(90).because("the debtor disputes the debt"));
        return out;
    }
    if c.promise_status == "pending" || c.plan_status == "active" { return out; }
    if c.contacts(2, "call") == 0 && c.consents_to("call") {
        out.push(contact("call", "collection_call").with_priority(50).because("no call in two days"));
    }
    out
}
"#,
    },
    Group {
        name: GROUP_ACTIONS,
        intro: "`segment(c)` returns a string; `actions(c)` returns candidate actions in \
                priority order. A candidate is a contact on a channel with a template, or a \
                task such as `legal_review`; chain `with_priority`, `because`, `for_debt` \
                and `not_before` to complete it. The engine keeps the first candidate the \
                compliance rules allow.",
        example: r#"// From rules/consumer/policy.rhai: escalation at 60 days past due.
fn actions(c) {
    let out = [];
    let dpd = c.days_past_due;
    if dpd >= 60 {
        out.push(contact("call", "negotiation_call").with_priority(70)
            .because(`${dpd} DPD: negotiate a plan`));
        out.push(contact("letter", "pre_legal_notice").with_priority(60)
            .because("no call possible: written notice"));
    }
    out
}
"#,
    },
    Group {
        name: GROUP_CHARGES,
        intro: "`charges(c)` returns charge lines: fees, interest and compensation on a debt. \
                What authorises a line is the debt's `agreement` or a statute the engine \
                knows, never the policy; the engine checks and, where the law says so, cuts \
                every line. The ledger of charges already applied (`d.charged`, \
                `d.may_charge`) keeps a fee from being charged twice.",
        example: r#"// From rules/consumer/policy.rhai: the agreement's late fee once a debt is 15 days late.
fn charges(c) {
    let out = [];
    for d in c.debts {
        if d.overdue && d.days_past_due >= 15 && d.may_charge("late_fee") {
            out.push(agreed_fee(d, "late_fee")
                .cite("contractual late fee (the agreement creating the debt)")
                .basis("days_past_due", d.days_past_due));
        }
    }
    out
}
"#,
    },
    Group {
        name: GROUP_MONEY,
        intro: "Numbers with a decimal point are exact decimals (`0.1 + 0.2 == 0.3`). Wherever \
                a `decimal` is expected an `int` is accepted too. Round money with \
                `round_money` (the currency's minor units, half up).",
        example: r#"// After rules/money/br.rhai: a 2% late fine, rounded to the currency.
fn charges(c) {
    let out = [];
    for d in c.debts {
        if d.overdue && d.has_agreed_fee("late_fee") {
            out.push(agreed_fee(d, "late_fee")
                .cap(round_money(percent(d.outstanding, 2), d.currency), "at most 2%"));
        }
    }
    out
}
"#,
    },
    Group {
        name: GROUP_OFFERS,
        intro: "`offers(c)` returns what the debtor may accept on their own: a settlement \
                (a discount paid within some days) or a payment plan within bounds. The \
                engine computes the exact amounts and schedule.",
        example: r#"// From rules/consumer/policy.rhai: a plan from 30 days past due, a settlement from 90.
fn offers(c) {
    let out = [];
    if c.on_hold || c.total_outstanding <= 0 { return out; }
    let dpd = c.days_past_due;
    if dpd >= 30 {
        out.push(payment_plan(c, #{
            min_down_payment_pct: 10,
            max_installments: if dpd >= 90 { 12 } else { 6 },
            frequencies: ["monthly", "biweekly"],
            min_installment: 10,
            max_days_to_first: 30,
            annual_rate: 0,
        }).named("standard_plan"));
    }
    if dpd >= 90 {
        out.push(settlement(c, if dpd >= 180 { 40 } else { 20 }, 15).named("settlement"));
    }
    out
}
"#,
    },
];

/// The policy's names for the types the engine's metadata prints.
const TYPES: &[(&str, &str)] = &[
    ("Case", "Case"),
    ("Debt", "Debt"),
    ("Action", "Action"),
    ("Charge", "Charge"),
    ("Offer", "Offer"),
    ("CaseRef", "Case"),
    ("DebtRef", "Debt"),
    ("ActionRef", "Action"),
    ("ChargeRef", "Charge"),
    ("OfferRef", "Offer"),
    ("string", "string"),
    ("ImmutableString", "string"),
    ("str", "string"),
    ("String", "string"),
    ("i64", "int"),
    ("INT", "int"),
    ("bool", "bool"),
    ("decimal", "decimal"),
    ("Decimal", "decimal"),
    ("map", "map"),
    ("Map", "map"),
    ("array", "array"),
    ("Array", "array"),
    ("()", "nothing"),
];

/// Functions whose untyped (`Dynamic`) parameters are amounts: an `int` or a `decimal`.
const AMOUNT_PARAMETERS: &[&str] = &[
    "round_half_up",
    "round_half_even",
    "round_money",
    "percent",
    "fee",
    "interest",
    "compensation",
    "uk_fixed_sum",
    "cl_collection_fee",
    "co_usury_cap",
    "cap",
    "settlement",
];

/// What an untyped value of `function` stands for (`position`: a parameter's index,
/// `None` for the result), as the function's docs say.
fn dynamic_name(function: &str, position: Option<usize>) -> &'static str {
    match (function, position) {
        ("get$oldest_overdue", None) => "Debt or nothing",
        ("score", None) => "map",
        ("best_moment", None) => "map or nothing",
        (f, Some(_)) if AMOUNT_PARAMETERS.contains(&f) => "decimal",
        _ => "any",
    }
}

/// The policy's name for a type as the engine's metadata prints it. A result type
/// `Result<T, Box<EvalAltResult>>` is `T` (the error is a policy error); a reference is
/// its type. A type with no policy name is returned as it is (the tests reject it).
pub fn policy_type(rust: &str, function: &str, position: Option<usize>) -> String {
    let t = rust.trim();
    let t = t.strip_prefix("&mut ").unwrap_or(t);
    let t = t.strip_prefix('&').unwrap_or(t).trim();
    if let Some(inner) = t
        .strip_prefix("core::result::Result<")
        .or_else(|| t.strip_prefix("Result<"))
    {
        return policy_type(first_argument(inner), function, position);
    }
    let last = t.rsplit("::").next().unwrap_or(t);
    if last == "Dynamic" {
        return dynamic_name(function, position).to_string();
    }
    TYPES
        .iter()
        .find(|(rust, _)| *rust == t || *rust == last)
        .map_or_else(|| t.to_string(), |(_, name)| (*name).to_string())
}

/// `A` of `A, B>` (the first generic argument, nesting respected).
fn first_argument(args: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in args.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' if depth > 0 => depth -= 1,
            ',' | '>' if depth == 0 => return &args[..i],
            _ => {}
        }
    }
    args
}

/// Split `a: T, b: U<X, Y>` at its top-level commas.
fn parameters(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' if depth > 0 => depth -= 1,
            ',' if depth == 0 => {
                out.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !list[start..].trim().is_empty() {
        out.push(list[start..].trim());
    }
    out
}

/// One signature from the engine's metadata (`name(_: T, ..) -> R`) in the policy's
/// terms: `Case.id -> string` for a property, `contacts(Case, int) -> int` for a function.
pub fn policy_signature(rhai_signature: &str) -> String {
    let (head, ret) = match rhai_signature.rsplit_once(") -> ") {
        Some((h, r)) => (h, r),
        None => (rhai_signature.trim_end_matches(')'), "()"),
    };
    let (name, params) = head.split_once('(').unwrap_or((head, ""));
    let types: Vec<String> = parameters(params)
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ty = p.split_once(": ").map_or(*p, |(_, t)| t);
            policy_type(ty, name, Some(i))
        })
        .collect();
    let ret = policy_type(ret, name, None);
    match name.strip_prefix("get$") {
        Some(property) => format!(
            "{}.{property} -> {ret}",
            types.first().map_or("", String::as_str)
        ),
        None => format!("{name}({}) -> {ret}", types.join(", ")),
    }
}

fn display_name(name: &str) -> String {
    match name.strip_prefix("get$") {
        Some(p) => format!(".{p}"),
        None => name.to_string(),
    }
}

fn anchor(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn table(out: &mut String, docs: &[&ApiDoc]) {
    out.push_str("| function | description |\n|---|---|\n");
    for d in docs {
        let mut forms: Vec<String> = d
            .signatures
            .iter()
            .map(|s| format!("`{}`", policy_signature(s)))
            .collect();
        forms.dedup();
        if forms.is_empty() {
            forms.push(format!("`{}`", display_name(&d.name)));
        }
        out.push_str(&format!(
            "| {} | {} |\n",
            forms.join("<br>"),
            d.doc.replace('|', "\\|")
        ));
    }
}

/// The reference page in Markdown.
pub fn markdown() -> String {
    let docs = api_docs();
    let mut out = String::from(
        "# Recobro policy API reference\n\n\
         Generated by `recobro docs` from the engine's registrations; do not edit by hand.\n\n\
         A policy defines some of `segment(c)`, `actions(c)`, `charges(c)`, `offers(c)` and \
         `metadata()`, and may define `contact_timing()`: \
         `#{ prior: \"consumer\", horizon_hours: 48, weight: 4 }` gives every contact candidate \
         its best lawful moment, `best_at`, within the horizon, from the debtor's own contacts \
         by local hour shrunk toward the prior (a portfolio's right-party-contact rates by \
         channel and hour, embedded under `rules/priors/` or the host's), the prior weighing \
         as `weight` attempts. `case` is a reserved word in Rhai, so the examples name the case `c`. \
         Numbers with a decimal point are exact decimals (`0.1 + 0.2 == 0.3`); \
         `round(x, dp)` rounds half to even, `round_half_up` half away from zero.\n\n\
         Rhai's standard library (strings, arrays, maps, decimal maths) is available; \
         `eval`, the clock and random numbers are not. An array's `sort`, `sort_by`, \
         `order`, `order_by` and `dedup` with a comparer (a closure, `Fn(\"name\")`, or for \
         `sort` and `dedup` the name as a string) are strict: the comparer returns an `int` \
         (negative: `x` first, zero, positive) or a `bool` (`true`: in order), a dedup \
         comparer a `bool`, and an error or any other result inside it fails the case at \
         the comparer's position. A comparer that is a strict order (`<`, `>`, an `int` \
         difference) keeps equal elements in place.\n\n\
         Types: `Case`, `Debt`, `Action`, `Charge` and `Offer` are the engine's values; \
         `decimal` (an exact number; an `int` is accepted too), `int`, `bool`, `string`, \
         `array` and `map` are Rhai's; `nothing` is `()`, which `type_of(x) == \"()\"` \
         tests; `any` is any value. A property reads as `Case.days_past_due -> int`: \
         write `c.days_past_due`. Any function can also be called as a method on its first \
         argument: `fee(d, 10, \"late_fee\")` is `d.fee(10, \"late_fee\")`.\n\n",
    );
    for g in GROUPS {
        out.push_str(&format!("- [{}](#{})\n", g.name, anchor(g.name)));
    }
    for g in GROUPS {
        let in_group: Vec<&ApiDoc> = docs.iter().filter(|d| d.group == g.name).collect();
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n```rhai\n{}```\n\n",
            g.name, g.intro, g.example
        ));
        table(&mut out, &in_group);
    }
    let other: Vec<&ApiDoc> = docs
        .iter()
        .filter(|d| !GROUPS.iter().any(|g| g.name == d.group))
        .collect();
    if !other.is_empty() {
        out.push_str("\n## Other\n\n");
        table(&mut out, &other);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::api_signatures;
    use crate::{Case, Instant, Policy};

    #[test]
    fn every_registered_function_is_documented() {
        let docs = api_docs();
        let page = markdown();
        for s in api_signatures() {
            let name = s.split('(').next().unwrap_or("");
            // Overloads share the first registration's doc: each name needs one entry with text.
            assert!(
                docs.iter().any(|d| d.name == name && !d.doc.is_empty()),
                "undocumented API function: {s}"
            );
            assert!(
                docs.iter().any(|d| d.signatures.contains(&s)),
                "signature not in the docs: {s}"
            );
        }
        for d in &docs {
            assert!(!d.signatures.is_empty(), "no signature for {}", d.name);
            for s in &d.signatures {
                assert!(page.contains(&policy_signature(s)));
            }
        }
    }

    #[test]
    fn every_function_is_in_a_group_with_an_intro_and_an_example() {
        for d in api_docs() {
            assert!(
                GROUPS.iter().any(|g| g.name == d.group),
                "`{}` is in group `{}`, which has no entry in GROUPS",
                d.name,
                d.group
            );
        }
        for g in GROUPS {
            assert!(!g.intro.is_empty() && !g.example.is_empty(), "{}", g.name);
        }
    }

    const SIGNATURE_TYPES: &[&str] = &[
        "Case",
        "Debt",
        "Action",
        "Charge",
        "Offer",
        "decimal",
        "string",
        "int",
        "bool",
        "array",
        "map",
        "nothing",
        "any",
        "Debt or nothing",
        "map or nothing",
    ];

    #[test]
    fn signatures_use_only_the_policy_names_of_types() {
        for d in api_docs() {
            for s in &d.signatures {
                let p = policy_signature(s);
                for bad in [
                    "::",
                    "<",
                    ">>",
                    "alloc::",
                    "core::",
                    "rhai::",
                    "recobro::",
                    "Box",
                    "Result",
                    "&",
                    "Dynamic",
                    "i64",
                    "Immutable",
                    "Ref",
                    "$",
                ] {
                    assert!(!p.contains(bad), "`{p}` (from `{s}`) contains `{bad}`");
                }
                // Every type in it is one of the policy's.
                let (call, ret) = p.rsplit_once(" -> ").unwrap();
                assert!(SIGNATURE_TYPES.contains(&ret), "`{p}`: result `{ret}`");
                let types: Vec<&str> = match call.split_once('(') {
                    Some((_, args)) => args
                        .trim_end_matches(')')
                        .split(", ")
                        .filter(|t| !t.is_empty())
                        .collect(),
                    None => vec![call.split('.').next().unwrap()],
                };
                for t in types {
                    assert!(SIGNATURE_TYPES.contains(&t), "`{p}`: type `{t}`");
                }
            }
        }
        let page = markdown();
        for line in page.lines().filter(|l| l.starts_with("| `")) {
            let cell = line.split(" | ").next().unwrap();
            for bad in [
                "::",
                "<EvalAltResult",
                "alloc",
                "core::",
                "rhai::",
                "recobro::",
            ] {
                assert!(!cell.contains(bad), "{line}");
            }
        }
    }

    #[test]
    fn rust_types_map_to_policy_names() {
        let f = "f";
        assert_eq!(
            policy_type(
                "core::result::Result<recobro::policy::script::types::ActionRef, alloc::boxed::Box<rhai::types::error::EvalAltResult>>",
                f,
                None
            ),
            "Action"
        );
        assert_eq!(policy_type("&mut Case", f, Some(0)), "Case");
        assert_eq!(
            policy_type("rust_decimal::decimal::Decimal", f, None),
            "decimal"
        );
        assert_eq!(policy_type("types::dynamic::Dynamic", f, Some(1)), "any");
        assert_eq!(
            policy_type("types::dynamic::Dynamic", "fee", Some(1)),
            "decimal"
        );
        assert_eq!(policy_type("i64", f, None), "int");
        assert_eq!(policy_type("&str", f, Some(0)), "string");
        assert_eq!(
            policy_signature("get$days_past_due(_: &mut Case) -> i64"),
            "Case.days_past_due -> int"
        );
        assert_eq!(
            policy_signature("contacts(_: &mut Case, _: i64, _: string) -> core::result::Result<i64, alloc::boxed::Box<rhai::types::error::EvalAltResult>>"),
            "contacts(Case, int, string) -> int"
        );
    }

    /// A case every example runs on: overdue (a plan and a settlement apply), with an
    /// agreement that allows a late fee, and a risk score.
    const EXAMPLE_CASE: &str = r#"{
      "id": "C-1",
      "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
      "debts": [{"id": "L-1", "currency": "COP", "original_amount": "1200000", "outstanding": "950000",
                 "issued_on": "2025-09-10", "due_on": "2025-10-10",
                 "agreement": {"fees": [{"rule": "late_fee", "kind": "fee", "amount": "20000"}]}}],
      "attributes": {"risk_score": 720}
    }"#;

    #[test]
    fn examples_compile_and_run() {
        let case = Case::from_json(EXAMPLE_CASE).unwrap();
        let as_of = Instant::parse("2026-03-02T15:00:00Z").unwrap();
        let docs = api_docs();
        for g in GROUPS {
            let policy = Policy::from_source(g.example)
                .unwrap_or_else(|e| panic!("example of `{}` does not compile: {e}", g.name));
            policy
                .evaluate(&case, as_of)
                .unwrap_or_else(|e| panic!("example of `{}` fails: {e}", g.name));
            // It shows at least one function of its own group.
            assert!(
                docs.iter().filter(|d| d.group == g.name).any(|d| {
                    let n = display_name(&d.name);
                    g.example.contains(&format!("{n}("))
                        || (n.starts_with('.') && g.example.contains(&n))
                }),
                "the example of `{}` uses none of its functions",
                g.name
            );
        }
    }

    #[test]
    fn checked_in_reference_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/policy-api.md");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == markdown(),
            "docs/policy-api.md is stale: regenerate it with `cargo run -p recobro-cli -- docs > docs/policy-api.md`"
        );
    }
}
