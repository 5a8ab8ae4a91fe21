// The Node/WASM host of the cross-host performance record (see README.md).
// Usage: node benches/hosts/node.mjs PKG_DIR CASES.ndjson [rounds] [--count]
// With --count (benches/instructions.sh --wasm, under callgrind): only the rounds of
// `evaluateJson` one case at a time, then the bytes written; two runs, R and 2R rounds,
// differ by R rounds of warm decisions (the package's load, and the compiles of the
// first rounds, cancel out).
const t0 = performance.now();
const [pkgDir, casesPath, roundsArg, mode] = process.argv.slice(2);
const r = await import(`${pkgDir}/index.node.js`);
const fs = await import('node:fs');
const AS_OF = '2026-03-16T15:00:00Z';
const lines = fs.readFileSync(casesPath, 'utf8').split('\n').filter((l) => l.trim());
const policy = r.Policy.default();
let bytes = policy.evaluateJson(lines[0], AS_OF).length;
const cold = performance.now() - t0;
let best = Infinity;
for (let k = 0; k < Number(roundsArg ?? 3); k++) {
  const t = performance.now();
  for (const l of lines) bytes += policy.evaluateJson(l, AS_OF).length;
  best = Math.min(best, ((performance.now() - t) * 1e6) / lines.length);
}
if (mode === '--count') {
  console.log(bytes);
  process.exit(0);
}
const t = performance.now();
const rows = policy.evaluateMany(lines.join('\n'), AS_OF);
const batch = lines.length / ((performance.now() - t) / 1e3);
const ts = performance.now();
const sim = r.simulate({ generate: 1000, days: 180, seed: 42, policies: [{}, { embedded: 'consumer/digital_first' }] });
const simMs = performance.now() - ts;
const decisions = sim.arms.reduce((n, a) => n + a.kpis.decisions, 0);
console.log(JSON.stringify({
  host: 'node-wasm', cases: lines.length, ns_per_case: Math.round(best),
  batch_cases_per_s: Math.round(batch), cold_start_ms: Number(cold.toFixed(1)),
  failed: rows.filter((x) => x.error).length, bytes,
  sim_1k_180d_2_policies_ms: Math.round(simMs), sim_decisions: decisions,
}));
