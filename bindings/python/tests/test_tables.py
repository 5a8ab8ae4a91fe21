"""Decision tables: a host table given in the policy options (`tables=`) is the one a
policy's `c.table(name, inputs)` reads (its outputs checked against values worked by
hand from the table, since `recobro eval` takes no host tables), one that does not
check is refused at the row's line, and a policy pickles with its tables. A policy
on an embedded table decides as `recobro eval --policy FILE` does."""

from __future__ import annotations

import json
import pickle
import subprocess
from pathlib import Path
from typing import Any

import pytest

import recobro
from conftest import AS_OF, AS_OF_TEXT


def consumer(due_on: str) -> dict[str, Any]:
    """A consumer case in Colombia with one debt due on `due_on` (as of 2026-03-16)."""
    return {
        "id": "T-1",
        "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO", "timezone": "America/Bogota"},
        "debts": [
            {
                "id": "L-1",
                "currency": "COP",
                "original_amount": "1000000",
                "outstanding": "800000",
                "issued_on": "2025-06-01",
                "due_on": due_on,
            }
        ],
    }


# A host table, first hit on days past due: below 10 early (priority 1), 10 up to 30
# mid (2), from 30 late (3). Line numbers matter to the tests below: the rows are on
# lines 8, 9 and 10.
HOUSE = """{
  "name": "house",
  "version": "3",
  "hit": "first",
  "inputs": [{"name": "dpd", "type": "number"}],
  "outputs": ["segment", "priority"],
  "rows": [
    {"when": {"dpd": "..10"}, "then": {"segment": "early", "priority": 1}},
    {"when": {"dpd": "10..30"}, "then": {"segment": "mid", "priority": 2}},
    {"when": {"dpd": "30.."}, "then": {"segment": "late", "priority": 3}}
  ]
}"""
TABLED = """fn segment(c) {
    let t = c.table("house", #{dpd: c.days_past_due});
    `${t.segment}-${t.priority}`
}"""

# Worked by hand (as of 2026-03-16): due 2026-03-11 is 5 days past due (row 1), due
# 2026-03-01 is 15 (row 2: 10 <= 15 < 30), due 2026-01-01 is 31 + 28 + 15 = 74 (row 3);
# due 2026-03-06 is 10, the lower bound of row 2 (ranges are half-open, a <= x < b).
BY_HAND = {
    "2026-03-11": "early-1",
    "2026-03-06": "mid-2",
    "2026-03-01": "mid-2",
    "2026-01-01": "late-3",
}


def test_a_host_table_in_the_options_is_read_by_the_policy() -> None:
    p = recobro.Policy(TABLED, tables={"house": HOUSE})
    assert p.tables == {"house": HOUSE}
    assert p.scorecards == {}
    for due_on, segment in BY_HAND.items():
        assert p.evaluate(consumer(due_on), AS_OF)["segment"] == segment, due_on
    # the JSON text too
    text = p.evaluate_json(json.dumps(consumer("2026-01-01")), AS_OF_TEXT)
    assert recobro.decision_from_json(text)["segment"] == "late-3"
    # without it the policy names a table there is none of
    with pytest.raises(recobro.RecobroError) as e:
        recobro.Policy(TABLED).evaluate(consumer("2026-03-01"), AS_OF)
    assert "house" in e.value.message


def test_a_host_table_from_a_file_policy(tmp_path: Path) -> None:
    f = tmp_path / "p.rhai"
    f.write_text(TABLED, encoding="utf-8")
    p = recobro.Policy.from_file(f, tables={"house": HOUSE})
    assert p.tables == {"house": HOUSE}
    assert p.evaluate(consumer("2026-03-11"), AS_OF)["segment"] == "early-1"


# The embedded collection_stage table (rules/tables/collection_stage.json): below 1 day
# preventive, 1 up to 60 administrative, 60 up to 120 extrajudicial, from 120 legal.
STAGED = 'fn segment(c) { c.table("collection_stage", #{dpd: c.days_past_due}).stage }'


