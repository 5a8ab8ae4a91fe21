// Browser entry (no bundler): `await init()` once (optionally with the wasm URL,
// bytes or a compiled `WebAssembly.Module`), then use the API.
import initGlue, * as glue from './recobro_wasm.web.js';
import { wrap, RecobroError } from './wrap.js';

let loaded = false;

/** Load and instantiate the module (idempotent). */
export async function init(input) {
  if (!loaded) {
    await initGlue(input === undefined ? undefined : { module_or_path: input });
    loaded = true;
  }
}

export const {
  Policy, simulate, simulatePart, mergeParts, experiment, experimentPlan,
  generatePortfolio, defaultResponseModel, diagnose,
  embeddedSource, embeddedPaths, timeZones, version, faultCaseId,
} = wrap(() => {
  if (!loaded) {
    throw new RecobroError('internal: call `await init()` before using recobro', {
      code: 'internal',
      help: 'import { init } from "recobro/web"; await init();',
    });
  }
  return glue;
});
export { RecobroError };
