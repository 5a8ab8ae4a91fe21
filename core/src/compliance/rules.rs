//! Native rule structures: what a pack declares compiles into these, so checking a
//! candidate costs microseconds, not a script run per rule.

use super::clock::{self, Closures, Weekly};
use super::{CheckContext, ContactRule, Reopens, RuleVerdict};
use crate::decision::{Action, Confidence};
use crate::facts::LedgerEntry;
use crate::model::{Channel, Direction, Outcome};
use crate::time::Instant;
use chrono::{Datelike, NaiveDate};

/// Why a block has no reopening instant: the dates ran out.
const OUT_OF_RANGE: &str = "the next allowed instant is beyond the representable dates";

/// What every declared rule carries.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Rule id.
    pub id: String,
    /// Citation.
    pub citation: String,
    /// Confidence.
    pub confidence: Confidence,
    /// Channels the rule governs (`None`: all).
    pub channels: Option<Vec<Channel>>,
}

impl Meta {
    fn governs(&self, action: &Action) -> Option<Channel> {
        let ch = action.channel?;
        match &self.channels {
            Some(list) if !list.contains(&ch) => None,
            _ => Some(ch),
        }
    }
}

/// The `id`, `citation` and `confidence` of a rule that carries a [`Meta`].
macro_rules! meta_accessors {
    () => {
        fn id(&self) -> &str {
            &self.meta.id
        }
        fn citation(&self) -> &str {
            &self.meta.citation
        }
        fn confidence(&self) -> Confidence {
            self.meta.confidence
        }
    };
}

/// Whom a frequency cap counts contacts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// All contacts with the person.
    Person,
    /// Contacts about each debt separately.
    Debt,
}

/// The period a cap counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A rolling window of this many seconds ending at the candidate's instant.
    Rolling(i64),
    /// This many local calendar days, today included ("7 consecutive days").
    Days(i64),
    /// The local calendar week, Monday to Sunday.
    Week,
}

/// Allowed lengths of a `days:N` period, in days.
pub const PERIOD_DAYS: std::ops::RangeInclusive<i64> = 1..=366;
/// Allowed lengths of a `rolling:` period, in seconds (1 hour to 366 days).
pub const PERIOD_ROLLING_SECS: std::ops::RangeInclusive<i64> = 3_600..=366 * 86_400;

impl Period {
    /// Parse `day`, `week`, `days:N` (N in 1..=366) or `rolling:Nd` / `rolling:Nh`
    /// (1 hour to 366 days). Never panics, never wraps: a number out of range is an
    /// error that names the allowed range.
    pub fn parse(s: &str) -> Result<Period, String> {
        let bad = || {
            format!(
                "`{s}` is not a period: use `day`, `week`, `days:N` (N from 1 to 366) or \
                 `rolling:Nd` / `rolling:Nh` (1h to 366d)"
            )
        };
        // Digits only: no sign, no spaces, no other characters.
        let number = |n: &str| -> Result<i64, String> {
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            n.parse::<i64>().map_err(|_| bad())
        };
        Ok(match s {
            "day" => Period::Days(1),
            "week" => Period::Week,
            _ => {
                if let Some(n) = s.strip_prefix("days:") {
                    let n = number(n)?;
                    if !PERIOD_DAYS.contains(&n) {
                        return Err(bad());
                    }
                    Period::Days(n)
                } else if let Some(r) = s.strip_prefix("rolling:") {
                    let (num, unit) = if let Some(n) = r.strip_suffix('d') {
                        (n, 86_400)
                    } else if let Some(n) = r.strip_suffix('h') {
                        (n, 3_600)
                    } else {
                        return Err(bad());
                    };
                    let secs = number(num)?.checked_mul(unit).ok_or_else(bad)?;
                    if !PERIOD_ROLLING_SECS.contains(&secs) {
                        return Err(bad());
                    }
                    Period::Rolling(secs)
                } else {
                    return Err(bad());
                }
            }
        })
    }

    fn describe(self) -> String {
        match self {
            Period::Rolling(s) if s % 86_400 == 0 => format!("rolling {} days", s / 86_400),
            Period::Rolling(s) => format!("rolling {} hours", s / 3_600),
            Period::Days(1) => "the calendar day".into(),
            Period::Days(n) => format!("{n} consecutive days"),
            Period::Week => "the calendar week".into(),
        }
    }
}

