// A typed tour of the whole `recobro` API: it must compile under `strict`
// (`node_modules/.bin/tsc -p tests/tsconfig.json --noEmit`), and every
// `@ts-expect-error` line proves the declarations refuse a mistake.
// Type-checked only, never run.

import {
  Policy, RecobroError, simulate, generatePortfolio, diagnose, embeddedSource, embeddedPaths, timeZones, version,
  faultCaseId, init, experiment, experimentPlan,
} from '../types/index';
import type {
  BatchRow, Case, Channel, ContactCheck, Decimal, Decision, ErrorInfo, Instant, Limits, Offer, PlanCheck,
  PlanProposal, PolicyInfo, PolicyOptions, SimulationRequest, SimulationResult, Day, Kpis,
  ExperimentReport, ExperimentRequest, KpiVerdict, PlanResult, Score, ScoreReason, BestSlot,
  WorkQueue, QueueItem, QueueStatus,
} from '../types/index';

const asOf: Instant = '2026-03-16T15:00:00Z';

const c: Case = {
  id: 'C-1',
  debtor: {
    id: 'D-1',
    kind: 'consumer',
    jurisdiction: 'US-MA',
    timezone: 'America/New_York',
    flags: ['dispute'],
    consents: { sms: { allowed: true }, email: { opted_out_at: '2026-02-01T12:00:00Z' } },
    preferred_windows: [{ from: '09:00', to: '17:00' }],
  },
  debts: [{
    id: 'L-1', currency: 'USD', original_amount: '1200.00', outstanding: '950.10',
    issued_on: '2026-01-10', due_on: '2026-02-10', product: null,
    agreement: { interest: { annual_rate: '0.12' }, fees: [{ rule: 'late_fee', amount: '25.00', repeat_days: 30 }] },
  }],
  payments: [{ at: '2026-02-20T15:00:00Z', amount: '49.90' }],
  charges: [{ debt_id: 'L-1', kind: 'fee', rule: 'late_fee', amount: '25.00', at: '2026-02-25T15:00:00Z' }],
  promises: [{ id: 'P-1', made_at: '2026-03-01T15:00:00Z', due_on: '2026-03-10', amount: '100' }],
  contacts: [{ at: '2026-03-10T15:00:00Z', channel: 'sms', direction: 'outbound', outcome: 'delivered' }],
  attributes: { risk_score: 610, tags: ['card'], extra: { nested: null } },
};

