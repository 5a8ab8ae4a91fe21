#!/usr/bin/env bash
# The performance record: runs the criterion benchmarks and the simulation timing on
# the same generated cases and writes benches/RESULTS.md (quoted by the README).
# Usage: bash benches/record.sh   (takes about 10 minutes on 2 cores; run on a quiet machine)
# Also measures every binding on the same generated cases (benches/hosts) and the
# WASM package size; quotes the browser simulator timing when its bench has run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

cargo bench -p recobro-benches --bench evaluate -- --noplot >/dev/null 2>&1 || cargo bench -p recobro-benches --bench evaluate
cargo build --release -q -p recobro-cli

est() { # mean point estimate in ns of a criterion benchmark id (group/name)
  local f="$CARGO_TARGET_DIR/criterion/$1/new/estimates.json"
  [ -f "$f" ] && python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['mean']['point_estimate']))" "$f" || echo "n/a"
}

sim_out=$("$CARGO_TARGET_DIR/release/recobro" simulate --generate 10000 --days 180 \
  --policy rules/consumer/policy.rhai --challenger rules/consumer/digital_first.rhai)
sim_secs=$(echo "$sim_out" | head -1 | sed -E 's/.*\(([0-9.]+) s\).*/\1/')
decisions=$(echo "$sim_out" | awk '/^decisions/ {print $2 + $3}')

# Every host on the same cases (benches/hosts).
T="$CARGO_TARGET_DIR"
mkdir -p "$T/bench"
"$T/release/recobro" generate 2000 --seed 7 --as-of 2026-03-16T15:00:00Z > "$T/bench/cases.ndjson"
hosts="$T/bench/hosts.ndjson"
: > "$hosts"
cargo build --release -q -p recobro-benches --bin bench-host --bin bench-allocs
"$T/release/bench-host" "$T/bench/cases.ndjson" >> "$hosts"
[ -f bindings/wasm/pkg/index.node.js ] || bash bindings/wasm/build.sh
node benches/hosts/node.mjs "$PWD/bindings/wasm/pkg" "$T/bench/cases.ndjson" >> "$hosts"
[ -x .venv-python/bin/python ] || bash bindings/python/test.sh
.venv-python/bin/python benches/hosts/python.py "$T/bench/cases.ndjson" >> "$hosts"
# The peer engine, GoRules Zen, on the same cases (benches/zen; fails on any disagreement).
.venv-python/bin/python -c "import zen" 2>/dev/null || .venv-python/bin/python -m pip install --quiet "zen-engine>=2,<3"
.venv-python/bin/python benches/zen/bench.py "$T/bench/cases.ndjson" > "$T/bench/zen.json"
cargo build --release -q -p recobro-c
cc -O2 -o "$T/bench/bench-c" benches/hosts/c.c -Ibindings/c/include -L"$T/release" -lrecobro_c -Wl,-rpath,"$T/release"
"$T/bench/bench-c" "$T/bench/cases.ndjson" >> "$hosts"
cargo build --release -q -p recobro-uniffi --lib
KOTLINC="$T/tools/node_modules/kotlin-compiler/bin/kotlinc"
[ -x "$KOTLINC" ] && [ -f "$T/uniffi-gen/kotlin/recobro/recobro_uniffi.kt" ] || bash bindings/uniffi/test.sh
"$KOTLINC" -nowarn -jvm-target 17 -cp /usr/share/java/jna.jar "$T/uniffi-gen/kotlin/recobro/recobro_uniffi.kt" \
  benches/hosts/Bench.kt -d "$T/bench/bench-kotlin.jar" 2>/dev/null
java -Djna.library.path="$T/release" -cp "$T/bench/bench-kotlin.jar:/usr/share/java/jna.jar:$T/tools/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar" \
  BenchKt "$T/bench/cases.ndjson" >> "$hosts"