/// The Monday of `d`'s week (`None` before the first representable Monday).
fn monday(d: NaiveDate) -> Option<NaiveDate> {
    clock::add_days(d, -i64::from(d.weekday().num_days_from_monday()))
}

/// Combine the reopenings of several blocks: all must lift, so the latest instant,
/// a person-only block over an unknown one over an instant.
fn latest(a: Option<Reopens>, b: Reopens) -> Reopens {
    match (a, b) {
        (None, b) => b,
        (Some(Reopens::ByPerson), _) | (_, Reopens::ByPerson) => Reopens::ByPerson,
        (Some(Reopens::NotFound(w)), _) | (_, Reopens::NotFound(w)) => Reopens::NotFound(w),
        (Some(Reopens::At(x)), Reopens::At(y)) => Reopens::At(x.max(y)),
    }
}

/// The debts a candidate is about: its own, or every debt with something owed, in id
/// order (so the input order of debts never changes a verdict's wording).
fn debts_of<'a>(ctx: &'a CheckContext<'_>, action: &'a Action) -> Vec<&'a str> {
    let mut ids = match &action.debt_id {
        Some(d) => vec![d.as_str()],
        None => {
            let owed: Vec<&str> = ctx
                .case
                .debts
                .iter()
                .filter(|d| d.outstanding > rust_decimal::Decimal::ZERO)
                .map(|d| d.id.as_str())
                .collect();
            if owed.is_empty() {
                ctx.case.debts.iter().map(|d| d.id.as_str()).collect()
            } else {
                owed
            }
        }
    };
    crate::sort::sort(&mut ids);
    ids
}

fn about(ctx: &CheckContext<'_>, e: &LedgerEntry, debt: Option<&str>) -> bool {
    match debt {
        None => true,
        Some(id) => {
            let ids = &ctx.case.contacts[e.index].debt_ids;
            ids.is_empty() || ids.iter().any(|x| x == id)
        }
    }
}

fn fmt_local(ctx: &CheckContext<'_>, t: Instant) -> String {
    clock::describe_local(ctx.facts.tz, t)
}

/// Which public holidays close a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holidays {
    /// Holidays do not close the window.
    Open,
    /// The holidays of this calendar (one of [`super::holidays::CALENDARS`]).
    Calendar(String),
    /// The holidays of the debtor's jurisdiction, resolved at check time (see
    /// [`calendar_for`]); when the jurisdiction has no calendar the verdict says that
    /// holidays could not be observed.
    Jurisdiction,
}

/// The holiday calendar of a jurisdiction: the calendar of that exact name (`BR-SP`),
/// else its country's (`US-MA` uses `US`); `None` when the engine has none.
pub fn calendar_for(jurisdiction: &str) -> Option<&'static str> {
    let cals = super::holidays::CALENDARS;
    cals.iter()
        .find(|c| **c == jurisdiction)
        .or_else(|| {
            let country = jurisdiction.split('-').next()?;
            cals.iter().find(|c| **c == country)
        })
        .copied()
}

/// Allowed hours per weekday in the debtor's local time, optionally closed on holidays.
#[derive(Debug, Clone)]
pub struct WindowRule {
    /// Id, citation, confidence, channels.
    pub meta: Meta,
    /// The weekly window.
    pub weekly: Weekly,
    /// Which holidays close the window.
    pub holidays: Holidays,
}

impl WindowRule {
    /// What `recobro rules` and similar listings should say about holidays.
    pub fn holidays_observed(&self) -> Option<String> {
        match &self.holidays {
            Holidays::Open => None,
            Holidays::Calendar(c) => Some(c.clone()),
            Holidays::Jurisdiction => Some("the debtor's jurisdiction".into()),
        }
    }
}

