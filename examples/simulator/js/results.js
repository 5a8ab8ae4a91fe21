// The results section: the KPI table, the charts and the summary line of a run.
import { $ } from './dom.js';
import { fmt, fmtInstant } from './format.js';
import { renderKpis } from './kpis.js';
import { renderCharts } from './charts.js';

/** Show `result`, the page's run number `runCount`. */
export function renderResults(result, runCount) {
  renderKpis(result, runCount);
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

/** Say that the inputs changed since the results shown. */
export function showStale() {
  $('#results-stale').hidden = false;
}
