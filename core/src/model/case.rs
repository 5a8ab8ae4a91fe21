use crate::error::{clean_serde_message, json_error, Error, ErrorCode, Result};
use crate::money::{amount, amount_opt};
use crate::time::{Date, Instant};
use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One debtor's case.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The URI of a JSON Schema for editors (`"../schemas/case.schema.json"`):
    /// accepted as a string and ignored.
    #[serde(default, rename = "$schema", skip_serializing)]
    pub(crate) schema_key: SchemaKey,
    /// The case identifier, echoed in the decision.
    pub id: String,
    /// Who owes.
    pub debtor: Debtor,
    /// What is owed.
    #[serde(default)]
    pub debts: Vec<Debt>,
    /// Payments received.
    #[serde(default)]
    pub payments: Vec<Payment>,
    /// The charge ledger: every fee, interest and compensation line already applied
    /// to a debt (what a decision's `charges.lines` proposed and the host booked).
    /// What is still owed is derived from it and the payments.
    #[serde(default)]
    pub charges: Vec<AppliedCharge>,
    /// Promises to pay; kept / broken / pending is derived from payments.
    #[serde(default)]
    pub promises: Vec<Promise>,
    /// Payment plans agreed with the debtor.
    #[serde(default)]
    pub plans: Vec<Plan>,
    /// The contact ledger.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Free attributes (risk score, product line, custom fields) policies can read.
    #[serde(default)]
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

/// A case file's top-level `$schema` key: any string, ignored (not kept, not written).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SchemaKey;

impl<'de> Deserialize<'de> for SchemaKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SchemaKey, D::Error> {
        let _uri: String = Deserialize::deserialize(d)?;
        Ok(SchemaKey)
    }
}

/// Consumer or business debtor.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DebtorKind {
    /// A natural person.
    #[default]
    Consumer,
    /// A company.
    Business,
}

impl DebtorKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DebtorKind::Consumer => "consumer",
            DebtorKind::Business => "business",
        }
    }
}

/// Flags that put treatment on hold.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The debtor disputes the debt.
    Dispute,
    /// The debtor is in bankruptcy.
    Bankruptcy,
    /// The debtor has died.
    Deceased,
    /// The debtor asked the collector to stop communicating.
    CeaseCommunication,
    /// Legal department froze all activity.
    LegalHold,
}

impl Flag {
    /// All flags, in a fixed order.
    pub const ALL: [Flag; 5] = [
        Flag::Dispute,
        Flag::Bankruptcy,
        Flag::Deceased,
        Flag::CeaseCommunication,
        Flag::LegalHold,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Dispute => "dispute",
            Flag::Bankruptcy => "bankruptcy",
            Flag::Deceased => "deceased",
            Flag::CeaseCommunication => "cease_communication",
            Flag::LegalHold => "legal_hold",
        }
    }

    /// Parse a snake_case name.
    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Contact channels.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Telephone call.
    Call,
    /// Text message.
    Sms,
    /// Email.
    Email,
    /// WhatsApp or similar instant messaging.
    Whatsapp,
    /// Postal letter.
    Letter,
    /// In-person visit.
    Visit,
    /// App push notification.
    Push,
}

