// The package's JavaScript API over the wasm-bindgen glue (shared by the Node, web
// and bundler entry points). It keeps the glue thin and adds what a trap needs:
// on wasm32 a Rust panic aborts (a `WebAssembly.RuntimeError`), so every call goes
// through `call`, which turns a trap into a `RecobroError` with code `internal`,
// resets the module (a fresh instance) and lets `Policy` objects recompile
// themselves on their next call. Nothing is lost but the call that trapped.

/**
 * An engine error. `message` is the engine's one-line rendering (`code: path:
 * message`); the properties are the error's fields: `code`, `detail` (the plain
 * message), `path`, `line`, `column`, `module`, `help` (`null` when absent).
 * `toJSON()` is the one flat error shape, as in `evaluateMany`'s error rows and
 * `diagnose`: `{code, message, path?, line?, column?, module?, help?}`.
 */
export class RecobroError extends Error {
  constructor(message, fields = {}, options) {
    super(message, options);
    this.name = 'RecobroError';
    this.code = fields.code ?? 'internal';
    this.detail = fields.detail ?? message;
    this.path = fields.path ?? null;
    this.line = fields.line ?? null;
    this.column = fields.column ?? null;
    this.module = fields.module ?? null;
    this.help = fields.help ?? null;
  }

  /** The flat error: `{code, message, path?, line?, column?, module?, help?}`. */
  toJSON() {
    const out = { code: this.code, message: this.detail };
    for (const k of ['path', 'line', 'column', 'module', 'help']) {
      if (this[k] !== null && this[k] !== undefined) out[k] = this[k];
    }
    return out;
  }
}

/**
 * The `internal` error of an engine fault, the same as the core's
 * `recobro::host::internal_error` (a trap the panic hook did not record: the stack
 * exhausted, memory ran out).
 */
function internalError(what, cause) {
  const detail = `the engine panicked: ${what} (a bug, not the input's fault)`;
  return new RecobroError(`internal: ${detail}`, {
    code: 'internal',
    detail,
    help: 'please report it with the case and policy that caused it',
  }, { cause });
}

/** A `RecobroError` from the flat error (`{code, message, ...}`) and its rendering. */
function fromFlat(display, error, cause) {
  return new RecobroError(display, { ...error, detail: error.message }, { cause });
}

const FROM = Symbol('recobro.Policy.from');

function isTrap(e) {
  return (
    (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
    e instanceof RangeError // stack exhausted or out of memory inside the module
  );
}

/**
 * Refuse JS numbers that are not whole: amounts and rates cross as decimal strings,
 * never binary floats (`0.1 + 0.2` is not `0.3`). Whole numbers are exact and pass.
 * JSON text is not checked: its numbers are read from their digits, exactly.
 */
function exactNumbers(value, path) {
  try {
    exactNumbersIn(value, path, new Set());
  } catch (e) {
    // Nesting too deep for the walk's stack: the glue's reading reports it as a
    // `RecobroError` (its own depth limit), as it does a cycle.
    if (e instanceof RangeError) return;
    throw e;
  }
}

// `open`: the objects on the path from the root, so a cycle ends the walk (the glue
// then refuses the value with its own error) instead of recursing until the stack runs out.
function exactNumbersIn(value, path, open) {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      const where = path || 'input';
      throw new RecobroError(
        `input.invalid: ${where}: ${value} is a JavaScript number; amounts and rates cross as decimal strings`,
        {
          code: 'input.invalid',
          path: where,
          detail: `${value} is a JavaScript number; amounts and rates cross as decimal strings`,
          help: `write it as a string: "${value}" (or pass the whole input as JSON text)`,
        },
      );
    }
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  if (open.has(value)) return;
  open.add(value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => exactNumbersIn(v, `${path}[${i}]`, open));
  } else {
    for (const [k, v] of Object.entries(value)) exactNumbersIn(v, path ? `${path}.${k}` : k, open);
  }
  open.delete(value);
}

const encoder = new TextEncoder();

