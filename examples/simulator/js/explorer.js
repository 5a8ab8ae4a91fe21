// The single-case explorer: one case of the portfolio, the decision a policy takes
// for it at the start instant (evaluated in the worker).
import { $, h } from './dom.js';
import { ARMS } from './constants.js';
import { fmtInstant } from './format.js';
import { call } from './worker-client.js';
import { readStart } from './fields.js';
import { editors } from './editor.js';
import { editedTables, tableEditor } from './tables.js';
import { portfolioInfo } from './portfolio.js';
import { renderDecision } from './decision.js';

let exploreSeq = 0;

/** The arm the explorer shows (0 champion, 1 challenger). */
export function explorerArm() {
  return Number(document.querySelector('input[name="explorer-arm"]:checked').value);
}

export async function explore() {
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
  if (tableEditor?.problems.length) {
    out.replaceChildren(h('p', { class: 'error-text' }, 'The decision table does not compile: fix it to see decisions.'));
    return;
  }
  if (editor.problems.length) {
    out.replaceChildren(h('p', { class: 'error-text' }, `The ${editor.key} policy does not compile: fix it to see its decision.`));
    return;
  }
  out.classList.add('busy');
  try {
    const { decision, case: c } = await call('evaluate', { source: editor.value, tables: editedTables(), caseId, asOf: start });
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

function stepCase(delta) {
  if (!portfolioInfo?.ids.length) return;
  const i = portfolioInfo.ids.indexOf($('#case-id').value.trim());
  const j = Math.min(portfolioInfo.ids.length - 1, Math.max(0, (i < 0 ? 0 : i + delta)));
  $('#case-id').value = portfolioInfo.ids[j];
  explore();
}

/** Wire the explorer's controls (case id, policy, previous and next). */
export function setupExplorer() {
  $('#case-id').addEventListener('change', explore);
  $('#case-id').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') explore(); });
  for (const r of document.querySelectorAll('input[name="explorer-arm"]')) r.addEventListener('change', explore);
  $('#case-prev').addEventListener('click', () => stepCase(-1));
  $('#case-next').addEventListener('click', () => stepCase(1));
}
