"""Side by side with a peer engine: GoRules Zen (PyPI `zen-engine`) and Recobro decide the
default consumer policy's segment and ordered candidate actions on the same cases, in the
same process; see README.md.

Usage: python benches/zen/bench.py CASES.ndjson [N]
       (N: use the first N cases; default all. The clock is $RECOBRO_AS_OF, default
       2026-03-16T15:00:00Z, the one `recobro generate --as-of` was given.)

Zen gets the facts the policy reads precomputed by the host (`facts` below, not timed)
and evaluates `consumer.json`, a JDM graph of decision tables; Recobro gets the case as
JSON text and runs its whole pipeline (`Policy.evaluate_json`: parse, validate, derive
facts, run the Rhai policy, compliance, charges, offers, canonical JSON out). Prints one
JSON line; exits 1 when the two disagree on any case (segment or candidate list).
"""

from __future__ import annotations

import calendar
import json
import os
import sys
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional
from zoneinfo import ZoneInfo

GRAPH = Path(__file__).resolve().parent / "consumer.json"
AS_OF = os.environ.get("RECOBRO_AS_OF", "2026-03-16T15:00:00Z")
ROUNDS = 3

# -- facts: what rules/consumer/policy.rhai reads, derived as core/src/facts.rs does ----------


def _instant(text: str) -> datetime:
    """An RFC 3339 instant (offset required, as the engine requires) in UTC."""
    t = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
    return t.astimezone(timezone.utc)


def _seconds(t: datetime) -> int:
    """Unix seconds, rounded down (chrono's `timestamp()`, what the contact windows use)."""
    return calendar.timegm(t.utctimetuple())