impl ContactRule for WindowRule {
    meta_accessors!();
    fn holidays(&self) -> Option<String> {
        self.holidays_observed()
    }
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        let Some(ch) = self.meta.governs(action) else {
            return RuleVerdict::NotApplicable;
        };
        let jurisdiction = ctx.case.debtor.jurisdiction.as_str();
        // The calendar, and what the holidays add to the verdict's text (written only
        // when the verdict is: most checks are allowed with nothing to add).
        let (calendar, note) = match &self.holidays {
            Holidays::Open => (None, HolidayNote::None),
            Holidays::Calendar(c) => (Some(c.as_str()), HolidayNote::Closed),
            Holidays::Jurisdiction => match calendar_for(jurisdiction) {
                Some(c) => (Some(c), HolidayNote::JurisdictionClosed(c)),
                None => (None, HolidayNote::NotObserved(jurisdiction)),
            },
        };
        let closures = Closures {
            calendar,
            extra: ctx.closures_for(calendar),
        };
        let zones = if ctx.zones.len() > 1 {
            (
                " in every possible time zone",
                " in at least one possible time zone",
            )
        } else {
            ("", "")
        };
        match clock::next_open_all(&self.weekly, &ctx.zones, at, &closures) {
            Ok(t) if t == at => ctx.allow(|| {
                format!(
                    "{} at {} is inside the allowed hours{}{}",
                    ch.as_str(),
                    fmt_local(ctx, at),
                    zones.0,
                    note.text(false)
                )
            }),
            next => RuleVerdict::Block {
                detail: format!(
                    "{} at {} is outside the allowed hours{}{}",
                    ch.as_str(),
                    fmt_local(ctx, at),
                    note.text(true),
                    zones.1
                ),
                reopens: match next {
                    Ok(t) => Reopens::At(t),
                    Err(e) => Reopens::NotFound(e.to_string()),
                },
            },
        }
    }
}

/// What a window rule's holidays add to its verdict's text.
enum HolidayNote<'a> {
    /// Nothing (holidays open).
    None,
    /// The rule's own calendar closes on holidays.
    Closed,
    /// The debtor's jurisdiction's calendar (named) closes on holidays.
    JurisdictionClosed(&'a str),
    /// No calendar for the debtor's jurisdiction (named): holidays not observed.
    NotObserved(&'a str),
}

impl HolidayNote<'_> {
    /// The text appended to a block (`blocked`) or to an allowance.
    fn text(&self, blocked: bool) -> String {
        match (self, blocked) {
            (HolidayNote::Closed, true) => " (holidays closed)".into(),
            (HolidayNote::JurisdictionClosed(c), true) => {
                format!(" ({c} holidays closed, the debtor's jurisdiction)")
            }
            (HolidayNote::NotObserved(j), _) => format!(
                " (holidays not observed: no holiday calendar for the debtor's \
                     jurisdiction `{j}`)"
            ),
            _ => String::new(),
        }
    }
}

/// At most `max` contacts per period.
#[derive(Debug, Clone)]
pub struct CapRule {
    /// Id, citation, confidence, channels governed.
    pub meta: Meta,
    /// Most contacts allowed in the period (the candidate would be one more).
    pub max: usize,
    /// The period.
    pub period: Period,
    /// Person or per debt.
    pub scope: Scope,
    /// Channels whose contacts count (`None`: the governed channels).
    pub counted: Option<Vec<Channel>>,
    /// Outcomes that do not count (Reg F: `not_connected`).
    pub exclude_outcomes: Vec<Outcome>,
    /// Days after direct prior consent during which calls neither count nor are capped.
    pub consent_exclusion_days: Option<i64>,
}

impl CapRule {
    fn counts(&self, ctx: &CheckContext<'_>, e: &LedgerEntry) -> bool {
        if e.direction != Direction::Outbound || self.exclude_outcomes.contains(&e.outcome) {
            return false;
        }
        let channel_counts = match (&self.counted, &self.meta.channels) {
            (Some(c), _) => c.contains(&e.channel),
            (None, Some(c)) => c.contains(&e.channel),
            (None, None) => true,
        };
        channel_counts && !self.consent_excluded(ctx, e.channel, Instant::from_timestamp(e.at))
    }

    fn consent_excluded(&self, ctx: &CheckContext<'_>, ch: Channel, t: Instant) -> bool {
        consent_excluded(ctx, self.consent_exclusion_days, ch, t)
    }