async function tour(): Promise<void> {
  await init();
  const options: PolicyOptions = {
    modules: { house: 'fn floor() { 7 }' },
    limits: { max_operations: 100_000 }, // partial limits keep the other defaults
    closures: { US: ['2026-07-03'] },
    rate_entries: { ecb_mro: [{ from: '2026-07-01', rate: '2.15' }] },
    scorecards: { house: '{"name": "house", "version": "1", "base": 0, "characteristics": [], "bands": [{"name": "all"}]}' },
    tables: { collection_stage: '{"name": "collection_stage", "version": "1", "hit": "first", "inputs": [{"name": "dpd", "type": "number"}], "outputs": ["stage"], "rows": [{"when": {"dpd": ".."}, "then": {"stage": "all"}}]}' },
    priors: { house: '{"name": "house", "version": "1", "channels": {"call": {"hours": [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]}}}' },
  };
  const policy = new Policy('import "house" as h; fn segment(c) { `s${h::floor()}` }', options);
  using scoped = Policy.embedded('b2b/policy');
  const info: PolicyInfo = scoped.info();
  const limits: Limits = Policy.default().limits();
  const ops: number = limits.max_operations;
  const fns: string[] = policy.functions();

  const d: Decision = Policy.default().evaluate(c, asOf, { trace: true });
  const seg: string | null = d.segment;
  const when: Instant | null = d.action?.earliest_at ?? d.next_allowed_at;
  const total: Decimal | undefined = d.charges.totals['USD'];
  for (const cand of d.candidates) {
    const blocked: boolean = cand.verdict === 'blocked';
    const ch: Channel | undefined = cand.channel;
    const best: Instant | undefined = cand.best_at;
    const slot: BestSlot | undefined = cand.best_slot;
    void blocked, ch, best, slot;
  }
  if (d.action?.best_slot) {
    const s: BestSlot = d.action.best_slot;
    const evidence = `${s.weekday} ${s.local_hour}:00 ${s.rate} (${s.right_party}/${s.attempts}, ${s.prior} ${s.prior_rate} x ${s.prior_weight}, ${s.slots_checked} checked)`;
    void evidence;
  }
  for (const o of d.offers) describe(o);
  for (const s of d.scores ?? []) {
    const points: number = s.score;
    const band: string = s.band;
    const p: Decimal | undefined = s.probability;
    const why: string[] = s.reasons.map((r: ScoreReason) => `${r.characteristic} ${r.reason}: ${r.points} of ${r.best}`);
    void points, band, p, why;
  }
  const first: Score | undefined = d.scores?.[0];
  const steps = d.trace?.map((t) => `${t.step}: ${t.detail}`) ?? [];
  const json: string = policy.evaluateJson(JSON.stringify(c), new Date('2026-03-16T15:00:00Z'));

  const rows: BatchRow[] = policy.evaluateMany([c, JSON.stringify(c)], asOf);
  for (const row of rows) {
    if (row.error) {
      const e: ErrorInfo = row.error;
      const at: number = row.index;
      const where: string | undefined = e.path;
      const message: string = e.message;
      void at, where, message;
    } else {
      const ok: Decision = row.decision;
      void ok;
    }
  }

  const check: ContactCheck = policy.checkContact(c, 'call', asOf, { debtId: 'L-1' });
  const next: Instant | null = check.next_allowed_at;
  const proposal: PlanProposal = { down_payment: '0', installments: 3, frequency: 'monthly', first_due_on: '2026-04-01' };
  const plan: PlanCheck = Policy.default().checkPlan(c, asOf, proposal);
  const installment: Decimal | undefined = plan.schedule.installments[0]?.amount;

  const request: SimulationRequest = {
    generate: 20, days: 20, seed: 7, policies: [{}, { embedded: 'consumer/digital_first', scorecards: options.scorecards }],
  };
  const result: SimulationResult = simulate(request, { onProgress: (done, all) => void (done / all) });
  const champion: Kpis | undefined = result.arms[0]?.kpis;
  const lift: Kpis | null | undefined = result.arms[1]?.vs_champion;
  const day: Day | undefined = result.arms[0]?.series.at(-1);
  const calls: number | undefined = day?.contacts[0];
  if (result.settings.split.kind === 'assign') {
    const shares: number[] = result.settings.split.shares;
    void shares;
  }

  const replicated = simulate({ ...request, replications: 5 });
  for (const arm of replicated.uncertainty?.arms ?? []) {
    const band: Decimal[] = arm.collected_band.map((b) => `${b.lo}..${b.hi}`);
    const verdicts: KpiVerdict[] = arm.vs_champion.map((d) => d.verdict);
    const perArm: (number | null)[] = arm.live_test.map((t) => t.cases_per_arm);
    void band, verdicts, perArm;
  }
  const plan2: PlanResult = experimentPlan({ baseline: '120', sd: '300', minimum_effect: '15' });
  const live: ExperimentRequest = {
    experiment: 'exp-live', shares: [50, 50],
    test: { kind: 'fixed', plan: { ...{ baseline: '120', sd: '300', minimum_effect: '15' }, power: '0.9' } },
    outcomes: [{ case_id: 'C-1', collected: '10.50', contacts: 2 }, { case_id: 'C-2', arm: 1, collected: '0' }],
  };
  const report: ExperimentReport = experiment(live);
  const status: string | undefined = report.comparisons[0]?.status;
  const pending: boolean = report.comparisons[0]?.verdict === null;
  experiment(JSON.stringify({ ...live, test: { kind: 'sequential', metric: 'paid_pct', minimum_effect: '2' } }));

  const queue: WorkQueue = Policy.default().queue([c], asOf, { call: 400, sms: 0 });
  const firstItem: QueueItem | undefined = queue.items[0];
  const queued: QueueStatus | undefined = firstItem?.status;
  const rank: number | undefined = firstItem?.rank;
  const queueCsv: string = Policy.default().queueText(JSON.stringify([c]), new Date(), '{"call": 1}', 'csv');
  void queued, rank, queueCsv, queue.used.call, queue.errors[0]?.error.code;
  const portfolio: Case[] = generatePortfolio(100, 7n, asOf);
  const problems: ErrorInfo[] = diagnose('fn segment(c) { 1 + }');
  const firstLine: number | null | undefined = problems[0]?.line;
  const src: string | undefined = embeddedSource('consumer/policy');
  const paths: string[] = embeddedPaths();
  const zones: string[] = timeZones();
  const v: string = version();
  const fault: string | undefined = faultCaseId();

  try {
    policy.evaluate('{"id": 1}', asOf);
  } catch (e) {
    if (e instanceof RecobroError) {
      const code: string = e.code;
      const line: number | null = e.line;
      const flat: ErrorInfo = e.toJSON();
      void code, line, flat;
    }
  }
  policy.free();

  void info, ops, fns, seg, when, total, steps, first, json, next, installment, champion, lift, calls, portfolio,
    firstLine, src, paths, zones, v, fault, plan2, status, pending;
}

