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
