"""Arrow in and out (src/arrow.rs): cases read in Rust from any Arrow producer through
the Arrow PyCapsule interface, decided, and written back as Arrow.

The oracle everywhere is the JSON path: a case read from Arrow columns must decide to
the same canonical decision bytes as the same case given as JSON text
(`Policy.evaluate_json`), and a bad value must fail with an error at its row and
column path. Expected figures are not computed by the code under test: they are the
JSON path's own output or values written in the test."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, List

import pytest

import recobro

pa = pytest.importorskip("pyarrow")
pj = pytest.importorskip("pyarrow.json")

from conftest import AS_OF, AS_OF_TEXT, load_case  # noqa: E402

N = 400


@pytest.fixture(scope="module")
def generated_file(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("arrow") / "cases.ndjson"
    run = subprocess.run(
        [str(cli), "generate", str(N), "--seed", "11", "--as-of", AS_OF_TEXT],
        capture_output=True, text=True, check=True,
    )
    path.write_text(run.stdout, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def lines(generated_file: Path) -> List[str]:
    out = [ln for ln in generated_file.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(out) == N
    return out


@pytest.fixture(scope="module")
def want(policy: recobro.Policy, lines: List[str]) -> List[str]:
    return [policy.evaluate_json(line, AS_OF_TEXT) for line in lines]


def decisions(table: Any) -> List[str]:
    assert table.column("error_code").null_count == table.num_rows, [
        (r["error_path"], r["error_message"]) for r in table.to_pylist() if r["error_code"]
    ][:3]
    out: List[str] = table.column("decision").to_pylist()
    return out


def one(case: dict[str, Any], schema: Any = None) -> Any:
    return pa.Table.from_pylist([case], schema=schema)


# ---- every reader a data engineer uses, the same decisions --------------------------


def test_pyarrow_json_with_the_case_schema_decides_as_json(
    policy: recobro.Policy, generated_file: Path, want: List[str]
) -> None:
    schema = recobro.case_schema(dates="timestamp")
    table = pj.read_json(
        generated_file,
        parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer"),
    )
    assert pa.types.is_timestamp(table.schema.field("payments").type.value_type.field("at").type)
    assert decisions(policy.evaluate_many(table, AS_OF)) == want


def test_pyarrow_json_inferred_needs_the_zone_and_then_decides_as_json(
    policy: recobro.Policy, generated_file: Path, want: List[str]
) -> None:
    # pyarrow infers "...Z" instants (and dates) as naive timestamps, normalised to UTC.
    table = pj.read_json(generated_file)
    at = table.schema.field("contacts").type.value_type.field("at").type
    assert pa.types.is_timestamp(at) and at.tz is None
    with pytest.raises(recobro.BatchError) as e:
        policy.evaluate_many(table, AS_OF)
    err = e.value
    assert err.total == N and len(err.errors) > N * 0.9
    assert "timestamp without a time zone" in str(err) and 'timezone="UTC"' in str(err)
    assert err.errors[0]["error"]["path"].startswith(f"[{err.errors[0]['index']}].")
    assert decisions(policy.evaluate_many(table, AS_OF, timezone="UTC")) == want


def test_typed_table_from_the_case_schema_decides_as_json(
    policy: recobro.Policy, lines: List[str], want: List[str]
) -> None:
    # date32 dates, timestamp[us, UTC] instants: what a typed writer produces.
    rows = [json.loads(line) for line in lines]
    for r in rows:
        r.pop("attributes", None)
    schema = recobro.case_schema()
    for r in rows:
        _typed(r)
    table = pa.Table.from_pylist(rows, schema=schema)
    assert pa.types.is_date32(table.schema.field("debts").type.value_type.field("due_on").type)
    want_no_attrs = [policy.evaluate_json(json.dumps(_untyped_without_attrs(line)), AS_OF_TEXT) for line in lines]
    assert decisions(policy.evaluate_many(table, AS_OF)) == want_no_attrs


DATES = {"issued_on", "due_on"}
INSTANTS = {"at", "made_at", "created_at", "opted_out_at", "consented_at"}


def _typed(value: Any, key: str = "") -> Any:
    """Turn a case's date and instant strings into `date` and aware `datetime` in place."""
    if isinstance(value, dict):
        for k, v in list(value.items()):
            if isinstance(v, str) and k in DATES:
                value[k] = date.fromisoformat(v)
            elif isinstance(v, str) and k in INSTANTS:
                value[k] = datetime.fromisoformat(v.replace("Z", "+00:00"))
            else:
                _typed(v, k)
    elif isinstance(value, list):
        for v in value:
            _typed(v, key)
    return value


