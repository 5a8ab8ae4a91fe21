// The package as users get it: `npm pack` of the built package (pkg/, or
// $RECOBRO_WASM_PKG), installed from the tarball into a scratch app, then the app in
// tests/package-app/ run four ways: in Node as ESM and as CommonJS, bundled by esbuild
// and run in headless Chromium (`recobro`, and `recobro/web` with the wasm as a file),
// and its TypeScript type-checked against the installed declarations (node16 and
// bundler resolution). Each run decides examples/data/cases/legal.json with the
// default policy (the same bytes as the native CLI, when built) and gets the typed
// error of the case with an impossible due date. The bundling commands are the
// README's (checked here). Offline: the tools come from bindings/wasm/node_modules.
//   node --test bindings/wasm/tests/package.mjs      (test.sh runs it)
// Needs: pkg/ (build.sh), /usr/bin/chromium (or $CHROMIUM), bindings/wasm/node_modules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HERE, ROOT, PKG, AS_OF } from './helpers.mjs';

const WASM = path.resolve(HERE, '..');
const BIN = path.join(WASM, 'node_modules/.bin');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FIXTURE = path.join(HERE, 'package-app');
const CASE = path.join(ROOT, 'examples/data/cases/legal.json');
const README = fs.readFileSync(path.join(WASM, 'README.md'), 'utf8');
// The README's bundling recipes, run here as they are written (`npx esbuild` is the
// esbuild of bindings/wasm/node_modules).
const BUNDLE = [
  'npx esbuild app.js --bundle --format=esm --outdir=dist',
  'cp node_modules/recobro/recobro_wasm_bg.wasm dist/',
];
const BUNDLE_WEB = ['npx esbuild app.js --bundle --format=esm --loader:.wasm=file --outdir=dist'];
// The README's imports, each as one of the app's files has it.
const IMPORTS = {
  'node.mjs': ["import { Policy, RecobroError } from 'recobro';"],
  'node.cjs': ["const { Policy, RecobroError } = require('recobro');"],
  'browser-web.js': ["import { init, Policy, RecobroError } from 'recobro/web';",
    "import wasmUrl from 'recobro/recobro_wasm_bg.wasm';", 'await init(wasmUrl);'],
};

const timings = {};
let work;
let app;
let tarball;
let expected;

function timed(name, fn) {
  const t0 = performance.now();
  const out = fn();
  timings[name] = Math.round(performance.now() - t0);
  return out;
}

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The native CLI's decision of the case (JSON text), or null when no CLI is built. */
function nativeDecision() {
  const target = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
  const cli = [process.env.RECOBRO_CLI, path.join(target, 'release/recobro'), path.join(target, 'debug/recobro')]
    .find((p) => p && fs.existsSync(p));
  return cli ? sh(cli, ['eval', '--as-of', AS_OF, CASE]).trim() : null;
}

/** One run's result: the decision, and the error of the invalid case. */
function check(result, where) {
  const decision = JSON.parse(result.decision);
  assert.equal(decision.case_id, 'C-LEG', where);
  assert.equal(decision.segment, 'legal', where);
  assert.equal(decision.action.kind, 'legal_review', where);
  if (expected) assert.equal(result.decision, expected, `${where}: differs from the native CLI`);
  assert.deepEqual(result.error, { typed: true, code: 'input.invalid', path: 'debts[0].due_on' }, where);
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'recobro-package-'));
  app = path.join(work, 'app');
  fs.cpSync(FIXTURE, app, { recursive: true });
  const packed = timed('npm_pack_ms', () =>
    JSON.parse(sh('npm', ['pack', PKG, '--pack-destination', work, '--json', '--silent'], work))[0]);
  tarball = path.join(work, packed.filename);
  timings.tarball_bytes = fs.statSync(tarball).size;
  timings.unpacked_bytes = packed.unpackedSize;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'recobro-package-test', private: true }));
  timed('npm_install_ms', () => sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app));
  expected = nativeDecision();
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  console.log(`# package: ${JSON.stringify(timings)}`);
});

test('the README shows the imports as the app has them', () => {
  for (const [file, lines] of Object.entries(IMPORTS)) {
    const src = fs.readFileSync(path.join(FIXTURE, file), 'utf8');
    for (const line of lines) {
      assert.ok(src.includes(line), `${file} lacks \`${line}\``);
      assert.ok(README.includes(line), `README lacks \`${line}\``);
    }
  }
});

