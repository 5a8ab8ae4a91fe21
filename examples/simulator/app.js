// The what-if simulator page (main thread): wires the modules in js/ — the scenario
// form, the two policy editors, the charts, the KPI table and the case explorer.
// Every engine call goes to worker.js, so the page stays responsive while a
// simulation runs.
import { $, h } from './js/dom.js';
import { setStatus, markReady } from './js/status.js';
import { startWorker, call } from './js/worker-client.js';
import { readInt } from './js/fields.js';
import { createEditors } from './js/editor.js';
import { setupModel } from './js/model.js';
import { setupPortfolio, refreshPortfolio } from './js/portfolio.js';
import { explore, explorerArm, setupExplorer } from './js/explorer.js';
import { updateRunEnabled, clearRunError, run, cancel, markStale } from './js/run.js';
import { resizeCharts } from './js/charts.js';

async function boot() {
  startWorker((err) => {
    setStatus('error', 'engine failed');
    $('#run-info').textContent = err.message;
  });
  const editors = createEditors({ onEdit: clearRunError });
  let hello;
  try {
    hello = await call('hello');
  } catch (e) {
    setStatus('error', 'engine failed');
    $('#run-info').replaceChildren(h('span', { class: 'error-text' }, `Could not load the engine: ${e.message}`));
    return;
  }
  $('#start').value = hello.start;
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
  await Promise.all(editors.map((e) => e.diagnose()));

  // Portfolio and horizon controls.
  setupPortfolio({ info: explore, settled: updateRunEnabled });
  $('#days').addEventListener('input', () => readInt('#days', 1, 3650));
  await refreshPortfolio();

  setupExplorer();

  for (const el of document.querySelectorAll('.sidebar, .editors')) el.addEventListener('input', markStale);
  $('#model-reset').addEventListener('click', markStale);
  $('#run').addEventListener('click', run);
  $('#cancel').addEventListener('click', cancel);
  window.addEventListener('resize', resizeCharts);

  markReady();
  setStatus('ready', 'ready');
  window.__recobroReadyMs = performance.now();
  updateRunEnabled();
}

boot();
