"""Throughput of `Policy.evaluate_many` from Python, against the native Rust engine.

    python bindings/python/bench.py [--n 100000] [--cli target/release/recobro]

Generates N cases with the CLI (`recobro generate`), then times, with the embedded
consumer policy:

* `evaluate_many` on a list of dicts (decisions back as dicts);
* `evaluate_many` on a pyarrow Table (struct/list columns; decisions as JSON);
* `evaluate_many` on a pandas DataFrame;
* the binding's own overhead: the same list with a trivial policy (`segment` only);
* the native engine through the release CLI: `recobro eval --generate N` (generation,
  sequential evaluation and JSON output included), for comparison.

Build the extension in release mode first (`maturin develop --release`).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import recobro

ROOT = Path(__file__).resolve().parents[2]


def find_cli(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("RECOBRO_CLI"):
        return os.environ["RECOBRO_CLI"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    exe = target / "release" / "recobro"
    cargo = shutil.which("cargo")
    if cargo:
        subprocess.run([cargo, "build", "-q", "--release", "-p", "recobro-cli"], cwd=ROOT, check=True)
    if not exe.exists():
        sys.exit("build the CLI first: cargo build --release -p recobro-cli")
    return str(exe)


def timed(label: str, n: int, fn: Callable[[], Any], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<46} {best:8.2f} s  {n / best:>10,.0f} cases/s  {best / n * 1e6:7.1f} us/case")
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--as-of", default="2026-03-16T15:00:00Z")
    ap.add_argument("--cli", help="the release `recobro` binary (built if not given)")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    cli = find_cli(args.cli)
    print(f"recobro {recobro.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    text = subprocess.run(
        [cli, "generate", str(args.n), "--as-of", args.as_of], capture_output=True, text=True, check=True
    ).stdout
    cases = [json.loads(line) for line in text.splitlines()]
    print(f"generated {len(cases):,} cases ({len(text) / 1e6:.0f} MB NDJSON) in {time.perf_counter() - t0:.1f} s")
    del text

    policy = recobro.Policy.default()
    trivial = recobro.Policy('fn segment(c) { "x" }')
    policy.evaluate_many(cases[:1000], args.as_of)  # warm up
    n = len(cases)
    print()
    results: dict[str, float] = {}
    results["list"] = timed("evaluate_many(list of dicts) -> list of dicts", n, lambda: policy.evaluate_many(cases, args.as_of), args.repeat)

    out = policy.evaluate_many(cases[:1000], args.as_of)
    assert all("error" not in d for d in out)

    import pyarrow as pa

    t0 = time.perf_counter()
    table = pa.Table.from_struct_array(pa.array(cases))
    print(f"  (building the Arrow table: {time.perf_counter() - t0:.2f} s, not counted)")
    results["arrow"] = timed("evaluate_many(pyarrow.Table) -> Table", n, lambda: policy.evaluate_many(table, args.as_of), args.repeat)
    with recobro._gc_paused():  # as evaluate_many does
        t0 = time.perf_counter()
        table.to_pylist()
        print(f"  (of which Table.to_pylist(): {time.perf_counter() - t0:.2f} s)")
    del table

    import pandas as pd

    frame = pd.DataFrame.from_records(cases)
    results["pandas"] = timed("evaluate_many(pandas.DataFrame) -> DataFrame", n, lambda: policy.evaluate_many(frame, args.as_of), args.repeat)
    del frame

    results["trivial"] = timed("binding overhead: list, trivial policy", n, lambda: trivial.evaluate_many(cases, args.as_of), args.repeat)
    del cases
    gc.collect()

    print()
    t0 = time.perf_counter()
    subprocess.run(
        [cli, "eval", "--generate", str(n), "--as-of", args.as_of], stdout=subprocess.DEVNULL, check=True
    )
    native = time.perf_counter() - t0
    print(f"{'native CLI: recobro eval --generate N > /dev/null':<46} {native:8.2f} s  {n / native:>10,.0f} cases/s  {native / n * 1e6:7.1f} us/case")
    print(f"{'(cargo bench: ~13.8 us/case on 2 threads, ~17 sequential)':<46}")
    print()
    for k in ("list", "arrow", "pandas"):
        print(f"{k:<7} / native CLI: {results[k] / native:5.2f}x the time;  / cargo bench 13.8 us: {results[k] / n * 1e6 / 13.8:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
