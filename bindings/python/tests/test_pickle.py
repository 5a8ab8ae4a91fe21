"""Pickling: a Policy is rebuilt from source, modules and limits in another process."""

from __future__ import annotations

import json
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import recobro
from conftest import AS_OF, AS_OF_TEXT, load_case

SRC = 'import "house/bands" as bands;\nfn metadata() { #{ name: "house", version: "3" } }\nfn segment(c) { bands::band(c) }\n'
MOD = 'fn band(c) { if c.days_past_due > 30 { "late" } else { "early" } }\n'


def test_round_trip_default(policy: recobro.Policy) -> None:
    again = pickle.loads(pickle.dumps(policy))
    assert isinstance(again, recobro.Policy)
    assert (again.name, again.version, again.digest, again.limits) == (
        policy.name,
        policy.version,
        policy.digest,
        policy.limits,
    )
    assert again == policy
    case = load_case("legal")
    assert again.evaluate(case, AS_OF) == policy.evaluate(case, AS_OF)


def test_round_trip_with_modules_and_limits() -> None:
    p = recobro.Policy(SRC, modules={"house/bands": MOD}, limits={"max_operations": 12345})
    again = pickle.loads(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL))
    assert again.modules == {"house/bands": MOD}
    assert again.limits["max_operations"] == 12345
    assert again.digest == p.digest
    assert again.evaluate(load_case("legal"), AS_OF)["segment"] == "late"


def test_native_policy_pickles_too(policy: recobro.Policy) -> None:
    native = pickle.loads(pickle.dumps(policy._inner))
    assert native.digest == policy.digest


def _decide(args: tuple[recobro.Policy, str]) -> str:
    policy, case_json = args
    return policy.evaluate_json(case_json, AS_OF_TEXT)


def test_evaluate_in_worker_processes(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    custom = recobro.Policy(SRC, modules={"house/bands": MOD})
    jobs = [(p, json.dumps(c)) for c in sample_cases for p in (policy, custom)]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        remote = list(pool.map(_decide, jobs))
    assert remote == [_decide(j) for j in jobs]
