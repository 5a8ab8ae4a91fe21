// Assembles the npm package in OUT around the wasm and the wasm-bindgen glue that
// build.sh put there: the JavaScript entries (js/; wrap.cjs is a CommonJS copy of
// wrap.js for the Node entries), the TypeScript declarations (types/; the `.d.cts`
// copies are what `require('recobro')` is typed by), the README and package.json.
//   node bindings/wasm/assemble.mjs OUT
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const out = path.resolve(process.argv[2] ?? path.join(here, 'pkg'));
const read = (p) => fs.readFileSync(p, 'utf8');
const write = (name, text) => fs.writeFileSync(path.join(out, name), text);

for (const dir of ['js', 'types']) {
  for (const f of fs.readdirSync(path.join(here, dir))) fs.copyFileSync(path.join(here, dir, f), path.join(out, f));
}
fs.copyFileSync(path.join(here, 'README.md'), path.join(out, 'README.md'));

// wrap.cjs: wrap.js with its `export`s turned into `module.exports`.
const names = [];
const wrapCjs = read(path.join(here, 'js/wrap.js')).replace(/^export (class|function) (\w+)/gm, (_, kw, name) => {
  names.push(name);
  return `${kw} ${name}`;
});
if (/^\s*(import|export)\b/m.test(wrapCjs) || !names.includes('wrap')) {
  throw new Error('js/wrap.js: only `export class` and `export function` can be turned into CommonJS');
}
write('wrap.cjs', `'use strict';\n${wrapCjs}\nmodule.exports = { ${names.join(', ')} };\n`);

// The CommonJS declarations: under `module: node16`/`nodenext` a CommonJS file may not
// import ESM declarations (and this package is `type: module`), so they are copies.
const api = read(path.join(here, 'types/api.d.ts')).replaceAll("'./model.js'", "'./model.cjs'");
const index = read(path.join(here, 'types/index.d.ts'));
if (!index.includes("export * from './api.js';\n") || api.includes("'./model'")) {
  throw new Error('types/: the declarations import ./api.js and ./model.js');
}
write('index.d.cts', api + index.split("export * from './api.js';\n")[1]);
fs.copyFileSync(path.join(here, 'types/model.d.ts'), path.join(out, 'model.d.cts'));

const version = /^version = "(.*)"/m.exec(read(path.join(root, 'Cargo.toml')))[1];
const esm = { types: './index.d.ts', default: './index.bundler.js' };
const pkg = {
  name: 'recobro',
  version,
  description: 'Collections decision engine (Rhai policies, contact compliance, exact money, simulation) for Node, browsers and bundlers.',
  license: 'Apache-2.0',
  type: 'module',
  main: './index.node.cjs',
  types: './index.d.ts',
  exports: {
    '.': {
      // Node: `require` gets the CommonJS entry, `import` the ESM one over it.
      node: {
        require: { types: './index.d.cts', default: './index.node.cjs' },
        default: { types: './index.d.ts', default: './index.node.js' },
      },
      // Bundlers and browsers: the web build, loaded by a top-level await.
      browser: esm,
      default: esm,
    },
    './web': { types: './web.d.ts', default: './index.web.js' },
    './recobro_wasm_bg.wasm': './recobro_wasm_bg.wasm',
    './package.json': './package.json',
  },
  files: ['*.js', '*.cjs', '*.d.ts', '*.d.cts', '*.wasm', 'README.md'],
  sideEffects: ['./index.bundler.js'],
  engines: { node: '>=18' },
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
