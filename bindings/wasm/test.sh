#!/usr/bin/env bash
# Tests of the JavaScript/WASM binding. Installs what it needs (see setup.sh), then:
# builds the npm package and a fault-injection test build, runs the core's
# wasm-bindgen tests under wasm32 (in Node), type-checks the declarations and a
# typed use of the API with tsc, runs the Node tests (API, errors, the conformance
# corpus, the cross-host error corpus, type drift against the engine and against
# schemas/, the injected fault), the package as users get it (tests/package.mjs: the
# packed tarball installed into a scratch app, run in Node as ESM and CommonJS, bundled
# by esbuild and run in headless Chromium, its declarations type-checked), and the
# browser simulator's end-to-end test in headless Chromium.
# Usage: bash bindings/wasm/test.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
# The npm package is built with the release profile as Cargo.toml has it (fat LTO;
# build.sh sees to it). The fault build and the wasm tests take whatever profile the
# caller sets: scripts/test.sh drops fat LTO for them. Measured on 2 cores
# (2026-12-01), the builds of this script took 490 s that way, and 627 s with fat LTO
# for all three. With fat LTO the three share their compiled dependencies, but each
# test binary's LTO link costs more than compiling the dependencies a second time.

step() { printf '\n== %s (at %d s)\n' "$*" "$SECONDS"; }

step "build the npm package (release, wasm-opt) and the fault-injection test build"
bash "$here/build.sh"
bash "$here/build.sh" --fault

step "wasm-bindgen-test: the core and the binding under wasm32 (Node)"
# With the fault build's features, so the core compiled for it serves the tests too.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked -p recobro-wasm --target wasm32-unknown-unknown --release --features fault-injection

step "tsc --noEmit: the declarations and a typed use of the API (strict)"
"$here/node_modules/.bin/tsc" -p "$here/tests/tsconfig.json" --noEmit

step "the recobro CLI (the native side the Node tests compare with)"
[ -x "$CARGO_TARGET_DIR/debug/recobro" ] || [ -x "$CARGO_TARGET_DIR/release/recobro" ] || cargo build -q --locked -p recobro-cli

step "Node tests (node --test: every tests/*.test.mjs, errors.test.mjs among them)"
# The tests find the CLI and the fault build under $CARGO_TARGET_DIR.
for b in release debug; do
  if [ -z "${RECOBRO_CLI:-}" ] && [ -x "$CARGO_TARGET_DIR/$b/recobro" ]; then
    export RECOBRO_CLI="$CARGO_TARGET_DIR/$b/recobro"
  fi
done
export RECOBRO_WASM_FAULT_PKG="${RECOBRO_WASM_FAULT_PKG:-$CARGO_TARGET_DIR/wasm-fault/pkg}"
(cd "$here" && node --test tests/)

if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

step "the package as users get it: npm pack, installed into a scratch app, Node ESM and CommonJS, esbuild + Chromium, tsc"
(cd "$here" && node --test tests/package.mjs)

if [ -f "$root/examples/simulator/tests/e2e.test.mjs" ]; then
  step "the browser simulator, end to end in headless Chromium"
  bash "$root/examples/simulator/assemble.sh"
  node --test "$root/examples/simulator/tests/"
fi
