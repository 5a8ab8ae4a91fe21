// Node entry, CommonJS (`require('recobro')`); the ESM entry (index.node.js) re-exports
// this one, so a program that both imports and requires the package shares one module
// instance and one `RecobroError` class. The glue instantiates the module
// synchronously from the file beside it. wrap.cjs is build.sh's CommonJS copy of wrap.js.
'use strict';
const { wrap } = require('./wrap.cjs');

const glue = require('./recobro_wasm.node.cjs');

module.exports = {
  ...wrap(() => glue),
  /** Node needs no initialisation; present so code can be written once for all hosts. */
  async init() {},
};
