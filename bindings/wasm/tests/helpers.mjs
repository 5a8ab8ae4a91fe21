// Shared by the Node tests: the package under test, the repository's data.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../../..');
export const PKG = process.env.RECOBRO_WASM_PKG ?? path.resolve(HERE, '../pkg');
export const AS_OF = '2026-03-16T15:00:00Z';

/** A sample case (examples/data/cases/NAME.json) as an object. */
export function sample(name) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/data/cases', `${name}.json`), 'utf8'));
}

/** Every sample case name. */
export function sampleNames() {
  return fs.readdirSync(path.join(ROOT, 'examples/data/cases'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The repository's `recobro` CLI binary, built by the Rust tests (release or debug). */
export function cli() {
  for (const p of [process.env.RECOBRO_CLI, path.join(ROOT, 'target/release/recobro'), path.join(ROOT, 'target/debug/recobro')]) {
    if (p && fs.existsSync(p)) return p;
  }
  throw new Error('the recobro CLI is not built: run cargo build -p recobro-cli');
}