"$T/release/bench-allocs" "$T/bench/cases.ndjson" > "$T/bench/allocs.json"
# `recobro eval FILE` end to end (read, parse in parallel, decide, write) on 10,000 cases:
# the best of three runs, against the engine's own batch figure below.
"$T/release/recobro" generate 10000 --seed 7 --as-of 2026-03-16T15:00:00Z > "$T/bench/cases10k.ndjson"
eval_ms=$(python3 - "$T/release/recobro" "$T/bench/cases10k.ndjson" <<'PY'
import subprocess, sys, time
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    subprocess.run([sys.argv[1], "eval", sys.argv[2], "--as-of", "2026-03-16T15:00:00Z"],
                   stdout=subprocess.DEVNULL, check=True)
    best = min(best, time.perf_counter() - t)
print(round(best * 1000))
PY
)
cat "$hosts"
# The browser simulator: page load to ready, and 10,000 cases x 180 days in Chromium.
bash examples/simulator/assemble.sh >/dev/null
node examples/simulator/tests/bench.mjs 10000 180 || echo "browser bench skipped (no chromium?)"

seq=$(est "consumer_policy_10k/rhai_sequential")
own=$(est "consumer_policy_10k/rhai_sequential_owned")
nat=$(est "consumer_policy_10k/native_baseline")
full=$(est "consumer_policy_10k/native_full_pipeline_owned")
bat=$(est "consumer_policy_10k/rhai_batch_rayon")
{
  echo "# Performance record"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB; \`bash benches/record.sh\`."
  echo
  echo "| what | figure |"
  echo "|---|---|"
  python3 - "$seq" "$own" "$nat" "$bat" "$full" <<'PY'
import sys
seq, own, nat, bat, full = sys.argv[1:6]
def per(x): return f"{int(x)/10000/1000:.1f} µs" if x != "n/a" else "n/a"
print(f"| default consumer policy, 10,000 generated cases, sequential (evaluate(&Case)) | {per(seq)} per case |")
print(f"| same, owned cases (evaluate_owned, what bindings use) | {per(own)} per case |")
print(f"| the honest limit: the same pipeline with the policy's hooks hand-written in Rust (owned cases; agrees byte for byte, core/tests/native_limit.rs) | {per(full)} per case |")
if own != "n/a" and full != "n/a": print(f"| ratio policy (Rhai) / honest limit | {int(own)/int(full):.2f}x |")
print(f"| segment and first candidate only, hand-written (the old baseline) | {per(nat)} per case |")
print(f"| batch on 2 threads (evaluate_batch) | {per(bat)} per case, {10000/(int(bat)/1e9):,.0f} cases/s |" if bat != "n/a" else "| batch | n/a |")
PY
  python3 - "$T/bench/allocs.json" "$eval_ms" "$bat" "$(est startup/parse_case_json_1k)" "$(est startup/write_decision_json_1k)" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
eval_ms, bat, parse, write = sys.argv[2:6]
print(f"| allocations per case: reading the case / deciding / writing the decision | {a['parse_allocs']:.0f} / {a['decide_allocs']:.0f} / {a['write_allocs']:.0f} ({a['parse_bytes'] + a['decide_bytes'] + a['write_bytes']:,.0f} bytes) |")
if parse != "n/a": print(f"| reading one case from JSON (3.8 KB, parse and validate) | {int(parse) / 1000 / 1000:.1f} µs |")
if write != "n/a": print(f"| writing one decision as JSON | {int(write) / 1000 / 1000:.1f} µs |")
if bat != "n/a":
    per_eval = int(eval_ms) * 1000 / 10000
    engine = int(bat) / 10000 / 1000
    print(f"| `recobro eval FILE`, 10,000 cases, 2 threads (read, parse, decide, write) | {per_eval:.1f} µs per case, {per_eval / engine:.2f}x the engine's batch figure |")
PY
  for id in "startup/engine_and_compile_consumer" "startup/parse_case_json_1k" "startup/write_decision_json_1k" \
            "compliance/verdict_only_call_allowed_40_contacts" "compliance/verdict_only_call_blocked_next_allowed_40_contacts" \
            "compliance/prepared_check_call_allowed_40_contacts" "compliance/check_call_allowed_40_contacts" \
            "money/native_accrual_5_debts_rate_change" "money/charges_5_debts_3_payments_rate_change"; do
    v=$(est "$id")
    case "$id" in *_1k) [ "$v" != "n/a" ] && v=$((v / 1000)) && id="$id (per item)";; esac
    echo "| $id | $v ns |"
  done
  echo "| simulation: 10,000 cases x 180 days, champion + 1 challenger | ${sim_secs} s wall, ${decisions} decisions |"
  echo
  echo "## Every host on the same cases"
  echo
  echo "2,000 generated cases (\`recobro generate 2000 --seed 7\`), the default consumer policy, JSON text in and"
  echo "canonical decision JSON out; see \`benches/hosts/README.md\` for what each figure means."
  echo
  echo "| host | µs per case (sequential) | vs native | batch cases/s | cold start ms | failed |"
  echo "|---|---|---|---|---|---|"
  python3 - "$hosts" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
native = next((r for r in rows if r["host"] == "native"), None)
for r in rows:
    ratio = f"{r['ns_per_case'] / native['ns_per_case']:.2f}x" if native else "n/a"
    print(f"| {r['host']} | {r['ns_per_case'] / 1000:.1f} | {ratio} | {r['batch_cases_per_s']:,} | {r['cold_start_ms']} | {r['failed']} |")
node = next((r for r in rows if r["host"] == "node-wasm"), None)
if node:
    print()
    print(f"Node/WASM simulation, 1,000 cases x 180 days, champion + 1 challenger: {node['sim_1k_180d_2_policies_ms']:,} ms ({node['sim_decisions']:,} decisions).")
PY
  echo
  echo "WASM package: \`recobro_wasm_bg.wasm\` $(wc -c < bindings/wasm/pkg/recobro_wasm_bg.wasm) bytes, $(gzip -9 -c bindings/wasm/pkg/recobro_wasm_bg.wasm | wc -c) gzipped (wasm-opt -O3)."
  if [ -f "$CARGO_TARGET_DIR/simulator/bench-timings.json" ]; then
    echo
    python3 - "$CARGO_TARGET_DIR/simulator/bench-timings.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
print(f"Browser simulator in headless Chromium ({t.get('browser', 'chromium')}): page load to ready {t['ready_ms']:.0f} ms; "
      f"{t['cases']:,} cases x {t['days']} days, champion + challenger, in a Web Worker: {t['simulation_ms'] / 1000:.1f} s.")
PY
  fi
  echo
  echo "## Peer engine"
  echo
  echo "GoRules Zen (\`zen-engine\` from PyPI) and Recobro, both from Python in one process, on the same 2,000 cases: the"
  echo "default consumer policy's segment and ordered candidate actions as a JDM graph of decision tables, given the facts"
  echo "precomputed by the host (not timed), against Recobro's whole pipeline from JSON text; best of 3 rounds. See"
  echo "\`benches/zen/README.md\`."
  echo
  python3 - "$T/bench/zen.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("| engine | µs per decision | what one decision is |")
print("|---|---|---|")
print(f"| GoRules Zen {r['zen_engine_version']} (`ZenEngine.evaluate`) | {r['zen_us_per_decision']:.1f} | the graph on precomputed facts: segment and candidates |")
print(f"| Recobro (`Policy.evaluate_json`) | {r['recobro_us_per_decision']:.1f} | JSON text in: validation, facts, policy, compliance verdicts, charges, offers, decision JSON out |")
print()
print(f"Recobro / Zen: {r['ratio_recobro_over_zen']:.2f}x; {r['disagreements']} disagreements in {r['cases']:,} cases.")
PY
} > benches/RESULTS.md
cat benches/RESULTS.md
