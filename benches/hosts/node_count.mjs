// The Node/WASM host under an instruction counter (benches/wasm-instructions.sh runs
// it under callgrind): loads the package, decides the first case, then `rounds` times
// every case of the file through `evaluateJson` (read, decide, write), one at a time.
// Two runs, 0 and N rounds, differ by N rounds of decisions: the package's load and
// compile cancel out. Prints the bytes written, so no call can be optimised away.
// Usage: node benches/hosts/node_count.mjs PKG_DIR CASES.ndjson ROUNDS
const [pkgDir, casesPath, roundsArg] = process.argv.slice(2);
const r = await import(`${pkgDir}/index.node.js`);
const fs = await import('node:fs');
const AS_OF = '2026-03-16T15:00:00Z';
const lines = fs.readFileSync(casesPath, 'utf8').split('\n').filter((l) => l.trim());
const policy = r.Policy.default();
let bytes = policy.evaluateJson(lines[0], AS_OF).length;
for (let k = 0; k < Number(roundsArg); k++) {
  for (const l of lines) bytes += policy.evaluateJson(l, AS_OF).length;
}
console.log(bytes);
