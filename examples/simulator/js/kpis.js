// The KPI table of a simulation result: champion, challenger and their difference,
// each cell carrying its exact value (data-kpi, data-arm, data-value).
import { $, h } from './dom.js';
import { CHANNELS } from './constants.js';
import { fmt, isZero, isNegative } from './format.js';

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

/** Fill #kpi-table with `result`; `runCount` goes to its data-run. */
export function renderKpis(result, runCount) {
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
