// Node entry: the glue instantiates the module synchronously from the file beside it.
import { createRequire } from 'node:module';
import { wrap } from './wrap.js';

const glue = createRequire(import.meta.url)('./recobro_wasm.node.cjs');

export const {
  Policy, RecobroError, simulate, generatePortfolio, defaultResponseModel, diagnose,
  embeddedSource, embeddedPaths, timeZones, version, faultCaseId,
} = wrap(() => glue);
/** Node needs no initialisation; present so code can be written once for all hosts. */
export async function init() {}
