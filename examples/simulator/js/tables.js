// The decision table editor: the embedded decision tables the policies call with
// `c.table(name, inputs)` (rules/tables/NAME.json, served beside the page as
// tables/NAME.json by assemble.sh), editable in place. A table whose text differs from
// the shipped one is passed to the engine in the policy options of both policies
// (`tables: {NAME: text}`) when they are checked, simulated and explored; the others
// stay the engine's embedded ones. Each edit is checked in the worker (debounced): a
// table that does not compile (bad JSON, a row never reached, a gap) is shown under
// the editor and at its line, as a policy error is.
import { $, h } from './dom.js';
import { TABLES } from './constants.js';
import { call } from './worker-client.js';
import { Editor } from './editor.js';

/** The table editor (set by createTableEditor). */
export let tableEditor;

/** The edited tables, `{name: JSON text}` (empty when every table is as shipped). */
export function editedTables() {
  return tableEditor ? tableEditor.edited() : {};
}

/** Fetch the shipped tables' texts, `{name: JSON text}`. */
export async function loadTables() {
  const entries = await Promise.all(TABLES.map(async (name) => {
    const r = await fetch(`tables/${name}.json`);
    if (!r.ok) throw new Error(`tables/${name}.json: HTTP ${r.status}`);
    return [name, await r.text()];
  }));
  return Object.fromEntries(entries);
}

function tableCard() {
  return [
    h('div', { class: 'editor-head' },
      h('span', { class: 'swatch' }),
      h('h2', {}, 'Decision table'),
      h('select', { id: 'table-select', class: 'preset', 'aria-label': 'The decision table to edit' },
        TABLES.map((name) => h('option', { value: name }, name))),
      h('span', { class: 'policy-name', id: 'table-name' }),
      h('button', { type: 'button', id: 'table-reset', class: 'link', disabled: true }, 'Reset to the shipped table')),
    h('p', { class: 'hint table-hint' },
      'The tables the policies call with ', h('code', {}, 'c.table(name, inputs)'), ': the shipped consumer policy picks its ',
      'treatment from ', h('code', {}, 'consumer_treatment'), ' (the first row that matches) and its stage from ',
      h('code', {}, 'collection_stage'), '. An edited table is used by both policies, in the simulation and the case explorer.'),
    h('div', { class: 'editor table-editor', id: 'table-editor-wrap' },
      h('div', { class: 'gutter', 'aria-hidden': 'true' }),
      h('div', { class: 'code-area' },
        h('div', { class: 'line-hl', hidden: true }),
        h('textarea', {
          id: 'table-editor', 'data-testid': 'table-editor', wrap: 'off', spellcheck: 'false',
          autocomplete: 'off', autocapitalize: 'off', 'aria-label': 'Decision table (JSON)',
        }))),
    h('p', { class: 'editor-error', id: 'table-error', 'data-testid': 'table-error', role: 'alert' }),
  ];
}

/** Build the table editor into `#table-card`. `onEdit()` is called on every edit. */
export function createTableEditor({ onEdit } = {}) {
  $('#table-card').replaceChildren(...tableCard());
  tableEditor = new TableEditor({ onEdit });
  return tableEditor;
}

class TableEditor extends Editor {
  constructor({ onEdit } = {}) {
    super('table', { onEdit });
    this.shipped = {};
    this.texts = {};
    this.current = TABLES[0];
    this.selectEl = $('#table-select');
    this.resetEl = $('#table-reset');
    this.card = $('#table-card');
    this.selectEl.addEventListener('change', () => this.select(this.selectEl.value));
    this.resetEl.addEventListener('click', () => {
      if (this.shipped[this.current] != null) this.value = this.shipped[this.current];
    });
  }

  /** Fill the editor with the shipped tables (no check: they are the embedded ones). */
  load(texts) {
    this.shipped = { ...texts };
    this.texts = { ...texts };
    this.current = TABLES[0];
    this.selectEl.value = this.current;
    this.textarea.value = this.texts[this.current] ?? '';
    this.textarea.scrollTop = 0;
    this.renderGutter();
    this.show({ problems: [] });
  }

  /** The tables could not be fetched: say so, and edit nothing. */
  failed(e) {
    this.textarea.readOnly = true;
    this.errorEl.replaceChildren(h('span', { class: 'err-msg' }, `Could not load the decision tables: ${e.message}`));
    this.errorEl.dataset.state = 'error';
  }

  /** Show another table in the editor (its text, edited or not, is kept). */
  select(name) {
    if (name === this.current || this.texts[name] == null) return;
    this.current = name;
    this.selectEl.value = name;
    this.value = this.texts[name];
  }

  changed() {
    if (this.texts && this.texts[this.current] != null) this.texts[this.current] = this.value;
    this.renderState();
    super.changed();
  }

  /** `{name: text}` of the tables whose text differs from the shipped one. */
  edited() {
    return Object.fromEntries(Object.entries(this.texts).filter(([name, text]) => text !== this.shipped[name]));
  }

  renderState() {
    const edited = Object.keys(this.edited());
    this.card.dataset.edited = edited.join(' ');
    this.resetEl.disabled = !edited.includes(this.current);
  }

  isOwn(p) {
    return p.module === `tables/${this.current}`;
  }

  /** An error in the other table: show that table, then go to the line. */
  goToError() {
    const p = this.problems[0];
    const name = p?.module?.startsWith('tables/') ? p.module.slice('tables/'.length) : null;
    if (name && name !== this.current && TABLES.includes(name)) {
      this.select(name);
      this.show({ problems: this.problems });
    }
    super.goToError();
  }

  check() {
    return call('checkTables', { tables: this.edited() });
  }

  label() {
    const edited = this.edited();
    const others = Object.keys(edited).filter((n) => n !== this.current);
    return `${this.current in edited ? 'edited' : 'as shipped'}${others.length ? ` (also edited: ${others.join(', ')})` : ''}`;
  }
}
