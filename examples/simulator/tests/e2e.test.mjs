// End-to-end test of the what-if simulator: serves target/simulator, drives Debian
// chromium through playwright-core, runs a 300-case simulation in the page (wasm, in
// a Web Worker) and checks its KPIs, exactly, against the same simulation run by the
// native CLI, and the case explorer's scores and best contact moments against
// `recobro eval` for the same case. Then checks the syntax-error display, takes
// screenshots and records timings. A second run with replications (a small portfolio
// and horizon) checks the intervals, verdicts, the collected band and the live test's
// size against the CLI's `--replications` run. A third edits the decision table in the
// page and checks that decisions and the simulation change exactly as the engine's
// Node package gives them with that table, and a table error at its line.
//   node --test examples/simulator/tests/e2e.test.mjs
// Needs: bindings/wasm/pkg (bash bindings/wasm/build.sh), target/{release,debug}/recobro,
// /usr/bin/chromium, and bindings/wasm/node_modules (playwright-core, uplot).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const sim = resolve(here, '..');
const root = resolve(sim, '../..');
const site = join(root, 'target/simulator');
// The native CLI the page's numbers are compared with (release or debug build).
const cli = [process.env.RECOBRO_CLI, join(root, 'target/release/recobro'), join(root, 'target/debug/recobro')]
  .find((p) => p && existsSync(p)) ?? join(root, 'target/release/recobro');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const N = 300;
const SEED = 42;
const DAYS = 60;
// The syntax error goes in as a new line here (inside `fn segment`, after its first line).
const ERROR_LINE = 19;
const CHANNELS = ['call', 'sms', 'email', 'whatsapp', 'letter', 'visit', 'push'];
// The run with replications: small, so it stays fast.
const REP_N = 60;
const REP_DAYS = 20;
const REPLICATIONS = 5;

const { chromium } = await import(
  pathToFileURL(join(root, 'bindings/wasm/node_modules/playwright-core/index.mjs')).href
);
// The engine's Node package: the decisions and the simulation with an edited decision
// table (the CLI has no option for host tables).
const recobro = await import(pathToFileURL(join(root, 'bindings/wasm/pkg/index.node.js')).href);

/** As the page's js/format.js shows an instant. */
const fmtInstant = (s) => String(s).replace('T', ' ').replace(/:00Z$/, 'Z');

let server;
let context;
let page;
let userDir;
let work;
const problems = [];
const timings = {};

