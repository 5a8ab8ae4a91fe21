"""The best contact moment: a host prior given in the policy options (`priors=`) is the
one a policy's `contact_timing()` names, and each contact candidate and the chosen action
carry `best_at` (an aware UTC datetime) and `best_slot` (its rates `Decimal`), checked
against values worked by hand from the formula of `recobro::timing`
(`rate = (right_party + weight * prior) / (attempts + weight)`), since `recobro eval`
takes no host priors. A prior that does not check is refused at its line, a policy
pickles with its priors, and the default policy (which asks for the embedded `consumer`
prior) decides as `recobro eval` does, byte for byte."""

from __future__ import annotations

import json
import pickle
import subprocess
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import recobro
from conftest import plain

# A flat prior: 0.1 at every local hour for calls, every weekday alike.
FLAT = json.dumps({"name": "flat", "version": "1", "channels": {"call": {"hours": ["0.1"] * 24}}})
TIMING = 'fn contact_timing() { #{ prior: "flat", horizon_hours: 48, weight: 4 } }\n'
CALL = TIMING + 'fn actions(c) { [contact("call", "t")] }'

# Monday 12 January 2026, 10:00 in New York (UTC-5).
AS_OF = datetime(2026, 1, 12, 15, 0, tzinfo=timezone.utc)
AS_OF_TEXT = "2026-01-12T15:00:00Z"


def new_yorker() -> dict[str, Any]:
    """A New York debtor whose ledger holds three unanswered calls at 09:00 local (14:00Z)
    and three conversations at 19:00 local (00:00Z the next day), all in December 2025,
    past every Regulation F cap and wait."""
    contacts = [
        {"at": f"2025-12-0{d}T14:00:00Z", "channel": "call", "direction": "outbound", "outcome": "no_answer",
         "debt_ids": ["A"]}
        for d in (1, 2, 3)
    ] + [
        {"at": f"2025-12-{d}T00:00:00Z", "channel": "call", "direction": "outbound", "outcome": "conversation",
         "debt_ids": ["A"]}
        for d in (11, 12, 13)
    ]
    return {
        "id": "C",
        "debtor": {"id": "D", "kind": "consumer", "jurisdiction": "US-NY", "timezone": "America/New_York"},
        "debts": [
            {
                "id": "A",
                "currency": "USD",
                "original_amount": "900",
                "outstanding": "900",
                "issued_on": "2025-10-01",
                "due_on": "2025-11-01",
            }
        ],
        "contacts": contacts,
    }


# Worked by hand: hour 19 has 3 attempts, 3 reaching the debtor, so
# (3 + 4 * 0.1) / (3 + 4) = 3.4 / 7 = 0.485714 (6 decimals); hour 9 has 3 attempts and
# none reached: 0.4 / 7 = 0.057143; any other hour 0.4 / 4 = 0.1. The best slot is Monday
# 19:00 local (00:00Z Tuesday), lawful (Reg F: 8:00 to 21:00 local), the first asked.
BEST_AT = datetime(2026, 1, 13, 0, 0, tzinfo=timezone.utc)
BEST_SLOT = {
    "local_hour": 19,
    "weekday": "mon",
    "rate": Decimal("0.485714"),
    "attempts": 3,
    "right_party": 3,
    "prior": "flat@1",
    "prior_rate": Decimal("0.1"),
    "prior_weight": Decimal("4"),
    "slots_checked": 1,
}


def test_a_host_prior_gives_the_best_moment_worked_by_hand() -> None:
    p = recobro.Policy(CALL, priors={"flat": FLAT})
    assert p.priors == {"flat": FLAT}
    assert (p.scorecards, p.tables) == ({}, {})
    d = p.evaluate(new_yorker(), AS_OF)
    c = d["candidates"][0]
    assert c["best_at"] == BEST_AT
    assert c["best_at"].tzinfo == timezone.utc
    slot = c["best_slot"]
    assert slot == BEST_SLOT
    assert slot["rate"] == Decimal("0.485714") == ((3 + 4 * Decimal("0.1")) / (3 + 4)).quantize(Decimal("0.000001"))
    assert isinstance(slot["rate"], Decimal) and isinstance(slot["prior_rate"], Decimal)
    assert isinstance(slot["prior_weight"], Decimal)
    assert (slot["attempts"], slot["right_party"]) == (3, 3)
    # the chosen action keeps its earliest lawful instant and carries the best one
    action = d["action"]
    assert action is not None
    assert action["earliest_at"] == AS_OF
    assert action["best_at"] == BEST_AT
    assert action["best_slot"] == slot
    # the JSON text holds the strings the dict was converted from
    text = p.evaluate_json(json.dumps(new_yorker()), AS_OF_TEXT)
    j = json.loads(text)
    assert j["candidates"][0]["best_at"] == "2026-01-13T00:00:00Z"
    assert j["candidates"][0]["best_slot"]["rate"] == "0.485714"
    assert j["action"]["best_slot"]["prior_weight"] == "4"
    assert recobro.decision_from_json(text) == d
    assert plain(d) == j


