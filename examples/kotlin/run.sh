#!/usr/bin/env bash
# Build the uniffi library, generate its Kotlin, compile WorkQueue.kt and run it on the JVM.
# Needs Java 17, kotlinc and JNA; bindings/uniffi/test.sh installs the last two if missing
# (kotlinc from the npm package `kotlin-compiler` into target/tools, JNA from Debian's
# libjna-java).
#
# Usage: bash examples/kotlin/run.sh [cases dir] [as_of]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
T="$CARGO_TARGET_DIR"
KOTLINC="${KOTLINC:-$T/tools/node_modules/kotlin-compiler/bin/kotlinc}"
KSTDLIB="$(dirname "$KOTLINC")/../lib/kotlin-stdlib.jar"
JNA="${JNA:-/usr/share/java/jna.jar}"
[ -x "$KOTLINC" ] || npm install --prefix "$T/tools" --no-audit --no-fund kotlin-compiler >/dev/null
[ -f "$JNA" ] || { apt-get update -qq && apt-get install -y -qq libjna-java >/dev/null; }

cargo build -q -p recobro-uniffi --lib
cargo build -q -p recobro-uniffi --features cli --bin uniffi-bindgen
GEN="$T/kotlin-example"
rm -rf "$GEN" && mkdir -p "$GEN"
"$T/debug/uniffi-bindgen" generate --no-format --library "$T/debug/librecobro_uniffi.so" \
    --language kotlin --out-dir "$GEN/src" >/dev/null
"$KOTLINC" -nowarn -jvm-target 17 -cp "$JNA" "$GEN/src/recobro/recobro_uniffi.kt" \
    examples/kotlin/WorkQueue.kt -d "$GEN/workqueue.jar" 2>&1 | grep -v '^warning' || true
java -Djna.library.path="$T/debug" -cp "$GEN/workqueue.jar:$JNA:$KSTDLIB" WorkQueueKt "$@"