/**
 * A JSON argument (a case, a work queue's cases, a proposal, a simulation or experiment
 * request, a test plan; not a policy's options or a capacity, which are small) for the
 * glue, as UTF-8 bytes: a string as it is, an object through `JSON.stringify` (what the
 * glue does with one). wasm-bindgen copies a string into wasm memory one UTF-16 unit at
 * a time in JavaScript (19 to 25 µs for a 3.7 KB case in Node, a fifth of a decision);
 * `TextEncoder` and the byte array's one native copy take about 3 µs. Anything else, an
 * object `JSON.stringify` refuses (a BigInt, a cycle), or text too long to encode, is
 * passed as it is: the glue reads it, with its own errors (inside `call()`).
 * Made before `call()`: inside its closure V8 ran 3% more instructions a decision.
 */
function jsonUtf8(value) {
  let text = value;
  if (typeof value !== 'string') {
    if (value === null || typeof value !== 'object') return value;
    try {
      text = JSON.stringify(value);
    } catch {
      return value;
    }
    if (typeof text !== 'string') return value;
  }
  return utf8(text, value);
}

/** A JSON argument checked for inexact numbers (`exactNumbers`), then as `jsonUtf8`. */
function jsonArg(value, path) {
  exactNumbers(value, path);
  return jsonUtf8(value);
}

/** A batch argument checked for inexact numbers, then as `batchUtf8`. */
function batchArg(value, path) {
  exactNumbers(value, path);
  return batchUtf8(value);
}

/** `text` as UTF-8 bytes, or `value` when they cannot be made (out of memory). */
function utf8(text, value) {
  try {
    return encoder.encode(text);
  } catch {
    return value;
  }
}

/** A batch argument: text as UTF-8 bytes (see `jsonUtf8`); an array (each case read on
 * its own, its errors under its index) or anything else as it is, but for bytes the
 * caller passes: those are no batch (a `Uint8Array` is neither text nor an array of
 * cases), and the glue reads bytes as the API's own text, so they become an empty
 * object and fail as before. */
function batchUtf8(value) {
  if (typeof value === 'string') return utf8(value, value);
  return isBytes(value) ? {} : value;
}

/** `value instanceof Uint8Array`, false when the check throws (a Proxy's trap), as the
 * glue's own check is. */
function isBytes(value) {
  try {
    return value instanceof Uint8Array;
  } catch {
    return false;
  }
}

/**
 * Build the API over the glue module; `load()` returns the initialised glue (or
 * throws when it is not initialised yet).
 */
