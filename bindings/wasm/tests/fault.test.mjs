// No panic crosses the binding: a test build with the `fault-injection` switch panics
// inside the engine on one case id; the package must throw a RecobroError with code
// `internal`, reset the module, and keep working (policies recompile themselves).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, AS_OF, sample } from './helpers.mjs';

const FAULT_PKG = process.env.RECOBRO_WASM_FAULT_PKG ?? path.join(ROOT, 'target/wasm-fault/pkg');
const r = await import(path.join(FAULT_PKG, 'index.node.js'));

test('an injected panic becomes RecobroError(internal) and the engine recovers', () => {
  const id = r.faultCaseId();
  assert.equal(typeof id, 'string', 'this must be the fault-injection build');
  const p = new r.Policy(r.embeddedSource('consumer/policy'));
  const before = p.evaluateJson(sample('preventive'), AS_OF);
  const poison = sample('preventive');
  poison.id = id;
  let err;
  try {
    p.evaluate(poison, AS_OF);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof r.RecobroError, String(err));
  assert.equal(err.code, 'internal');
  assert.match(err.detail, /injected fault/);
  assert.ok(err.cause instanceof WebAssembly.RuntimeError);
  // The same policy object works again, with the same answer.
  assert.equal(p.evaluateJson(sample('preventive'), AS_OF), before);
  // So do a second fault and everything after it, through every entry point.
  assert.throws(() => p.evaluateMany([poison], AS_OF), (e) => e.code === 'internal');
  assert.equal(p.evaluateJson(sample('preventive'), AS_OF), before);
  assert.throws(() => r.simulate({ cases: [poison], days: 2 }), (e) => e.code === 'internal');
  assert.equal(Policy_default_segment(r), 'preventive');
});

function Policy_default_segment(api) {
  return api.Policy.default().evaluate(sample('preventive'), AS_OF).segment;
}
