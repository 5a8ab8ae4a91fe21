//! Arbitrary house rules: the fuzz input is decoded into one to four rule maps (every
//! kind, numeric parameters including the extremes, period strings with non-ASCII and
//! overflowing counts, hours strings, unknown keys, wrong types), written out as a
//! policy's `house_rules()`, compiled, and the compiled policy decides the sample cases
//! (examples/data/cases) plus a case with a consent, a conversation and a dense call
//! ledger. Every step must end in Ok or a typed error: never a panic, never `internal`.
#![no_main]
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use recobro::{Case, ErrorCode, Instant, Limits, PolicyBuilder};
use std::fmt::Write;
use std::sync::OnceLock;

const SAMPLES: &[&str] = &[
    include_str!("../../examples/data/cases/administrative.json"),
    include_str!("../../examples/data/cases/b2b_overdue.json"),
    include_str!("../../examples/data/cases/broken_promise.json"),
    include_str!("../../examples/data/cases/extrajudicial.json"),
    include_str!("../../examples/data/cases/preventive.json"),
    include_str!("../../examples/data/cases/opted_out_sms.json"),
    // Consent given directly, a conversation and eight calls in a week: the inputs the
    // cap, consent-exclusion and after-event rules read.
    r#"{"id": "F", "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-NY",
      "timezone": "America/New_York", "alt_timezones": ["Pacific/Honolulu"],
      "consents": {"call": {"allowed": true, "consented_at": "2026-03-12T15:00:00Z"},
                   "sms": {"allowed": true}, "email": {"allowed": true}}},
      "debts": [{"id": "A", "currency": "USD", "original_amount": "900", "outstanding": "900",
                 "issued_on": "2026-01-01", "due_on": "2026-02-01"},
                {"id": "B", "currency": "USD", "original_amount": "50", "outstanding": "50",
                 "issued_on": "2026-01-01", "due_on": "2026-02-15"}],
      "contacts": [
        {"at": "2026-03-09T14:00:00Z", "channel": "call", "direction": "outbound", "outcome": "no_answer", "debt_ids": ["A"]},
        {"at": "2026-03-10T14:00:00Z", "channel": "call", "direction": "outbound", "outcome": "not_connected"},
        {"at": "2026-03-11T14:00:00Z", "channel": "sms", "direction": "outbound", "outcome": "delivered"},
        {"at": "2026-03-12T14:00:00Z", "channel": "call", "direction": "inbound", "outcome": "conversation", "debt_ids": ["A", "B"]},
        {"at": "2026-03-13T14:00:00Z", "channel": "call", "direction": "outbound", "outcome": "voicemail", "debt_ids": ["B"]},
        {"at": "2026-03-14T14:00:00Z", "channel": "email", "direction": "outbound", "outcome": "delivered"},
        {"at": "2026-03-15T14:00:00Z", "channel": "whatsapp", "direction": "outbound", "outcome": "delivered"},
        {"at": "2026-03-16T13:00:00Z", "channel": "call", "direction": "outbound", "outcome": "no_answer"}]}"#,
];

const CHANNELS: &[&str] = &[
    "call", "sms", "email", "whatsapp", "letter", "visit", "push", "fax", "CALL", "llamada",
];
const OUTCOMES: &[&str] = &[
    "not_connected",
    "no_answer",
    "voicemail",
    "connected",
    "conversation",
    "promise",
    "refused",
    "wrong_party",
    "busy",
];
const KINDS: &[&str] = &[
    "window",
    "cap",
    "after_event",
    "channels_per_week",
    "consent_required",
    "Cap",
    "window ",
];
const CONFIDENCE: &[&str] = &["house", "confirmed", "to_verify", "reference", "sure"];
const SCOPES: &[&str] = &["person", "debt", "household", ""];
const DAY_KEYS: &[&str] = &[
    "every_day",
    "weekdays",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "holiday",
    "lun",
];
const EXTREMES: &[i64] = &[
    i64::MIN,
    -9_007_199_254_740_993,
    -86_400,
    -366,
    -1,
    0,
    1,
    2,
    6,
    7,
    8,
    99,
    365,
    366,
    367,
    3650,
    10_000,
    10_001,
    106_751_991_167_300,
    106_751_991_167_301,
    213_503_982_334_602,
    2_562_047_788_015_215,
    9_007_199_254_740_993,
    i64::MAX,
];
const UNITS: &[&str] = &[
    "d", "h", "m", "s", "é", "日", "ḍ", "", "dd", "D", "\u{0}", "\u{202e}",
];
const DIGITS: &[&str] = &[
    "7", "７", "٧", "+7", "-7", "07", " 7", "7.5", "1e3", "", "0x7",
];