export function wrap(load) {
  let generation = 0;

  function call(fn) {
    const glue = load();
    try {
      return fn(glue);
    } catch (e) {
      if (isTrap(e)) {
        // The panic hook recorded the core's `internal` error for the panic.
        const panic = globalThis.__recobroLastPanic;
        delete globalThis.__recobroLastPanic;
        glue.__wbg_reset_state();
        generation += 1;
        throw panic?.error ? fromFlat(panic.display, panic.error, e) : internalError(e.message, e);
      }
      if (e && e.name === 'RecobroError' && !(e instanceof RecobroError)) {
        throw new RecobroError(e.message, e);
      }
      throw e;
    }
  }

  class Policy {
    #make;
    #inner;
    #generation;

    /** Compile Rhai policy source with optional host options. */
    constructor(source, options) {
      if (source === FROM) {
        // Internal: `options` is the function that makes the glue policy.
        this.#make = options;
      } else if (typeof source !== 'string') {
        throw new RecobroError('input.invalid: source: a policy source must be a string', {
          code: 'input.invalid',
          path: 'source',
          detail: 'a policy source must be a string',
        });
      } else {
        exactNumbers(options, 'options');
        this.#make = (glue) => new glue.Policy(source, options ?? null);
      }
      this.#inner = call(this.#make);
      this.#generation = generation;
    }

    /** The embedded default consumer policy. */
    static default() {
      return new Policy(FROM, (glue) => glue.Policy.defaultPolicy());
    }

    /** An embedded policy by path (`b2b/policy`). */
    static embedded(path) {
      return new Policy(FROM, (glue) => glue.Policy.embedded(path));
    }

    #policy() {
      if (this.#generation !== generation) {
        // The module was reset after a trap: compile again in the fresh instance.
        this.#inner = call(this.#make);
        this.#generation = generation;
      }
      if (!this.#inner) throw new RecobroError('input.invalid: this policy was freed', { code: 'input.invalid' });
      return this.#inner;
    }

    info() { return call(() => this.#policy().info()); }
    limits() { return call(() => this.#policy().limits()); }
    functions() { return call(() => this.#policy().functions()); }
    evaluate(c, asOf, opts) {
      const arg = jsonArg(c, '');
      return call(() => this.#policy().evaluate(arg, asOf, opts?.trace ?? false));
    }
    evaluateJson(c, asOf, opts) {
      const arg = jsonArg(c, '');
      return call(() => this.#policy().evaluateJson(arg, asOf, opts?.trace ?? false));
    }
    evaluateMany(cases, asOf) {
      const arg = batchArg(cases, '');
      return call(() => this.#policy().evaluateMany(arg, asOf));
    }
    report(cases, asOf, opts) {
      return JSON.parse(this.reportText(cases, asOf, { ...opts, format: 'json' }));
    }
    reportText(cases, asOf, opts) {
      const arg = batchArg(cases, '');
      const previous = batchArg(opts?.previous ?? null, 'previous');
      return call(() =>
        this.#policy().report(
          arg,
          asOf,
          previous,
          opts?.previousAsOf ?? null,
          opts?.format ?? 'json',
        ),
      );
    }
    queue(cases, asOf, capacity) {
      return JSON.parse(this.queueText(cases, asOf, capacity, 'json'));
    }
    queueText(cases, asOf, capacity, format) {
      const arg = jsonArg(cases, '');
      return call(() => this.#policy().queue(arg, asOf, capacity ?? null, format ?? 'json'));
    }
    checkContact(c, channel, at, opts) {
      const arg = jsonArg(c, '');
      return call(() => this.#policy().checkContact(arg, channel, at, opts?.debtId ?? null));
    }
    checkPlan(c, asOf, proposal) {
      const arg = jsonArg(c, '');
      const p = jsonArg(proposal, 'proposal');
      return call(() => this.#policy().checkPlan(arg, asOf, p));
    }

    /** Release the compiled policy now (otherwise the garbage collector does). */
    free() {
      if (this.#inner && this.#generation === generation) this.#inner.free();
      this.#inner = null;
    }
  }
  if (Symbol.dispose) Policy.prototype[Symbol.dispose] = Policy.prototype.free;

  return {
    Policy,
    RecobroError,
    simulate: (request, opts) => {
      const arg = jsonArg(request ?? {}, '');
      return call((g) => g.simulate(arg, opts?.onProgress ?? null));
    },
    simulatePart: (request, part, parts, opts) => {
      const arg = jsonArg(request ?? {}, '');
      return call((g) => g.simulatePart(arg, part, parts, opts?.onProgress ?? null));
    },
    mergeParts: (parts) => call((g) => g.mergeParts(parts)),
    experiment: (request) => {
      const arg = jsonArg(request, 'experiment');
      return call((g) => g.experiment(arg));
    },
    experimentPlan: (plan) => {
      const arg = jsonArg(plan, 'plan');
      return call((g) => g.experimentPlan(arg));
    },
    generatePortfolio: (n, seed, asOf) => call((g) => g.generatePortfolio(n, seed, asOf)),
    defaultResponseModel: () => call((g) => g.defaultResponseModel()),
    diagnose: (source, options) => call((g) => g.diagnose(source, options ?? null)),
    embeddedSource: (path) => call((g) => g.embeddedSource(path)),
    embeddedPaths: () => call((g) => g.embeddedPaths()),
    timeZones: () => call((g) => g.timeZones()),
    version: () => call((g) => g.version()),
    // Only test builds with the `fault-injection` feature have it (`undefined` otherwise).
    faultCaseId: () => call((g) => (g.faultCaseId ? g.faultCaseId() : undefined)),
  };
}
