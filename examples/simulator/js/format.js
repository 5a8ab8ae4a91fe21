// Number, instant and count formatting for the page.

// Exact decimal formatting: Intl.NumberFormat formats a decimal *string* exactly
// (no float on the way), so the display is the rounded exact value.
const fmtCache = new Map();
export function fmt(value, digits, opts = {}) {
  const key = `${digits}|${opts.sign ? 1 : 0}|${opts.compact ? 1 : 0}`;
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: opts.compact ? 0 : digits,
      maximumFractionDigits: digits,
      signDisplay: opts.sign ? 'exceptZero' : 'auto',
      notation: opts.compact ? 'compact' : 'standard',
      roundingMode: 'halfExpand',
    });
    fmtCache.set(key, f);
  }
  return f.format(typeof value === 'string' ? value : Number(value));
}

export const isZero = (v) => /^[-+]?0*(\.0*)?$/.test(String(v));
export const isNegative = (v) => String(v).trim().startsWith('-') && !isZero(v);

export function fmtInstant(s) {
  return s ? String(s).replace('T', ' ').replace(/:00Z$/, 'Z') : '—';
}

export const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
