#!/usr/bin/env bash
# Tests of the C ABI: builds the library, checks the header declares exactly what the
# library exports, compiles tests/test.c with the system cc, runs it (its decisions
# are compared byte for byte with `recobro eval`), runs the conformance corpus and the
# cross-host error corpus through it, runs the tests again under valgrind for
# leaks, runs the crate's Rust unit tests, builds the C example against the static
# library, and prints the per-call timing of native Rust and of the C call.
#
# tests/test.c runs against a private copy of the library built with the test-only
# `fault-injection` feature (it proves an injected panic comes back as an `internal`
# error); the header check and the C example use the normal build.
#
# Usage: bash bindings/c/test.sh            (from anywhere)
# Env:   RECOBRO_PROFILE=release            time an optimised build (default: debug)
#        RECOBRO_TIMING_N                   iterations of the timing loops (default 2000)
#        RECOBRO_SKIP_VALGRIND=1            skip the valgrind run
#        RECOBRO_CI=1                       a one-shot test run (scripts/test.sh): no native
#                                           timing example; RECOBRO_UNIT_TESTS_RAN=1: the
#                                           crate's Rust tests already ran
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PROFILE="${RECOBRO_PROFILE:-debug}"
CARGO_PROFILE=()
[ "$PROFILE" = release ] && CARGO_PROFILE=(--release)
T="$CARGO_TARGET_DIR"
LIBDIR="$T/$PROFILE"
OUT="$T/c-test"
# The fault-injection build the tests link, copied out of the shared target dir so that
# later (or concurrent) builds of the normal library do not replace it.
TESTLIB="$OUT/lib"
AS_OF="2026-03-16T15:00:00Z"
N="${RECOBRO_TIMING_N:-2000}"

step() { printf '\n== %s (at %d s)\n' "$*" "$SECONDS"; }

step "build the library ($PROFILE; a test copy with the fault-injection switch) and the CLI"
rm -rf "$OUT"
mkdir -p "$TESTLIB"
cargo build -q -p recobro-c "${CARGO_PROFILE[@]}" --features fault-injection
cp "$LIBDIR/librecobro_c.so" "$TESTLIB/"
cargo build -q -p recobro-c "${CARGO_PROFILE[@]}"
cargo build -q -p recobro-cli

step "the header declares exactly the exported functions"
exported=$(nm -D --defined-only "$LIBDIR/librecobro_c.so" | awk '{print $3}' | grep '^recobro_' | sort)
declared=$(grep -oE '\brecobro_[a-z_]+\(' bindings/c/include/recobro.h | tr -d '(' | sort -u)
if [ "$exported" != "$declared" ]; then
    echo "  header and library differ:"
    diff <(echo "$exported") <(echo "$declared") | sed 's/^/    /' || true
    exit 1
fi
echo "  ok: $(echo "$exported" | wc -l) functions"

