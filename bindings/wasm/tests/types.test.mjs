// Drift test of the TypeScript declarations (`types/model.d.ts`, `types/api.d.ts`)
// against the real engine (the built package in `pkg/`).
//
// The declarations are loaded with the TypeScript compiler API and every value the
// engine really produces (decisions, contact and plan checks, simulation results,
// generated portfolios, errors, policy info and limits) is checked against its
// declared type, recursively: every key of the value must be a declared property
// (or fit an index signature), every required property must be present, and every
// leaf must have the declared kind (string, number, boolean, null, string literal,
// tuple length); strings declared as `Decimal`, `Instant` or `DateString` must have
// that format. Inputs go the other way: sample inputs that use every declared
// property of the input types must be accepted by the engine (which refuses unknown
// fields), so a declared field the engine does not know fails too.
//
//   bash build.sh && node --test tests/types.test.mjs     (from bindings/wasm)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..'); // bindings/wasm
const repo = path.resolve(root, '../..');
const MODEL = path.join(root, 'types/model.d.ts');
const API = path.join(root, 'types/api.d.ts');
const AS_OF = '2026-03-16T15:00:00Z';

if (!fs.existsSync(path.join(root, 'pkg/index.node.js'))) {
  throw new Error('the package is not built: run `bash bindings/wasm/build.sh` first');
}
const recobro = await import('../pkg/index.node.js');

// ---------------------------------------------------------------------------
// The checker

const FORMATS = {
  Decimal: (s) => /^-?\d+(\.\d+)?$/.test(s),
  Instant: (s) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  DateString: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
};

const COMPILER_OPTIONS = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.esnext.d.ts', 'lib.dom.d.ts'],
  types: [],
};

/** Load the declarations (optionally with some files' text replaced, to prove drift is caught). */
function loadTypes(overrides = {}) {
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const norm = (f) => path.resolve(f);
  const over = Object.fromEntries(Object.entries(overrides).map(([f, t]) => [norm(f), t]));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) =>
    over[norm(f)] !== undefined ? ts.createSourceFile(f, over[norm(f)], lang, true) : getSourceFile(f, lang, ...rest);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => over[norm(f)] ?? readFile(f);
  const program = ts.createProgram([MODEL, API], COMPILER_OPTIONS, host);
  const checker = program.getTypeChecker();
  const exported = new Map();
  for (const file of [MODEL, API]) {
    const sf = program.getSourceFile(file);
    const mod = checker.getSymbolAtLocation(sf);
    for (const s of checker.getExportsOfModule(mod)) {
      const sym = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      if (sym.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) exported.set(s.getName(), sym);
    }
  }
  return { program, checker, exported };
}

function unwrapNode(node) {
  while (node && ts.isParenthesizedTypeNode(node)) node = node.type;
  return node;
}

class Checker {
  constructor(types) {
    this.types = types;
    this.tc = types.checker;
    /** owner type -> declared property names (for coverage) */
    this.declared = new Map();
    /** owner type -> property names seen present */
    this.seen = new Map();
  }

  typeOf(name) {
    const sym = this.types.exported.get(name);
    if (!sym) throw new Error(`the declarations export no type \`${name}\``);
    return this.tc.getDeclaredTypeOfSymbol(sym);
  }

  /** Problems of `value` as the exported type `name` (empty when it conforms). */
  check(value, name, where = name) {
    const errs = [];
    const sym = this.types.exported.get(name);
    const node = sym?.declarations?.[0] && ts.isTypeAliasDeclaration(sym.declarations[0]) ? sym.declarations[0].type : undefined;
    this.value(value, this.typeOf(name), where, node, errs, true);
    return errs;
  }

  /** Flatten a type node into its union members, resolving (non-format) aliases. */
  members(node, depth = 0) {
    node = unwrapNode(node);
    if (!node || depth > 8) return [];
    if (ts.isUnionTypeNode(node)) return node.types.flatMap((n) => this.members(n, depth + 1));
    if (ts.isTypeReferenceNode(node) && !FORMATS[node.typeName.getText()]) {
      const sym = this.tc.getSymbolAtLocation(node.typeName);
      const decl = sym?.declarations?.[0];
      if (decl && ts.isTypeAliasDeclaration(decl)) return this.members(decl.type, depth + 1);
    }
    return [node];
  }

  formatOf(node) {
    for (const m of this.members(node)) {
      if (ts.isTypeReferenceNode(m) && FORMATS[m.typeName.getText()]) return m.typeName.getText();
    }
    return null;
  }

  elementNode(node, i) {
    for (const m of this.members(node)) {
      if (ts.isArrayTypeNode(m)) return m.elementType;
      if (ts.isTupleTypeNode(m)) return m.elements[i];
      if (ts.isTypeReferenceNode(m) && /^(Readonly)?Array$/.test(m.typeName.getText())) return m.typeArguments?.[0];
    }
    return undefined;
  }

  indexNode(node, info) {
    if (info.declaration?.type) return info.declaration.type;
    for (const m of this.members(node)) {
      if (ts.isTypeReferenceNode(m) && m.typeName.getText() === 'Record') return m.typeArguments?.[1];
    }
    return undefined;
  }

