// Running a simulation: the Run button's state and message, the run itself with its
// progress, cancelling it, and marking the results stale when inputs change.
import { $, h } from './dom.js';
import { plural } from './format.js';
import { setStatus, isReady } from './status.js';
import { call, restartWorker, poolSize, workers } from './worker-client.js';
import { readCapacity, readInt, readStart } from './fields.js';
import { MAX_REPLICATIONS } from './constants.js';
import { editors } from './editor.js';
import { editedTables, tableEditor } from './tables.js';
import { model, modelValid } from './model.js';
import { portfolioInfo, portfolioKind, refreshPortfolio, resetPortfolio } from './portfolio.js';
import { renderResults, showStale } from './results.js';

let running = false;
let lastRun = null;
let runCount = 0;

// The message under the Run button when nothing blocks a run: the last run's summary,
// or why it failed (kept until the next run or edit).
let runNote = null; // {text, error}

/** Forget why the last run failed (on an edit). */
export function clearRunError() {
  if (runNote?.error) runNote = null;
}

/** Enable Run when nothing blocks a run, and say what does in #run-info. */
export function updateRunEnabled() {
  const btn = $('#run');
  if (!editors || !isReady()) {
    btn.disabled = true;
    return;
  }
  const problems = editors.filter((e) => e.problems.length > 0).map((e) => e.key);
  const fileMissing = portfolioKind() === 'file' && !portfolioInfo?.key?.startsWith('file:');
  let why = '';
  if (tableEditor?.problems.length) why = 'Fix the decision table first.';
  else if (problems.length) why = `Fix the ${problems.join(' and ')} policy first.`;
  else if (!modelValid) why = 'Fix the response model first.';
  else if (fileMissing) why = 'Choose a file of cases first.';
  btn.disabled = running || !!why;
  btn.title = why;
  if (running) return;
  const info = $('#run-info');
  if (why) info.textContent = why;
  else if (runNote?.error) info.replaceChildren(h('span', { class: 'error-text' }, runNote.text));
  else info.textContent = runNote?.text ?? 'Ready. Set the scenario and run.';
}

