#!/usr/bin/env bash
# Builds the npm package `recobro` into bindings/wasm/pkg: the wasm (release,
# optimised with wasm-opt from the npm `binaryen` package), the wasm-bindgen glue for
# Node and for the web (bundlers use the web build), the JavaScript API and the
# TypeScript declarations. Installs what it needs, skipping what is already there.
#   bash bindings/wasm/build.sh            the package
#   bash bindings/wasm/build.sh --fault    a test build with the fault-injection switch
#                                          (into $CARGO_TARGET_DIR/wasm-fault/pkg)
# Cargo's output goes to $CARGO_TARGET_DIR (default: target/ in the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
bash "$here/setup.sh"
target="${CARGO_TARGET_DIR:-$root/target}"

features=()
out="$here/pkg"
gen="$target/wasm-bindgen"
if [ "${1:-}" = "--fault" ]; then
  features=(--features fault-injection)
  out="$target/wasm-fault/pkg"
  gen="$target/wasm-fault/bindgen"
fi
if [ "${features[*]}" = "" ]; then
  # The package is built with the release profile as Cargo.toml has it (fat LTO, one
  # codegen unit), even when the caller (scripts/test.sh) lightens it for test builds.
  env -u CARGO_PROFILE_RELEASE_LTO -u CARGO_PROFILE_RELEASE_CODEGEN_UNITS \
    cargo build -p recobro-wasm --target wasm32-unknown-unknown --release --locked
else
  cargo build -p recobro-wasm --target wasm32-unknown-unknown --release --locked "${features[@]}"
fi
raw="$target/wasm32-unknown-unknown/release/recobro_wasm.wasm"
rm -rf "$gen" && mkdir -p "$gen"
for t in nodejs web; do
  wasm-bindgen --target "$t" --experimental-reset-state-function --out-dir "$gen/$t" "$raw"
done

rm -rf "$out" && mkdir -p "$out"
# One wasm file serves both glues (wasm-bindgen emits the same module for both).
cmp -s "$gen/nodejs/recobro_wasm_bg.wasm" "$gen/web/recobro_wasm_bg.wasm"
if [ "${features[*]}" = "" ]; then
  # -O3, not -Oz: no smaller gzipped and ~5% slower (README, Size). Memory packing
  # splits the data into segments around runs of zeros: 12 KB fewer bytes, 10 KB more
  # gzipped (the zeros compress to nothing, the segment headers do not); code unchanged.
  opt_flags=(-O3 --skip-pass=memory-packing --enable-bulk-memory
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
    --enable-reference-types --enable-multivalue)
  # size.sh profiles the same flags (plus -g for names).
  echo "${opt_flags[*]}" > "$gen/wasm-opt.flags"
  "$here/node_modules/.bin/wasm-opt" "${opt_flags[@]}" \
    "$gen/web/recobro_wasm_bg.wasm" -o "$out/recobro_wasm_bg.wasm"
else
  cp "$gen/web/recobro_wasm_bg.wasm" "$out/recobro_wasm_bg.wasm"
fi
cp "$gen/nodejs/recobro_wasm.js" "$out/recobro_wasm.node.cjs"
cp "$gen/web/recobro_wasm.js" "$out/recobro_wasm.web.js"
# The declarations wasm-bindgen generates for the glue: the Node test checks that
# the hand-written API (types/api.d.ts) declares every function they export.
cp "$gen/web/recobro_wasm.d.ts" "$out/recobro_wasm.web.d.ts"
# The JavaScript entries, the declarations, the README and package.json.
node "$here/assemble.mjs" "$out"
raw_size=$(wc -c < "$raw")
size=$(wc -c < "$out/recobro_wasm_bg.wasm")
gz=$(gzip -9 -c "$out/recobro_wasm_bg.wasm" | wc -c)
echo "recobro wasm: cargo $raw_size bytes; package $size bytes, $gz gzipped -> $out"