  /** Check `v` against `type`; push problems onto `errs`; `record` notes coverage. */
  value(v, type, at, node, errs, record) {
    const F = ts.TypeFlags;
    const show = () => this.tc.typeToString(type);
    const got = () => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `${typeof v} ${JSON.stringify(v)?.slice(0, 60)}`);
    const fail = (msg) => errs.push(`${at}: ${msg}`);

    if (type.flags & (F.Any | F.Unknown)) return;
    if (type.isUnion()) {
      // Find the member that fits; probes do not record coverage.
      // A present value is never `undefined` (an optional property's extra member).
      const members = type.types.filter((m) => v === undefined || !(m.flags & (F.Undefined | F.Void)));
      const tries = members.map((m) => {
        const e = [];
        this.value(v, m, at, node, e, false);
        return { m, e };
      });
      const fit = tries.find((t) => t.e.length === 0);
      if (fit) {
        if (record) this.value(v, fit.m, at, node, [], true);
        return;
      }
      // Report the closest member among those of the same kind (object, array, primitive).
      const kind = (t) =>
        t.flags & (F.Object | F.Intersection)
          ? this.tc.isArrayType(t) || this.tc.isTupleType(t)
            ? 'array'
            : 'object'
          : 'primitive';
      const vkind = v !== null && typeof v === 'object' ? (Array.isArray(v) ? 'array' : 'object') : 'primitive';
      const same = tries.filter((t) => kind(t.m) === vkind && vkind !== 'primitive');
      if (same.length) {
        // The member whose literal (discriminant) properties the value matches, then the closest.
        const clash = (m) =>
          vkind === 'object'
            ? this.tc.getPropertiesOfType(m).filter((p) => {
                const t = this.tc.getTypeOfSymbol(p);
                return t.flags & (F.StringLiteral | F.NumberLiteral) && p.getName() in v && v[p.getName()] !== t.value;
              }).length
            : 0;
        same.forEach((t) => (t.clash = clash(t.m)));
        same.sort((a, b) => a.clash - b.clash || a.e.length - b.e.length);
        errs.push(...same[0].e);
      } else {
        fail(`expected ${members.map((m) => this.tc.typeToString(m)).join(' | ')}, got ${got()}`);
      }
      return;
    }
    if (type.flags & F.Null) return v === null ? undefined : fail(`expected null, got ${got()}`);
    if (type.flags & (F.Undefined | F.Void)) return v === undefined ? undefined : fail(`expected undefined, got ${got()}`);
    if (type.flags & F.StringLiteral)
      return v === type.value ? undefined : fail(`expected ${JSON.stringify(type.value)}, got ${got()}`);
    if (type.flags & F.NumberLiteral) return v === type.value ? undefined : fail(`expected ${type.value}, got ${got()}`);
    if (type.flags & F.BooleanLiteral) {
      const want = this.tc.typeToString(type) === 'true';
      return v === want ? undefined : fail(`expected ${want}, got ${got()}`);
    }
    if (type.flags & F.String) {
      if (typeof v !== 'string') return fail(`expected a string, got ${got()}`);
      const fmt = this.formatOf(node);
      if (fmt && !FORMATS[fmt](v)) fail(`expected a ${fmt} string, got ${JSON.stringify(v)}`);
      return;
    }
    if (type.flags & F.Number)
      return typeof v === 'number' && Number.isFinite(v) ? undefined : fail(`expected a number, got ${got()}`);
    if (type.flags & F.Boolean) return typeof v === 'boolean' ? undefined : fail(`expected a boolean, got ${got()}`);
    if (type.flags & F.BigInt) return typeof v === 'bigint' ? undefined : fail(`expected a bigint, got ${got()}`);
    if (type.flags & F.Never) return fail(`no value is allowed here, got ${got()}`);

