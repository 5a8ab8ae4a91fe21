// The KPI table of a simulation result: champion, challenger and their difference,
// each cell carrying its exact value (data-kpi, data-arm, data-value). With
// replications (the result's `uncertainty`), each KPI that has one also shows its mean
// over the replications and 95% interval (span.ci: data-estimate, data-lo, data-hi),
// and each difference its paired interval and verdict (span.verdict: data-verdict);
// a difference is then coloured by its verdict, not by its sign.
import { $, h } from './dom.js';
import { CHANNELS } from './constants.js';
import { fmt, isZero, isNegative } from './format.js';

const KPIS = [
  { key: 'cases', label: 'Cases', kind: 'int' },
  { key: 'decisions', label: 'Decisions', kind: 'int' },
  { key: 'opening', label: 'Opening balance', kind: 'money' },
  { key: 'collected', label: 'Collected', kind: 'money', better: 1, strong: true },
  // Only with replications (the arms' KPIs have no per-case figure).
  { key: 'collected_per_case', label: 'Collected per case', kind: 'money', better: 1, uncertain: true },
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

const VERDICTS = {
  better: 'better',
  worse: 'worse',
  higher: 'higher',
  lower: 'lower',
  not_distinguishable: 'not distinguishable',
};

/** A mean or a bound, shorter than the exact value: money compact (12.3K), the rest
 * with its kind's digits. */
function fmtCi(v, kind, sign) {
  const o = { sign };
  switch (kind) {
    case 'money': return Math.abs(Number(v)) >= 10000 ? fmt(String(v), 1, { ...o, compact: true }) : fmt(String(v), 2, o);
    case 'pct': return `${fmt(String(v), 2, o)} %`;
    case 'dec2': return fmt(String(v), 2, o);
    default: return fmt(String(v), 1, o);
  }
}

/** The mean and 95% interval of `iv` ({estimate, lo, hi}) as a span. */
function ciSpan(iv, k, sign, what) {
  return h('span', {
    class: 'ci',
    dataset: { estimate: iv.estimate, lo: iv.lo, hi: iv.hi },
    title: `${what}: ${iv.estimate}; 95% interval ${iv.lo} to ${iv.hi}`,
  }, `${fmtCi(iv.estimate, k.kind, sign)} (${fmtCi(iv.lo, k.kind, sign)} to ${fmtCi(iv.hi, k.kind, sign)})`);
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

/** Fill #kpi-table with `result`; `runCount` goes to its data-run. */
export function renderKpis(result, runCount) {
  const [champ, chall] = result.arms;
  const diff = chall?.vs_champion;
  const u = result.uncertainty;
  // KPI name -> interval, per arm; and the challenger's differences.
  const ivs = (u?.arms ?? []).map((a) => new Map(a.kpis.map((x) => [x.kpi, x])));
  const diffs = new Map((u?.arms[1]?.vs_champion ?? []).map((x) => [x.kpi, x]));
  $('#kpi-currency').textContent = `(money in ${result.settings.response.report_currency})`;
  const note = $('#kpi-note');
  note.hidden = !u;
  note.textContent = u
    ? `Each value is the run with seed ${result.settings.seed}. Under it: the mean over ${u.replications} replications, ` +
      `with its 95% interval in parentheses. Both policies meet the same luck in each replication, so each difference ` +
      `is paired (replication by replication) and coloured only when its interval excludes zero.`
    : '';
  const table = $('#kpi-table');
  table.closest('.kpi-card').classList.toggle('uncertain', !!u);
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
    if (k.uncertain && !u) continue;
    if (k.group && !groupStarted) {
      groupStarted = true;
      rows.push(h('tr', { class: 'group' }, h('th', { colspan: diff ? 4 : chall ? 3 : 2, scope: 'rowgroup' }, 'Contacts by channel')));
    }
    const cell = (arm, v, sign) => (v === undefined
      // A KPI only the replications have: no value of the seed's run.
      ? h('td', { class: 'num', dataset: { kpi: k.key, arm } })
      : h('td', {
        class: 'num',
        dataset: { kpi: k.key, arm, value: String(v) },
      }, fmtKpi(v, k.kind, sign)));
    const armCell = (arm, i, kpis) => {
      const td = cell(arm, kpiValue(kpis, k));
      const iv = ivs[i]?.get(k.key);
      if (iv) td.append(ciSpan(iv, k, false, `mean over ${u.replications} replications`));
      return td;
    };
    const tr = h('tr', { dataset: { kpi: k.key }, class: k.strong ? 'strong' : null },
      h('th', { scope: 'row' }, k.label),
      armCell('champion', 0, champ.kpis),
      chall ? armCell('challenger', 1, chall.kpis) : null);
    if (diff) {
      const v = kpiValue(diff, k);
      const td = cell('difference', v, true);
      td.classList.add('diff');
      const d = diffs.get(k.key);
      if (d) {
        td.append(ciSpan(d, k, true, 'mean paired difference'), h('span', {
          class: `verdict ${d.verdict}`,
          dataset: { verdict: d.verdict },
          title: d.verdict === 'not_distinguishable'
            ? 'the 95% interval holds zero'
            : `the 95% interval excludes zero (${d.verdict})`,
        }, VERDICTS[d.verdict] ?? d.verdict));
        if (d.verdict === 'better' || d.verdict === 'worse') td.classList.add(d.verdict === 'better' ? 'good' : 'bad');
      } else if (!u && k.better && !isZero(v)) {
        // With replications a difference is coloured by its verdict only.
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