step "expected decisions from the CLI"
mkdir -p "$OUT/expected"
for f in examples/data/cases/*.json; do
    "$T/debug/recobro" eval "$f" --as-of "$AS_OF" >"$OUT/expected/$(basename "$f" .json).ndjson"
done

step "compile tests/test.c against the shared library (the fault-injection test copy)"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -O2 -g -Ibindings/c/include)
cc "${CFLAGS[@]}" bindings/c/tests/test.c -L"$TESTLIB" -lrecobro_c -lpthread -o "$OUT/test"

step "run"
# The fault checks print the default panic message (on stderr); no backtraces.
export RUST_BACKTRACE=0
LD_LIBRARY_PATH="$TESTLIB" "$OUT/test" examples/data/cases "$OUT/expected" "$N" | tee "$OUT/test.log"

step "the cross-host conformance corpus (every item, each with its own policy and clock)"
n_corpus=$(python3 - "$OUT/conf" <<'PY'
import json, os, sys
out = sys.argv[1]

def exact(text):
    # A float must print back as the digits it was read from (the engine reads decimals).
    if repr(float(text)) != text:
        sys.exit(f"conformance corpus: {text} would not survive as a float")
    return float(text)

corpus = json.load(open("test-data/conformance/cases.json", encoding="utf-8"), parse_float=exact)
os.makedirs(f"{out}/cases", exist_ok=True)
os.makedirs(f"{out}/expected", exist_ok=True)
with open(f"{out}/manifest.tsv", "w", encoding="utf-8") as m:
    for item in corpus["items"]:
        name = item["name"]
        json.dump(item["case"], open(f"{out}/cases/{name}.json", "w", encoding="utf-8"), ensure_ascii=False)
        want = open(f"test-data/conformance/expected/{name}.json", encoding="utf-8").read()
        open(f"{out}/expected/{name}.json", "w", encoding="utf-8").write(want)
        m.write(f"{name}\t{item['policy']}\t{item['as_of']}\n")
print(len(corpus["items"]))
PY
)
echo "  $n_corpus corpus items"
LD_LIBRARY_PATH="$TESTLIB" "$OUT/test" --corpus "$OUT/conf" | tee "$OUT/corpus.log" | grep -v '^  FAIL' || true
grep '^  FAIL' "$OUT/corpus.log" | head -20 || true
grep -q "^corpus: $n_corpus items, [0-9]* policies, 0 mismatches$" "$OUT/corpus.log" || {
    echo "  the C binding did not reproduce all $n_corpus corpus items"
    exit 1
}

step "the cross-host error corpus (test-data/conformance/errors.json: code, message, path, line, column, module, help)"
n_errors=$(python3 - "$OUT/errors" <<'PY'
import json, os, sys
out = sys.argv[1]
corpus = json.load(open("test-data/conformance/errors.json", encoding="utf-8"))
FIELDS = ["code", "message", "path", "line", "column", "module", "help"]

def put(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

def want(d, expect):
    # A field in `expect` must be equal; path, line and module absent from it must be
    # absent. Message, help and column are filled in when the corpus is blessed: until
    # `expect` has a message they are not checked, after that an absent one must be.
    blessed = "message" in expect
    for k in FIELDS + (["index"] if "index" in expect else []):
        if k in expect:
            put(f"{d}/{k}", str(expect[k]))
        elif k in ("path", "line", "module") or blessed:
            put(f"{d}/{k}.none", "")

names = []
for n, item in enumerate(corpus["items"]):
    name = f"{n:02d}_{item['name']}"
    d = f"{out}/{name}"
    names.append(name)
    put(f"{d}/call", item["call"])
    if "policy" in item:
        put(f"{d}/policy", item["policy"])
    else:
        put(f"{d}/source", item["policy_source"])
        if "options" in item:
            put(f"{d}/options", json.dumps(item["options"], ensure_ascii=False))
    for key, file in (("case_text", "case"), ("cases_text", "cases"), ("as_of", "as_of")):
        if key in item:
            put(f"{d}/{file}", item[key])
    if "expect" in item:
        want(f"{d}/want", item["expect"])
    else:
        put(f"{d}/rows/count", str(len(item["expect_rows"])))
        for i, row in enumerate(item["expect_rows"]):
            if row.get("decided"):
                put(f"{d}/rows/{i}/decided", "")
            else:
                want(f"{d}/rows/{i}", row)
put(f"{out}/manifest", "".join(n + "\n" for n in names))
print(len(names))
PY
)
echo "  $n_errors error corpus items"
LD_LIBRARY_PATH="$TESTLIB" "$OUT/test" --errors "$OUT/errors" | tee "$OUT/errors.log" | grep -v '^  ok' || true
grep -q "^errors: $n_errors items, 0 mismatches$" "$OUT/errors.log" || {
    echo "  the C binding did not fail every error corpus item exactly as the corpus says"
    exit 1
}

if [ "${RECOBRO_SKIP_VALGRIND:-0}" != 1 ]; then
    step "run under valgrind (leaks are errors)"
    LD_LIBRARY_PATH="$TESTLIB" valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
        "$OUT/test" examples/data/cases "$OUT/expected" 0 >"$OUT/valgrind.log" 2>&1 &&
    LD_LIBRARY_PATH="$TESTLIB" valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
        "$OUT/test" --errors "$OUT/errors" >>"$OUT/valgrind.log" 2>&1 || {
        cat "$OUT/valgrind.log"
        echo "  valgrind found errors"
        exit 1
    }
    tail -1 "$OUT/valgrind.log"
    echo "  valgrind: no leaks, no memory errors"
fi

step "Rust unit tests of the boundary"
if [ -n "${RECOBRO_UNIT_TESTS_RAN:-}" ]; then
  echo "  run by scripts/test.sh's cargo test, with the core's"
else
  cargo test -q -p recobro-c "${CARGO_PROFILE[@]}" 2>&1 | grep -E 'test result|passed|failed' | tail -2
fi

step "the C example, linked statically"
make -s -C examples/c LIBDIR="$LIBDIR" OUT="$OUT" >/dev/null
"$OUT/recobro-example" examples/data/cases/preventive.json | cut -c1-150

step "timing: native Rust on the same case"
if [ -n "${RECOBRO_CI:-}" ]; then
  # Building the timing example costs a minute of a one-shot run; clippy checks it.
  echo "  skipped in a one-shot test run (RECOBRO_CI): run this script alone to time"
else
  cargo run -q -p recobro-c "${CARGO_PROFILE[@]}" --example native_timing -- examples/data/cases/administrative.json "$N"
fi
grep 'timing:' "$OUT/test.log"

step "summary"
tail -1 "$OUT/test.log"