    if (type.flags & F.Object && this.tc.isTupleType(type)) {
      if (!Array.isArray(v)) return fail(`expected a tuple ${show()}, got ${got()}`);
      const elems = this.tc.getTypeArguments(type);
      const target = type.target;
      const min = target.minLength ?? elems.length;
      const max = target.hasRestElement ? Infinity : elems.length;
      if (v.length < min || v.length > max) fail(`expected ${show()} (${min}..${max} items), got ${v.length} items`);
      v.forEach((x, i) => {
        const t = elems[Math.min(i, elems.length - 1)];
        if (t) this.value(x, t, `${at}[${i}]`, this.elementNode(node, i), errs, record);
      });
      return;
    }
    if (type.flags & F.Object && this.tc.isArrayType(type)) {
      if (!Array.isArray(v)) return fail(`expected an array ${show()}, got ${got()}`);
      const [elem] = this.tc.getTypeArguments(type);
      v.forEach((x, i) => this.value(x, elem, `${at}[${i}]`, this.elementNode(node, i), errs, record));
      return;
    }
    if (type.flags & (F.Object | F.Intersection)) {
      if (type.getCallSignatures().length) return fail(`functions cannot be checked (${show()})`);
      if (type.symbol?.getName() === 'Date' && v instanceof Date) return;
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        return fail(`expected an object ${show()}, got ${got()}`);
      const owner = show();
      const props = this.tc.getPropertiesOfType(type);
      const names = new Set(props.map((p) => p.getName()));
      if (record) {
        // Coverage counts the properties a value can have (not `x?: undefined` markers).
        const possible = props.filter((p) => !(this.tc.getTypeOfSymbol(p).flags & (F.Undefined | F.Never))).map((p) => p.getName());
        if (!this.declared.has(owner)) this.declared.set(owner, new Set(possible));
        if (!this.seen.has(owner)) this.seen.set(owner, new Set());
      }
      for (const p of props) {
        const name = p.getName();
        const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
        const present = Object.prototype.hasOwnProperty.call(v, name) && v[name] !== undefined;
        if (!present) {
          if (!optional) fail(`missing required property \`${name}\` of ${owner}`);
          continue;
        }
        if (record) this.seen.get(owner).add(name);
        const decl = p.valueDeclaration ?? p.declarations?.[0];
        const pnode = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
        // An optional property's type includes `undefined` (and `null` when declared).
        const ptype = this.tc.getTypeOfSymbol(p);
        this.value(v[name], ptype, `${at}.${name}`, pnode, errs, record);
      }
      const index = this.tc.getIndexInfosOfType(type).find((i) => i.keyType.flags & F.String);
      for (const k of Object.keys(v)) {
        if (names.has(k)) continue;
        if (!index) {
          fail(`unknown property \`${k}\`: not declared in ${owner}`);
          continue;
        }
        this.value(v[k], index.type, `${at}[${JSON.stringify(k)}]`, this.indexNode(node, index), errs, record);
      }
      return;
    }
    fail(`cannot check type ${show()} (flags ${type.flags})`);
  }

  /** Declared properties of the object types reached so far that no value had. */
  unseen() {
    const out = [];
    for (const [owner, names] of this.declared) {
      const seen = this.seen.get(owner) ?? new Set();
      for (const n of names) if (!seen.has(n)) out.push(`${owner}.${n}`);
    }
    return out.sort();
  }
}

function assertConforms(checker, value, name, where) {
  const errs = checker.check(value, name, where);
  assert.deepEqual(errs, [], `${where} does not match the declared \`${name}\`:\n  ${errs.slice(0, 30).join('\n  ')}`);
}

/** Call an API function, naming it when the package lacks it (a binding that forgot an export). */
function api(name, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TypeError && /is not a function/.test(e.message)) {
      throw new Error(`\`${name}\` is declared in api.d.ts but the built package does not provide it (${e.message})`);
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Real values

const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const caseDir = path.join(repo, 'examples/data/cases');
const sampleCases = fs
  .readdirSync(caseDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f, value: readJson(path.join(caseDir, f)) }));
const conformance = readJson(path.join(repo, 'test-data/conformance/cases.json'));
const expectedDir = path.join(repo, 'test-data/conformance/expected');

const types = loadTypes();
const outputs = new Checker(types); // shared: its coverage is reported at the end

// ---------------------------------------------------------------------------
// Tests

test('the declarations compile cleanly (strict)', () => {
  const diags = ts.getPreEmitDiagnostics(types.program).filter((d) => !d.file || !d.file.fileName.includes('node_modules'));
  const text = diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(text, []);
  for (const name of [
    'Case', 'Decision', 'ContactCheck', 'PlanCheck', 'PlanProposal', 'PolicyInfo', 'Limits', 'PolicyOptions',
    'SimulationRequest', 'SimulationResult', 'Channel', 'ErrorInfo', 'Instant', 'Decimal', 'DateString', 'BatchRow',
    'Uncertainty', 'KpiVerdict', 'ExperimentRequest', 'ExperimentReport', 'ExperimentPlan', 'PlanResult',
  ]) {
    assert.ok(types.exported.has(name), `\`${name}\` is exported`);
  }
});

test('the built package ships these declarations', () => {
  for (const f of fs.readdirSync(path.join(root, 'types')).filter((f) => f.endsWith('.d.ts'))) {
    const shipped = path.join(root, 'pkg', f);
    assert.ok(fs.existsSync(shipped), `pkg/${f} is missing: rebuild the package (bash build.sh)`);
    assert.equal(fs.readFileSync(shipped, 'utf8'), fs.readFileSync(path.join(root, 'types', f), 'utf8'), `pkg/${f} is stale: rebuild the package`);
  }
});

test('sample and conformance cases are `Case`s', () => {
  assert.ok(sampleCases.length >= 5, 'examples/data/cases has samples');
  for (const { name, value } of sampleCases) assertConforms(outputs, value, 'Case', `examples/data/cases/${name}`);
  assert.ok(conformance.items.length > 0);
  for (const item of conformance.items) assertConforms(outputs, item.case, 'Case', `conformance ${item.name}`);
});

test('decisions of the default policy on every sample case are `Decision`s', () => {
  const policy = recobro.Policy.default();
  for (const { name, value } of sampleCases) {
    for (const trace of [true, false]) {
      const d = policy.evaluate(value, AS_OF, { trace });
      assertConforms(outputs, d, 'Decision', `decision of ${name} (trace ${trace})`);
      assert.equal(Array.isArray(d.trace), trace, 'trace present exactly when asked');
    }
    const text = policy.evaluateJson(value, AS_OF, { trace: true });
    assertConforms(outputs, JSON.parse(text), 'Decision', `evaluateJson of ${name}`);
  }
});

