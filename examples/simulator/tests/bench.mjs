// The browser half of the performance record: loads the assembled simulator in
// headless Chromium, times page load to ready, then runs the full what-if (10,000
// generated cases x 180 days, champion and challenger) on one worker per core
// (parts merged by the engine) and on one worker, checks that both give the same
// bytes, runs the native CLI on the same machine, and writes
// target/simulator/bench-timings.json (quoted by benches/RESULTS.md).
// Usage: node examples/simulator/tests/bench.mjs [cases] [days]
// (bash examples/simulator/assemble.sh first; not a test: it takes about a minute.)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sim = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(sim, '../..');
const site = join(root, 'target/simulator');
const [cases = 10000, days = 180] = process.argv.slice(2).map(Number);
const { chromium } = await import(join(root, 'bindings/wasm/node_modules/playwright-core/index.mjs'));

const server = spawn(process.execPath, [join(sim, 'serve.mjs'), site, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => server.stdout.on('data', (d) => {
  const m = /http:\/\/127\.0\.0\.1:\d+\/?/.exec(String(d));
  if (m) resolve(m[0]);
}));
const userDir = mkdtempSync(join(tmpdir(), 'recobro-bench-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
async function run(query) {
  const page = await context.newPage();
  await page.goto(url + query);
  await page.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
  const readyMs = await page.evaluate(() => window.__recobroReadyMs);
  await page.fill('#cases-n', String(cases));
  await page.fill('#seed', '42');
  await page.fill('#days', String(days));
  await page.waitForSelector('#run:not([disabled])');
  const t0 = Date.now();
  await page.click('#run');
  await page.waitForSelector('#kpi-table[data-run="1"]', { timeout: 900_000 });
  const wall = Date.now() - t0;
  const run = await page.evaluate(() => window.__recobroLastRun);
  const kpis = await page.$$eval('#kpi-table td[data-kpi]', (tds) => tds.map((td) => `${td.dataset.arm}/${td.dataset.kpi}=${td.dataset.value}`).join('\n'));
  await page.close();
  return { ready_ms: readyMs, simulation_ms: run.ms, click_to_table_ms: wall, workers: run.workers, kpis };
}

try {
  const pool = await run('');
  const one = await run('?workers=1');
  if (pool.kpis !== one.kpis) throw new Error('the parts merged differ from the one-worker run');
  const c0 = Date.now();
  execFileSync(join(root, 'target/release/recobro'), ['simulate', '--generate', String(cases), '--seed', '42',
    '--days', String(days), '--challenger', join(root, 'rules/consumer/digital_first.rhai'), '--json'],
  { maxBuffer: 1 << 30 });
  const cliMs = Date.now() - c0;
  delete pool.kpis;
  delete one.kpis;
  const out = {
    browser: `Chromium ${context.browser()?.version() ?? ''}`.trim(),
    cases, days, pool, one_worker: one, native_cli_ms: cliMs,
    pool_vs_native: Number((pool.simulation_ms / cliMs).toFixed(2)),
  };
  writeFileSync(join(site, 'bench-timings.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out));
} finally {
  await context.close();
  server.kill();
  rmSync(userDir, { recursive: true, force: true });
}