def _amount(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _latest(items: list[dict[str, Any]], at: str) -> Optional[dict[str, Any]]:
    """The item with the greatest (instant, id); the last one on a tie, like Rust's `max_by`."""
    best, key = None, None
    for it in items:
        k = (_instant(it[at]), it["id"])
        if key is None or k >= key:
            best, key = it, k
    return best


def facts(case: dict[str, Any], as_of: datetime) -> dict[str, Any]:
    """The facts the consumer policy reads, for Zen. `case` is a parsed case (amounts as
    strings or `Decimal`), `as_of` an aware datetime. Each is the getter of the same name in
    core/src/policy/script/mod.rs over `Facts::derive` (core/src/facts.rs):

    - today: the calendar date of `as_of` in the debtor's time zone;
    - days_past_due: the largest (today - due_on) over debts with outstanding > 0 that are
      late (> 0 days); 0 when none is;
    - days_until_due: the smallest (due_on - today) over unpaid debts not yet late, -1 if none;
    - total_outstanding: the sum of `outstanding` over all debts (a float for Zen: only its
      sign is read, `<= 0`, and a float keeps the sign of the exact sum);
    - on_hold: the debtor has any flag; dispute: `has_flag("dispute")`;
    - contacts_3d: `contacts(3)`, outbound contacts with Unix second > as_of - 3 days (later
      ones count too: the window has no upper end); calls_2d: `contacts(2, "call")`, the same
      for calls over 2 days;
    - promise_status: the status of the latest promise by (made_at, id), `none` without any:
      kept when the payments at or after `made_at`, on or before its due date (local date),
      for its debt (when both name one) reach its amount; else broken when today is after its
      due date; else pending. promises_broken: how many promises are broken;
    - plan_status: of the latest plan by (created_at, id), `none` without any: payments at or
      after `created_at` for its debts (any when it names none, or the payment names none)
      against its installments in due order: completed when they cover the total, behind when
      an installment due before today is not covered, else active;
    - risk_score: `attributes.risk_score`, None when absent or null; promises_kept: how many
      promises are kept; days_since_last_payment: whole seconds-days (truncated) since the
      latest payment, None without any. The graph scores them as the behavioural scorecard
      does (rules/scorecards/behavioural.json, stages::risk_band) and cuts the band.
    """
    tz_name = case["debtor"]["timezone"]
    try:
        tz = ZoneInfo(tz_name)
    except Exception:  # the engine falls back to UTC (validation refuses unknown zones)
        tz = ZoneInfo("UTC")
    today = as_of.astimezone(tz).date()

    dpd, until, total = 0, -1, Decimal(0)
    for d in case.get("debts", []):
        out = _amount(d["outstanding"])
        total += out
        late_by = (today - date.fromisoformat(d["due_on"])).days
        if out > 0 and late_by > 0:
            dpd = max(dpd, late_by)
        elif out > 0 and (until < 0 or -late_by < until):
            until = -late_by

    now = _seconds(as_of)
    contacts_3d = calls_2d = 0
    for ct in case.get("contacts", []):
        if ct["direction"] != "outbound":
            continue
        s = _seconds(_instant(ct["at"]))
        if s > now - 3 * 86_400:
            contacts_3d += 1
        if ct["channel"] == "call" and s > now - 2 * 86_400:
            calls_2d += 1

    payments = [
        (_instant(p["at"]), _amount(p["amount"]), p.get("debt_id")) for p in case.get("payments", [])
    ]

    def promise_status(pr: dict[str, Any]) -> str:
        made, due = _instant(pr["made_at"]), date.fromisoformat(pr["due_on"])
        want = pr.get("debt_id")
        paid = sum(
            (a for at, a, got in payments
             if at >= made and at.astimezone(tz).date() <= due
             and (want is None or got is None or want == got)),
            Decimal(0),
        )
        if paid >= _amount(pr["amount"]):
            return "kept"
        return "broken" if today > due else "pending"

    promises = case.get("promises", [])
    statuses = [promise_status(p) for p in promises]
    latest = _latest(promises, "made_at")
    status = statuses[next(i for i, p in enumerate(promises) if p is latest)] if latest else "none"

    plan_status = "none"
    plan = _latest(case.get("plans", []), "created_at")
    if plan is not None:
        created, ids = _instant(plan["created_at"]), plan.get("debt_ids", [])
        paid = sum(
            (a for at, a, got in payments
             if at >= created and (not ids or got is None or got in ids)),
            Decimal(0),
        )
        inst = sorted(plan["installments"], key=lambda i: i["due_on"])  # stable, like sort_by_key
        due_so_far, missed = Decimal(0), 0
        for i in inst:
            if date.fromisoformat(i["due_on"]) < today:
                due_so_far += _amount(i["amount"])
                missed += paid < due_so_far
        total_plan = sum((_amount(i["amount"]) for i in inst), Decimal(0))
        plan_status = "completed" if paid >= total_plan else "behind" if missed else "active"

    flags = case["debtor"].get("flags", [])
    risk = (case.get("attributes") or {}).get("risk_score")
    since = None
    if payments:
        gap = now - max(_seconds(at) for at, _, _ in payments)
        since = gap // 86_400 if gap >= 0 else -((-gap) // 86_400)
    return {
        "on_hold": bool(flags),
        "dispute": "dispute" in flags,
        "total_outstanding": float(total),
        "days_past_due": dpd,
        "days_until_due": until,
        "contacts_3d": contacts_3d,
        "calls_2d": calls_2d,
        "promise_status": status,
        "promises_broken": statuses.count("broken"),
        "promises_kept": statuses.count("kept"),
        "days_since_last_payment": since,
        "plan_status": plan_status,
        "risk_score": risk if risk is None or isinstance(risk, int) else float(risk),
    }


# -- the two engines --------------------------------------------------------------------------


ZEN_KEY = "consumer.json"


def zen_engine() -> Any:
    """A `ZenEngine` holding the graph in a static loader, built once like a Recobro
    `Policy`; decide with `engine.evaluate(ZEN_KEY, facts)`. (Not `ZenDecision.evaluate`:
    zen-engine 2.x's Python binding starts a new Tokio runtime on every call of that one,
    which costs hundreds of microseconds that are not the engine's.)"""
    import zen

    graph = json.loads(GRAPH.read_text(encoding="utf-8"))
    return zen.ZenEngine({"loader": {"type": "static", "content": {ZEN_KEY: graph}}})


def recobro_policy() -> Any:
    import recobro

    return recobro.Policy.default()


Outcome = tuple[Optional[str], list[tuple[str, Optional[str], Optional[str], int]]]


def zen_outcome(response: dict[str, Any]) -> Outcome:
    """Segment and ordered candidates (kind, channel, template, priority) of a Zen response."""
    r = response["result"]
    return r.get("segment"), [
        (c["kind"], c["channel"], c["template"], int(c["priority"])) for c in r.get("candidates") or []
    ]


def recobro_outcome(decision_json: str) -> Outcome:
    """The same of Recobro's canonical decision JSON."""
    d = json.loads(decision_json)
    return d["segment"], [
        (c["kind"], c.get("channel"), c.get("template"), int(c["priority"])) for c in d["candidates"]
    ]


def load(path: str, n: Optional[int] = None) -> list[str]:
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    return lines if n is None else lines[:n]


def all_facts(lines: list[str], as_of: str = AS_OF) -> list[dict[str, Any]]:
    t = _instant(as_of)
    return [facts(json.loads(line, parse_float=Decimal), t) for line in lines]


def disagreements(
    lines: list[str], zen_out: list[Outcome], rec_out: list[Outcome]
) -> list[dict[str, Any]]:
    bad = []
    for line, z, r in zip(lines, zen_out, rec_out):
        if z != r:
            bad.append({"case": json.loads(line)["id"], "zen": z, "recobro": r})
    return bad


def compare(lines: list[str], as_of: str = AS_OF) -> list[dict[str, Any]]:
    """The agreement check alone (no timing): every case through both engines; the cases on
    which they differ."""
    engine, policy = zen_engine(), recobro_policy()
    zen_out = [zen_outcome(engine.evaluate(ZEN_KEY, f)) for f in all_facts(lines, as_of)]
    rec_out = [recobro_outcome(policy.evaluate_json(line, as_of)) for line in lines]
    return disagreements(lines, zen_out, rec_out)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    from importlib.metadata import version

    lines = load(argv[1], int(argv[2]) if len(argv) > 2 else None)
    facts_best = zen_best = rec_best = 2**63  # best of the rounds, in ns
    for _ in range(ROUNDS):  # the host's work: not part of Zen's figure, reported on its own
        t = time.perf_counter_ns()
        ctx = all_facts(lines)
        facts_best = min(facts_best, time.perf_counter_ns() - t)
    engine, policy = zen_engine(), recobro_policy()
    engine.evaluate(ZEN_KEY, ctx[0])  # warm-up (loads the graph), as for Recobro
    policy.evaluate_json(lines[0], AS_OF)

    for _ in range(ROUNDS):
        t = time.perf_counter_ns()
        zen_raw = [engine.evaluate(ZEN_KEY, f) for f in ctx]
        zen_best = min(zen_best, time.perf_counter_ns() - t)
        t = time.perf_counter_ns()
        rec_raw = [policy.evaluate_json(line, AS_OF) for line in lines]
        rec_best = min(rec_best, time.perf_counter_ns() - t)

    bad = disagreements(lines, [zen_outcome(r) for r in zen_raw], [recobro_outcome(r) for r in rec_raw])
    zen_us, rec_us = zen_best / len(lines) / 1000, rec_best / len(lines) / 1000
    print(json.dumps({
        "host": "zen-python",
        "cases": len(lines),
        "zen_us_per_decision": round(zen_us, 2),
        "recobro_us_per_decision": round(rec_us, 2),
        "ratio_recobro_over_zen": round(rec_us / zen_us, 2),
        "host_facts_us_per_case": round(facts_best / len(lines) / 1000, 2),
        "disagreements": len(bad),
        "zen_engine_version": version("zen-engine"),
    }))
    for b in bad[:5]:
        print(json.dumps(b), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