function startServer() {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(sim, 'serve.mjs'), site, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolvePromise({ child, url: m[0] });
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited (${code}) before printing its URL`)));
  });
}

before(async () => {
  // Assemble the site when it is missing or older than the page sources or the package.
  const pageFiles = ['index.html', 'style.css', 'app.js', 'worker.js',
    ...readdirSync(join(sim, 'js')).filter((f) => f.endsWith('.js')).map((f) => `js/${f}`)];
  const tableFiles = readdirSync(join(root, 'rules/tables')).filter((f) => f.endsWith('.json'));
  const stale = pageFiles.some((f) =>
    !existsSync(join(site, f)) || statSync(join(sim, f)).mtimeMs > statSync(join(site, f)).mtimeMs) ||
    tableFiles.some((f) => !existsSync(join(site, 'tables', f)) ||
      statSync(join(root, 'rules/tables', f)).mtimeMs > statSync(join(site, 'tables', f)).mtimeMs) ||
    !existsSync(join(site, 'pkg/index.web.js')) ||
    statSync(join(root, 'bindings/wasm/pkg/recobro_wasm_bg.wasm')).mtimeMs > statSync(join(site, 'pkg/recobro_wasm_bg.wasm')).mtimeMs;
  if (stale) execFileSync('bash', [join(sim, 'assemble.sh')], { stdio: 'inherit' });
  assert.ok(existsSync(cli), `${cli} is missing (cargo build -p recobro-cli)`);
  server = await startServer();
  userDir = mkdtempSync(join(tmpdir(), 'recobro-e2e-chromium-'));
  work = mkdtempSync(join(tmpdir(), 'recobro-e2e-'));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('worker', (w) => w.on('console', (m) => {
    if (m.type() === 'error') problems.push(`worker console.error: ${m.text()}`);
  }));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
});

after(async () => {
  await context?.close();
  server?.child.kill();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the simulator matches the native CLI, shows syntax errors at their line, and renders cleanly at 1280x800', async () => {
  // Load and wait for the engine.
  await page.goto(server.url);
  await page.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
  assert.equal((await page.textContent('#status')).trim(), 'ready');
  timings.ready_ms = await page.evaluate(() => window.__recobroReadyMs);
  assert.equal(typeof timings.ready_ms, 'number');
  // Page load to interactive, reported (not asserted: speed is measured, not tested):
  // first paint, ready (the engine answered its first call and the editors hold the
  // policies), and both policies checked by the engine.
  await page.waitForFunction(() => window.__recobroCheckedMs !== undefined);
  Object.assign(timings, await page.evaluate(() => ({
    first_paint_ms: performance.getEntriesByName('first-paint')[0]?.startTime ?? null,
    checked_ms: window.__recobroCheckedMs,
  })));
  console.log(`page load: first paint ${Math.round(timings.first_paint_ms)} ms, ready ${Math.round(timings.ready_ms)} ms, ` +
    `policies checked ${Math.round(timings.checked_ms)} ms (headless Chromium, performance.now() from navigation start)`);
  // Every module of the page is preloaded by index.html (fetched at once, not level by level).
  const preloaded = await page.$$eval('link[rel="modulepreload"]', (ls) => ls.map((l) => l.getAttribute('href')));
  for (const f of readdirSync(join(sim, 'js')).filter((f) => f.endsWith('.js'))) {
    assert.ok(preloaded.includes(`js/${f}`), `index.html does not preload js/${f}`);
  }

  // The editors hold the shipped policies and compile.
  const champion = await page.inputValue('#champion-editor');
  const challenger = await page.inputValue('#challenger-editor');
  assert.match(champion, /consumer-default/);
  assert.match(challenger, /consumer-digital-first/);
  await page.waitForSelector('#champion-error[data-state="ok"]');
  await page.waitForSelector('#challenger-error[data-state="ok"]');

  // The scenario.
  await page.fill('#cases-n', String(N));
  await page.fill('#seed', String(SEED));
  await page.fill('#days', String(DAYS));
  await page.waitForSelector('#run:not([disabled])');

  const t0 = Date.now();
  await page.click('#run');
  await page.waitForSelector('#kpi-table[data-run="1"]', { timeout: 300_000 });
  timings.simulate_wall_ms = Date.now() - t0;
  for (const id of ['chart-collected', 'chart-channels', 'chart-blocked']) {
    await page.waitForSelector(`#${id} canvas`);
    const box = await page.locator(`#${id} canvas`).boundingBox();
    assert.ok(box && box.width > 200 && box.height > 150, `#${id} canvas is ${JSON.stringify(box)}`);
  }
  const lastRun = await page.evaluate(() => window.__recobroLastRun);
  timings.simulate_worker_ms = lastRun.ms;
  // One part per core (navigator.hardwareConcurrency), merged by the engine: the KPIs
  // below are compared with the native CLI's whole run.
  timings.simulate_workers = lastRun.workers;
  assert.equal(lastRun.workers, await page.evaluate(() => Math.min(16, navigator.hardwareConcurrency || 1)));
  const progress = await page.evaluate(() => {
    const p = document.querySelector('#progress');
    return { value: p.value, max: p.max };
  });
  assert.equal(progress.value, progress.max);
  assert.ok(progress.max >= N, `progress total ${progress.max}`);

  // The exact KPI values from the table.
  const cells = await page.$$eval('#kpi-table td[data-kpi]', (tds) =>
    tds.map((td) => ({ kpi: td.dataset.kpi, arm: td.dataset.arm, value: td.dataset.value, text: td.textContent })));
  const table = new Map(cells.map((c) => [`${c.arm}/${c.kpi}`, c]));

  // The same simulation, natively.
  const champFile = join(work, 'champion.rhai');
  const challFile = join(work, 'challenger.rhai');
  writeFileSync(champFile, champion);
  writeFileSync(challFile, challenger);
  const c0 = Date.now();
  const { stdout } = await promisify(execFile)(cli, [
    'simulate', '--generate', String(N), '--seed', String(SEED), '--days', String(DAYS), '--json',
    '--policy', champFile, '--challenger', challFile,
  ], { maxBuffer: 256 * 1024 * 1024 });
  timings.cli_ms = Date.now() - c0;
  const native = JSON.parse(stdout);
  assert.equal(native.arms.length, 2);
  assert.equal(native.arms[0].kpis.cases, N);

  const expected = [
    ['champion', native.arms[0].kpis],
    ['challenger', native.arms[1].kpis],
    ['difference', native.arms[1].vs_champion],
  ];
  let compared = 0;
  for (const [arm, kpis] of expected) {
    for (const [key, value] of Object.entries(kpis)) {
      if (key === 'contacts') {
        value.forEach((v, i) => {
          const cell = table.get(`${arm}/contacts.${CHANNELS[i]}`);
          assert.ok(cell, `no ${arm} cell for contacts.${CHANNELS[i]}`);
          assert.equal(cell.value, String(v), `${arm} contacts.${CHANNELS[i]}`);
          compared++;
        });
        continue;
      }
      const cell = table.get(`${arm}/${key}`);
      assert.ok(cell, `no ${arm} cell for ${key}`);
      assert.equal(cell.value, String(value), `${arm} ${key}`);
      assert.ok(cell.text.trim().length > 0, `${arm} ${key} shows nothing`);
      compared++;
    }
  }
  timings.kpi_values_compared = compared;
  // The headline numbers really are there (and not trivially zero).
  assert.notEqual(table.get('champion/collected').value, '0');
  assert.notEqual(table.get('challenger/collected').value, '0');

  // The case explorer shows a decision for a case of the portfolio.
  await page.waitForSelector('#case-explorer[data-case-id] .facts');
  const explorer = await page.textContent('#case-explorer');
  assert.match(explorer, /segment/);
  assert.match(explorer, /Candidates|No action|Next action/);
  // Step to the first case with a blocked candidate (compliance verdict with its rule).
  let blocked = 0;
  for (let i = 0; i < 40 && blocked === 0; i++) {
    blocked = await page.locator('#decision tr[data-verdict="blocked"]').count();
    if (blocked === 0) {
      const before = await page.getAttribute('#case-explorer', 'data-case-id');
      await page.click('#case-next');
      await page.waitForFunction((b) => document.querySelector('#case-explorer').dataset.caseId !== b, before);
    }
  }
  assert.ok(blocked > 0, 'no case with a blocked candidate among the first 40');
  const rule = await page.textContent('#decision tr[data-verdict="blocked"] li.rule.blocked');
  assert.ok(rule.trim().length > 0);

  // The same case's scores, as `recobro eval` gives them: the champion (the shipped
  // consumer policy) takes its risk band from the behavioural scorecard, so its
  // decision carries that score, band, probability with its event, and reason codes.
  const explored = await page.getAttribute('#case-explorer', 'data-case-id');
  assert.equal(await page.getAttribute('#case-explorer', 'data-arm'), 'champion');
  const shown = await page.$$eval('#decision .score', (els) => els.map((el) => ({
    scorecard: el.dataset.scorecard, score: el.dataset.score, band: el.dataset.band,
    probability: el.dataset.probability ?? null, text: el.querySelector('.score-head').textContent,
    value: el.querySelector('.score-value').textContent,
    bandBadge: el.querySelector('.score-band .badge')?.textContent ?? null,
    reasons: [...el.querySelectorAll('tr.reason')].map((tr) => ({
      characteristic: tr.dataset.characteristic, points: tr.dataset.points, best: tr.dataset.best,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
    })),
  })));
  const caseJson = await page.textContent('#decision details.case-json pre');
  const caseFile = join(work, 'explored-case.json');
  writeFileSync(caseFile, caseJson);
  assert.equal(JSON.parse(caseJson).id, explored);
  const evalOut = await promisify(execFile)(cli, [
    'eval', '--policy', champFile, '--as-of', await page.inputValue('#start'), caseFile,
  ], { maxBuffer: 16 * 1024 * 1024 });
  const nativeDecision = JSON.parse(evalOut.stdout.trim().split('\n')[0]);
  assert.equal(nativeDecision.case_id, explored);
  const nativeScore = nativeDecision.scores?.find((x) => x.scorecard === 'behavioural');
  assert.ok(nativeScore, `recobro eval gives no behavioural score for ${explored}`);
  assert.ok(nativeScore.reasons.length > 0, `recobro eval gives no reason code for ${explored}`);
  assert.equal(shown.length, nativeDecision.scores.length, 'one score shown per scorecard called');
  const score = shown.find((x) => x.scorecard === 'behavioural');
  assert.ok(score, `the explorer shows no behavioural score for ${explored}`);
  assert.deepEqual({ score: score.score, band: score.band, probability: score.probability },
    { score: String(nativeScore.score), band: nativeScore.band, probability: nativeScore.probability });
  assert.equal(score.bandBadge, nativeScore.band);
  assert.equal(score.value, `score ${nativeScore.score}`);
  assert.ok(score.text.includes(`(${nativeScore.probability})`), score.text);
  assert.ok(score.text.includes(nativeScore.event), `the event is not shown: ${score.text}`);
  assert.deepEqual(score.reasons.map((r) => ({ characteristic: r.characteristic, points: Number(r.points), best: Number(r.best) })),
    nativeScore.reasons.map((r) => ({ characteristic: r.characteristic, points: r.points, best: r.best })),
    'the reason codes, in order');
  nativeScore.reasons.forEach((r, i) => {
    assert.deepEqual(score.reasons[i].cells, [r.characteristic, r.reason, String(r.points), String(r.best), `−${r.best - r.points}`]);
  });
  timings.explored_score = { case_id: explored, score: nativeScore.score, band: nativeScore.band, reasons: nativeScore.reasons.length };

  // The best contact moment (the shipped policy's `contact_timing()`): step to a case
  // whose next action has one, and compare it, its evidence and every candidate's with
  // `recobro eval` on the same case.
  let withBest = 0;
  for (let i = 0; i < 60 && withBest === 0; i++) {
    withBest = await page.locator('#decision .action .best').count();
    if (withBest === 0) {
      const before = await page.getAttribute('#case-explorer', 'data-case-id');
      await page.click('#case-next');
      await page.waitForFunction((b) => document.querySelector('#case-explorer').dataset.caseId !== b, before);
    }
  }
  assert.ok(withBest > 0, 'no case whose next action has a best moment among the next 60');
  const bestCase = await page.getAttribute('#case-explorer', 'data-case-id');
  const actionBest = await page.$eval('#decision .action .best', (el) => ({ ...el.dataset, text: el.textContent }));
  const candidateBest = await page.$$eval('#decision table.candidates tbody tr', (trs) => trs.map((tr) => {
    const b = tr.querySelector('.best');
    return b ? { ...b.dataset } : null;
  }));
  const bestCaseFile = join(work, 'best-case.json');
  writeFileSync(bestCaseFile, await page.textContent('#decision details.case-json pre'));
  const bestOut = await promisify(execFile)(cli, [
    'eval', '--policy', champFile, '--as-of', await page.inputValue('#start'), bestCaseFile,
  ], { maxBuffer: 16 * 1024 * 1024 });
  const bestDecision = JSON.parse(bestOut.stdout.trim().split('\n')[0]);
  assert.equal(bestDecision.case_id, bestCase);
  const slotData = (x) => (x.best_at == null ? null : {
    bestAt: x.best_at, rate: x.best_slot.rate, localHour: String(x.best_slot.local_hour), weekday: x.best_slot.weekday,
    attempts: String(x.best_slot.attempts), rightParty: String(x.best_slot.right_party), prior: x.best_slot.prior,
    priorRate: x.best_slot.prior_rate, priorWeight: x.best_slot.prior_weight, slotsChecked: String(x.best_slot.slots_checked),
  });
  const { text: bestText, ...bestData } = actionBest;
  assert.ok(bestDecision.action?.best_at, `recobro eval gives no best_at for ${bestCase}`);
  assert.deepEqual(bestData, slotData(bestDecision.action), 'the next action\'s best moment and its evidence');
  assert.deepEqual(candidateBest, bestDecision.candidates.map(slotData), 'every candidate\'s best moment, in order');
  const slot = bestDecision.action.best_slot;
  for (const part of [`best at ${fmtInstant(bestDecision.action.best_at)}`, `${String(slot.local_hour).padStart(2, '0')}:00 local`,
    slot.attempts === 0 ? 'no attempt at that hour' : `${slot.right_party} of ${slot.attempts} attempt`,
    `prior ${slot.prior}`, `weighing ${slot.prior_weight} attempt`,
    `${slot.slots_checked} slot`]) {
    assert.ok(bestText.includes(part), `the best moment shows no \`${part}\`: ${bestText}`);
  }
  timings.explored_best = { case_id: bestCase, best_at: bestDecision.action.best_at, rate: slot.rate };

  // Nothing overflows horizontally at 1280 wide: not the page, not a card.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page overflows horizontally by ${overflow}px`);
  const spilled = await page.$$eval('.card, .panel, .editor-card', (els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => `${e.id || e.className}: ${e.scrollWidth} > ${e.clientWidth}`));
  assert.deepEqual(spilled, [], 'content wider than its card');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(site, 'e2e-viewport.png') });
  await page.screenshot({ path: join(site, 'e2e-results.png'), fullPage: true });
  // The case explorer alone: the explored case's decision with its behavioural score
  // (the sticky top bar hidden while it is taken, so it does not cover the card).
  await page.locator('#case-explorer').screenshot({ path: join(site, 'e2e-explorer.png'), style: '.topbar { visibility: hidden; }' });

  // A syntax error in the challenger: shown under the editor at its line, and in the gutter.
  const lines = challenger.split('\n');
  lines.splice(ERROR_LINE - 1, 0, '    let = 5;');
  await page.fill('#challenger-editor', lines.join('\n'));
  await page.waitForSelector('#challenger-error[data-state="error"]', { timeout: 10_000 });
  const errText = (await page.textContent('#challenger-error')).trim();
  assert.match(errText, new RegExp(`^line ${ERROR_LINE}, column \\d+: `), errText);
  assert.doesNotMatch(errText, /\b(null|undefined)\b/, errText);
  assert.equal(await page.getAttribute('#challenger-error', 'data-line'), String(ERROR_LINE));
  assert.equal(await page.locator(`#challenger-editor-wrap .gutter [data-line="${ERROR_LINE}"].error`).count(), 1);
  assert.equal(await page.locator('#challenger-editor-wrap .gutter .error').count(), 1);
  assert.equal((await page.textContent('#champion-error')).trim(), '');
  assert.ok(await page.isDisabled('#run'), 'Run stays enabled with a broken policy');
  timings.syntax_error = errText;

  // Clicking the message goes to the error: the highlighted line scrolls into view.
  await page.click('#challenger-error');
  const hl = await page.evaluate(() => {
    const ta = document.querySelector('#challenger-editor');
    const line = ta.value.slice(0, ta.selectionStart).split('\n').length;
    const box = document.querySelector('#challenger-editor-wrap .line-hl').getBoundingClientRect();
    const area = ta.getBoundingClientRect();
    return { line, inside: !document.querySelector('#challenger-editor-wrap .line-hl').hidden && box.top >= area.top && box.bottom <= area.bottom };
  });
  assert.equal(hl.line, ERROR_LINE);
  assert.ok(hl.inside, 'the highlighted error line is not in view');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(site, 'e2e.png'), fullPage: true });

  // Fixing it clears the error.
  await page.fill('#challenger-editor', challenger);
  await page.waitForSelector('#challenger-error[data-state="ok"]', { timeout: 10_000 });
  assert.equal(await page.locator('#challenger-editor-wrap .gutter .error').count(), 0);

  assert.deepEqual(problems, [], 'page errors, console errors or failed requests');

  timings.user_agent = await page.evaluate(() => navigator.userAgent);
  timings.cases = N;
  timings.days = DAYS;
  timings.seed = SEED;
  writeFileSync(join(site, 'e2e-timings.json'), JSON.stringify(timings, null, 2) + '\n');
  console.log('timings', timings);
});

