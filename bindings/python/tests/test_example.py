"""The Dask example runs end to end (processes scheduler: the policy is pickled)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip("dask.dataframe")


def test_dask_pipeline_example(cli: Path) -> None:
    env = dict(os.environ, RECOBRO_CLI=str(cli))
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "python" / "dask_pipeline.py"),
            "--n",
            "300",
            "--partitions",
            "3",
            "--scheduler",
            "processes",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "300 cases in 3 partitions, scheduler processes" in out
    assert "segment" in out and "administrative" in out
    assert "errors: 0" in out
    # the per-segment counts add up to the portfolio
    rows = [line.split() for line in out.splitlines() if line[:1].isalpha() and len(line.split()) == 5]
    assert sum(int(r[1]) for r in rows if r[1].isdigit()) == 300