/// An integer, usually an extreme.
fn number(u: &mut Unstructured) -> Result<i64> {
    Ok(if u.ratio(3, 4)? {
        *u.choose(EXTREMES)?
    } else {
        u.arbitrary()?
    })
}

fn pick(u: &mut Unstructured, from: &[&str]) -> Result<String> {
    Ok(if u.ratio(7, 8)? {
        (*u.choose(from)?).to_string()
    } else {
        u.arbitrary::<String>()?
    })
}

fn period(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=6)? {
        0 => "day".into(),
        1 => "week".into(),
        2 => format!("days:{}", number(u)?),
        3 => format!("rolling:{}{}", number(u)?, u.choose(UNITS)?),
        4 => format!("rolling:{}{}", u.choose(DIGITS)?, u.choose(UNITS)?),
        5 => format!("days:{}", u.choose(DIGITS)?),
        _ => u.arbitrary::<String>()?,
    })
}

fn clock(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => format!(
            "{:02}:{:02}",
            u.int_in_range(0..=26u32)?,
            u.int_in_range(0..=61u32)?
        ),
        1 => format!(
            "{}:{}",
            u.int_in_range(0..=999u32)?,
            u.int_in_range(0..=9u32)?
        ),
        2 => (*u.choose(&[
            "24:00",
            "23:59",
            "00:00",
            "０８:00",
            "8:00",
            "08h00",
            "-1:00",
        ])?)
        .to_string(),
        _ => u.arbitrary::<String>()?,
    })
}

/// A Rhai literal for a string (UTF-8 kept, quotes and backslashes escaped, controls dropped).
fn lit(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rhai literal for an integer (i64::MIN has no literal).
fn int_lit(n: i64) -> String {
    if n == i64::MIN {
        "(-9223372036854775807 - 1)".into()
    } else {
        n.to_string()
    }
}

/// A value that is usually an integer but sometimes the wrong type.
fn int_value(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 => lit(&number(u)?.to_string()),
        1 => format!("{}.5", number(u)?.clamp(-1_000_000, 1_000_000)),
        2 => "()".into(),
        3 => "[7]".into(),
        _ => int_lit(number(u)?),
    })
}

fn string_list(u: &mut Unstructured, from: &[&str]) -> Result<String> {
    let n = u.int_in_range(0..=4)?;
    let items = (0..n)
        .map(|_| pick(u, from).map(|s| lit(&s)))
        .collect::<Result<Vec<_>>>()?;
    Ok(format!("[{}]", items.join(", ")))
}

fn hours(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 10)? {
        return Ok(lit(&clock(u)?));
    }
    let n = u.int_in_range(0..=3)?;
    let mut out = String::from("#{ ");
    for _ in 0..n {
        let key = pick(u, DAY_KEYS)?;
        let range = |u: &mut Unstructured| -> Result<String> {
            Ok(lit(&if u.ratio(1, 8)? {
                u.arbitrary::<String>()?
            } else {
                format!("{}-{}", clock(u)?, clock(u)?)
            }))
        };
        let value = if u.ratio(1, 4)? {
            format!("[{}, {}]", range(u)?, range(u)?)
        } else {
            range(u)?
        };
        let _ = write!(out, "{}: {}, ", lit(&key), value);
    }
    out.push('}');
    Ok(out)
}

