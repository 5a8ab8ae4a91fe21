//! Interest accrual against a simple reference: with a fixed rate, no payments and
//! rounding at the end, accrue() equals round(principal x rate x days / 365).
#![no_main]
use libfuzzer_sys::fuzz_target;
use recobro::internals::interest::{accrue, Bucket, InterestSpec, Method, Moment, RateSource};
use recobro::internals::rates::RateTables;
use recobro::internals::{DayCount, Rounding};
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    if data.len() < 14 {
        return;
    }
    let principal = Decimal::new(i64::from(u32::from_le_bytes([data[0], data[1], data[2], data[3]])), 2);
    let rate = Decimal::new(i64::from(u16::from_le_bytes([data[4], data[5]]) % 5000), 4);
    let days = i64::from(u16::from_le_bytes([data[6], data[7]]) % 3000);
    let Some(start) = chrono::NaiveDate::from_ymd_opt(2020, 1, 1) else { return };
    let spec = InterestSpec {
        rate: RateSource::Fixed(rate),
        day_count: DayCount::Act365F,
        method: Method::Simple,
        rounding: Rounding::HalfUp,
        moment: Moment::AtEnd,
        dp: 2,
        order: vec![Bucket::Fees, Bucket::Interest, Bucket::Principal],
    };
    let end = start + chrono::Duration::days(days);
    let Ok(a) = accrue(&spec, &RateTables::default(), principal, Decimal::ZERO, start, end, &[]) else { return };
    let reference = Rounding::HalfUp.round(principal * rate * Decimal::from(days) / Decimal::from(365), 2);
    assert_eq!(a.interest, reference);
    assert!(a.interest >= Decimal::ZERO);
});
