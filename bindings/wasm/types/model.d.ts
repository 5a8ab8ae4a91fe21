// The data shapes that cross the `recobro` API: the case (input), the decision and
// the other results (output), options and requests. They mirror the core's serde
// types (`core/src`), field for field; `tests/types.test.mjs` checks them against
// real engine output, so a change on either side fails the tests.
//
// Conventions:
// - Amounts and rates are `Decimal` strings (`"1234.50"`), never JS numbers.
// - `Instant`s are RFC 3339 strings with an offset; the engine writes them in UTC
//   with `Z` and whole seconds (`2026-03-16T15:00:00Z`).
// - Dates are `DateString`s (`2026-03-31`).
// - An optional input field (`?`) may be left out; `| null` means `null` is also
//   accepted (and is what the engine writes when the value is absent).

/** An exact decimal amount or rate as a string, such as `"1234.50"` or `"-0.25"`. */
export type Decimal = string;
/** An RFC 3339 instant with an offset: `2026-03-31T14:05:00-05:00` or `...Z`. */
export type Instant = string;
/** An ISO 8601 calendar date: `2026-03-31`. */
export type DateString = string;

/** Any JSON value (the free `attributes` of a case). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ---------------------------------------------------------------------------
// Enumerations

/** Contact channels. */
export type Channel = 'call' | 'sms' | 'email' | 'whatsapp' | 'letter' | 'visit' | 'push';

/** Consumer or business debtor: `consumer` (a natural person) or `business` (a company). */
export type DebtorKind = 'consumer' | 'business';

/** Flags that put treatment on hold: the debtor disputes the debt, is in bankruptcy,
 * has died, asked the collector to stop communicating, or legal froze all activity. */
export type Flag = 'dispute' | 'bankruptcy' | 'deceased' | 'cease_communication' | 'legal_hold';

/** Direction of a contact: initiated by the collector (`outbound`) or the debtor (`inbound`). */
export type Direction = 'outbound' | 'inbound';

/** Outcome of a contact attempt.
 * - `not_connected`: the call did not connect to the dialled number (busy, not in service).
 * - `no_answer`: rang without answer.
 * - `voicemail`: reached voicemail or a recorded message.
 * - `connected`: connected (answered) but no conversation recorded.
 * - `conversation`: a conversation with the debtor.
 * - `promise`: a conversation that ended with a promise to pay.
 * - `refused`: the debtor refused to pay or to talk.
 * - `wrong_party`: reached someone other than the debtor.
 * - `delivered`: for written channels, sent or delivered.
 * - `failed`: for written channels, bounced or failed. */
export type Outcome =
  | 'not_connected'
  | 'no_answer'
  | 'voicemail'
  | 'connected'
  | 'conversation'
  | 'promise'
  | 'refused'
  | 'wrong_party'
  | 'delivered'
  | 'failed';

/** Allowed (every applicable rule allows it) or blocked (at least one rule blocks it). */
export type Verdict = 'allowed' | 'blocked';

/** How sure the project is of a rule's legal reading.
 * - `confirmed`: checked against a primary source.
 * - `to_verify`: commonly stated or from secondary sources: verify before relying on it.
 * - `house`: a house (company) rule, not law.
 * - `reference`: not a collections statute, a related rule used as a reference. */
export type Confidence = 'confirmed' | 'to_verify' | 'house' | 'reference';

/** Kind of a charge line: late `interest`, a `fee`, or fixed `compensation`
 * (EU EUR 40, UK GBP 40/70/100). */
export type ChargeKind = 'interest' | 'fee' | 'compensation';

/** How often installments fall due: every 7 days, every 14 days, or the same day each
 * month (clamped to the month's end). */
export type Frequency = 'weekly' | 'biweekly' | 'monthly';

/** Stable error codes. */
export type ErrorCode =
  | 'policy.syntax'
  | 'policy.runtime'
  | 'policy.contract'
  | 'policy.module'
  | 'limit.operations'
  | 'limit.call_depth'
  | 'limit.expression_depth'
  | 'limit.string_size'
  | 'limit.array_size'
  | 'limit.map_size'
  | 'limit.modules'
  | 'limit.variables'
  | 'input.json'
  | 'input.invalid'
  | 'internal';

// ---------------------------------------------------------------------------
// The case (input; also what `generatePortfolio` returns)

/** One debtor's case. */
export interface Case {
  /** The URI of a JSON Schema for editors (`"../schemas/case.schema.json"`): accepted
   * and ignored by the engine, never written back. */
  $schema?: string;
  /** The case identifier, echoed in the decision. */
  id: string;
  /** Who owes. */
  debtor: Debtor;
  /** What is owed. */
  debts?: Debt[];
  /** Payments received. */
  payments?: Payment[];
  /** The charge ledger: fees, interest and compensation already applied (what a
   * decision's `charges.lines` proposed and the host booked). What is still owed is
   * derived from it and the payments (charges are settled before principal). */
  charges?: AppliedCharge[];
  /** Promises to pay; kept / broken / pending is derived from payments. */
  promises?: PromiseToPay[];
  /** Payment plans agreed with the debtor. */
  plans?: Plan[];
  /** The contact ledger. */
  contacts?: Contact[];
  /** Free attributes (risk score, product line, custom fields) policies can read. */
  attributes?: { [key: string]: JsonValue };
}