test('conformance decisions (each item with its own policy, and the blessed files) are `Decision`s', () => {
  const policies = new Map();
  for (const item of conformance.items) {
    if (!policies.has(item.policy)) policies.set(item.policy, recobro.Policy.embedded(item.policy));
    // As JSON text: the exact path every host shares (numbers read from their digits).
    const d = policies.get(item.policy).evaluate(JSON.stringify(item.case), item.as_of, { trace: true });
    assertConforms(outputs, d, 'Decision', `decision of conformance ${item.name}`);
    const blessed = path.join(expectedDir, `${item.name}.json`);
    if (fs.existsSync(blessed)) assertConforms(outputs, readJson(blessed), 'Decision', `expected/${item.name}.json`);
  }
});

test('conforming cases are accepted as objects, but for JS fractions (as in Python, refused with their path)', () => {
  // `Case.attributes` is free JSON, but a JS number that is not whole is never exact
  // enough for the engine (a rate of 0.12 must be "0.12"): like the Python binding's
  // floats, it is refused with its path; the same case as JSON text is read exactly.
  const policies = new Map();
  const refused = [];
  for (const item of conformance.items) {
    assertConforms(outputs, item.case, 'Case', `conformance ${item.name}`);
    if (!policies.has(item.policy)) policies.set(item.policy, recobro.Policy.embedded(item.policy));
    const hasFraction = /\d\.\d/.test(JSON.stringify(item.case.attributes ?? {}));
    try {
      policies.get(item.policy).evaluate(item.case, item.as_of);
      assert.ok(!hasFraction, `${item.name}: a fractional JS number was accepted`);
    } catch (e) {
      if (!(hasFraction && e.code === 'input.invalid' && e.path?.startsWith('attributes.'))) {
        refused.push(`${item.name}: ${e.message}`);
      }
      policies.get(item.policy).evaluate(JSON.stringify(item.case), item.as_of);
    }
  }
  assert.deepEqual(refused, [], 'cases that conform to `Case` but the binding refuses as objects');
});

test('evaluateMany rows are `BatchRow`s (decisions and an error)', () => {
  const policy = recobro.Policy.default();
  const bad = { ...sampleCases[0].value, debts: [{ id: 'X', currency: 'USD' }] };
  const rows = policy.evaluateMany([...sampleCases.map((c) => c.value), bad], AS_OF);
  assert.equal(rows.length, sampleCases.length + 1);
  rows.forEach((row, i) => assertConforms(outputs, row, 'BatchRow', `evaluateMany row ${i}`));
  assert.ok(rows.at(-1).error, 'the bad case gives an error row');
  assertConforms(outputs, rows.at(-1).error, 'ErrorInfo', 'evaluateMany error row');
});

test('contact checks are `ContactCheck`s', () => {
  const policy = recobro.Policy.default();
  for (const { name, value } of sampleCases) {
    assertConforms(outputs, policy.checkContact(value, 'call', AS_OF), 'ContactCheck', `checkContact(${name}, call)`);
  }
  for (const ch of ['call', 'sms', 'email', 'whatsapp', 'letter', 'visit', 'push']) {
    const c = sampleCases[0].value;
    const r = policy.checkContact(c, ch, '2026-03-16T03:00:00Z', { debtId: c.debts?.[0]?.id });
    assertConforms(outputs, r, 'ContactCheck', `checkContact(${sampleCases[0].name}, ${ch})`);
  }
});

test('plan checks are `PlanCheck`s', () => {
  const policy = recobro.Policy.default();
  const proposal = { down_payment: '0', installments: 3, frequency: 'monthly', first_due_on: '2026-04-01' };
  assertConforms(outputs, proposal, 'PlanProposal', 'the proposal');
  let checked = 0;
  for (const { name, value } of sampleCases) {
    let r;
    try {
      r = policy.checkPlan(value, AS_OF, proposal);
    } catch (e) {
      // Cases the policy offers no plan: the documented contract error.
      assert.equal(e.code, 'policy.contract', `${name}: ${e.message}`);
      continue;
    }
    assertConforms(outputs, r, 'PlanCheck', `checkPlan(${name})`);
    checked += 1;
  }
  assert.ok(checked > 0, 'at least one sample case gets a plan offer');
});

test('policy info and limits are `PolicyInfo` and `Limits`', () => {
  for (const p of [recobro.Policy.default(), recobro.Policy.embedded('b2b/policy'), recobro.Policy.embedded('consumer/digital_first')]) {
    assertConforms(outputs, p.info(), 'PolicyInfo', 'info()');
    assertConforms(outputs, p.limits(), 'Limits', 'limits()');
  }
});

test('generated portfolios are `Case[]` (and are accepted back)', () => {
  const cases = api('generatePortfolio', () => recobro.generatePortfolio(20, 7, AS_OF));
  assert.equal(cases.length, 20);
  cases.forEach((c, i) => assertConforms(outputs, c, 'Case', `generatePortfolio[${i}]`));
  const policy = recobro.Policy.default();
  for (const c of cases) assertConforms(outputs, policy.evaluate(c, AS_OF), 'Decision', `decision of generated ${c.id}`);
});