    /// (count, when the count drops below max: `None` while below) for one debt (or
    /// the person). A cap of 0 (only a host building the rule natively can make one;
    /// declared caps start at 1) never allows: a person must change the rule.
    fn tally(
        &self,
        ctx: &CheckContext<'_>,
        debt: Option<&str>,
        at: Instant,
    ) -> (usize, Option<Reopens>) {
        let tz = ctx.facts.tz;
        let t = at.timestamp();
        let (today, _) = clock::local(tz, at);
        // Oldest instant / day still inside the period (`None`: every entry is).
        let since_ts = match self.period {
            Period::Rolling(w) => t.checked_sub(w),
            _ => None,
        };
        let since_day = match self.period {
            Period::Rolling(_) => None,
            Period::Days(n) => n.checked_sub(1).and_then(|n| clock::add_days(today, -n)),
            Period::Week => monday(today),
        };
        let mut hits: Vec<i64> = Vec::new();
        for e in ctx.facts.ledger.iter().filter(|e| e.at <= t) {
            let inside = match self.period {
                Period::Rolling(_) => since_ts.is_none_or(|s| e.at > s),
                _ => since_day.is_none_or(|s| e.day >= s),
            };
            if !inside {
                // The ledger is newest first: nothing older can be inside.
                break;
            }
            if about(ctx, e, debt) && self.counts(ctx, e) {
                hits.push(e.at);
            }
        }
        if hits.len() < self.max {
            return (hits.len(), None);
        }
        // The max-th newest counted contact has to leave the window.
        let Some(kth) = self
            .max
            .checked_sub(1)
            .and_then(|k| hits.get(k))
            .map(|&s| Instant::from_timestamp(s))
        else {
            return (hits.len(), Some(Reopens::ByPerson));
        };
        let next = match self.period {
            Period::Rolling(w) => clock::add_secs(kth, w),
            Period::Days(n) => {
                clock::add_days(clock::date_in(tz, kth), n).and_then(|d| clock::start_of_day(tz, d))
            }
            Period::Week => monday(today)
                .and_then(|m| clock::add_days(m, 7))
                .and_then(|d| clock::start_of_day(tz, d)),
        };
        (
            hits.len(),
            Some(Reopens::found(next, || OUT_OF_RANGE.into())),
        )
    }
}

impl ContactRule for CapRule {
    meta_accessors!();
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        let Some(ch) = self.meta.governs(action) else {
            return RuleVerdict::NotApplicable;
        };
        if self.consent_excluded(ctx, ch, at) {
            return ctx.allow(|| {
                format!(
                    "{} within the days after the debtor's direct consent: excluded from the cap",
                    ch.as_str()
                )
            });
        }
        let targets: Vec<Option<&str>> = match self.scope {
            Scope::Person => vec![None],
            Scope::Debt => debts_of(ctx, action).into_iter().map(Some).collect(),
        };
        let mut worst: Option<(Option<&str>, usize)> = None;
        let mut next: Option<Reopens> = None;
        let mut max_seen = 0;
        for d in targets {
            let (n, free_at) = self.tally(ctx, d, at);
            max_seen = max_seen.max(n);
            if let Some(f) = free_at {
                next = Some(latest(next, f));
                worst = Some((d, n));
            }
        }
        match worst {
            None => ctx.allow(|| {
                format!(
                    "{max_seen} counted contact(s) in {}; the cap is {}",
                    self.period.describe(),
                    self.max
                )
            }),
            Some((d, n)) => RuleVerdict::Block {
                detail: format!(
                    "{n} counted contact(s){} in {} already: the cap is {}",
                    d.map(|d| format!(" about debt `{d}`")).unwrap_or_default(),
                    self.period.describe(),
                    self.max
                ),
                reopens: next.unwrap_or(Reopens::ByPerson),
            },
        }
    }
}

/// Whether `t` falls within `days` local days of the debtor's direct prior consent on
/// `ch` (Reg F 12 CFR 1006.14(b)(3)(i): such calls neither count toward nor are barred
/// by the call frequencies; the consent's day is day 1).
fn consent_excluded(ctx: &CheckContext<'_>, days: Option<i64>, ch: Channel, t: Instant) -> bool {
    let Some(days) = days else {
        return false;
    };
    let Some(given) = ctx
        .case
        .debtor
        .consents
        .get(&ch)
        .and_then(|c| c.consented_at)
    else {
        return false;
    };
    let tz = ctx.facts.tz;
    let first = clock::date_in(tz, given);
    // The last excluded day; beyond the representable dates, no end.
    let last = days.checked_sub(1).and_then(|d| clock::add_days(first, d));
    t >= given && days >= 1 && last.is_none_or(|l| clock::date_in(tz, t) <= l)
}

