// The npm package's API under Node: compile, evaluate, batches, contacts, plans,
// simulation, portfolio generation and the errors of each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PKG, AS_OF, ROOT, sample, sampleNames, cli } from './helpers.mjs';

const r = await import(path.join(PKG, 'index.node.js'));
const { Policy, RecobroError } = r;

function throwsRecobro(fn, check) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RecobroError, `expected a RecobroError, got ${err}`);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'RecobroError');
  check(err);
  return err;
}

test('the default policy decides every sample case like the CLI, byte for byte', () => {
  const p = Policy.default();
  assert.equal(p.info().name, 'consumer-default');
  const dir = path.join(ROOT, 'examples/data/cases');
  const native = execFileSync(cli(), ['eval', '--as-of', AS_OF, dir], { encoding: 'utf8' })
    .split('\n').filter(Boolean);
  const byId = new Map(native.map((l) => [JSON.parse(l).case_id, l]));
  assert.equal(byId.size, sampleNames().length);
  for (const name of sampleNames()) {
    const c = sample(name);
    const json = p.evaluateJson(c, AS_OF);
    assert.equal(json, byId.get(c.id), name);
    assert.deepEqual(p.evaluate(c, AS_OF), JSON.parse(json), name);
    // JSON text in gives the same bytes as the object.
    assert.equal(p.evaluateJson(JSON.stringify(c), AS_OF), json, name);
  }
});

test('amounts come out as decimal strings and a Date is the same clock as its ISO string', () => {
  const p = Policy.default();
  const c = sample('administrative');
  const d = p.evaluate(c, new Date(AS_OF));
  assert.deepEqual(d, p.evaluate(c, AS_OF));
  assert.equal(d.segment, 'administrative');
  for (const line of d.charges?.lines ?? []) assert.equal(typeof line.amount, 'string');
  assert.throws(() => p.evaluate(c, new Date('nonsense')), (e) => e.code === 'input.invalid' && e.path === 'as_of');
  assert.throws(() => p.evaluate(c, '2026-03-16T15:00:00'), (e) => e.code === 'input.invalid' && e.path === 'as_of');
});

test('a JS number amount is refused with its path; the same digits as JSON text are exact', () => {
  const p = Policy.default();
  const c = sample('administrative');
  c.debts[0].outstanding = 0.1 + 0.2;
  throwsRecobro(() => p.evaluate(c, AS_OF), (e) => {
    assert.equal(e.code, 'input.invalid');
    assert.equal(e.path, 'debts[0].outstanding');
    assert.match(e.help, /string/);
  });
  // Whole numbers are exact and pass.
  const whole = sample('administrative');
  whole.debts[1].outstanding = 80;
  assert.equal(p.evaluate(whole, AS_OF).case_id, whole.id);
});

test('bad input names the path', () => {
  const p = Policy.default();
  const cases = [
    [(c) => { c.debts[1].due_on = '2026-02-30'; }, 'debts[1].due_on'],
    [(c) => { c.debtor.timezone = 'Mars/Olympus'; }, 'debtor.timezone'],
    [(c) => { c.debts[0].currency = 'XXX1'; }, 'debts[0].currency'],
    [(c) => { delete c.debtor.timezone; }, 'debtor'],
  ];
  for (const [mutate, want] of cases) {
    const c = sample('administrative');
    mutate(c);
    throwsRecobro(() => p.evaluate(c, AS_OF), (e) => {
      assert.match(e.code, /^input\./);
      assert.ok(e.path?.startsWith(want), `${e.path} should start with ${want}`);
    });
  }
  // A missing field is named in the message; the path is the object it is missing from.
  const c = sample('administrative');
  delete c.debtor;
  throwsRecobro(() => p.evaluate(c, AS_OF), (e) => {
    assert.equal(e.path, '');
    assert.match(e.detail, /`debtor`/);
  });
  throwsRecobro(() => p.evaluateJson('{"id": "C-1",', AS_OF), (e) => assert.equal(e.code, 'input.json'));
});

