// The same app over `recobro/web`, the wasm imported as a file (esbuild's `file`
// loader copies it into the output and gives its URL).
import { init, Policy, RecobroError } from 'recobro/web';
import wasmUrl from 'recobro/recobro_wasm_bg.wasm';

await init(wasmUrl);

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