impl Channel {
    /// All channels, in a fixed order.
    pub const ALL: [Channel; 7] = [
        Channel::Call,
        Channel::Sms,
        Channel::Email,
        Channel::Whatsapp,
        Channel::Letter,
        Channel::Visit,
        Channel::Push,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Sms => "sms",
            Channel::Email => "email",
            Channel::Whatsapp => "whatsapp",
            Channel::Letter => "letter",
            Channel::Visit => "visit",
            Channel::Push => "push",
        }
    }

    /// Parse a snake_case name.
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Parse a channel name a host gave at input path `path`: an `input.invalid`
    /// error that lists the channels when it is none of them.
    pub fn parse_input(s: &str, path: &str) -> Result<Channel> {
        Channel::parse(s).ok_or_else(|| {
            Error::input(
                path,
                format!(
                    "`{s}` is not a channel: expected one of {}",
                    Channel::names()
                ),
            )
        })
    }

    /// The names of all channels, for error messages.
    pub fn names() -> String {
        Channel::ALL
            .iter()
            .map(|c| format!("`{}`", c.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Direction of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Initiated by the collector.
    Outbound,
    /// Initiated by the debtor.
    Inbound,
}

/// Outcome of a contact attempt.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The call did not connect to the dialled number (busy, not in service).
    NotConnected,
    /// Rang without answer.
    NoAnswer,
    /// Reached voicemail or a recorded message.
    Voicemail,
    /// Connected (answered) but no conversation recorded.
    Connected,
    /// A conversation with the debtor.
    Conversation,
    /// A conversation that ended with a promise to pay.
    Promise,
    /// The debtor refused to pay or to talk.
    Refused,
    /// Reached someone other than the debtor.
    WrongParty,
    /// For written channels: sent or delivered.
    Delivered,
    /// For written channels: bounced or failed.
    Failed,
}

impl Outcome {
    /// All outcomes, in a fixed order.
    pub const ALL: [Outcome; 10] = [
        Outcome::NotConnected,
        Outcome::NoAnswer,
        Outcome::Voicemail,
        Outcome::Connected,
        Outcome::Conversation,
        Outcome::Promise,
        Outcome::Refused,
        Outcome::WrongParty,
        Outcome::Delivered,
        Outcome::Failed,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NotConnected => "not_connected",
            Outcome::NoAnswer => "no_answer",
            Outcome::Voicemail => "voicemail",
            Outcome::Connected => "connected",
            Outcome::Conversation => "conversation",
            Outcome::Promise => "promise",
            Outcome::Refused => "refused",
            Outcome::WrongParty => "wrong_party",
            Outcome::Delivered => "delivered",
            Outcome::Failed => "failed",
        }
    }

    /// Parse a snake_case name.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether the debtor was spoken with (a "telephone conversation" in Reg F terms).
    pub fn is_conversation(self) -> bool {
        matches!(
            self,
            Outcome::Conversation | Outcome::Promise | Outcome::Refused
        )
    }

    /// Whether the debtor was reached in any way (right party).
    pub fn is_right_party(self) -> bool {
        self.is_conversation() || matches!(self, Outcome::Connected)
    }
}

/// Per-channel consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Whether the debtor allowed (authorised) this channel.
    #[serde(default = "yes")]
    pub allowed: bool,
    /// When the debtor opted out of this channel, if they did.
    #[serde(default)]
    pub opted_out_at: Option<Instant>,
    /// When the debtor gave direct prior consent to be contacted on this channel
    /// (Reg F 12 CFR 1006.14(b)(3)(i): calls in the 7 days after do not count).
    #[serde(default)]
    pub consented_at: Option<Instant>,
}

fn yes() -> bool {
    true
}

/// A weekly contact window the debtor asked for, in their local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferredWindow {
    /// Weekdays (`mon` .. `sun`); empty means every day.
    #[serde(default)]
    pub days: Vec<String>,
    /// Start, `HH:MM` local.
    pub from: String,
    /// End, `HH:MM` local (exclusive).
    pub to: String,
}

/// The debtor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Debtor {
    /// Debtor identifier.
    pub id: String,
    /// Consumer or business.
    pub kind: DebtorKind,
    /// ISO 3166-1 alpha-2 (`CO`) or ISO 3166-2 (`US-MA`) code.
    #[schemars(regex(pattern = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"))]
    pub jurisdiction: String,
    /// IANA time zone of the debtor's location.
    pub timezone: String,
    /// Other possible time zones (ambiguous location).
    #[serde(default)]
    pub alt_timezones: Vec<String>,
    /// Hold flags.
    #[serde(default)]
    pub flags: Vec<Flag>,
    /// Consent per channel.
    #[serde(default, deserialize_with = "consents_by_channel")]
    #[schemars(schema_with = "crate::model::consents")]
    pub consents: BTreeMap<Channel, Consent>,
    /// The debtor's own requested contact windows.
    #[serde(default)]
    pub preferred_windows: Vec<PreferredWindow>,
}

