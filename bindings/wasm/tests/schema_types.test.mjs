// Drift test of the TypeScript declarations (`types/model.d.ts`) against the JSON
// Schemas of the contract (`schemas/*.schema.json` at the repository root, generated
// from the core's types).
//
// For every object of the case, decision, simulation-result, experiment-request and
// experiment-report schemas (the root and each `$defs` entry) the interface of the
// same name (or its `RENAMED` name) must declare exactly the same
// properties, each optional (`?`) exactly when the schema does not require it, and
// `| null` exactly when the schema allows `null`. A schema union (`oneOf` of objects)
// and a TypeScript union of interfaces are compared as one object whose property is
// optional when some member lacks it. String enumerations must list the same values.
// Legacy input fields that only accept `null` (`deprecated` in the schema) are not
// declared. The simulation request is not compared: its TypeScript side reuses the
// output interfaces through `Partial<...>`.
//
// Needs nothing but Node (no build, no TypeScript compiler):
//   node --test tests/schema_types.test.mjs     (from bindings/wasm)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const MODEL = path.join(here, '../types/model.d.ts');

/** Schema name to TypeScript name, where they differ: in every schema (`*`), and per
 * schema where a `$defs` name means something else in another schema (a simulation's
 * `Verdict` is no contact verdict; an experiment's `Plan` and `Outcome` are no payment
 * plan or contact outcome; a decision's `Reason` is a score's reason code, not the
 * reason of an action). */
const RENAMED = {
  '*': { Promise: 'PromiseToPay' },
  'decision.schema.json': { Reason: 'ScoreReason' },
  'simulation-result.schema.json': { Verdict: 'KpiVerdict' },
  'experiment-request.schema.json': {
    Plan: 'ExperimentPlan', Outcome: 'ExperimentOutcome', Test: 'ExperimentTest', Metric: 'ExperimentMetric',
  },
  'experiment-report.schema.json': { Verdict: 'KpiVerdict', Metric: 'ExperimentMetric', Status: 'ExperimentStatus' },
  'work-queue.schema.json': { Status: 'QueueStatus', RowError: 'QueueRowError' },
};
/** The root object of each compared schema. */
const ROOTS = {
  'case.schema.json': 'Case',
  'decision.schema.json': 'Decision',
  'simulation-result.schema.json': 'SimulationResult',
  'experiment-request.schema.json': 'ExperimentRequest',
  'experiment-report.schema.json': 'ExperimentReport',
  'work-queue.schema.json': 'WorkQueue',
};

// ---------------------------------------------------------------------------
// The TypeScript side, read with simple regular expressions

