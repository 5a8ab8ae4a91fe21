"""Score a portfolio with Recobro in a Dask pipeline and print a segment summary.

    python examples/python/dask_pipeline.py --n 20000 --partitions 8 --scheduler processes

1. Generate a seeded synthetic portfolio with the CLI (`recobro generate N --as-of T`,
   NDJSON), or read one from `--cases FILE.ndjson`.
2. Put it in a Dask DataFrame: one row per case, the case's top-level keys as columns.
3. `map_partitions(policy.evaluate_many, as_of, on_error="collect")`: each partition is a pandas DataFrame;
   the policy is pickled to the workers (rebuilt there from its source), and each
   worker evaluates its partition in parallel without the GIL.
4. Summarise the decisions per segment.

With `--scheduler processes` the policy really crosses a process boundary, which is
what a Dask cluster or Spark's `mapInPandas` needs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd

import recobro

ROOT = Path(__file__).resolve().parents[2]


def cli_command() -> list[str]:
    """How to run the `recobro` CLI: $RECOBRO_CLI, `recobro` on PATH, the workspace's
    build, or `cargo run`."""
    if os.environ.get("RECOBRO_CLI"):
        return [os.environ["RECOBRO_CLI"]]
    on_path = shutil.which("recobro")
    if on_path:
        return [on_path]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("release", "debug"):
        exe = target / profile / "recobro"
        if exe.exists():
            return [str(exe)]
    return ["cargo", "run", "-q", "--release", "-p", "recobro-cli", "--"]


def generate(n: int, as_of: str, seed: int) -> list[dict[str, Any]]:
    run = subprocess.run(
        [*cli_command(), "generate", str(n), "--as-of", as_of, "--seed", str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def read_ndjson(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="cases to generate (default 10000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-of", default="2026-03-16T15:00:00Z")
    ap.add_argument("--cases", help="read cases from this NDJSON file instead of generating them")
    ap.add_argument("--policy", help="a policy file (default: the embedded consumer policy)")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--scheduler", choices=["processes", "threads", "sync"], default="processes")
    args = ap.parse_args(argv)

    policy = recobro.Policy.from_file(args.policy) if args.policy else recobro.Policy.default()
    cases = read_ndjson(args.cases) if args.cases else generate(args.n, args.as_of, args.seed)

    # Cells hold the case's nested dicts and lists: keep them as Python objects.
    with dask.config.set({"dataframe.convert-string": False}):
        frame = pd.DataFrame.from_records(cases)
        ddf = dd.from_pandas(frame, npartitions=args.partitions)
        # The output's shape: the policy's answer for an empty frame.
        # Collect the bad cases as error rows (summarised below) rather than failing
        # the whole computation on the first partition with one.
        meta = policy.evaluate_many(frame.iloc[:0], args.as_of, on_error="collect")
        decisions = ddf.map_partitions(
            policy.evaluate_many, args.as_of, on_error="collect", meta=meta
        )

        started = time.perf_counter()
        result: pd.DataFrame = decisions.compute(scheduler=args.scheduler)
        took = time.perf_counter() - started

    ok = result[result["error_code"].isna()]
    summary = (
        ok.assign(with_action=ok["action_kind"].notna(), contact=ok["action_kind"].eq("contact"))
        .groupby("segment", dropna=False)
        .agg(
            cases=("case_id", "size"),
            with_action=("with_action", "sum"),
            contacts=("contact", "sum"),
            avg_priority=("priority", "mean"),
        )
        .sort_values("cases", ascending=False)
    )
    summary["avg_priority"] = summary["avg_priority"].astype("float64").round(1)

    print(f"policy {policy.name} {policy.version} ({policy.digest[:19]}...)")
    print(
        f"{len(result)} cases in {args.partitions} partitions, scheduler {args.scheduler}: "
        f"{took:.2f} s ({len(result) / took:,.0f} cases/s)"
    )
    print()
    print(summary.to_string())
    errors = result[result["error_code"].notna()]
    print()
    print(f"errors: {len(errors)}")
    for row in errors.head(5).itertuples():
        print(f"  {row.case_id}: {row.error_code} at {row.error_path}: {row.error_message}")
    return 0 if len(errors) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
