//! Public holidays of the calendars the compliance layer knows.
//!
//! Contact rules use these to keep debt-collection contact off national public
//! holidays. Every calendar is computed from its legal rule (fixed dates, n-th
//! weekdays, Easter offsets, "moved to Monday" laws); only genuine one-off
//! holidays are listed by date. The results are meant to be right for 2020-2035,
//! the engine's supported range; outside it the current rules are projected,
//! with the effective years of recent changes encoded where known.
//!
//! When a law moves a holiday (US "observed" days, UK substitute days, the
//! Colombian and Chilean "moved to Monday" laws, Ecuador's transfers), only the
//! day people actually rest is listed, not the nominal date. A moved holiday can
//! land in another year (a Saturday 1 January observed on Friday 31 December),
//! so it is listed in the year it lands in.
//!
//! Only national holidays are covered (plus the São Paulo state holiday for
//! "BR-SP"): regional and municipal holidays, bank-only closing days, optional
//! days, ad hoc executive decrees and election days are not. Rules whose
//! details or effective years could not be confirmed are marked "to verify".

/// Calendars this module knows.
pub const CALENDARS: &[&str] = &[
    "US", "GB", "ES", "CO", "CL", "PE", "MX", "EC", "BR", "BR-SP", "DE",
];

/// One public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holiday {
    /// Month, 1 (January) to 12 (December).
    pub month: u32,
    /// Day of the month, from 1.
    pub day: u32,
    /// English name of the holiday (with "observed" or "substitute day" when the
    /// law moved it to this day).
    pub name: &'static str,
}

/// Holidays of `calendar` in `year`, sorted by date; empty for an unknown calendar.
///
/// When two holidays fall on the same day (Colombia 2025: Sacred Heart and Saint
/// Peter and Saint Paul both on Monday 30 June) the day is listed once, under the
/// name of the holiday with the higher legal rank (fixed before moved before
/// Easter-based).
#[must_use]
pub fn holidays(calendar: &str, year: i32) -> Vec<Holiday> {
    let rules: fn(i32, &mut Days) = match calendar {
        "US" => united_states,
        "GB" => england_and_wales,
        "ES" => spain,
        "CO" => colombia,
        "CL" => chile,
        "PE" => peru,
        "MX" => mexico,
        "EC" => ecuador,
        "BR" => brazil,
        "BR-SP" => sao_paulo,
        "DE" => germany,
        _ => return Vec::new(),
    };
    // A rule may move a holiday across New Year, so the neighbouring years'
    // rules run too and only the dates that land in `year` are kept.
    let mut days = Days::new();
    for y in [year.saturating_sub(1), year, year.saturating_add(1)] {
        rules(y, &mut days);
    }
    let mut list: Vec<Holiday> = days
        .into_iter()
        .filter_map(|(day_number, name)| {
            let (y, month, day) = civil_from_days(day_number);
            (y == i64::from(year)).then_some(Holiday { month, day, name })
        })
        .collect();
    // Stable sort: among holidays on the same day the first pushed is kept.
    crate::sort::sort_by_key(&mut list, |h| (h.month, h.day));
    list.dedup_by_key(|h| (h.month, h.day));
    list
}

/// Whether `year-month-day` is a public holiday in `calendar` (false for unknown calendars).
#[must_use]
pub fn is_holiday(calendar: &str, year: i32, month: u32, day: u32) -> bool {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let bit = (month - 1) * 31 + (day - 1);
    HOLIDAY_BITS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let at = match cache
            .iter()
            .position(|(c, y, _)| *y == year && c == calendar)
        {
            Some(at) => at,
            None => {
                // Bounded: a batch touches a few calendars and years; start over when full.
                if cache.len() >= HOLIDAY_CACHE_ENTRIES {
                    cache.clear();
                }
                let mut bits = [0u64; 6];
                for h in holidays(calendar, year) {
                    let b = (h.month - 1) * 31 + (h.day - 1);
                    bits[(b / 64) as usize] |= 1 << (b % 64);
                }
                cache.push((calendar.to_string(), year, bits));
                cache.len() - 1
            }
        };
        // INVARIANT: `bit` < 12 * 31 = 372 < 6 * 64.
        cache[at].2[(bit / 64) as usize] & (1 << (bit % 64)) != 0
    })
}

/// Calendars-and-years kept per thread by [`is_holiday`].
const HOLIDAY_CACHE_ENTRIES: usize = 64;