test('text beyond ASCII crosses as UTF-8: a string, an object and a batch decide like the CLI', () => {
  // The API hands the glue its JSON arguments as UTF-8 bytes (TextEncoder), not as
  // strings: two-byte, three-byte and four-byte (surrogate pair) characters must arrive
  // as the same UTF-8 the CLI reads from a file.
  const p = Policy.default();
  const c = sample('administrative');
  c.id = 'C-Peña-ñandú-✓-😀';
  c.debtor.id = 'D-€-1';
  const text = JSON.stringify(c);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recobro-utf8-'));
  const file = path.join(dir, 'case.json');
  fs.writeFileSync(file, text, 'utf8');
  const native = execFileSync(cli(), ['eval', '--as-of', AS_OF, file], { encoding: 'utf8' }).trim();
  const nativeQueue = execFileSync(cli(), ['queue', file, '--as-of', AS_OF, '--format', 'json'], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  // Every argument the API passes as bytes: a work queue from objects and from text.
  assert.equal(`${p.queueText([c], AS_OF, {}, 'json')}\n`, nativeQueue);
  assert.equal(`${p.queueText(text, AS_OF, {}, 'json')}\n`, nativeQueue);
  assert.equal(JSON.parse(native).case_id, c.id);
  assert.equal(p.evaluateJson(text, AS_OF), native);
  assert.equal(p.evaluateJson(c, AS_OF), native);
  assert.deepEqual(p.evaluate(c, AS_OF), JSON.parse(native));
  assert.deepEqual(p.evaluate(text, AS_OF), JSON.parse(native));
  const rows = p.evaluateMany(`${text}\n${text}`, AS_OF);
  assert.deepEqual(rows.map((row) => row.decision), [JSON.parse(native), JSON.parse(native)]);
  // A lone surrogate has no UTF-8. In JSON text it becomes U+FFFD, as TextEncoder
  // writes it; in an object JSON.stringify escapes it (`\ud800`), which JSON refuses.
  c.id = 'C-\uD800-1';
  assert.equal(p.evaluate(JSON.stringify(c).replace('\\ud800', '\uD800'), AS_OF).case_id, 'C-\uFFFD-1');
  throwsRecobro(() => p.evaluate(c, AS_OF), (e) => {
    assert.equal(e.code, 'input.json');
    assert.equal(e.path, 'id');
  });
  // Bytes a caller passes are no case and no batch, as before: only the API's own
  // bytes are read as text.
  const bytes = new TextEncoder().encode(text);
  throwsRecobro(() => p.evaluateMany(bytes, AS_OF), (e) => assert.equal(e.path, 'cases'));
  throwsRecobro(() => p.report(bytes, AS_OF), (e) => assert.equal(e.path, 'cases'));
  throwsRecobro(() => p.report([c], AS_OF, { previous: bytes, previousAsOf: '2026-02-16T15:00:00Z' }),
    (e) => assert.equal(e.path, 'previous'));
  throwsRecobro(() => p.evaluateJson(bytes, AS_OF), (e) => assert.equal(e.code, 'input.invalid'));
  const [row] = p.evaluateMany([bytes], AS_OF);
  assert.equal(row.decision, undefined);
  assert.equal(row.error.code, 'input.invalid');
  // Nor are a caller's bytes read as a policy's options or a work queue's capacity.
  const encode = (t) => new TextEncoder().encode(t);
  throwsRecobro(() => new Policy('fn segment(c) { () }', encode('{"limits": {"max_operations": 5}}')),
    (e) => assert.ok(e.path?.startsWith('options'), e.path));
  throwsRecobro(() => p.queueText([c], AS_OF, encode('{"call": 1}'), 'json'),
    (e) => assert.ok(e.path?.startsWith('capacity'), e.path));
  // Values JSON.stringify refuses still reach the engine, which names the argument.
  throwsRecobro(() => p.evaluateJson(undefined, AS_OF), (e) => assert.equal(e.path, 'case'));
  throwsRecobro(() => p.evaluate({ id: 1n }, AS_OF), (e) => {
    assert.equal(e.path, 'case');
    assert.match(e.detail, /BigInt/);
  });
});

test('the browser build carries the zones of the countries whose law the engine knows', () => {
  const zones = r.timeZones();
  // Every zone of the compliance packs' and the statutory-interest countries, and UTC.
  for (const z of ['UTC', 'America/New_York', 'America/Anchorage', 'Pacific/Honolulu', 'America/Mexico_City',
    'America/Bogota', 'America/Guayaquil', 'America/Lima', 'America/Santiago', 'America/Sao_Paulo',
    'America/Manaus', 'Europe/London', 'Europe/Madrid', 'Atlantic/Canary', 'Europe/Berlin', 'Europe/Paris',
    'Europe/Amsterdam', 'Europe/Rome', 'Asia/Nicosia', 'US/Eastern']) {
    assert.ok(zones.includes(z), z);
  }
  assert.deepEqual(zones, [...zones].sort());
  // Any other zone is refused where it enters, by name, never decided in UTC.
  const p = Policy.default();
  for (const [mutate, path] of [
    [(c) => { c.debtor.timezone = 'Asia/Tokyo'; }, 'debtor.timezone'],
    [(c) => { c.debtor.alt_timezones = ['Europe/Madrid', 'Australia/Sydney']; }, 'debtor.alt_timezones[1]'],
  ]) {
    const c = sample('administrative');
    mutate(c);
    throwsRecobro(() => p.evaluate(c, AS_OF), (e) => {
      assert.equal(e.code, 'input.invalid');
      assert.equal(e.path, path);
      assert.match(e.detail, /^`(Asia\/Tokyo|Australia\/Sydney)` is not a time zone this build carries: the browser build carries only the zones of the countries whose law the engine knows/);
    });
  }
  assert.ok(!zones.includes('Asia/Tokyo'));
});

test('US territories and EU outermost regions are decided as the CLI decides them', () => {
  // Regulation F reaches the US territories, and EU law its outermost regions: the
  // browser build refused these zones while the CLI decided them (Guam under Reg F's hours).
  const p = Policy.default();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recobro-zones-'));
  try {
    for (const [jurisdiction, tz] of [['US', 'America/Puerto_Rico'], ['US', 'Pacific/Guam'],
      ['US', 'America/St_Thomas'], ['US', 'Pacific/Pago_Pago'], ['US', 'Pacific/Saipan'],
      ['FR', 'Indian/Reunion'], ['FR', 'Indian/Mayotte'], ['FR', 'America/Martinique'],
      ['FR', 'America/Guadeloupe'], ['FR', 'America/Cayenne'], ['FR', 'America/Marigot']]) {
      assert.ok(r.timeZones().includes(tz), tz);
      const c = sample('administrative');
      c.id = `Z-${tz}`;
      c.debtor.jurisdiction = jurisdiction;
      c.debtor.timezone = tz;
      const file = path.join(dir, 'case.json');
      fs.writeFileSync(file, JSON.stringify(c));
      const want = execFileSync(cli(), ['eval', file, '--as-of', AS_OF], { encoding: 'utf8' }).trim();
      assert.equal(p.evaluateJson(JSON.stringify(c), AS_OF), want, tz);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a cyclic or too deeply nested object is a RecobroError, not a RangeError', () => {
  const p = Policy.default();
  const c = sample('administrative');
  c.debtor.self = c;
  throwsRecobro(() => p.evaluate(c, AS_OF), (e) => assert.equal(e.path, 'case'));
  let deep = {};
  const root = deep;
  for (let i = 0; i < 200_000; i++) deep = deep.x = {};
  throwsRecobro(() => p.evaluate(root, AS_OF), (e) => assert.equal(e.code, 'input.invalid'));
});

test('a policy that does not compile throws policy.syntax at its line and column', () => {
  const src = 'fn segment(c) {\n  let x = 1;\n  x +\n}\n';
  throwsRecobro(() => new Policy(src), (e) => {
    assert.equal(e.code, 'policy.syntax');
    assert.equal(e.line, 4);
    assert.equal(typeof e.column, 'number');
    assert.match(e.message, /line 4/);
  });
  const diags = r.diagnose(src);
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'policy.syntax');
  assert.equal(diags[0].line, 4);
  assert.deepEqual(r.diagnose('fn segment(c) { "ok" }'), []);
});

test('host modules, limits and a runaway policy', () => {
  const p = new Policy('import "house" as h;\nfn segment(c) { h::name() }', {
    modules: { house: 'fn name() { "from-module" }' },
    limits: { max_operations: 50000 },
  });
  assert.equal(p.limits().max_operations, 50000);
  assert.equal(p.evaluate(sample('preventive'), AS_OF).segment, 'from-module');
  throwsRecobro(() => new Policy('import "missing" as m; fn segment(c) { "x" }'), (e) => assert.equal(e.code, 'policy.module'));
  throwsRecobro(() => new Policy('fn segment(c) { 1 }', { modulez: {} }), (e) => {
    assert.equal(e.code, 'input.invalid');
    assert.ok(e.path.startsWith('options'), e.path);
  });
  const loop = new Policy('fn segment(c) { let n = 0; loop { n += 1; } }', { limits: { max_operations: 10000 } });
  throwsRecobro(() => loop.evaluate(sample('preventive'), AS_OF), (e) => {
    assert.equal(e.code, 'limit.operations');
    assert.match(e.help, /max_operations/);
  });
  // The engine stays usable after the limit.
  assert.equal(p.evaluate(sample('preventive'), AS_OF).segment, 'from-module');
});

test('a host scorecard by name: the decision carries its score, and a bad one is thrown at its line', () => {
  const card = (bins, name = 'house') => JSON.stringify({
    name, version: '2.0.0', base: 100,
    characteristics: [{ id: 'dpd', fact: 'days_past_due', reason: 'Days past due', bins }],
    bands: [{ name: 'good', min: 150 }, { name: 'poor' }],
    calibration: { intercept: '-1', slope: '0.01', event: 'pays' },
  }, null, 2);
  const good = card([{ to: 30, points: 60 }, { from: 30, points: 0 }]);
  const source = 'fn segment(c) { c.score("house").band }';
  const p = new Policy(source, { scorecards: { house: good } });
  // Not overdue: the best bin, no reason code; 160 points, 1 / (1 + e^-0.6) = 0.645656.
  const current = p.evaluate(sample('preventive'), AS_OF);
  assert.equal(current.segment, 'good');
  assert.deepEqual(current.scores, [{ scorecard: 'house', version: '2.0.0', score: 160, band: 'good', probability: '0.645656', event: 'pays', reasons: [] }]);
  // Long overdue: 0 of the best 60 points is the reason code; 1 / (1 + e^0) = 0.5.
  const legal = p.evaluate(sample('legal'), AS_OF);
  assert.equal(legal.segment, 'poor');
  assert.deepEqual(legal.scores, [{
    scorecard: 'house', version: '2.0.0', score: 100, band: 'poor', probability: '0.5', event: 'pays',
    reasons: [{ characteristic: 'dpd', reason: 'Days past due', points: 0, best: 60 }],
  }]);
  // The same through a simulation's policy spec.
  const sim = r.simulate({ generate: 5, days: 2, policies: [{ source: `${source} fn actions(c) { [] }`, scorecards: { house: good } }] });
  assert.equal(sim.arms[0].kpis.cases, 5);

  // A gap between bins: thrown when the policy is built, at the bin's line in the card.
  const gap = card([{ to: 30, points: 60 }, { from: 40, points: 0 }]);
  // The bin `{"from": 40, ...}`: its opening brace's line and column.
  const at = gap.lastIndexOf('{', gap.indexOf('"from": 40'));
  const gapLine = gap.slice(0, at).split('\n').length;
  const gapColumn = at - gap.lastIndexOf('\n', at);
  assert.ok(gapLine > 1 && gapColumn > 1);
  for (const build of [
    () => new Policy(source, { scorecards: { house: gap } }),
    () => r.simulate({ generate: 5, days: 2, policies: [{ source, scorecards: { house: gap } }] }),
  ]) {
    throwsRecobro(build, (e) => {
      assert.equal(e.code, 'policy.contract');
      assert.equal(e.module, 'scorecards/house');
      assert.equal(e.line, gapLine);
      assert.equal(e.column, gapColumn);
      assert.match(e.detail, /values from 30 up to 40 fall in no bin/);
    });
  }
  // A card given under another name than its own.
  throwsRecobro(() => new Policy(source, { scorecards: { house: card([{ points: 1 }], 'other') } }), (e) => {
    assert.equal(e.code, 'policy.contract');
    assert.equal(e.module, 'scorecards/house');
    assert.match(e.detail, /named `other`/);
  });
  // A scorecard is JSON text, not an object.
  throwsRecobro(() => new Policy(source, { scorecards: { house: JSON.parse(good) } }), (e) => {
    assert.equal(e.code, 'input.invalid');
    assert.ok(e.path.startsWith('options'), e.path);
  });
});

test('evaluateMany keeps order and puts each error under its index', () => {
  const p = Policy.default();
  const bad = sample('legal');
  bad.debts[0].due_on = 'soon';
  const rows = p.evaluateMany([sample('preventive'), bad, JSON.stringify(sample('legal'))], AS_OF);
  assert.equal(rows.length, 3);
  assert.equal(rows[0].decision.case_id, 'C-PRE');
  assert.equal(rows[1].index, 1);
  assert.equal(rows[1].error.code, 'input.invalid');
  assert.equal(rows[1].error.path, '[1].debts[0].due_on');
  // The one flat error shape (recobro::host::row_json): absent fields left out.
  assert.deepEqual(Object.keys(rows[1].error).sort(), ['code', 'message', 'path']);
  // A thrown error's toJSON() is the same shape, with the plain message.
  try {
    p.evaluate(bad, AS_OF);
    assert.fail('a bad case throws');
  } catch (e) {
    assert.deepEqual(e.toJSON(), { ...rows[1].error, path: 'debts[0].due_on' });
    assert.equal(e.message, `input.invalid: debts[0].due_on: ${e.detail}`);
  }
  assert.equal(rows[2].decision.case_id, sample('legal').id);
  const ndjson = [sample('preventive'), sample('legal')].map((c) => JSON.stringify(c)).join('\n');
  assert.deepEqual(p.evaluateMany(ndjson, AS_OF).map((x) => x.decision.case_id), ['C-PRE', sample('legal').id]);
  assert.throws(() => p.evaluateMany([], 'yesterday'), (e) => e.path === 'as_of');
});

test('checkContact gives every rule with its citation and the next lawful instant', () => {
  const p = Policy.default();
  const c = sample('administrative');
  // 03:00 in Chicago is outside every contact window.
  const night = p.checkContact(c, 'call', '2026-03-16T08:00:00Z');
  assert.equal(night.allowed, false);
  assert.ok(night.rules.length > 0 && night.rules.every((x) => typeof x.citation === 'string'));
  assert.ok(night.next_allowed_at > '2026-03-16T08:00:00Z');
  const later = p.checkContact(c, 'call', night.next_allowed_at);
  assert.equal(later.allowed, true);
  throwsRecobro(() => p.checkContact(c, 'pigeon', AS_OF), (e) => assert.equal(e.path, 'channel'));
});

test('checkPlan lists the bounds a proposal breaks', () => {
  const p = Policy.default();
  const c = sample('extrajudicial');
  const ok = p.checkPlan(c, AS_OF, { down_payment: '0', installments: 3, frequency: 'monthly', first_due_on: '2026-04-01' });
  assert.equal(typeof ok.accepted, 'boolean');
  assert.equal(ok.schedule.installments.length, 3);
  assert.equal(typeof ok.schedule.installments[0].amount, 'string');
  const bad = p.checkPlan(c, AS_OF, { down_payment: '0', installments: 500, frequency: 'monthly', first_due_on: '2026-04-01' });
  assert.equal(bad.accepted, false);
  assert.ok(bad.broken.length > 0);
  throwsRecobro(() => p.checkPlan(c, AS_OF, { down_payment: 1.5, installments: 3, frequency: 'monthly', first_due_on: '2026-04-01' }),
    (e) => assert.equal(e.path, 'proposal.down_payment'));
});

test('simulate matches the native CLI exactly and reports progress', () => {
  const calls = [];
  const req = {
    generate: 60, days: 30, seed: 9,
    policies: [{}, { source: r.embeddedSource('consumer/digital_first') }],
  };
  const got = r.simulate(req, { onProgress: (done, total) => calls.push([done, total]) });
  assert.ok(calls.length > 0);
  assert.deepEqual(calls.at(-1), [120, 120]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recobro-sim-'));
  const challenger = path.join(dir, 'challenger.rhai');
  fs.writeFileSync(challenger, r.embeddedSource('consumer/digital_first'));
  const native = JSON.parse(execFileSync(cli(), ['simulate', '--generate', '60', '--days', '30', '--seed', '9',
    '--challenger', challenger, '--json'], { encoding: 'utf8' }));
  assert.deepEqual(got, native);
  assert.equal(got.arms.length, 2);
  assert.equal(got.arms[0].series.length, 30);
  throwsRecobro(() => r.simulate({ days: 0 }), (e) => assert.equal(e.path, 'request.days'));
  throwsRecobro(() => r.simulate({ policies: [{ source: 'fn segment(c) {' }] }), (e) => {
    assert.equal(e.code, 'policy.syntax');
    assert.match(e.detail, /^policies\[0\]/);
  });
  throwsRecobro(() => r.simulate({ dayz: 3 }), (e) => assert.equal(e.code, 'input.invalid'));
  // A policy that fails while the simulation runs is named too.
  throwsRecobro(() => r.simulate({ generate: 3, days: 2, policies: [{}, { source: 'fn segment(c) { throw "boom"; }' }] }), (e) => {
    assert.equal(e.code, 'policy.runtime');
    assert.match(e.detail, /^policies\[1\]: /);
    assert.equal(e.line, 1);
  });
});

test('a simulation split into parts and merged is the whole run, byte for byte', () => {
  const req = {
    generate: 40, days: 30, seed: 11,
    policies: [{}, { source: r.embeddedSource('consumer/digital_first') }],
  };
  const whole = JSON.stringify(r.simulate(req));
  for (const n of [1, 2, 3]) {
    const calls = [];
    const parts = Array.from({ length: n }, (_, i) =>
      r.simulatePart(req, i, n, { onProgress: (done, total) => calls.push([i, done, total]) }));
    assert.equal(typeof parts[0], 'string');
    assert.equal(JSON.stringify(r.mergeParts(parts)), whole, `${n} parts`);
    // Each part reports its own cases (both policies).
    assert.equal(calls.filter(([i, d, t]) => d === t).reduce((a, [, , t]) => a + t, 0), 80);
  }
  const two = [r.simulatePart(req, 0, 2), r.simulatePart(req, 1, 2)];
  throwsRecobro(() => r.mergeParts([two[1], two[0]]), (e) => assert.equal(e.path, 'parts'));
  throwsRecobro(() => r.mergeParts([two[0]]), (e) => assert.equal(e.path, 'parts'));
  throwsRecobro(() => r.simulatePart(req, 2, 2), (e) => assert.equal(e.path, 'request.part'));
});

test('the default response model is data, and a partial model keeps the other defaults', () => {
  const model = r.defaultResponseModel();
  assert.equal(model.report_currency, 'USD');
  assert.equal(typeof model.channels.call.reach_pct, 'string');
  const run = r.simulate({ generate: 4, days: 3, response_model: { report_currency: 'USD' } });
  assert.deepEqual(run.settings.response, model);
  const eur = r.simulate({ generate: 4, days: 3, response_model: { report_currency: 'EUR' } });
  assert.equal(eur.settings.response.report_currency, 'EUR');
  assert.deepEqual(eur.settings.response.channels, model.channels);
});

test('generatePortfolio is seeded and its cases evaluate', () => {
  const a = r.generatePortfolio(25, 7, AS_OF);
  assert.equal(a.length, 25);
  assert.deepEqual(a, r.generatePortfolio(25, 7n, new Date(AS_OF)));
  assert.notDeepEqual(a, r.generatePortfolio(25, 8, AS_OF));
  const rows = Policy.default().evaluateMany(a, AS_OF);
  assert.ok(rows.every((x) => x.decision));
  throwsRecobro(() => r.generatePortfolio(2, -1, AS_OF), (e) => assert.equal(e.path, 'seed'));
});

test('embedded policies and the version are reachable', () => {
  assert.ok(r.embeddedPaths().includes('consumer/policy'));
  assert.match(r.embeddedSource('consumer/policy'), /fn segment/);
  assert.equal(r.embeddedSource('nope/nothing'), undefined);
  assert.equal(Policy.embedded('b2b/policy').info().name, 'b2b-dunning');
  throwsRecobro(() => Policy.embedded('nope/nothing'), (e) => assert.equal(e.code, 'policy.module'));
  assert.match(r.version(), /^\d+\.\d+\.\d+/);
  assert.equal(r.faultCaseId(), undefined, 'the published package has no fault switch');
});

test('the typed API declares everything the generated wasm-bindgen glue exports', () => {
  // Generated by wasm-bindgen from the Rust exports; the package's api.d.ts is the
  // typed face of the same functions (`Policy.defaultPolicy` is `Policy.default`).
  const glue = fs.readFileSync(path.join(PKG, 'recobro_wasm.web.d.ts'), 'utf8');
  const api = fs.readFileSync(path.join(PKG, 'api.d.ts'), 'utf8');
  const internal = new Set(['__wbg_reset_state', '__wbg_init', 'start', 'initSync', 'default']);
  const fns = [...glue.matchAll(/^export (?:default )?function (\w+)/gm)].map((m) => m[1]).filter((f) => !internal.has(f));
  const cls = glue.slice(glue.indexOf('export class Policy'), glue.indexOf('\n}', glue.indexOf('export class Policy')));
  const methods = [...cls.matchAll(/^\s+(?:static )?(\w+)\(/gm)].map((m) => m[1])
    .map((m) => (m === 'defaultPolicy' ? 'default' : m));
  assert.ok(fns.length >= 7 && methods.length >= 10, `${fns} / ${methods}`);
  for (const f of fns) assert.match(api, new RegExp(`export declare function ${f}\\(`), `api.d.ts lacks ${f}`);
  for (const m of methods) assert.match(api, new RegExp(`\\b${m}\\(`), `api.d.ts lacks Policy.${m}`);
  // And the runtime API has them all.
  for (const f of fns) assert.equal(typeof r[f], 'function', f);
  for (const m of methods.filter((x) => x !== 'constructor')) {
    assert.equal(typeof (Policy[m] ?? Policy.prototype[m]), 'function', `Policy.${m}`);
  }
});

test('report: the delinquency report of test-data/report, figures worked by hand in core/tests/report.rs', () => {
  const dir = path.join(ROOT, 'test-data', 'report');
  const p = new Policy(fs.readFileSync(path.join(dir, 'policy.rhai'), 'utf8'));
  const current = JSON.parse(fs.readFileSync(path.join(dir, 'current.json'), 'utf8'));
  const previous = fs.readFileSync(path.join(dir, 'previous.ndjson'), 'utf8');
  const opts = { previous, previousAsOf: '2026-05-31T15:00:00Z' };
  const r = p.report(current, '2026-06-30T15:00:00Z', opts);
  assert.deepEqual(r.cases, { entries: 11, reported: 10, failed: 1, debts_aged: 11, debts_settled: 1 });
  assert.equal(r.errors[0].error.path, '[10].debts[0].due_on');
  const cop = r.aging.filter((a) => a.currency === 'COP' && a.debts > 0).map((a) => [a.bucket, a.debts, a.amount]);
  assert.deepEqual(cop, [['current', 2, '3000'], ['1-30', 2, '700'], ['31-60', 2, '1000'], ['61-90', 1, '700'], ['120+', 1, '800']]);
  assert.deepEqual(r.promises, { kept: 1, broken: 1, pending: 1 });
  const roll = r.comparison.roll_rates.find((x) => x.from === '31-60' && x.to === '61-90');
  assert.deepEqual([roll.debts, roll.rate], [2, '66.67']);
  assert.equal(r.comparison.cures.at(-1).rate, '14.29');
  assert.equal(r.comparison.cei[0].cei, '29.67');
  // The same bytes as the native CLI's JSON.
  const text = p.reportText(JSON.stringify(current), '2026-06-30T15:00:00Z', opts);
  assert.deepEqual(JSON.parse(text), r);
  const html = p.reportText(current, '2026-06-30T15:00:00Z', { ...opts, format: 'html' });
  assert.ok(html.startsWith('<!DOCTYPE html>') && !/https?:\/\//.test(html));
  assert.ok(p.reportText(current, '2026-06-30T15:00:00Z', { format: 'csv' }).startsWith('table,group,currency,bucket,to,measure,value\n'));
  throwsRecobro(() => p.report(current, '2026-06-30T15:00:00Z', { previous, previousAsOf: '2026-06-30T15:00:00Z' }),
    (e) => assert.equal(e.path, 'previous_as_of'));
  throwsRecobro(() => p.report(current, '2026-06-30T15:00:00Z', { previous: '[1,', previousAsOf: '2026-05-31T15:00:00Z' }),
    (e) => assert.equal(e.path, 'previous'));
  throwsRecobro(() => p.reportText(current, '2026-06-30T15:00:00Z', { format: 'pdf' }), (e) => assert.equal(e.path, 'format'));
});