test('with replications: every interval, verdict and the collected band as the CLI gives them, and the live test in words', async () => {
  // Runs after the first test (the same page; the editors hold the shipped policies).
  await page.waitForSelector('#kpi-table[data-run="1"]');
  await page.waitForSelector('#challenger-error[data-state="ok"]');
  const champion = await page.inputValue('#champion-editor');
  const challenger = await page.inputValue('#challenger-editor');

  // A bad replications count is marked and blocks the run.
  await page.fill('#replications', '0');
  assert.ok(await page.evaluate(() => document.querySelector('#replications').classList.contains('invalid')));
  await page.fill('#replications', String(REPLICATIONS));
  assert.ok(!(await page.evaluate(() => document.querySelector('#replications').classList.contains('invalid'))));
  await page.fill('#cases-n', String(REP_N));
  await page.fill('#days', String(REP_DAYS));
  await page.waitForSelector('#run:not([disabled])');
  await page.click('#run');
  await page.waitForSelector('#kpi-table[data-run="2"]', { timeout: 300_000 });

  // Through the worker pool (parts merged by the engine), every replication counted.
  const lastRun = await page.evaluate(() => window.__recobroLastRun);
  assert.equal(lastRun.replications, REPLICATIONS);
  assert.equal(lastRun.workers, await page.evaluate(() => Math.min(16, navigator.hardwareConcurrency || 1)));
  const progress = await page.evaluate(() => ({ value: document.querySelector('#progress').value, max: document.querySelector('#progress').max }));
  assert.deepEqual(progress, { value: REP_N * 2 * REPLICATIONS, max: REP_N * 2 * REPLICATIONS });

  const champFile = join(work, 'champion-rep.rhai');
  const challFile = join(work, 'challenger-rep.rhai');
  writeFileSync(champFile, champion);
  writeFileSync(challFile, challenger);
  const { stdout } = await promisify(execFile)(cli, [
    'simulate', '--generate', String(REP_N), '--seed', String(SEED), '--days', String(REP_DAYS),
    '--replications', String(REPLICATIONS), '--json', '--policy', champFile, '--challenger', challFile,
  ], { maxBuffer: 256 * 1024 * 1024 });
  const native = JSON.parse(stdout);
  const u = native.uncertainty;
  assert.equal(u.replications, REPLICATIONS);
  assert.equal(u.arms.length, 2);

  const cells = await page.$$eval('#kpi-table td[data-kpi]', (tds) => tds.map((td) => {
    const ci = td.querySelector('.ci');
    const verdict = td.querySelector('.verdict');
    return {
      kpi: td.dataset.kpi, arm: td.dataset.arm, value: td.dataset.value,
      ci: ci ? { estimate: ci.dataset.estimate, lo: ci.dataset.lo, hi: ci.dataset.hi, text: ci.textContent } : null,
      verdict: verdict ? { value: verdict.dataset.verdict, text: verdict.textContent } : null,
      good: td.classList.contains('good'), bad: td.classList.contains('bad'),
    };
  }));
  const table = new Map(cells.map((c) => [`${c.arm}/${c.kpi}`, c]));
  // The values are still the run with the request's seed.
  for (const [arm, kpis] of [['champion', native.arms[0].kpis], ['challenger', native.arms[1].kpis], ['difference', native.arms[1].vs_champion]]) {
    for (const [key, value] of Object.entries(kpis)) {
      if (key === 'contacts') continue;
      assert.equal(table.get(`${arm}/${key}`)?.value, String(value), `${arm} ${key}`);
    }
  }
  // Each KPI's mean and 95% interval per policy, exactly.
  let intervals = 0;
  for (const [i, arm] of [[0, 'champion'], [1, 'challenger']]) {
    for (const k of u.arms[i].kpis) {
      const cell = table.get(`${arm}/${k.kpi}`);
      assert.ok(cell?.ci, `no interval for ${arm} ${k.kpi}`);
      assert.deepEqual({ estimate: cell.ci.estimate, lo: cell.ci.lo, hi: cell.ci.hi }, { estimate: k.estimate, lo: k.lo, hi: k.hi }, `${arm} ${k.kpi}`);
      assert.match(cell.ci.text, /\(.+ to .+\)/, `${arm} ${k.kpi}: ${cell.ci.text}`);
      intervals++;
    }
  }
  // Each difference with its interval and verdict, coloured only when better or worse.
  const verdicts = new Set();
  assert.ok(u.arms[1].vs_champion.length >= 10);
  for (const d of u.arms[1].vs_champion) {
    const cell = table.get(`difference/${d.kpi}`);
    assert.ok(cell?.ci && cell.verdict, `no interval or verdict for the difference in ${d.kpi}`);
    assert.deepEqual({ estimate: cell.ci.estimate, lo: cell.ci.lo, hi: cell.ci.hi }, { estimate: d.estimate, lo: d.lo, hi: d.hi }, d.kpi);
    assert.equal(cell.verdict.value, d.verdict, d.kpi);
    assert.equal(cell.verdict.text, d.verdict.replace('_', ' '), d.kpi);
    assert.equal(cell.good, d.verdict === 'better', `${d.kpi} coloured good`);
    assert.equal(cell.bad, d.verdict === 'worse', `${d.kpi} coloured bad`);
    verdicts.add(d.verdict);
    intervals++;
  }
  assert.ok(await page.isVisible('#kpi-note'));
  assert.match(await page.textContent('#kpi-note'), new RegExp(`mean over ${REPLICATIONS} replications`));

  // The collected chart: each policy's mean and 95% band, from `collected_band`.
  await page.waitForSelector('#chart-collected canvas');
  const chart = await page.evaluate(async () => (await import('./js/charts.js')).chartData('chart-collected'));
  assert.equal(chart.data.length, 1 + 3 * 2);
  assert.deepEqual(chart.data[0], [...Array(REP_DAYS).keys()]);
  for (const i of [0, 1]) {
    const band = u.arms[i].collected_band;
    assert.equal(band.length, REP_DAYS);
    assert.deepEqual(chart.data[1 + 3 * i], band.map((b) => Number(b.estimate)));
    assert.deepEqual(chart.data[2 + 3 * i], band.map((b) => Number(b.hi)));
    assert.deepEqual(chart.data[3 + 3 * i], band.map((b) => Number(b.lo)));
    assert.ok(band.some((b) => b.lo !== b.hi), 'the band has a width');
  }
  assert.deepEqual(chart.bands, [[2, 3], [5, 6]]);
  const legend = await page.textContent('#chart-collected .u-legend');
  for (const label of ['Champion mean', 'Champion 95% high', 'Champion 95% low', 'Challenger mean', 'Challenger 95% low']) {
    assert.ok(legend.includes(label), `legend lacks ${label}: ${legend}`);
  }
  assert.match(await page.textContent('#collected-note'), /95% band/);

  // The live test's size, in words.
  assert.ok(await page.isVisible('#live-test'));
  const live = await page.textContent('#live-test');
  assert.match(live, /50\/50/);
  assert.match(live, /5%/);
  assert.match(live, /80%/);
  const items = await page.$$eval('#live-test li', (lis) => lis.map((li) => ({ metric: li.dataset.metric, per: li.dataset.casesPerArm ?? null, text: li.textContent })));
  assert.equal(items.length, u.arms[1].live_test.length);
  u.arms[1].live_test.forEach((t, i) => {
    assert.equal(items[i].metric, t.metric);
    if (t.cases_per_arm == null) {
      assert.match(items[i].text, /no live test size/);
    } else {
      assert.equal(items[i].per, String(t.cases_per_arm));
      assert.ok(items[i].text.includes(`${t.cases_per_arm.toLocaleString('en-US')} cases per arm`), items[i].text);
      assert.ok(items[i].text.includes(`${t.cases_total.toLocaleString('en-US')} in all`), items[i].text);
    }
  });

  // Nothing overflows with the wider table.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page overflows horizontally by ${overflow}px`);
  const spilled = await page.$$eval('.card, .panel, .editor-card', (els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => `${e.id || e.className}: ${e.scrollWidth} > ${e.clientWidth}`));
  assert.deepEqual(spilled, [], 'content wider than its card');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(site, 'e2e-replications.png'), fullPage: true });

  // Back to one replication: no intervals, the plain chart.
  await page.fill('#replications', '1');
  await page.click('#run');
  await page.waitForSelector('#kpi-table[data-run="3"]', { timeout: 300_000 });
  assert.equal(await page.locator('#kpi-table .ci').count(), 0);
  assert.equal(await page.locator('#kpi-table .verdict').count(), 0);
  assert.ok(!(await page.isVisible('#live-test')));
  const plain = await page.evaluate(async () => (await import('./js/charts.js')).chartData('chart-collected'));
  assert.equal(plain.data.length, 3);
  assert.deepEqual(plain.bands, []);

  assert.deepEqual(problems, [], 'page errors, console errors or failed requests');
  console.log(`replications: ${intervals} intervals compared, verdicts ${[...verdicts].join(', ')}`);
});