thread_local! {
    /// Per (calendar, year), one bit per (month, day) slot (`(month - 1) * 31 + day - 1`)
    /// that is a holiday: a window check asks about the same few days many times, and
    /// computing a year's holidays runs three years of rules.
    static HOLIDAY_BITS: std::cell::RefCell<Vec<(String, i32, [u64; 6])>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Easter Sunday (Gregorian, anonymous computus) as (month, day).
#[cfg(test)]
fn easter(year: i32) -> (u32, u32) {
    let (_, month, day) = civil_from_days(easter_day(year));
    (month, day)
}

/// Day of the week of a valid Gregorian date: 0 = Monday .. 6 = Sunday.
#[cfg(test)]
fn weekday(year: i32, month: u32, day: u32) -> u32 {
    weekday_of(ymd(year, month, day))
}

/// Holidays as (day number, name) pairs, in the order the rules push them.
type Days = Vec<(i64, &'static str)>;

const MON: u32 = 0;
const TUE: u32 = 1;
const WED: u32 = 2;
const THU: u32 = 3;
const FRI: u32 = 4;
const SAT: u32 = 5;
const SUN: u32 = 6;

// ---------------------------------------------------------------------------
// Civil-date arithmetic (proleptic Gregorian, day 0 = 1970-01-01).
// ---------------------------------------------------------------------------

/// Days since 1970-01-01 of a Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let month = i64::from(month);
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Gregorian (year, month, day) of a day number (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// Day number of `year-month-day`.
fn ymd(year: i32, month: u32, day: u32) -> i64 {
    days_from_civil(i64::from(year), month, day)
}

/// Weekday of a day number, 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday).
fn weekday_of(day: i64) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

/// The `n`-th (from 1) `weekday` of `month` in `year`.
fn nth_weekday(year: i32, month: u32, weekday: u32, n: u32) -> i64 {
    let first = ymd(year, month, 1);
    first + i64::from((weekday + 7 - weekday_of(first)) % 7) + 7 * i64::from(n.saturating_sub(1))
}

/// The last `weekday` of `month` in `year`.
fn last_weekday(year: i32, month: u32, weekday: u32) -> i64 {
    let next_first = if month >= 12 {
        days_from_civil(i64::from(year) + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    };
    let last = next_first - 1;
    last - i64::from((weekday_of(last) + 7 - weekday) % 7)
}

/// The day itself when it is a Monday, else the following Monday.
fn monday_on_or_after(day: i64) -> i64 {
    day + i64::from((7 - weekday_of(day)) % 7)
}

/// Day number of Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
fn easter_day(year: i32) -> i64 {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    // Month n / 31 (3 or 4), day n % 31 + 1; March has 31 days, so this is
    // 1 March plus (month - 3) * 31 + day - 1.
    days_from_civil(y, 3, 1) + (n / 31 - 3) * 31 + n % 31
}

/// Day number of the Easter-based day `offset` days after Easter Sunday.
fn easter_plus(year: i32, offset: i64) -> i64 {
    easter_day(year) + offset
}

// ---------------------------------------------------------------------------
// United States: federal holidays, 5 U.S.C. 6103.
// ---------------------------------------------------------------------------

/// Observed date of a US federal holiday (5 U.S.C. 6103(b), Executive Order
/// 11582): Saturday to the Friday before, Sunday to the Monday after.
fn push_us_observed(out: &mut Days, day: i64, name: &'static str, observed: &'static str) {
    match weekday_of(day) {
        SAT => out.push((day - 1, observed)),
        SUN => out.push((day + 1, observed)),
        _ => out.push((day, name)),
    }
}

fn united_states(y: i32, out: &mut Days) {
    push_us_observed(
        out,
        ymd(y, 1, 1),
        "New Year's Day",
        "New Year's Day (observed)",
    );
    out.push((
        nth_weekday(y, 1, MON, 3),
        "Birthday of Martin Luther King, Jr.",
    ));
    out.push((nth_weekday(y, 2, MON, 3), "Washington's Birthday"));
    out.push((last_weekday(y, 5, MON), "Memorial Day"));
    if y >= 2021 {
        // Juneteenth National Independence Day Act, signed 17 June 2021.
        push_us_observed(
            out,
            ymd(y, 6, 19),
            "Juneteenth National Independence Day",
            "Juneteenth National Independence Day (observed)",
        );
    }
    push_us_observed(
        out,
        ymd(y, 7, 4),
        "Independence Day",
        "Independence Day (observed)",
    );
    out.push((nth_weekday(y, 9, MON, 1), "Labor Day"));
    out.push((nth_weekday(y, 10, MON, 2), "Columbus Day"));
    push_us_observed(
        out,
        ymd(y, 11, 11),
        "Veterans Day",
        "Veterans Day (observed)",
    );
    out.push((nth_weekday(y, 11, THU, 4), "Thanksgiving Day"));
    push_us_observed(
        out,
        ymd(y, 12, 25),
        "Christmas Day",
        "Christmas Day (observed)",
    );
}

// ---------------------------------------------------------------------------
// Great Britain: England and Wales bank holidays (Banking and Financial
// Dealings Act 1971 and royal proclamations).
// ---------------------------------------------------------------------------

fn england_and_wales(y: i32, out: &mut Days) {
    let new_year = ymd(y, 1, 1);
    match weekday_of(new_year) {
        SAT => out.push((new_year + 2, "New Year's Day (substitute day)")),
        SUN => out.push((new_year + 1, "New Year's Day (substitute day)")),
        _ => out.push((new_year, "New Year's Day")),
    }
    out.push((easter_plus(y, -2), "Good Friday"));
    out.push((easter_plus(y, 1), "Easter Monday"));
    if y == 2020 {
        // Moved to Friday 8 May for the 75th anniversary of VE Day.
        out.push((ymd(2020, 5, 8), "Early May bank holiday (VE Day)"));
    } else {
        out.push((nth_weekday(y, 5, MON, 1), "Early May bank holiday"));
    }
    if y == 2022 {
        // Moved to Thursday 2 June, plus Friday 3 June, for the Platinum Jubilee.
        out.push((ymd(2022, 6, 2), "Spring bank holiday"));
        out.push((ymd(2022, 6, 3), "Platinum Jubilee bank holiday"));
    } else {
        out.push((last_weekday(y, 5, MON), "Spring bank holiday"));
    }
    out.push((last_weekday(y, 8, MON), "Summer bank holiday"));
    let christmas = ymd(y, 12, 25);
    match weekday_of(christmas) {
        FRI => {
            out.push((christmas, "Christmas Day"));
            out.push((christmas + 3, "Boxing Day (substitute day)"));
        }
        SAT => {
            out.push((christmas + 2, "Christmas Day (substitute day)"));
            out.push((christmas + 3, "Boxing Day (substitute day)"));
        }
        SUN => {
            out.push((christmas + 1, "Boxing Day"));
            out.push((christmas + 2, "Christmas Day (substitute day)"));
        }
        _ => {
            out.push((christmas, "Christmas Day"));
            out.push((christmas + 1, "Boxing Day"));
        }
    }
    // One-off bank holidays.
    if y == 2022 {
        out.push((ymd(2022, 9, 19), "State Funeral of Queen Elizabeth II"));
    }
    if y == 2023 {
        out.push((ymd(2023, 5, 8), "Coronation of King Charles III"));
    }
}

// ---------------------------------------------------------------------------
// Spain: national holidays (Estatuto de los Trabajadores art. 37.2, Real
// Decreto 2001/1983 art. 45).
// ---------------------------------------------------------------------------

/// Germany: the holidays observed in every Land (the Länder set them; these nine are
/// common to all), plus Reformation Day in 2017, a one-off nationwide holiday. Regional
/// holidays (Epiphany, Corpus Christi, Reformation Day in some Länder, ...) are not
/// included.
fn germany(y: i32, out: &mut Days) {
    out.push((ymd(y, 1, 1), "New Year's Day"));
    out.push((easter_plus(y, -2), "Good Friday"));
    out.push((easter_plus(y, 1), "Easter Monday"));
    out.push((ymd(y, 5, 1), "Labour Day"));
    out.push((easter_plus(y, 39), "Ascension Day"));
    out.push((easter_plus(y, 50), "Whit Monday"));
    if y >= 1990 {
        out.push((ymd(y, 10, 3), "Day of German Unity"));
    }
    if y == 2017 {
        out.push((ymd(2017, 10, 31), "Reformation Day (500th anniversary)"));
    }
    out.push((ymd(y, 12, 25), "Christmas Day"));
    out.push((ymd(y, 12, 26), "Second Day of Christmas"));
}

fn spain(y: i32, out: &mut Days) {
    // Holy Thursday is left out: it is a regional holiday (every autonomous
    // community but Catalonia and Valencia, which take Easter Monday instead),
    // not a national one. A national holiday that falls on a Sunday stays on the
    // Sunday here; moving it to Monday is up to each autonomous community, and
    // the yearly BOE resolution then leaves it out of the national table.
    out.push((ymd(y, 1, 1), "New Year's Day"));
    out.push((ymd(y, 1, 6), "Epiphany"));
    out.push((easter_plus(y, -2), "Good Friday"));
    out.push((ymd(y, 5, 1), "Labour Day"));
    out.push((ymd(y, 8, 15), "Assumption of Mary"));
    out.push((ymd(y, 10, 12), "National Day of Spain"));
    out.push((ymd(y, 11, 1), "All Saints' Day"));
    out.push((ymd(y, 12, 6), "Constitution Day"));
    out.push((ymd(y, 12, 8), "Immaculate Conception"));
    out.push((ymd(y, 12, 25), "Christmas Day"));
}

// ---------------------------------------------------------------------------
// Colombia: Ley 51 de 1983 ("Ley Emiliani").
// ---------------------------------------------------------------------------

fn colombia(y: i32, out: &mut Days) {
    // Fixed holidays, never moved.
    out.push((ymd(y, 1, 1), "New Year's Day"));
    out.push((ymd(y, 5, 1), "Labour Day"));
    out.push((ymd(y, 7, 20), "Independence Day"));
    out.push((ymd(y, 8, 7), "Battle of Boyacá"));
    out.push((ymd(y, 12, 8), "Immaculate Conception"));
    out.push((ymd(y, 12, 25), "Christmas Day"));
    // Moved to the following Monday when not already on a Monday.
    let moved: [(u32, u32, &'static str); 7] = [
        (1, 6, "Epiphany"),
        (3, 19, "Saint Joseph's Day"),
        (6, 29, "Saint Peter and Saint Paul"),
        (8, 15, "Assumption of Mary"),
        (10, 12, "Columbus Day (Día de la Raza)"),
        (11, 1, "All Saints' Day"),
        (11, 11, "Independence of Cartagena"),
    ];
    for (month, day, name) in moved {
        out.push((monday_on_or_after(ymd(y, month, day)), name));
    }
    if y >= 2026 {
        // Ley 2578 of 1 June 2026 (art. 6): 9 July, moved like the above.
        out.push((
            monday_on_or_after(ymd(y, 7, 9)),
            "Our Lady of the Rosary of Chiquinquirá",
        ));
    }
    // Easter-based: Holy Thursday and Good Friday stay; Ascension (Easter + 39),
    // Corpus Christi (Easter + 60) and Sacred Heart (Easter + 68) move to the
    // following Monday: Easter + 43, + 64 and + 71.
    out.push((easter_plus(y, -3), "Holy Thursday"));
    out.push((easter_plus(y, -2), "Good Friday"));
    out.push((easter_plus(y, 43), "Ascension Day"));
    out.push((easter_plus(y, 64), "Corpus Christi"));
    out.push((easter_plus(y, 71), "Sacred Heart"));
}

// ---------------------------------------------------------------------------
// Chile: Código del Trabajo and the holiday laws cited below.
// ---------------------------------------------------------------------------

/// Ley 19.668: a holiday on a Tuesday, Wednesday or Thursday moves to the Monday
/// of the same week, one on a Friday to the following Monday.
fn chile_monday(day: i64) -> i64 {
    match weekday_of(day) {
        TUE => day - 1,
        WED => day - 2,
        THU => day - 3,
        FRI => day + 3,
        _ => day,
    }
}

fn chile(y: i32, out: &mut Days) {
    out.push((ymd(y, 1, 1), "New Year's Day"));
    let january_2 = ymd(y, 1, 2);
    if y >= 2017 && weekday_of(january_2) == MON {
        // Ley 20.983: 2 January is a holiday when 1 January is a Sunday.
        out.push((january_2, "National holiday (2 January)"));
    }
    out.push((easter_plus(y, -2), "Good Friday"));
    out.push((easter_plus(y, -1), "Holy Saturday"));
    out.push((ymd(y, 5, 1), "Labour Day"));
    out.push((ymd(y, 5, 21), "Navy Day"));
    if y == 2021 {
        // The 2021 law set the first one on 21 June 2021 by date (Ley 21.357;
        // law numbers here to verify).
        out.push((ymd(2021, 6, 21), "National Day of Indigenous Peoples"));
    } else if y >= 2022 {
        // From 2022 the day of the winter (June) solstice (Ley 21.521, to
        // verify), computed below.
        out.push((june_solstice_chile(y), "National Day of Indigenous Peoples"));
    }
    out.push((chile_monday(ymd(y, 6, 29)), "Saint Peter and Saint Paul"));
    if y >= 2007 {
        out.push((ymd(y, 7, 16), "Our Lady of Mount Carmel"));
    }
    out.push((ymd(y, 8, 15), "Assumption of Mary"));
    let september_17 = ymd(y, 9, 17);
    let september_20 = ymd(y, 9, 20);
    match weekday_of(september_17) {
        // Ley 20.215: 17 September when it is a Monday (18-19 on Tue-Wed).
        MON if y >= 2007 => out.push((september_17, "National holiday (17 September)")),
        // Ley 20.983: 17 September when 18-19 fall on Saturday-Sunday.
        FRI if y >= 2017 => out.push((september_17, "National holiday (17 September)")),
        _ => {}
    }
    out.push((ymd(y, 9, 18), "Independence Day"));
    out.push((ymd(y, 9, 19), "Army Day"));
    if y >= 2008 && weekday_of(september_20) == FRI {
        // Ley 20.215: 20 September when it is a Friday (18-19 on Wed-Thu).
        out.push((september_20, "National holiday (20 September)"));
    }
    if y == 2022 {
        // One-off law for Friday 16 September 2022 (law number to verify).
        out.push((ymd(2022, 9, 16), "National holiday (16 September)"));
    }
    out.push((chile_monday(ymd(y, 10, 12)), "Meeting of Two Worlds"));
    if y >= 2008 {
        // Ley 20.299: on a Tuesday it moves to the Friday before, on a
        // Wednesday to the Friday after.
        let october_31 = ymd(y, 10, 31);
        let day = match weekday_of(october_31) {
            TUE => october_31 - 4,
            WED => october_31 + 2,
            _ => october_31,
        };
        out.push((day, "Day of the Evangelical and Protestant Churches"));
    }
    out.push((ymd(y, 11, 1), "All Saints' Day"));
    out.push((ymd(y, 12, 8), "Immaculate Conception"));
    out.push((ymd(y, 12, 25), "Christmas Day"));
    // Not encoded (to verify): election and plebiscite days are holidays by law
    // (Ley 18.700 and the laws calling each vote; for example 27 October 2024,
    // 16 November 2025), and so are census days (Ley 17.374); they fall on
    // dates set case by case, almost always Sundays. 31 December is a bank
    // holiday only. Regional holidays (7 June in Arica, 20 August in Chillán)
    // are left out.
}

/// Periodic terms (A, B degrees, C degrees per Julian century) of Meeus,
/// *Astronomical Algorithms*, table 27.C.
const SOLSTICE_TERMS: [(f64, f64, f64); 24] = [
    (485.0, 324.96, 1934.136),
    (203.0, 337.23, 32_964.467),
    (199.0, 342.08, 20.186),
    (182.0, 27.85, 445_267.112),
    (156.0, 73.14, 45_036.886),
    (136.0, 171.52, 22_518.443),
    (77.0, 222.54, 65_928.934),
    (74.0, 296.72, 3034.906),
    (70.0, 243.58, 9037.513),
    (58.0, 119.81, 33_718.147),
    (52.0, 297.17, 150.678),
    (50.0, 21.02, 2281.226),
    (45.0, 247.54, 29_929.562),
    (44.0, 325.15, 31_555.956),
    (29.0, 60.93, 4443.417),
    (18.0, 155.12, 67_555.328),
    (17.0, 288.79, 4562.452),
    (16.0, 198.04, 62_894.029),
    (14.0, 199.76, 31_436.921),
    (12.0, 95.39, 14_577.848),
    (12.0, 287.11, 31_931.756),
    (12.0, 320.81, 34_777.259),
    (9.0, 227.73, 1222.114),
    (8.0, 15.45, 16_859.074),
];

/// Day number of the June solstice in mainland Chile's winter time (UTC-4).
///
/// Meeus, *Astronomical Algorithms* ch. 27 (mean solstice for 1000-3000 plus the
/// 24 periodic terms, good to about a minute), with TT - UT taken as a flat 70 s
/// (its real value stays near 69 s over 2020-2035). It reproduces the published
/// instants (2024: 20 June 20:51 UTC; 2025: 21 June 02:42 UTC) to the minute,
/// and for 2022-2035 every instant is over 2.5 hours from local midnight, so the
/// day is not in doubt: 21, 21, 20, 20, 21, 21, 20, 20, 21, 21, 20, 20, 21, 21
/// June.
fn june_solstice_chile(year: i32) -> i64 {
    let y = (f64::from(year) - 2000.0) / 1000.0;
    let jde0 = 2_451_716.567_67 + 365_241.626_03 * y + 0.003_25 * y * y + 0.008_88 * y * y * y
        - 0.000_30 * y * y * y * y;
    let t = (jde0 - 2_451_545.0) / 36_525.0;
    let w = (35_999.373 * t - 2.47).to_radians();
    let delta_lambda = 1.0 + 0.0334 * w.cos() + 0.0007 * (2.0 * w).cos();
    let s: f64 = SOLSTICE_TERMS
        .iter()
        .map(|&(a, b, c)| a * (b + c * t).to_radians().cos())
        .sum();
    let jde = jde0 + 0.000_01 * s / delta_lambda;
    let jd_ut = jde - 70.0 / 86_400.0;
    // Julian day 2440587.5 is 1970-01-01 00:00 UTC; Chile is UTC-4 in June.
    (jd_ut - 2_440_587.5 - 4.0 / 24.0).floor() as i64
}

// ---------------------------------------------------------------------------
// Peru: Decreto Legislativo 713 art. 6 and the laws that amended it.
// ---------------------------------------------------------------------------

fn peru(y: i32, out: &mut Days) {
    out.push((ymd(y, 1, 1), "New Year's Day"));
    out.push((easter_plus(y, -3), "Holy Thursday"));
    out.push((easter_plus(y, -2), "Good Friday"));
    // Easter Sunday is a Sunday anyway; it is not listed.
    out.push((ymd(y, 5, 1), "Labour Day"));
    if y >= 2024 {
        // Ley 31788 (June 2023), first observed 7 June 2024 (to verify).
        out.push((ymd(y, 6, 7), "Battle of Arica and Flag Day"));
    }
    out.push((ymd(y, 6, 29), "Saint Peter and Saint Paul"));
    if y >= 2023 {
        // Ley 31822 (July 2023), first observed 23 July 2023 (to verify).
        out.push((ymd(y, 7, 23), "Peruvian Air Force Day"));
    }
    out.push((ymd(y, 7, 28), "Independence Day"));
    out.push((ymd(y, 7, 29), "Independence Day (second day)"));
    if y >= 2022 {
        // Ley 31530 (July 2022), first observed 6 August 2022 (to verify).
        out.push((ymd(y, 8, 6), "Battle of Junín"));
    }
    out.push((ymd(y, 8, 30), "Saint Rose of Lima"));
    out.push((ymd(y, 10, 8), "Battle of Angamos"));
    out.push((ymd(y, 11, 1), "All Saints' Day"));
    out.push((ymd(y, 12, 8), "Immaculate Conception"));
    if y >= 2022 {
        // Ley 31381, first observed 9 December 2022 (to verify).
        out.push((ymd(y, 12, 9), "Battle of Ayacucho"));
    }
    out.push((ymd(y, 12, 25), "Christmas Day"));
    // Not encoded: the "días no laborables" the government declares for the
    // public sector each year are not holidays for private employers.
}

// ---------------------------------------------------------------------------
// Mexico: Ley Federal del Trabajo art. 74.
// ---------------------------------------------------------------------------

fn mexico(y: i32, out: &mut Days) {
    out.push((ymd(y, 1, 1), "New Year's Day"));
    if y >= 2006 {
        // 2005 reform: these three were moved to Mondays from 2006.
        out.push((nth_weekday(y, 2, MON, 1), "Constitution Day"));
        out.push((nth_weekday(y, 3, MON, 3), "Benito Juárez's Birthday"));
    } else {
        out.push((ymd(y, 2, 5), "Constitution Day"));
        out.push((ymd(y, 3, 21), "Benito Juárez's Birthday"));
    }
    out.push((ymd(y, 5, 1), "Labour Day"));
    out.push((ymd(y, 9, 16), "Independence Day"));
    if y >= 2024 && (y - 2024) % 6 == 0 {
        // The federal executive takes office on 1 October since 2024.
        out.push((ymd(y, 10, 1), "Transmission of Federal Executive Power"));
    } else if y <= 2018 && (2018 - y) % 6 == 0 {
        out.push((ymd(y, 12, 1), "Transmission of Federal Executive Power"));
    }
    if y >= 2006 {
        out.push((nth_weekday(y, 11, MON, 3), "Revolution Day"));
    } else {
        out.push((ymd(y, 11, 20), "Revolution Day"));
    }
    out.push((ymd(y, 12, 25), "Christmas Day"));
    // Not encoded (to verify): art. 74 IX also makes the day of ordinary federal
    // and local elections a rest day (federal ones on the first Sunday of June
    // every three years: 2021, 2024, 2027, ...).
}

// ---------------------------------------------------------------------------
// Ecuador: Código del Trabajo art. 65 and LOSEP, as reformed by the Ley
// Orgánica Reformatoria a la LOSEP y al Código del Trabajo (R.O. 906, 20
// December 2016), in force from 2017.
// ---------------------------------------------------------------------------

/// The 2016 reform's general rule: Tuesday to the Monday before, Wednesday or
/// Thursday to the Friday of the same week, Saturday to the Friday before,
/// Sunday to the Monday after (to verify against the official text).
fn ecuador_move(day: i64) -> i64 {
    match weekday_of(day) {
        TUE => day - 1,
        WED => day + 2,
        THU => day + 1,
        SAT => day - 1,
        SUN => day + 1,
        _ => day,
    }
}

/// The rule for the exceptions (1 January, 25 December): only weekends move.
fn ecuador_weekend(day: i64) -> i64 {
    match weekday_of(day) {
        SAT => day - 1,
        SUN => day + 1,
        _ => day,
    }
}

fn ecuador(y: i32, out: &mut Days) {
    let moves = y >= 2017;
    let general = |day: i64| if moves { ecuador_move(day) } else { day };
    let weekend = |day: i64| if moves { ecuador_weekend(day) } else { day };
    out.push((weekend(ymd(y, 1, 1)), "New Year's Day"));
    out.push((easter_plus(y, -48), "Carnival Monday"));
    out.push((easter_plus(y, -47), "Carnival Tuesday"));
    out.push((easter_plus(y, -2), "Good Friday"));
    out.push((general(ymd(y, 5, 1)), "Labour Day"));
    out.push((general(ymd(y, 5, 24)), "Battle of Pichincha"));
    out.push((general(ymd(y, 8, 10)), "First Cry of Independence"));
    out.push((general(ymd(y, 10, 9)), "Independence of Guayaquil"));
    // 2 and 3 November move as a pair so that they stay two separate rest days
    // (to verify): 2 November Tuesday -> Monday 1, Wednesday -> Friday 4,
    // Saturday -> Friday 1, Sunday -> Tuesday 4 (Monday 3 is already a
    // holiday); 3 November moves only from a Sunday, to Monday 4. This matches
    // the official 2022 (3-4), 2024 (1 and 4) and 2025 (3-4) calendars.
    let november_2 = ymd(y, 11, 2);
    let all_souls = if moves {
        match weekday_of(november_2) {
            TUE | SAT => november_2 - 1,
            WED | SUN => november_2 + 2,
            _ => november_2,
        }
    } else {
        november_2
    };
    out.push((all_souls, "All Souls' Day"));
    let november_3 = ymd(y, 11, 3);
    let cuenca = if moves && weekday_of(november_3) == SUN {
        november_3 + 1
    } else {
        november_3
    };
    out.push((cuenca, "Independence of Cuenca"));
    out.push((weekend(ymd(y, 12, 25)), "Christmas Day"));
    // Not encoded: the extra rest days the executive declares by decree (for
    // example 9 October 2025 in addition to the moved Friday 10 October).
}

// ---------------------------------------------------------------------------
// Brazil: Lei 662/1949, Lei 6.802/1980, Lei 9.093/1995, Lei 14.759/2023.
// ---------------------------------------------------------------------------

fn brazil(y: i32, out: &mut Days) {
    // Carnival Monday and Tuesday and Corpus Christi are "ponto facultativo"
    // (optional days) nationally, not holidays; they are left out.
    out.push((ymd(y, 1, 1), "Universal Fraternization Day"));
    out.push((easter_plus(y, -2), "Good Friday"));
    out.push((ymd(y, 4, 21), "Tiradentes' Day"));
    out.push((ymd(y, 5, 1), "Labour Day"));
    out.push((ymd(y, 9, 7), "Independence Day"));
    out.push((ymd(y, 10, 12), "Our Lady of Aparecida"));
    out.push((ymd(y, 11, 2), "All Souls' Day"));
    out.push((ymd(y, 11, 15), "Proclamation of the Republic"));
    if y >= 2024 {
        // Lei 14.759 (21 December 2023).
        out.push((
            ymd(y, 11, 20),
            "National Day of Zumbi and Black Consciousness",
        ));
    }
    out.push((ymd(y, 12, 25), "Christmas Day"));
}

fn sao_paulo(y: i32, out: &mut Days) {
    brazil(y, out);
    // State law 9.497/1997 (number to verify). Corpus Christi and the city of São Paulo's own
    // holidays (25 January) are municipal choices and are left out.
    out.push((ymd(y, 7, 9), "Constitutionalist Revolution of 1932"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached answer is the holiday list's, for every day of 2020-2035 in every
    /// calendar (and false for an unknown calendar or an impossible date).
    #[test]
    fn is_holiday_agrees_with_the_holiday_list() {
        for cal in [
            "US", "GB", "ES", "CO", "CL", "PE", "MX", "EC", "BR", "BR-SP", "DE", "XX",
        ] {
            for year in 2020..=2035 {
                let list = holidays(cal, year);
                for month in 1..=12 {
                    for day in 1..=31 {
                        let listed = list.iter().any(|h| h.month == month && h.day == day);
                        assert_eq!(
                            is_holiday(cal, year, month, day),
                            listed,
                            "{cal} {year}-{month}-{day}"
                        );
                    }
                }
            }
        }
        assert!(!is_holiday("US", 2026, 13, 1));
        assert!(!is_holiday("US", 2026, 1, 0));
    }

    /// (month, day) pairs of `holidays(calendar, year)`.
    fn dates(calendar: &str, year: i32) -> Vec<(u32, u32)> {
        holidays(calendar, year)
            .iter()
            .map(|h| (h.month, h.day))
            .collect()
    }

    #[test]
    fn easter_matches_known_dates() {
        let known = [
            (2020, (4, 12)),
            (2021, (4, 4)),
            (2022, (4, 17)),
            (2023, (4, 9)),
            (2024, (3, 31)),
            (2025, (4, 20)),
            (2026, (4, 5)),
            (2027, (3, 28)),
            (2028, (4, 16)),
            (2029, (4, 1)),
            (2030, (4, 21)),
            (2031, (4, 13)),
            (2032, (3, 28)),
            (2033, (4, 17)),
            (2034, (4, 9)),
            (2035, (3, 25)),
            // Extremes of the Gregorian range of Easter dates.
            (1818, (3, 22)),
            (2285, (3, 22)),
            (1943, (4, 25)),
            (2038, (4, 25)),
        ];
        for (year, expected) in known {
            assert_eq!(easter(year), expected, "Easter {year}");
        }
    }

    #[test]
    fn weekday_and_civil_arithmetic() {
        assert_eq!(weekday(1970, 1, 1), THU);
        assert_eq!(weekday(2000, 1, 1), SAT);
        assert_eq!(weekday(2000, 2, 29), TUE);
        assert_eq!(weekday(2024, 1, 1), MON);
        assert_eq!(weekday(2025, 12, 25), THU);
        assert_eq!(weekday(2035, 12, 31), MON);
        assert_eq!(weekday(1600, 1, 1), SAT);
        assert_eq!(ymd(1970, 1, 1), 0);
        assert_eq!(ymd(2000, 3, 1), 11_017);
        for day in -800_000..800_000 {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(civil_from_days(ymd(2024, 2, 29) + 1), (2024, 3, 1));
        assert_eq!(civil_from_days(ymd(2023, 12, 31) + 1), (2024, 1, 1));
    }

    #[test]
    fn helpers_find_weekdays() {
        assert_eq!(civil_from_days(nth_weekday(2024, 1, MON, 3)), (2024, 1, 15));
        assert_eq!(
            civil_from_days(nth_weekday(2024, 11, THU, 4)),
            (2024, 11, 28)
        );
        assert_eq!(civil_from_days(last_weekday(2024, 5, MON)), (2024, 5, 27));
        assert_eq!(civil_from_days(last_weekday(2024, 12, TUE)), (2024, 12, 31));
        assert_eq!(
            civil_from_days(monday_on_or_after(ymd(2024, 1, 8))),
            (2024, 1, 8)
        );
        assert_eq!(
            civil_from_days(monday_on_or_after(ymd(2024, 1, 6))),
            (2024, 1, 8)
        );
    }

    #[test]
    fn us_federal() {
        // OPM federal holiday schedules.
        let y2021 = [
            (1, 1),
            (1, 18),
            (2, 15),
            (5, 31),
            (6, 18),
            (7, 5),
            (9, 6),
            (10, 11),
            (11, 11),
            (11, 25),
            (12, 24),
            (12, 31), // New Year's Day 2022 (a Saturday), observed.
        ];
        assert_eq!(dates("US", 2021), y2021);
        let y2022 = [
            (1, 17),
            (2, 21),
            (5, 30),
            (6, 20),
            (7, 4),
            (9, 5),
            (10, 10),
            (11, 11),
            (11, 24),
            (12, 26),
        ];
        assert_eq!(dates("US", 2022), y2022);
        let y2024 = [
            (1, 1),
            (1, 15),
            (2, 19),
            (5, 27),
            (6, 19),
            (7, 4),
            (9, 2),
            (10, 14),
            (11, 11),
            (11, 28),
            (12, 25),
        ];
        assert_eq!(dates("US", 2024), y2024);
        let y2025 = [
            (1, 1),
            (1, 20),
            (2, 17),
            (5, 26),
            (6, 19),
            (7, 4),
            (9, 1),
            (10, 13),
            (11, 11),
            (11, 27),
            (12, 25),
        ];
        assert_eq!(dates("US", 2025), y2025);
        let y2026 = [
            (1, 1),
            (1, 19),
            (2, 16),
            (5, 25),
            (6, 19),
            (7, 3),
            (9, 7),
            (10, 12),
            (11, 11),
            (11, 26),
            (12, 25),
        ];
        assert_eq!(dates("US", 2026), y2026);
        assert_eq!(dates("US", 2020).len(), 10); // No Juneteenth before 2021.
        assert!(is_holiday("US", 2023, 11, 10)); // Veterans Day, Saturday 11th.
        assert!(!is_holiday("US", 2023, 11, 11));
    }

    #[test]
    fn de_nationwide() {
        // Bundesministerium des Innern, "Gesetzliche Feiertage" 2025: Neujahr 1.1.,
        // Karfreitag 18.4., Ostermontag 21.4., Tag der Arbeit 1.5., Christi Himmelfahrt
        // 29.5., Pfingstmontag 9.6., Tag der Deutschen Einheit 3.10., 1. und 2.
        // Weihnachtstag 25./26.12.
        assert_eq!(
            dates("DE", 2025),
            [
                (1, 1),
                (4, 18),
                (4, 21),
                (5, 1),
                (5, 29),
                (6, 9),
                (10, 3),
                (12, 25),
                (12, 26)
            ]
        );
        assert!(is_holiday("DE", 2017, 10, 31));
        assert!(!is_holiday("DE", 2018, 10, 31));
    }

    #[test]
    fn gb_england_and_wales() {
        // GOV.UK bank holiday lists.
        let y2020 = [
            (1, 1),
            (4, 10),
            (4, 13),
            (5, 8),
            (5, 25),
            (8, 31),
            (12, 25),
            (12, 28),
        ];
        assert_eq!(dates("GB", 2020), y2020);
        let y2022 = [
            (1, 3),
            (4, 15),
            (4, 18),
            (5, 2),
            (6, 2),
            (6, 3),
            (8, 29),
            (9, 19),
            (12, 26),
            (12, 27),
        ];
        assert_eq!(dates("GB", 2022), y2022);
        let y2023 = [
            (1, 2),
            (4, 7),
            (4, 10),
            (5, 1),
            (5, 8),
            (5, 29),
            (8, 28),
            (12, 25),
            (12, 26),
        ];
        assert_eq!(dates("GB", 2023), y2023);
        let y2024 = [
            (1, 1),
            (3, 29),
            (4, 1),
            (5, 6),
            (5, 27),
            (8, 26),
            (12, 25),
            (12, 26),
        ];
        assert_eq!(dates("GB", 2024), y2024);
        let y2025 = [
            (1, 1),
            (4, 18),
            (4, 21),
            (5, 5),
            (5, 26),
            (8, 25),
            (12, 25),
            (12, 26),
        ];
        assert_eq!(dates("GB", 2025), y2025);
        let y2026 = [
            (1, 1),
            (4, 3),
            (4, 6),
            (5, 4),
            (5, 25),
            (8, 31),
            (12, 25),
            (12, 28),
        ];
        assert_eq!(dates("GB", 2026), y2026);
        let christmas_2022: Vec<&str> = holidays("GB", 2022)
            .iter()
            .filter(|h| h.month == 12)
            .map(|h| h.name)
            .collect();
        assert_eq!(
            christmas_2022,
            ["Boxing Day", "Christmas Day (substitute day)"]
        );
    }

    #[test]
    fn es_national() {
        // National holidays by rule; 8 December 2024, 12 October 2025 and
        // 1 November 2025 fall on a weekend and are still listed (the BOE table
        // leaves Sunday ones to the autonomous communities).
        let y2024 = [
            (1, 1),
            (1, 6),
            (3, 29),
            (5, 1),
            (8, 15),
            (10, 12),
            (11, 1),
            (12, 6),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("ES", 2024), y2024);
        let y2025 = [
            (1, 1),
            (1, 6),
            (4, 18),
            (5, 1),
            (8, 15),
            (10, 12),
            (11, 1),
            (12, 6),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("ES", 2025), y2025);
    }

    #[test]
    fn co_emiliani() {
        let y2024 = [
            (1, 1),
            (1, 8),
            (3, 25),
            (3, 28),
            (3, 29),
            (5, 1),
            (5, 13),
            (6, 3),
            (6, 10),
            (7, 1),
            (7, 20),
            (8, 7),
            (8, 19),
            (10, 14),
            (11, 4),
            (11, 11),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("CO", 2024), y2024);
        assert_eq!(holidays("CO", 2024).len(), 18);
        // 2025: 18 holidays on 17 days (Sacred Heart and Saint Peter and Saint
        // Paul both on Monday 30 June).
        let y2025 = [
            (1, 1),
            (1, 6),
            (3, 24),
            (4, 17),
            (4, 18),
            (5, 1),
            (6, 2),
            (6, 23),
            (6, 30),
            (7, 20),
            (8, 7),
            (8, 18),
            (10, 13),
            (11, 3),
            (11, 17),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("CO", 2025), y2025);
        let y2026 = [
            (1, 1),
            (1, 12),
            (3, 23),
            (4, 2),
            (4, 3),
            (5, 1),
            (5, 18),
            (6, 8),
            (6, 15),
            (6, 29),
            (7, 13), // Chiquinquirá (Ley 2578 of 2026), 9 July moved.
            (7, 20),
            (8, 7),
            (8, 17),
            (10, 12),
            (11, 2),
            (11, 16),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("CO", 2026), y2026);
        assert!(!is_holiday("CO", 2025, 7, 14));
        assert!(is_holiday("CO", 2029, 7, 9)); // Already a Monday.
    }

    #[test]
    fn cl_chile() {
        // Election days (7 May and 17 December 2023, 27 October 2024,
        // 16 November and 14 December 2025) are not encoded; see `chile`.
        let y2022 = [
            (1, 1),
            (4, 15),
            (4, 16),
            (5, 1),
            (5, 21),
            (6, 21),
            (6, 27),
            (7, 16),
            (8, 15),
            (9, 16),
            (9, 18),
            (9, 19),
            (10, 10),
            (10, 31),
            (11, 1),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("CL", 2022), y2022);
        let y2023 = [
            (1, 1),
            (1, 2),
            (4, 7),
            (4, 8),
            (5, 1),
            (5, 21),
            (6, 21),
            (6, 26),
            (7, 16),
            (8, 15),
            (9, 18),
            (9, 19),
            (10, 9),
            (10, 27),
            (11, 1),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("CL", 2023), y2023);
        let y2024 = [
            (1, 1),
            (3, 29),
            (3, 30),
            (5, 1),
            (5, 21),
            (6, 20),
            (6, 29),
            (7, 16),
            (8, 15),
            (9, 18),
            (9, 19),
            (9, 20),
            (10, 12),
            (10, 31),
            (11, 1),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("CL", 2024), y2024);
        let y2025 = [
            (1, 1),
            (4, 18),
            (4, 19),
            (5, 1),
            (5, 21),
            (6, 20),
            (6, 29),
            (7, 16),
            (8, 15),
            (9, 18),
            (9, 19),
            (10, 12),
            (10, 31),
            (11, 1),
            (12, 8),
            (12, 25),
        ];
        assert_eq!(dates("CL", 2025), y2025);
        // Friday 17 September 2021 (Ley 20.983) and Monday 21 June 2021.
        assert!(is_holiday("CL", 2021, 9, 17));
        assert!(is_holiday("CL", 2021, 6, 21));
        assert!(!is_holiday("CL", 2020, 6, 20));
        assert!(!is_holiday("CL", 2020, 6, 21));
        // Monday 17 September 2029 and Friday 20 September 2030 (Ley 20.215).
        assert!(is_holiday("CL", 2029, 9, 17));
        assert!(is_holiday("CL", 2030, 9, 20));
        // 31 October on a Wednesday moves to Friday 2 November (2029).
        assert!(is_holiday("CL", 2029, 11, 2));
        assert!(!is_holiday("CL", 2029, 10, 31));
    }

    #[test]
    fn cl_solstice_days() {
        // June solstice instants (UTC) published for 2022-2035, shifted to
        // Chile's UTC-4; 2025, 2029 and 2033 fall on the evening of 20 June.
        let expected = [
            (2022, 21),
            (2023, 21),
            (2024, 20),
            (2025, 20),
            (2026, 21),
            (2027, 21),
            (2028, 20),
            (2029, 20),
            (2030, 21),
            (2031, 21),
            (2032, 20),
            (2033, 20),
            (2034, 21),
            (2035, 21),
        ];
        for (year, day) in expected {
            assert_eq!(
                civil_from_days(june_solstice_chile(year)),
                (i64::from(year), 6, day),
                "solstice {year}"
            );
        }
    }

    #[test]
    fn pe_peru() {
        let y2024 = [
            (1, 1),
            (3, 28),
            (3, 29),
            (5, 1),
            (6, 7),
            (6, 29),
            (7, 23),
            (7, 28),
            (7, 29),
            (8, 6),
            (8, 30),
            (10, 8),
            (11, 1),
            (12, 8),
            (12, 9),
            (12, 25),
        ];
        assert_eq!(dates("PE", 2024), y2024);
        let y2025 = [
            (1, 1),
            (4, 17),
            (4, 18),
            (5, 1),
            (6, 7),
            (6, 29),
            (7, 23),
            (7, 28),
            (7, 29),
            (8, 6),
            (8, 30),
            (10, 8),
            (11, 1),
            (12, 8),
            (12, 9),
            (12, 25),
        ];
        assert_eq!(dates("PE", 2025), y2025);
        // Effective years of the recent additions are "to verify" (see `peru`).
        assert!(!is_holiday("PE", 2023, 6, 7));
        assert!(is_holiday("PE", 2023, 7, 23));
        assert!(!is_holiday("PE", 2021, 8, 6));
    }

    #[test]
    fn mx_mexico() {
        let y2024 = [
            (1, 1),
            (2, 5),
            (3, 18),
            (5, 1),
            (9, 16),
            (10, 1),
            (11, 18),
            (12, 25),
        ];
        assert_eq!(dates("MX", 2024), y2024);
        let y2025 = [(1, 1), (2, 3), (3, 17), (5, 1), (9, 16), (11, 17), (12, 25)];
        assert_eq!(dates("MX", 2025), y2025);
        assert!(is_holiday("MX", 2030, 10, 1));
        assert!(!is_holiday("MX", 2027, 10, 1));
    }

    #[test]
    fn ec_ecuador() {
        // Ministry of Tourism calendars; the moving rule itself is "to verify".
        let y2023 = [
            (1, 2),
            (2, 20),
            (2, 21),
            (4, 7),
            (5, 1),
            (5, 26),
            (8, 11),
            (10, 9),
            (11, 2),
            (11, 3),
            (12, 25),
        ];
        assert_eq!(dates("EC", 2023), y2023);
        let y2024 = [
            (1, 1),
            (2, 12),
            (2, 13),
            (3, 29),
            (5, 3),
            (5, 24),
            (8, 9),
            (10, 11),
            (11, 1),
            (11, 4),
            (12, 25),
        ];
        assert_eq!(dates("EC", 2024), y2024);
        let y2025 = [
            (1, 1),
            (3, 3),
            (3, 4),
            (4, 18),
            (5, 2),
            (5, 23),
            (8, 11),
            (10, 10),
            (11, 3),
            (11, 4),
            (12, 25),
        ];
        assert_eq!(dates("EC", 2025), y2025);
        // 2021: Christmas (Saturday) on Friday 24 December and New Year 2022
        // (Saturday) on Friday 31 December 2021; none on 1 January 2022.
        assert!(is_holiday("EC", 2021, 12, 24));
        assert!(is_holiday("EC", 2021, 12, 31));
        assert!(!is_holiday("EC", 2022, 1, 1));
        // 2022: 2 November (Wednesday) rests on Friday 4, 3 November stays.
        assert!(is_holiday("EC", 2022, 11, 3));
        assert!(is_holiday("EC", 2022, 11, 4));
    }

    #[test]
    fn br_brazil_and_sao_paulo() {
        let y2023 = [
            (1, 1),
            (4, 7),
            (4, 21),
            (5, 1),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (12, 25),
        ];
        assert_eq!(dates("BR", 2023), y2023);
        let y2024 = [
            (1, 1),
            (3, 29),
            (4, 21),
            (5, 1),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ];
        assert_eq!(dates("BR", 2024), y2024);
        let y2025 = [
            (1, 1),
            (4, 18),
            (4, 21),
            (5, 1),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ];
        assert_eq!(dates("BR", 2025), y2025);
        let sp2024 = [
            (1, 1),
            (3, 29),
            (4, 21),
            (5, 1),
            (7, 9),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ];
        assert_eq!(dates("BR-SP", 2024), sp2024);
        let sp2025 = [
            (1, 1),
            (4, 18),
            (4, 21),
            (5, 1),
            (7, 9),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ];
        assert_eq!(dates("BR-SP", 2025), sp2025);
    }

    #[test]
    fn unknown_calendar_is_empty() {
        for calendar in ["", "us", "XX", "BR-RJ", "GB-SCT"] {
            assert!(holidays(calendar, 2025).is_empty());
            assert!(!is_holiday(calendar, 2025, 1, 1));
        }
    }

    #[test]
    fn lists_are_sorted_unique_and_agree_with_is_holiday() {
        for calendar in CALENDARS {
            for year in 2020..=2035 {
                let list = holidays(calendar, year);
                assert!(!list.is_empty(), "{calendar} {year}");
                for pair in list.windows(2) {
                    assert!(
                        (pair[0].month, pair[0].day) < (pair[1].month, pair[1].day),
                        "{calendar} {year}: {pair:?}"
                    );
                }
                let mut day = ymd(year, 1, 1);
                let mut listed = 0;
                while civil_from_days(day).0 == i64::from(year) {
                    let (_, month, dom) = civil_from_days(day);
                    let expected = list.iter().any(|h| h.month == month && h.day == dom);
                    assert_eq!(
                        is_holiday(calendar, year, month, dom),
                        expected,
                        "{calendar} {year}-{month:02}-{dom:02}"
                    );
                    listed += usize::from(expected);
                    day += 1;
                }
                assert_eq!(listed, list.len(), "{calendar} {year}");
                assert!(!is_holiday(calendar, year, 2, 30));
                assert!(!is_holiday(calendar, year, 13, 1));
            }
        }
    }
}
