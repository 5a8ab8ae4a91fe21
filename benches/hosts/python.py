"""The Python host of the cross-host performance record (see README.md).
Usage: python benches/hosts/python.py CASES.ndjson [rounds]"""
import time

t0 = time.perf_counter()
import json  # noqa: E402
import sys  # noqa: E402

import recobro  # noqa: E402

AS_OF = "2026-03-16T15:00:00Z"
path = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
lines = [l for l in open(path, encoding="utf-8").read().splitlines() if l.strip()]
policy = recobro.Policy.default()
nbytes = len(policy.evaluate_json(lines[0], AS_OF))
cold = (time.perf_counter() - t0) * 1e3
best = float("inf")
for _ in range(rounds):
    t = time.perf_counter()
    for l in lines:
        nbytes += len(policy.evaluate_json(l, AS_OF))
    best = min(best, (time.perf_counter() - t) * 1e9 / len(lines))
cases = [json.loads(l, parse_float=__import__("decimal").Decimal) for l in lines]
t = time.perf_counter()
rows = policy.evaluate_many(cases, AS_OF, on_error="collect")
batch = len(lines) / (time.perf_counter() - t)
failed = sum(1 for r in rows if "error" in r)
print(json.dumps({"host": "python", "cases": len(lines), "ns_per_case": round(best),
                  "batch_cases_per_s": round(batch), "cold_start_ms": round(cold, 1),
                  "failed": failed, "bytes": nbytes}))
