// The rendering of one decision in the case explorer: the case's facts, the next
// action (or why none) with its best contact moment, the scores with their reason
// codes, the candidates with their compliance verdicts and best moments, charges,
// offers and the trace.
import { h } from './dom.js';
import { ARMS } from './constants.js';
import { fmt, fmtInstant } from './format.js';

function badge(text, kind) {
  return h('span', { class: `badge ${kind ?? ''}` }, text);
}

function describeCandidate(c) {
  if (c.kind === 'contact') return [h('strong', {}, c.channel), c.template ? h('span', { class: 'muted' }, ` · ${c.template}`) : null];
  return [h('strong', {}, c.kind.replace(/_/g, ' ')), c.channel ? h('span', { class: 'muted' }, ` · ${c.channel}`) : null];
}

function confidenceBadge(conf) {
  return conf ? h('span', { class: `conf conf-${conf}`, title: `confidence: ${conf}` }, conf.replace('_', ' ')) : null;
}

/** A probability (a decimal string from the engine, `0.377541`) as a percent
 * (`37.8%`), shifting the decimal point of the string (no float on the way). */
function pct(p) {
  const [int, frac = ''] = String(p).split('.');
  const f = frac.padEnd(2, '0');
  const shifted = `${BigInt(`${int}${f.slice(0, 2)}`)}${f.length > 2 ? `.${f.slice(2)}` : ''}`;
  return `${fmt(shifted, 1)}%`;
}

const WEEKDAYS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** A contact's best moment (`best_at`, from the policy's `contact_timing()`) and the
 * evidence behind it (`best_slot`): the expected right-party-contact rate at that
 * slot, its local hour and weekday, the debtor's own attempts at that local hour and
 * how many reached them, the prior it was shrunk toward and its weight (in attempts),
 * and how many slots the compliance rules were asked about before this one passed.
 * `null` without a best moment. */
function renderBest(x, { label = false } = {}) {
  if (!x.best_at) return null;
  const s = x.best_slot;
  const data = { bestAt: x.best_at };
  if (s) {
    Object.assign(data, {
      rate: s.rate, localHour: String(s.local_hour), weekday: s.weekday, attempts: String(s.attempts),
      rightParty: String(s.right_party), prior: s.prior, priorRate: s.prior_rate, priorWeight: s.prior_weight,
      slotsChecked: String(s.slots_checked),
    });
  }
  const local = s ? `${WEEKDAYS[s.weekday] ?? s.weekday} ${String(s.local_hour).padStart(2, '0')}:00 local` : null;
  return h('div', { class: 'best', dataset: data },
    label ? h('span', { class: 'best-label' }, 'Best moment') : null,
    h('span', { class: 'best-at', title: x.best_at }, `best at ${fmtInstant(x.best_at)}`),
    local ? h('span', { class: 'best-local' }, ` (${local})`) : null,
    s ? h('div', { class: 'best-evidence' },
      h('span', { class: 'best-rate', title: `expected right-party-contact rate ${s.rate}` }, `${pct(s.rate)} expected reach`),
      s.attempts === 0 ? ' · no attempt at that hour yet'
        : ` · ${s.right_party} of ${s.attempts} attempt${s.attempts === 1 ? '' : 's'} at that hour reached them`,
      ` · prior ${s.prior} ${pct(s.prior_rate)} weighing ${s.prior_weight} attempt${s.prior_weight === '1' ? '' : 's'}`,
      ` · ${s.slots_checked} slot${s.slots_checked === 1 ? '' : 's'} checked`) : null);
}

/** The scorecards the policy called (`d.scores`): per scorecard its score, band,
 * probability with its event, and its reason codes (the characteristics that cost the
 * most points against their best bin, largest shortfall first). */