test('the tarball holds every file the exports map names, and nothing else', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/recobro/package.json'), 'utf8'));
  assert.equal(pkg.main, './index.node.cjs', 'main: the CommonJS entry, for tools that do not read exports');
  const targets = new Set([pkg.main, pkg.types]);
  const walk = (v) => (typeof v === 'string' ? targets.add(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  const installed = fs.readdirSync(path.join(app, 'node_modules/recobro'));
  for (const t of targets) assert.ok(installed.includes(t.slice(2)), `${t} is not in the tarball`);
  for (const f of installed) {
    assert.match(f, /\.(js|cjs|d\.ts|d\.cts|wasm|json|md)$/, `${f}: not a file of the package`);
  }
});

test('Node, ESM: import from the installed package', () => {
  check(JSON.parse(timed('node_esm_ms', () => sh(process.execPath, ['node.mjs', CASE, AS_OF], app))), 'node.mjs');
});

test('Node, CommonJS: require the installed package', () => {
  check(JSON.parse(timed('node_cjs_ms', () => sh(process.execPath, ['node.cjs', CASE, AS_OF], app))), 'node.cjs');
  // Without require(esm) (Node 18, Node 20 before 20.19), `require` still works: the
  // CommonJS entry loads no ES module.
  if (process.allowedNodeEnvironmentFlags.has('--experimental-require-module')) {
    const out = sh(process.execPath, ['--no-experimental-require-module', 'node.cjs', CASE, AS_OF], app);
    check(JSON.parse(out), 'node.cjs without require(esm)');
  }
  // `import` and `require` share one instance: one RecobroError class.
  const same = sh(process.execPath, ['--input-type=module', '-e',
    "import { createRequire } from 'node:module'; import * as m from 'recobro';" +
    "console.log(createRequire(process.cwd() + '/x.js')('recobro').RecobroError === m.RecobroError)"], app);
  assert.equal(same.trim(), 'true');
});

test('TypeScript: the installed declarations under node16 (ESM and CommonJS) and bundler resolution', () => {
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    try {
      timed(`tsc_${config.split('.')[1]}_ms`, () => sh(path.join(BIN, 'tsc'), ['-p', config], app));
    } catch (e) {
      assert.fail(`tsc -p ${config}:\n${e.stdout}${e.stderr}`);
    }
  }
});

test('esbuild bundles, headless Chromium runs: `recobro` and `recobro/web`', async () => {
  for (const line of [...BUNDLE, ...BUNDLE_WEB]) assert.ok(README.includes(line), `README lacks \`${line}\``);
  const site = path.join(work, 'site');
  const env = { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH}` };
  const build = (entry, recipe, dir) => {
    fs.copyFileSync(path.join(app, entry), path.join(app, 'app.js'));
    fs.rmSync(path.join(app, 'dist'), { recursive: true, force: true });
    timed(`esbuild_${dir}_ms`, () => {
      for (const line of recipe) {
        const [cmd, ...args] = line.split(' ');
        const [bin, rest] = cmd === 'npx' ? [path.join(BIN, args[0]), args.slice(1)] : [cmd, args];
        execFileSync(bin, rest, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
      }
    });
    fs.copyFileSync(path.join(app, 'index.html'), path.join(app, 'dist/index.html'));
    fs.renameSync(path.join(app, 'dist'), path.join(site, dir));
  };
  fs.mkdirSync(site);
  build('browser.js', BUNDLE, 'bundle');
  build('browser-web.js', BUNDLE_WEB, 'web');
  const wasms = fs.readdirSync(path.join(site, 'web')).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasms.length, 1, 'the file loader emits the wasm');
  timings.bundle_js_bytes = fs.statSync(path.join(site, 'bundle/app.js')).size;

  const server = await serve(site);
  const { chromium } = await import(pathToFileURL(path.join(WASM, 'node_modules/playwright-core/index.mjs')).href);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const c = JSON.parse(fs.readFileSync(CASE, 'utf8'));
    for (const dir of ['bundle', 'web']) {
      const page = await browser.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
      page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
      const t0 = performance.now();
      await page.goto(`${server.url}${dir}/`);
      await page.waitForFunction(() => typeof window.decide === 'function', null, { timeout: 30_000 })
        .catch((e) => assert.fail(`${dir}: the app did not load: ${problems.join('; ') || e.message}`));
      timings[`chromium_${dir}_load_ms`] = Math.round(performance.now() - t0);
      check(await page.evaluate(([x, asOf]) => window.decide(x, asOf), [c, AS_OF]), `Chromium, ${dir}`);
      assert.deepEqual(problems, [], dir);
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** A static server of `dir` on 127.0.0.1 (`url` ends with a slash). */
function serve(dir) {
  const server = http.createServer((req, res) => {
    let file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    if (file.endsWith('/')) file += 'index.html';
    fs.readFile(file, (err, body) => {
      if (err) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    server.url = `http://127.0.0.1:${server.address().port}/`;
    resolve(server);
  }));
}
