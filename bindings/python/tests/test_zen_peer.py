"""The peer-engine benchmark (benches/zen) decides what Recobro decides: GoRules Zen's graph
benches/zen/consumer.json, given the facts benches/zen/bench.py derives from each case, gives
the default consumer policy's segment and ordered candidate actions on generated cases.
The agreement check only; the timing is the bench's (`python benches/zen/bench.py`)."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from conftest import AS_OF_TEXT, ROOT

CASES = 500


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zen_bench", ROOT / "benches" / "zen" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lines(cli: Path) -> list[str]:
    run = subprocess.run(
        [str(cli), "generate", str(CASES), "--seed", "7", "--as-of", AS_OF_TEXT],
        capture_output=True, text=True, check=True,
    )
    out = [line for line in run.stdout.splitlines() if line.strip()]
    assert len(out) == CASES
    return out


def test_zen_graph_agrees_with_the_consumer_policy(bench: ModuleType, lines: list[str]) -> None:
    bad = bench.compare(lines, AS_OF_TEXT)
    assert bad == [], f"{len(bad)} of {len(lines)} cases differ; the first: {bad[:3]}"


def test_the_cases_exercise_the_graph(bench: ModuleType, lines: list[str]) -> None:
    # Agreement on cases that all take one path would say little: most segments and
    # most of the policy's 14 candidate actions must come up.
    engine = bench.zen_engine()
    outcomes = [bench.zen_outcome(engine.evaluate(bench.ZEN_KEY, f)) for f in bench.all_facts(lines, AS_OF_TEXT)]
    segments = {segment for segment, _ in outcomes}
    actions = {(kind, template) for _, candidates in outcomes for kind, _, template, _ in candidates}
    assert len(segments) >= 6, segments
    assert len(actions) >= 10, actions
