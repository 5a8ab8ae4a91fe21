//! The compliance check against its invariants: a blocked verdict's next_allowed_at is
//! itself allowed, and no minute between the checked instant and it is (first 6 hours).
#![no_main]
use libfuzzer_sys::fuzz_target;
use recobro::internals::compliance::{check_contact, RuleSet};
use recobro::Channel;
use recobro::Instant;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static RULES: OnceLock<Option<RuleSet>> = OnceLock::new();
    let Some(rules) = RULES.get_or_init(|| RuleSet::standard().ok()).as_ref() else { return };
    if data.len() < 12 {
        return;
    }
    let seed = u64::from_le_bytes([data[0], data[1], data[2], data[3], data[4], data[5], data[6], data[7]]);
    let offset = i64::from(u32::from_le_bytes([data[8], data[9], data[10], data[11]]) % (30 * 86_400));
    let channel = Channel::ALL[(seed % 7) as usize];
    let Ok(base) = "2026-03-16T15:00:00Z".parse::<Instant>() else { return };
    let case = recobro::simulation::portfolio(1, seed, base, Default::default()).remove(0);
    let at = Instant::from_timestamp(base.timestamp() + offset);
    let Ok(r) = check_contact(rules, &case, channel, at, None) else { return };
    if let Some(next) = r.next_allowed_at {
        assert!(next > at);
        assert!(check_contact(rules, &case, channel, next, None).map(|c| c.allowed).unwrap_or(false));
        let mut probe = at.timestamp() + 60 - at.timestamp() % 60;
        while probe < next.timestamp().min(at.timestamp() + 6 * 3600) {
            let ok = check_contact(rules, &case, channel, Instant::from_timestamp(probe), None).map(|c| c.allowed).unwrap_or(false);
            assert!(!ok, "allowed before next_allowed_at");
            probe += 60;
        }
    }
});
