// Simulation with replications (95% intervals, verdicts, the collected band, the live
// test's size) and live experiments (`experiment`, `experimentPlan`) under Node,
// compared with the native CLI's JSON (`recobro simulate --replications N --json`,
// `recobro experiment plan|analyze FILE --json`), and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PKG, cli } from './helpers.mjs';

const r = await import(path.join(PKG, 'index.node.js'));
const { RecobroError } = r;

function throwsRecobro(fn, check) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RecobroError, `expected a RecobroError, got ${err}`);
  check(err);
  return err;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'recobro-exp-'));
let files = 0;
/** Write `value` (JSON) to a scratch file and return its path. */
function file(value, ext = 'json') {
  const p = path.join(tmp, `f${files++}.${ext}`);
  fs.writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

/** The CLI's stdout for `args` (trailing newline removed). */
function native(args) {
  return execFileSync(cli(), args, { encoding: 'utf8' }).replace(/\n$/, '');
}

const CHALLENGER = r.embeddedSource('consumer/digital_first');
const REQ = { generate: 40, days: 20, seed: 9, replications: 4, policies: [{}, { source: CHALLENGER }] };

test('simulate with replications is the CLI\'s --replications run, byte for byte', () => {
  const calls = [];
  const got = r.simulate(REQ, { onProgress: (done, total) => calls.push([done, total]) });
  // Every replication's cases through both policies.
  assert.deepEqual(calls.at(-1), [40 * 2 * 4, 40 * 2 * 4]);
  const text = native(['simulate', '--generate', '40', '--days', '20', '--seed', '9', '--replications', '4',
    '--challenger', file(CHALLENGER, 'rhai'), '--json']);
  assert.deepEqual(got, JSON.parse(text));
  assert.equal(JSON.stringify(got), text);

  const u = got.uncertainty;
  assert.equal(got.settings.replications, 4);
  assert.equal(u.replications, 4);
  assert.equal(u.seeds.length, 4);
  assert.equal(u.seeds[0], '9', 'the first replication is the request\'s seed');
  assert.deepEqual([u.confidence, u.live_test_alpha, u.live_test_power], ['0.95', '0.05', '0.8']);
  assert.deepEqual(u.arms.map((a) => a.role), ['champion', 'challenger 1']);
  // `arms` stay the run with the request's seed: the one-replication run's arms.
  const one = r.simulate({ ...REQ, replications: 1 });
  assert.equal(one.uncertainty, undefined);
  assert.equal(one.settings.replications, undefined);
  assert.deepEqual(got.arms, one.arms);
  for (const arm of u.arms) {
    assert.equal(arm.collected_band.length, 20);
    assert.deepEqual(arm.collected_band.map((b) => b.day), [...Array(20).keys()]);
    for (const k of [...arm.kpis, ...arm.collected_band, ...arm.vs_champion]) {
      assert.ok(Number(k.lo) <= Number(k.estimate) && Number(k.estimate) <= Number(k.hi), JSON.stringify(k));
    }
  }
  assert.deepEqual(u.arms[0].vs_champion, []);
  assert.deepEqual(u.arms[0].live_test, []);
  const diffs = u.arms[1].vs_champion;
  assert.deepEqual(diffs.map((d) => d.kpi), u.arms[1].kpis.map((k) => k.kpi));
  for (const d of diffs) assert.ok(['better', 'worse', 'higher', 'lower', 'not_distinguishable'].includes(d.verdict), d.verdict);
  assert.ok(u.arms[1].live_test.some((t) => t.metric === 'collected_per_case'));
});

test('simulatePart and mergeParts with replications give simulate\'s result, byte for byte', () => {
  const whole = JSON.stringify(r.simulate(REQ));
  for (const n of [1, 2, 3]) {
    const parts = Array.from({ length: n }, (_, i) => r.simulatePart(REQ, i, n));
    // Each part carries the other replications' sums.
    for (const p of parts) assert.equal(JSON.parse(p).replicas.length, 3);
    assert.equal(JSON.stringify(r.mergeParts(parts)), whole, `${n} parts`);
  }
  // Parts of runs with different replications do not merge.
  const a = r.simulatePart(REQ, 0, 2);
  const b = r.simulatePart({ ...REQ, replications: 3 }, 1, 2);
  throwsRecobro(() => r.mergeParts([a, b]), (e) => assert.equal(e.path, 'parts'));
});

test('replications out of range are refused at request.replications', () => {
  for (const replications of [0, 101]) {
    for (const f of [() => r.simulate({ ...REQ, replications }), () => r.simulatePart({ ...REQ, replications }, 0, 2)]) {
      throwsRecobro(f, (e) => {
        assert.equal(e.code, 'input.invalid');
        assert.equal(e.path, 'request.replications');
        assert.match(e.message, /^input\.invalid: request\.replications: /);
      });
    }
  }
  throwsRecobro(() => r.simulate({ ...REQ, replications: 2.5 }), (e) => assert.equal(e.path, 'replications'));
  throwsRecobro(() => r.simulate(JSON.stringify({ ...REQ, replications: 'two' })), (e) => assert.equal(e.path, 'request.replications'));
});

const PLAN = { baseline: '120', sd: '300', minimum_effect: '15' };
const OUTCOMES = Array.from({ length: 400 }, (_, i) => ({ case_id: `C-${i}`, collected: String((i * 37) % 250), contacts: i % 5 }));

test('experimentPlan is `recobro experiment plan --json`', () => {
  for (const plan of [PLAN, { ...PLAN, power: '0.9', shares: [70, 30] }, { metric: 'paid_pct', baseline: '20', minimum_effect: '3' }]) {
    const got = r.experimentPlan(plan);
    const text = native(['experiment', 'plan', file(plan), '--json']);
    assert.equal(JSON.stringify(got), text, JSON.stringify(plan));
    assert.deepEqual(r.experimentPlan(JSON.stringify(plan)), got);
  }
  const p = r.experimentPlan(PLAN);
  assert.deepEqual([p.alpha, p.power, p.cases_per_arm.length], ['0.05', '0.8', 2]);
  assert.equal(p.cases_total, p.cases_per_arm[0] + p.cases_per_arm[1]);
  throwsRecobro(() => r.experimentPlan({ baseline: '120', minimum_effect: '15' }), (e) => {
    assert.equal(e.code, 'input.invalid');
    assert.equal(e.path, 'plan.sd');
  });
  throwsRecobro(() => r.experimentPlan({ ...PLAN, power: '2' }), (e) => assert.equal(e.path, 'plan.power'));
  throwsRecobro(() => r.experimentPlan({ ...PLAN, colour: 'red' }), (e) => assert.equal(e.code, 'input.invalid'));
  throwsRecobro(() => r.experimentPlan({ ...PLAN, sd: 300.5 }), (e) => assert.equal(e.path, 'plan.sd'));
  throwsRecobro(() => r.experimentPlan(undefined), (e) => assert.equal(e.path, 'plan'));
});

test('experiment is `recobro experiment analyze --json` (fixed and sequential tests)', () => {
  const requests = [
    { experiment: 'exp-live', shares: [50, 50], test: { kind: 'sequential', minimum_effect: '20' }, outcomes: OUTCOMES },
    { experiment: 'exp-live', shares: [50, 50], test: { kind: 'sequential', metric: 'paid_pct', minimum_effect: '5' }, outcomes: OUTCOMES },
    { experiment: 'exp-live', shares: [50, 50], test: { kind: 'fixed', plan: { ...PLAN, sd: '80', minimum_effect: '40' } }, outcomes: OUTCOMES },
    { experiment: 'exp-3', shares: [40, 30, 30], test: { kind: 'fixed', plan: PLAN }, outcomes: OUTCOMES.slice(0, 50) },
  ];
  for (const req of requests) {
    const got = r.experiment(req);
    const text = native(['experiment', 'analyze', file(req), '--json']);
    assert.equal(JSON.stringify(got), text, `${req.experiment} ${req.test.kind}`);
    assert.deepEqual(r.experiment(JSON.stringify(req)), got);
    assert.equal(got.arms.length, req.shares.length);
    assert.equal(got.comparisons.length, req.shares.length - 1);
    assert.equal(got.arms.reduce((a, x) => a + x.cases, 0), req.outcomes.length);
    assert.equal(got.plan === null, req.test.kind === 'sequential');
  }
  // The fixed test with too few cases gives no verdict yet.
  const early = r.experiment(requests[3]);
  assert.equal(early.comparisons[0].status, 'running');
  assert.equal(early.comparisons[0].verdict, null);
});

test('an outcome under the wrong arm is refused at experiment.outcomes[N].arm', () => {
  const base = { experiment: 'exp-live', shares: [50, 50], test: { kind: 'sequential', minimum_effect: '20' } };
  // Exactly one of the two arms is the engine's for case C-7: the other is refused.
  const tries = [0, 1].map((arm) => {
    const outcomes = OUTCOMES.map((o, i) => (i === 7 ? { ...o, arm } : o));
    try {
      return { arm, report: r.experiment({ ...base, outcomes }) };
    } catch (e) {
      return { arm, error: e };
    }
  });
  const ok = tries.filter((t) => t.report);
  const bad = tries.filter((t) => t.error);
  assert.equal(ok.length, 1, 'one arm is the engine\'s');
  assert.equal(bad.length, 1, 'the other is refused');
  const e = bad[0].error;
  assert.ok(e instanceof RecobroError);
  assert.equal(e.code, 'input.invalid');
  assert.equal(e.path, 'experiment.outcomes[7].arm');
  assert.match(e.detail, new RegExp(`assigns case \`C-7\` to arm ${ok[0].arm}, not ${bad[0].arm}`));
  assert.deepEqual(e.toJSON().path, 'experiment.outcomes[7].arm');
  // An arm the experiment does not have, and other paths under `experiment`.
  const outcomes = OUTCOMES.map((o, i) => (i === 3 ? { ...o, arm: 5 } : o));
  throwsRecobro(() => r.experiment({ ...base, outcomes }), (e) => assert.equal(e.path, 'experiment.outcomes[3].arm'));
  throwsRecobro(() => r.experiment(JSON.stringify({ ...base, outcomes })), (e) => assert.equal(e.path, 'experiment.outcomes[3].arm'));
  throwsRecobro(() => r.experiment({ ...base, outcomes: [OUTCOMES[0], OUTCOMES[0]] }),
    (e) => assert.equal(e.path, 'experiment.outcomes[1].case_id'));
  throwsRecobro(() => r.experiment({ ...base, outcomes: [{ case_id: 'C-1', collected: 10.5 }] }),
    (e) => assert.equal(e.path, 'experiment.outcomes[0].collected'));
  throwsRecobro(() => r.experiment({ ...base, test: { kind: 'sequential', minimum_effect: '0' }, outcomes: [] }),
    (e) => assert.equal(e.path, 'experiment.test.minimum_effect'));
  throwsRecobro(() => r.experiment('{"experiment": '), (e) => assert.equal(e.code, 'input.json'));
});
