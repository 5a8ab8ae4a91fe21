#!/usr/bin/env bash
# The performance record: runs the criterion benchmarks and the simulation timing on
# the same generated cases and writes benches/RESULTS.md (quoted by the README).
# Usage: bash benches/record.sh   (takes about 5 minutes on 2 cores; run on a quiet machine)
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

seq=$(est "consumer_policy_10k/rhai_sequential")
own=$(est "consumer_policy_10k/rhai_sequential_owned")
nat=$(est "consumer_policy_10k/native_baseline")
bat=$(est "consumer_policy_10k/rhai_batch_rayon")
{
  echo "# Performance record"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB; \`bash benches/record.sh\`."
  echo
  echo "| what | figure |"
  echo "|---|---|"
  python3 - "$seq" "$own" "$nat" "$bat" <<'PY'
import sys
seq, own, nat, bat = sys.argv[1:5]
def per(x): return f"{int(x)/10000/1000:.1f} µs" if x != "n/a" else "n/a"
print(f"| default consumer policy, 10,000 generated cases, sequential (evaluate(&Case)) | {per(seq)} per case |")
print(f"| same, owned cases (evaluate_owned, what bindings use) | {per(own)} per case |")
print(f"| same logic hand-written in Rust (native baseline) | {per(nat)} per case |")
if seq != "n/a" and nat != "n/a": print(f"| ratio Rhai / native | {int(seq)/int(nat):.1f}x |")
print(f"| batch on 2 threads (evaluate_batch) | {per(bat)} per case, {10000/(int(bat)/1e9):,.0f} cases/s |" if bat != "n/a" else "| batch | n/a |")
PY
  for id in "startup/engine_and_compile_consumer" "startup/parse_case_json_1k" \
            "compliance/verdict_only_call_allowed_40_contacts" "compliance/verdict_only_call_blocked_next_allowed_40_contacts" \
            "compliance/prepared_check_call_allowed_40_contacts" "compliance/check_call_allowed_40_contacts" \
            "money/native_accrual_5_debts_rate_change" "money/charges_5_debts_3_payments_rate_change"; do
    v=$(est "$id")
    if [ "$id" = "startup/parse_case_json_1k" ] && [ "$v" != "n/a" ]; then v=$((v / 1000)); id="$id (per case)"; fi
    echo "| $id | $v ns |"
  done
  echo "| simulation: 10,000 cases x 180 days, champion + 1 challenger | ${sim_secs} s wall, ${decisions} decisions |"
} > benches/RESULTS.md
cat benches/RESULTS.md