/** Offers are a union told apart by `kind`. */
function describe(o: Offer): string {
  switch (o.kind) {
    case 'settlement':
      return `pay ${o.amount} ${o.currency} by ${o.pay_by} (${o.discount_pct}% off)`;
    case 'plan':
      return `${o.schedule.installments.length} installments, total ${o.schedule.total}`;
  }
}

// The declarations refuse mistakes.
const numberAmount: Case = {
  id: 'C-2',
  debtor: { id: 'D-2', kind: 'consumer', jurisdiction: 'CO', timezone: 'America/Bogota' },
  debts: [{
    id: 'L-1', currency: 'COP', original_amount: '100',
    // @ts-expect-error an amount is a decimal string, never a number
    outstanding: 12.5,
    issued_on: '2026-01-01', due_on: '2026-02-01',
  }],
};

// @ts-expect-error `fax` is not a channel
Policy.default().checkContact(c, 'fax', asOf);

const badContact: Case = {
  ...c,
  // @ts-expect-error `fax` is not a channel
  contacts: [{ at: asOf, channel: 'fax', direction: 'outbound', outcome: 'no_answer' }],
};

// @ts-expect-error `kind` is `consumer` or `business`
const badKind: Case['debtor'] = { id: 'D', kind: 'person', jurisdiction: 'CO', timezone: 'America/Bogota' };

// @ts-expect-error the down payment is a decimal string too
const badProposal: PlanProposal = { down_payment: 0, installments: 3, frequency: 'monthly', first_due_on: '2026-04-01' };

const badConsents: Case['debtor'] = {
  id: 'D', kind: 'consumer', jurisdiction: 'CO', timezone: 'America/Bogota',
  // @ts-expect-error consents are keyed by channel
  consents: { fax: { allowed: true } },
};

// @ts-expect-error a case has no `bogus` field
const extraField: Case = { id: 'C', debtor: c.debtor, bogus: 1 };

function readOnlyDecision(d: Decision): void {
  // @ts-expect-error charge totals are decimal strings
  const n: number = d.charges.totals['USD'];
  // @ts-expect-error `scores` may be absent (a policy that calls no scorecard)
  const s: Score[] = d.scores;
  // @ts-expect-error a score's probability is a decimal string
  const p: number | undefined = d.scores?.[0]?.probability;
  // @ts-expect-error a best slot's rate is a decimal string
  const r: number | undefined = d.action?.best_slot?.rate;
  void n, s, p, r;
}

// @ts-expect-error a scorecard is given as JSON text
const badScorecards: PolicyOptions = { scorecards: { house: { name: 'house' } } };

// @ts-expect-error a sequential test has no plan
const badTest: ExperimentRequest['test'] = { kind: 'sequential', plan: { baseline: '1', minimum_effect: '1' } };

// @ts-expect-error the metric is `collected_per_case` or `paid_pct`
experimentPlan({ metric: 'cured_pct', baseline: '10', minimum_effect: '1' });

void tour, badScorecards, badTest, numberAmount, badContact, badKind, badProposal, badConsents, extraField, readOnlyDecision;