def test_a_policy_on_an_embedded_table_decides_as_the_cli(cli: Path, tmp_path: Path) -> None:
    policy_file = tmp_path / "staged.rhai"
    policy_file.write_text(STAGED, encoding="utf-8")
    p = recobro.Policy.from_file(policy_file)
    # 5, 15 and 74 days past due, and 2025-10-01: 30 + 31 + 30 + 31 + 31 + 28 + 15 = 196
    want = {"2026-03-11": "administrative", "2026-03-01": "administrative", "2026-01-01": "extrajudicial"}
    want["2025-10-01"] = "legal"
    for due_on, stage in want.items():
        case = consumer(due_on)
        case_file = tmp_path / f"{due_on}.json"
        case_file.write_text(json.dumps(case), encoding="utf-8")
        out = subprocess.run(
            [str(cli), "eval", str(case_file), "--policy", str(policy_file), "--as-of", AS_OF_TEXT],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert p.evaluate_json(json.dumps(case), AS_OF_TEXT) == out, due_on
        assert p.evaluate(case, AS_OF)["segment"] == stage, due_on
    # a host table of that name replaces the embedded one
    mine = HOUSE.replace('"name": "house"', '"name": "collection_stage"').replace('"segment"', '"stage"')
    q = recobro.Policy(STAGED, tables={"collection_stage": mine})
    assert q.evaluate(consumer("2026-01-01"), AS_OF)["segment"] == "late"


def test_a_table_with_a_row_never_reached_is_refused_at_its_line(tmp_path: Path) -> None:
    # A row for 5 up to 8 days after the row below 10: every value it matches is matched
    # first by row 1, so row 2 (line 9) is never reached.
    shadowed = HOUSE.replace(
        '"priority": 1}},\n',
        '"priority": 1}},\n    {"when": {"dpd": "5..8"}, "then": {"segment": "never", "priority": 0}},\n',
    )
    assert shadowed != HOUSE and shadowed.splitlines()[8].lstrip().startswith('{"when": {"dpd": "5..8"}')
    with pytest.raises(recobro.PolicyRuntimeError) as e:
        recobro.Policy(TABLED, tables={"house": shadowed})
    err = e.value
    assert err.code == "policy.contract"
    assert err.line == 9
    assert err.module == "tables/house"
    assert "row 2 is never reached" in err.message and "row 1" in err.message
    # the same from a file
    f = tmp_path / "p.rhai"
    f.write_text(TABLED, encoding="utf-8")
    with pytest.raises(recobro.PolicyRuntimeError) as e:
        recobro.Policy.from_file(f, tables={"house": shadowed})
    assert (e.value.code, e.value.line, e.value.module) == ("policy.contract", 9, "tables/house")


def test_a_table_with_a_gap_is_refused_at_its_last_row() -> None:
    # 30 <= x < 40 matches no row; the error is at the last row (line 10).
    gap = HOUSE.replace('"dpd": "30.."', '"dpd": "40.."')
    assert gap != HOUSE
    with pytest.raises(recobro.PolicyRuntimeError) as e:
        recobro.Policy(TABLED, tables={"house": gap})
    assert (e.value.code, e.value.line, e.value.module) == ("policy.contract", 10, "tables/house")
    assert "a gap: no row matches dpd 30..40" in e.value.message


def test_a_table_that_is_no_text_is_refused_at_its_option() -> None:
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.Policy(TABLED, tables={"house": json.loads(HOUSE)})  # type: ignore[dict-item]
    assert (e.value.path or "").startswith("options.tables"), e.value


def test_a_policy_with_host_tables_pickles_with_them() -> None:
    p = recobro.Policy(TABLED, tables={"house": HOUSE})
    again = pickle.loads(pickle.dumps(p))
    assert again.tables == {"house": HOUSE}
    assert again == p
    for due_on, segment in BY_HAND.items():
        assert again.evaluate(consumer(due_on), AS_OF)["segment"] == segment, due_on
    # the digest covers the source alone, so equality looks at the tables too
    other = recobro.Policy(TABLED, tables={"house": HOUSE.replace('"version": "3"', '"version": "4"')})
    assert other.digest == p.digest and other != p
    # scorecards and tables together survive the trip
    card = (Path(__file__).resolve().parents[3] / "rules" / "scorecards" / "behavioural.json").read_text(
        encoding="utf-8"
    )
    both = recobro.Policy(TABLED, scorecards={"behavioural": card}, tables={"house": HOUSE})
    back = pickle.loads(pickle.dumps(both))
    assert (back.scorecards, back.tables) == ({"behavioural": card}, {"house": HOUSE})
    assert back == both