/// No contact for `days` days after an event (Reg F: after a telephone conversation;
/// the event's day is day 1).
#[derive(Debug, Clone)]
pub struct AfterEventRule {
    /// Id, citation, confidence, channels governed.
    pub meta: Meta,
    /// Length of the quiet period in local days, the event's day included.
    pub days: i64,
    /// Person or per debt.
    pub scope: Scope,
    /// Channels on which the event must have happened (`None`: any).
    pub event_channels: Option<Vec<Channel>>,
    /// Days after the debtor's direct prior consent on the channel during which the
    /// quiet period does not apply (Reg F 1006.14(b)(3)(i)).
    pub consent_exclusion_days: Option<i64>,
}

impl ContactRule for AfterEventRule {
    meta_accessors!();
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        let Some(ch) = self.meta.governs(action) else {
            return RuleVerdict::NotApplicable;
        };
        if consent_excluded(ctx, self.consent_exclusion_days, ch, at) {
            return ctx.allow(|| {
                format!(
                    "{} within the days after the debtor's direct consent: the quiet period after a conversation does not apply",
                    ch.as_str()
                )
            });
        }
        let tz = ctx.facts.tz;
        let today = clock::date_in(tz, at);
        let targets: Vec<Option<&str>> = match self.scope {
            Scope::Person => vec![None],
            Scope::Debt => debts_of(ctx, action).into_iter().map(Some).collect(),
        };
        let t = at.timestamp();
        // (first day free, the conversation's day, the debt).
        let mut until: Option<(Option<NaiveDate>, NaiveDate, Option<&str>)> = None;
        for d in targets {
            let last = ctx.facts.ledger.iter().find(|e| {
                e.at <= t
                    && e.outcome.is_conversation()
                    && self
                        .event_channels
                        .as_ref()
                        .is_none_or(|c| c.contains(&e.channel))
                    && about(ctx, e, d)
            });
            if let Some(e) = last {
                let first = e.day;
                // Beyond the representable dates: never free (`None`).
                let free = clock::add_days(first, self.days);
                let later = |u: Option<NaiveDate>| match (free, u) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(f), Some(u)) => f > u,
                };
                if free.is_none_or(|f| today < f) && until.is_none_or(|(u, _, _)| later(u)) {
                    until = Some((free, first, d));
                }
            }
        }
        match until {
            None => ctx.allow(|| format!("no conversation in the last {} days", self.days)),
            Some((free, first, d)) => RuleVerdict::Block {
                detail: format!(
                    "a conversation{} on {}: no calls until {} (the conversation's day is day 1 of {})",
                    d.map(|d| format!(" about debt `{d}`")).unwrap_or_default(),
                    first,
                    free.map_or_else(|| "the end of the representable dates".into(), |f| f.to_string()),
                    self.days
                ),
                reopens: Reopens::found(free.and_then(|f| clock::start_of_day(tz, f)), || {
                    OUT_OF_RANGE.into()
                }),
            },
        }
    }
}

/// At most `max` distinct channels used per calendar week (Colombia).
#[derive(Debug, Clone)]
pub struct ChannelsPerWeekRule {
    /// Id, citation, confidence, channels governed.
    pub meta: Meta,
    /// Most distinct channels per week.
    pub max: usize,
}