/** The debtor. */
export interface Debtor {
  /** Debtor identifier. */
  id: string;
  /** Consumer or business. */
  kind: DebtorKind;
  /** ISO 3166-1 alpha-2 (`CO`) or ISO 3166-2 (`US-MA`) code. */
  jurisdiction: string;
  /** IANA time zone of the debtor's location. */
  timezone: string;
  /** Other possible time zones (ambiguous location). */
  alt_timezones?: string[];
  /** Hold flags. */
  flags?: Flag[];
  /** Consent per channel. */
  consents?: Consents;
  /** The debtor's own requested contact windows. */
  preferred_windows?: PreferredWindow[];
}

/** Consent per channel (a channel without an entry has no recorded consent). */
export type Consents = { [C in Channel]?: Consent };

/** Per-channel consent. */
export interface Consent {
  /** Whether the debtor allowed (authorised) this channel (default `true`). */
  allowed?: boolean;
  /** When the debtor opted out of this channel, if they did. */
  opted_out_at?: Instant | null;
  /** When the debtor gave direct prior consent to be contacted on this channel
   * (Reg F 12 CFR 1006.14(b)(3)(i): calls in the 7 days after do not count). */
  consented_at?: Instant | null;
}

/** A weekly contact window the debtor asked for, in their local time. */
export interface PreferredWindow {
  /** Weekdays (`mon` .. `sun`); empty means every day. */
  days?: string[];
  /** Start, `HH:MM` local. */
  from: string;
  /** End, `HH:MM` local (exclusive). */
  to: string;
}

/** Contractual interest terms of a debt. */
export interface InterestTerms {
  /** Annual rate as a fraction (`"0.12"` for 12%). */
  annual_rate: Decimal;
  /** Day count convention name (`act/365f`, `act/360`, `30/360`, `act/act`). */
  day_count?: string | null;
  /** `simple` or `compound`. */
  method?: string | null;
}

/** A fee or compensation the agreement creating the debt allows (give exactly one of
 * `amount`, `max`, `max_pct`). */
export interface AgreedFee {
  /** The rule name a charge line uses for it (`late_fee`). */
  rule: string;
  /** `fee` (the default) or `compensation`. */
  kind?: ChargeKind;
  /** A fixed amount, in the debt's currency. */
  amount?: Decimal | null;
  /** Or the most that may be charged, in the debt's currency. */
  max?: Decimal | null;
  /** Or the most that may be charged, in percent of the outstanding principal. */
  max_pct?: Decimal | null;
  /** Days after which it may be charged again; absent: once per debt. */
  repeat_days?: number | null;
}

/** The terms of the agreement that created a debt: what authorises interest and fees. */
export interface Agreement {
  /** Contractual (default) interest. */
  interest?: InterestTerms | null;
  /** Fees and compensation the agreement allows. */
  fees?: AgreedFee[];
}

/** One line of the charge ledger: a charge already applied to a debt. */
export interface AppliedCharge {
  /** The host's id for the line, if it has one. */
  id?: string | null;
  /** The debt it was applied to. */
  debt_id: string;
  /** `fee`, `interest` or `compensation`. */
  kind: ChargeKind;
  /** The rule that produced it (the decision line's `rule`). */
  rule: string;
  /** How much, in the debt's currency. */
  amount: Decimal;
  /** When it was applied. */
  at: Instant;
}

/** One debt. */
export interface Debt {
  /** Debt identifier, unique within the case. */
  id: string;
  /** ISO 4217 currency code. */
  currency: string;
  /** Amount originally owed. */
  original_amount: Decimal;
  /** Amount still owed (principal), as of the host's books. */
  outstanding: Decimal;
  /** When the debt was issued. */
  issued_on: DateString;
  /** When it fell (or falls) due. */
  due_on: DateString;
  /** Product line, free text. */
  product?: string | null;
  /** The terms of the agreement: contractual interest and the fees it allows. */
  agreement?: Agreement | null;
}

/** A payment received. */
export interface Payment {
  /** When it was received. */
  at: Instant;
  /** How much. */
  amount: Decimal;
  /** The debt it was for, if known. */
  debt_id?: string | null;
}

/** A promise to pay (named so as not to shadow the global `Promise`). */
export interface PromiseToPay {
  /** Promise identifier. */
  id: string;
  /** When it was made. */
  made_at: Instant;
  /** The date by which the debtor promised to pay. */
  due_on: DateString;
  /** How much was promised. */
  amount: Decimal;
  /** The debt it is for, if one. */
  debt_id?: string | null;
}

/** One installment of a plan. */
export interface Installment {
  /** Due date. */
  due_on: DateString;
  /** Amount due. */
  amount: Decimal;
}

/** A payment plan. */
export interface Plan {
  /** Plan identifier. */
  id: string;
  /** When it was agreed. */
  created_at: Instant;
  /** The debts it covers (all when empty). */
  debt_ids?: string[];
  /** The installments, in any order. */
  installments: Installment[];
}

/** One entry of the contact ledger. */
export interface Contact {
  /** When it happened. */
  at: Instant;
  /** Channel used. */
  channel: Channel;
  /** Who initiated it. */
  direction: Direction;
  /** What came of it. */
  outcome: Outcome;
  /** The debts discussed (all when empty). */
  debt_ids?: string[];
}

// ---------------------------------------------------------------------------
// The decision (output)

