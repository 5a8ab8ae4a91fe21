"""The cross-host conformance corpus (test-data/conformance): every host must produce
the decision bytes in expected/NAME.json for each (policy, case, as_of)."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pytest

import recobro
from conftest import AS_OF, ROOT, load_case, plain

CORPUS = ROOT / "test-data" / "conformance"
TEXT = (CORPUS / "cases.json").read_text(encoding="utf-8") if (CORPUS / "cases.json").exists() else '{"items": []}'
ITEMS: list[dict[str, Any]] = json.loads(TEXT)["items"]
# JSON numbers such as a rate of 0.12 must reach Python exactly too: as Decimal, not float.
EXACT: dict[str, dict[str, Any]] = {i["name"]: i for i in json.loads(TEXT, parse_float=Decimal)["items"]}


@lru_cache(maxsize=None)
def embedded(path: str) -> recobro.Policy:
    return recobro.Policy.embedded(path)


def expected(name: str) -> str:
    return (CORPUS / "expected" / f"{name}.json").read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.skipif(not ITEMS, reason="no conformance corpus")
@pytest.mark.parametrize("item", ITEMS, ids=[i["name"] for i in ITEMS])
def test_corpus_item(item: dict[str, Any]) -> None:
    policy = embedded(item["policy"])
    want = expected(item["name"])
    # JSON in, canonical JSON out: byte for byte
    assert policy.evaluate_json(json.dumps(item["case"]), item["as_of"]) == want
    # dict in, dict out: the same decision
    decision = policy.evaluate(EXACT[item["name"]]["case"], item["as_of"])
    assert plain(decision) == json.loads(want)
    assert decision == recobro.decision_from_json(want)


@pytest.mark.skipif(not ITEMS, reason="no conformance corpus")
def test_corpus_as_batches() -> None:
    by_policy: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in ITEMS:
        by_policy.setdefault((item["policy"], item["as_of"]), []).append(item)
    for (pol, as_of), items in by_policy.items():
        got = embedded(pol).evaluate_many([EXACT[i["name"]]["case"] for i in items], as_of)
        for item, decision in zip(items, got):
            assert decision == recobro.decision_from_json(expected(item["name"])), item["name"]


def test_a_float_attribute_is_refused_where_it_is() -> None:
    """A JSON number read by `json.load` as a float (an attribute such as a score of
    0.12) is not exact: refused at its path, never rounded silently. The case is built
    here, so the test runs whatever the corpus holds."""
    case = load_case("administrative")
    case["attributes"] = dict(case.get("attributes", {}), score=0.12)
    with pytest.raises(recobro.InvalidInputError) as info:
        recobro.Policy.default().evaluate(case, AS_OF)
    assert info.value.path == "attributes.score"
    # the same value as text (or a Decimal) is read exactly
    case["attributes"]["score"] = "0.12"
    assert recobro.Policy.default().evaluate(case, AS_OF)["case_id"] == case["id"]
