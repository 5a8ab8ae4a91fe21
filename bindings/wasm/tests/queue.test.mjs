// The work queue (`Policy.queue`, `recobro queue`) under Node: the same queue as the
// CLI, byte for byte, and a bad capacity thrown as the engine's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PKG, AS_OF, ROOT, sample, cli } from './helpers.mjs';

const { Policy, RecobroError } = await import(path.join(PKG, 'index.node.js'));

test('a full call channel reroutes the administrative case to sms, as the CLI does byte for byte', () => {
  const p = Policy.default();
  const c = sample('administrative');
  const q = p.queue([c], AS_OF, { call: 0 });
  assert.equal(q.items.length, 1);
  const [item] = q.items;
  assert.equal(item.status, 'rerouted');
  assert.equal(item.action.channel, 'sms');
  assert.equal(item.reason, 'call capacity (0) reached: next lawful candidate 1 (sms)');
  assert.deepEqual(q.errors, []);
  assert.deepEqual(q.capacity, { call: 0 });

  const native = execFileSync(
    cli(),
    ['queue', path.join(ROOT, 'examples/data/cases/administrative.json'), '--as-of', AS_OF, '--capacity', 'call=0', '--format', 'json'],
    { encoding: 'utf8' },
  );
  const text = p.queueText([c], AS_OF, { call: 0 });
  assert.equal(`${text}\n`, native);
  // JSON text in, JSON text capacity, a Date clock: the same queue.
  assert.equal(p.queueText(JSON.stringify(c), new Date(AS_OF), '{"call": 0}', 'json'), text);
  assert.deepEqual(q, JSON.parse(native));
  p.free();
});

test('a bad capacity throws the engine error at capacity.CHANNEL; a bad case is in errors', () => {
  const p = Policy.default();
  let err;
  try {
    p.queue([sample('administrative')], AS_OF, { fax: 3 });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RecobroError, `expected a RecobroError, got ${err}`);
  assert.equal(err.code, 'input.invalid');
  assert.equal(err.path, 'capacity.fax');
  const q = p.queue([sample('administrative'), { id: 'broken' }], AS_OF, {});
  assert.equal(q.items.length, 1);
  assert.equal(q.errors.length, 1);
  assert.equal(q.errors[0].index, 1);
  assert.throws(() => p.queueText([], AS_OF, {}, 'xml'), (e) => e instanceof RecobroError && e.path === 'format');
  p.free();
});