def _untyped_without_attrs(line: str) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(line)
    case.pop("attributes", None)
    return case


def test_polars_in_polars_out(policy: recobro.Policy, generated_file: Path, want: List[str]) -> None:
    pl = pytest.importorskip("polars")
    frame = pl.read_ndjson(generated_file)
    out = policy.evaluate_many(frame, AS_OF)
    assert isinstance(out, pl.DataFrame)
    assert out["decision"].to_list() == want


def test_duckdb_relation_with_a_map_column(policy: recobro.Policy, generated_file: Path, want: List[str]) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rel = con.sql(f"select * from read_json_auto('{generated_file}')")
    consents = dict(zip(rel.columns, rel.types))["debtor"]
    assert "MAP" in str(consents).upper(), consents  # DuckDB infers the consents as a MAP
    # the relation itself (its __arrow_c_stream__), no conversion by the caller
    assert decisions(policy.evaluate_many(rel, AS_OF, timezone="UTC")) == want


def test_record_batch_reader_and_struct_arrays(policy: recobro.Policy, lines: List[str], want: List[str]) -> None:
    table = pa.Table.from_struct_array(pa.array([json.loads(line) for line in lines]))
    batches = table.to_batches(max_chunksize=37)
    reader = pa.RecordBatchReader.from_batches(table.schema, batches)
    assert decisions(policy.evaluate_many(reader, AS_OF)) == want
    assert decisions(policy.evaluate_many(batches[0], AS_OF)) == want[:37]
    assert decisions(policy.evaluate_many(table.to_struct_array(), AS_OF)) == want  # ChunkedArray
    assert decisions(policy.evaluate_many(table.to_struct_array().combine_chunks(), AS_OF)) == want


# ---- streaming: a RecordBatchReader in, a RecordBatchReader out ----------------------


def test_evaluate_arrow_streams_slices_and_indexes_rows_across_them(
    policy: recobro.Policy, lines: List[str], want: List[str]
) -> None:
    cases = [json.loads(line) for line in lines]
    cases[150]["debts"][0]["due_on"] = "2026-02-30"
    table = pa.Table.from_struct_array(pa.array(cases))
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=100))
    out = policy.evaluate_arrow(reader, AS_OF, on_error="collect", chunk_size=64)
    assert isinstance(out, pa.RecordBatchReader)
    assert out.schema == recobro.arrow_schema()
    sizes = []
    rows: List[dict[str, Any]] = []
    for batch in out:
        sizes.append(batch.num_rows)
        rows.extend(batch.to_pylist())
    assert max(sizes) <= 64 and sum(sizes) == N
    assert [r["decision"] for i, r in enumerate(rows) if i != 150] == [w for i, w in enumerate(want) if i != 150]
    assert rows[150]["error_code"] == "input.invalid"
    assert rows[150]["error_path"] == "[150].debts[0].due_on"
    assert rows[150]["case_id"] == cases[150]["id"]


