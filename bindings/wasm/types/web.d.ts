// `recobro/web` (browsers without a bundler): `await init()` once, then use the API.
export * from './api.js';
/** Load and instantiate the module, once (later calls do nothing): from the URL of
 * `recobro_wasm_bg.wasm` (default: beside this file), its bytes, a `Response` or a
 * compiled `WebAssembly.Module`. */
export declare function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;
