// The simulator's engine thread: loads the recobro wasm package and answers the
// page's requests (diagnose, portfolio, simulate, evaluate) so the page stays
// responsive while a simulation runs. Protocol: the page posts `{id, type, ...}`;
// the worker answers `{id, ok: true, result}` or `{id, ok: false, error}`, and
// posts `{id, type: 'progress', done, total}` while a simulation runs.
// Loading: the wasm fetch and its streaming compile (WebAssembly.compileStreaming, on
// the engine's background threads) start at once, while the package's JavaScript is
// still being fetched; the module is instantiated when both are in.
// A pool worker (`worker.js?pool`, see js/worker-client.js) is handed the module the
// first worker compiled, in its first message, instead of compiling it again.
const pooled = new URL(import.meta.url).searchParams.has('pool');
const wasmUrl = new URL('./pkg/recobro_wasm_bg.wasm', import.meta.url);
let adopt;
const wasmModule = pooled
  ? new Promise((resolve) => { adopt = resolve; })
  : WebAssembly.compileStreaming(fetch(wasmUrl)).catch(async () =>
    // A server that does not send `application/wasm`: compile the bytes instead.
    WebAssembly.compile(await (await fetch(wasmUrl)).arrayBuffer()));
// The package (recobro/web): init, Policy, simulate, ... once `ready` resolves.
let R;
const ready = Promise.all([import('./pkg/index.web.js'), wasmModule]).then(async ([lib, module]) => {
  await lib.init(module);
  R = lib;
});

// The portfolio the page is looking at (for the case explorer).
let portfolio = { key: null, cases: [] };
// Compiled policies for the explorer, by source text and host tables (a few at most).
const compiled = new Map();
// A policy that calls nothing: compiling it with host tables checks the tables.
const TABLE_CHECK_POLICY = 'fn segment(c) { () }';

function errorInfo(e) {
  if ((R && e instanceof R.RecobroError) || (e && e.name === 'RecobroError')) {
    return {
      name: 'RecobroError', message: e.message, code: e.code, detail: e.detail,
      line: e.line, column: e.column, path: e.path, module: e.module, help: e.help, arm: e.arm ?? null,
    };
  }
  return { name: e?.name ?? 'Error', message: String(e?.message ?? e), code: null, detail: String(e?.message ?? e) };
}

/** The policy options for the page's edited decision tables (`{name: JSON text}`, the
 * tables the page changed; the others are the engine's embedded ones), or none. */
function optionsFor(tables) {
  return tables && Object.keys(tables).length ? { tables } : undefined;
}

function policyFor(source, tables) {
  const options = optionsFor(tables);
  const key = options ? `${source}\u0000${JSON.stringify(options)}` : source;
  let p = compiled.get(key);
  if (!p) {
    p = new R.Policy(source, options);
    if (compiled.size >= 4) {
      const [oldKey, old] = compiled.entries().next().value;
      compiled.delete(oldKey);
      old.free();
    }
    compiled.set(key, p);
  }
  return p;
}

/** Parse a cases file: a JSON array, one case object, or NDJSON. */
function parseCases(text) {
  const trimmed = text.trim();
  if (!trimmed) throw new Error('the file is empty');
  try {
    const v = JSON.parse(trimmed);
    return Array.isArray(v) ? v : [v];
  } catch (whole) {
    const out = [];
    trimmed.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      try {
        out.push(JSON.parse(line));
      } catch (e) {
        throw new Error(`line ${i + 1} is not JSON (${e.message}); the file is neither JSON nor NDJSON`);
      }
    });
    return out;
  }
}

function summarize(cases) {
  const jurisdictions = new Set();
  const currencies = new Set();
  for (const c of cases) {
    if (c?.debtor?.jurisdiction) jurisdictions.add(c.debtor.jurisdiction);
    for (const d of c?.debts ?? []) if (d.currency) currencies.add(d.currency);
  }
  return {
    count: cases.length,
    ids: cases.map((c) => String(c?.id ?? '')),
    jurisdictions: [...jurisdictions].sort(),
    currencies: [...currencies].sort(),
  };
}

/** Which policy a simulation error came from (0 champion, 1 challenger), or null:
 * the engine names it at the start of the message (`policies[1]: ...`), for compile
 * errors and for errors while the simulation runs. */
function whichPolicy(e) {
  if (!(e instanceof R.RecobroError) || !String(e.code).startsWith('policy.')) return null;
  const m = /^policies\[(\d+)\]/.exec(e.detail ?? '');
  return m ? Number(m[1]) : null;
}

