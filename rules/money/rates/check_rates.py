#!/usr/bin/env python3
"""Validate the effective-dated reference-rate tables in this folder.

Standard library only. Loads every *.json next to this script and checks:
  - top-level shape: id, title, unit, source, entries (and nothing else);
  - each entry: from, rate, source, confidence (and nothing else);
  - rate is a JSON string that parses as a finite decimal.Decimal (never float);
  - from is an ISO date YYYY-MM-DD; dates strictly ascending (so no duplicates);
  - confidence is "confirmed" or "to_verify";
  - required Spanish values (2005-01-01 -> 9.09, 2020-01-01 -> 8.00).

Prints "N passed, 0 failed" as the last line on success; exits 1 on failure.
"""
import datetime
import decimal
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP_KEYS = {"id", "title", "unit", "source", "entries"}
ENTRY_KEYS = {"from", "rate", "source", "confidence"}
CONFIDENCE = {"confirmed", "to_verify"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RATE_RE = re.compile(r"^-?\d+(\.\d+)?$")
REQUIRED = {
    "es_demora_comercial": {
        "2005-01-01": decimal.Decimal("9.09"),
        "2020-01-01": decimal.Decimal("8.00"),
    },
}
EXPECTED_FILES = {"ecb_mro", "boe_base", "de_basiszins", "es_demora_comercial"}

passed = 0
failed = 0


def check(cond, msg):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + msg)
    return cond


def nonempty_str(v):
    return isinstance(v, str) and v.strip() != ""


def parse_date(s):
    if not (isinstance(s, str) and DATE_RE.match(s)):
        return None
    try:
        return datetime.datetime.strptime(s, "%Y-%m-%d").date()
    except ValueError:
        return None


def parse_rate(s):
    if not (isinstance(s, str) and RATE_RE.match(s)):
        return None
    try:
        d = decimal.Decimal(s)
    except decimal.InvalidOperation:
        return None
    return d if d.is_finite() else None


def check_file(path):
    name = path.stem
    try:
        with path.open(encoding="utf-8") as f:
            doc = json.load(f, parse_float=decimal.Decimal)
    except (OSError, ValueError) as e:
        check(False, f"{path.name}: cannot load JSON: {e}")
        return
    if not check(isinstance(doc, dict), f"{path.name}: top level is not an object"):
        return
    check(set(doc) == TOP_KEYS, f"{path.name}: top-level keys {sorted(doc)} != {sorted(TOP_KEYS)}")
    check(doc.get("id") == name, f"{path.name}: id {doc.get('id')!r} does not match file name")
    check(nonempty_str(doc.get("title")), f"{path.name}: title missing/empty")
    check(doc.get("unit") == "percent", f"{path.name}: unit must be 'percent'")
    check(nonempty_str(doc.get("source")), f"{path.name}: source missing/empty")
    entries = doc.get("entries")
    if not check(isinstance(entries, list) and len(entries) > 0, f"{path.name}: entries must be a non-empty list"):
        return

    by_date = {}
    prev = None
    for i, e in enumerate(entries):
        where = f"{path.name}: entries[{i}]"
        if not check(isinstance(e, dict), f"{where}: not an object"):
            continue
        check(set(e) == ENTRY_KEYS, f"{where}: keys {sorted(e)} != {sorted(ENTRY_KEYS)}")
        d = parse_date(e.get("from"))
        check(d is not None, f"{where}: bad 'from' {e.get('from')!r} (want YYYY-MM-DD)")
        r = parse_rate(e.get("rate"))
        check(r is not None, f"{where}: bad 'rate' {e.get('rate')!r} (want a decimal string)")
        check(nonempty_str(e.get("source")), f"{where}: source missing/empty")
        check(e.get("confidence") in CONFIDENCE, f"{where}: confidence {e.get('confidence')!r} not in {sorted(CONFIDENCE)}")
        if d is not None:
            if prev is not None:
                check(d > prev, f"{where}: date {d} not strictly after previous {prev}")
            prev = d
            by_date[e["from"]] = r

    for day, want in REQUIRED.get(name, {}).items():
        got = by_date.get(day)
        check(got is not None and got == want, f"{path.name}: required {day} -> {want}, got {got}")


def main():
    files = sorted(HERE.glob("*.json"))
    present = {p.stem for p in files}
    for stem in sorted(EXPECTED_FILES):
        check(stem in present, f"missing {stem}.json")
    for p in files:
        check_file(p)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