/** Identity of the policy that decided. */
export interface PolicyInfo {
  /** Name from the policy's `metadata()` hook. */
  name: string;
  /** Version from the policy's `metadata()` hook. */
  version: string;
  /** `sha256:` digest of the policy source and its host modules. */
  digest: string;
}

/** An action as the policy proposed it. */
export interface Action {
  /** What to do: `contact` for an outreach on a channel, or a task such as
   * `legal_review`, `agency_referral`, `settlement_offer`, `escalate`. */
  kind: string;
  /** Channel, for contacts. */
  channel?: Channel;
  /** Message or script template. */
  template?: string;
  /** The debt this action is about, if one. */
  debt_id?: string;
  /** Work-queue priority: higher first. */
  priority: number;
  /** Why the policy proposed it. */
  reason?: string;
  /** The policy's own earliest time for it, if it set one. */
  not_before?: Instant;
}

/** The action the engine chose. */
export interface ChosenAction extends Action {
  /** When it may happen: `as_of`, or later if the policy said so. */
  earliest_at: Instant;
  /** The best lawful moment for this contact within the policy's horizon (its
   * `contact_timing()`), at or after `earliest_at`; absent without one. */
  best_at?: Instant;
  /** What `best_at` expects and the evidence behind it; absent without one. */
  best_slot?: BestSlot;
}

/** A candidate with its verdict. */
export interface Candidate extends Action {
  /** The verdict. */
  verdict: Verdict;
  /** Ids of the rules that blocked it (empty when allowed). */
  blocked_by: string[];
  /** When every blocking rule would next allow it; `null` when only a person can
   * lift the block (an opt-out, a dispute), when allowed, or when the search for it
   * gave up (then `next_allowed_search` is present). */
  next_allowed_at: Instant | null;
  /** Present only on a blocked candidate whose bounded search for the next allowed
   * instant gave up: `"exhausted: "` and the reason. */
  next_allowed_search?: string;
  /** A contact's best lawful moment within the policy's horizon (its
   * `contact_timing()`, never before `next_allowed_at`); absent without one, when no
   * slot in the horizon is lawful, or when only a person can lift the block. */
  best_at?: Instant;
  /** What `best_at` expects and the evidence behind it. */
  best_slot?: BestSlot;
}

/** The evidence behind a contact's `best_at`: the expected right-party-contact rate at
 * that slot, the debtor's own attempts at that local hour, and the prior it was shrunk
 * toward (`rate = (right_party + prior_weight * prior_rate) / (attempts +
 * prior_weight)`). */
export interface BestSlot {
  /** The slot's local hour (0 to 23) in the debtor's time zone. */
  local_hour: number;
  /** The slot's local weekday (`mon` to `sun`). */
  weekday: string;
  /** The expected right-party-contact rate (6 decimals at most). */
  rate: Decimal;
  /** The debtor's outbound attempts on this channel at this local hour (any weekday). */
  attempts: number;
  /** How many of them reached the debtor (connected, or a conversation). */
  right_party: number;
  /** The prior, `name@version`. */
  prior: string;
  /** The prior's rate for this channel, hour and weekday. */
  prior_rate: Decimal;
  /** The prior's weight, in attempts. */
  prior_weight: Decimal;
  /** How many slots the compliance rules were asked about before this one passed (the
   * better-rated slots before it were not lawful). */
  slots_checked: number;
}

/** One rule's outcome on one candidate. */
export interface RuleOutcome {
  /** Rule id, for example `hold.dispute`. */
  rule: string;
  /** Legal citation or source. */
  citation: string;
  /** Confidence in the reading. */
  confidence: Confidence;
  /** Index of the candidate in `candidates`. */
  candidate: number;
  /** `allowed` or `blocked`. */
  outcome: Verdict;
  /** Plain-words detail. */
  detail: string;
}

/** One charge on one debt. */
export interface ChargeLine {
  /** The debt. */
  debt_id: string;
  /** Interest, fee or compensation. */
  kind: ChargeKind;
  /** The amount, in the debt's currency. */
  amount: Decimal;
  /** The debt's currency. */
  currency: string;
  /** The rule that produced it. */
  rule: string;
  /** Legal citation, if any. */
  citation?: string;
  /** How it was computed (rate, period, days, day count, cap ...), as the rule states
   * it; absent when empty. */
  basis?: { [key: string]: string };
}

/** All charges, with totals per currency. */
export interface Charges {
  /** The lines, in debt order. */
  lines: ChargeLine[];
  /** Total per currency code. */
  totals: { [currency: string]: Decimal };
}

/** One installment of a schedule. */
export interface Due {
  /** Due date. */
  due_on: DateString;
  /** Amount. */
  amount: Decimal;
}

/** An exact schedule. */
export interface Schedule {
  /** Down payment, due on the start date. */
  down_payment: Decimal;
  /** Installments. */
  installments: Due[];
  /** Plan interest included. */
  interest: Decimal;
  /** Down payment plus installments. */
  total: Decimal;
}

/** The bounds a policy sets on payment plans. */
export interface PlanBounds {
  /** Smallest down payment as a percentage of the balance. */
  min_down_payment_pct: Decimal;
  /** Most installments. */
  max_installments: number;
  /** Frequencies offered. */
  frequencies: Frequency[];
  /** Smallest installment. */
  min_installment: Decimal;
  /** Latest first due date, in days from the offer. */
  max_days_to_first: number;
  /** Annual plan interest rate (fraction). */
  annual_rate: Decimal;
}

