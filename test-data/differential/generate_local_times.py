#!/usr/bin/env python3
"""Generate local_times.json: local wall-clock readings around every UTC-offset
transition 2020-2035 in a set of zones, with the instants an independent time-zone
implementation (Python's zoneinfo over the system tzdata) gives for each.

Run: python3.11 test-data/differential/generate_local_times.py > test-data/differential/local_times.json
The Rust test core/tests/compliance_differential.rs compares the engine's
compliance::local_instants against it. See README.md for the conventions.
"""

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, TZPATH

ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Anchorage", "America/St_Johns", "America/Havana", "America/Santiago",
    "America/Asuncion", "America/Mexico_City", "America/Bogota", "America/Sao_Paulo",
    "America/Nuuk", "Atlantic/Azores", "Europe/London", "Europe/Dublin", "Europe/Berlin",
    "Europe/Madrid", "Europe/Lisbon", "Europe/Chisinau", "Africa/Cairo", "Asia/Jerusalem",
    "Asia/Beirut", "Asia/Tehran", "Australia/Sydney", "Australia/Adelaide",
    "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Norfolk",
]

UTC = timezone.utc
START = datetime(2020, 1, 1, tzinfo=UTC)
END = datetime(2036, 1, 1, tzinfo=UTC)
STEP = timedelta(hours=3)


def offset(z, t):
    return int(t.astimezone(z).utcoffset().total_seconds())


def transitions(z):
    """(unix second of the transition, offset before, offset after), by bisection."""
    out = []
    t = START
    while t < END:
        n = t + STEP
        a, b = offset(z, t), offset(z, n)
        if a != b:
            lo, hi = int(t.timestamp()), int(n.timestamp())
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(z, datetime.fromtimestamp(mid, UTC)) == b:
                    hi = mid
                else:
                    lo = mid
            out.append((hi, a, b))
        t = n
    return out


def classify(z, local):
    """(kind, instants) for a naive local datetime: kind is single, ambiguous or gap."""
    u0 = local.replace(tzinfo=z, fold=0).astimezone(UTC)
    u1 = local.replace(tzinfo=z, fold=1).astimezone(UTC)
    back0 = u0.astimezone(z).replace(tzinfo=None)
    if u0 == u1:
        return "single", [int(u0.timestamp())]
    if back0 == local:
        a, b = sorted([int(u0.timestamp()), int(u1.timestamp())])
        return "ambiguous", [a, b]
    # A gap reading: zoneinfo's fold=0 reads it with the offset before the gap
    # (a later instant), fold=1 with the offset after (an earlier instant).
    return "gap", [int(u0.timestamp()), int(u1.timestamp())]


def samples(at, before, after):
    """Local readings around one transition, at whole minutes."""
    t = datetime.fromtimestamp(at, UTC)
    lo = (t + timedelta(seconds=min(before, after))).replace(tzinfo=None)
    hi = (t + timedelta(seconds=max(before, after))).replace(tzinfo=None)
    width = hi - lo
    points = {
        lo - timedelta(minutes=1), lo, lo + timedelta(minutes=1), lo + width / 2,
        hi - timedelta(minutes=1), hi, hi + timedelta(minutes=1),
        lo - timedelta(hours=1), hi + timedelta(hours=1),
    }
    return sorted(p.replace(second=0, microsecond=0) for p in points)


def main():
    zones = []
    for name in ZONES:
        z = ZoneInfo(name)
        trs = transitions(z)
        cases = []
        # Ordinary readings too (zones without transitions have only these).
        for year in (2020, 2024, 2028, 2035):
            for local in (datetime(year, 1, 15, 12, 0), datetime(year, 7, 15, 3, 30)):
                kind, instants = classify(z, local)
                cases.append({"local": local.strftime("%Y-%m-%dT%H:%M"), "kind": kind,
                              "instants": instants})
        for at, before, after in trs:
            for local in samples(at, before, after):
                kind, instants = classify(z, local)
                case = {"local": local.strftime("%Y-%m-%dT%H:%M"), "kind": kind}
                if kind == "gap":
                    # The engine's convention: a reading in a gap is the transition.
                    case["transition"] = at
                    case["zoneinfo_fold0"], case["zoneinfo_fold1"] = instants
                else:
                    case["instants"] = instants
                cases.append(case)
        zones.append({
            "zone": name,
            "transitions": [{"at": a, "before": b, "after": c} for a, b, c in trs],
            "cases": cases,
        })
    version = "unknown"
    for p in TZPATH:
        f = Path(p) / "tzdata.zi"
        if f.exists():
            version = f.read_text().splitlines()[0].removeprefix("# version ").strip()
            break
    json.dump({
        "generator": "test-data/differential/generate_local_times.py",
        "python": sys.version.split()[0],
        "tzdata": version,
        "from": "2020-01-01T00:00:00Z",
        "to": "2036-01-01T00:00:00Z",
        "zones": zones,
    }, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
