// The what-if simulator page (main thread): the scenario form, the two policy
// editors, the charts, the KPI table and the case explorer. Every engine call goes
// to worker.js, so the page stays responsive while a simulation runs.
import uPlot from './vendor/uPlot.esm.js';

/** Channel order of `contacts` arrays in the simulation result (core CHANNELS). */
const CHANNELS = ['call', 'sms', 'email', 'whatsapp', 'letter', 'visit', 'push'];
const ARMS = [
  { key: 'champion', label: 'Champion', color: '#2563eb', fill: 'rgba(37, 99, 235, 0.85)' },
  { key: 'challenger', label: 'Challenger', color: '#ea580c', fill: 'rgba(234, 88, 12, 0.85)' },
];
const SEGMENT_ORDER = ['preventive', 'administrative', 'extrajudicial', 'legal', 'promise_pending', 'on_plan', 'default'];

// ---------------------------------------------------------------------------
// Small helpers

const $ = (sel) => document.querySelector(sel);

/** Build an element: h('td', {class: 'x', dataset: {value: '1'}}, 'text', child). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

// Exact decimal formatting: Intl.NumberFormat formats a decimal *string* exactly
// (no float on the way), so the display is the rounded exact value.
const fmtCache = new Map();
function fmt(value, digits, opts = {}) {
  const key = `${digits}|${opts.sign ? 1 : 0}|${opts.compact ? 1 : 0}`;
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: opts.compact ? 0 : digits,
      maximumFractionDigits: digits,
      signDisplay: opts.sign ? 'exceptZero' : 'auto',
      notation: opts.compact ? 'compact' : 'standard',
      roundingMode: 'halfExpand',
    });
    fmtCache.set(key, f);
  }
  return f.format(typeof value === 'string' ? value : Number(value));
}

const isZero = (v) => /^[-+]?0*(\.0*)?$/.test(String(v));
const isNegative = (v) => String(v).trim().startsWith('-') && !isZero(v);

function fmtInstant(s) {
  return s ? String(s).replace('T', ' ').replace(/:00Z$/, 'Z') : '—';
}

// ---------------------------------------------------------------------------
// The worker

let worker;
let nextId = 1;
const pending = new Map();

function startWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (ev) => {
    const msg = ev.data;
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.done, msg.total);
      return;
    }
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(Object.assign(new Error(msg.error.message), msg.error));
  };
  worker.onerror = (ev) => {
    ev.preventDefault();
    const err = new Error(`the engine worker failed: ${ev.message || 'could not load (is the page served over http?)'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    setStatus('error', 'engine failed');
    $('#run-info').textContent = err.message;
  };
}

function call(type, args = {}, onProgress) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, type, ...args });
  });
}

function restartWorker() {
  worker.terminate();
  const err = Object.assign(new Error('cancelled'), { cancelled: true });
  for (const p of pending.values()) p.reject(err);
  pending.clear();
  startWorker();
}

// ---------------------------------------------------------------------------
// Status

function setStatus(state, text) {
  const el = $('#status');
  el.dataset.state = state;
  el.textContent = text ?? state;
}

// ---------------------------------------------------------------------------
// The editors

const LINE_HEIGHT = 20; // px, as in style.css (.editor textarea, .gutter div)
const PAD_TOP = 8; // px, as in style.css

class Editor {
  constructor(key) {
    this.key = key;
    this.textarea = $(`#${key}-editor`);
    this.wrap = $(`#${key}-editor-wrap`);
    this.gutter = this.wrap.querySelector('.gutter');
    this.hl = this.wrap.querySelector('.line-hl');
    this.errorEl = $(`#${key}-error`);
    this.nameEl = $(`#${key}-name`);
    this.lines = 0;
    this.errorLine = null;
    this.problems = [];
    this.info = null;
    this.seq = 0;
    this.listeners = [];
    this.textarea.addEventListener('input', () => this.changed());
    this.textarea.addEventListener('scroll', () => this.syncScroll());
    this.textarea.addEventListener('keydown', (ev) => this.keydown(ev));
    this.diagnoseSoon = debounce(() => this.diagnose(), 300);
    // Click the message to go to the error.
    this.errorEl.addEventListener('click', () => {
      const p = this.problems[0] ?? this.runError;
      if (p && p.line != null && !p.module) this.reveal(p.line, p.column ?? 1);
    });
  }

  get value() {
    return this.textarea.value;
  }

  set value(v) {
    this.textarea.value = v;
    this.textarea.scrollTop = 0;
    this.changed();
  }

  onChange(fn) {
    this.listeners.push(fn);
  }

  changed() {
    this.runError = null;
    if (runNote?.error) runNote = null;
    this.renderGutter();
    this.errorEl.dataset.state = 'checking';
    this.diagnoseSoon();
  }

  keydown(ev) {
    if (ev.key === 'Tab' && !ev.shiftKey && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      document.execCommand('insertText', false, '    ');
    }
  }

  renderGutter() {
    const n = this.textarea.value.split('\n').length;
    if (n !== this.lines) {
      this.lines = n;
      const frag = document.createDocumentFragment();
      for (let i = 1; i <= n; i++) frag.append(h('div', { dataset: { line: String(i) } }, String(i)));
      // Room to scroll past the last line together with the textarea.
      frag.append(h('div', { class: 'gutter-pad' }));
      this.gutter.replaceChildren(frag);
      this.markGutter();
    }
    this.syncScroll();
  }

  markGutter() {
    this.gutter.querySelector('.error')?.classList.remove('error');
    if (this.errorLine != null) {
      this.gutter.querySelector(`[data-line="${this.errorLine}"]`)?.classList.add('error');
    }
  }

  syncScroll() {
    this.gutter.scrollTop = this.textarea.scrollTop;
    if (this.errorLine != null) {
      const top = PAD_TOP + (this.errorLine - 1) * LINE_HEIGHT - this.textarea.scrollTop;
      this.hl.style.transform = `translateY(${top}px)`;
    }
  }

  async diagnose() {
    const seq = ++this.seq;
    const source = this.value;
    let res;
    try {
      res = await call('diagnose', { source });
    } catch (e) {
      if (e.cancelled) return;
      res = { problems: [{ code: e.code ?? 'internal', detail: e.detail ?? e.message, line: null, column: null }], info: null };
    }
    if (seq !== this.seq) return; // a newer edit is being checked
    this.problems = res.problems;
    this.info = res.info;
    const p = res.problems[0];
    this.errorLine = p && p.line != null && !p.module ? p.line : null;
    this.markGutter();
    this.hl.hidden = this.errorLine == null;
    this.syncScroll();
    this.wrap.classList.toggle('has-error', !!p);
    if (p) {
      const where = [
        p.module ? `in module \`${p.module}\`` : null,
        p.line != null ? `line ${p.line}` : null,
        p.column != null ? `column ${p.column}` : null,
      ].filter(Boolean).join(', ');
      this.errorEl.replaceChildren(
        h('span', { class: 'err-where' }, where ? `${where}: ` : ''),
        h('span', { class: 'err-msg' }, p.detail ?? p.message ?? p.code),
        h('span', { class: 'err-code' }, p.code ? ` (${p.code})` : ''),
        ...(p.help ? [h('span', { class: 'err-help' }, ` — ${p.help}`)] : []),
      );
      this.errorEl.dataset.state = 'error';
      this.errorEl.title = p.line != null && !p.module ? 'Go to the error' : '';
      if (p.line != null) this.errorEl.dataset.line = String(p.line);
      else delete this.errorEl.dataset.line;
      this.nameEl.textContent = '';
    } else {
      this.errorEl.replaceChildren();
      this.errorEl.dataset.state = 'ok';
      delete this.errorEl.dataset.line;
      this.nameEl.textContent = res.info ? `${res.info.name} ${res.info.version}` : '';
    }
    for (const fn of this.listeners) fn(this);
  }

  /** Show an error the simulation hit in this policy (a runtime error) at its line,
   * until the next edit. */
  showRunError(e) {
    this.errorLine = e.line;
    this.markGutter();
    this.hl.hidden = false;
    this.syncScroll();
    this.wrap.classList.add('has-error');
    this.errorEl.replaceChildren(
      h('span', { class: 'err-where' }, `line ${e.line}, column ${e.column ?? 1}: `),
      h('span', { class: 'err-msg' }, e.detail ?? e.message),
      h('span', { class: 'err-code' }, ` (${e.code}, while simulating)`),
    );
    this.errorEl.dataset.state = 'error';
    this.errorEl.dataset.line = String(e.line);
    this.problems = [];
    this.runError = e;
  }

  /** Put the caret at a line (and column) and scroll it into the middle of the view. */
  reveal(line, column = 1) {
    const lines = this.value.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    offset += Math.max(0, Math.min(column - 1, (lines[line - 1] ?? '').length));
    this.textarea.focus({ preventScroll: true });
    this.textarea.setSelectionRange(offset, offset);
    const view = this.textarea.clientHeight;
    this.textarea.scrollTop = Math.max(0, PAD_TOP + (line - 1) * LINE_HEIGHT - view / 2 + LINE_HEIGHT);
    this.textarea.scrollLeft = 0;
    this.syncScroll();
  }
}

