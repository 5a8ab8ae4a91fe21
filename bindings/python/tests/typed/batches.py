"""Typed use of ``Policy.evaluate_many``'s overloads and the batch types.

``tests/test_types.py`` checks this file with ``mypy --strict`` (each input kind gives
its own result type: ``assert_type`` fails otherwise) and runs the functions that the
built module already has on real inputs (the static type is the runtime type). It is
not a test module itself (no ``test_`` prefix).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, Dict, List, Literal, Union

import pandas as pd
import polars as pl
import pyarrow as pa
from typing_extensions import assert_type

import recobro
from recobro.types import Decision, ErrorInfo, ErrorRow

AS_OF = datetime.datetime(2026, 3, 16, 15, tzinfo=datetime.timezone.utc)

Rows = List[Union[Decision, ErrorRow]]


def lists(policy: recobro.Policy, cases: List[recobro.Case], plain: List[Dict[str, Any]]) -> List[Any]:
    """Lists, tuples, iterators and other iterables of cases: a list of decisions; with
    ``on_error="collect"`` (or an ``on_error`` not known statically) also error rows."""
    out: List[Any] = []
    out.append(assert_type(policy.evaluate_many(cases, AS_OF), List[Decision]))
    out.append(assert_type(policy.evaluate_many(plain, AS_OF, on_error="raise", threads=1), List[Decision]))
    out.append(assert_type(policy.evaluate_many(tuple(plain), AS_OF, chunk_size=10), List[Decision]))
    generator: Iterator[Dict[str, Any]] = (c for c in plain)
    out.append(assert_type(policy.evaluate_many(generator, AS_OF), List[Decision]))
    by_id = {str(i): c for i, c in enumerate(plain)}
    out.append(assert_type(policy.evaluate_many(by_id.values(), AS_OF), List[Decision]))
    out.append(assert_type(policy.evaluate_many(plain, AS_OF, on_error="collect"), Rows))
    out.append(assert_type(policy.evaluate_many(by_id.values(), AS_OF, on_error="collect"), Rows))
    # An on_error known only as one of the two: either list (each overload's result).
    mode: Literal["raise", "collect"] = "collect"
    out.append(assert_type(policy.evaluate_many(plain, AS_OF, on_error=mode), Union[List[Decision], Rows]))
    return out


def text(policy: recobro.Policy, ndjson: str) -> List[Any]:
    """JSON text (str, bytes): the same lists."""
    out: List[Any] = []
    out.append(assert_type(policy.evaluate_many(ndjson, AS_OF), List[Decision]))
    out.append(assert_type(policy.evaluate_many(ndjson.encode(), AS_OF), List[Decision]))
    out.append(assert_type(policy.evaluate_many(ndjson, AS_OF, on_error="collect"), Rows))
    return out


def rows(policy: recobro.Policy, plain: List[Dict[str, Any]]) -> List[str]:
    """A collected row is a ``Decision`` or an ``ErrorRow``: ``"error" in row`` tells."""
    seen: List[str] = []
    for row in policy.evaluate_many(plain, AS_OF, on_error="collect"):
        if "error" in row:
            error = assert_type(row, ErrorRow)
            info = assert_type(error["error"], ErrorInfo)
            seen.append(f"{error['index']} {info['code']} {info['path']}")
        else:
            decision = assert_type(row, Decision)
            seen.append(decision["case_id"])
    try:
        policy.evaluate_many(plain, AS_OF)
    except recobro.BatchError as e:
        failed = assert_type(e.errors, List[ErrorRow])
        seen.extend(str(r["index"]) for r in failed)
        assert_type(e.to_dict(), ErrorInfo)
    return seen


def pandas_frames(policy: recobro.Policy, frame: pd.DataFrame) -> List[pd.DataFrame]:
    """A pandas DataFrame in, a pandas DataFrame out."""
    return [
        assert_type(policy.evaluate_many(frame, AS_OF), pd.DataFrame),
        assert_type(policy.evaluate_many(frame, AS_OF, on_error="collect", threads=1), pd.DataFrame),
    ]


def arrow_tables(
    policy: recobro.Policy,
    table: pa.Table,
    batch: pa.RecordBatch,
    reader: pa.RecordBatchReader,
    structs: pa.StructArray,
    chunked: pa.ChunkedArray[pa.StructScalar],
) -> List[pa.Table]:
    """Any pyarrow input (Table, RecordBatch, RecordBatchReader, array of structs): a Table.
    (An ``Array[Any]`` or ``ChunkedArray[Any]`` would give ``Any``: it also matches the
    overloads of iterables of cases.)"""
    return [
        assert_type(policy.evaluate_many(table, AS_OF), pa.Table),
        assert_type(policy.evaluate_many(batch, AS_OF, on_error="collect"), pa.Table),
        assert_type(policy.evaluate_many(reader, AS_OF), pa.Table),
        assert_type(policy.evaluate_many(structs, AS_OF), pa.Table),
        assert_type(policy.evaluate_many(chunked, AS_OF, chunk_size=10), pa.Table),
    ]


def polars_frames(policy: recobro.Policy, frame: pl.DataFrame) -> List[pl.DataFrame]:
    """A polars DataFrame in, a polars DataFrame out."""
    return [
        assert_type(policy.evaluate_many(frame, AS_OF), pl.DataFrame),
        assert_type(policy.evaluate_many(frame, AS_OF, on_error="collect"), pl.DataFrame),
    ]


def arrow_work(policy: recobro.Policy, table: pa.Table, naive: pa.RecordBatchReader) -> None:
    """What the Arrow work (issue #16) adds: typed here, not run until it lands."""
    assert_type(recobro.case_schema(), pa.Schema)
    assert_type(recobro.arrow_schema(), pa.Schema)
    assert_type(policy.evaluate_arrow(table, AS_OF), pa.RecordBatchReader)
    assert_type(
        policy.evaluate_arrow(naive, "2026-03-16T15:00:00Z", timezone="America/Bogota", on_error="collect",
                              threads=2, chunk_size=4096),
        pa.RecordBatchReader,
    )
    assert_type(policy.evaluate_many(naive, AS_OF, timezone="America/Bogota"), pa.Table)
