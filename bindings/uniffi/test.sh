#!/usr/bin/env bash
# Tests of the uniffi binding: builds the library, generates Kotlin, Swift and Python
# from it, runs the Kotlin test on the JVM (the sample cases, the conformance corpus and
# the cross-host error corpus), the Python test with pytest, and checks
# what can be checked of the Swift without a Swift compiler. Idempotent: installs only
# what is missing (kotlinc from the npm package `kotlin-compiler`, Debian's libjna-java,
# a venv with pytest).
#
# The Kotlin and Python tests load a private copy of the library built with the
# test-only `fault-injection` feature (the Kotlin test proves an injected panic comes
# back as `RecobroException.Failure` with code `internal`); the bindings are generated
# from that copy, whose interface is the normal build's.
#
# Usage: bash bindings/uniffi/test.sh        (from anywhere)
# Env:   RECOBRO_PROFILE=release   test (and time) an optimised library (default: debug)
#        RECOBRO_TIMING_N          iterations of the timing loops (default 5000)
#        RECOBRO_CI=1              a one-shot test run (scripts/test.sh): no normal library
#                                  build; RECOBRO_UNIT_TESTS_RAN=1: the Rust tests already ran
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
T="$CARGO_TARGET_DIR"
GEN="$T/uniffi-gen"
TOOLS="$T/tools"
PROFILE="${RECOBRO_PROFILE:-debug}"
CARGO_PROFILE=()
[ "$PROFILE" = release ] && CARGO_PROFILE=(--release)
# The library the tests load: the fault-injection build, copied out of the shared
# target dir (the normal build is put back there, at the same path).
LIB="$GEN/lib/librecobro_uniffi.so"
AS_OF="2026-03-16T15:00:00Z"

step() { printf '\n== %s (at %d s)\n' "$*" "$SECONDS"; }

step "build the library ($PROFILE, with the fault-injection test switch), the bindgen and the CLI"
rm -rf "$GEN"
mkdir -p "$GEN/lib"
# The test library and the bindgen in one build (the `cli` feature adds the bindgen's
# dependencies, not a line of the library's interface): the core and the binding are
# compiled once for both.
cargo build -q -p recobro-uniffi --lib --bin uniffi-bindgen "${CARGO_PROFILE[@]}" --features fault-injection,cli
cp "$T/$PROFILE/librecobro_uniffi.so" "$LIB"
# Leave the normal library in $T (benches/record.sh times it); a one-shot test run
# (scripts/test.sh sets RECOBRO_CI) does not need it.
[ -n "${RECOBRO_CI:-}" ] || cargo build -q -p recobro-uniffi --lib "${CARGO_PROFILE[@]}"
cargo build -q -p recobro-cli

step "Rust unit tests of the binding"
if [ -n "${RECOBRO_UNIT_TESTS_RAN:-}" ]; then
  echo "  run by scripts/test.sh's cargo test, with the core's"
else
  cargo test -q -p recobro-uniffi "${CARGO_PROFILE[@]}" 2>&1 | grep -E '^test result' | head -1
fi

step "generate Kotlin, Swift and Python (library mode)"
for lang in kotlin swift python; do
    "$T/$PROFILE/uniffi-bindgen" generate --no-format --library "$LIB" --language "$lang" --out-dir "$GEN/$lang" >/dev/null
done
cp "$LIB" "$GEN/python/"
(cd "$GEN" && ls -R kotlin swift python) | sed 's/^/  /'