function renderScores(scores) {
  return h('div', { class: 'scores' }, scores.map((s) => h('div', {
    class: 'score',
    dataset: { scorecard: s.scorecard, score: String(s.score), band: s.band, ...(s.probability != null ? { probability: s.probability } : {}) },
  },
  h('div', { class: 'score-head' },
    h('span', { class: 'score-title' }, h('strong', { class: 'score-name mono' }, s.scorecard), h('span', { class: 'muted' }, ` v${s.version}`)),
    h('span', { class: 'score-value' }, h('span', { class: 'k' }, 'score'), ' ', h('strong', {}, String(s.score))),
    h('span', { class: 'score-band' }, h('span', { class: 'k' }, 'band'), ' ', badge(s.band, `band band-${s.band}`)),
    s.probability != null
      ? h('span', { class: 'score-probability', title: `probability ${s.probability}` },
        h('span', { class: 'k' }, 'probability'), ' ', h('strong', {}, pct(s.probability)),
        h('span', { class: 'muted' }, ` (${s.probability})`), s.event ? h('span', { class: 'score-event' }, ` of “${s.event}”`) : null)
      : h('span', { class: 'muted' }, 'not calibrated (no probability)')),
  s.reasons?.length
    ? h('table', { class: 'reasons' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Reason code'), h('th', {}, 'Reason'), h('th', { class: 'num' }, 'Points'),
        h('th', { class: 'num' }, 'Best'), h('th', { class: 'num' }, 'Cost'))),
      h('tbody', {}, s.reasons.map((r) => h('tr', {
        class: 'reason', dataset: { characteristic: r.characteristic, points: String(r.points), best: String(r.best) },
      },
      h('td', { class: 'mono' }, r.characteristic),
      h('td', {}, r.reason),
      h('td', { class: 'num' }, String(r.points)),
      h('td', { class: 'num' }, String(r.best)),
      h('td', { class: 'num cost' }, `−${r.best - r.points}`)))))
    : h('p', { class: 'muted small' }, 'No reason codes: every characteristic gave its best points.'))));
}

