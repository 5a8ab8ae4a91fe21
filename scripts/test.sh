#!/usr/bin/env bash
# Runs every test of the project. Idempotent: each binding's script installs what
# it needs (wasm32 target, wasm-bindgen-cli, npm tools, Chromium, kotlinc, JNA,
# maturin in a venv), skipping what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# A one-shot run gains nothing from incremental caches, which cost GBs of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# A one-shot test run: the binding scripts skip builds kept only for later use, and
# their timing loops run a few rounds, enough to prove they work (speed is measured by
# benches/record.sh on release builds, never by the tests on debug builds).
export RECOBRO_CI=1
export RECOBRO_TIMING_N="${RECOBRO_TIMING_N:-20}"
# Optimised test builds (the Python extension, the WASM fault build and the wasm32
# tests) skip fat LTO, which costs minutes per artifact on 2 cores and changes no
# decision (the same code, linked differently). The shipped npm package keeps the
# release profile (bindings/wasm/build.sh sets it back), so the package under test is
# the one users get. Set RECOBRO_CI_LTO=1 to test everything with the release profile.
if [ -z "${RECOBRO_CI_LTO:-}" ]; then
  export CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
fi

# Each section's wall time, printed at the end (also when a section fails), so that
# CI's duration is measured where it is spent.
durations=()
section_name=""
section_start=$SECONDS
section() {
  if [ -n "$section_name" ]; then
    durations+=("$(printf '%5d s  %s' $((SECONDS - section_start)) "$section_name")")
  fi
  section_name="$1"
  section_start=$SECONDS
  [ -n "$1" ] && echo "== $1"
  return 0
}
report_durations() {
  section ""
  echo "== time per section (total ${SECONDS} s)"
  printf '%s\n' "${durations[@]}"
}
trap report_durations EXIT

section "toolchain components"
have_component() { rustup component list --installed 2>/dev/null | grep -q "^$1"; }
for c in rustfmt clippy; do
  have_component "$c" || rustup component add "$c"
done

section "format"
cargo fmt --all -- --check

section "clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

section "cargo test (core, CLI, the C and uniffi boundaries, doc tests; the CLI with the test-only fault switch)"
# The C and uniffi crates' Rust tests run here, in one build with the core's, rather
# than each in a build of its own in the binding's script.
cargo test --locked -p recobro -p recobro-cli -p recobro-c -p recobro-uniffi \
  --features recobro-cli/fault-injection
export RECOBRO_UNIT_TESTS_RAN=1

section "core without default features (the configuration the WASM build ships)"
# What the default features change: batches and simulations run sequentially (no
# rayon) and the policy reference is absent (no rhai metadata). The unit tests, the
# conformance and error corpora, the pipeline and the simulations run in this
# configuration here (the wasm32 build runs the core's tests again under Node, see
# bindings/wasm/test.sh); the other suites exercise code these features do not touch.
cargo test --locked -p recobro --no-default-features --lib --test conformance --test corpora \
  --test host_errors --test pipeline --test simulation --test simulation_parts --test queue
# The wasm binding's own unit tests on the host (its allocator over the host's, in
# place of dlmalloc): it depends on the core without default features, built just above.
cargo test --locked -p recobro-wasm --lib

section "API docs build without warnings (broken links, missing docs)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p recobro

section "the Rust embedding example runs"
# `cargo test` above built it (with the core as the tests had it); run that binary
# rather than building the core once more for `cargo run`.
"${CARGO_TARGET_DIR:-target}/debug/examples/embed" > /dev/null

section "C ABI: C test program, then again under valgrind"
bash bindings/c/test.sh

section "uniffi: Kotlin on the JVM, the generated Python, Swift generated and checked"
bash bindings/uniffi/test.sh

section "Python binding: wheel in a venv, stub check, pytest"
bash bindings/python/test.sh

section "JavaScript/WASM: npm package, wasm-bindgen tests, tsc, Node tests, browser simulator end to end"
bash bindings/wasm/test.sh

section "policy tests under rules/ through the CLI"
cargo run --locked -q -p recobro-cli -- test rules

echo "== disk used by target/: $(du -sh target 2>/dev/null | cut -f1)"
