#!/usr/bin/env bash
# Assembles the static what-if simulator into target/simulator/: the page, the wasm
# package (bindings/wasm/pkg, built by `bash bindings/wasm/build.sh`), uPlot and the
# embedded decision tables (rules/tables/*.json, which the page lets one edit).
# The result is a plain static site: serve it with any static server, e.g.
#   node examples/simulator/serve.mjs target/simulator 8080
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pkg="$root/bindings/wasm/pkg"
uplot="$root/bindings/wasm/node_modules/uplot/dist"
out="$root/target/simulator"

if [ ! -f "$pkg/index.web.js" ] || [ ! -f "$pkg/recobro_wasm_bg.wasm" ]; then
  echo "assemble.sh: $pkg is missing the web build; run: bash bindings/wasm/build.sh" >&2
  exit 1
fi
if [ ! -f "$uplot/uPlot.esm.js" ]; then
  echo "assemble.sh: uPlot is missing; run: (cd bindings/wasm && npm ci)" >&2
  exit 1
fi

rm -rf "$out/pkg" "$out/vendor" "$out/js" "$out/tables"
mkdir -p "$out/pkg" "$out/vendor" "$out/js" "$out/tables"
cp "$here/index.html" "$here/style.css" "$here/app.js" "$here/worker.js" "$out/"
cp "$here"/js/*.js "$out/js/"
# The embedded decision tables, the table editor's starting text (js/tables.js).
cp "$root"/rules/tables/*.json "$out/tables/"
cp -R "$pkg"/. "$out/pkg/"
cp "$uplot/uPlot.esm.js" "$uplot/uPlot.min.css" "$out/vendor/"
echo "simulator assembled -> $out (serve: node examples/simulator/serve.mjs $out)"