/** A decision of a policy (`arm`) for case `c`, as a document fragment. */
export function renderDecision(d, c, arm) {
  const frag = document.createDocumentFragment();

  // Facts.
  const debts = c.debts ?? [];
  const currencies = [...new Set(debts.map((x) => x.currency))];
  const facts = d.trace?.find((t) => t.step === 'facts')?.detail;
  frag.append(h('div', { class: 'facts' },
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'case'), h('span', { class: 'v mono' }, d.case_id)),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'segment'), h('span', { class: 'v' }, badge(d.segment ?? '—', 'segment'))),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'debtor'), h('span', { class: 'v' }, `${c.debtor?.kind ?? ''} · ${c.debtor?.jurisdiction ?? ''} · ${c.debtor?.timezone ?? ''}`)),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'debts'), h('span', { class: 'v' }, `${debts.length} in ${currencies.join(', ')}`)),
    h('div', { class: 'fact' }, h('span', { class: 'k' }, 'policy'), h('span', { class: 'v' }, h('span', { class: `dot ${ARMS[arm].key}` }), `${d.policy?.name} ${d.policy?.version}`)),
  ));
  if (facts) frag.append(h('p', { class: 'facts-line mono' }, facts));

  // The decision.
  if (d.action) {
    const a = d.action;
    frag.append(h('div', { class: 'action ok', dataset: { kind: a.kind, ...(a.channel ? { channel: a.channel } : {}), ...(a.template ? { template: a.template } : {}) } },
      h('span', { class: 'action-label' }, 'Next action'),
      h('span', { class: 'action-what' }, ...describeCandidate(a)),
      a.priority != null ? h('span', { class: 'muted' }, ` priority ${a.priority}`) : null,
      a.reason ? h('span', { class: 'action-reason' }, `“${a.reason}”`) : null,
      h('span', { class: 'muted' }, ` earliest at ${fmtInstant(a.earliest_at)}`),
      renderBest(a, { label: true })));
  } else {
    frag.append(h('div', { class: 'action none' },
      h('span', { class: 'action-label' }, 'No action'),
      h('span', { class: 'action-reason' }, d.no_action_reason ?? ''),
      h('span', { class: 'muted' }, d.next_allowed_at ? ` next allowed at ${fmtInstant(d.next_allowed_at)}` : '')));
  }

  // Scores (the scorecards the policy called), with their reason codes.
  if (d.scores?.length) {
    frag.append(h('h4', {}, `Scores (${d.scores.length})`), renderScores(d.scores));
  }

  // Candidates with their compliance verdicts.
  const compliance = d.compliance ?? [];
  const byCandidate = (i) => compliance.filter((r) => r.candidate === i);
  if (d.candidates?.length) {
    const rows = d.candidates.map((cand, i) => {
      const rules = byCandidate(i);
      const blocked = rules.filter((r) => r.outcome !== 'allowed');
      const allowed = rules.filter((r) => r.outcome === 'allowed');
      const ruleItem = (r) => h('li', { class: r.outcome === 'allowed' ? 'rule allowed' : 'rule blocked' },
        h('span', { class: 'rule-id mono' }, r.rule), ' ', confidenceBadge(r.confidence),
        h('div', { class: 'rule-detail' }, r.detail ?? ''),
        h('div', { class: 'citation' }, r.citation ?? ''));
      const chosen = d.action && cand.kind === d.action.kind && cand.channel === d.action.channel &&
        cand.template === d.action.template && cand.priority === d.action.priority;
      return h('tr', { class: chosen ? 'chosen' : null, dataset: { verdict: cand.verdict } },
        h('td', { class: 'num' }, String(i + 1)),
        h('td', {}, ...describeCandidate(cand), chosen ? badge('chosen', 'chosen') : null,
          cand.reason ? h('div', { class: 'muted small' }, cand.reason) : null),
        h('td', { class: 'num' }, cand.priority ?? ''),
        h('td', {}, badge(cand.verdict, cand.verdict === 'allowed' ? 'allowed' : 'blocked'),
          cand.next_allowed_at ? h('div', { class: 'muted small' }, `next allowed ${fmtInstant(cand.next_allowed_at)}`) :
            cand.verdict !== 'allowed' ? h('div', { class: 'muted small' }, 'only a person can lift it') : null),
        h('td', {}, renderBest(cand) ?? h('span', { class: 'muted' }, '—')),
        h('td', {},
          blocked.length ? h('ul', { class: 'rules' }, blocked.map(ruleItem)) : null,
          allowed.length ? h('details', { class: 'allowed-rules' },
            h('summary', {}, `${allowed.length} rule${allowed.length === 1 ? '' : 's'} allowed it`),
            h('ul', { class: 'rules' }, allowed.map(ruleItem))) : null,
          !rules.length ? h('span', { class: 'muted' }, cand.kind === 'contact' ? '—' : 'a task: no contact rules') : null));
    });
    frag.append(h('h4', {}, `Candidates (${d.candidates.length})`),
      h('table', { class: 'candidates' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Candidate'), h('th', {}, 'Priority'), h('th', {}, 'Verdict'),
          h('th', { title: 'The best lawful moment within the policy\'s contact_timing() horizon, and the evidence' }, 'Best moment'),
          h('th', {}, 'Compliance'))),
        h('tbody', {}, rows)));
  } else {
    frag.append(h('h4', {}, 'Candidates'), h('p', { class: 'muted' }, 'The policy proposed no candidate.'));
  }

  // Charges and offers.
  const lines = d.charges?.lines ?? [];
  const totals = Object.entries(d.charges?.totals ?? {});
  frag.append(h('h4', {}, 'Charges'));
  if (lines.length) {
    frag.append(h('table', { class: 'charges' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Debt'), h('th', {}, 'Kind'), h('th', {}, 'Rule'), h('th', { class: 'num' }, 'Amount'), h('th', {}, 'Citation'))),
      h('tbody', {}, lines.map((l) => h('tr', {},
        h('td', { class: 'mono' }, l.debt_id ?? ''),
        h('td', {}, l.kind ?? ''),
        h('td', { class: 'mono' }, l.rule ?? ''),
        h('td', { class: 'num', dataset: { value: l.amount } }, `${fmt(l.amount, 2)} ${l.currency ?? ''}`),
        h('td', { class: 'citation' }, l.citation ?? '')))),
      h('tfoot', {}, totals.map(([cur, v]) => h('tr', {}, h('th', { colspan: 3 }, `Total ${cur}`), h('td', { class: 'num', dataset: { value: v } }, `${fmt(v, 2)} ${cur}`), h('td', {}))))));
  } else {
    frag.append(h('p', { class: 'muted' }, 'No charges owed at this instant.'));
  }
  if (d.offers?.length) {
    frag.append(h('h4', {}, 'Offers'), h('ul', { class: 'offers' }, d.offers.map((o) => h('li', {},
      h('strong', {}, o.kind), ` ${o.name ?? ''}: `,
      o.kind === 'settlement'
        ? `pay ${fmt(o.amount, 2)} ${o.currency} (${o.discount_pct}% off ${fmt(o.balance, 2)}) by ${o.pay_by}`
        : o.schedule
          ? `${o.schedule.installments?.length ?? 0} installments, down payment ${fmt(o.schedule.down_payment, 2)} ${o.currency}, total ${fmt(o.schedule.total, 2)} ${o.currency}`
          : JSON.stringify(o)))));
  }

  // Trace.
  if (d.trace?.length) {
    frag.append(h('details', { class: 'trace' },
      h('summary', {}, `Trace (${d.trace.length} steps)`),
      h('ol', {}, d.trace.map((t) => h('li', {}, h('span', { class: `step step-${t.step}` }, t.step), ' ', h('span', { class: 'mono' }, t.detail))))));
  }
  frag.append(h('details', { class: 'case-json' }, h('summary', {}, 'The case (JSON)'), h('pre', {}, JSON.stringify(c, null, 2))));
  return frag;
}