impl ContactRule for ChannelsPerWeekRule {
    meta_accessors!();
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        let Some(ch) = self.meta.governs(action) else {
            return RuleVerdict::NotApplicable;
        };
        let tz = ctx.facts.tz;
        let week = monday(clock::date_in(tz, at));
        let t = at.timestamp();
        let mut used: Vec<Channel> = Vec::new();
        for e in ctx.facts.ledger.iter().filter(|e| e.at <= t) {
            if week.is_some_and(|w| e.day < w) {
                break;
            }
            let reached = !matches!(
                e.outcome,
                Outcome::NotConnected | Outcome::NoAnswer | Outcome::Failed | Outcome::WrongParty
            );
            if e.direction == Direction::Outbound && reached && !used.contains(&e.channel) {
                used.push(e.channel);
            }
        }
        // Allowed only if the week's channels, this one included, stay within the cap
        // (monotone: another contact can never turn a block into an allowance).
        let with_candidate = used.len() + usize::from(!used.contains(&ch));
        if with_candidate <= self.max {
            ctx.allow(|| {
                format!(
                    "channels reached this week: [{}]",
                    used.iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        } else {
            RuleVerdict::Block {
                detail: format!(
                    "the debtor was already reached this week by [{}]: no other channel until Monday",
                    used.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                ),
                reopens: Reopens::found(
                    week.and_then(|w| clock::add_days(w, 7))
                        .and_then(|d| clock::start_of_day(tz, d)),
                    || OUT_OF_RANGE.into(),
                ),
            }
        }
    }
}

/// Only channels the debtor has expressly authorised.
#[derive(Debug, Clone)]
pub struct ConsentRequiredRule {
    /// Id, citation, confidence, channels governed.
    pub meta: Meta,
}

impl ContactRule for ConsentRequiredRule {
    meta_accessors!();
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        let Some(ch) = self.meta.governs(action) else {
            return RuleVerdict::NotApplicable;
        };
        match ctx.case.debtor.consents.get(&ch) {
            Some(c) if c.allowed && c.opted_out_at.is_none_or(|o| o > at) => {
                ctx.allow(|| format!("`{}` was authorised by the debtor", ch.as_str()))
            }
            _ => RuleVerdict::Block {
                detail: format!(
                    "`{}` has no authorisation from the debtor on record (`consents.{}.allowed`)",
                    ch.as_str(),
                    ch.as_str()
                ),
                reopens: Reopens::ByPerson,
            },
        }
    }
}

/// The debtor's own requested contact windows (Reg F 1006.6(b)(1): a time the collector
/// knows is inconvenient; FCA CONC 7.9: reasonable requests such as shift patterns).
#[derive(Debug, Clone, Default)]
pub struct PreferredWindowsRule;

impl ContactRule for PreferredWindowsRule {
    fn id(&self) -> &str {
        "debtor.preferred_windows"
    }
    fn citation(&self) -> &str {
        "US: 12 CFR 1006.6(b)(1) (times known to be inconvenient); UK: FCA CONC 7.9 (customers' reasonable requests)"
    }
    fn confidence(&self) -> Confidence {
        Confidence::ToVerify
    }
    fn check_at(&self, ctx: &CheckContext<'_>, action: &Action, at: Instant) -> RuleVerdict {
        if action.channel.is_none() || ctx.case.debtor.preferred_windows.is_empty() {
            return RuleVerdict::NotApplicable;
        }
        let mut w = Weekly::default();
        for pw in &ctx.case.debtor.preferred_windows {
            let (Ok(a), Ok(b)) = (
                crate::model::parse_hhmm(&pw.from),
                crate::model::parse_hhmm(&pw.to),
            ) else {
                continue;
            };
            let days: Vec<usize> = if pw.days.is_empty() {
                (0..7).collect()
            } else {
                pw.days
                    .iter()
                    .filter_map(|d| crate::model::parse_weekday(d))
                    .map(|d| d.num_days_from_monday() as usize)
                    .collect()
            };
            for d in days {
                w.days[d].push((a * 60, b * 60));
            }
        }
        // The ambiguous-location rule applies here too: a requested time must hold in
        // every zone the debtor may be in.
        let several = ctx.zones.len() > 1;
        match clock::next_open_all(&w, &ctx.zones, at, &Closures::default()) {
            Ok(t) if t == at => ctx.allow(|| {
                format!(
                    "inside the debtor's requested contact times{}",
                    if several {
                        " in every possible time zone"
                    } else {
                        ""
                    }
                )
            }),
            next => RuleVerdict::Block {
                detail: format!(
                    "{} is outside the debtor's requested contact times{}",
                    fmt_local(ctx, at),
                    if several {
                        " in at least one possible time zone"
                    } else {
                        ""
                    }
                ),
                reopens: match next {
                    Ok(t) => Reopens::At(t),
                    Err(e) => Reopens::NotFound(e.to_string()),
                },
            },
        }
    }
}
