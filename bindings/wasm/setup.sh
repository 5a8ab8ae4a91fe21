#!/usr/bin/env bash
# Installs what the WASM build and tests need, skipping what is already there:
# the wasm32 target, wasm-bindgen-cli at exactly the crate's version, and the npm
# tooling (binaryen's wasm-opt, TypeScript, playwright-core, esbuild, uPlot).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$root/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  # Not --locked: its lockfile pins a crate this registry lacks.
  cargo install wasm-bindgen-cli --version "$want"
fi
if [ ! -x "$here/node_modules/.bin/wasm-opt" ] || [ ! -d "$here/node_modules/playwright-core" ] ||
  [ ! -x "$here/node_modules/.bin/esbuild" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