/** A settlement: pay a discounted amount by a date (from `settlement(c, pct, days)`). */
export interface SettlementOffer {
  /** `settlement`. */
  kind: 'settlement';
  /** Name the policy gave it. */
  name: string;
  /** Currency of the balance. */
  currency: string;
  /** The balance the offer is on. */
  balance: Decimal;
  /** The discount, percent. */
  discount_pct: Decimal;
  /** The amount that settles the balance. */
  amount: Decimal;
  /** Pay by this date. */
  pay_by: DateString;
}

/** A payment plan within bounds (from `payment_plan(c, bounds)`). */
export interface PlanOffer {
  /** `plan`. */
  kind: 'plan';
  /** Name the policy gave it. */
  name: string;
  /** Currency of the balance. */
  currency: string;
  /** The balance the offer is on. */
  balance: Decimal;
  /** The bounds a debtor's proposal must respect. */
  bounds: PlanBounds;
  /** The schedule at the longest term and smallest down payment allowed. */
  schedule: Schedule;
}

/** A settlement or payment plan the policy allows this debtor (tell them apart by `kind`). */
export type Offer = SettlementOffer | PlanOffer;

/** A reason code of a score: a characteristic that cost points against its best bin
 * (`Reason` in `schemas/decision.schema.json`). */
export interface ScoreReason {
  /** The characteristic's id (`dpd`). */
  characteristic: string;
  /** What it is, in words (`Days past due`). */
  reason: string;
  /** The points it gave. */
  points: number;
  /** The points its best bin gives. */
  best: number;
}

/** One scorecard's result in a decision (a policy's `c.score(name)`). */
export interface Score {
  /** The scorecard's name (`behavioural`). */
  scorecard: string;
  /** Its version. */
  version: string;
  /** The base plus every characteristic's points (an integer). */
  score: number;
  /** The band the score falls in (`low`, `medium`, `high` in the shipped card). */
  band: string;
  /** With a calibration: the probability of `event`, a decimal string (6 decimals). */
  probability?: Decimal;
  /** With a calibration: what the probability is of (`pays within 30 days`). */
  event?: string;
  /** The characteristics that cost the most points against their best, largest
   * shortfall first (characteristics at their best are left out). */
  reasons: ScoreReason[];
}

/** One step of the trace. */
export interface TraceEntry {
  /** Stage: `facts`, `segment`, `actions`, `compliance`, `choose`, `charges`, `print`, `debug`. */
  step: string;
  /** What happened. */
  detail: string;
}

/** The engine's answer for one case. */
export interface Decision {
  /** The case id. */
  case_id: string;
  /** The evaluation clock. */
  as_of: Instant;
  /** Which policy decided. */
  policy: PolicyInfo;
  /** The segment, if the policy defines `segment`. */
  segment: string | null;
  /** The chosen action, or `null`. */
  action: ChosenAction | null;
  /** Why there is no action, when there is none. */
  no_action_reason: string | null;
  /** When every candidate was blocked: the earliest instant one becomes allowed. */
  next_allowed_at: Instant | null;
  /** Every candidate, in the policy's order, with its verdict. */
  candidates: Candidate[];
  /** Charges. */
  charges: Charges;
  /** Settlements and payment plans the policy allows. */
  offers: Offer[];
  /** The scorecards the policy called (`c.score(name)`), in the order first called;
   * absent when it called none. */
  scores?: Score[];
  /** Every rule that applied to a candidate, with citation and outcome. */
  compliance: RuleOutcome[];
  /** The trace, when requested (`{trace: true}`). */
  trace?: TraceEntry[];
}

// ---------------------------------------------------------------------------
// Contact and plan checks

/** The answer to "may we contact this debtor on this channel at this instant?". */
export interface ContactCheck {
  /** The case. */
  case_id: string;
  /** The channel. */
  channel: Channel;
  /** The instant checked. */
  at: Instant;
  /** Whether every applicable rule allows it. */
  allowed: boolean;
  /** Rules that block it. */
  blocked_by: string[];
  /** Earliest instant at or after `at` that every rule allows; `null` when allowed,
   * blocked until a person acts, or when the search gave up (then
   * `next_allowed_search` is present). */
  next_allowed_at: Instant | null;
  /** Present only when blocked and the bounded search for the next allowed instant
   * gave up: `"exhausted: "` and the reason. */
  next_allowed_search?: string;
  /** Every rule that applied, with citation and outcome. */
  rules: RuleOutcome[];
}

/** A plan the debtor proposes. */
export interface PlanProposal {
  /** Down payment. */
  down_payment: Decimal;
  /** Number of installments (1 to 600). */
  installments: number;
  /** Frequency. */
  frequency: Frequency;
  /** First installment date. */
  first_due_on: DateString;
}

/** The answer to a debtor's plan proposal. */
export interface PlanCheck {
  /** Whether every bound holds. */
  accepted: boolean;
  /** Each broken bound, in plain words, starting with the bound's name. */
  broken: string[];
  /** The exact schedule of the proposal. */
  schedule: Schedule;
  /** The bounds it was checked against. */
  bounds: PlanBounds;
}

// ---------------------------------------------------------------------------
// Policies: limits and options

/** Sandbox limits applied to every policy evaluation (every limit is on; `Policy.limits()`
 * returns them all). */
