// The results section: the KPI table, the charts and the summary line of a run, and
// with replications the size of a live test in words.
import { $, h } from './dom.js';
import { fmt, fmtInstant, plural } from './format.js';
import { renderKpis } from './kpis.js';
import { renderCharts } from './charts.js';

/** Show `result`, the page's run number `runCount`. */
export function renderResults(result, runCount) {
  renderKpis(result, runCount);
  renderCharts(result);
  renderLiveTest(result);
  const s = result.settings;
  const totalContacts = result.arms.map((a) => a.kpis.contacts.reduce((x, y) => x + y, 0));
  $('#results-meta').textContent =
    `${result.arms[0].kpis.cases} cases, ${s.days} days from ${fmtInstant(s.start)}, seed ${s.seed}` +
    `${result.uncertainty ? ` and ${plural(result.uncertainty.replications - 1, 'more replication')}` : ''}; ` +
    result.arms.map((a, i) => `${a.role}: ${a.policy} (${fmt(totalContacts[i], 0)} contacts)`).join(' · ');
  $('#results').dataset.state = 'done';
  $('#results').dataset.run = String(runCount);
  $('#results-stale').hidden = true;
}

const pct = (v) => `${fmt(String(Number(v) * 100), 0)}%`;

/** One live-test figure in words (`t`: a `live_test` entry of the challenger). */
function liveTestLine(t, cur) {
  const money = t.metric === 'collected_per_case';
  const what = money ? 'the amount collected per case' : t.metric === 'cured_pct' ? 'the share of cases cured' : t.metric;
  const val = (v) => (money ? `${fmt(v, 2)} ${cur}` : `${fmt(v, 2)} %`);
  const diff = Number(t.challenger) - Number(t.champion);
  const lead = `In ${what} (champion ${val(t.champion)}, challenger ${val(t.challenger)} on average` +
    `${money && t.sd ? `; ${fmt(t.sd, 2)} ${cur} standard deviation between cases` : ''}): `;
  if (t.cases_per_arm == null) {
    return h('li', { dataset: { metric: t.metric } }, lead, `no live test size${t.note ? `: ${t.note}` : ''}.`);
  }
  return h('li', { dataset: { metric: t.metric, casesPerArm: String(t.cases_per_arm), casesTotal: String(t.cases_total) } },
    lead,
    `a 50/50 live test needs about `, h('strong', {}, `${fmt(t.cases_per_arm, 0)} cases per arm`),
    ` (${fmt(t.cases_total, 0)} in all) to detect this difference ` +
    `(${money ? `${fmt(String(diff), 2, { sign: true })} ${cur}` : `${fmt(String(diff), 2, { sign: true })} points`}).`);
}

/** The live test's size in words, from the result's `uncertainty` (hidden without). */
function renderLiveTest(result) {
  const el = $('#live-test');
  const u = result.uncertainty;
  const tests = u?.arms.slice(1).flatMap((a) => a.live_test) ?? [];
  el.hidden = !u;
  if (!u) {
    el.replaceChildren();
    return;
  }
  const cur = result.settings.response.report_currency;
  const alpha = pct(u.live_test_alpha);
  const power = pct(u.live_test_power);
  el.replaceChildren(
    h('h4', {}, 'Confirming it live'),
    h('p', { class: 'hint' },
      `A simulated difference rests on the response model. To confirm it on real debtors, split new cases 50/50 ` +
      `between the two policies; a test two-sided at ${alpha} significance with ${power} power needs:`),
    tests.length ? h('ul', {}, ...tests.map((t) => liveTestLine(t, cur))) : h('p', { class: 'hint' }, 'No challenger to test.'),
  );
}

/** Say that the inputs changed since the results shown. */
export function showStale() {
  $('#results-stale').hidden = false;
}
