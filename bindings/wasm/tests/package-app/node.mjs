// Node, ESM. `node node.mjs CASE.json AS_OF` prints the decision (JSON text) and the
// error of the same case with an impossible due date. tests/package.mjs runs it in a
// scratch app that installed the packed tarball.
import { readFileSync } from 'node:fs';
import { Policy, RecobroError } from 'recobro';

const [file, asOf] = process.argv.slice(2);
const policy = Policy.default();
const c = JSON.parse(readFileSync(file, 'utf8'));
const decision = policy.evaluateJson(c, asOf);
let error;
try {
  policy.evaluate({ ...c, debts: [{ ...c.debts[0], due_on: '2025-02-30' }] }, asOf);
} catch (e) {
  error = { typed: e instanceof RecobroError, code: e.code, path: e.path };
}
console.log(JSON.stringify({ decision, error }));