export interface Limits {
  /** Operations per evaluation, every hook and closure included (each statement, expression and function call counts);
   * default 1,000,000 (`limit.operations`). */
  max_operations: number;
  /** Nested function calls; default 32 (`limit.call_depth`). */
  max_call_depth: number;
  /** Nested expressions at global level; default 64 (`limit.expression_depth`). */
  max_expression_depth: number;
  /** Nested expressions inside functions; default 32. */
  max_function_expression_depth: number;
  /** Bytes in one string; default 65,536 (`limit.string_size`). */
  max_string_size: number;
  /** Elements in one array; default 10,000 (`limit.array_size`). */
  max_array_size: number;
  /** Entries in one map; default 10,000 (`limit.map_size`). */
  max_map_size: number;
  /** Modules imported by one policy; default 32 (`limit.modules`). */
  max_modules: number;
  /** Variables in scope; default 1,000 (`limit.variables`). */
  max_variables: number;
}

/** Limits as input: missing fields keep their defaults (zero is raised to 1: a limit
 * cannot be switched off). */
export type LimitsInput = Partial<Limits>;

/** One reference-rate entry: the rate (percent a year) from a date until the next entry. */
export interface RateEntry {
  /** First day the rate applies. */
  from: DateString;
  /** Percent per year, as a decimal string (may be negative). */
  rate: Decimal;
  /** Where the figure comes from. */
  source?: string;
  /** `confirmed` (the default) or `to_verify`. */
  confidence?: 'confirmed' | 'to_verify';
}

/** What a host may give besides the policy source. */
export interface PolicyOptions {
  /** Modules the policy may `import` by name (name to Rhai source). */
  modules?: { [name: string]: string };
  /** Sandbox limits (missing fields keep their defaults). */
  limits?: LimitsInput | null;
  /** Extra closed days per holiday calendar (`CO`, `US`, or `*` for all). */
  closures?: { [calendar: string]: DateString[] };
  /** Reference-rate entries per table (`ecb_mro`, `boe_base`, `de_basiszins`,
   * `es_demora_comercial`, or a new table), upserted over the embedded ones. */
  rate_entries?: { [table: string]: RateEntry[] };
  /** Scorecards the policy may call by name with `c.score(name)` (name to the
   * scorecard's JSON text), over the embedded ones (`behavioural`). */
  scorecards?: { [name: string]: string };
  /** Decision tables the policy may call by name with `c.table(name, inputs)` (name to
   * the table's JSON text), over the embedded ones (`collection_stage`,
   * `consumer_treatment`). */
  tables?: { [name: string]: string };
  /** Contact-timing priors a policy's `contact_timing()` may name (name to the prior's
   * JSON text), over the embedded ones (`consumer`). */
  priors?: { [name: string]: string };
}

// ---------------------------------------------------------------------------
// Simulation

/** One policy of a simulation request: a source or an embedded path (not both), and
 * its options. */
export interface PolicySpec extends PolicyOptions {
  /** Policy source; with neither `source` nor `embedded`, the default consumer policy. */
  source?: string | null;
  /** An embedded policy path (`b2b/policy`). */
  embedded?: string | null;
}

/** Response to a contact on one channel. */
export interface ChannelModel {
  /** Probability (percent) that the contact reaches the debtor. */
  reach_pct: Decimal;
  /** Cost of one attempt, in the report currency. */
  cost: Decimal;
}

/** How a reached debtor in a segment responds. */
export interface SegmentModel {
  /** Percent of reached debtors who pay in full at once. */
  pay_full_pct: Decimal;
  /** Percent who pay part at once. */
  pay_partial_pct: Decimal;
  /** Share of the balance a partial payment covers: uniform between these percents. */
  partial_share_pct: [number, number];
  /** Percent who promise to pay (in 3 to 10 days). */
  promise_pct: Decimal;
  /** Percent of promises kept. */
  promise_kept_pct: Decimal;
  /** Percent chance per day of paying in full with no contact at all (self-cure). */
  self_cure_daily_pct: Decimal;
}

/** Response to a non-contact task. */
export interface TaskModel {
  /** Percent chance the task recovers money. */
  success_pct: Decimal;
  /** Percent of the balance recovered when it does. */
  recovered_pct: Decimal;
  /** Days until the money arrives. */
  days_to_pay: number;
  /** Cost of the task. */
  cost: Decimal;
  /** Whether the case leaves the strategy (agency, legal) after the task. */
  closes_case: boolean;
}

/** How debtors respond (the whole response model; every field is required in a request). */
export interface ResponseModel {
  /** Per channel (`call`, `sms`, ...). */
  channels: { [channel: string]: ChannelModel };
  /** Per segment; `default` for segments not listed. */
  segments: { [segment: string]: SegmentModel };
  /** Per task kind (`settlement_offer`, `agency_referral`, ...); `default` for others. */
  tasks: { [kind: string]: TaskModel };
  /** Currency the money KPIs are reported in. */
  report_currency: string;
  /** Units of the report currency per unit of each case currency (assumed, fixed). */
  fx: { [currency: string]: Decimal };
}