def test_a_host_prior_from_a_file_policy(tmp_path: Path) -> None:
    f = tmp_path / "p.rhai"
    f.write_text(CALL, encoding="utf-8")
    p = recobro.Policy.from_file(f, priors={"flat": FLAT})
    assert p.priors == {"flat": FLAT}
    assert p.evaluate(new_yorker(), AS_OF)["candidates"][0]["best_at"] == BEST_AT


def test_a_policy_without_the_prior_it_names_is_refused() -> None:
    with pytest.raises(recobro.PolicyRuntimeError) as e:
        recobro.Policy(CALL)
    assert e.value.code == "policy.contract"
    assert "no prior `flat`" in e.value.message


def test_a_prior_with_23_hours_is_refused_at_its_module() -> None:
    short = json.dumps({"name": "flat", "version": "1", "channels": {"call": {"hours": ["0.1"] * 23}}})
    with pytest.raises(recobro.PolicyRuntimeError) as e:
        recobro.Policy(CALL, priors={"flat": short})
    err = e.value
    assert err.code == "policy.contract"
    assert err.module == "priors/flat"
    assert err.line == 1
    assert "needs 24 rates" in err.message, err.message


def test_a_prior_that_is_no_text_is_refused_at_its_option() -> None:
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.Policy(CALL, priors={"flat": json.loads(FLAT)})  # type: ignore[dict-item]
    assert (e.value.path or "").startswith("options.priors"), e.value


def test_a_policy_with_host_priors_pickles_with_them() -> None:
    p = recobro.Policy(CALL, priors={"flat": FLAT})
    again = pickle.loads(pickle.dumps(p))
    assert again.priors == {"flat": FLAT}
    assert again == p
    assert again.evaluate(new_yorker(), AS_OF)["candidates"][0]["best_slot"] == BEST_SLOT
    # the digest covers the source alone, so equality looks at the priors too
    other = recobro.Policy(CALL, priors={"flat": FLAT.replace('"version": "1"', '"version": "2"')})
    assert other.digest == p.digest and other != p
    assert other.evaluate(new_yorker(), AS_OF)["candidates"][0]["best_slot"]["prior"] == "flat@2"


def test_the_default_policy_decides_as_the_cli(policy: recobro.Policy, cli: Path, tmp_path: Path) -> None:
    # The default consumer policy asks for the embedded `consumer` prior: its chosen
    # call carries a best moment, never before its earliest instant, and the decision is
    # the CLI's, byte for byte.
    case_file = tmp_path / "ny.json"
    case_file.write_text(json.dumps(new_yorker()), encoding="utf-8")
    out = subprocess.run(
        [str(cli), "eval", str(case_file), "--as-of", AS_OF_TEXT],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert policy.evaluate_json(json.dumps(new_yorker()), AS_OF_TEXT) == out
    d = policy.evaluate(new_yorker(), AS_OF)
    assert plain(d) == json.loads(out)
    action = d["action"]
    assert action is not None and action["channel"] == "call", d
    assert isinstance(action["best_at"], datetime) and action["best_at"].tzinfo == timezone.utc
    assert action["best_at"] >= action["earliest_at"]
    assert action["best_slot"]["prior"].startswith("consumer@")
    assert isinstance(action["best_slot"]["rate"], Decimal)
    # a policy file on the embedded prior, through `recobro eval --policy`
    policy_file = tmp_path / "timed.rhai"
    policy_file.write_text(CALL.replace('"flat"', '"consumer"'), encoding="utf-8")
    timed = recobro.Policy.from_file(policy_file)
    out = subprocess.run(
        [str(cli), "eval", str(case_file), "--policy", str(policy_file), "--as-of", AS_OF_TEXT],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert timed.evaluate_json(json.dumps(new_yorker()), AS_OF_TEXT) == out
    assert "best_at" in json.loads(out)["candidates"][0]
