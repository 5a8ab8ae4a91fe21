// The API of the `recobro` package (every entry point: Node, web, bundler).
import type {
  Case, Decision, ContactCheck, PlanCheck, PlanProposal, PolicyInfo, Limits,
  PolicyOptions, SimulationRequest, SimulationResult, Channel, ErrorInfo, Instant, ResponseModel,
  ExperimentRequest, ExperimentReport, ExperimentPlan, PlanResult, Capacity, WorkQueue,
} from './model.js';

declare global {
  // `Symbol.dispose` (for `using`) without requiring lib `esnext.disposable`: the same
  // declaration as TypeScript's own lib and @types/node.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** An engine error, thrown by every function: read `code`, then `line`/`column` (a
 * policy position) or `path` (an input path such as `debts[2].due_on`). `message`
 * is the engine's one-line rendering (`code: path: message`); `detail` the plain
 * message; absent fields are `null`. */
export declare class RecobroError extends Error {
  readonly name: 'RecobroError';
  /** Stable code: `policy.syntax`, `policy.runtime`, `policy.contract`, `policy.module`,
   * `limit.*`, `input.json`, `input.invalid`, `internal`. */
  readonly code: string;
  /** The message without the code, path and position. */
  readonly detail: string;
  /** 1-based line in the policy (or in `module`). */
  readonly line: number | null;
  /** 1-based column in the policy. */
  readonly column: number | null;
  /** Input path such as `debts[2].due_on` (`[3].debts[2].due_on` in a batch). */
  readonly path: string | null;
  /** The imported module the position is in, when not the main policy. */
  readonly module: string | null;
  /** How to fix it, when the engine can say. */
  readonly help: string | null;
  /** The one flat error shape (as in `evaluateMany`'s error rows): `{code, message,
   * path?, line?, column?, module?, help?}` with the plain message. */
  toJSON(): ErrorInfo;
}

/** A case as an object or as JSON text (amounts as decimal strings, never numbers). */
export type CaseInput = Case | string;

/** One row of `evaluateMany`: the decision, or the error of the case at `index` (the
 * flat error; an input error's `path` starts with `[index]`). */
export type BatchRow =
  | { decision: Decision; index?: undefined; error?: undefined }
  | { decision?: undefined; index: number; error: ErrorInfo };

/** A compiled policy: compile once, evaluate many. */
export declare class Policy {
  /** Compile Rhai policy source; throws a `RecobroError` (`policy.syntax` with line
   * and column, ...) when it does not compile. */
  constructor(source: string, options?: PolicyOptions | string);
  /** The embedded default consumer collections policy. */
  static default(): Policy;
  /** An embedded policy: `consumer/policy`, `consumer/digital_first`, `b2b/policy`. */
  static embedded(path: string): Policy;
  /** Name, version and `sha256:` digest. */
  info(): PolicyInfo;
  /** The sandbox limits the policy runs under. */
  limits(): Limits;
  /** The functions the policy defines. */
  functions(): string[];
  /** Decide one case at `asOf`; `trace` records every step, rule outcome and `print`. */
  evaluate(c: CaseInput, asOf: Instant | Date, opts?: { trace?: boolean }): Decision;
  /** The canonical decision JSON text (the same bytes on every host). */
  evaluateJson(c: CaseInput, asOf: Instant | Date, opts?: { trace?: boolean }): string;
  /** Decide many cases (an array, or JSON text: an array, one object or NDJSON). One
   * row per case, in order; a bad case is an error row and the others are still
   * decided. A bad `asOf`, or text that is no batch at all (path `cases`), throws. */
  evaluateMany(cases: CaseInput[] | string, asOf: Instant | Date): BatchRow[];
  /** The delinquency report of a portfolio snapshot (cases as in `evaluateMany`), with
   * roll rates, cures and the collection effectiveness index against `previous` (the
   * same portfolio at `previousAsOf`). Its contract: schemas/report.schema.json. A bad
   * case is in `errors`; a bad clock or text that is no batch throws. */
  report(cases: CaseInput[] | string, asOf: Instant | Date, opts?: ReportOptions): Report;
  /** The same report written as `json` (default), `csv`, `table` or `html` (a
   * self-contained page). */
  reportText(
    cases: CaseInput[] | string,
    asOf: Instant | Date,
    opts?: ReportOptions & { format?: 'json' | 'csv' | 'table' | 'html' },
  ): string;
  /** The day's work queue (`recobro queue`) of a batch (cases as in `evaluateMany`) at
   * `asOf` under the daily `capacity` per channel (`{call: 400}`; channels not listed
   * are not limited): every case decided, then queued by priority and expected value;
   * a case whose channel is full takes its next lawful candidate or waits, with the
   * reason. Its contract: schemas/work-queue.schema.json. A bad case is in `errors`; a
   * bad clock, a bad capacity (path `capacity.CHANNEL`) or text that is no batch throws. */
  queue(cases: CaseInput[] | string, asOf: Instant | Date, capacity?: Capacity | string): WorkQueue;
  /** The same queue written as `json` (default; byte for byte the CLI's `--format
   * json`), `csv` or `table`. */
  queueText(
    cases: CaseInput[] | string,
    asOf: Instant | Date,
    capacity?: Capacity | string,
    format?: 'json' | 'csv' | 'table',
  ): string;
  /** May this contact happen at `at`? Every rule with its citation and outcome. */
  checkContact(c: CaseInput, channel: Channel, at: Instant | Date, opts?: { debtId?: string }): ContactCheck;
  /** Check a debtor's plan proposal against the first plan the policy offers. */
  checkPlan(c: CaseInput, asOf: Instant | Date, proposal: PlanProposal | string): PlanCheck;
  /** Release the compiled policy now (otherwise the garbage collector does). */
  free(): void;
  [Symbol.dispose](): void;
}