step "expected decisions from the CLI"
mkdir -p "$GEN/expected"
for f in examples/data/cases/*.json; do
    name="$(basename "$f" .json)"
    "$T/debug/recobro" eval "$f" --as-of "$AS_OF" >"$GEN/expected/$name.ndjson"
done

step "the conformance corpus, one line per item (name, policy, as_of, case JSON; tab-separated)"
python3 - "$GEN/conformance.tsv" <<'PY'
import json, sys

def exact(text):
    # A float must print back as the digits it was read from (the engine reads decimals).
    if repr(float(text)) != text:
        sys.exit(f"conformance.tsv: {text} would not survive as a float")
    return float(text)

corpus = json.load(open("test-data/conformance/cases.json", encoding="utf-8"), parse_float=exact)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for item in corpus["items"]:
        case = json.dumps(item["case"], ensure_ascii=False, separators=(",", ":"))
        out.write("\t".join([item["name"], item["policy"], item["as_of"], case]) + "\n")
print(f"  {len(corpus['items'])} items")
PY

step "tools: kotlinc (npm kotlin-compiler), JNA (Debian libjna-java)"
KOTLINC="$TOOLS/node_modules/kotlin-compiler/bin/kotlinc"
if [ ! -x "$KOTLINC" ]; then
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund kotlin-compiler >/dev/null
fi
JNA=/usr/share/java/jna.jar
if [ ! -f "$JNA" ]; then
    apt-get update -qq && apt-get install -y -qq libjna-java >/dev/null
fi
KSTDLIB="$TOOLS/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar"
echo "  kotlinc: $("$KOTLINC" -version 2>&1 | tail -1)"
echo "  java:    $(java -version 2>&1 | head -1)"

step "Swift: generated, checked without a compiler"
swift_fail=0
for f in Recobro.swift recobroFFI.h recobroFFI.modulemap; do
    [ -s "$GEN/swift/$f" ] || { echo "  missing $f"; swift_fail=1; }
done
grep -q 'module RecobroFFI' "$GEN/swift/recobroFFI.modulemap" || { echo "  module map names no RecobroFFI"; swift_fail=1; }
grep -q 'header "recobroFFI.h"' "$GEN/swift/recobroFFI.modulemap" || { echo "  module map names no header"; swift_fail=1; }
# Every exported function of the library has its C declaration in the header and is
# called from the Swift file.
syms=$(nm -D --defined-only "$LIB" | awk '{print $3}' | grep -E '^uniffi_recobro_uniffi_fn_' || true)
[ -n "$syms" ] || { echo "  no exported functions found"; swift_fail=1; }
n=0
for s in $syms; do
    n=$((n + 1))
    grep -q "$s" "$GEN/swift/recobroFFI.h" || { echo "  $s not declared in the header"; swift_fail=1; }
    grep -q "$s" "$GEN/swift/Recobro.swift" || { echo "  $s not called from Recobro.swift"; swift_fail=1; }
done
for api in 'func evaluate(' 'func evaluateMany(' 'func evaluateJson(' 'func checkContact(' 'func checkPlan(' \
           'func simulate(' 'func queue(' 'func generatePortfolio(' 'func engineVersion(' 'static func `default`(' \
           'static func embedded(' 'static func withOptionsJson(' 'func evaluateBatchJson(' \
           'enum RecobroError' 'struct Decision' 'enum DecisionOrError'; do
    grep -qF "$api" "$GEN/swift/Recobro.swift" || { echo "  Swift API lacks: $api"; swift_fail=1; }
done
if [ "$swift_fail" -ne 0 ]; then
    echo "  Swift checks failed"
    exit 1
fi
echo "  ok: $n exported functions declared in recobroFFI.h and called from Recobro.swift; module map and API names present"

step "Kotlin: compile the generated bindings and the test, run on the JVM"
KOUT="$GEN/kotlin-out"
rm -rf "$KOUT"
mkdir -p "$KOUT"
"$KOTLINC" -nowarn -jvm-target 17 -cp "$JNA" \
    "$GEN/kotlin/recobro/recobro_uniffi.kt" bindings/uniffi/tests/kotlin/Main.kt \
    -d "$KOUT/test.jar" 2>&1 | grep -v '^warning' || true
[ -f "$KOUT/test.jar" ] || { echo "  kotlinc produced no jar"; exit 1; }
# The fault checks print the default panic message (on stderr); no backtraces.
RUST_BACKTRACE=0 java -Djna.library.path="$(dirname "$LIB")" -cp "$KOUT/test.jar:$JNA:$KSTDLIB" MainKt \
    examples/data/cases "$GEN/expected" "$GEN/conformance.tsv" test-data/conformance/expected \
    test-data/conformance/errors.json |
    tee "$GEN/kotlin-test.log"

step "Python: pytest on the generated module"
VENV="$ROOT/.venv-uniffi"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import pytest' 2>/dev/null; then
    "$VENV/bin/pip" install -q pytest
fi
RECOBRO_UNIFFI_GEN="$GEN/python" RECOBRO_EXPECTED="$GEN/expected" \
    "$VENV/bin/python" -m pytest -q bindings/uniffi/tests/python | tee "$GEN/pytest.log"

step "summary"
kt=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$GEN/kotlin-test.log" | tail -1)
py=$(grep -oE '^[0-9]+ passed' "$GEN/pytest.log" | tail -1 | cut -d' ' -f1)
echo "  kotlin: $kt; python: $py passed; swift: generated and checked, not compiled"
echo "$(( ${kt%% *} + py )) passed, 0 failed"
