#!/usr/bin/env bash
# Instructions per case in Node (the wasm package) and natively, counted by callgrind:
# `evaluateJson` in Node (read, decide and write one case) against the same three
# steps in Rust (`bench-steps write`). Times in Node vary two-fold between runs on a
# shared machine; these counts vary by under 1% (V8 compiles in the background
# otherwise: Node runs with --single-threaded and --no-liftoff, so every wasm function
# is compiled once, by the optimising compiler). Compare two wasm builds with it.
#   bash benches/wasm-instructions.sh [PKG_DIR] [N] [ROUNDS]
#     PKG_DIR: bindings/wasm/pkg (build it with bindings/wasm/build.sh)
#     N cases (100), decided ROUNDS times (10); about 3 minutes.
# Needs valgrind (installed when missing) and the profiling build of benches/instructions.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
pkg="$(cd "${1:-bindings/wasm/pkg}" && pwd)"
n="${2:-100}"
rounds="${3:-10}"
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
cases="$work/wasm-cases.ndjson"
"$bin/recobro" generate "$n" --seed 7 --as-of 2026-03-16T15:00:00Z > "$cases"
head -1 "$cases" > "$work/wasm-one.ndjson"

count() { # instructions of one whole run of the command
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
    | sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
}
node=(node --no-liftoff --single-threaded benches/hosts/node_count.mjs "$pkg" "$cases")
# The two Node runs side by side (one per core): counts do not depend on timing.
count "${node[@]}" 0 > "$work/wasm-r0" &
count "${node[@]}" "$rounds" > "$work/wasm-rn" &
wait
one=$(count "$bin/bench-steps" write "$work/wasm-one.ndjson")
all=$(count "$bin/bench-steps" write "$cases")
python3 - "$n" "$rounds" "$(cat "$work/wasm-r0")" "$(cat "$work/wasm-rn")" "$one" "$all" <<'PY'
import sys
n, rounds, r0, rn, one, all_ = map(int, sys.argv[1:])
wasm = (rn - r0) / (n * rounds)
native = (all_ - one) / (n - 1)
print(f"cases: {n} generated (seed 7), {rounds} rounds in Node; instructions per case")
print(f"Node, the wasm package's evaluateJson (read, decide, write) {round(wasm):>12,}")
print(f"native, the same steps (bench-steps write)                  {round(native):>12,}")
print(f"wasm / native                                               {wasm / native:>12.2f}x")
PY
