// The two policy editors: their cards, a textarea with a line-number gutter, the
// checks of each edit in the worker (debounced) and the error shown under the editor
// and at its line. The decision table editor (js/tables.js) is one more Editor.
import { $, h, debounce } from './dom.js';
import { ARMS } from './constants.js';
import { call } from './worker-client.js';

const LINE_HEIGHT = 20; // px, as in style.css (.editor textarea, .gutter div)
const PAD_TOP = 8; // px, as in style.css

/** The editors, champion then challenger (set by createEditors). */
export let editors;

/** Build the editor cards into `.editors` and an Editor for each arm.
 * `onEdit()` is called on every edit, before it is checked; `tables()` gives the
 * edited decision tables (`{name: JSON text}`) a policy is checked with. */
export function createEditors({ onEdit, tables } = {}) {
  $('.editors').replaceChildren(...ARMS.map(editorCard));
  editors = ARMS.map((arm) => new Editor(arm.key, { onEdit, tables }));
  return editors;
}

function editorCard({ key, label }) {
  return h('div', { class: `editor-card ${key}` },
    h('div', { class: 'editor-head' },
      h('span', { class: 'swatch' }),
      h('h2', {}, label),
      h('span', { class: 'policy-name', id: `${key}-name` }),
      h('select', { id: `${key}-preset`, class: 'preset', 'aria-label': `Load an embedded policy into the ${key}` })),
    h('div', { class: 'editor', id: `${key}-editor-wrap` },
      h('div', { class: 'gutter', 'aria-hidden': 'true' }),
      h('div', { class: 'code-area' },
        h('div', { class: 'line-hl', hidden: true }),
        h('textarea', {
          id: `${key}-editor`, 'data-testid': `${key}-editor`, wrap: 'off', spellcheck: 'false',
          autocomplete: 'off', autocapitalize: 'off', 'aria-label': `${label} policy (Rhai)`,
        }))),
    h('p', { class: 'editor-error', id: `${key}-error`, 'data-testid': `${key}-error`, role: 'alert' }));
}

export class Editor {
  constructor(key, { onEdit, tables } = {}) {
    this.key = key;
    this.textarea = $(`#${key}-editor`);
    this.wrap = $(`#${key}-editor-wrap`);
    this.gutter = this.wrap.querySelector('.gutter');
    this.hl = this.wrap.querySelector('.line-hl');
    this.errorEl = $(`#${key}-error`);
    this.nameEl = $(`#${key}-name`);
    this.presetEl = $(`#${key}-preset`);
    this.onEdit = onEdit;
    this.tables = tables ?? (() => ({}));
    this.lines = 0;
    this.errorLine = null;
    this.problems = [];
    this.info = null;
    this.seq = 0;
    this.listeners = [];
    this.textarea.addEventListener('input', () => this.changed());
    this.textarea.addEventListener('scroll', () => this.syncScroll());
    this.textarea.addEventListener('keydown', (ev) => this.keydown(ev));
    this.diagnoseSoon = debounce(() => this.diagnose(), 300);
    // Click the message to go to the error.
    this.errorEl.addEventListener('click', () => this.goToError());
  }

  /** Whether a problem's line is a line of this editor's text (a policy's own
   * error, not one in a module or a decision table it uses). */
  isOwn(p) {
    return !p.module;
  }

  goToError() {
    const p = this.problems[0] ?? this.runError;
    if (p && p.line != null && this.isOwn(p)) this.reveal(p.line, p.column ?? 1);
  }

  /** Check the text in the worker: `{problems, info}`. */
  check(source) {
    return call('diagnose', { source, tables: this.tables() });
  }

  /** The name shown beside the title when the text is fine. */
  label(res) {
    return res.info ? `${res.info.name} ${res.info.version}` : '';
  }

  get value() {
    return this.textarea.value;
  }

  set value(v) {
    this.textarea.value = v;
    this.textarea.scrollTop = 0;
    this.changed();
  }

  /** `fn(editor)` is called after each check of the source. */
  onChange(fn) {
    this.listeners.push(fn);
  }

  /** Fill the menu of embedded policies; picking one loads it into the editor. */
  setPresets(paths) {
    const preset = this.presetEl;
    preset.replaceChildren(
      h('option', { value: '' }, 'Load embedded…'),
      ...paths.map((p) => h('option', { value: p }, p)),
    );
    preset.addEventListener('change', async () => {
      const path = preset.value;
      preset.value = '';
      if (!path) return;
      const src = await call('source', { path });
      if (src != null) this.value = src;
    });
  }

  changed() {
    this.runError = null;
    this.onEdit?.();
    this.renderGutter();
    this.errorEl.dataset.state = 'checking';
    this.diagnoseSoon();
  }

