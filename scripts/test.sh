#!/usr/bin/env bash
# Runs every test of the project. Idempotent: each binding's script installs what
# it needs (wasm32 target, wasm-bindgen-cli, npm tools, Chromium, kotlinc, JNA,
# maturin in a venv), skipping what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# A one-shot run gains nothing from incremental caches, which cost GBs of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

have_component() { rustup component list --installed 2>/dev/null | grep -q "^$1"; }
for c in rustfmt clippy; do
  have_component "$c" || rustup component add "$c"
done

echo "== format"
cargo fmt --all -- --check

echo "== clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test (core, CLI, doc tests; the CLI with the test-only fault switch)"
cargo test --locked -p recobro -p recobro-cli --features recobro-cli/fault-injection

echo "== core without default features (the configuration the WASM build ships)"
cargo test --locked -p recobro --no-default-features

echo "== API docs build without warnings (broken links, missing docs)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p recobro

echo "== the Rust embedding example runs"
cargo run --locked -q -p recobro --example embed > /dev/null

echo "== C ABI: C test program, then again under valgrind"
bash bindings/c/test.sh

echo "== uniffi: Kotlin on the JVM, the generated Python, Swift generated and checked"
bash bindings/uniffi/test.sh

echo "== Python binding: wheel in a venv, stub check, pytest"
bash bindings/python/test.sh

echo "== JavaScript/WASM: npm package, wasm-bindgen tests, tsc, Node tests, browser simulator end to end"
bash bindings/wasm/test.sh

echo "== policy tests under rules/ through the CLI"
cargo run --locked -q -p recobro-cli -- test rules

echo "== disk used by target/: $(du -sh target 2>/dev/null | cut -f1)"
