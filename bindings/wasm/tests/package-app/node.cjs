// Node, CommonJS: the same as node.mjs through `require`.
const { readFileSync } = require('node:fs');
const { Policy, RecobroError } = require('recobro');

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