test('simulation results are `SimulationResult`s (what-if and split)', () => {
  const whatIf = api('simulate', () =>
    recobro.simulate({ generate: 20, days: 20, policies: [{}, { embedded: 'consumer/digital_first' }] }),
  );
  assertConforms(outputs, whatIf, 'SimulationResult', 'simulate (what-if)');
  assert.equal(whatIf.arms.length, 2);
  assert.equal(whatIf.arms[0].vs_champion, null);
  assert.notEqual(whatIf.arms[1].vs_champion, null);
  const split = api('simulate', () =>
    recobro.simulate(JSON.stringify({ generate: 20, days: 5, shares: [50, 50], policies: [{}, { embedded: 'b2b/policy' }] })),
  );
  assertConforms(outputs, split, 'SimulationResult', 'simulate (split)');
  assert.equal(split.settings.split.kind, 'assign');
});

test('simulation results with replications carry an `Uncertainty` (what-if, split and parts)', () => {
  const req = { generate: 20, days: 10, replications: 3, policies: [{}, { embedded: 'consumer/digital_first' }] };
  const whatIf = api('simulate', () => recobro.simulate(req));
  assertConforms(outputs, whatIf, 'SimulationResult', 'simulate (replications)');
  assert.equal(whatIf.settings.replications, 3);
  assert.equal(whatIf.uncertainty.arms.length, 2);
  assert.ok(whatIf.uncertainty.arms[1].live_test.length > 0);
  const merged = api('mergeParts', () => recobro.mergeParts([0, 1].map((i) => recobro.simulatePart(req, i, 2))));
  assertConforms(outputs, merged, 'SimulationResult', 'mergeParts (replications)');
  const split = api('simulate', () => recobro.simulate({ ...req, shares: [50, 50] }));
  assertConforms(outputs, split, 'SimulationResult', 'simulate (split, replications)');
});

test('experiment reports and plans are `ExperimentReport`s and `PlanResult`s', () => {
  const outcomes = Array.from({ length: 120 }, (_, i) => ({ case_id: `C-${i}`, collected: String((i * 37) % 200), contacts: i % 4 }));
  const plan = { baseline: '100', sd: '80', minimum_effect: '20' };
  assertConforms(outputs, api('experimentPlan', () => recobro.experimentPlan(plan)), 'PlanResult', 'experimentPlan');
  for (const test of [{ kind: 'fixed', plan }, { kind: 'sequential', metric: 'paid_pct', minimum_effect: '5' }]) {
    const report = api('experiment', () => recobro.experiment({ experiment: 'exp-types', shares: [50, 50], test, outcomes }));
    assertConforms(outputs, report, 'ExperimentReport', `experiment (${test.kind})`);
    assert.equal(report.plan === null, test.kind === 'sequential');
  }
});

test('diagnose and thrown errors carry `ErrorInfo`s', () => {
  const problems = api('diagnose', () => recobro.diagnose('fn segment(c) { 1 + }'));
  assert.ok(problems.length >= 1);
  problems.forEach((p, i) => assertConforms(outputs, p, 'ErrorInfo', `diagnose[${i}]`));
  assert.equal(problems[0].code, 'policy.syntax');
  assert.deepEqual(api('diagnose', () => recobro.diagnose('fn segment(c) { "a" }')), []);
  const thrown = [];
  for (const f of [
    () => new recobro.Policy('fn segment(c) { 1 + }'),
    () => recobro.Policy.default().evaluate({ id: 'C' }, AS_OF),
    () => recobro.Policy.default().evaluate(sampleCases[0].value, '2026-03-16 15:00'),
    () => recobro.Policy.default().checkContact(sampleCases[0].value, 'fax', AS_OF),
  ]) {
    try {
      f();
    } catch (e) {
      assert.equal(e.name, 'RecobroError');
      thrown.push(e.toJSON());
    }
  }
  assert.equal(thrown.length, 4, 'every bad call throws');
  thrown.forEach((e, i) => assertConforms(outputs, e, 'ErrorInfo', `thrown error ${i}`));
});