/// Read consents keyed by channel name, so errors inside one name it
/// (`debtor.consents.sms.allowed`) and an unknown channel is named in the message.
fn consents_by_channel<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<Channel, Consent>, D::Error> {
    let raw: BTreeMap<String, Consent> = Deserialize::deserialize(d)?;
    // Inserted one by one, not collected: no sort of the entries (see `crate::sort`).
    let mut out = BTreeMap::new();
    for (k, v) in raw {
        let c = Channel::parse(&k).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{k}` is not a channel: expected one of {}",
                Channel::names()
            ))
        })?;
        out.insert(c, v);
    }
    Ok(out)
}

/// Contractual interest terms of a debt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestTerms {
    /// Annual rate as a fraction (`0.12` for 12%).
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub annual_rate: Decimal,
    /// Day count convention name (`act/365f`, `act/360`, `30/360`, `act/act`).
    #[serde(default)]
    pub day_count: Option<String>,
    /// `simple` or `compound`.
    #[serde(default)]
    pub method: Option<String>,
}

/// A fee or compensation the agreement creating the debt allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreedFee {
    /// The rule name a charge line uses for it (`late_fee`).
    pub rule: String,
    /// `fee` or `compensation`.
    #[serde(default = "fee_kind")]
    pub kind: crate::money::ChargeKind,
    /// A fixed amount, in the debt's currency.
    #[serde(default, with = "amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub amount: Option<Decimal>,
    /// Or the most that may be charged, in the debt's currency.
    #[serde(default, with = "amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub max: Option<Decimal>,
    /// Or the most that may be charged, in percent of the debt's outstanding principal.
    #[serde(default, with = "amount_opt")]
    #[schemars(with = "Option<crate::money::Amount>")]
    pub max_pct: Option<Decimal>,
    /// Days after which it may be charged again; absent: once per debt.
    #[serde(default)]
    pub repeat_days: Option<i64>,
}

fn fee_kind() -> crate::money::ChargeKind {
    crate::money::ChargeKind::Fee
}

/// The terms of the agreement that created a debt: what authorises interest and fees
/// (15 U.S.C. 1692f(1): only amounts "expressly authorized by the agreement creating
/// the debt or permitted by law").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// Contractual (default) interest.
    #[serde(default)]
    pub interest: Option<InterestTerms>,
    /// Fees and compensation the agreement allows.
    #[serde(default)]
    pub fees: Vec<AgreedFee>,
}

impl Agreement {
    /// The agreed fee for a rule name.
    pub fn fee(&self, rule: &str) -> Option<&AgreedFee> {
        self.fees.iter().find(|f| f.rule == rule)
    }
}

/// One line of the charge ledger: a charge already applied to a debt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppliedCharge {
    /// The host's id for the line, if it has one.
    #[serde(default)]
    pub id: Option<String>,
    /// The debt it was applied to.
    pub debt_id: String,
    /// `fee`, `interest` or `compensation`.
    pub kind: crate::money::ChargeKind,
    /// The rule that produced it (the decision line's `rule`).
    pub rule: String,
    /// How much, in the debt's currency.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub amount: Decimal,
    /// When it was applied.
    pub at: Instant,
}

/// One debt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Debt {
    /// Debt identifier, unique within the case.
    pub id: String,
    /// ISO 4217 currency code.
    #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
    pub currency: String,
    /// Amount originally owed.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub original_amount: Decimal,
    /// Amount still owed (principal), as of the host's books.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub outstanding: Decimal,
    /// When the debt was issued.
    pub issued_on: Date,
    /// When it fell (or falls) due.
    pub due_on: Date,
    /// Product line, free text.
    #[serde(default)]
    pub product: Option<String>,
    /// The terms of the agreement: contractual interest and the fees it allows.
    #[serde(default)]
    pub agreement: Option<Agreement>,
    /// `interest` moved to `agreement.interest`: accepted only as `null` (what earlier
    /// versions wrote), refused with that help otherwise.
    #[serde(
        default,
        rename = "interest",
        skip_serializing,
        deserialize_with = "moved_to_agreement"
    )]
    pub(crate) moved_interest: Moved,
    /// `charges_applied` moved to the case's `charges` ledger: accepted only as `null`.
    #[serde(
        default,
        rename = "charges_applied",
        skip_serializing,
        deserialize_with = "moved_to_ledger"
    )]
    pub(crate) moved_charges_applied: Moved,
}

/// A field an earlier version of the case had: only `null` is accepted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Moved;

fn moved<'de, D: serde::Deserializer<'de>>(d: D, msg: &'static str) -> Result<Moved, D::Error> {
    let v: Option<serde::de::IgnoredAny> = Deserialize::deserialize(d)?;
    match v {
        None => Ok(Moved),
        Some(_) => Err(serde::de::Error::custom(msg)),
    }
}

fn moved_to_agreement<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Moved, D::Error> {
    moved(
        d,
        "`interest` moved to `agreement.interest` (the terms of the agreement creating the debt)",
    )
}

fn moved_to_ledger<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Moved, D::Error> {
    moved(
        d,
        "`charges_applied` moved to the case's `charges` ledger: list each charge applied as {debt_id, kind, rule, amount, at}",
    )
}

/// A payment received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// When it was received.
    pub at: Instant,
    /// How much.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub amount: Decimal,
    /// The debt it was for, if known.
    #[serde(default)]
    pub debt_id: Option<String>,
}

/// A promise to pay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Promise {
    /// Promise identifier.
    pub id: String,
    /// When it was made.
    pub made_at: Instant,
    /// The date by which the debtor promised to pay.
    pub due_on: Date,
    /// How much was promised.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub amount: Decimal,
    /// The debt it is for, if one.
    #[serde(default)]
    pub debt_id: Option<String>,
}

/// One installment of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Installment {
    /// Due date.
    pub due_on: Date,
    /// Amount due.
    #[serde(with = "amount")]
    #[schemars(with = "crate::money::Amount")]
    pub amount: Decimal,
}

/// A payment plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Plan identifier.
    pub id: String,
    /// When it was agreed.
    pub created_at: Instant,
    /// The debts it covers (all when empty).
    #[serde(default)]
    pub debt_ids: Vec<String>,
    /// The installments, in any order.
    pub installments: Vec<Installment>,
}

/// One entry of the contact ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// When it happened.
    pub at: Instant,
    /// Channel used.
    pub channel: Channel,
    /// Who initiated it.
    pub direction: Direction,
    /// What came of it.
    pub outcome: Outcome,
    /// The debts discussed (all when empty).
    #[serde(default)]
    pub debt_ids: Vec<String>,
}

/// Parse any engine input type from JSON text, exactly (numbers keep every digit),
/// with errors that name the input path (`policies[1].limits.max_operations`).
pub fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    read_json(json, "trailing characters")
}

/// Text without the UTF-8 byte order mark it may start with (U+FEFF, the bytes EF BB
/// BF), which Windows tools write at the start of a file (Notepad's "UTF-8 with BOM",
/// PowerShell 5's `Out-File`, Excel's "CSV UTF-8"). JSON texts may not carry one, but
/// RFC 8259 section 8.1 lets a parser ignore it, and these readers do: a case, a batch,
/// a request, options and a test suite (every reader through `parse_json`), a policy
/// and a module. Scorecards, decision tables, priors and rate entries given as text
/// still refuse it. Only one mark, only at the very start: anywhere else U+FEFF is a
/// character like any other.
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Read `T` from JSON text. The fast path is serde_json alone; only when it fails is
/// the text read again through `serde_path_to_error`, which tracks the path of every
/// value (about a third of the reading cost) to name where the error is.
///
/// INVARIANT: both readers run the same `Deserialize` impls over the same text, so
/// they accept and refuse exactly the same inputs; the second one only adds the path.
fn read_json<T: serde::de::DeserializeOwned>(json: &str, trailing: &str) -> Result<T> {
    let json = without_bom(json);
    let mut de = serde_json::Deserializer::from_str(json);
    if let Ok(value) = T::deserialize(&mut de) {
        if de.end().is_ok() {
            return Ok(value);
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(|e| {
        Error::new(
            ErrorCode::InputJson,
            format!("{trailing}: {}", clean_serde_message(&e.to_string())),
        )
    })?;
    Ok(value)
}

impl Case {
    /// Parse a case from JSON and validate it.
    pub fn from_json(json: &str) -> Result<Case> {
        let json = without_bom(json);
        let first = json.trim_start().chars().next();
        if first.is_some() && first != Some('{') {
            return Err(Error::input(
                "",
                "a case must be a JSON object like {\"id\": ...}",
            ));
        }
        let case: Case = read_json(json, "trailing characters after the case")?;
        case.validate()?;
        Ok(case)
    }

    /// Parse a case from a JSON value and validate it.
    /// (The value is read through its JSON text, so numbers keep every digit exactly
    /// as in [`Case::from_json`].)
    pub fn from_value(value: serde_json::Value) -> Result<Case> {
        if !value.is_object() {
            return Err(Error::input(
                "",
                "a case must be a JSON object like {\"id\": ...}",
            ));
        }
        Case::from_json(&value.to_string())
    }
}

/// Prefix an input error's path with a batch index: `debts[0]` becomes `[3].debts[0]`.
/// Errors that are not about the input (a policy's line and column) are returned as they are.
pub fn prefix_path(e: Error, index: usize) -> Error {
    if !matches!(e.code, ErrorCode::InputInvalid | ErrorCode::InputJson) {
        return e;
    }
    if e.path().is_none() {
        return e.at_path(format!("[{index}]"));
    }
    e.under(&format!("[{index}]"))
}

impl JsonSchema for Moved {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Moved".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "null", "deprecated": true})
    }
}

impl JsonSchema for SchemaKey {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "SchemaKey".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string"})
    }
}

/// The debtor's consents: an object keyed by channel name.
pub(crate) fn consents(generator: &mut SchemaGenerator) -> Schema {
    let consent = generator.subschema_for::<Consent>();
    let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
    json_schema!({
        "type": "object",
        "propertyNames": {"enum": names},
        "additionalProperties": consent,
    })
}