// ---------------------------------------------------------------------------
// The response model

let model = null; // the response model being edited (plain JSON, decimals as strings)
let defaultModel = null;
let modelValid = true;

const DECIMAL = /^\d+(\.\d+)?$/;

function pctInput(value, onValid, label) {
  const input = h('input', { type: 'text', inputmode: 'decimal', value, 'aria-label': label, spellcheck: 'false' });
  input.addEventListener('input', () => {
    const v = input.value.trim();
    const ok = DECIMAL.test(v) && Number(v) <= 100;
    input.classList.toggle('invalid', !ok);
    if (ok) onValid(v);
    refreshModelValidity();
  });
  return input;
}

function renderModelTables() {
  const reach = $('#reach-table tbody');
  reach.replaceChildren(
    ...CHANNELS.filter((c) => model.channels?.[c]).map((c) =>
      h('tr', {},
        h('th', { scope: 'row' }, c),
        h('td', {}, pctInput(String(model.channels[c].reach_pct), (v) => {
          model.channels[c].reach_pct = v;
          writeModelJson();
        }, `${c} reach %`)))),
  );
  const segs = Object.keys(model.segments ?? {}).sort(
    (a, b) => (SEGMENT_ORDER.indexOf(a) + 1 || 99) - (SEGMENT_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  $('#payfull-table tbody').replaceChildren(
    ...segs.map((s) =>
      h('tr', {},
        h('th', { scope: 'row', title: s }, s.replace('_', ' ')),
        h('td', {}, pctInput(String(model.segments[s].pay_full_pct), (v) => {
          model.segments[s].pay_full_pct = v;
          writeModelJson();
        }, `${s} pay full %`)))),
  );
}

function writeModelJson() {
  $('#model-json').value = JSON.stringify(model, null, 2);
  $('#model-json').classList.remove('invalid');
  $('#model-error').textContent = '';
}

function refreshModelValidity() {
  const bad = document.querySelectorAll('.sidebar .mini input.invalid').length > 0 || $('#model-json').classList.contains('invalid');
  modelValid = !bad;
  updateRunEnabled();
}

function setupModel(response) {
  defaultModel = response;
  model = structuredClone(response);
  renderModelTables();
  writeModelJson();
  $('#model-json').addEventListener('input', debounce(() => {
    const ta = $('#model-json');
    try {
      const v = JSON.parse(ta.value);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('the model must be a JSON object');
      model = v;
      ta.classList.remove('invalid');
      $('#model-error').textContent = '';
      renderModelTables();
    } catch (e) {
      ta.classList.add('invalid');
      $('#model-error').textContent = e.message;
    }
    refreshModelValidity();
  }, 250));
  $('#model-reset').addEventListener('click', () => {
    model = structuredClone(defaultModel);
    renderModelTables();
    writeModelJson();
    refreshModelValidity();
  });
}

// ---------------------------------------------------------------------------
// The portfolio

let portfolioInfo = null; // {count, ids, jurisdictions, currencies, key}
let loadedFile = null; // {name, text}

function portfolioKind() {
  return document.querySelector('input[name="portfolio-kind"]:checked').value;
}

function readInt(sel, min, max) {
  const el = $(sel);
  const v = Number(el.value);
  const ok = el.value.trim() !== '' && Number.isInteger(v) && v >= min && v <= max;
  el.classList.toggle('invalid', !ok);
  return ok ? v : null;
}

function readStart() {
  const el = $('#start');
  const v = el.value.trim();
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
  el.classList.toggle('invalid', !ok);
  return ok ? v : null;
}

function setPortfolioInfo(info, key) {
  portfolioInfo = { ...info, key };
  const pluralize = (n, w) => `${n} ${w}${n === 1 ? '' : 's'}`;
  $('#portfolio-info').textContent =
    `${pluralize(info.count, 'case')} · ${pluralize(info.jurisdictions.length, 'jurisdiction')} · ${pluralize(info.currencies.length, 'currency').replace('currencys', 'currencies')}`;
  const dl = $('#case-ids');
  dl.replaceChildren(...info.ids.slice(0, 5000).map((id) => h('option', { value: id })));
  const input = $('#case-id');
  if (!info.ids.includes(input.value)) input.value = info.ids[0] ?? '';
  explore();
}

async function refreshPortfolio() {
  const start = readStart();
  try {
    if (portfolioKind() === 'generated') {
      const n = readInt('#cases-n', 1, 100000);
      const seed = readInt('#seed', 0, Number.MAX_SAFE_INTEGER);
      if (n == null || seed == null || start == null) return;
      const key = `gen:${n}:${seed}:${start}`;
      if (portfolioInfo?.key === key) return;
      const info = await call('generate', { n, seed, start });
      setPortfolioInfo(info, key);
    } else if (loadedFile) {
      const key = `file:${loadedFile.name}:${loadedFile.text.length}`;
      if (portfolioInfo?.key === key) return;
      const info = await call('load', { text: loadedFile.text, name: loadedFile.name });
      setPortfolioInfo(info, key);
    } else {
      $('#portfolio-info').textContent = 'Choose a file of cases.';
    }
  } catch (e) {
    if (e.cancelled) return;
    portfolioInfo = null;
    $('#portfolio-info').replaceChildren(h('span', { class: 'error-text' }, `Portfolio: ${e.message}`));
  } finally {
    updateRunEnabled();
  }
}

// ---------------------------------------------------------------------------
// Run

let editors;
let running = false;
let lastRun = null;
let runCount = 0;

// The message under the Run button when nothing blocks a run: the last run's summary,
// or why it failed (kept until the next run or edit).
let runNote = null; // {text, error}

function updateRunEnabled() {
  const btn = $('#run');
  if (!editors || !$('#status').dataset.ready) {
    btn.disabled = true;
    return;
  }
  const problems = editors.filter((e) => e.problems.length > 0).map((e) => e.key);
  const fileMissing = portfolioKind() === 'file' && !portfolioInfo?.key?.startsWith('file:');
  let why = '';
  if (problems.length) why = `Fix the ${problems.join(' and ')} policy first.`;
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

const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

async function run() {
  const days = readInt('#days', 1, 3650);
  const seed = readInt('#seed', 0, Number.MAX_SAFE_INTEGER);
  const start = readStart();
  const kind = portfolioKind();
  const n = kind === 'generated' ? readInt('#cases-n', 1, 100000) : null;
  if (days == null || seed == null || start == null || (kind === 'generated' && n == null)) {
    $('#run-info').textContent = 'Check the highlighted fields.';
    return;
  }
  const sources = editors.map((e) => e.value);
  const request = {
    policies: sources.map((source) => ({ source })),
    start,
    days,
    seed,
    response_model: model,
  };
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
    const { result, ms } = await call('simulate', { request }, (done, total) => {
      progress.max = total;
      progress.value = done;
      $('#run-info').textContent = `Simulating: ${done} of ${total} case runs…`;
    });
    const wall = performance.now() - t0;
    progress.value = progress.max;
    progress.dataset.state = 'done';
    runCount += 1;
    const cases = result.arms[0].kpis.cases;
    lastRun = { result, sources, start, ms, wall };
    runNote = {
      text: `${plural(cases, 'case')} × ${plural(days, 'day')} × ${plural(result.arms.length, 'policy', 'policies')} in ${(ms / 1000).toFixed(2)} s (seed ${seed}).`,
    };
    window.__recobroLastRun = { ms, wallMs: wall, cases, days, seed, run: runCount };
    renderResults(result);
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

async function cancel() {
  if (!running) return;
  restartWorker();
  await call('hello');
  portfolioInfo = null;
  await refreshPortfolio();
  for (const e of editors) e.diagnose();
}

// ---------------------------------------------------------------------------
// Results: KPI table

const KPIS = [
  { key: 'cases', label: 'Cases', kind: 'int' },
  { key: 'decisions', label: 'Decisions', kind: 'int' },
  { key: 'opening', label: 'Opening balance', kind: 'money' },
  { key: 'collected', label: 'Collected', kind: 'money', better: 1, strong: true },
  { key: 'recovery_rate_pct', label: 'Recovery rate', kind: 'pct', better: 1, strong: true },
  { key: 'charges', label: 'Charges booked', kind: 'money' },
  { key: 'closing', label: 'Closing balance', kind: 'money', better: -1 },
  { key: 'cost', label: 'Cost of actions', kind: 'money', better: -1 },
  { key: 'collected_per_cost', label: 'Collected per unit of cost', kind: 'dec2', better: 1 },
  { key: 'contacts_per_case', label: 'Contacts per case', kind: 'dec2' },
  { key: 'cured_pct', label: 'Cured', kind: 'pct', better: 1 },
  { key: 'avg_days_to_payment', label: 'Avg days to first payment', kind: 'dec1', better: -1 },
  { key: 'compliance_blocks', label: 'Compliance blocks', kind: 'int', better: -1 },
  { key: 'promises_made', label: 'Promises made', kind: 'int', better: 1 },
  { key: 'promises_kept', label: 'Promises kept', kind: 'int', better: 1 },
  ...CHANNELS.map((c, i) => ({ key: `contacts.${c}`, label: `Contacts: ${c}`, kind: 'int', index: i, group: 'contacts' })),
];

function kpiValue(kpis, k) {
  return k.index != null ? kpis.contacts[k.index] : kpis[k.key];
}

function fmtKpi(v, kind, sign) {
  const o = { sign };
  switch (kind) {
    case 'money': return fmt(String(v), 2, o);
    case 'pct': return `${fmt(String(v), 2, o)} %`;
    case 'dec2': return fmt(String(v), 2, o);
    case 'dec1': return fmt(String(v), 1, o);
    default: return fmt(String(v), 0, o);
  }
}

function renderKpis(result) {
  const [champ, chall] = result.arms;
  const diff = chall?.vs_champion;
  $('#kpi-currency').textContent = `(money in ${result.settings.response.report_currency})`;
  const table = $('#kpi-table');
  table.querySelector('thead').replaceChildren(
    h('tr', {},
      h('th', { scope: 'col' }, 'KPI'),
      h('th', { scope: 'col', class: 'champion', title: champ.policy }, h('span', { class: 'dot' }), 'Champion', h('small', {}, champ.policy)),
      chall ? h('th', { scope: 'col', class: 'challenger', title: chall.policy }, h('span', { class: 'dot' }), 'Challenger', h('small', {}, chall.policy)) : null,
      diff ? h('th', { scope: 'col', class: 'diff' }, 'Difference', h('small', {}, 'vs champion')) : null),
  );
  const rows = [];
  let groupStarted = false;
  for (const k of KPIS) {
    if (k.group && !groupStarted) {
      groupStarted = true;
      rows.push(h('tr', { class: 'group' }, h('th', { colspan: diff ? 4 : chall ? 3 : 2, scope: 'rowgroup' }, 'Contacts by channel')));
    }
    const cell = (arm, v, sign) => h('td', {
      class: 'num',
      dataset: { kpi: k.key, arm, value: String(v) },
    }, fmtKpi(v, k.kind, sign));
    const tr = h('tr', { dataset: { kpi: k.key }, class: k.strong ? 'strong' : null },
      h('th', { scope: 'row' }, k.label),
      cell('champion', kpiValue(champ.kpis, k)),
      chall ? cell('challenger', kpiValue(chall.kpis, k)) : null);
    if (diff) {
      const v = kpiValue(diff, k);
      const td = cell('difference', v, true);
      td.classList.add('diff');
      if (k.better && !isZero(v)) {
        const good = (isNegative(v) ? -1 : 1) === k.better;
        td.classList.add(good ? 'good' : 'bad');
      }
      tr.append(td);
    }
    rows.push(tr);
  }
  table.querySelector('tbody').replaceChildren(...rows);
  table.dataset.state = 'done';
  table.dataset.run = String(runCount);
}

// ---------------------------------------------------------------------------
// Results: charts (uPlot)

const charts = new Map(); // element id -> uPlot
const compact = (v) => (v == null ? '' : fmt(v, 1, { compact: true }));

function chartSize(el) {
  return { width: Math.max(280, el.clientWidth), height: 268 };
}

function mount(id, opts, data) {
  charts.get(id)?.destroy();
  const el = $(`#${id}`);
  el.replaceChildren();
  const u = new uPlot({ ...chartSize(el), ...opts }, data, el);
  charts.set(id, u);
  el.dataset.state = 'done';
  return u;
}

const axisStyle = {
  stroke: '#475569',
  grid: { stroke: '#e2e8f0', width: 1 },
  ticks: { stroke: '#cbd5e1', width: 1 },
  font: '11px system-ui, sans-serif',
  labelFont: '600 11px system-ui, sans-serif',
};

function lineSeries(result, pick, fmtValue) {
  return result.arms.map((a, i) => ({
    label: ARMS[i].label,
    stroke: ARMS[i].color,
    width: 2,
    points: { show: false },
    value: (u, v) => (v == null ? '—' : fmtValue(v)),
  }));
}

function renderCharts(result) {
  const days = result.arms[0].series.map((d) => d.day);
  const dayAxis = { ...axisStyle, label: 'day of the simulation', values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')) };
  const xSeries = { label: 'day', value: (u, v) => (v == null ? '—' : `day ${v}`) };

  // (1) Collected, cumulative.
  const cur = result.settings.response.report_currency;
  mount('chart-collected', {
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.05] } },
    series: [xSeries, ...lineSeries(result, null, (v) => `${fmt(v, 2)} ${cur}`)],
    axes: [dayAxis, { ...axisStyle, label: `collected (${cur})`, size: 64, values: (u, s) => s.map(compact) }],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
  }, [days, ...result.arms.map((a) => a.series.map((d) => Number(d.collected_cumulative)))]);

  // (3) Blocked contacts per day.
  mount('chart-blocked', {
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.08] } },
    series: [xSeries, ...lineSeries(result, null, (v) => `${fmt(v, 0)} blocked`)],
    axes: [dayAxis, { ...axisStyle, label: 'blocked candidates', size: 56, values: (u, s) => s.map(compact) }],
    cursor: { drag: { x: true, y: false } },
  }, [days, ...result.arms.map((a) => a.series.map((d) => d.blocked))]);

  // (2) Contacts by channel, grouped bars (one bar per policy per channel).
  const nArms = result.arms.length;
  const slot = 0.8 / nArms;
  // Channels no policy used are left out (the KPI table lists every channel).
  let used = CHANNELS.map((_, ci) => ci).filter((ci) => result.arms.some((a) => a.kpis.contacts[ci] !== 0));
  if (!used.length) used = CHANNELS.map((_, ci) => ci);
  const names = used.map((ci) => CHANNELS[ci]);
  const xs = names.map((_, j) => j);
  $('#channels-note').textContent = used.length < CHANNELS.length
    ? `(not used: ${CHANNELS.filter((_, ci) => !used.includes(ci)).join(', ')})` : '';
  mount('chart-channels', {
    scales: { x: { time: false, range: [-0.6, names.length - 0.4] }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.12] } },
    series: [
      { label: 'channel', value: (u, v) => (v == null ? '—' : names[v]) },
      ...result.arms.map((a, i) => ({
        label: ARMS[i].label,
        stroke: ARMS[i].color,
        fill: ARMS[i].fill,
        width: 0,
        points: { show: false },
        value: (u, v) => (v == null ? '—' : `${fmt(v, 0)} contacts`),
        paths: uPlot.paths.bars({
          disp: {
            x0: { unit: 1, values: (u) => u.data[0].map((x) => x - 0.4 + i * slot + slot * 0.06) },
            size: { unit: 1, values: () => [slot * 0.88] },
          },
        }),
      })),
    ],
    axes: [
      { ...axisStyle, label: 'channel', grid: { show: false }, splits: () => xs, values: (u, s) => s.map((v) => names[v] ?? '') },
      { ...axisStyle, label: 'contacts made', size: 56, values: (u, s) => s.map(compact) },
    ],
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    hooks: {
      draw: [(u) => {
        // Counts above the bars.
        const ctx = u.ctx;
        ctx.save();
        ctx.font = `${Math.round(10 * devicePixelRatio)}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'bottom';
        for (let s = 1; s < u.series.length; s++) {
          if (!u.series[s].show) continue;
          ctx.fillStyle = ARMS[s - 1].color;
          u.data[s].forEach((v, j) => {
            if (!v) return;
            const x = u.valToPos(j - 0.4 + (s - 1) * slot + slot * 0.5, 'x', true);
            const y = u.valToPos(v, 'y', true);
            ctx.fillText(compact(v), x, y - 2 * devicePixelRatio);
          });
        }
        ctx.restore();
      }],
    },
  }, [xs, ...result.arms.map((a) => used.map((ci) => a.kpis.contacts[ci]))]);
}

const resizeCharts = debounce(() => {
  for (const [id, u] of charts) u.setSize(chartSize($(`#${id}`)));
}, 100);

function renderResults(result) {
  renderKpis(result);
  renderCharts(result);
  const s = result.settings;
  const totalContacts = result.arms.map((a) => a.kpis.contacts.reduce((x, y) => x + y, 0));
  $('#results-meta').textContent =
    `${result.arms[0].kpis.cases} cases, ${s.days} days from ${fmtInstant(s.start)}, seed ${s.seed}; ` +
    result.arms.map((a, i) => `${a.role}: ${a.policy} (${fmt(totalContacts[i], 0)} contacts)`).join(' · ');
  $('#results').dataset.state = 'done';
  $('#results').dataset.run = String(runCount);
  $('#results-stale').hidden = true;
}

function markStale() {
  if (lastRun && !running) $('#results-stale').hidden = false;
}

// ---------------------------------------------------------------------------
// Case explorer

let exploreSeq = 0;

function explorerArm() {
  return Number(document.querySelector('input[name="explorer-arm"]:checked').value);
}

async function explore() {
  const seq = ++exploreSeq;
  const out = $('#decision');
  const caseId = $('#case-id').value.trim();
  const start = readStart();
  const arm = explorerArm();
  const editor = editors?.[arm];
  if (!editor || !portfolioInfo || !caseId || !start) return;
  if (!portfolioInfo.ids.includes(caseId)) {
    out.replaceChildren(h('p', { class: 'hint' }, `No case \`${caseId}\` in the portfolio.`));
    return;
  }
  if (editor.problems.length) {
    out.replaceChildren(h('p', { class: 'error-text' }, `The ${editor.key} policy does not compile: fix it to see its decision.`));
    return;
  }
  out.classList.add('busy');
  try {
    const { decision, case: c } = await call('evaluate', { source: editor.value, caseId, asOf: start });
    if (seq !== exploreSeq) return;
    out.replaceChildren(renderDecision(decision, c, arm));
    $('#explorer-asof').textContent = fmtInstant(decision.as_of);
    $('#case-explorer').dataset.caseId = caseId;
    $('#case-explorer').dataset.arm = ARMS[arm].key;
  } catch (e) {
    if (seq !== exploreSeq || e.cancelled) return;
    out.replaceChildren(h('p', { class: 'error-text' }, `Evaluation failed: ${e.message}`));
  } finally {
    if (seq === exploreSeq) out.classList.remove('busy');
  }
}

function badge(text, kind) {
  return h('span', { class: `badge ${kind ?? ''}` }, text);
}

function describeCandidate(c) {
  if (c.kind === 'contact') return [h('strong', {}, c.channel), c.template ? h('span', { class: 'muted' }, ` · ${c.template}`) : null];
  return [h('strong', {}, c.kind.replace(/_/g, ' ')), c.channel ? h('span', { class: 'muted' }, ` · ${c.channel}`) : null];
}

function confidenceBadge(conf) {
  return conf ? h('span', { class: `conf conf-${conf}`, title: `confidence: ${conf}` }, conf.replace('_', ' ')) : null;
}

function renderDecision(d, c, arm) {
  const frag = document.createDocumentFragment();

  // Facts.
  const debts = c.debts ?? [];
  const currencies = [...new Set(debts.map((x) => x.currency))];
  const facts = d.trace?.find((t) => t.step === 'facts')?.detail;
  frag.append(h('div', { class: 'facts' },
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'case'), h('span', { class: 'v mono' }, d.case_id)),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'segment'), h('span', { class: 'v' }, badge(d.segment ?? '—', 'segment'))),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'debtor'), h('span', { class: 'v' }, `${c.debtor?.kind ?? ''} · ${c.debtor?.jurisdiction ?? ''} · ${c.debtor?.timezone ?? ''}`)),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'debts'), h('span', { class: 'v' }, `${debts.length} in ${currencies.join(', ')}`)),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'policy'), h('span', { class: 'v' }, h('span', { class: `dot ${ARMS[arm].key}` }), `${d.policy?.name} ${d.policy?.version}`)),
  ));
  if (facts) frag.append(h('p', { class: 'facts-line mono' }, facts));

  // The decision.
  if (d.action) {
    const a = d.action;
    frag.append(h('div', { class: 'action ok' },
      h('span', { class: 'action-label' }, 'Next action'),
      h('span', { class: 'action-what' }, ...describeCandidate(a)),
      a.priority != null ? h('span', { class: 'muted' }, ` priority ${a.priority}`) : null,
      a.reason ? h('span', { class: 'action-reason' }, `“${a.reason}”`) : null,
      h('span', { class: 'muted' }, ` earliest at ${fmtInstant(a.earliest_at)}`)));
  } else {
    frag.append(h('div', { class: 'action none' },
      h('span', { class: 'action-label' }, 'No action'),
      h('span', { class: 'action-reason' }, d.no_action_reason ?? ''),
      h('span', { class: 'muted' }, d.next_allowed_at ? ` next allowed at ${fmtInstant(d.next_allowed_at)}` : '')));
  }

  // Candidates with their compliance verdicts.
  const compliance = d.compliance ?? [];
  const byCandidate = (i) => compliance.filter((r) => r.candidate === i);
  if (d.candidates?.length) {
    const rows = d.candidates.map((cand, i) => {
      const rules = byCandidate(i);
      const blocked = rules.filter((r) => r.outcome !== 'allowed');
      const allowed = rules.filter((r) => r.outcome === 'allowed');
      const ruleItem = (r) => h('li', { class: r.outcome === 'allowed' ? 'rule allowed' : 'rule blocked' },
        h('span', { class: 'rule-id mono' }, r.rule), ' ', confidenceBadge(r.confidence),
        h('div', { class: 'rule-detail' }, r.detail ?? ''),
        h('div', { class: 'citation' }, r.citation ?? ''));
      const chosen = d.action && cand.kind === d.action.kind && cand.channel === d.action.channel &&
        cand.template === d.action.template && cand.priority === d.action.priority;
      return h('tr', { class: chosen ? 'chosen' : null, dataset: { verdict: cand.verdict } },
        h('td', { class: 'num' }, String(i + 1)),
        h('td', {}, ...describeCandidate(cand), chosen ? badge('chosen', 'chosen') : null,
          cand.reason ? h('div', { class: 'muted small' }, cand.reason) : null),
        h('td', { class: 'num' }, cand.priority ?? ''),
        h('td', {}, badge(cand.verdict, cand.verdict === 'allowed' ? 'allowed' : 'blocked'),
          cand.next_allowed_at ? h('div', { class: 'muted small' }, `next allowed ${fmtInstant(cand.next_allowed_at)}`) :
            cand.verdict !== 'allowed' ? h('div', { class: 'muted small' }, 'only a person can lift it') : null),
        h('td', {},
          blocked.length ? h('ul', { class: 'rules' }, blocked.map(ruleItem)) : null,
          allowed.length ? h('details', { class: 'allowed-rules' },
            h('summary', {}, `${allowed.length} rule${allowed.length === 1 ? '' : 's'} allowed it`),
            h('ul', { class: 'rules' }, allowed.map(ruleItem))) : null,
          !rules.length ? h('span', { class: 'muted' }, cand.kind === 'contact' ? '—' : 'a task: no contact rules') : null));
    });
    frag.append(h('h4', {}, `Candidates (${d.candidates.length})`),
      h('table', { class: 'candidates' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Candidate'), h('th', {}, 'Priority'), h('th', {}, 'Verdict'), h('th', {}, 'Compliance'))),
        h('tbody', {}, rows)));
  } else {
    frag.append(h('h4', {}, 'Candidates'), h('p', { class: 'muted' }, 'The policy proposed no candidate.'));
  }

  // Charges and offers.
  const lines = d.charges?.lines ?? [];
  const totals = Object.entries(d.charges?.totals ?? {});
  frag.append(h('h4', {}, 'Charges'));
  if (lines.length) {
    frag.append(h('table', { class: 'charges' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Debt'), h('th', {}, 'Kind'), h('th', {}, 'Rule'), h('th', { class: 'num' }, 'Amount'), h('th', {}, 'Citation'))),
      h('tbody', {}, lines.map((l) => h('tr', {},
        h('td', { class: 'mono' }, l.debt_id ?? ''),
        h('td', {}, l.kind ?? ''),
        h('td', { class: 'mono' }, l.rule ?? ''),
        h('td', { class: 'num', dataset: { value: l.amount } }, `${fmt(l.amount, 2)} ${l.currency ?? ''}`),
        h('td', { class: 'citation' }, l.citation ?? '')))),
      h('tfoot', {}, totals.map(([cur, v]) => h('tr', {}, h('th', { colspan: 3 }, `Total ${cur}`), h('td', { class: 'num', dataset: { value: v } }, `${fmt(v, 2)} ${cur}`), h('td', {}))))));
  } else {
    frag.append(h('p', { class: 'muted' }, 'No charges owed at this instant.'));
  }
  if (d.offers?.length) {
    frag.append(h('h4', {}, 'Offers'), h('ul', { class: 'offers' }, d.offers.map((o) => h('li', {},
      h('strong', {}, o.kind), ` ${o.name ?? ''}: `,
      o.kind === 'settlement'
        ? `pay ${fmt(o.amount, 2)} ${o.currency} (${o.discount_pct}% off ${fmt(o.balance, 2)}) by ${o.pay_by}`
        : o.schedule
          ? `${o.schedule.installments?.length ?? 0} installments, down payment ${fmt(o.schedule.down_payment, 2)} ${o.currency}, total ${fmt(o.schedule.total, 2)} ${o.currency}`
          : JSON.stringify(o)))));
  }

  // Trace.
  if (d.trace?.length) {
    frag.append(h('details', { class: 'trace' },
      h('summary', {}, `Trace (${d.trace.length} steps)`),
      h('ol', {}, d.trace.map((t) => h('li', {}, h('span', { class: `step step-${t.step}` }, t.step), ' ', h('span', { class: 'mono' }, t.detail))))));
  }
  frag.append(h('details', { class: 'case-json' }, h('summary', {}, 'The case (JSON)'), h('pre', {}, JSON.stringify(c, null, 2))));
  return frag;
}

function stepCase(delta) {
  if (!portfolioInfo?.ids.length) return;
  const i = portfolioInfo.ids.indexOf($('#case-id').value.trim());
  const j = Math.min(portfolioInfo.ids.length - 1, Math.max(0, (i < 0 ? 0 : i + delta)));
  $('#case-id').value = portfolioInfo.ids[j];
  explore();
}

// ---------------------------------------------------------------------------
// Boot

async function boot() {
  startWorker();
  editors = [new Editor('champion'), new Editor('challenger')];
  let hello;
  try {
    hello = await call('hello');
  } catch (e) {
    setStatus('error', 'engine failed');
    $('#run-info').replaceChildren(h('span', { class: 'error-text' }, `Could not load the engine: ${e.message}`));
    return;
  }
  $('#start').value = hello.start;
  setupModel(hello.response);

  for (const [i, ed] of editors.entries()) {
    const preset = $(`#${ed.key}-preset`);
    preset.replaceChildren(
      h('option', { value: '' }, 'Load embedded…'),
      ...hello.presets.map((p) => h('option', { value: p }, p)),
    );
    preset.addEventListener('change', async () => {
      const path = preset.value;
      preset.value = '';
      if (!path) return;
      const src = await call('source', { path });
      if (src != null) ed.value = src;
    });
    ed.onChange(() => {
      updateRunEnabled();
      if (explorerArm() === i) explore();
    });
  }
  editors[0].value = hello.champion;
  editors[1].value = hello.challenger;
  await Promise.all(editors.map((e) => e.diagnose()));

  // Portfolio controls.
  const refreshSoon = debounce(refreshPortfolio, 300);
  for (const sel of ['#cases-n', '#seed', '#start']) $(sel).addEventListener('input', refreshSoon);
  $('#days').addEventListener('input', () => readInt('#days', 1, 3650));
  for (const r of document.querySelectorAll('input[name="portfolio-kind"]')) {
    r.addEventListener('change', () => {
      const file = portfolioKind() === 'file';
      $('#generated-fields').querySelectorAll('input').forEach((i) => {
        if (i.id === 'cases-n') i.disabled = file;
      });
      $('#file-fields').hidden = !file;
      portfolioInfo = null;
      refreshPortfolio();
    });
  }
  $('#cases-file').addEventListener('change', async (ev) => {
    const f = ev.target.files?.[0];
    if (!f) return;
    loadedFile = { name: f.name, text: await f.text() };
    portfolioInfo = null;
    refreshPortfolio();
  });
  await refreshPortfolio();

  // Explorer controls.
  $('#case-id').addEventListener('change', explore);
  $('#case-id').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') explore(); });
  for (const r of document.querySelectorAll('input[name="explorer-arm"]')) r.addEventListener('change', explore);
  $('#case-prev').addEventListener('click', () => stepCase(-1));
  $('#case-next').addEventListener('click', () => stepCase(1));

  for (const el of document.querySelectorAll('.sidebar, .editors')) el.addEventListener('input', markStale);
  $('#model-reset').addEventListener('click', markStale);
  $('#run').addEventListener('click', run);
  $('#cancel').addEventListener('click', cancel);
  window.addEventListener('resize', resizeCharts);

  $('#status').dataset.ready = 'true';
  setStatus('ready', 'ready');
  window.__recobroReadyMs = performance.now();
  updateRunEnabled();
}

boot();