// Inputs that use every property of every input type (the checker verifies that);
// the engine refuses unknown fields, so a declared field it does not know fails.
const consent = { allowed: true, opted_out_at: null, consented_at: '2026-01-01T00:00:00-05:00' };
const fullCase = {
  $schema: '../schemas/case.schema.json',
  id: 'C-FULL',
  debtor: {
    id: 'D-FULL',
    kind: 'consumer',
    jurisdiction: 'US-MA',
    timezone: 'America/New_York',
    alt_timezones: ['America/Chicago'],
    flags: [],
    consents: {
      call: consent, sms: { allowed: false, opted_out_at: '2026-02-01T12:00:00Z' }, email: {}, whatsapp: consent,
      letter: consent, visit: consent, push: consent,
    },
    preferred_windows: [{ days: ['mon', 'tue'], from: '09:00', to: '17:00' }],
  },
  debts: [
    {
      id: 'L-1', currency: 'USD', original_amount: '1000.00', outstanding: '800.00', issued_on: '2025-11-01',
      due_on: '2026-01-15', product: 'card',
      agreement: {
        interest: { annual_rate: '0.12', day_count: 'act/365f', method: 'simple' },
        fees: [{ rule: 'late_fee', kind: 'fee', amount: '25.00', max: null, max_pct: null, repeat_days: 30 }],
      },
    },
  ],
  payments: [{ at: '2026-02-01T15:00:00Z', amount: '100.00', debt_id: 'L-1' }],
  charges: [{ id: 'CH-1', debt_id: 'L-1', kind: 'fee', rule: 'late_fee', amount: '25.00', at: '2026-01-20T15:00:00Z' }],
  promises: [{ id: 'P-1', made_at: '2026-02-20T15:00:00Z', due_on: '2026-03-01', amount: '50.00', debt_id: 'L-1' }],
  plans: [{ id: 'PL-1', created_at: '2026-01-20T15:00:00Z', debt_ids: ['L-1'], installments: [{ due_on: '2026-02-01', amount: '100.00' }] }],
  contacts: [{ at: '2026-03-10T15:00:00Z', channel: 'call', direction: 'outbound', outcome: 'no_answer', debt_ids: ['L-1'] }],
  attributes: { risk_score: 610, product: 'card', tags: ['a'], nested: { ok: true, none: null } },
};
const fullOptions = {
  modules: { house: 'fn floor() { 7 }' },
  limits: {
    max_operations: 500000, max_call_depth: 16, max_expression_depth: 64, max_function_expression_depth: 32,
    max_string_size: 65536, max_array_size: 10000, max_map_size: 10000, max_modules: 16, max_variables: 500,
  },
  closures: { US: ['2026-03-20'], '*': ['2026-12-24'] },
  rate_entries: { ecb_mro: [{ from: '2026-07-01', rate: '2.15', source: 'test', confidence: 'to_verify' }] },
  // A host scorecard without a calibration (no `probability` or `event` in its score).
  scorecards: {
    house: JSON.stringify({
      name: 'house', version: '0.1.0', base: 10,
      characteristics: [{ id: 'dpd', fact: 'days_past_due', reason: 'Days past due', bins: [{ to: 30, points: 5 }, { from: 30, points: 0 }] }],
      bands: [{ name: 'good', min: 15 }, { name: 'poor' }],
    }),
  },
  tables: { collection_stage: '{"name": "collection_stage", "version": "1", "hit": "first", "inputs": [{"name": "dpd", "type": "number"}], "outputs": ["stage"], "rows": [{"when": {"dpd": "..1"}, "then": {"stage": "preventive"}}, {"when": {"dpd": "1..60"}, "then": {"stage": "administrative"}}, {"when": {"dpd": "60..120"}, "then": {"stage": "extrajudicial"}}, {"when": {"dpd": "120.."}, "then": {"stage": "legal"}}]}' },
  // A host contact-timing prior: calls answered only at 19:00 local (0.5), on no weekday
  // better than another.
  priors: {
    house: JSON.stringify({
      name: 'house', version: '0.1.0', source: 'test',
      channels: { call: { hours: Array.from({ length: 24 }, (_, h) => (h === 19 ? 0.5 : 0.01)), weekdays: [1, 1, 1, 1, 1, 1, 1] } },
    }),
  },
};
const HOUSE_POLICY = 'import "house" as h; fn segment(c) { `s${h::floor()}` }';
const HOUSE_SCORE_POLICY = 'fn segment(c) { c.score("house").band }';
const HOUSE_TIMING_POLICY = 'fn contact_timing() { #{ prior: "house", horizon_hours: 48, weight: 0 } } fn actions(c) { [contact("call", "t").with_priority(5)] }';
const segmentModel = {
  pay_full_pct: '5', pay_partial_pct: '10', partial_share_pct: [20, 60], promise_pct: '20', promise_kept_pct: '60',
  self_cure_daily_pct: '0.1',
};
const fullRequest = {
  policies: [
    { source: `${HOUSE_POLICY} fn actions(c) { [] }`, ...fullOptions },
    { embedded: 'consumer/digital_first', source: null },
    { embedded: null },
  ],
  cases: [fullCase, ...sampleCases.filter((c) => c.value.debtor.kind === 'consumer').map((c) => c.value)],
  generate: 3,
  start: AS_OF,
  days: 3,
  seed: 9,
  shares: [40, 30, 30],
  experiment: 'exp-types',
  replications: 2,
  capacity: { call: 400, sms: 5000, email: 5000, whatsapp: 1000, letter: 100, visit: 10, push: 0 },
  response_model: {
    channels: { call: { reach_pct: '30', cost: '0.50' }, sms: { reach_pct: '85', cost: '0.05' } },
    segments: { default: segmentModel },
    tasks: { default: { success_pct: '10', recovered_pct: '15', days_to_pay: 30, cost: '25', closes_case: true } },
    report_currency: 'USD',
    fx: { COP: '0.00025', EUR: '1.08' },
  },
};

const fullPlan = { metric: 'collected_per_case', baseline: '100', sd: '80', minimum_effect: '20', power: '0.9', shares: [60, 40] };
const fullExperiments = [
  {
    experiment: 'exp-full', shares: [60, 40], test: { kind: 'fixed', plan: fullPlan },
    outcomes: [{ case_id: 'C-1', arm: null, collected: '10.50', contacts: 2 }, { case_id: 'C-2', collected: '0' }],
  },
  {
    experiment: 'exp-full', shares: [60, 40], test: { kind: 'sequential', metric: 'paid_pct', minimum_effect: '5' },
    outcomes: [{ case_id: 'C-1', collected: '1' }],
  },
];