/** Simulate the scenario with both policies and show the results. */
export async function run() {
  const days = readInt('#days', 1, 3650);
  const seed = readInt('#seed', 0, Number.MAX_SAFE_INTEGER);
  const replications = readInt('#replications', 1, MAX_REPLICATIONS);
  const start = readStart();
  const capacity = readCapacity();
  const kind = portfolioKind();
  const n = kind === 'generated' ? readInt('#cases-n', 1, 100000) : null;
  if (days == null || seed == null || replications == null || start == null || capacity == null || (kind === 'generated' && n == null)) {
    $('#run-info').textContent = 'Check the highlighted fields.';
    return;
  }
  const sources = editors.map((e) => e.value);
  // The edited decision tables go in both policies' options (the others are the
  // engine's embedded ones).
  const tables = editedTables();
  const edited = Object.keys(tables).length > 0;
  const request = {
    policies: sources.map((source) => (edited ? { source, tables } : { source })),
    start,
    days,
    seed,
    response_model: model,
    replications,
  };
  // Daily capacities couple every case of a day: such a run is one part, one worker.
  const capped = Object.keys(capacity).length > 0;
  if (capped) request.capacity = capacity;
  if (kind === 'generated') request.generate = n;
  else request.usePortfolio = true;

  running = true;
  setStatus('running', 'running');
  $('#run').disabled = true;
  $('#cancel').hidden = false;
  const progress = $('#progress');
  progress.value = 0;
  progress.max = 1;
  progress.dataset.state = 'running';
  $('#run-info').textContent = 'Starting…';
  const t0 = performance.now();
  try {
    const { result, ms, parts } = await simulate(request, kind === 'generated' && !capped ? poolSize() : 1, (done, total) => {
      progress.max = total;
      progress.value = done;
      $('#run-info').textContent = `Simulating: ${done} of ${total} case runs…`;
    });
    const wall = performance.now() - t0;
    progress.value = progress.max;
    progress.dataset.state = 'done';
    runCount += 1;
    const cases = result.arms[0].kpis.cases;
    lastRun = { result, sources, tables, start, ms, wall };
    runNote = {
      text: `${plural(cases, 'case')} × ${plural(days, 'day')} × ${plural(result.arms.length, 'policy', 'policies')}` +
        `${replications > 1 ? ` × ${plural(replications, 'replication')}` : ''} in ${(ms / 1000).toFixed(2)} s on ${plural(parts, 'worker')} (seed ${seed})` +
        `${edited ? `, with the edited table${Object.keys(tables).length === 1 ? '' : 's'} ${Object.keys(tables).join(', ')}` : ''}` +
        `${capped ? `, under daily capacities ${Object.entries(capacity).map(([c, k]) => `${c} ${k}`).join(', ')} (one worker: capacities couple every case of a day)` : ''}.`,
    };
    window.__recobroLastRun = { ms, wallMs: wall, cases, days, seed, replications, run: runCount, workers: parts, tables: Object.keys(tables), capacity };
    renderResults(result, runCount);
    if (kind === 'generated') await refreshPortfolio();
  } catch (e) {
    progress.dataset.state = 'error';
    if (e.cancelled) {
      runNote = { text: 'Cancelled.' };
    } else {
      // A policy error: say which policy, and mark it in that editor.
      const arm = e.arm ?? (/^policies\[(\d)\]/.exec(e.detail ?? '') ?? [])[1];
      const ed = arm != null ? editors[Number(arm)] : null;
      runNote = { text: `Simulation failed${ed ? ` (${ed.key} policy)` : ''}: ${e.message}`, error: true };
      if (ed && e.line != null && !e.module) {
        ed.showRunError(e);
        ed.reveal(e.line, e.column ?? 1);
      }
    }
  } finally {
    running = false;
    $('#cancel').hidden = true;
    setStatus('ready', 'ready');
    updateRunEnabled();
  }
}

/**
 * Simulate `request` on `n` workers: each simulates one part of the portfolio (the
 * engine's `simulatePart`, consecutive cases) and the engine worker merges the parts
 * (`mergeParts`: the bytes of the whole run). With one worker, or when a part fails or
 * the parts cannot be merged exactly, the engine worker runs the whole request (so an
 * error is the one the whole run gives). `onProgress(done, total)` counts every part.
 * Resolves `{result, ms, parts}` (`ms`: from the first request to the merged result).
 */
async function simulate(request, n, onProgress) {
  if (n > 1) {
    const t0 = performance.now();
    try {
      const pool = await workers(n);
      const done = new Array(n).fill(0);
      const total = new Array(n).fill(0);
      const sum = (a) => a.reduce((x, y) => x + y, 0);
      const parts = await Promise.all(pool.map((w, part) =>
        w.call('simulatePart', { request, part, parts: n }, (d, t) => {
          done[part] = d;
          total[part] = t;
          if (total.every((x) => x > 0)) onProgress(sum(done), sum(total));
        })));
      const result = await call('merge', { parts: parts.map((p) => p.text) });
      return { result, ms: performance.now() - t0, parts: n };
    } catch (e) {
      if (e.cancelled) throw e;
      // Fall through: the whole run, in one worker.
    }
  }
  const { result, ms } = await call('simulate', { request }, onProgress);
  return { result, ms, parts: 1 };
}

/** Stop a running simulation (the worker is restarted). */
export async function cancel() {
  if (!running) return;
  restartWorker();
  await call('hello');
  resetPortfolio();
  await refreshPortfolio();
  for (const e of editors) e.diagnose();
}

/** Mark the results stale when an input changes after a run. */
export function markStale() {
  if (lastRun && !running) showStale();
}