  keydown(ev) {
    if (ev.key === 'Tab' && !ev.shiftKey && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      document.execCommand('insertText', false, '    ');
    }
  }

  renderGutter() {
    const n = this.textarea.value.split('\n').length;
    if (n !== this.lines) {
      this.lines = n;
      const frag = document.createDocumentFragment();
      for (let i = 1; i <= n; i++) frag.append(h('div', { dataset: { line: String(i) } }, String(i)));
      // Room to scroll past the last line together with the textarea.
      frag.append(h('div', { class: 'gutter-pad' }));
      this.gutter.replaceChildren(frag);
      this.markGutter();
    }
    this.syncScroll();
  }

  markGutter() {
    this.gutter.querySelector('.error')?.classList.remove('error');
    if (this.errorLine != null) {
      this.gutter.querySelector(`[data-line="${this.errorLine}"]`)?.classList.add('error');
    }
  }

  syncScroll() {
    this.gutter.scrollTop = this.textarea.scrollTop;
    if (this.errorLine != null) {
      const top = PAD_TOP + (this.errorLine - 1) * LINE_HEIGHT - this.textarea.scrollTop;
      this.hl.style.transform = `translateY(${top}px)`;
    }
  }

  async diagnose() {
    const seq = ++this.seq;
    const source = this.value;
    let res;
    try {
      res = await this.check(source);
    } catch (e) {
      if (e.cancelled) return;
      res = { problems: [{ code: e.code ?? 'internal', message: e.detail ?? e.message }], info: null };
    }
    if (seq !== this.seq) return; // a newer edit is being checked
    this.show(res);
    for (const fn of this.listeners) fn(this);
  }

  /** Show a check's result: the error under the editor and at its line, or the name. */
  show(res) {
    this.problems = res.problems;
    this.info = res.info ?? null;
    const p = res.problems[0];
    this.errorLine = p && p.line != null && this.isOwn(p) ? p.line : null;
    this.markGutter();
    this.hl.hidden = this.errorLine == null;
    this.syncScroll();
    this.wrap.classList.toggle('has-error', !!p);
    if (p) {
      const where = [
        p.module ? `in module \`${p.module}\`` : null,
        p.line != null ? `line ${p.line}` : null,
        p.column != null ? `column ${p.column}` : null,
      ].filter(Boolean).join(', ');
      this.errorEl.replaceChildren(
        h('span', { class: 'err-where' }, where ? `${where}: ` : ''),
        h('span', { class: 'err-msg' }, p.message ?? p.code),
        h('span', { class: 'err-code' }, p.code ? ` (${p.code})` : ''),
        ...(p.help ? [h('span', { class: 'err-help' }, ` — ${p.help}`)] : []),
      );
      this.errorEl.dataset.state = 'error';
      this.errorEl.title = p.line != null && this.isOwn(p) ? 'Go to the error' : '';
      if (p.line != null) this.errorEl.dataset.line = String(p.line);
      else delete this.errorEl.dataset.line;
      if (p.module) this.errorEl.dataset.module = p.module;
      else delete this.errorEl.dataset.module;
      this.nameEl.textContent = '';
    } else {
      this.errorEl.replaceChildren();
      this.errorEl.dataset.state = 'ok';
      delete this.errorEl.dataset.line;
      delete this.errorEl.dataset.module;
      this.nameEl.textContent = this.label(res);
    }
  }

  /** Show an error the simulation hit in this policy (a runtime error) at its line,
   * until the next edit. */
  showRunError(e) {
    this.errorLine = e.line;
    this.markGutter();
    this.hl.hidden = false;
    this.syncScroll();
    this.wrap.classList.add('has-error');
    this.errorEl.replaceChildren(
      h('span', { class: 'err-where' }, `line ${e.line}, column ${e.column ?? 1}: `),
      h('span', { class: 'err-msg' }, e.detail ?? e.message),
      h('span', { class: 'err-code' }, ` (${e.code}, while simulating)`),
    );
    this.errorEl.dataset.state = 'error';
    this.errorEl.dataset.line = String(e.line);
    delete this.errorEl.dataset.module;
    this.problems = [];
    this.runError = e;
  }

  /** Put the caret at a line (and column) and scroll it into the middle of the view. */
  reveal(line, column = 1) {
    const lines = this.value.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    offset += Math.max(0, Math.min(column - 1, (lines[line - 1] ?? '').length));
    this.textarea.focus({ preventScroll: true });
    this.textarea.setSelectionRange(offset, offset);
    const view = this.textarea.clientHeight;
    this.textarea.scrollTop = Math.max(0, PAD_TOP + (line - 1) * LINE_HEIGHT - view / 2 + LINE_HEIGHT);
    this.textarea.scrollLeft = 0;
    this.syncScroll();
  }
}