test('the full input samples use every declared input property', () => {
  const full = new Checker(types);
  assertConforms(full, fullPlan, 'ExperimentPlan', 'full ExperimentPlan');
  fullExperiments.forEach((e, i) => assertConforms(full, e, 'ExperimentRequest', `full ExperimentRequest ${i}`));
  assertConforms(full, fullCase, 'Case', 'full Case');
  assertConforms(full, fullOptions, 'PolicyOptions', 'full PolicyOptions');
  assertConforms(full, { down_payment: '0', installments: 3, frequency: 'monthly', first_due_on: '2026-04-01' }, 'PlanProposal', 'full PlanProposal');
  assertConforms(full, fullRequest, 'SimulationRequest', 'full SimulationRequest');
  assert.deepEqual(full.unseen(), [], 'declared input properties no full sample uses (add them to the samples)');
});

test('the engine accepts every declared property of Case and PolicyOptions', () => {
  const decision = recobro.Policy.default().evaluate(fullCase, AS_OF, { trace: true });
  assertConforms(outputs, decision, 'Decision', 'decision of the full case');
  assertConforms(outputs, recobro.Policy.default().checkContact(fullCase, 'sms', AS_OF), 'ContactCheck', 'checkContact(full case, sms)');
  const policy = new recobro.Policy(HOUSE_POLICY, fullOptions);
  assert.equal(policy.limits().max_operations, 500000);
  assert.equal(policy.evaluate(fullCase, AS_OF).segment, 's7');
  assert.equal(new recobro.Policy(HOUSE_POLICY, JSON.stringify(fullOptions)).evaluate(fullCase, AS_OF).segment, 's7');
  // The host's scorecard is the one `c.score("house")` reads: the full case is 60 days
  // past due, so `dpd` gives 0 of its best 5 (a reason code) and the score is the base.
  const scored = new recobro.Policy(HOUSE_SCORE_POLICY, fullOptions).evaluate(fullCase, AS_OF);
  assertConforms(outputs, scored, 'Decision', 'decision of a policy with a host scorecard');
  assert.equal(scored.segment, 'poor');
  assert.deepEqual(scored.scores, [{
    scorecard: 'house', version: '0.1.0', score: 10, band: 'poor',
    reasons: [{ characteristic: 'dpd', reason: 'Days past due', points: 0, best: 5 }],
  }]);
  // The host's prior is the one `contact_timing()` names (`house@0.1.0` in the
  // evidence, weighing 0 attempts), and the chosen call carries its candidate's best
  // moment.
  const timed = new recobro.Policy(HOUSE_TIMING_POLICY, fullOptions).evaluate(fullCase, AS_OF);
  assertConforms(outputs, timed, 'Decision', 'decision of a policy with a host prior');
  const chosen = timed.action;
  assert.ok(chosen && chosen.best_at && chosen.best_slot, 'the chosen call has best_at and best_slot');
  assert.equal(chosen.best_slot.prior, 'house@0.1.0');
  assert.equal(chosen.best_slot.prior_weight, '0');
  assert.equal(timed.candidates[0].best_at, chosen.best_at);
  assert.deepEqual(timed.candidates[0].best_slot, chosen.best_slot);
});

test('decisions of the default policy carry the behavioural score (`Score`, `ScoreReason`), calibrated', () => {
  const policy = recobro.Policy.default();
  let scored = 0;
  let withReasons = 0;
  const consumer = sampleCases.filter((c) => c.value.debtor.kind === 'consumer');
  for (const { name, value } of consumer) {
    const d = policy.evaluate(value, AS_OF);
    assertConforms(outputs, d, 'Decision', `decision of ${name}`);
    // Left out when the policy scored nothing (a dispute or a cease request stops it
    // before its risk band), never an empty array.
    if (!('scores' in d)) continue;
    scored += 1;
    assert.ok(d.scores.length > 0, `${name}: \`scores\` is present but empty`);
    const s = d.scores.find((x) => x.scorecard === 'behavioural');
    assert.ok(s, `${name}: no behavioural score`);
    assert.ok(Number.isInteger(s.score), `${name}: the score is an integer`);
    assert.equal(s.event, 'pays within 30 days');
    assert.match(s.probability, /^(0|1|0\.\d{1,6})$/, `${name}: a probability of 6 decimals at most`);
    assert.equal(d.segment === null || typeof d.segment === 'string', true);
    for (const r of s.reasons) assert.ok(r.points < r.best, `${name}: a reason code costs points (${JSON.stringify(r)})`);
    if (s.reasons.length) withReasons += 1;
  }
  assert.ok(scored >= consumer.length / 2, `most consumer decisions are scored (${scored} of ${consumer.length})`);
  assert.ok(withReasons > 0, 'some sample decision has reason codes');
  // A policy that scores nothing leaves the field out.
  assert.equal('scores' in new recobro.Policy('fn segment(c) { "x" }').evaluate(sampleCases[0].value, AS_OF), false);
});

test('the engine accepts every declared property of SimulationRequest', () => {
  const result = api('simulate', () => recobro.simulate(fullRequest));
  assertConforms(outputs, result, 'SimulationResult', 'simulate (full request)');
  assert.equal(result.arms.length, 3);
  assert.deepEqual(result.settings.response, fullRequest.response_model);
});

