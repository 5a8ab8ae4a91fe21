//! Compliance properties over generated cases, across time zones and DST changes.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use chrono::{Datelike, Timelike};
use proptest::prelude::*;
use recobro::internals::compliance::{check_contact, RuleSet};
use recobro::simulation::{portfolio, Rng};
use recobro::{Case, Instant};
use recobro::{Channel, Contact, Direction, Outcome};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::standard().unwrap())
}

/// A case as of `as_of`, every channel authorised (so Colombia's consent rule does not
/// make every verdict "forever"), no holds.
fn case(seed: u64, as_of: Instant) -> Case {
    let mut c = portfolio(1, seed, as_of, Default::default()).remove(0);
    c.debtor.flags.clear();
    c.debtor.consents.clear();
    for ch in Channel::ALL {
        c.debtor.consents.insert(
            ch,
            recobro::Consent {
                allowed: true,
                opted_out_at: None,
                consented_at: None,
            },
        );
    }
    c
}

/// Independent oracle for the statutory hours (not the engine's tables): is local
/// (weekday 0=Mon, minute) allowed for this jurisdiction and channel, ignoring holidays?
fn oracle_hours(j: &str, ch: Channel, wd: u32, min: u32) -> bool {
    let h = |a: u32, b: u32| min >= a * 60 && min < b * 60;
    let contact = !matches!(ch, Channel::Letter);
    match j {
        j if j.starts_with("US") => !contact || h(8, 21),
        "CO" => !contact || (wd < 5 && h(7, 19)) || (wd == 5 && h(8, 15)),
        "CL" => !matches!(ch, Channel::Call | Channel::Visit) || (wd < 6 && h(8, 20)),
        "PE" => !matches!(ch, Channel::Call | Channel::Visit) || (wd < 5 && h(7, 20)),
        "MX" => !contact || h(7, 22),
        "EC" => !contact || (wd < 5 && h(7, 20)),
        "BR-SP" => !contact || (wd < 5 && h(8, 20)) || (wd == 5 && h(8, 14)),
        "ES" => ch != Channel::Call || (wd < 5 && h(9, 21)),
        "GB" => {
            matches!(ch, Channel::Email | Channel::Letter)
                || (wd < 5 && h(8, 21))
                || (wd == 5 && h(9, 17))
        }
        _ => true,
    }
}

fn instant(seed: u64, base: Instant) -> Instant {
    let mut r = Rng::new(seed);
    Instant::from_timestamp(base.timestamp() + r.range(0, 10 * 86_400))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn allowed_instants_are_inside_every_window(seed in 0u64..1_000_000, ch in 0usize..7, month in 1u32..=12) {
        let as_of = format!("2026-{month:02}-10T12:00:00Z").parse::<Instant>().unwrap();
        let c = case(seed, as_of);
        let channel = Channel::ALL[ch];
        let t = instant(seed, as_of);
        let r = check_contact(rules(), &c, channel, t, None).unwrap();
        if r.allowed {
            let tz = recobro::internals::parse_tz(&c.debtor.timezone).unwrap();
            let local = recobro::internals::utc(t).with_timezone(&tz);
            let wd = local.weekday().num_days_from_monday();
            let min = local.hour() * 60 + local.minute();
            prop_assert!(oracle_hours(&c.debtor.jurisdiction, channel, wd, min),
                "{} {:?} allowed at {} local", c.debtor.jurisdiction, channel, local);
        }
    }

    #[test]
    fn next_allowed_at_is_allowed_and_nothing_earlier_is(seed in 0u64..1_000_000, ch in 0usize..7, month in 1u32..=12) {
        let as_of = format!("2026-{month:02}-05T12:00:00Z").parse::<Instant>().unwrap();
        let mut c = case(seed, as_of);
        if seed % 3 == 0 {
            c.debtor.alt_timezones = vec!["America/Los_Angeles".into(), "Europe/London".into()];
        }
        let channel = Channel::ALL[ch];
        let t = instant(seed, as_of);
        let r = check_contact(rules(), &c, channel, t, None).unwrap();
        if let Some(next) = r.next_allowed_at {
            prop_assert!(!r.allowed);
            prop_assert!(next > t);
            prop_assert!(check_contact(rules(), &c, channel, next, None).unwrap().allowed);
            // Brute force, minute by minute, up to four days (then hour by hour).
            let mut probe = t.timestamp() + 60 - t.timestamp() % 60;
            let mut steps = 0;
            while probe < next.timestamp() {
                let p = Instant::from_timestamp(probe);
                prop_assert!(!check_contact(rules(), &c, channel, p, None).unwrap().allowed,
                    "allowed at {} before next_allowed_at {}", p, next);
                steps += 1;
                probe += if steps < 4 * 1440 { 60 } else { 3600 };
            }
        }
    }

    #[test]
    fn another_contact_never_unblocks(seed in 0u64..1_000_000, ch in 0usize..7, extra_ch in 0usize..7, outcome in 0usize..10, back in 0i64..(9 * 86_400)) {
        let as_of = "2026-05-20T16:00:00Z".parse::<Instant>().unwrap();
        let c = case(seed, as_of);
        let channel = Channel::ALL[ch];
        let t = instant(seed, as_of);
        let before = check_contact(rules(), &c, channel, t, None).unwrap();
        if !before.allowed {
            let mut more = c.clone();
            more.contacts.push(Contact {
                at: Instant::from_timestamp(t.timestamp() - back),
                channel: Channel::ALL[extra_ch],
                direction: if back % 2 == 0 { Direction::Outbound } else { Direction::Inbound },
                outcome: Outcome::ALL[outcome],
                debt_ids: vec![],
            });
            let after = check_contact(rules(), &more, channel, t, None).unwrap();
            prop_assert!(!after.allowed, "a new contact unblocked {:?}: {:?}", channel, before.blocked_by);
        }
    }
}
