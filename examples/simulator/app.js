// The what-if simulator page (main thread): wires the modules in js/ — the scenario
// form, the two policy editors, the decision table editor, the charts, the KPI table
// and the case explorer.
// Every engine call goes to worker.js, so the page stays responsive while a
// simulation runs.
import { $, h } from './js/dom.js';
import { setStatus, markReady } from './js/status.js';
import { startWorker, call } from './js/worker-client.js';
import { readCapacity, readInt } from './js/fields.js';
import { createEditors } from './js/editor.js';
import { createTableEditor, editedTables, loadTables } from './js/tables.js';
import { setupModel } from './js/model.js';
import { setupPortfolio, refreshPortfolio } from './js/portfolio.js';
import { explore, explorerArm, setupExplorer } from './js/explorer.js';
import { updateRunEnabled, clearRunError, run, cancel, markStale } from './js/run.js';
import { resizeCharts } from './js/charts.js';
import { MAX_REPLICATIONS } from './js/constants.js';

async function boot() {
  startWorker((err) => {
    setStatus('error', 'engine failed');
    $('#run-info').textContent = err.message;
  });
  // The shipped decision tables, fetched while the engine loads.
  const shippedTables = loadTables();
  shippedTables.catch(() => {}); // reported below
  const editors = createEditors({ onEdit: clearRunError, tables: editedTables });
  const tableEditor = createTableEditor({ onEdit: clearRunError });
  let hello;
  try {
    hello = await call('hello');
  } catch (e) {
    setStatus('error', 'engine failed');
    $('#run-info').replaceChildren(h('span', { class: 'error-text' }, `Could not load the engine: ${e.message}`));
    return;
  }
  setupModel(hello.response, updateRunEnabled);

  for (const [i, ed] of editors.entries()) {
    ed.setPresets(hello.presets);
    ed.onChange(() => {
      updateRunEnabled();
      if (explorerArm() === i) explore();
    });
  }
  editors[0].value = hello.champion;
  editors[1].value = hello.challenger;
  const checked = Promise.all(editors.map((e) => e.diagnose()));
  try {
    tableEditor.load(await shippedTables);
  } catch (e) {
    tableEditor.failed(e);
  }
  // A checked table edit: check both policies again with it (their checks refresh the
  // case explorer and the Run button).
  tableEditor.onChange(() => {
    updateRunEnabled();
    for (const ed of editors) ed.diagnose();
  });

  $('#days').addEventListener('input', () => readInt('#days', 1, 3650));
  $('#replications').addEventListener('input', () => readInt('#replications', 1, MAX_REPLICATIONS));
  for (const el of document.querySelectorAll('input[data-capacity]')) el.addEventListener('input', () => readCapacity());
  for (const el of document.querySelectorAll('.sidebar, .editors, #table-editor')) el.addEventListener('input', markStale);
  $('#model-reset').addEventListener('click', markStale);
  $('#table-reset').addEventListener('click', markStale);
  $('#run').addEventListener('click', run);
  $('#cancel').addEventListener('click', cancel);
  window.addEventListener('resize', resizeCharts);

  // Interactive: the engine answered, the editors hold the policies and take edits,
  // and Run works; the engine checks the two policies next (their first compile is
  // the engine's slowest call: the code it runs is compiled on first use).
  markReady();
  setStatus('ready', 'ready');
  window.__recobroReadyMs = performance.now();
  performance.mark('recobro-ready');
  updateRunEnabled();
  await checked;
  window.__recobroCheckedMs = performance.now();
  performance.mark('recobro-checked');

  // Then the portfolio the case explorer shows (generated in the worker).
  setupPortfolio({ info: explore, settled: updateRunEnabled });
  setupExplorer();
  await refreshPortfolio();
}

boot();