/** A simulation request (defaults as `recobro simulate`). */
export interface SimulationRequest {
  /** Champion first; empty: the default consumer policy alone. */
  policies?: PolicySpec[];
  /** The portfolio; absent: a generated one of `generate` cases. */
  cases?: Case[] | null;
  /** Size of the generated portfolio when `cases` is absent (default 1000). */
  generate?: number;
  /** When the simulation starts (default `2026-03-16T15:00:00Z`). */
  start?: Instant;
  /** Horizon in days (default 180). */
  days?: number;
  /** Seed of the response model and of the generated portfolio (default 42). */
  seed?: number;
  /** Percent per policy, champion first; empty: every case through every policy. */
  shares?: number[];
  /** Experiment id of the hash split (default `exp-1`). */
  experiment?: string;
  /** How debtors respond; absent: the documented defaults. */
  response_model?: Partial<ResponseModel> | null;
  /** Replications with common random numbers, 1 to 100 (default 1): with 2 or more
   * the result carries `uncertainty` (95% intervals, verdicts, a live test's size). */
  replications?: number;
  /** Daily capacity per channel (`{call: 400}`), each arm its own team of that size;
   * empty or absent: no limit. A run under capacities is not split into parts. */
  capacity?: Capacity;
}

/** A daily capacity per channel: how many contacts a day (a whole number, 0 for none). */
export type Capacity = { [C in Channel]?: number };

/** The day's work queue of a batch under daily channel capacities
 * (`Policy.queue`, `recobro queue`; schemas/work-queue.schema.json). */
export interface WorkQueue {
  /** The clock. */
  as_of: Instant;
  /** The capacities (channels not listed are not limited). */
  capacity: Capacity;
  /** Per channel, how many actions the queue uses today. */
  used: { [C in Channel]?: number };
  /** Every case: the queued ones in queue order, then the waiting ones, then those
   * with no action in batch order. */
  items: QueueItem[];
  /** Entries that could not be read or decided, under their index. */
  errors: QueueRowError[];
}

/** What became of a case in the queue: its chosen action is queued (`scheduled`), its
 * channel was full and its next lawful candidate is queued (`rerouted`), no lawful
 * candidate had room today (`waiting`), or the decision has no action (`no_action`). */
export type QueueStatus = 'scheduled' | 'rerouted' | 'waiting' | 'no_action';

/** One case's place in the queue. */
export interface QueueItem {
  /** Its position in today's queue (1 first); absent when it waits or has no action. */
  rank?: number;
  case_id: string;
  status: QueueStatus;
  /** The action to take today (the chosen one, or the candidate it was rerouted to). */
  action?: ChosenAction;
  /** The index of that action in the decision's `candidates`. */
  candidate?: number;
  /** The chosen action's priority (the queue's first key). */
  priority?: number;
  /** Outstanding times contact rate times probability of payment (the second key). */
  expected_value: Decimal;
  /** The case's currency. */
  currency: string;
  /** Why it was rerouted, waits, or has no action. */
  reason?: string;
}

/** One entry of a queue's batch that could not be read or decided, and why. */
export interface QueueRowError {
  /** Its index in the batch. */
  index: number;
  /** The error, in the one error shape. */
  error: ErrorInfo;
}

/** Every case runs through every policy (a what-if). */
export interface SplitAll {
  /** `all`. */
  kind: 'all';
}

/** Each case runs through one policy, chosen by a stable hash of the experiment id and
 * the case id, with the given shares. */
export interface SplitAssign {
  /** `assign`. */
  kind: 'assign';
  /** Experiment id (part of the hash). */
  experiment: string;
  /** Percent per arm, champion first; adds up to 100. */
  shares: number[];
}

/** How cases are assigned to policies. */
export type Split = SplitAll | SplitAssign;

/** A simulation's settings. */
export interface Settings {
  /** When the simulation starts. */
  start: Instant;
  /** Horizon in days. */
  days: number;
  /** Seed of every random draw (a u64: above 2^53 a JS number loses digits). */
  seed: number;
  /** Assignment of cases to policies. */
  split: Split;
  /** How debtors respond. */
  response: ResponseModel;
  /** Replications (absent when 1): the run repeated with this many seeds, every policy
   * meeting the same luck in each (common random numbers); the portfolio is the same
   * in every replication. */
  replications?: number;
  /** Daily capacity per channel (absent without one): the cases advance a day at a
   * time together and each day's decisions are placed as a work queue places them; a
   * case over capacity takes its next lawful candidate or waits a day. */
  capacity?: Capacity;
}

/** Counts per channel, in the order `call`, `sms`, `email`, `whatsapp`, `letter`,
 * `visit`, `push`. */
export type ChannelCounts = [number, number, number, number, number, number, number];

/** One day of one arm (money in the report currency). */
export interface Day {
  /** Day index from 0. */
  day: number;
  /** Collected that day. */
  collected: Decimal;
  /** Collected up to and including that day. */
  collected_cumulative: Decimal;
  /** Outstanding at the end of the day (principal plus booked charges). */
  outstanding: Decimal;
  /** Charges booked that day. */
  charges: Decimal;
  /** Contacts made, per channel (`call`, `sms`, `email`, `whatsapp`, `letter`, `visit`, `push`). */
  contacts: ChannelCounts;
  /** Candidates the compliance layer blocked. */
  blocked: number;
  /** Promises made. */
  promises_made: number;
  /** Promises kept (paid on their due date). */
  promises_kept: number;
  /** Cost of actions. */
  cost: Decimal;
}

