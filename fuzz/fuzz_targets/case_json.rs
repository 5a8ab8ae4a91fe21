//! Any bytes parse into a valid case or a typed error with a path; never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match recobro::Case::from_json(text) {
            Ok(case) => assert!(case.validate().is_ok()),
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
});
