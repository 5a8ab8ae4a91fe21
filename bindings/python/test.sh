#!/usr/bin/env bash
# Builds the Python binding into .venv-python at the root of the repository
# and runs its checks: the type stubs against the built module (mypy stubtest), then
# the tests (pytest). The extension is built with the test-only `fault-injection`
# feature (tests/test_fault.py injects a panic in the engine); a wheel built for
# publishing (maturin build) leaves it out. Idempotent: installs only what is missing.
# Needs Python >= 3.9 with pip and venv, and the Rust toolchain; PyPI must be
# reachable the first time.
#
#   bash bindings/python/test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
VENV="$ROOT/.venv-python"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV (at ${SECONDS} s)"
  "${PYTHON:-python3}" -m venv "$VENV"
fi
PY="$VENV/bin/python"

missing=()
[ -x "$VENV/bin/maturin" ] || missing+=("maturin>=1.9.4,<2")
"$PY" -c "import pytest" 2>/dev/null || missing+=("pytest")
"$PY" -c "import pandas" 2>/dev/null || missing+=("pandas")
"$PY" -c "import pyarrow" 2>/dev/null || missing+=("pyarrow")
"$PY" -c "import dask.dataframe" 2>/dev/null || missing+=("dask[dataframe]")
"$PY" -c "import polars" 2>/dev/null || missing+=("polars>=1")  # tests/test_batch_errors.py
"$PY" -c "import mypy.stubtest" 2>/dev/null || missing+=("mypy")
"$PY" -c "import scipy.stats" 2>/dev/null || missing+=("scipy")  # tests/test_uncertainty.py's reference statistics
# the types of pandas and pyarrow, for tests/test_types.py's typed use of evaluate_many
for stubs in pandas-stubs pyarrow-stubs; do
  "$PY" -c "import importlib.metadata as m; m.version('$stubs')" 2>/dev/null || missing+=("$stubs")
done
"$PY" -c "import zen" 2>/dev/null || missing+=("zen-engine>=2,<3")  # tests/test_zen_peer.py (benches/zen)
# the README's engine recipes, run by tests/test_recipes.py (Spark needs Java 17+); looked
# up without importing them (importing pyspark and ray takes seconds)
for engine in "pyspark:pyspark>=4,<5" "distributed:distributed" "ray:ray[data]>=2.40,<3" "duckdb:duckdb>=1.1"; do
  "$PY" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('${engine%%:*}') is None)" \
    || missing+=("${engine#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing ${missing[*]} (at ${SECONDS} s)"
  "$PY" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
fi

echo "== building the extension (maturin develop --release, with the fault-injection test switch) (at ${SECONDS} s)"
(
  cd bindings/python
  VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" "$VENV/bin/maturin" develop --release --quiet \
    --features fault-injection
)

echo "== type stubs against the built module (mypy stubtest) (at ${SECONDS} s)"
"$PY" -m mypy.stubtest recobro --allowlist bindings/python/stubtest-allowlist.txt

echo "== pytest (at ${SECONDS} s)"
# Panics caught on purpose by the tests print the default panic message; no backtraces.
RUST_BACKTRACE=0 "$PY" -m pytest -q bindings/python/tests
