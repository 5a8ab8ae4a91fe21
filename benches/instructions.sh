#!/usr/bin/env bash
# Instructions, counted by valgrind's callgrind: the same on every run of one build,
# so a change is measured on a shared, noisy machine where times are not (the figures
# of the README's "Changes since that record"). Builds with the `profiling` profile
# (release code with line tables; without fat LTO unless RECOBRO_CI_LTO=1, to keep the
# build short: compare counts made the same way). Installs valgrind when missing.
#   bash benches/instructions.sh            500 generated cases (about 3 minutes)
#   bash benches/instructions.sh 200        fewer cases (at least 2)
#   bash benches/instructions.sh --wasm[=PKG_DIR]
#                                           also Node (PKG_DIR: bindings/wasm/pkg, built by
#                                           bindings/wasm/build.sh; about 5 minutes more)
# Prints the set-up a process pays once (engines, compliance packs, the default
# policy), then per case: reading a case, deciding it with the script and with the honest
# limit (the ratio is #15's), writing the decision; and one whole simulation (300
# cases x 90 days, champion and challenger) and `recobro eval FILE` per case. With
# --wasm, the wasm package's `evaluateJson` per case in Node (read, decide, write)
# against the same steps natively: two runs, R and 2R rounds of the cases (R*N about
# 1,000 decisions), differ by R rounds of warm decisions. Node runs --single-threaded
# and --no-liftoff, so V8 compiles each wasm function once, with its optimising
# compiler, on its first call: the first R rounds hold those compiles (and the glue's
# JIT), which a count from 0 rounds would put on every decision (1,758k instructions a
# case over the first 500 decisions, 984k to 1,001k over the next 1,000).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
n=500
pkg=""
for a in "$@"; do
  case "$a" in
    --wasm) pkg=bindings/wasm/pkg ;;
    --wasm=*) pkg="${a#--wasm=}" ;;
    *) n="$a" ;;
  esac
done
if [ -n "$pkg" ]; then
  pkg="$(cd "$pkg" && pwd)"
fi
if ! command -v valgrind >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
fi
if [ -z "${RECOBRO_CI_LTO:-}" ]; then
  export CARGO_PROFILE_PROFILING_LTO=off CARGO_PROFILE_PROFILING_CODEGEN_UNITS=16
fi
cargo build -q --profile profiling -p recobro-cli -p recobro-benches --bin recobro --bin bench-steps
bin="$CARGO_TARGET_DIR/profiling"
work="$CARGO_TARGET_DIR/instructions"
mkdir -p "$work"
cases="$work/cases.ndjson"
"$bin/recobro" generate "$n" --seed 7 --as-of 2026-03-16T15:00:00Z > "$cases"

count() { # instructions of one whole run of the command
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
    | sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
}
head -1 "$cases" > "$work/one.ndjson"
setup=$(count "$bin/bench-steps" read "$work/one.ndjson")
read=$(count "$bin/bench-steps" read "$cases")
script=$(count "$bin/bench-steps" script "$cases")
limit=$(count "$bin/bench-steps" limit "$cases")
write=$(count "$bin/bench-steps" write "$cases")
empty=$(count "$bin/recobro" eval "$work/one.ndjson" --as-of 2026-03-16T15:00:00Z)
eval_file=$(count "$bin/recobro" eval "$cases" --as-of 2026-03-16T15:00:00Z)
sim=$(count "$bin/recobro" simulate --generate 300 --days 90 --challenger rules/consumer/digital_first.rhai)
rounds=$(((1000 + n - 1) / n))
nodeR=0
node2R=0
if [ -n "$pkg" ]; then
  node=(node --no-liftoff --single-threaded benches/hosts/node.mjs "$pkg" "$cases")
  # Side by side, one per core: counts do not depend on timing. Both runs warm up with
  # the first R rounds (V8 compiles a wasm function on its first call); they differ by
  # R rounds of warm decisions.
  count "${node[@]}" "$rounds" --count > "$work/nodeR" &
  count "${node[@]}" "$((2 * rounds))" --count > "$work/node2R" &
  wait
  nodeR=$(cat "$work/nodeR")
  node2R=$(cat "$work/node2R")
fi
python3 - "$n" "$setup" "$read" "$script" "$limit" "$write" "$empty" "$eval_file" "$sim" \
  "$rounds" "$nodeR" "$node2R" <<'PY'
import sys
n, setup, read, script, limit, write, empty, eval_file, sim, rounds, node_r, node_2r = map(
    int, sys.argv[1:]
)
one = lambda x: round((x - read) / n)
print(f"cases: {n} generated (seed 7); instructions per case unless said")
per_read = (read - setup) / (n - 1)
print(f"set-up once per process (engines, packs, policy) {round(setup - per_read):>12,}")
print(f"reading a case (JSON text to a validated case)  {round(per_read):>12,}")
print(f"deciding it, the script                          {one(script):>12,}")
print(f"deciding it, the honest limit                    {one(limit):>12,}")
print(f"the script / the limit                           {(script - read) / (limit - read):>12.2f}x")
print(f"writing the decision                             {one(write) - one(script):>12,}")
print(f"recobro eval FILE (read, decide, write, I/O)     {round((eval_file - empty) / (n - 1)):>12,}")
print(f"simulation 300 x 90 days, 2 policies (whole run) {sim:>12,}")
if node_2r:
    wasm = (node_2r - node_r) / (n * rounds)
    native = per_read + one(write)
    print(f"Node, the wasm package's evaluateJson (warm)     {round(wasm):>12,}")
    print(f"native, the same steps (read, decide, write)     {round(native):>12,}")
    print(f"wasm / native                                    {wasm / native:>12.2f}x")
PY