def test_evaluate_arrow_raises_for_the_batch_with_a_failed_case(policy: recobro.Policy, lines: List[str]) -> None:
    cases = [json.loads(line) for line in lines[:200]]
    cases[130]["debts"][0]["outstanding"] = "12,5"
    table = pa.Table.from_struct_array(pa.array(cases))
    out = policy.evaluate_arrow(table, AS_OF, chunk_size=50)
    assert out.read_next_batch().num_rows == 50
    assert out.read_next_batch().num_rows == 50
    with pytest.raises(recobro.BatchError) as e:
        out.read_next_batch()
    assert e.value.total == 50 and len(e.value.errors) == 1
    assert e.value.errors[0]["index"] == 130
    assert e.value.path == "[130].debts[0].outstanding"
    assert e.value.decisions.num_rows == 49


def test_evaluate_arrow_refuses_what_is_not_arrow(policy: recobro.Policy) -> None:
    with pytest.raises(TypeError, match="Arrow producer"):
        policy.evaluate_arrow([{"id": "C-1"}], AS_OF)


# ---- values: exact decimals, dates, instants, and errors at their path ---------------


def test_decimal128_amounts_are_exact(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    debt_type = pa.struct([
        ("id", pa.string()), ("currency", pa.string()),
        ("original_amount", pa.decimal128(20, 4)), ("outstanding", pa.decimal128(20, 4)),
        ("issued_on", pa.date32()), ("due_on", pa.date32()),
    ])
    debts = [
        {
            "id": d["id"], "currency": d["currency"],
            "original_amount": Decimal(str(d["original_amount"])), "outstanding": Decimal(str(d["outstanding"])),
            "issued_on": date.fromisoformat(d["issued_on"]), "due_on": date.fromisoformat(d["due_on"]),
        }
        for d in case["debts"]
    ]
    assert all(set(d) <= set(debt_type.names) for d in case["debts"]), "the example grew fields: extend the type"
    rest = {k: v for k, v in case.items() if k not in ("debts", "attributes")}
    table = pa.Table.from_pylist([dict(rest, debts=debts)])
    table = table.set_column(table.schema.get_field_index("debts"), "debts",
                             pa.array([debts], type=pa.list_(debt_type)))
    no_attrs = policy.evaluate_json(json.dumps(rest | {"debts": case["debts"]}), AS_OF_TEXT)
    assert decisions(policy.evaluate_many(table, AS_OF)) == [no_attrs]


def test_charges_total_is_decimal128(policy: recobro.Policy, lines: List[str]) -> None:
    table = pa.Table.from_struct_array(pa.array([json.loads(line) for line in lines]))
    out = policy.evaluate_many(table, AS_OF)
    t = out.schema.field("charges_total").type
    assert pa.types.is_map(t) and t.item_type == pa.decimal128(38, 10)
    seen = 0
    for totals, text in zip(out.column("charges_total").to_pylist(), out.column("decision").to_pylist()):
        got = {k: v for k, v in totals}
        assert got == {k: Decimal(v) for k, v in json.loads(text)["charges"]["totals"].items()}
        seen += bool(got)
    assert seen > 0, "no generated case had charges: the check saw nothing"


def _with_debt_field(table: Any, name: str, values: Any) -> Any:
    """`table` with field `name` of every debt (the list<struct> column `debts`)
    replaced by `values` (one per debt, in order)."""
    debts = table.column("debts").combine_chunks()
    inner = debts.values
    names = [f.name for f in inner.type]
    children = [values if n == name else inner.field(i) for i, n in enumerate(names)]
    lists = pa.ListArray.from_arrays(debts.offsets, pa.StructArray.from_arrays(children, names=names))
    return table.set_column(table.schema.get_field_index("debts"), "debts", lists)


def test_a_timestamp_at_midnight_in_its_zone_is_that_date(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    want = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    # 05:00 UTC is midnight in Bogota (UTC-05:00): the date on the wall clock there.
    at_five = [datetime.fromisoformat(d["due_on"] + "T05:00:00+00:00") for d in case["debts"]]
    table = one(case)
    bogota = _with_debt_field(table, "due_on", pa.array(at_five, type=pa.timestamp("s", tz="America/Bogota")))
    assert decisions(policy.evaluate_many(bogota, AS_OF)) == [want]
    # the same instant is 05:00 in UTC: not a date there
    utc = _with_debt_field(table, "due_on", pa.array(at_five, type=pa.timestamp("s", tz="UTC")))
    e = _bad(policy, utc)
    assert e.path == "[0].debts[0].due_on"
    assert "where a date is needed" in e.message and "05:00:00" in e.message
    # a naive midnight, and a date32, are that date
    naive = [datetime.fromisoformat(d["due_on"]) for d in case["debts"]]
    assert decisions(policy.evaluate_many(_with_debt_field(table, "due_on", pa.array(naive, type=pa.timestamp("ms"))), AS_OF)) == [want]
    days = [date.fromisoformat(d["due_on"]) for d in case["debts"]]
    assert decisions(policy.evaluate_many(_with_debt_field(table, "due_on", pa.array(days, type=pa.date32())), AS_OF)) == [want]


def _bad(policy: recobro.Policy, table: Any, **kw: Any) -> recobro.BatchError:
    with pytest.raises(recobro.BatchError) as e:
        policy.evaluate_many(table, AS_OF, **kw)
    return e.value


def test_errors_name_the_row_and_the_column_path(policy: recobro.Policy) -> None:
    good = load_case("administrative")
    # a float amount: not exact, refused as in JSON
    case = json.loads(json.dumps(good))
    debts = [dict(d, outstanding=float(d["outstanding"])) for d in case["debts"]]
    e = _bad(policy, pa.Table.from_pylist([dict(case, debts=debts)]))
    assert e.total == 1 and len(e.errors) == 1
    assert e.path == "[0].debts[0].outstanding" and "exact" in e.message
    # a date where an instant is needed
    case = json.loads(json.dumps(good))
    case["payments"] = [{"at": date(2026, 3, 1), "amount": "10"}]
    e = _bad(policy, pa.Table.from_pylist([case]))
    assert e.path == "[0].payments[0].at" and "where an instant is needed" in e.message
    # an unknown column, as an unknown key of JSON
    e = _bad(policy, pa.Table.from_pylist([dict(good, region="north")]))
    assert e.code == "input.invalid" and "region" in e.message
    # a column type the engine does not read
    e = _bad(policy, pa.Table.from_pylist([dict(good, id=b"C-1")]))
    assert e.path == "[0].id" and "binary" in e.message.lower()
    # an ambiguous naive local time in the zone the caller names (New York, 2026-11-01 01:30)
    case = json.loads(json.dumps(good))
    case["payments"] = [{"at": datetime(2026, 11, 1, 1, 30), "amount": "10"}]
    e = _bad(policy, pa.Table.from_pylist([case]), timezone="America/New_York")
    assert e.path == "[0].payments[0].at" and "ambiguous" in e.message
    with pytest.raises(recobro.InvalidInputError) as bad_zone:
        policy.evaluate_many(pa.Table.from_pylist([good]), AS_OF, timezone="Mars/Base")
    assert bad_zone.value.path == "timezone"
    with pytest.raises(ValueError, match="Arrow input"):
        policy.evaluate_many([good], AS_OF, timezone="UTC")


def test_naive_timestamps_in_the_named_zone(policy: recobro.Policy) -> None:
    good = load_case("administrative")
    case = json.loads(json.dumps(good))
    case["payments"] = [{"at": "2026-03-01T15:00:00Z", "amount": "10"}]
    want = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    # 10:00 in Bogota is 15:00 UTC
    case["payments"] = [{"at": datetime(2026, 3, 1, 10, 0), "amount": "10"}]
    assert decisions(policy.evaluate_many(pa.Table.from_pylist([case]), AS_OF, timezone="America/Bogota")) == [want]


def test_consents_as_a_map_or_a_struct(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case = json.loads(json.dumps(case))
    case["debtor"]["consents"] = {"sms": {"allowed": False}, "email": {"allowed": True}}
    want = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    as_struct = pa.Table.from_pylist([case])
    assert decisions(policy.evaluate_many(as_struct, AS_OF)) == [want]
    consent = pa.struct([("allowed", pa.bool_())])
    debtor = case["debtor"]
    debtor_type = pa.struct([
        (k, pa.map_(pa.string(), consent) if k == "consents" else as_struct.schema.field("debtor").type.field(k).type)
        for k in debtor
    ])
    row = dict(case, debtor=dict(debtor, consents=list(debtor["consents"].items())))
    rest = [f for f in as_struct.schema if f.name != "debtor"]
    as_map = pa.Table.from_pylist([row], schema=pa.schema(rest + [pa.field("debtor", debtor_type)]))
    assert pa.types.is_map(as_map.schema.field("debtor").type.field("consents").type)
    assert decisions(policy.evaluate_many(as_map, AS_OF)) == [want]


def test_case_schema_types() -> None:
    s = recobro.case_schema()
    debts = s.field("debts").type.value_type
    assert debts.field("due_on").type == pa.date32()
    assert debts.field("outstanding").type == pa.string()
    assert s.field("payments").type.value_type.field("at").type == pa.timestamp("us", tz="UTC")
    consents = s.field("debtor").type.field("consents").type
    assert pa.types.is_struct(consents) and {f.name for f in consents} >= {"call", "sms", "email"}
    assert "attributes" not in s.names
    assert all(f.nullable for f in s)
    assert recobro.case_schema(dates="timestamp").field("debts").type.value_type.field("due_on").type == pa.timestamp("s")
    with pytest.raises(ValueError):
        recobro.case_schema(dates="iso")
    # the schema is a contract: every field of the published JSON Schema but the free
    # attributes and the deprecated ones is a column
    root = Path(__file__).resolve().parents[3]
    published = json.loads((root / "schemas" / "case.schema.json").read_text(encoding="utf-8"))
    assert set(s.names) == set(published["properties"]) - {"$schema", "attributes"}


def test_arrow_output_is_read_by_pandas_and_polars_without_conversion(policy: recobro.Policy, lines: List[str]) -> None:
    table = pa.Table.from_struct_array(pa.array([json.loads(line) for line in lines[:50]]))
    out = policy.evaluate_many(table, AS_OF)
    assert out.schema == recobro.arrow_schema()
    assert out.schema.field("next_allowed_at").type == pa.timestamp("us", tz="UTC")
    frame = out.to_pandas(types_mapper=__import__("pandas").ArrowDtype)
    assert str(frame["priority"].dtype) == "int64[pyarrow]"
    pl = pytest.importorskip("polars")
    assert pl.from_arrow(out).height == 50
    stamp = out.column("next_allowed_at").to_pylist()
    texts = [json.loads(t).get("next_allowed_at") for t in out.column("decision").to_pylist()]
    for s, t in zip(stamp, texts):
        assert (s is None) == (t is None)
        if s is not None:
            assert s.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") == t


def _same(arrow: Any, js: Any, where: str) -> None:
    """The Arrow value of a nested decision column equals the canonical JSON's value:
    decimals by value (decimal128 keeps every digit of an amount), instants and dates by
    their text, maps as objects, and a null Arrow field as a field the JSON leaves out."""
    if isinstance(js, dict):
        if isinstance(arrow, list):  # a map column: (key, value) pairs
            arrow = dict(arrow)
        assert isinstance(arrow, dict), where
        for k, v in arrow.items():
            if v is None:
                assert js.get(k) is None, f"{where}.{k}"
        for k, v in js.items():
            _same(arrow.get(k), v, f"{where}.{k}")
    elif isinstance(js, list):
        assert isinstance(arrow, list) and len(arrow) == len(js), where
        for i, (a, j) in enumerate(zip(arrow, js)):
            _same(a, j, f"{where}[{i}]")
    elif isinstance(arrow, Decimal):
        assert arrow == Decimal(js), where
    elif isinstance(arrow, datetime):
        assert arrow.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") == js, where
    elif isinstance(arrow, date):
        assert arrow.isoformat() == js, where
    else:
        assert arrow == js, where


def test_nested_columns_hold_the_decision(policy: recobro.Policy, lines: List[str]) -> None:
    table = pa.Table.from_struct_array(pa.array([json.loads(line) for line in lines]))
    out = policy.evaluate_many(table, AS_OF)
    schema = out.schema
    assert schema.field("charges").type.field("lines").type.value_type.field("amount").type == pa.decimal128(38, 10)
    assert schema.field("action").type.field("earliest_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("offers").type.value_type.field("pay_by").type == pa.date32()
    names = recobro.arrow_schema().names
    parts = names[len(recobro.DECISION_COLUMNS) : len(recobro.DECISION_COLUMNS) + 6]
    assert parts == ["action", "candidates", "charges", "offers", "scores", "compliance"]
    assert schema.field("scores").type.value_type.field("probability").type == pa.decimal128(38, 10)
    assert schema.field("scores").type.value_type.field("score").type == pa.int64()
    counted = {p: 0 for p in parts}
    for i, row in enumerate(out.to_pylist()):
        whole = json.loads(row["decision"])
        for p in parts:
            _same(row[p], whole.get(p), f"[{i}].{p}")
            counted[p] += bool(whole.get(p))
    # the generated portfolio exercises every part (else the comparison saw nothing)
    assert all(n > 0 for n in counted.values()), counted


def test_nested_columns_are_null_for_a_failed_case(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    bad = json.loads(json.dumps(case))
    bad["debts"][0]["due_on"] = "2026-02-30"
    out = policy.evaluate_many(pa.Table.from_pylist([case, bad]), AS_OF, on_error="collect")
    rows = out.to_pylist()
    assert rows[0]["action"] is not None and rows[0]["compliance"]
    assert all(rows[1][p] is None for p in ("action", "candidates", "charges", "offers", "scores", "compliance"))


def test_instants_and_dates_read_as_their_text(policy: recobro.Policy) -> None:
    """The reader writes each timestamp and date as the text the engine reads: across
    years and with fractions of a second, a case decides as its JSON does."""
    good = load_case("administrative")
    from datetime import timedelta

    t = datetime(1995, 1, 1, 0, 0, 0, tzinfo=timezone.utc)
    cases, texts = [], []
    for i in range(300):
        t += timedelta(days=41, seconds=3_607 * i, microseconds=123_457 * i)
        stamp = t if t < AS_OF else AS_OF - timedelta(seconds=i + 1)
        case = json.loads(json.dumps(good))
        case["id"] = f"C-{i}"
        case["payments"] = [{"at": stamp, "amount": "1"}]
        as_text = json.loads(json.dumps(case, default=str))
        as_text["payments"][0]["at"] = stamp.isoformat().replace("+00:00", "Z")
        cases.append(case)
        texts.append(policy.evaluate_json(json.dumps(as_text), AS_OF_TEXT))
    table = pa.Table.from_pylist(cases)
    assert table.schema.field("payments").type.value_type.field("at").type.tz is not None
    assert decisions(policy.evaluate_many(table, AS_OF)) == texts


def test_pandas_with_arrow_dtypes_is_read_as_arrow(policy: recobro.Policy, lines: List[str], want: List[str]) -> None:
    pd = pytest.importorskip("pandas")
    table = pa.Table.from_struct_array(pa.array([json.loads(line) for line in lines]))
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = [f"row{i}" for i in range(len(frame))]
    assert all(isinstance(t, pd.ArrowDtype) for t in frame.dtypes)
    out = policy.evaluate_many(frame, AS_OF)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == list(frame.index)
    assert list(out.columns) == recobro.arrow_schema().names
    assert list(out["decision"]) == want
    assert isinstance(out["charges_total"].dtype, pd.ArrowDtype)


def test_a_null_row_is_an_error_row_never_read(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    want = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    arr = pa.array([case, None, case])
    assert arr.null_count == 1
    for given in (arr, pa.chunked_array([arr])):  # __arrow_c_array__, __arrow_c_stream__
        out = policy.evaluate_many(given, AS_OF, on_error="collect")
        rows = out.to_pylist()
        assert [r["decision"] for r in rows] == [want, None, want]
        assert rows[1]["error_code"] == "input.invalid" and rows[1]["error_path"] == "[1]"
        assert "null row" in rows[1]["error_message"]
    with pytest.raises(recobro.BatchError) as e:
        policy.evaluate_many(arr, AS_OF)
    assert e.value.total == 3 and [x["index"] for x in e.value.errors] == [1]


def test_a_stream_of_other_arrays_is_a_type_error(policy: recobro.Policy) -> None:
    with pytest.raises(TypeError, match="struct"):
        policy.evaluate_arrow(pa.chunked_array([pa.array([1, 2])]), AS_OF)


# ---- from the review: defaults, dictionaries, messages, positions, inputs ------------


def test_a_null_where_the_default_is_a_value_is_refused_as_in_json(policy: recobro.Policy) -> None:
    # `allowed` defaults to true: a null there must not become "allowed" (JSON refuses it)
    case = load_case("administrative")
    case = json.loads(json.dumps(case))
    case["debtor"]["consents"] = {"sms": {"allowed": None}, "call": {"allowed": True}}
    with pytest.raises(recobro.InvalidInputError) as js:
        policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    e = _bad(policy, pa.Table.from_pylist([case]))
    assert e.path == "[0].debtor.consents.sms.allowed" == f"[0].{js.value.path}"
    # a null where the default is "nothing" is the field left out, as a reader writes it
    case["debtor"]["consents"] = {"call": {"allowed": True, "opted_out_at": None}}
    want = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    assert decisions(policy.evaluate_many(pa.Table.from_pylist([case]), AS_OF)) == [want]


def test_dictionary_columns_with_null_values(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    want = policy.evaluate_json(json.dumps(case), AS_OF_TEXT)
    table = one(case)
    n = len(case["debts"])
    # a null value behind a valid key is a null (product: null), as JSON reads it
    products = pa.DictionaryArray.from_arrays(pa.array([1] * n, type=pa.int8()), pa.array(["card", None]))
    assert decisions(policy.evaluate_many(_with_debt_field(table, "product", products), AS_OF)) == [want]
    # a required field whose dictionary value is null is refused at its path, no panic
    currency = pa.DictionaryArray.from_arrays(pa.array([0] * n, type=pa.int32()), pa.array([None], type=pa.string()))
    e = _bad(policy, _with_debt_field(table, "currency", currency))
    assert e.code == "input.invalid" and e.path == "[0].debts[0]" and "currency" in e.message
    # an empty dictionary behind null keys (a list of enums holding a null)
    flags = pa.ListArray.from_arrays(
        pa.array([0, 1], type=pa.int32()),
        pa.DictionaryArray.from_arrays(pa.array([None], type=pa.int32()), pa.array([], type=pa.string())),
    )
    debtor = table.column("debtor").combine_chunks()
    names = [f.name for f in debtor.type]
    children = [debtor.field(i) for i in range(len(names))]
    if "flags" in names:
        children[names.index("flags")] = flags
    else:
        names.append("flags")
        children.append(flags)
    with_flags = table.set_column(table.schema.get_field_index("debtor"), "debtor",
                                  pa.StructArray.from_arrays(children, names=names))
    e = _bad(policy, with_flags)
    assert e.code == "input.invalid" and e.path == "[0].debtor.flags[0]"


def test_messages_are_the_readers_whole(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    case = json.loads(json.dumps(case))
    case["debtor"]["kind"] = "business at line 7, says the CRM"
    e = _bad(policy, pa.Table.from_pylist([case]))
    assert "business at line 7, says the CRM" in e.message and e.path == "[0].debtor.kind"


def test_a_policy_error_keeps_its_position_in_arrow_output(lines: List[str]) -> None:
    root = Path(__file__).resolve().parents[3]
    throwing = recobro.Policy.from_file(root / "test-data" / "hostile" / "32_throw.rhai")
    table = pa.Table.from_struct_array(pa.array([json.loads(line) for line in lines[:3]]))
    with pytest.raises(recobro.BatchError) as listed:
        throwing.evaluate_many([json.loads(line) for line in lines[:3]], AS_OF)
    want = listed.value
    assert want.line is not None
    with pytest.raises(recobro.BatchError) as eager:
        throwing.evaluate_many(table, AS_OF)
    with pytest.raises(recobro.BatchError) as streamed:
        throwing.evaluate_arrow(table, AS_OF).read_all()
    for got in (eager.value, streamed.value):
        assert (got.code, got.line, got.column, got.module) == (want.code, want.line, want.column, want.module)
    out = throwing.evaluate_many(table, AS_OF, on_error="collect")
    assert out.column("error_line").to_pylist() == [want.line] * 3


def test_evaluate_arrow_takes_what_evaluate_many_takes(policy: recobro.Policy, lines: List[str], want: List[str]) -> None:
    pd = pytest.importorskip("pandas")
    table = pa.Table.from_struct_array(pa.array([json.loads(line) for line in lines[:30]]))
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = list(range(100, 130))  # not exported as a column
    assert policy.evaluate_arrow(frame, AS_OF).read_all().column("decision").to_pylist() == want[:30]
    pl = pytest.importorskip("polars")
    polars_frame = pl.from_arrow(table)
    assert any("Null" in str(t) for t in polars_frame.schema.values()), "the frame should hold polars' Null type"
    assert policy.evaluate_arrow(polars_frame, AS_OF).read_all().column("decision").to_pylist() == want[:30]


def test_floats_and_typed_values_at_text_fields_are_refused(policy: recobro.Policy) -> None:
    case = load_case("administrative")
    scored = dict(case, attributes={"score": 0.12})
    e = _bad(policy, pa.Table.from_pylist([scored]))
    assert e.path == "[0].attributes.score" and "not exact" in e.message
    stamped = dict(case, id=datetime(2026, 1, 1, tzinfo=timezone.utc))
    e = _bad(policy, pa.Table.from_pylist([stamped]))
    assert e.path == "[0].id" and "where text is needed" in e.message


def test_values_nested_without_end_are_refused_not_recursed(policy: recobro.Policy) -> None:
    """A producer's type can nest without bound (structs in the free `attributes`): the
    reader stops at 128 levels, as the JSON reader does, with an error at the row."""
    case = load_case("administrative")
    deep: dict[str, Any] = {"leaf": "x"}
    for _ in range(300):
        deep = {"a": deep}
    e = _bad(policy, pa.Table.from_pylist([dict(case, attributes=deep)]))
    assert e.code == "input.invalid" and "nested more than 128 levels" in e.message
    assert e.path is not None and e.path.startswith("[0].attributes.a.a")
    shallow: dict[str, Any] = {"leaf": "x"}
    for _ in range(20):
        shallow = {"a": shallow}
    ok = dict(case, attributes=shallow)
    want = policy.evaluate_json(json.dumps(ok), AS_OF_TEXT)
    assert decisions(policy.evaluate_many(pa.Table.from_pylist([ok]), AS_OF)) == [want]
