#!/usr/bin/env bash
# The size profile of the browser build: builds the npm package (build.sh), then
# prints the shipped `recobro_wasm_bg.wasm` raw and gzip -9, its sections (code, data,
# the rest), and the biggest items by size with twiggy (installed into
# $CARGO_TARGET_DIR/tools, skipped when already there). The shipped module carries no
# names, so twiggy reads a twin of it: the same wasm-bindgen output through the same
# wasm-opt flags plus `-g` (names kept). Items are grouped by crate as well.
#   bash bindings/wasm/size.sh          build, then profile (25 items)
#   bash bindings/wasm/size.sh 60       60 items
#   SIZE_NO_BUILD=1 bash bindings/wasm/size.sh   profile the package already built
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
tools="$CARGO_TARGET_DIR/tools"
n="${1:-25}"

twiggy_version=0.8.0
if ! "$tools/bin/twiggy" --version 2>/dev/null | grep -q " $twiggy_version$"; then
  cargo install twiggy --version "$twiggy_version" --locked --root "$tools"
fi
[ -n "${SIZE_NO_BUILD:-}" ] || bash "$here/build.sh" >/dev/null

wasm="$here/pkg/recobro_wasm_bg.wasm"
gen="$CARGO_TARGET_DIR/wasm-bindgen/web/recobro_wasm_bg.wasm"
named="$CARGO_TARGET_DIR/wasm-size/recobro_wasm_bg.named.wasm"
mkdir -p "$(dirname "$named")"
# The flags build.sh gave wasm-opt, plus -g.
read -r -a opt_flags < "$CARGO_TARGET_DIR/wasm-bindgen/wasm-opt.flags"
"$here/node_modules/.bin/wasm-opt" "${opt_flags[@]}" -g "$gen" -o "$named"

raw=$(wc -c < "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "== recobro_wasm_bg.wasm (wasm-opt ${opt_flags[*]})"
printf '%-28s %12s\n' "raw" "$raw" "gzip -9" "$gz"
echo
echo "== sections (bytes)"
node -e '
  const b = require("fs").readFileSync(process.argv[1]);
  const names = ["custom","type","import","function","table","memory","global","export","start","element","code","data","datacount"];
  let p = 8; const rows = [];
  const leb = () => { let r = 0, s = 0, x; do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
  while (p < b.length) {
    const id = b[p++]; const size = leb(); const start = p;
    let name = names[id] ?? `id ${id}`;
    if (id === 0) { const l = leb(); name = "custom " + b.slice(p, p + l).toString(); }
    rows.push([name, size]); p = start + size;
  }
  for (const [name, size] of rows) console.log(name.padEnd(28), String(size).padStart(12));
' "$wasm"
echo
echo "== twiggy top $n (the named twin; shallow bytes, % of the twin: its names subsections are not shipped)"
"$tools/bin/twiggy" top -n "$n" "$named"
echo
echo "== by crate (every item of the named twin but its names; the data segments, unnamed, as one row)"
"$tools/bin/twiggy" top -f csv "$named" | node -e '
  const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").slice(1);
  const by = new Map(); let total = 0;
  for (const line of rows) {
    const m = /^(.*),(\d+),([\d.]+),[^,]*,[^,]*$/.exec(line);
    if (!m) continue;
    const name = m[1].replace(/^"(.*)"$/, "$1").replace(/""/g, "\""), size = Number(m[2]);
    if (/ subsection$/.test(name)) continue; // the names, not shipped
    total += size;
    let key;
    if (name.startsWith("data segment")) key = "(data segments)";
    else if (/ subsection$| section$|^custom section|^section headers|^wasm magic/.test(name)) key = "(" + name + ")";
    else if (/ shim$/.test(name)) key = "(wasm-bindgen export shims)";
    else {
      // The crate: the first path segment, looking through <impl X for Y> and <T as Trait>.
      const m2 = /^<*(?:impl |dyn |&(?:mut )?)?([A-Za-z_][A-Za-z0-9_]*)::/.exec(name);
      key = m2 ? m2[1] : "(other)";
    }
    by.set(key, (by.get(key) || 0) + size);
  }
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(k.padEnd(40), String(v).padStart(10), (100 * v / total).toFixed(2).padStart(7) + "%");
'