fn rule(u: &mut Unstructured, i: usize) -> Result<String> {
    let kind = pick(u, KINDS)?;
    let mut m = vec![
        ("id".to_string(), lit(&format!("house.{i}"))),
        ("kind".into(), lit(&kind)),
        ("citation".into(), lit("fuzz")),
        ("confidence".into(), lit(&pick(u, CONFIDENCE)?)),
    ];
    if u.ratio(2, 3)? {
        m.push(("channels".into(), string_list(u, CHANNELS)?));
    }
    match kind.as_str() {
        "cap" => {
            m.push(("max".into(), int_value(u)?));
            m.push(("period".into(), lit(&period(u)?)));
            if u.arbitrary()? {
                m.push(("scope".into(), lit(&pick(u, SCOPES)?)));
            }
            if u.arbitrary()? {
                m.push(("counted".into(), string_list(u, CHANNELS)?));
            }
            if u.arbitrary()? {
                m.push(("exclude_outcomes".into(), string_list(u, OUTCOMES)?));
            }
            if u.arbitrary()? {
                m.push(("consent_exclusion_days".into(), int_value(u)?));
            }
        }
        "after_event" => {
            m.push(("days".into(), int_value(u)?));
            if u.arbitrary()? {
                m.push(("scope".into(), lit(&pick(u, SCOPES)?)));
            }
            if u.arbitrary()? {
                m.push(("event_channels".into(), string_list(u, CHANNELS)?));
            }
        }
        "channels_per_week" => m.push(("max".into(), int_value(u)?)),
        "window" => {
            m.push(("hours".into(), hours(u)?));
            if u.arbitrary()? {
                m.push((
                    "holidays".into(),
                    (*u.choose(&["true", "false", "1", "\"yes\""])?).into(),
                ));
            }
            if u.arbitrary()? {
                m.push((
                    "calendar".into(),
                    lit(&pick(u, &["CO", "US", "GB", "ES", "CL", "XX", "co"])?),
                ));
            }
        }
        _ => {}
    }
    if u.ratio(1, 6)? {
        m.push((
            "effective_from".into(),
            lit(&pick(
                u,
                &[
                    "2026-01-01",
                    "0000-01-01",
                    "9999-12-31",
                    "+262143-01-01",
                    "2026-02-30",
                ],
            )?),
        ));
    }
    if u.ratio(1, 8)? {
        // An unknown key (or a duplicate of a known one with another type).
        let key = pick(u, &["maximum", "max", "period", "hours", "days", "notes"])?;
        m.push((key, int_value(u)?));
    }
    if u.ratio(1, 10)? && !m.is_empty() {
        // A required key missing.
        let at = u.choose_index(m.len())?;
        m.remove(at);
    }
    let body = m
        .iter()
        .map(|(k, v)| format!("{}: {v}", lit(k)))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(format!("#{{ {body} }}"))
}

fn policy(u: &mut Unstructured) -> Result<String> {
    let n = u.int_in_range(1..=4)?;
    let rules = (0..n).map(|i| rule(u, i)).collect::<Result<Vec<_>>>()?;
    Ok(format!(
        "fn house_rules() {{ [{}] }}\n\
         fn actions(c) {{ [contact(\"call\", \"t\"), contact(\"sms\", \"t\"), contact(\"email\", \"t\"), contact(\"whatsapp\", \"t\"), contact(\"visit\", \"t\")] }}\n",
        rules.join(",\n  ")
    ))
}

fn typed(r: &std::result::Result<impl Sized, recobro::Error>, src: &str) {
    if let Err(e) = r {
        assert!(e.code != ErrorCode::Internal, "internal error: {e}\n{src}");
    }
}

fuzz_target!(|data: &[u8]| {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    let cases = CASES.get_or_init(|| {
        SAMPLES
            .iter()
            .filter_map(|s| Case::from_json(s).ok())
            .collect()
    });
    let mut u = Unstructured::new(data);
    let Ok(src) = policy(&mut u) else { return };
    let limits = Limits {
        max_operations: 50_000,
        ..Limits::default()
    };
    let built = PolicyBuilder::new(src.as_str()).limits(limits).build();
    typed(&built, &src);
    let Ok(p) = built else { return };
    for at in [
        "2026-03-16T15:00:00Z",
        "2026-03-15T03:00:00Z",
        "2026-03-08T06:30:00Z",
    ] {
        let Ok(at) = at.parse::<Instant>() else { continue };
        for case in cases {
            typed(&p.evaluate(case, at), &src);
        }
    }
});