/** Split `text` at `sep` outside brackets, braces, parentheses and angle brackets. */
function splitTop(text, sep) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if ('{[(<'.includes(ch)) depth++;
    if ('}])>'.includes(ch)) depth--;
    if (ch === sep && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Parse the declarations: interfaces (with `extends`) and type aliases. */
export function parseDeclarations(text) {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const interfaces = new Map();
  const re = /export interface (\w+)(?:\s+extends\s+([\w\s,]+?))?\s*\{([\s\S]*?)\n\}/g;
  for (const m of src.matchAll(re)) {
    const props = new Map();
    for (const member of splitTop(m[3], ';')) {
      const pm = /^(['"]?[\w$]+['"]?)(\?)?\s*:\s*([\s\S]+)$/.exec(member);
      if (!pm) continue; // an index signature
      const name = pm[1].replace(/['"]/g, '');
      const type = pm[3].trim();
      props.set(name, {
        optional: pm[2] === '?',
        nullable: splitTop(type, '|').includes('null'),
      });
    }
    const parents = m[2] ? m[2].split(',').map((s) => s.trim()) : [];
    interfaces.set(m[1], { props, parents });
  }
  const aliases = new Map();
  for (const m of src.matchAll(/export type (\w+)\s*=\s*([\s\S]*?);/g)) {
    aliases.set(m[1], splitTop(m[2], '|'));
  }
  return { interfaces, aliases };
}

/** The properties of a TypeScript interface or union of interfaces, or null. */
function tsObject(decl, name) {
  const iface = decl.interfaces.get(name);
  if (iface) {
    const props = new Map();
    for (const parent of iface.parents) {
      for (const [k, v] of tsObject(decl, parent) ?? []) props.set(k, v);
    }
    for (const [k, v] of iface.props) props.set(k, v);
    return props;
  }
  const members = decl.aliases.get(name);
  if (members && members.every((m) => decl.interfaces.has(m) || decl.aliases.has(m))) {
    return unite(members.map((m) => tsObject(decl, m)));
  }
  return null;
}

/** One object from a union: a property is optional when some member lacks it. */
function unite(objects) {
  const out = new Map();
  for (const obj of objects) {
    for (const [k, v] of obj) {
      const prev = out.get(k);
      out.set(k, prev ? { optional: prev.optional || v.optional, nullable: prev.nullable || v.nullable } : { ...v });
    }
  }
  for (const [k, v] of out) {
    if (objects.some((o) => !o.has(k))) v.optional = true;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The schema side

function allowsNull(s) {
  if (!s || typeof s !== 'object') return false;
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return true;
  return (s.anyOf ?? s.oneOf ?? []).some(allowsNull);
}

/** The properties of an object schema (or a `oneOf` of object schemas), or null. */
function schemaObject(s) {
  if (s.properties) {
    const required = new Set(s.required ?? []);
    const props = new Map();
    for (const [k, p] of Object.entries(s.properties)) {
      if (p.deprecated) continue;
      props.set(k, { optional: !required.has(k), nullable: allowsNull(p) });
    }
    return props;
  }
  const alts = s.oneOf ?? s.anyOf;
  if (alts && alts.length > 0 && alts.every((a) => a.properties)) return unite(alts.map(schemaObject));
  return null;
}

/** The string values of an enumeration schema, or null. */
function schemaEnum(s) {
  if (Array.isArray(s.enum)) return s.enum;
  const alts = s.oneOf;
  if (alts && alts.length > 0 && alts.every((a) => typeof a.const === 'string')) return alts.map((a) => a.const);
  return null;
}

// ---------------------------------------------------------------------------
// The comparison

/** Every difference between the declarations and the schemas, in plain words. */
export function drift(modelText, schemas) {
  const decl = parseDeclarations(modelText);
  const problems = [];
  for (const [file, rootName] of Object.entries(ROOTS)) {
    const schema = schemas[file];
    const entries = [[rootName, schema], ...Object.entries(schema.$defs ?? {})];
    for (const [defName, def] of entries) {
      const tsName = RENAMED[file]?.[defName] ?? RENAMED['*'][defName] ?? defName;
      const where = `${file} ${defName === rootName ? '(root)' : `$defs/${defName}`} vs model.d.ts ${tsName}`;
      const values = schemaEnum(def);
      if (values) {
        const members = decl.aliases.get(tsName);
        if (!members) {
          problems.push(`${where}: no \`export type ${tsName}\` declared`);
          continue;
        }
        const literals = members.map((m) => m.replace(/^'(.*)'$/, '$1'));
        for (const v of values) if (!literals.includes(v)) problems.push(`${where}: value '${v}' is missing`);
        for (const l of literals) if (!values.includes(l)) problems.push(`${where}: value '${l}' is not in the schema`);
        continue;
      }
      const want = schemaObject(def);
      if (!want) continue; // a scalar (Amount, Date, Instant)
      const got = tsObject(decl, tsName);
      if (!got) {
        problems.push(`${where}: no interface ${tsName} declared`);
        continue;
      }
      for (const [k, w] of want) {
        const g = got.get(k);
        if (!g) {
          problems.push(`${where}: property \`${k}\` is missing`);
          continue;
        }
        if (g.optional !== w.optional) {
          problems.push(`${where}: property \`${k}\` is ${w.optional ? 'optional' : 'required'} in the schema but ${g.optional ? 'optional' : 'required'} in TypeScript`);
        }
        if (g.nullable !== w.nullable) {
          problems.push(`${where}: property \`${k}\` ${w.nullable ? 'may' : 'may not'} be null in the schema but ${g.nullable ? 'may' : 'may not'} in TypeScript`);
        }
      }
      for (const k of got.keys()) {
        if (!want.has(k)) problems.push(`${where}: property \`${k}\` is declared but not in the schema`);
      }
    }
  }
  return problems;
}

function loadSchemas() {
  return Object.fromEntries(
    Object.keys(ROOTS).map((f) => [f, JSON.parse(fs.readFileSync(path.join(repo, 'schemas', f), 'utf8'))]),
  );
}

test('model.d.ts declares every property of the case, decision, simulation-result, experiment and work-queue schemas', () => {
  const problems = drift(fs.readFileSync(MODEL, 'utf8'), loadSchemas());
  assert.deepEqual(problems, [], `model.d.ts has drifted from schemas/:\n${problems.join('\n')}`);
});

test('the check catches drift and names the field', () => {
  const text = fs.readFileSync(MODEL, 'utf8');
  const schemas = loadSchemas();
  const cases = [
    [text.replace('  outstanding: Decimal;', ''), /Debt: property `outstanding` is missing/],
    [text.replace('  payments?: Payment[];', '  payments: Payment[];'), /Case: property `payments` is optional in the schema but required/],
    [text.replace('  segment: string | null;', '  segment: string;'), /Decision: property `segment` may be null in the schema but may not/],
    [text.replace('  digest: string;', '  digest: string;\n  colour: string;'), /PolicyInfo: property `colour` is declared but not in the schema/],
    [text.replace("'push'", "'push' | 'fax'"), /Channel: value 'fax' is not in the schema/],
    [text.replace('  pay_by: DateString;', ''), /Offer: property `pay_by` is missing/],
    [text.replace('  scores?: Score[];', '  scores: Score[];'), /Decision: property `scores` is optional in the schema but required/],
    [text.replace('  best: number;', ''), /Reason vs model.d.ts ScoreReason: property `best` is missing/],
    [text.replace('  probability?: Decimal;', '  probability: Decimal;'), /Score: property `probability` is optional in the schema but required/],
    [text.replace('  collected_band: Band[];', ''), /ArmUncertainty: property `collected_band` is missing/],
    [text.replace('  uncertainty?: Uncertainty;', '  uncertainty: Uncertainty;'), /SimulationResult: property `uncertainty` is optional in the schema but required/],
    [text.replace("'higher' | 'lower'", "'higher'"), /Verdict vs model.d.ts KpiVerdict: value 'lower' is missing/],
    [text.replace('  arm?: number | null;', '  arm?: number;'), /ExperimentOutcome: property `arm` may be null in the schema but may not/],
    [text.replace('  plan: PlanResult | null;', '  plan: PlanResult;'), /ExperimentReport: property `plan` may be null in the schema but may not/],
    [text.replace("kind: 'sequential';\n  /** The metric (default `collected_per_case`). */\n  metric?: ExperimentMetric;", "kind: 'sequential';"), /Test vs model.d.ts ExperimentTest: property `metric` is missing/],
  ];
  for (const [changed, pattern] of cases) {
    assert.notEqual(changed, text, `the test's edit did not apply (${pattern})`);
    const problems = drift(changed, schemas);
    assert.ok(problems.some((p) => pattern.test(p)), `expected ${pattern} in:\n${problems.join('\n')}`);
  }
});
