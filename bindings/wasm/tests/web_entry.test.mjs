// The browser entry (`recobro/web`, also what the bundler entry re-exports): refuses
// use before `init()`, then initialises from bytes and decides like the Node entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PKG, AS_OF, sample } from './helpers.mjs';

test('recobro/web: init() first, then the same decisions as the Node entry', async () => {
  const web = await import(path.join(PKG, 'index.web.js'));
  assert.throws(() => web.Policy.default(), (e) => e instanceof web.RecobroError && e.code === 'internal' && /init\(\)/.test(e.help));
  await web.init(fs.readFileSync(path.join(PKG, 'recobro_wasm_bg.wasm')));
  await web.init(); // idempotent
  const node = await import(path.join(PKG, 'index.node.js'));
  const c = sample('legal');
  assert.equal(web.Policy.default().evaluateJson(c, AS_OF), node.Policy.default().evaluateJson(c, AS_OF));
  assert.throws(() => new web.Policy('fn segment(c) {'), (e) => e instanceof web.RecobroError && e.code === 'policy.syntax');
});

test('the package manifest points every entry at a file that exists', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'recobro');
  const targets = [];
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  for (const t of [...targets, pkg.types]) assert.ok(fs.existsSync(path.join(PKG, t)), t);
  assert.ok(targets.includes('./index.bundler.js') && targets.includes('./index.node.js') && targets.includes('./index.web.js'));
});