/** Run a simulation (defaults as `recobro simulate`); `onProgress(done, total)` is
 * called as cases finish (every replication's). With `replications` of 2 or more the
 * result has `uncertainty`: 95% intervals over the replications, each challenger's
 * paired difference with its verdict, the collected band and a live test's size. */
export declare function simulate(
  request?: SimulationRequest | string,
  opts?: { onProgress?: (done: number, total: number) => void },
): SimulationResult;
/** Run part `part` of `parts` of a simulation request (the same request for every
 * part): the cases `n * part / parts .. n * (part + 1) / parts` of its portfolio
 * through every policy; `onProgress(done, total)` counts the part's cases. Returns the
 * part as JSON text, for `mergeParts` (in another worker, say). */
export declare function simulatePart(
  request: SimulationRequest | string,
  part: number,
  parts: number,
  opts?: { onProgress?: (done: number, total: number) => void },
): string;
/** The result of a simulation from all its parts (`simulatePart`'s texts, in order):
 * byte for byte what `simulate` gives for the request. Parts of different runs, or
 * sums that cannot be added exactly, throw (`input.invalid` at `parts`). */
export declare function mergeParts(parts: string[]): SimulationResult;
/** Compare a live experiment's challengers with its champion (`recobro experiment
 * analyze`): a fixed-horizon test (no verdict before the plan's cases) or a sequential
 * one (always valid). Errors are under `experiment` (`experiment.outcomes[3].arm`: an
 * outcome recorded under an arm the engine's assignment does not give). */
export declare function experiment(request: ExperimentRequest | string): ExperimentReport;
/** The cases each arm of a fixed-horizon live test needs (`recobro experiment plan`),
 * two-sided at alpha 5%. Errors are under `plan` (`plan.sd`). */
export declare function experimentPlan(plan: ExperimentPlan | string): PlanResult;
/** The documented default response model of simulations (every assumption, as data). */
export declare function defaultResponseModel(): ResponseModel;
/** A seeded synthetic portfolio of `n` cases as of `asOf`. */
export declare function generatePortfolio(n: number, seed: number | bigint, asOf: Instant | Date): Case[];
/** Compile policy source and list its problems (empty when it compiles). Never throws
 * for a bad policy: for editors. */
export declare function diagnose(source: string, options?: PolicyOptions | string): ErrorInfo[];
/** The source of an embedded policy or module, or `undefined`. */
export declare function embeddedSource(path: string): string | undefined;
/** The paths of every embedded policy and module. */
export declare function embeddedPaths(): string[];
/** Every time zone this build carries, sorted. The browser package carries the zones
 * of the countries whose law the engine knows (the US and its territories, Mexico,
 * Colombia, Ecuador, Peru, Chile, Brazil, the UK, and the EU with its outermost regions),
 * the IANA zones linked to those (aliases, such as America/Antigua for
 * America/Puerto_Rico), and UTC: a case in any other zone is refused
 * with `input.invalid` at `debtor.timezone`. */
export declare function timeZones(): string[];
/** The engine version. */
export declare function version(): string;
/** Test builds only (the `fault-injection` feature): the case id that panics inside
 * the engine; `undefined` in the published package. */
export declare function faultCaseId(): string | undefined;

export type * from './model.js';

/** The previous snapshot of a report. */
export interface ReportOptions {
  previous?: CaseInput[] | string;
  previousAsOf?: Instant | Date;
}

/** An aging bucket by days past due. */
export type Bucket = 'current' | '1-30' | '31-60' | '61-90' | '91-120' | '120+';

/** The counts of a snapshot. */
export interface ReportCounts {
  entries: number;
  reported: number;
  failed: number;
  debts_aged: number;
  debts_settled: number;
}

/** One aging cell (amounts are decimal strings). */
export interface AgingRow {
  group?: string;
  currency: string;
  bucket: Bucket;
  debts: number;
  amount: string;
}

/** The delinquency report (schemas/report.schema.json; every figure is defined in the
 * Rust module `recobro::report`). Amounts and rates are decimal strings. */
export interface Report {
  as_of: string;
  policy: { name: string; version: string; digest: string };
  cases: ReportCounts;
  errors: { index: number; error: ErrorInfo }[];
  aging: AgingRow[];
  aging_by_segment: AgingRow[];
  aging_by_jurisdiction: AgingRow[];
  promises: { kept: number; broken: number; pending: number };
  plans: { active: number; behind: number; completed: number };
  contacts_last_30_days: { channel: Channel; contacts: number }[];
  compliance_blocks: { rule: string; citation: string; candidates: number; cases: number }[];
  comparison: {
    previous_as_of: string;
    cases: ReportCounts;
    errors: { index: number; error: ErrorInfo }[];
    roll_rates: { from: Bucket; to: Bucket | 'settled' | 'left'; debts: number; rate: string | null }[];
    cures: { from?: Bucket; delinquent: number; cured: number; rate: string | null }[];
    cei: {
      currency: string;
      beginning: string;
      new_debts: string;
      ending_total: string;
      ending_current: string;
      left: string;
      cei: string | null;
    }[];
  } | null;
}
