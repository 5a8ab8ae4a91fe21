// The request/response protocol with the engine worker (../worker.js): the page posts
// `{id, type, ...}`; the worker answers `{id, ok, result | error}` and posts
// `{id, type: 'progress', done, total}` while a simulation runs.

let worker;
let nextId = 1;
const pending = new Map();
let onFail = () => {};

/** Start the worker; `fail(err)` is called (also after a restart) if it dies. */
export function startWorker(fail = onFail) {
  onFail = fail;
  // The first worker was started by index.html before this module loaded (so the
  // wasm streams in and compiles while the page loads); restarts make a new one.
  worker = globalThis.__recobroWorker ?? new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
  globalThis.__recobroWorker = undefined;
  worker.onmessage = (ev) => {
    const msg = ev.data;
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.done, msg.total);
      return;
    }
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(Object.assign(new Error(msg.error.message), msg.error));
  };
  const failed = (message) => {
    const err = new Error(`the engine worker failed: ${message || 'could not load (is the page served over http?)'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    onFail(err);
  };
  worker.onerror = (ev) => {
    ev.preventDefault();
    failed(ev.message);
  };
  // The early worker failed before this module could listen.
  if (globalThis.__recobroWorkerError !== undefined) {
    const message = globalThis.__recobroWorkerError;
    globalThis.__recobroWorkerError = undefined;
    queueMicrotask(() => failed(message));
  }
}

export function call(type, args = {}, onProgress) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, type, ...args });
  });
}

/** Stop the worker (pending calls fail with `cancelled: true`) and start a new one. */
export function restartWorker() {
  worker.terminate();
  const err = Object.assign(new Error('cancelled'), { cancelled: true });
  for (const p of pending.values()) p.reject(err);
  pending.clear();
  startWorker();
}
