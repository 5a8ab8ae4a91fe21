// The portfolio: generated (cases, seed, start) or loaded from a file, held in the
// worker; the page keeps its summary (count, ids, jurisdictions, currencies).
import { $, h, debounce } from './dom.js';
import { call } from './worker-client.js';
import { readInt, readStart } from './fields.js';

/** The portfolio in the worker: {count, ids, jurisdictions, currencies, key}, or null. */
export let portfolioInfo = null;
let loadedFile = null; // {name, text}
let onInfo = () => {};
let onSettled = () => {};

export function portfolioKind() {
  return document.querySelector('input[name="portfolio-kind"]:checked').value;
}

/** Forget the portfolio, so the next refresh rebuilds it in the worker. */
export function resetPortfolio() {
  portfolioInfo = null;
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
  onInfo();
}

/** Build the portfolio in the worker if its inputs changed. */
export async function refreshPortfolio() {
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
    onSettled();
  }
}

/** Wire the portfolio controls. `info()` is called when a new portfolio is in place,
 * `settled()` after every refresh. */
export function setupPortfolio({ info, settled }) {
  onInfo = info;
  onSettled = settled;
  const refreshSoon = debounce(refreshPortfolio, 300);
  for (const sel of ['#cases-n', '#seed', '#start']) $(sel).addEventListener('input', refreshSoon);
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
}
