// The response model inputs: reach per channel and pay-in-full per segment as small
// tables, and the whole model as JSON (both edit the same model).
import { $, h, debounce } from './dom.js';
import { CHANNELS } from './constants.js';

const SEGMENT_ORDER = ['preventive', 'administrative', 'extrajudicial', 'legal', 'promise_pending', 'on_plan', 'default'];
const DECIMAL = /^\d+(\.\d+)?$/;

/** The response model being edited (plain JSON, decimals as strings). */
export let model = null;
/** Whether every model input is valid. */
export let modelValid = true;
let defaultModel = null;
let onValidity = () => {};

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
  onValidity();
}

/** Start editing `response` (the documented defaults); `validityChanged()` is called
 * after each edit. */
export function setupModel(response, validityChanged) {
  onValidity = validityChanged;
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
