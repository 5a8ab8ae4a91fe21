// The cross-host error corpus (test-data/conformance/errors.json): the package must
// fail each call with the same error as the core's host boundary (code, path, line,
// column, module, message, help), thrown as a `RecobroError` or as an error row of
// `evaluateMany`. The corpus's `message` and `help` are blessed by the core's test
// (`RECOBRO_BLESS=1 cargo test -p recobro --test host_errors`); an item without a
// `message` has not been blessed yet, so its message, help and column are not checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PKG, ROOT } from './helpers.mjs';

const { Policy, RecobroError } = await import(path.join(PKG, 'index.node.js'));
const { items } = JSON.parse(fs.readFileSync(path.join(ROOT, 'test-data/conformance/errors.json'), 'utf8'));

/** The policy an item runs under: embedded, or compiled from its source and options. */
function policyOf(item) {
  return item.policy ? Policy.embedded(item.policy) : new Policy(item.policy_source, item.options);
}

/** The error `f` throws, as the flat error (`{code, message, path?, ...}`). */
function thrown(name, f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof RecobroError, `${name}: expected a RecobroError, got ${e}`);
    // The thrown message is the engine's one-line rendering, starting with the code.
    assert.ok(e.message.startsWith(`${e.code}: `), `${name}: ${e.message}`);
    assert.ok(e.message.includes(e.detail), `${name}: ${e.message}`);
    return e.toJSON();
  }
  assert.fail(`${name}: expected an error`);
}

/** `got` (a flat error) has exactly the fields of `want`. */
function check(name, want, got) {
  const blessed = 'message' in want;
  for (const k of ['code', 'path', 'line', 'module', 'column', 'message', 'help']) {
    if (k in want) {
      assert.deepEqual(got[k], want[k], `${name}: \`${k}\` (got ${JSON.stringify(got)})`);
    } else if (blessed || ['path', 'line', 'module'].includes(k)) {
      assert.equal(got[k], undefined, `${name}: unexpected \`${k}\` (got ${JSON.stringify(got)})`);
    }
  }
}

test('the error corpus is there', () => assert.ok(items.length >= 10, `${items.length} items`));

for (const item of items) {
  test(`errors: ${item.name}`, () => {
    switch (item.call) {
      case 'compile':
        check(item.name, item.expect, thrown(item.name, () => policyOf(item)));
        break;
      case 'evaluate': {
        const p = policyOf(item);
        check(item.name, item.expect, thrown(item.name, () => p.evaluateJson(item.case_text, item.as_of)));
        break;
      }
      case 'evaluate_batch': {
        const p = policyOf(item);
        if (item.expect) {
          check(item.name, item.expect, thrown(item.name, () => p.evaluateMany(item.cases_text, item.as_of)));
          break;
        }
        const rows = p.evaluateMany(item.cases_text, item.as_of);
        assert.equal(rows.length, item.expect_rows.length, `${item.name}: rows`);
        item.expect_rows.forEach((want, i) => {
          const name = `${item.name}[${i}]`;
          if (want.decided) {
            assert.ok(rows[i].decision?.segment !== undefined, `${name}: ${JSON.stringify(rows[i])}`);
            return;
          }
          assert.equal(rows[i].index, i, name);
          assert.deepEqual(Object.keys(rows[i]).sort(), ['error', 'index'], name);
          const { index, ...expect } = want;
          assert.equal(index, i, `${name}: the corpus's index`);
          check(name, expect, rows[i].error);
        });
        break;
      }
      default:
        assert.fail(`${item.name}: unknown call ${item.call}`);
    }
  });
}
