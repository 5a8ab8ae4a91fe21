"""Throughput of `Policy.evaluate_many` on the Python inputs a user has: a list of dicts,
the same dicts with typed values, a pandas DataFrame, a pyarrow Table, and JSON text
(which never becomes Python objects: the control, the engine's and the decisions' share
of the time).

    python benches/hosts/python_inputs.py CASES.ndjson [--rounds 7] [--compare DIR] [--native BIN] [--cli BIN]

CASES.ndjson: `recobro generate 20000 --seed 7 --as-of 2026-03-16T15:00:00Z`. The dicts
are `json.loads(line, parse_float=Decimal)` (the generator writes amounts, dates and
instants as strings); the typed dicts have `Decimal` amounts, `date` dates and aware
`datetime` instants at UTC-05:00 instead; the DataFrame is `pandas.DataFrame(dicts)`,
the Table `pyarrow.Table.from_struct_array(pyarrow.array(dicts))`; the embedded default
policy decides them at 2026-03-16T15:00:00Z with the default pool, collecting errors
(there are none: the bench fails if any case fails).

Arrow inputs: `arrow` is that Table (string dates and instants), `arrow-typed` the file read
by pyarrow's JSON reader with `recobro.case_schema(dates="timestamp")` (timestamp dates and
zoned instants), `polars` the file read by `polars.read_ndjson`; all three read in Rust through
the Arrow PyCapsule interface. `--native BIN` runs the engine's own batch (`bench-host`: cases
already parsed, no JSON) and `--cli BIN` runs `recobro eval CASES` (JSON text in, JSON out) once
a round in the same run, and prints each Arrow input's ratio to them.

`--compare DIR` times a second build side by side: the `recobro` package in DIR (a copy
of an older build, `cp -r bindings/python/python/recobro DIR/`) runs in its own process
next to the one importable here, the two taking turns round by round (each round every
input, the order swapped every round), so both see the same load on a shared machine.
Both must give the same decisions (a digest of each input's decisions is compared).
Reported: the median cases/s per input and build (and the min-max range).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any, Callable, Dict, List

AS_OF = "2026-03-16T15:00:00Z"
KINDS = ("dicts", "typed", "pandas", "arrow", "arrow-typed", "polars", "text")
AMOUNTS = ("original_amount", "outstanding", "amount", "max", "max_pct", "annual_rate")
DATES = ("issued_on", "due_on", "pay_by", "first_due_on")
INSTANTS = ("at", "made_at", "created_at", "opted_out_at", "consented_at", "not_before")


def typed(value: Any, key: str = "") -> Any:
    """A generated case with Python values where its JSON has strings (the free
    `attributes` left alone)."""
    from datetime import date, datetime, timedelta, timezone

    if isinstance(value, dict):
        return value if key == "attributes" else {k: typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, str):
        if key in AMOUNTS:
            return Decimal(value)
        if key in DATES:
            return date.fromisoformat(value)
        if key in INSTANTS:
            zone = timezone(timedelta(hours=-5))
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(zone)
    return value


def worker(path: str) -> None:
    """Load the cases, then answer commands on stdin: an input kind (time one
    `evaluate_many`), `digest` (the decisions of every input), `quit`."""
    import pandas as pd
    import pyarrow as pa

    import recobro

    with open(path, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    dicts = [json.loads(line, parse_float=Decimal) for line in lines]
    typed_dicts = [typed(d) for d in dicts]
    inputs: Dict[str, Callable[[], Any]] = {
        "dicts": lambda: dicts,
        "typed": lambda: typed_dicts,
        "pandas": lambda: frame,
        "arrow": lambda: table,
        "arrow-typed": lambda: typed_table,
        "polars": lambda: polars_frame,
        "text": lambda: text,
    }
    frame = pd.DataFrame(dicts)
    table = pa.Table.from_struct_array(pa.array(dicts))
    import polars as pl
    import pyarrow.json as pj

    typed_table = pj.read_json(
        path, parse_options=pj.ParseOptions(explicit_schema=recobro.case_schema(dates="timestamp"))
    )
    polars_frame = pl.read_ndjson(path)
    text = "\n".join(lines)
    policy = recobro.Policy.default()
    policy.evaluate_many(dicts[:50], AS_OF)  # warm-up (pool threads, caches)

    def failed(kind: str, out: Any) -> int:
        if kind in ("dicts", "typed", "text"):
            return sum(1 for d in out if "error" in d)
        if kind == "pandas":
            return int(out["error_code"].notna().sum())
        if kind == "polars":
            return int(out.height - out["error_code"].null_count())
        return int(out.num_rows - out.column("error_code").null_count)

    def digest(kind: str, out: Any) -> str:
        h = hashlib.sha256()
        if kind in ("arrow", "arrow-typed", "polars"):
            texts = out["decision"].to_list() if kind == "polars" else out.column("decision").to_pylist()
            for s in texts:
                h.update(s.encode())
        else:
            rows = out["decision"].tolist() if kind == "pandas" else out
            for d in rows:
                h.update(json.dumps(d, default=str, sort_keys=True).encode())
        return h.hexdigest()[:16]

    print(json.dumps({"ready": True, "recobro": recobro.__file__, "cases": len(dicts)}), flush=True)
    for cmd in sys.stdin:
        cmd = cmd.strip()
        if cmd == "quit":
            break
        if cmd == "digest":
            out = {k: digest(k, policy.evaluate_many(inputs[k](), AS_OF, on_error="collect")) for k in KINDS}
            print(json.dumps(out), flush=True)
            continue
        value = inputs[cmd]()
        gc.collect()
        t0 = time.perf_counter()
        out = policy.evaluate_many(value, AS_OF, on_error="collect")
        took = time.perf_counter() - t0
        print(json.dumps({"kind": cmd, "seconds": took, "failed": failed(cmd, out)}), flush=True)
        del out


class Worker:
    def __init__(self, label: str, path: str, pkg_dir: str | None) -> None:
        env = dict(os.environ)
        if pkg_dir is not None:
            env["PYTHONPATH"] = os.pathsep.join([pkg_dir] + [p for p in [env.get("PYTHONPATH")] if p])
        self.label = label
        self.proc = subprocess.Popen(
            [sys.executable, __file__, path, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=env,
        )
        self.info = self.read()
        self.cases = int(self.info["cases"])

    def read(self) -> Dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"the {self.label} worker stopped")
        out: Dict[str, Any] = json.loads(line)
        return out

    def ask(self, cmd: str) -> Dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", help="NDJSON cases (recobro generate)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--compare", metavar="DIR", help="a directory holding an older `recobro` package")
    ap.add_argument(
        "--native", metavar="BIN",
        help="the native batch on the same cases in the same run: `bench-host` (benches/hosts/native.rs), "
        "run once a round; its batch_cases_per_s is the reference of the ratio row",
    )
    ap.add_argument(
        "--cli", metavar="BIN",
        help="`recobro eval CASES` (JSON text in, decisions' JSON out, 2 threads) in the same run, once a "
        "round: the native batch a data engineer would otherwise run (the issue's reference)",
    )
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.cases)
        return 0

    load = os.getloadavg()
    workers = [Worker("this", args.cases, None)]
    if args.compare:
        workers.insert(0, Worker("compared", args.cases, os.path.abspath(args.compare)))
    for w in workers:
        print(f"{w.label}: {w.info['recobro']}")
    n = workers[0].cases
    print(f"{n:,} cases, {args.rounds} rounds, {os.cpu_count()} CPUs, load average {load[0]:.2f} at the start")

    digests = [w.ask("digest") for w in workers]
    if len({json.dumps(d, sort_keys=True) for d in digests}) != 1:
        print(f"the builds decide differently: {digests}")
        return 1
    if len({digests[0][k] for k in ("dicts", "typed", "pandas", "text")}) != 1:
        print(f"the inputs give different decisions: {digests[0]}")
        return 1
    if len({digests[0][k] for k in ("arrow", "arrow-typed", "polars")}) != 1:
        print(f"the Arrow inputs give different decisions: {digests[0]}")
        return 1
    times: Dict[str, Dict[str, List[float]]] = {w.label: {k: [] for k in KINDS} for w in workers}
    native: List[float] = []
    cli: List[float] = []
    for r in range(args.rounds):
        if args.cli:
            t0 = time.perf_counter()
            with open(os.devnull, "w") as sink:
                subprocess.run([args.cli, "eval", args.cases, "--as-of", AS_OF], stdout=sink, check=True)
            cli.append(workers[0].cases / (time.perf_counter() - t0))
        if args.native:
            run = subprocess.run([args.native, args.cases], capture_output=True, text=True, check=True)
            got_native = json.loads(run.stdout.strip().splitlines()[-1])
            if got_native["failed"]:
                print(f"native: {got_native['failed']} cases failed")
                return 1
            native.append(float(got_native["batch_cases_per_s"]))
        order = workers if r % 2 == 0 else workers[::-1]
        for kind in KINDS:
            for w in order:
                got = w.ask(kind)
                if got["failed"]:
                    print(f"{w.label} {kind}: {got['failed']} cases failed")
                    return 1
                times[w.label][kind].append(got["seconds"])
    for w in workers:
        w.close()

    labels = [w.label for w in workers]
    head = f"{'input':<12}" + "".join(f"{lab + ' cases/s (median)':>30}{'range':>20}" for lab in labels)
    if len(labels) == 2:
        head += f"{'this / compared':>18}"
    print(head)
    result: Dict[str, Any] = {}
    for kind in KINDS:
        row = f"{kind:<12}"
        med = {}
        for lab in labels:
            rates = [n / s for s in times[lab][kind]]
            med[lab] = statistics.median(rates)
            row += f"{med[lab]:>30,.0f}{f'{min(rates):,.0f}-{max(rates):,.0f}':>20}"
        if len(labels) == 2:
            row += f"{med['this'] / med['compared']:>17.2f}x"
        print(row)
        result[kind] = {lab: round(med[lab]) for lab in labels}
    if native:
        ref = statistics.median(native)
        print(f"{'native':<12}{ref:>30,.0f}{f'{min(native):,.0f}-{max(native):,.0f}':>20}   (bench-host batch: cases already parsed)")
        for kind in ("arrow", "arrow-typed", "polars", "text"):
            print(f"{kind} / native batch: {result[kind]['this'] / ref:.2f}x")
        result["native"] = {"this": round(ref)}
    if cli:
        ref = statistics.median(cli)
        print(f"{'recobro eval':<12}{ref:>30,.0f}{f'{min(cli):,.0f}-{max(cli):,.0f}':>20}   (the CLI: JSON in and out, process start included)")
        for kind in ("arrow", "arrow-typed", "polars", "text"):
            print(f"{kind} / recobro eval FILE: {result[kind]['this'] / ref:.2f}x")
        result["recobro eval"] = {"this": round(ref)}
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} at the end; the same decisions from every build and input: {digests[0]}")
    print(json.dumps({"cases": n, "rounds": args.rounds, "median_cases_per_s": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
