// A bundled browser app (esbuild): `recobro` is ready on import. The page calls
// `window.decide(case, asOf)`; the result has the shape node.mjs prints.
import { Policy, RecobroError } from 'recobro';

window.decide = (c, asOf) => {
  const policy = Policy.default();
  const decision = policy.evaluateJson(c, asOf);
  let error;
  try {
    policy.evaluate({ ...c, debts: [{ ...c.debts[0], due_on: '2025-02-30' }] }, asOf);
  } catch (e) {
    error = { typed: e instanceof RecobroError, code: e.code, path: e.path };
  }
  return { decision, error };
};
