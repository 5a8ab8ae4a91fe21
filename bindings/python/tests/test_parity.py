"""Parity with the CLI: the same canonical decision bytes for the sample cases."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import recobro
from conftest import AS_OF, AS_OF_TEXT, CASES_DIR, plain

SAMPLES = sorted(CASES_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def cli_lines(cli: Path) -> dict[str, str]:
    out = {}
    for path in SAMPLES:
        run = subprocess.run(
            [str(cli), "eval", str(path), "--as-of", AS_OF_TEXT],
            capture_output=True,
            text=True,
            check=True,
        )
        lines = run.stdout.splitlines()
        assert len(lines) == 1, run.stdout
        out[path.name] = lines[0]
    return out


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_same_bytes_as_cli(policy: recobro.Policy, cli_lines: dict[str, str], path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    line = cli_lines[path.name]
    # byte for byte: the core's canonical JSON
    assert policy.evaluate_json(text, AS_OF_TEXT) == line
    # and the dict form is the same decision once its types are normalised
    decision = policy.evaluate(json.loads(text), AS_OF)
    assert plain(decision) == json.loads(line)
    assert recobro.decision_from_json(line) == decision


def test_batch_matches_cli(policy: recobro.Policy, cli: Path) -> None:
    run = subprocess.run(
        [str(cli), "eval", str(CASES_DIR), "--as-of", AS_OF_TEXT], capture_output=True, text=True, check=True
    )
    from_cli = [json.loads(line) for line in run.stdout.splitlines()]
    by_id = {d["case_id"]: d for d in from_cli}
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES]
    for decision in policy.evaluate_many(cases, AS_OF):
        assert plain(decision) == by_id[decision["case_id"]]
