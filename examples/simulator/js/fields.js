// Reading and validating the scenario's form fields (invalid ones are marked).
import { $ } from './dom.js';

export function readInt(sel, min, max) {
  const el = $(sel);
  const v = Number(el.value);
  const ok = el.value.trim() !== '' && Number.isInteger(v) && v >= min && v <= max;
  el.classList.toggle('invalid', !ok);
  return ok ? v : null;
}

/** The start instant (RFC 3339 with an offset), or null. */
export function readStart() {
  const el = $('#start');
  const v = el.value.trim();
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
  el.classList.toggle('invalid', !ok);
  return ok ? v : null;
}

/** The daily capacities per channel (`{call: 400}`; an empty field is no limit), or
 * null when a field is not a whole number from 0 to 10,000,000 (it is marked). */
export function readCapacity() {
  const out = {};
  let ok = true;
  for (const el of document.querySelectorAll('input[data-capacity]')) {
    const v = el.value.trim();
    if (v === '') {
      el.classList.remove('invalid');
      continue;
    }
    const n = Number(v);
    const good = Number.isInteger(n) && n >= 0 && n <= 10_000_000;
    el.classList.toggle('invalid', !good);
    if (good) out[el.dataset.capacity] = n;
    else ok = false;
  }
  return ok ? out : null;
}
