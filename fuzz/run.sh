#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time and records the execution
# counts in fuzz/RESULTS.md.  Usage: bash fuzz/run.sh [seconds-per-target] [target ...]
# Needs the nightly toolchain; installs cargo-fuzz when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"; shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(compile_policy case_json evaluate_default compliance_next_allowed money_accrual house_rules)
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal

# Seed corpora from the project's own test data (hostile policies, malformed
# cases, the sample cases, the shipped policies).
seed() {
  local dir="corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$dir/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done
  return 0
}
seed compile_policy ../test-data/hostile/*.rhai ../rules/*/*.rhai
seed case_json ../examples/data/cases/*.json
seed evaluate_default ../examples/data/cases/*.json
# house_rules decodes its input into rule maps: any bytes will do as seeds; the
# hostile house-rule policies give it varied ones.
seed house_rules $(grep -l house_rules ../test-data/hostile/*.rhai)
python3 - <<'PY'
import json, os
cases = json.load(open("../test-data/malformed/cases.json"))["cases"]
os.makedirs("corpus/case_json", exist_ok=True)
for i, c in enumerate(cases):
    text = c["json"]
    open(f"corpus/case_json/seed-malformed-{i:03}.json", "w").write(text)
PY

all=(compile_policy case_json evaluate_default compliance_next_allowed money_accrual house_rules)
mkdir -p logs
for t in "${targets[@]}"; do
  log="logs/$t.log"
  mkdir -p "corpus/$t"
  status=ok
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1 || status=FAILED
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  files=$(find "corpus/$t" -type f | wc -l)
  [ "$status" = ok ] || status="FAILED (see fuzz/artifacts/$t and fuzz/$log)"
  echo "| $t | $secs | ${execs:-?} | ${rate:-?} | $files | $status | $(date -u +%Y-%m-%d) |" > "logs/$t.row"
done

# The record: the last run of every target (rows kept in fuzz/logs/*.row).
{
  echo "# Fuzzing record"
  echo
  echo "Command: \`bash fuzz/run.sh SECONDS [TARGET ...]\` on $(nproc) cores, $(rustc +nightly --version)."
  echo "Seeds: the hostile-policy, malformed-input and sample corpora. A crash stops the target and"
  echo "leaves its input in fuzz/artifacts/TARGET; minimise it (\`cargo +nightly fuzz tmin\`) and add it"
  echo "to the corpora under test-data/ as a regression test."
  echo
  echo "| target | seconds | executions | exec/s | corpus files | result | date |"
  echo "|---|---|---|---|---|---|---|"
  for t in "${all[@]}"; do [ -f "logs/$t.row" ] && cat "logs/$t.row"; done
} > RESULTS.md
cat RESULTS.md
