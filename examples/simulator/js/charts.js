// The result charts (uPlot): collected over time, contacts by channel and blocked
// contacts per day, one series per policy. With replications (the result's
// `uncertainty`), collected over time shows each policy's mean over the replications
// with its 95% band (`collected_band`) instead of the seed's run.
import uPlot from '../vendor/uPlot.esm.js';
import { $, debounce } from './dom.js';
import { ARMS, CHANNELS } from './constants.js';
import { fmt } from './format.js';

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

/** The data and series of a chart as drawn (for tests: `chartData('chart-collected')`). */
export function chartData(id) {
  const u = charts.get(id);
  return u ? { data: u.data, labels: u.series.map((s) => s.label), bands: (u.bands ?? []).map((b) => b.series) } : null;
}

/** Collected over time with replications: per policy the mean (a line) and the 95%
 * band (its low and high edges, filled between). */
function collectedBands(result, xSeries, dayAxis, cur) {
  const arms = result.uncertainty.arms;
  const money = (v) => `${fmt(v, 2)} ${cur}`;
  const series = [xSeries];
  const data = [arms[0].collected_band.map((b) => b.day)];
  const bands = [];
  arms.forEach((a, i) => {
    const arm = ARMS[i] ?? ARMS[ARMS.length - 1];
    const at = series.length;
    series.push(
      { label: `${arm.label} mean`, stroke: arm.color, width: 2, points: { show: false }, value: (u, v) => (v == null ? '—' : money(v)) },
      { label: `${arm.label} 95% high`, stroke: arm.edge, width: 1, dash: [4, 3], points: { show: false }, value: (u, v) => (v == null ? '—' : money(v)) },
      { label: `${arm.label} 95% low`, stroke: arm.edge, width: 1, dash: [4, 3], points: { show: false }, value: (u, v) => (v == null ? '—' : money(v)) },
    );
    data.push(
      a.collected_band.map((b) => Number(b.estimate)),
      a.collected_band.map((b) => Number(b.hi)),
      a.collected_band.map((b) => Number(b.lo)),
    );
    // uPlot fills between the two series of a band, the upper one first.
    bands.push({ series: [at + 1, at + 2], fill: arm.band });
  });
  $('#collected-note').textContent = `(cumulative; mean of ${result.uncertainty.replications} replications, 95% band)`;
  mount('chart-collected', {
    scales: { x: { time: false }, y: { range: (u, min, max) => [Math.min(0, min), Math.max(1, max) * 1.05] } },
    series,
    bands,
    axes: [dayAxis, { ...axisStyle, label: `collected (${cur})`, size: 64, values: (u, s) => s.map(compact) }],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
  }, data);
}

export function renderCharts(result) {
  const days = result.arms[0].series.map((d) => d.day);
  const dayAxis = { ...axisStyle, label: 'day of the simulation', values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')) };
  const xSeries = { label: 'day', value: (u, v) => (v == null ? '—' : `day ${v}`) };

  // (1) Collected, cumulative.
  const cur = result.settings.response.report_currency;
  if (result.uncertainty) {
    collectedBands(result, xSeries, dayAxis, cur);
  } else {
    $('#collected-note').textContent = '(cumulative)';
    mount('chart-collected', {
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.05] } },
      series: [xSeries, ...lineSeries(result, null, (v) => `${fmt(v, 2)} ${cur}`)],
      axes: [dayAxis, { ...axisStyle, label: `collected (${cur})`, size: 64, values: (u, s) => s.map(compact) }],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    }, [days, ...result.arms.map((a) => a.series.map((d) => Number(d.collected_cumulative)))]);
  }

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

/** Fit the charts to their cards (on window resize). */
export const resizeCharts = debounce(() => {
  for (const [id, u] of charts) u.setSize(chartSize($(`#${id}`)));
}, 100);