/** Key figures of one arm (in `vs_champion`, the challenger minus the champion). */
export interface Kpis {
  /** Cases in the arm. */
  cases: number;
  /** Decisions taken. */
  decisions: number;
  /** Opening balance. */
  opening: Decimal;
  /** Collected. */
  collected: Decimal;
  /** Charges booked. */
  charges: Decimal;
  /** Closing balance. */
  closing: Decimal;
  /** Collected / opening, percent (4 decimals). */
  recovery_rate_pct: Decimal;
  /** Cost of actions. */
  cost: Decimal;
  /** Collected per unit of cost (0 when nothing was spent). */
  collected_per_cost: Decimal;
  /** Contacts per case (4 decimals). */
  contacts_per_case: Decimal;
  /** Share of cases cured (closing balance zero), percent (4 decimals). */
  cured_pct: Decimal;
  /** Average days to the first payment, over cases that paid (2 decimals). */
  avg_days_to_payment: Decimal;
  /** Candidates blocked by compliance. */
  compliance_blocks: number;
  /** Promises made. */
  promises_made: number;
  /** Promises kept. */
  promises_kept: number;
  /** Contacts per channel. */
  contacts: ChannelCounts;
}

/** One policy's results. */
export interface ArmResult {
  /** Policy name and version. */
  policy: string;
  /** `champion` or `challenger N`. */
  role: string;
  /** Key figures. */
  kpis: Kpis;
  /** The difference from the champion (challengers only; `null` for the champion), KPI by KPI. */
  vs_champion: Kpis | null;
  /** The daily series. */
  series: Day[];
}

/** A simulation's results. */
export interface SimulationResult {
  /** The settings it ran with. */
  settings: Settings;
  /** Champion first. With replications, the run with the settings' `seed`. */
  arms: ArmResult[];
  /** With two replications or more: every KPI's 95% interval, each challenger's
   * difference from the champion with its interval and verdict, and the size of a live
   * test that would detect it. */
  uncertainty?: Uncertainty;
}

/** What a difference says at 95% (`better`/`worse` for KPIs with a better side,
 * `higher`/`lower` for the others; `not_distinguishable` when the interval holds 0). */
export type KpiVerdict = 'better' | 'worse' | 'higher' | 'lower' | 'not_distinguishable';

/** A KPI's mean over the replications and its 95% t interval. */
export interface KpiInterval {
  /** The KPI, named as in `Kpis` (`collected_per_case` is the collected amount per case). */
  kpi: string;
  /** The mean over the replications. */
  estimate: Decimal;
  /** Lower bound of the 95% interval. */
  lo: Decimal;
  /** Upper bound of the 95% interval. */
  hi: Decimal;
}

/** A challenger's difference from the champion in one KPI: the mean of the paired
 * (replication by replication) differences, its 95% interval and verdict. */
export interface KpiDifference {
  /** The KPI. */
  kpi: string;
  /** Challenger minus champion. */
  estimate: Decimal;
  /** Lower bound of the 95% interval. */
  lo: Decimal;
  /** Upper bound of the 95% interval. */
  hi: Decimal;
  /** What the interval says. */
  verdict: KpiVerdict;
}

/** One day of the collected band: the cumulative amount collected by that day, mean
 * and 95% interval over the replications. */
export interface Band {
  /** Day index from 0. */
  day: number;
  /** The mean. */
  estimate: Decimal;
  /** Lower bound of the 95% interval. */
  lo: Decimal;
  /** Upper bound of the 95% interval. */
  hi: Decimal;
}

/** The cases a 50/50 live test (alpha 5% two-sided, power 80%) needs to detect a
 * challenger's difference in one metric. */
export interface LiveTest {
  /** `collected_per_case` (report currency) or `cured_pct`. */
  metric: string;
  /** The champion's mean over the replications. */
  champion: Decimal;
  /** The challenger's mean over the replications. */
  challenger: Decimal;
  /** The standard deviation between cases (for `collected_per_case`). */
  sd?: Decimal;
  /** Cases per arm; `null` when there is no difference to detect or the spread could
   * not be summed (see `note`). */
  cases_per_arm: number | null;
  /** Cases in both arms. */
  cases_total: number | null;
  /** Why `cases_per_arm` is `null`. */
  note?: string;
}

/** One policy's figures over the replications. */
export interface ArmUncertainty {
  /** Policy name and version. */
  policy: string;
  /** `champion` or `challenger N`. */
  role: string;
  /** Every KPI's mean and 95% interval. */
  kpis: KpiInterval[];
  /** Challengers: every KPI's difference from the champion (empty for the champion). */
  vs_champion: KpiDifference[];
  /** The cumulative amount collected, day by day: mean and 95% band. */
  collected_band: Band[];
  /** Challengers: the size of a live test that would detect the difference. */
  live_test: LiveTest[];
}

/** A simulation's figures over its replications. */
export interface Uncertainty {
  /** Number of replications. */
  replications: number;
  /** Each replication's seed, the first the request's (decimal strings: a 64-bit seed
   * does not fit a JavaScript number). */
  seeds: string[];
  /** The confidence level of every interval (`0.95`). */
  confidence: Decimal;
  /** The live test's significance level, two-sided (`0.05`). */
  live_test_alpha: Decimal;
  /** The live test's power (`0.8`). */
  live_test_power: Decimal;
  /** Champion first. */
  arms: ArmUncertainty[];
}

// ---------------------------------------------------------------------------
// Live experiments

/** What a live experiment compares: the amount collected per case, or the percent of
 * cases that paid anything. */
export type ExperimentMetric = 'collected_per_case' | 'paid_pct';

