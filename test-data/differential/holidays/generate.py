#!/usr/bin/env python3
"""Write the independent holiday fixtures for core/tests/differential_holidays.rs.

The engine's calendars (core/src/compliance/holidays.rs, `CALENDARS`) are compared
day by day, 2020-2035, with the Python `holidays` library
(https://pypi.org/project/holidays/), an independent implementation. This script
writes one JSON file per engine calendar, `<CALENDAR>.json`, which is committed, so
the Rust test needs neither Python nor the network:

    python3 -m pip install 'holidays==0.109'
    python3 test-data/differential/holidays/generate.py

Library options per calendar (national holidays, the "public" category only, which
leaves out Chile's bank-only 31 December and Brazil's optional Carnival and Corpus
Christi):

    US     holidays.US()               federal holidays (no state)
    GB     holidays.UK(subdiv="ENG")   England (England and Wales share the list)
    ES     holidays.ES()               national holidays (no autonomous community)
    CO     holidays.CO()
    CL     holidays.CL()               public only (not "bank")
    PE     holidays.PE()
    MX     holidays.MX()
    EC     holidays.EC()
    BR     holidays.BR()               public only (not "optional")
    BR-SP  holidays.BR(subdiv="SP")    national plus Sao Paulo state
    DE     holidays.DE()               nationwide holidays (no Land)

One convention is normalised here, not listed date by date: where the library lists
both a holiday's nominal date and the day it is moved to ("X" and "X (observed)"),
the engine lists only the day people rest. Such nominal dates are kept in the
fixture with `"moved": true` and the test skips them. Every other difference must be
in KNOWN_DIFFERENCES.json with a reason.

The library is run for 2019-2036 so that holidays moved across New Year are seen;
only dates in 2020-01-01..2035-12-31 are written. Output is sorted and stable.
"""

import datetime
import json
import pathlib

import holidays

FIRST, LAST = 2020, 2035
HERE = pathlib.Path(__file__).resolve().parent

# Engine calendar -> (library country code, keyword arguments, description).
CALENDARS = {
    "US": ("US", {}, "holidays.US(): federal holidays"),
    "GB": ("GB", {"subdiv": "ENG"}, "holidays.UK(subdiv='ENG'): England bank holidays"),
    "ES": ("ES", {}, "holidays.ES(): national holidays"),
    "CO": ("CO", {}, "holidays.CO()"),
    "CL": ("CL", {}, "holidays.CL(): public category only"),
    "PE": ("PE", {}, "holidays.PE()"),
    "MX": ("MX", {}, "holidays.MX()"),
    "EC": ("EC", {}, "holidays.EC()"),
    "BR": ("BR", {}, "holidays.BR(): public category only"),
    "BR-SP": ("BR", {"subdiv": "SP"}, "holidays.BR(subdiv='SP'): public category only"),
    "DE": ("DE", {}, "holidays.DE(): nationwide holidays (no Land)"),
}

OBSERVED = " (observed)"


def names(value):
    return [n.strip() for n in value.split(";") if n.strip()]


def entries(code, kwargs):
    lib = holidays.country_holidays(
        code, years=range(FIRST - 1, LAST + 2), categories=("public",), **kwargs
    )
    by_date = {d: names(n) for d, n in lib.items()}
    # Nominal dates whose every holiday is moved elsewhere within a week.
    moved = set()
    for d, ns in by_date.items():
        for n in ns:
            if not n.endswith(OBSERVED):
                continue
            base = n[: -len(OBSERVED)]
            for k in range(-7, 8):
                o = d + datetime.timedelta(days=k)
                if k != 0 and base in by_date.get(o, []):
                    if all(x == base for x in by_date[o]):
                        moved.add(o)
    out = []
    for d in sorted(by_date):
        if FIRST <= d.year <= LAST:
            out.append(
                {"date": d.isoformat(), "name": "; ".join(by_date[d]), "moved": d in moved}
            )
    return out


def main():
    for cal, (code, kwargs, desc) in CALENDARS.items():
        doc = {
            "calendar": cal,
            "library": f"holidays {holidays.__version__}",
            "options": desc,
            "years": [FIRST, LAST],
            "holidays": entries(code, kwargs),
        }
        path = HERE / f"{cal}.json"
        path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(doc['holidays'])} dates")


if __name__ == "__main__":
    main()
