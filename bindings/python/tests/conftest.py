"""Shared fixtures: the repository, sample cases, policies and the `recobro` CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import recobro

ROOT = Path(__file__).resolve().parents[3]
CASES_DIR = ROOT / "examples" / "data" / "cases"
AS_OF_TEXT = "2026-03-16T15:00:00Z"
AS_OF = datetime(2026, 3, 16, 15, 0, tzinfo=timezone.utc)


def load_case(name: str) -> dict[str, Any]:
    with open(CASES_DIR / f"{name}.json", encoding="utf-8") as f:
        case: dict[str, Any] = json.load(f)
    return case


@pytest.fixture(scope="session")
def policy() -> recobro.Policy:
    return recobro.Policy.default()


@pytest.fixture(scope="session")
def b2b() -> recobro.Policy:
    return recobro.Policy.from_file(ROOT / "rules" / "b2b" / "policy.rhai")


@pytest.fixture(scope="session")
def sample_cases() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CASES_DIR.glob("*.json"))]


def find_cli() -> Path:
    """The `recobro` CLI: $RECOBRO_CLI, or the workspace's debug build, brought up to date
    with cargo so that it runs the same core as the extension module."""
    env = os.environ.get("RECOBRO_CLI")
    if env:
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    cargo = shutil.which("cargo")
    if cargo is not None:
        subprocess.run([cargo, "build", "-q", "-p", "recobro-cli"], cwd=ROOT, check=True)
        return target / "debug" / "recobro"
    for profile in ("release", "debug"):
        exe = target / profile / "recobro"
        if exe.exists():
            return exe
    pytest.skip("the recobro CLI is not built and cargo is not available")


@pytest.fixture(scope="session")
def cli() -> Path:
    return find_cli()


def plain(value: Any) -> Any:
    """A decision dict with Python types turned back into the JSON forms (for comparing)."""
    from datetime import date
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value
