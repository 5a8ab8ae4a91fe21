// The request/response protocol with the engine workers (../worker.js): the page posts
// `{id, type, ...}`; a worker answers `{id, ok, result | error}` and posts
// `{id, type: 'progress', done, total}` while a simulation runs. One engine worker
// answers the page; a pool of more (one per core beyond the first, made on the first
// parallel run) simulates parts of a portfolio beside it (js/run.js).

class Engine {
  constructor(worker, onFail) {
    this.worker = worker;
    this.pending = new Map();
    this.nextId = 1;
    worker.onmessage = (ev) => {
      const msg = ev.data;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') {
        p.onProgress?.(msg.done, msg.total);
        return;
      }
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(Object.assign(new Error(msg.error.message), msg.error));
    };
    this.failed = (message) => {
      const err = new Error(`the engine worker failed: ${message || 'could not load (is the page served over http?)'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onFail(err);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      this.failed(ev.message);
    };
  }

  call(type, args = {}, onProgress) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, ...args });
    });
  }

  /** Stop the worker; its pending calls fail with `cancelled: true`. */
  terminate() {
    this.worker.terminate();
    const err = Object.assign(new Error('cancelled'), { cancelled: true });
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

let engine;
let pool = [];
let onFail = () => {};

/** Start the engine worker; `fail(err)` is called (also after a restart) if it dies. */
export function startWorker(fail = onFail) {
  onFail = fail;
  // The first worker was started by index.html before this module loaded (so the
  // wasm streams in and compiles while the page loads); restarts make a new one.
  const worker = globalThis.__recobroWorker ?? new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
  globalThis.__recobroWorker = undefined;
  engine = new Engine(worker, (err) => onFail(err));
  // The early worker failed before this module could listen.
  if (globalThis.__recobroWorkerError !== undefined) {
    const message = globalThis.__recobroWorkerError;
    globalThis.__recobroWorkerError = undefined;
    queueMicrotask(() => engine.failed(message));
  }
}

/** Ask the engine worker. */
export function call(type, args = {}, onProgress) {
  return engine.call(type, args, onProgress);
}

/** How many workers a parallel simulation uses: one per core (at most 16), or the
 * page's `?workers=N`. */
export function poolSize() {
  const asked = Number(new URLSearchParams(location.search).get('workers'));
  const n = Number.isInteger(asked) && asked > 0 ? asked : navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(16, n));
}

/** The engine worker and `n - 1` pool workers (made once, each handed the module
 * the engine worker compiled), to simulate parts of one run. */
export async function workers(n) {
  if (pool.length < n - 1) {
    const module = await engine.call('module');
    while (pool.length < n - 1) {
      const w = new Worker(new URL('../worker.js?pool', import.meta.url), { type: 'module' });
      w.postMessage({ type: 'adopt', module });
      pool.push(new Engine(w, () => {}));
    }
  }
  return [engine, ...pool.slice(0, n - 1)];
}

/** Stop every worker (pending calls fail with `cancelled: true`) and start a new
 * engine worker; the pool is made again on the next parallel run. */
export function restartWorker() {
  engine.terminate();
  for (const e of pool) e.terminate();
  pool = [];
  startWorker();
}