/** A fixed-horizon test's plan: what to detect, and with what power. */
export interface ExperimentPlan {
  /** The metric (default `collected_per_case`). */
  metric?: ExperimentMetric;
  /** The champion's expected value: the amount collected per case, or the percent of
   * cases that pay. */
  baseline: Decimal;
  /** The standard deviation of the amount collected per case (needed for
   * `collected_per_case`; from past outcomes or a simulation's `live_test.sd`). */
  sd?: Decimal | null;
  /** The smallest difference worth detecting, in the metric's unit, positive. */
  minimum_effect: Decimal;
  /** The power, 0.5 to 0.99 (default `0.8`). */
  power?: Decimal;
  /** Percent per arm, champion first, adding up to 100 (default 50/50). */
  shares?: number[];
}

/** Fixed horizon: no verdict before every arm has the cases the plan needs. */
export interface FixedTest {
  kind: 'fixed';
  /** The plan (its `shares`, when given, must be the experiment's). */
  plan: ExperimentPlan;
}

/** Sequential (mSPRT): a verdict as soon as the always-valid interval excludes zero. */
export interface SequentialTest {
  kind: 'sequential';
  /** The metric (default `collected_per_case`). */
  metric?: ExperimentMetric;
  /** The difference the test is tuned to, in the metric's unit, positive. */
  minimum_effect: Decimal;
}

/** The test an experiment runs, chosen before it starts. */
export type ExperimentTest = FixedTest | SequentialTest;

/** What happened to one case after it was assigned. */
export interface ExperimentOutcome {
  /** The case id (the assignment hashes it with the experiment id). */
  case_id: string;
  /** The arm the host recorded (0 for the champion); checked against the engine's
   * assignment when given. */
  arm?: number | null;
  /** The amount collected since assignment, non-negative. */
  collected: Decimal;
  /** Contacts made since assignment (default 0). */
  contacts?: number;
}

/** A live experiment's outcomes, to compare (schemas/experiment-request.schema.json). */
export interface ExperimentRequest {
  /** The experiment id the assignment hashes. */
  experiment: string;
  /** Percent per arm, champion first, adding up to 100. */
  shares: number[];
  /** The test. */
  test: ExperimentTest;
  /** One per case, each case once. */
  outcomes: ExperimentOutcome[];
}

/** The cases a fixed-horizon test needs. */
export interface PlanResult {
  /** The metric. */
  metric: ExperimentMetric;
  /** The difference to detect. */
  minimum_effect: Decimal;
  /** Significance level, two-sided. */
  alpha: Decimal;
  /** Power. */
  power: Decimal;
  /** Cases each arm needs, champion first. */
  cases_per_arm: number[];
  /** Cases in all. */
  cases_total: number;
}

/** One arm's outcomes. */
export interface ArmOutcome {
  /** `champion` or `challenger N`. */
  role: string;
  /** Its share, percent. */
  share: number;
  /** Cases with an outcome. */
  cases: number;
  /** The amount collected per case. */
  collected_per_case: Decimal;
  /** Percent of cases that paid. */
  paid_pct: Decimal;
  /** Contacts per case. */
  contacts_per_case: Decimal;
}

/** An estimate with its 95% confidence interval. */
export interface Interval {
  /** The estimate. */
  estimate: Decimal;
  /** Lower bound. */
  lo: Decimal;
  /** Upper bound. */
  hi: Decimal;
}

/** Where a comparison stands: keep collecting, decided, or the fixed horizon reached
 * without a difference. */
export type ExperimentStatus = 'running' | 'conclusive' | 'inconclusive';

/** A challenger against the champion. */
export interface Comparison {
  /** `challenger N`. */
  role: string;
  /** Challenger minus champion on the metric (percentage points for `paid_pct`) and
   * its 95% interval: Welch's for a fixed test, the always-valid one for a sequential
   * test. */
  difference: Interval;
  /** The p-value: Welch's two-sided, or the always-valid one. */
  p_value: Decimal;
  /** Where the test stands. */
  status: ExperimentStatus;
  /** The verdict once the test may give one. */
  verdict: KpiVerdict | null;
  /** What to do, in words. */
  message: string;
}

/** The comparison of a live experiment (schemas/experiment-report.schema.json). */
export interface ExperimentReport {
  /** The experiment id. */
  experiment: string;
  /** `fixed` or `sequential`. */
  test: 'fixed' | 'sequential';
  /** The metric the test decides on. */
  metric: ExperimentMetric;
  /** The confidence level of every interval. */
  confidence: Decimal;
  /** The fixed test's plan (`null` for a sequential test). */
  plan: PlanResult | null;
  /** Champion first. */
  arms: ArmOutcome[];
  /** One per challenger. */
  comparisons: Comparison[];
}

// ---------------------------------------------------------------------------
// Errors

/** An engine error as data, the one flat error shape of every host (an error row of
 * `evaluateMany`, an entry of `diagnose`, `RecobroError.toJSON()`); absent fields
 * are left out. */
export interface ErrorInfo {
  /** Stable code: `policy.syntax`, `input.invalid`, ... */
  code: ErrorCode;
  /** The plain message, without the code, path and position. */
  message: string;
  /** Input path such as `debts[2].due_on` (`[3].debts[2].due_on` in a batch; `""`
   * for the whole input). */
  path?: string;
  /** 1-based line in the policy (or in `module`). */
  line?: number;
  /** 1-based column in the policy. */
  column?: number;
  /** The imported module the position is in, when not the main policy. */
  module?: string;
  /** How to fix it, when the engine can say. */
  help?: string;
}
