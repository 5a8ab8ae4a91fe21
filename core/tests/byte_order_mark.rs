//! A UTF-8 byte order mark (U+FEFF) at the start of a text the engine reads is
//! ignored, as RFC 8259 section 8.1 allows a JSON parser to do: Windows tools write one
//! (Notepad's "UTF-8 with BOM", PowerShell 5's `Out-File`). Before, a batch file with
//! one was refused as a whole ("expected a JSON array of cases ...", path `cases`) and
//! a policy with one failed at "unexpected '\u{feff}'" on line 1, column 1: a character
//! nobody can see. The same text with and without the mark must read the same; a mark
//! anywhere else is still a character like any other.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use recobro::{host, Instant, Policy, PolicyBuilder};

const BOM: &str = "\u{feff}";
const AS_OF: &str = "2026-03-16T15:00:00Z";

fn case_texts(n: usize) -> Vec<String> {
    let as_of: Instant = AS_OF.parse().unwrap();
    recobro::simulation::portfolio(n, 7, as_of, Default::default())
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect()
}

fn decisions(policy: &Policy, text: &str) -> String {
    host::evaluate_batch(policy, text, AS_OF).unwrap()
}

#[test]
fn a_batch_reads_the_same_with_a_leading_mark() {
    let policy = Policy::embedded("consumer/policy").unwrap();
    let texts = case_texts(3);
    let ndjson = texts.join("\n");
    let array = format!("[{}]", texts.join(","));
    for batch in [&ndjson, &array, &texts[0]] {
        let plain = decisions(&policy, batch);
        assert!(plain.contains("\"segment\""), "{plain}");
        assert!(!plain.contains("\"error\""), "{plain}");
        assert_eq!(decisions(&policy, &format!("{BOM}{batch}")), plain);
        // Whitespace after the mark, as a pretty-printed file has.
        assert_eq!(decisions(&policy, &format!("{BOM}\n  {batch}")), plain);
    }
    assert_eq!(host::cases(&format!("{BOM}{ndjson}")).unwrap().len(), 3);
    // An empty file that is only a mark is an empty batch, as an empty file is.
    assert!(host::cases(BOM).unwrap().is_empty());
}

#[test]
fn a_case_and_a_request_read_the_same_with_a_leading_mark() {
    let text = &case_texts(1)[0];
    assert_eq!(
        host::case(&format!("{BOM}{text}")).unwrap(),
        host::case(text).unwrap()
    );
    let request = r#"{"policies": [{"embedded": "consumer/policy"}], "generate": 5, "days": 3, "seed": 1, "start": "2026-03-16T15:00:00Z"}"#;
    let plain = host::simulation_request(request).unwrap();
    let marked = host::simulation_request(&format!("{BOM}{request}")).unwrap();
    assert_eq!(format!("{marked:?}"), format!("{plain:?}"));
}

#[test]
fn a_mark_in_the_middle_is_still_refused() {
    let texts = case_texts(2);
    // Each case's text is a text the engine reads: an NDJSON line that starts with a
    // mark (two marked files joined with `cat`) reads as its case; after a space it is
    // a bad case, one error row, and the other line decides.
    let rows = host::cases(&format!("{}\n{BOM}{}", texts[0], texts[1])).unwrap();
    assert_eq!(rows[1].as_ref().unwrap(), &host::case(&texts[1]).unwrap());
    let rows = host::cases(&format!("{}\n {BOM}{}", texts[0], texts[1])).unwrap();
    assert!(rows[0].is_ok());
    assert!(rows[1].is_err());
    // Two marks: the second is a character.
    assert!(host::case(&format!("{BOM}{BOM}{}", texts[0])).is_err());
    // Inside a value, it is kept as the character it is.
    let case: serde_json::Value = serde_json::from_str(&texts[0]).unwrap();
    let mut case = case;
    case["id"] = serde_json::Value::String(format!("{BOM}C-1"));
    assert_eq!(
        host::case(&case.to_string()).unwrap().id,
        format!("{BOM}C-1")
    );
}

#[test]
fn a_policy_with_a_leading_mark_is_the_same_policy() {
    let embedded = Policy::embedded("consumer/policy").unwrap();
    let source = embedded.source();
    let plain = PolicyBuilder::new(source).build().unwrap();
    let marked = PolicyBuilder::new(format!("{BOM}{source}"))
        .build()
        .unwrap();
    // The digest decisions carry is the digest of the text after the mark.
    assert_eq!(marked.info(), plain.info());
    assert_eq!(marked.source(), plain.source());
    let texts = case_texts(2).join("\n");
    assert_eq!(decisions(&marked, &texts), decisions(&plain, &texts));

    // An error on line 1 has the column an editor shows (the mark takes no column).
    let broken = "let x = ;\nfn segment(c) { \"a\" }";
    let plain = PolicyBuilder::new(broken).build().unwrap_err();
    let marked = PolicyBuilder::new(format!("{BOM}{broken}"))
        .build()
        .unwrap_err();
    assert_eq!(host::error_json(&marked), host::error_json(&plain));
    assert!(host::error_json(&plain).contains("\"line\":1"));

    // A module too.
    let with_module = |module: &str| {
        PolicyBuilder::new("import \"m\" as m;\nfn segment(c) { m::name() }")
            .module("m", module)
            .build()
            .unwrap()
    };
    let plain = with_module("fn name() { \"early\" }");
    let marked = with_module(&format!("{BOM}fn name() {{ \"early\" }}"));
    assert_eq!(marked.info(), plain.info());
    assert_eq!(marked.host_modules(), plain.host_modules());
}
