// The cross-host conformance corpus (test-data/conformance): the WASM package must
// produce the decision bytes in expected/NAME.json for each (policy, case, as_of).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PKG, ROOT } from './helpers.mjs';

const { Policy } = await import(path.join(PKG, 'index.node.js'));
const corpus = path.join(ROOT, 'test-data/conformance');
const { items } = JSON.parse(fs.readFileSync(path.join(corpus, 'cases.json'), 'utf8'));
const policies = new Map();
const policy = (p) => policies.get(p) ?? policies.set(p, Policy.embedded(p)).get(p);
const expected = (name) => fs.readFileSync(path.join(corpus, 'expected', `${name}.json`), 'utf8').trimEnd();

test('the corpus is there', () => assert.ok(items.length >= 50, `${items.length} items`));

for (const item of items) {
  test(`conformance: ${item.name}`, () => {
    // JSON text in (numbers read from their digits), canonical JSON out.
    assert.equal(policy(item.policy).evaluateJson(JSON.stringify(item.case), item.as_of), expected(item.name));
  });
}

test('conformance as batches, one per (policy, as_of)', () => {
  const groups = new Map();
  for (const i of items) {
    const k = `${i.policy} ${i.as_of}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  for (const group of groups.values()) {
    const rows = policy(group[0].policy).evaluateMany(group.map((i) => JSON.stringify(i.case)), group[0].as_of);
    group.forEach((item, n) => assert.deepEqual(rows[n].decision, JSON.parse(expected(item.name)), item.name));
  }
});