test('the decision table is editable: an edited row changes decisions and the simulation exactly as the engine gives them, and a table error shows at its line', async () => {
  // Runs after the other tests (the same page; the last run: REP_N cases × REP_DAYS
  // days, one replication, the shipped tables).
  await page.waitForSelector('#kpi-table[data-run="3"]');
  const champion = await page.inputValue('#champion-editor');
  const challenger = await page.inputValue('#challenger-editor');
  const start = await page.inputValue('#start');
  const shipped = readFileSync(join(root, 'rules/tables/consumer_treatment.json'), 'utf8');
  const stages = readFileSync(join(root, 'rules/tables/collection_stage.json'), 'utf8');

  // The editor holds the embedded tables, byte for byte, as shipped.
  assert.equal(await page.inputValue('#table-editor'), shipped);
  assert.equal(await page.inputValue('#table-select'), 'consumer_treatment');
  assert.equal((await page.textContent('#table-name')).trim(), 'as shipped');
  assert.equal(await page.getAttribute('#table-error', 'data-state'), 'ok');
  await page.selectOption('#table-select', 'collection_stage');
  assert.equal(await page.inputValue('#table-editor'), stages);
  await page.selectOption('#table-select', 'consumer_treatment');
  assert.equal(await page.inputValue('#table-editor'), shipped);
  await page.waitForSelector('#table-error[data-state="ok"]');

  // Edit a row: days past due 1 to 60 (not caught by an earlier row) get the email
  // notice instead of the collection call.
  const from = '{"when": {"dpd": "1..60"}, "then": {"treatment": "collection_call"}}';
  assert.ok(shipped.includes(from), 'the shipped table has the collection call row');
  const edited = shipped.replace(from, '{"when": {"dpd": "1..60"}, "then": {"treatment": "email_notice"}}');
  const tables = { consumer_treatment: edited };

  // The case explorer on the first case of the portfolio the `collection_call` row
  // decides for the champion (the portfolio the worker generated, as the engine's Node
  // package generates it).
  const portfolio = recobro.generatePortfolio(REP_N, SEED, start);
  const shippedPolicy = new recobro.Policy(champion);
  const theCase = portfolio.find((c) => shippedPolicy.evaluate(c, start).action?.template === 'collection_call');
  assert.ok(theCase, 'no case whose champion action is a collection call');
  const caseId = theCase.id;
  await page.check('input[name="explorer-arm"][value="0"]');
  await page.fill('#case-id', caseId);
  await page.press('#case-id', 'Enter');
  await page.waitForSelector(`#case-explorer[data-case-id="${caseId}"][data-arm="champion"] #decision .action[data-template="collection_call"]`);
  assert.deepEqual(JSON.parse(await page.textContent('#decision details.case-json pre')), theCase);

  await page.fill('#table-editor', edited);
  await page.waitForSelector('#table-error[data-state="ok"]');
  await page.waitForFunction(() => document.querySelector('#table-name').textContent.startsWith('edited'));
  assert.equal(await page.getAttribute('#table-card', 'data-edited'), 'consumer_treatment');
  assert.ok(await page.isEnabled('#table-reset'));
  assert.ok(await page.isVisible('#results-stale'), 'a table edit marks the results stale');

  // The explorer's decision changes, to the engine's with the edited table.
  const expected = new recobro.Policy(champion, { tables }).evaluate(theCase, start);
  const shippedDecision = shippedPolicy.evaluate(theCase, start);
  assert.equal(shippedDecision.action?.template, 'collection_call');
  assert.notDeepEqual(expected.action, shippedDecision.action, 'the edited row changes the decision');
  await page.waitForFunction(() => !document.querySelector('#decision .action[data-template="collection_call"]') &&
    !document.querySelector('#decision').classList.contains('busy'));
  assert.equal(await page.getAttribute('#case-explorer', 'data-case-id'), caseId);
  if (expected.action) {
    const shown = await page.$eval('#decision .action', (el) => ({ ...el.dataset }));
    assert.deepEqual(shown, {
      kind: expected.action.kind, ...(expected.action.channel ? { channel: expected.action.channel } : {}),
      ...(expected.action.template ? { template: expected.action.template } : {}),
    });
  } else {
    await page.waitForSelector('#decision .action.none');
  }
  const candidates = await page.$$eval('#decision table.candidates tbody tr', (trs) => trs.map((tr) => tr.querySelector('td:nth-child(2) strong').textContent));
  assert.deepEqual(candidates, expected.candidates.map((c) => (c.kind === 'contact' ? c.channel : c.kind.replace(/_/g, ' '))));

  // The simulation runs with the edited table: every KPI as the engine's Node package
  // gives it with the table, and the champion's contacts change.
  const beforeRun = new Map((await page.$$eval('#kpi-table td[data-kpi]', (tds) =>
    tds.map((td) => [`${td.dataset.arm}/${td.dataset.kpi}`, td.dataset.value]))));
  await page.waitForSelector('#run:not([disabled])');
  await page.click('#run');
  await page.waitForSelector('#kpi-table[data-run="4"]', { timeout: 300_000 });
  const lastRun = await page.evaluate(() => window.__recobroLastRun);
  assert.deepEqual(lastRun.tables, ['consumer_treatment']);
  assert.match(await page.textContent('#run-info'), /with the edited table consumer_treatment/);
  const cells = new Map((await page.$$eval('#kpi-table td[data-kpi]', (tds) =>
    tds.map((td) => [`${td.dataset.arm}/${td.dataset.kpi}`, td.dataset.value]))));
  const model = await page.evaluate(() => JSON.parse(document.querySelector('#model-json').value));
  const request = {
    generate: REP_N, seed: SEED, days: REP_DAYS, start, response_model: model, replications: 1,
    policies: [{ source: champion, tables }, { source: challenger, tables }],
  };
  const native = recobro.simulate(request);
  const shippedNative = recobro.simulate({ ...request, policies: [{ source: champion }, { source: challenger }] });
  let compared = 0;
  for (const [arm, kpis] of [['champion', native.arms[0].kpis], ['challenger', native.arms[1].kpis], ['difference', native.arms[1].vs_champion]]) {
    for (const [key, value] of Object.entries(kpis)) {
      if (key === 'contacts') {
        value.forEach((v, i) => {
          assert.equal(cells.get(`${arm}/contacts.${CHANNELS[i]}`), String(v), `${arm} contacts.${CHANNELS[i]}`);
          compared++;
        });
      } else {
        assert.equal(cells.get(`${arm}/${key}`), String(value), `${arm} ${key}`);
        compared++;
      }
    }
  }
  // The run before the edit was the shipped tables' (as the engine gives it), and the
  // edit changed the champion's contacts: fewer calls, more emails.
  shippedNative.arms[0].kpis.contacts.forEach((v, i) => assert.equal(beforeRun.get(`champion/contacts.${CHANNELS[i]}`), String(v)));
  const idx = (ch) => CHANNELS.indexOf(ch);
  assert.ok(native.arms[0].kpis.contacts[idx('call')] < shippedNative.arms[0].kpis.contacts[idx('call')], 'fewer calls with the edited table');
  assert.ok(native.arms[0].kpis.contacts[idx('email')] > shippedNative.arms[0].kpis.contacts[idx('email')], 'more emails with the edited table');
  assert.notEqual(cells.get('champion/contacts.call'), beforeRun.get('champion/contacts.call'));

  // A row never reached (a copy of the row before it): the table does not compile;
  // the error is shown under the table at the row's line (module tables/consumer_treatment),
  // in the gutter, and Run is disabled.
  const lines = edited.split('\n');
  const rowAt = lines.findIndex((l) => l.includes('{"when": {"dpd": "..1"}')) + 1;
  assert.ok(rowAt > 0);
  lines.splice(rowAt, 0, lines[rowAt - 1]);
  const errorLine = rowAt + 1;
  await page.fill('#table-editor', lines.join('\n'));
  await page.waitForSelector('#table-error[data-state="error"]', { timeout: 10_000 });
  const errText = (await page.textContent('#table-error')).trim();
  assert.equal(await page.getAttribute('#table-error', 'data-module'), 'tables/consumer_treatment');
  assert.equal(await page.getAttribute('#table-error', 'data-line'), String(errorLine), errText);
  assert.match(errText, new RegExp(`^in module \`tables/consumer_treatment\`, line ${errorLine}\\b`), errText);
  assert.match(errText, /\(policy\.contract\)/, errText);
  assert.equal(await page.locator(`#table-editor-wrap .gutter [data-line="${errorLine}"].error`).count(), 1);
  await page.waitForFunction(() => document.querySelector('#run').disabled && /decision table/.test(document.querySelector('#run-info').textContent));
  await page.waitForSelector('#champion-error[data-state="error"][data-module="tables/consumer_treatment"]');
  assert.match(await page.textContent('#decision'), /decision table does not compile/);
  timings.table_error = errText;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator('#table-card').screenshot({ path: join(site, 'e2e-table.png'), style: '.topbar { visibility: hidden; }' });

  // Reset: the shipped table again, and the shipped decision.
  await page.click('#table-reset');
  await page.waitForSelector('#table-error[data-state="ok"]');
  assert.equal(await page.inputValue('#table-editor'), shipped);
  await page.waitForFunction(() => document.querySelector('#table-name').textContent === 'as shipped');
  await page.waitForSelector('#champion-error[data-state="ok"]');
  await page.waitForSelector('#decision .action[data-template="collection_call"]');
  assert.ok(await page.isEnabled('#run'));

  assert.deepEqual(problems, [], 'page errors, console errors or failed requests');
  writeFileSync(join(site, 'e2e-timings.json'), JSON.stringify(timings, null, 2) + '\n');
  console.log(`decision table: ${compared} KPI values compared with the edited table; the error: ${errText}`);
});

