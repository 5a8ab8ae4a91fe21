"""A batch does not fail silently (#16): failed cases raise one `BatchError` by default
(`on_error="raise"`), or are rows of the result with `on_error="collect"`, the same for
every kind of batch; inputs that are not batches are not iterated as if they were; the
`threads` and `chunk_size` keywords change how a batch runs, not what it answers."""

from __future__ import annotations

import copy
import io
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

import recobro
from conftest import AS_OF, load_case

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

#: Where `bad_cases` breaks the sample cases, and the path of each failure.
BAD_AT = {
    2: "[2].debts[0].due_on",
    5: "[5].debts[0].issued_on",
    7: "[7].debts[0].due_on",
    8: "[8].debts[0].due_on",
}


def bad_cases(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sample cases with four that do not read (strings in date fields: every kind of
    batch, Arrow and polars included, can hold them)."""
    out = copy.deepcopy(cases)
    out[2]["debts"][0]["due_on"] = "nope"
    out[5]["debts"][0]["issued_on"] = "later"
    out[7]["debts"][0]["due_on"] = "2026-02-30"
    out[8]["debts"][0]["due_on"] = "x"
    return out


def arrow_table(cases: list[dict[str, Any]]) -> Any:
    return pa.Table.from_struct_array(pa.array(cases))


def reader(cases: list[dict[str, Any]]) -> Any:
    table = arrow_table(cases)
    return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=4))


def chunked(cases: list[dict[str, Any]]) -> Any:
    structs = pa.array(cases)
    return pa.chunked_array([structs.slice(0, 3), structs.slice(3)])


#: Every kind of batch `evaluate_many` takes, built from a list of case dicts.
KINDS: dict[str, Callable[[list[dict[str, Any]]], Any]] = {
    "list": lambda cases: cases,
    "tuple": tuple,
    "generator": lambda cases: (c for c in cases),
    "json array": json.dumps,
    "json bytes": lambda cases: json.dumps(cases).encode(),
    "ndjson": lambda cases: "".join(json.dumps(c) + "\n" for c in cases),
    "bytearray": lambda cases: bytearray(json.dumps(cases).encode()),
    "text file": lambda cases: io.StringIO(json.dumps(cases)),
    "binary file": lambda cases: io.BytesIO(json.dumps(cases).encode()),
    "pandas": lambda cases: pd.DataFrame(cases),
    "arrow table": arrow_table,
    "arrow record batch": lambda cases: arrow_table(cases).combine_chunks().to_batches()[0],
    "arrow reader": reader,
    "arrow chunked array": chunked,
    "polars": lambda cases: pl.DataFrame(cases),
}


def decided(kind: str, result: Any) -> list[recobro.Decision | None]:
    """The decision of each row of a result of any kind (None for a failed case)."""
    if isinstance(result, list):
        return [None if "error" in r else r for r in result]
    if isinstance(result, pd.DataFrame):
        return list(result["decision"])
    if isinstance(result, pa.Table):
        column = result.column("decision").to_pylist()
    else:
        assert isinstance(result, pl.DataFrame), kind
        column = result["decision"].to_list()
    return [None if d is None else recobro.decision_from_json(d) for d in column]


def test_default_raises_one_error_with_the_count_and_the_first_paths(
    policy: recobro.Policy, sample_cases: list[dict[str, Any]]
) -> None:
    cases = bad_cases(sample_cases)
    with pytest.raises(recobro.BatchError) as info:
        policy.evaluate_many(cases, AS_OF)
    e = info.value
    assert isinstance(e, recobro.RecobroError)
    text = str(e)
    assert text.startswith(f"4 of {len(cases)} cases failed; [2].debts[0].due_on: "), text
    shown = text.split("; ")[1:]
    assert [s.split(":")[0] for s in shown[:3]] == [BAD_AT[2], BAD_AT[5], BAD_AT[7]], text
    assert shown[-1] == "and 1 more", text
    assert BAD_AT[8] not in text
    assert "(input.invalid)" in shown[0]
    # the first failure's fields, as for any RecobroError
    assert (e.code, e.path) == ("input.invalid", BAD_AT[2])
    assert e.line is None and e.column is None
    assert e.total == len(cases)
    assert [row["index"] for row in e.errors] == sorted(BAD_AT)
    assert [row["error"]["path"] for row in e.errors] == [BAD_AT[i] for i in sorted(BAD_AT)]
    assert [row["case_id"] for row in e.errors] == [cases[i]["id"] for i in sorted(BAD_AT)]


def test_the_error_keeps_every_row(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    cases = bad_cases(sample_cases)
    collected = policy.evaluate_many(cases, AS_OF, on_error="collect")
    with pytest.raises(recobro.BatchError) as info:
        policy.evaluate_many(cases, AS_OF)
    e = info.value
    assert e.result == collected
    assert e.errors == [collected[i] for i in sorted(BAD_AT)]
    good = [policy.evaluate(c, AS_OF) for i, c in enumerate(cases) if i not in BAD_AT]
    assert e.decisions == good
    # it pickles whole (a Dask or multiprocessing worker sends it back)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is recobro.BatchError
    assert (str(again), again.errors, again.decisions, again.result, again.total) == (
        str(e), e.errors, e.decisions, e.result, e.total)
    assert again.to_dict() == e.to_dict() == e.errors[0]["error"]


def test_collect_returns_the_error_rows_at_their_indices(
    policy: recobro.Policy, sample_cases: list[dict[str, Any]]
) -> None:
    cases = bad_cases(sample_cases)
    rows = policy.evaluate_many(cases, AS_OF, on_error="collect")
    assert len(rows) == len(cases)
    for i, row in enumerate(rows):
        if i in BAD_AT:
            assert set(row) == {"index", "case_id", "error"}
            assert (row["index"], row["case_id"]) == (i, cases[i]["id"])
            assert (row["error"]["code"], row["error"]["path"]) == ("input.invalid", BAD_AT[i])
        else:
            assert row == policy.evaluate(cases[i], AS_OF)


def test_a_batch_without_failures_is_returned(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    want = [policy.evaluate(c, AS_OF) for c in sample_cases]
    assert policy.evaluate_many(sample_cases, AS_OF) == want
    assert policy.evaluate_many(sample_cases, AS_OF, on_error="collect") == want
    assert policy.evaluate_many([], AS_OF) == []


def test_policy_errors_show_their_index_and_position() -> None:
    p = recobro.Policy('fn segment(c) {\n    if c.id == "C-EXT" { c.days_past_due / 0 } else { "ok" }\n}\n')
    cases = [load_case("administrative"), load_case("extrajudicial"), load_case("extrajudicial")]
    with pytest.raises(recobro.BatchError) as info:
        p.evaluate_many(cases, AS_OF)
    e = info.value
    assert str(e).startswith("2 of 3 cases failed; [1]: "), str(e)
    assert "(policy.runtime, line 2, column" in str(e)
    assert str(e).count("; [2]: ") == 1
    assert (e.code, e.line, e.path) == ("policy.runtime", 2, None)
    assert [r["case_id"] for r in e.errors] == ["C-EXT", "C-EXT"]
    assert [d["segment"] for d in e.decisions] == ["ok"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_batch_raises_and_collects_alike(
    kind: str, policy: recobro.Policy, sample_cases: list[dict[str, Any]]
) -> None:
    cases = bad_cases(sample_cases)
    listed = policy.evaluate_many(cases, AS_OF, on_error="collect")
    with pytest.raises(recobro.BatchError) as info:
        policy.evaluate_many(KINDS[kind](cases), AS_OF)
    e = info.value
    assert e.total == len(cases)
    assert str(e).startswith(f"4 of {len(cases)} cases failed; {BAD_AT[2]}: ")
    # the same failures as list mode (a case read from JSON text has no id when it fails)
    assert [(r["index"], r["error"]) for r in e.errors] == [(r["index"], r["error"]) for r in listed if "error" in r]
    if not kind.startswith(("json", "ndjson", "bytearray", "text file", "binary file")):
        assert [r["case_id"] for r in e.errors] == [cases[i]["id"] for i in sorted(BAD_AT)]
    # the result is what collect returns; the decisions are its rows without the failures
    want = [None if "error" in r else r for r in listed]
    assert decided(kind, e.result) == want
    assert decided(kind, e.decisions) == [d for d in want if d is not None]
    collected = policy.evaluate_many(KINDS[kind](cases), AS_OF, on_error="collect")
    assert decided(kind, collected) == want
    assert type(collected) is type(e.result)


def test_dataframe_decisions_keep_the_frames_index(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(bad_cases(sample_cases), index=[f"row{i}" for i in range(len(sample_cases))])
    with pytest.raises(recobro.BatchError) as info:
        policy.evaluate_many(frame, AS_OF)
    e = info.value
    assert list(e.result.index) == list(frame.index)
    assert list(e.decisions.index) == [f"row{i}" for i in range(len(frame)) if i not in BAD_AT]
    assert e.decisions["error_code"].isna().all()


def test_polars_gives_the_decisions_of_the_list(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    out = policy.evaluate_many(pl.DataFrame(sample_cases), AS_OF)
    assert isinstance(out, pl.DataFrame)
    assert out.columns == recobro.arrow_schema().names
    assert out.columns[: len(recobro.DECISION_COLUMNS)] == list(recobro.DECISION_COLUMNS)
    listed = policy.evaluate_many(sample_cases, AS_OF)
    assert [recobro.decision_from_json(d) for d in out["decision"].to_list()] == listed
    assert out["case_id"].to_list() == [d["case_id"] for d in listed]
    assert out["segment"].to_list() == [d["segment"] for d in listed]
    assert out["error_code"].null_count() == len(listed)
    # the same table as the Arrow path (polars reads the frame through to_arrow())
    table = policy.evaluate_many(arrow_table(sample_cases), AS_OF)
    assert out["decision"].to_list() == table.column("decision").to_pylist()


def test_arrow_reader_and_arrays_of_structs(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    want = policy.evaluate_many(arrow_table(sample_cases), AS_OF)
    assert policy.evaluate_many(reader(sample_cases), AS_OF).equals(want)
    assert policy.evaluate_many(chunked(sample_cases), AS_OF).equals(want)
    assert policy.evaluate_many(pa.array(sample_cases), AS_OF).equals(want)
    with pytest.raises(TypeError, match="one struct per case"):
        policy.evaluate_many(pa.chunked_array([pa.array(["a", "b"])]), AS_OF)
    with pytest.raises(TypeError, match="one struct per case"):
        policy.evaluate_many(pa.array([json.dumps(c) for c in sample_cases]), AS_OF)


class Recording(dict):  # type: ignore[type-arg]
    """A case that records being iterated."""

    iterated = False

    def __iter__(self) -> Any:
        Recording.iterated = True
        return super().__iter__()


def test_what_is_not_a_batch_is_a_type_error(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    case = Recording(sample_cases[0])
    with pytest.raises(TypeError, match=r"not .*Recording; for one case use evaluate\(\)"):
        policy.evaluate_many(case, AS_OF)
    assert not Recording.iterated
    with pytest.raises(TypeError, match="for one case use evaluate"):
        policy.evaluate_many(sample_cases[0], AS_OF)
    frame = pl.DataFrame(sample_cases)
    with pytest.raises(TypeError, match="collect"):
        policy.evaluate_many(frame.lazy(), AS_OF)
    with pytest.raises(TypeError, match="polars DataFrame"):
        policy.evaluate_many(frame["debts"], AS_OF)
    with pytest.raises(TypeError, match="evaluate_many takes"):
        policy.evaluate_many(42, AS_OF)

    class OtherTable:  # another library's table: iterating it would not give cases
        def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
            return arrow_table(sample_cases).__arrow_c_stream__(requested_schema)

        def __iter__(self) -> Any:
            return iter(["id", "debtor", "debts"])

    # Read through the Arrow PyCapsule interface it offers, never iterated.
    other = policy.evaluate_many(OtherTable(), AS_OF)
    assert other.num_rows == len(sample_cases)
    assert other.column("case_id").to_pylist() == [c["id"] for c in sample_cases]

    class InterchangeOnly:  # only the DataFrame interchange protocol: not read
        def __dataframe__(self, nan_as_null: bool = False, allow_copy: bool = True) -> Any:
            raise AssertionError("not called")

        def __iter__(self) -> Any:
            return iter(["id", "debtor", "debts"])

    with pytest.raises(TypeError, match=r"pyarrow\.table\(x\)"):
        policy.evaluate_many(InterchangeOnly(), AS_OF)
    with pytest.raises(TypeError, match="evaluate_many takes"):
        policy.evaluate_many(None, AS_OF)


def test_a_dask_collection_is_a_type_error(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(pd.DataFrame(sample_cases), npartitions=2)
    with pytest.raises(TypeError, match="map_partitions"):
        policy.evaluate_many(ddf, AS_OF)


def test_dask_partitions_raise_or_collect(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    dd = pytest.importorskip("dask.dataframe")
    dask = pytest.importorskip("dask")
    frame = pd.DataFrame(bad_cases(sample_cases))
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(frame, npartitions=3)
        meta = policy.evaluate_many(frame.iloc[:0], AS_OF)
        with pytest.raises(recobro.BatchError):
            ddf.map_partitions(policy.evaluate_many, AS_OF, meta=meta).compute(scheduler="sync")
        out = ddf.map_partitions(policy.evaluate_many, AS_OF, on_error="collect", meta=meta).compute(scheduler="sync")
    assert sorted(out.index[out["error_code"].notna()]) == sorted(BAD_AT)


def test_bad_options_are_refused_before_any_work(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    for value in ("ignore", "RAISE", None, True):
        with pytest.raises(ValueError, match=r"on_error must be 'raise' or 'collect', not"):
            policy.evaluate_many(sample_cases, AS_OF, on_error=value)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="on_error"):
        policy.evaluate_many(42, AS_OF, on_error="skip")  # type: ignore[call-overload]
    for name in ("threads", "chunk_size"):
        for value in (0, -1):
            with pytest.raises(ValueError, match=f"{name} must be at least 1"):
                policy.evaluate_many(sample_cases, AS_OF, **{name: value})
        for value in (1.5, "2", True):
            with pytest.raises(TypeError, match=f"{name} must be an int or None"):
                policy.evaluate_many(sample_cases, AS_OF, **{name: value})
    # the native layer refuses them too
    with pytest.raises(ValueError, match="threads must be at least 1"):
        policy._inner.evaluate_many(sample_cases, AS_OF, False, 0, None)
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        policy._inner.evaluate_columns(sample_cases, AS_OF, True, "dict", None, 0)


def test_a_bad_clock_or_text_raises_its_own_error(policy: recobro.Policy, sample_cases: list[dict[str, Any]]) -> None:
    for on_error in ("raise", "collect"):
        with pytest.raises(recobro.InvalidInputError) as info:
            policy.evaluate_many(sample_cases, "yesterday", on_error=on_error)  # type: ignore[call-overload]
        assert info.value.path == "as_of" and not isinstance(info.value, recobro.BatchError)
        with pytest.raises(recobro.InvalidInputError) as info:
            policy.evaluate_many("[{", AS_OF, on_error=on_error)  # type: ignore[call-overload]
        assert info.value.path == "cases"


@pytest.mark.parametrize("kind", ["list", "ndjson", "pandas", "arrow table"])
@pytest.mark.parametrize("threads, chunk_size", [(1, None), (2, 1), (3, 4), (None, 3), (None, 100)])
def test_threads_and_chunk_size_change_nothing_in_the_answer(
    kind: str, threads: int | None, chunk_size: int | None, policy: recobro.Policy, sample_cases: list[dict[str, Any]]
) -> None:
    cases = bad_cases(sample_cases)
    want = policy.evaluate_many(KINDS[kind](cases), AS_OF, on_error="collect")
    got = policy.evaluate_many(KINDS[kind](cases), AS_OF, on_error="collect", threads=threads, chunk_size=chunk_size)
    if isinstance(want, list):
        assert got == want  # error rows under their index in the whole batch
    else:
        assert decided(kind, got) == decided(kind, want)
        assert list(got["error_path"] if kind == "pandas" else got.column("error_path").to_pylist()) == list(
            want["error_path"] if kind == "pandas" else want.column("error_path").to_pylist()
        )
    with pytest.raises(recobro.BatchError) as info:
        policy.evaluate_many(KINDS[kind](cases), AS_OF, threads=threads, chunk_size=chunk_size)
    assert [r["index"] for r in info.value.errors] == sorted(BAD_AT)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the threads' names and times in /proc")
def test_threads_runs_the_batch_on_a_pool_of_that_size() -> None:
    src = "fn segment(c) { let n = 0; while n < 200000 { n += 1; } `${n}` }"
    p = recobro.Policy(src, limits={"max_operations": 10_000_000})

    def pool(size: int) -> dict[str, int]:
        """The CPU ticks of each thread of the pool of `size` threads, by name."""
        out = {}
        for tid in os.listdir("/proc/self/task"):
            try:
                name = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
                stat = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if name.startswith(f"recobro-{size}."):
                out[name] = int(stat[11]) + int(stat[12])  # utime + stime
        return out

    before = sum(pool(3).values())
    rows = p.evaluate_many([load_case("administrative")] * 12, AS_OF, threads=3)
    assert [r["segment"] for r in rows] == ["200000"] * 12
    after = pool(3)
    assert sorted(after) == ["recobro-3.0", "recobro-3.1", "recobro-3.2"]
    assert sum(after.values()) > before  # the engine's work ran on them


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the threads' names in /proc")
def test_the_pools_kept_are_the_most_recently_used() -> None:
    """Four pools are kept (one per `threads=` size); a fifth size ends the least
    recently used one's threads, not the oldest built: a pipeline that keeps coming
    back to its size keeps its pool."""
    p = recobro.Policy.default()
    case = [load_case("administrative")]

    def alive(size: int) -> int:
        n = 0
        for tid in os.listdir("/proc/self/task"):
            try:
                if Path(f"/proc/self/task/{tid}/comm").read_text().startswith(f"recobro-{size}."):
                    n += 1
            except OSError:
                continue
        return n

    def settled(want: dict[int, int]) -> dict[int, int]:
        """The live threads of each pool once they match `want`, or after 20 s: a new
        thread names itself, and a dropped pool's threads end, on their own time."""
        deadline = time.monotonic() + 20
        while True:
            got = {size: alive(size) for size in want}
            if got == want or time.monotonic() > deadline:
                return got
            time.sleep(0.05)

    for size in (5, 6, 7, 8):  # whatever was kept before, these four are now
        p.evaluate_many(case, AS_OF, threads=size)
    p.evaluate_many(case, AS_OF, threads=5)  # used again: now the most recent
    assert settled({5: 5, 6: 6}) == {5: 5, 6: 6}
    p.evaluate_many(case, AS_OF, threads=9)  # a fifth: 6 is the least recently used
    want = {5: 5, 6: 0, 7: 7, 8: 8, 9: 9}
    assert settled(want) == want


def test_telling_kinds_apart_imports_no_library(sample_cases: list[dict[str, Any]]) -> None:
    """Without pandas, pyarrow, polars or dask imported (or installed), lists, text and
    the refusals work, and none of them is imported."""
    code = f"""
import json, sys
for name in ("pandas", "pyarrow", "polars", "dask"):
    sys.modules[name] = None  # as if not installed: importing it fails
import recobro
p = recobro.Policy.default()
cases = json.loads({json.dumps(json.dumps(sample_cases[:3]))})
assert len(p.evaluate_many(cases, {str(AS_OF.isoformat())!r})) == 3
assert len(p.evaluate_many(json.dumps(cases), {str(AS_OF.isoformat())!r})) == 3
try:
    p.evaluate_many(cases[0], {str(AS_OF.isoformat())!r})
except TypeError:
    pass
else:
    raise SystemExit("a dict was taken as a batch")
loaded = [n for n in ("pandas", "pyarrow", "polars", "dask") if sys.modules.get(n) is not None]
assert not loaded, loaded
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout + run.stderr