const handlers = {
  async hello() {
    await ready;
    // Next in line, while the page fills its editors: compile the two policies it
    // is about to check (the engine's first compile is its slowest: the code it runs
    // is compiled on first use).
    queue = queue.then(() => {
      for (const path of ['consumer/policy', 'consumer/digital_first']) {
        try {
          policyFor(R.embeddedSource(path));
        } catch {
          // Reported when the page checks it.
        }
      }
    });
    const presets = R.embeddedPaths().filter((p) => !p.startsWith('common/') && !p.startsWith('compliance/'));
    return {
      champion: R.embeddedSource('consumer/policy'),
      challenger: R.embeddedSource('consumer/digital_first'),
      response: R.defaultResponseModel(),
      presets,
    };
  },

  source({ path }) {
    return R.embeddedSource(path) ?? null;
  },

  diagnose({ source, tables }) {
    // One compile: the policy the explorer will use (with the page's edited decision
    // tables), or its error (the same flat error `diagnose` gives).
    try {
      return { problems: [], info: policyFor(source, tables).info() };
    } catch (e) {
      if (e instanceof R.RecobroError) return { problems: [e.toJSON()], info: null };
      return { problems: R.diagnose(source, optionsFor(tables)), info: null };
    }
  },

  /** Check the page's edited decision tables (`{name: JSON text}`) on their own: a
   * policy built with them, or the first error (module `tables/NAME`, its line). */
  checkTables({ tables }) {
    const options = optionsFor(tables);
    if (!options) return { problems: [] };
    try {
      new R.Policy(TABLE_CHECK_POLICY, options).free();
      return { problems: [] };
    } catch (e) {
      if (e instanceof R.RecobroError) return { problems: [e.toJSON()] };
      throw e;
    }
  },

  generate({ n, seed, start }) {
    const cases = R.generatePortfolio(n, seed, start);
    portfolio = { key: `gen:${n}:${seed}:${start}`, cases };
    return summarize(cases);
  },

  load({ text, name }) {
    const cases = parseCases(text);
    portfolio = { key: `file:${name}`, cases };
    return summarize(cases);
  },

  simulate({ request }, id) {
    if (!request.cases && request.usePortfolio) {
      request.cases = portfolio.cases;
    }
    delete request.usePortfolio;
    let last = 0;
    const t0 = performance.now();
    let result;
    try {
      result = R.simulate(request, {
        onProgress(done, total) {
          const now = performance.now();
          if (done === total || now - last > 40) {
            last = now;
            postMessage({ id, type: 'progress', done, total });
          }
        },
      });
    } catch (e) {
      e.arm = whichPolicy(e);
      throw e;
    }
    const ms = performance.now() - t0;
    return { result, ms };
  },

  /** The compiled wasm module, for the pool's workers. */
  async module() {
    return wasmModule;
  },

  /** One part of a simulation of a generated portfolio (see js/run.js). */
  simulatePart({ request, part, parts }, id) {
    let last = 0;
    const t0 = performance.now();
    const text = R.simulatePart(request, part, parts, {
      onProgress(done, total) {
        const now = performance.now();
        if (done === total || now - last > 40) {
          last = now;
          postMessage({ id, type: 'progress', done, total });
        }
      },
    });
    return { text, ms: performance.now() - t0 };
  },

  /** The result from every part's text, in order. */
  merge({ parts }) {
    return R.mergeParts(parts);
  },

  evaluate({ source, tables, caseId, asOf }) {
    const c = portfolio.cases.find((x) => String(x?.id) === caseId);
    if (!c) throw new Error(`no case \`${caseId}\` in the portfolio`);
    const t0 = performance.now();
    const decision = policyFor(source, tables).evaluate(c, asOf, { trace: true });
    return { decision, case: c, ms: performance.now() - t0 };
  },
};

// Requests run one at a time, in order.
let queue = Promise.resolve();
self.onmessage = (ev) => {
  const { id, type, ...args } = ev.data;
  if (type === 'adopt') {
    adopt(args.module);
    return;
  }
  queue = queue.then(async () => {
    try {
      await ready;
      const handler = handlers[type];
      if (!handler) throw new Error(`unknown request ${type}`);
      const result = await handler(args, id);
      postMessage({ id, ok: true, result });
    } catch (e) {
      postMessage({ id, ok: false, error: errorInfo(e) });
    }
  });
};