test('team capacity: a run under daily capacities is one worker and gives the KPIs recobro simulate --capacity gives', async () => {
  // Runs after the others (the same page; the editors hold the shipped policies and
  // the shipped table).
  await page.waitForSelector('#champion-error[data-state="ok"]');
  await page.waitForSelector('#challenger-error[data-state="ok"]');
  const champion = await page.inputValue('#champion-editor');
  const challenger = await page.inputValue('#challenger-editor');
  const before = (await page.evaluate(() => window.__recobroLastRun)).run;

  // A bad capacity is marked and stops the run.
  await page.fill('#capacity-call', '-1');
  assert.ok(await page.evaluate(() => document.querySelector('#capacity-call').classList.contains('invalid')));
  await page.fill('#capacity-call', '0');
  await page.fill('#capacity-sms', '5');
  assert.ok(!(await page.evaluate(() => document.querySelector('#capacity-call').classList.contains('invalid'))));
  await page.fill('#replications', '1');
  await page.fill('#cases-n', String(REP_N));
  await page.fill('#days', String(REP_DAYS));
  await page.waitForSelector('#run:not([disabled])');
  await page.click('#run');
  await page.waitForSelector(`#kpi-table[data-run="${before + 1}"]`, { timeout: 300_000 });
  const lastRun = await page.evaluate(() => window.__recobroLastRun);
  assert.equal(lastRun.workers, 1);
  assert.deepEqual(lastRun.capacity, { call: 0, sms: 5 });
  assert.deepEqual(lastRun.tables, []);
  assert.match(await page.textContent('#run-info'), /under daily capacities call 0, sms 5/);

  const champFile = join(work, 'champion-cap.rhai');
  const challFile = join(work, 'challenger-cap.rhai');
  writeFileSync(champFile, champion);
  writeFileSync(challFile, challenger);
  const { stdout } = await promisify(execFile)(cli, [
    'simulate', '--generate', String(REP_N), '--seed', String(SEED), '--days', String(REP_DAYS),
    '--capacity', 'call=0', '--capacity', 'sms=5', '--json', '--policy', champFile, '--challenger', challFile,
  ], { maxBuffer: 256 * 1024 * 1024 });
  const native = JSON.parse(stdout);
  // No calls at all in the engine's own run.
  for (const arm of native.arms) assert.ok(arm.series.every((d) => d.contacts[0] === 0 && d.contacts[1] <= 5), arm.policy);
  const cells = await page.$$eval('#kpi-table td[data-kpi]', (tds) =>
    tds.map((td) => ({ kpi: td.dataset.kpi, arm: td.dataset.arm, value: td.dataset.value })));
  const table = new Map(cells.map((c) => [`${c.arm}/${c.kpi}`, c]));
  let compared = 0;
  for (const [arm, kpis] of [['champion', native.arms[0].kpis], ['challenger', native.arms[1].kpis], ['difference', native.arms[1].vs_champion]]) {
    for (const [key, value] of Object.entries(kpis)) {
      // The KPI table shows contacts per channel (`contacts.call` ...).
      const pairs = key === 'contacts' ? value.map((v, i) => [`contacts.${CHANNELS[i]}`, v]) : [[key, value]];
      for (const [k, v] of pairs) {
        const cell = table.get(`${arm}/${k}`);
        assert.ok(cell, `no cell for ${arm} ${k}`);
        assert.equal(cell.value, String(v), `${arm} ${k}`);
        compared++;
      }
    }
  }
  // The KPI table's calls: none under a call capacity of 0.
  assert.equal(table.get('champion/contacts.call').value, '0');
  assert.ok(compared > 20);
  for (const id of ['#capacity-call', '#capacity-sms']) await page.fill(id, '');
  assert.deepEqual(problems, [], 'page errors, console errors or failed requests');
  console.log(`team capacity: ${compared} KPI values compared with recobro simulate --capacity`);
});
