// Bundler entry (webpack 5, Vite, Rollup, esbuild): the web build, initialised with a
// top-level await; bundlers resolve the wasm through `new URL(..., import.meta.url)`.
import { init } from './index.web.js';

await init();
export * from './index.web.js';
