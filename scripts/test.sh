#!/usr/bin/env bash
# Runs every test of the project. Idempotent; installs nothing beyond the Rust
# toolchain's own components (rustfmt, clippy) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

have_component() { rustup component list --installed 2>/dev/null | grep -q "^$1"; }
for c in rustfmt clippy; do
  have_component "$c" || rustup component add "$c"
done

echo "== format"
cargo fmt --all -- --check

echo "== clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test (core, CLI, doc tests)"
cargo test --locked

echo "== the Rust embedding example runs"
cargo run --locked -q -p recobro --example embed > /dev/null

echo "== policy tests under rules/ through the CLI"
cargo run --locked -q -p recobro-cli -- test rules