test('the engine accepts every declared property of ExperimentRequest and ExperimentPlan', () => {
  const plan = api('experimentPlan', () => recobro.experimentPlan(fullPlan));
  assertConforms(outputs, plan, 'PlanResult', 'experimentPlan (full plan)');
  assert.equal(plan.power, '0.9');
  assert.equal(plan.cases_per_arm.length, 2);
  for (const e of fullExperiments) {
    assertConforms(outputs, api('experiment', () => recobro.experiment(e)), 'ExperimentReport', `experiment (full, ${e.test.kind})`);
  }
});

test('the checker detects drift (self-test)', () => {
  const policy = recobro.Policy.default();
  const c = sampleCases.find((s) => s.name === 'administrative.json')?.value ?? sampleCases[0].value;
  const d = policy.evaluate(c, AS_OF, { trace: true });
  const fresh = () => structuredClone(d);
  const probe = new Checker(types);
  const errorsOf = (v, name = 'Decision') => probe.check(v, name).join('\n');

  assert.equal(errorsOf(fresh()), '');
  // An extra key, at the top and nested.
  assert.match(errorsOf({ ...fresh(), bogus: 1 }), /unknown property `bogus`/);
  const nested = fresh();
  nested.policy.bogus = 'x';
  assert.match(errorsOf(nested), /Decision\.policy: unknown property `bogus`/);
  // A missing required key.
  const missing = fresh();
  delete missing.case_id;
  assert.match(errorsOf(missing), /missing required property `case_id`/);
  const missingNull = fresh();
  delete missingNull.next_allowed_at; // required even though it may be null
  assert.match(errorsOf(missingNull), /missing required property `next_allowed_at`/);
  // Wrong kinds and literals.
  assert.match(errorsOf({ ...fresh(), segment: 3 }), /Decision\.segment: expected (null \| string|string \| null), got number 3/);
  const verdict = fresh();
  assert.ok(verdict.candidates.length > 0, 'the sample decision has candidates');
  verdict.candidates[0].verdict = 'maybe';
  assert.match(errorsOf(verdict), /candidates\[0\]\.verdict/);
  // A number amount and a badly formatted instant or amount.
  const amounts = fresh();
  amounts.charges.totals = { USD: 12.5 };
  assert.match(errorsOf(amounts), /totals\["USD"\]: expected a string/);
  assert.match(errorsOf({ ...fresh(), as_of: '2026-03-16' }), /as_of: expected a Instant string/);
  const badAmount = structuredClone(c);
  badAmount.debts[0].outstanding = '12,50';
  assert.match(errorsOf(badAmount, 'Case'), /outstanding: expected a Decimal string/);
  badAmount.debts[0].outstanding = 12.5;
  assert.match(errorsOf(badAmount, 'Case'), /outstanding: expected a string, got number 12\.5/);
  // An unknown channel key in consents, and an unknown channel in the ledger.
  const consents = structuredClone(c);
  consents.debtor.consents = { fax: { allowed: true } };
  assert.match(errorsOf(consents, 'Case'), /unknown property `fax`/);
  // Tuples keep their length.
  const sim = { settings: { start: AS_OF, days: 1, seed: 1, split: { kind: 'all' }, response: { channels: {}, segments: {}, tasks: {}, report_currency: 'USD', fx: {} } }, arms: [] };
  assert.equal(errorsOf(sim, 'SimulationResult'), '');
  assert.match(errorsOf({ ...sim, settings: { ...sim.settings, split: { kind: 'assign' } } }, 'SimulationResult'), /missing required property `experiment`/);

  // Drifted declarations are caught on real output: a field the engine writes but the
  // d.ts lacks, a field the d.ts requires but the engine does not write, a changed type.
  const model = fs.readFileSync(MODEL, 'utf8');
  const drift = (from, to) => {
    assert.ok(model.includes(from), `model.d.ts contains ${from}`);
    return new Checker(loadTypes({ [MODEL]: model.replace(from, to) }));
  };
  const lacks = drift('  no_action_reason: string | null;', '');
  assert.match(lacks.check(d, 'Decision').join('\n'), /unknown property `no_action_reason`/);
  const extra = drift('  no_action_reason: string | null;', '  no_action_reason: string | null;\n  score: number;');
  assert.match(extra.check(d, 'Decision').join('\n'), /missing required property `score`/);
  // The scores: a decision field and a reason code field the d.ts would lack.
  assert.ok(d.scores?.[0]?.reasons?.length > 0, 'the sample decision has a score with reason codes');
  const noScores = drift('  scores?: Score[];', '');
  assert.match(noScores.check(d, 'Decision').join('\n'), /unknown property `scores`/);
  const noBest = drift('  /** The points its best bin gives. */\n  best: number;', '');
  assert.match(noBest.check(d, 'Decision').join('\n'), /Decision\.scores\[0\]\.reasons\[0\]: unknown property `best`/);
  const retyped = drift('  outstanding: Decimal;\n  /** When the debt was issued. */', '  outstanding: number;\n  /** When the debt was issued. */');
  assert.match(retyped.check(c, 'Case').join('\n'), /outstanding: expected a number/);
  const instant = drift('  as_of: Instant;', '  as_of: DateString;');
  assert.match(instant.check(d, 'Decision').join('\n'), /as_of: expected a DateString string/);
});

test('coverage of the declared output properties (informational)', (t) => {
  const unseen = outputs.unseen();
  t.diagnostic(`declared properties no engine output in this run had: ${unseen.length ? unseen.join(', ') : 'none'}`);
});
