// Node entry, ESM (`import ... from 'recobro'`): the CommonJS entry's exports, so
// `import` and `require` share one module instance.
import recobro from './index.node.cjs';

export const {
  Policy, RecobroError, simulate, simulatePart, mergeParts, experiment, experimentPlan,
  generatePortfolio, defaultResponseModel, diagnose,
  embeddedSource, embeddedPaths, timeZones, version, faultCaseId, init,
} = recobro;
