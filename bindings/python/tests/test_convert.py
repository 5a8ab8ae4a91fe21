"""How Python values reach the engine (#16, item 5): the binding walks a case in Rust and
writes the JSON text the engine reads (`src/convert.rs`), dispatching on exact types with
a fallback for subclasses and other libraries' values.

* Every kind of value, in every position (the case itself, a dict entry, a list or tuple
  item, deep inside), with and without `drop_nulls` (DataFrame and Arrow rows), becomes
  the same text, or fails with the same error and path, as recorded in
  `golden/json_text.json` from the converter this one replaced (the one that wrote
  through type-name strings). `RECOBRO_RECORD_GOLDEN=1` records it again: only on
  purpose, after checking the differences.
* Generated cases give byte-identical decisions from dicts, pandas, pyarrow, polars and
  JSON text, plain and with typed values (Decimal, date, aware datetimes at non-UTC
  offsets, pandas Timestamps), subclasses of dict and str included.
"""

from __future__ import annotations

import enum
import json
import os
import subprocess
from collections import OrderedDict, defaultdict, namedtuple
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Dict, Iterator, List

import pytest

import recobro
from recobro import _native
from conftest import AS_OF, AS_OF_TEXT

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

try:
    from zoneinfo import ZoneInfo

    NEW_YORK: Any = ZoneInfo("America/New_York")
    ZONE_UTC: Any = ZoneInfo("UTC")
except Exception:  # no time zone database: fixed offsets stand in (same instants)
    NEW_YORK = timezone(timedelta(hours=-5))
    ZONE_UTC = timezone.utc

GOLDEN = Path(__file__).resolve().parent / "golden" / "json_text.json"
UTC = timezone.utc
BOGOTA = timezone(timedelta(hours=-5))


class MyStr(str):
    pass


class MyInt(int):
    pass


class MyFloat(float):
    pass


class MyDecimal(Decimal):
    pass


class MyDateTime(datetime):
    pass


class MyDate(date):
    pass


class MyList(list):  # type: ignore[type-arg]
    pass


class MyDict(dict):  # type: ignore[type-arg]
    """Overrides what a Python-level walk would call: the converter reads the dict's own
    entries, as it always has."""

    def items(self) -> Any:
        raise AssertionError("not called")

    def __iter__(self) -> Iterator[Any]:
        raise AssertionError("not called")


class Color(str, enum.Enum):
    RED = "red"


class Priority(enum.IntEnum):
    HIGH = 3


class Frozen(Mapping):  # type: ignore[type-arg]
    """A mapping that is not a dict."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, k: str) -> Any:
        return self._data[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class BrokenZone(tzinfo):
    """A tzinfo whose offset cannot be read."""

    def utcoffset(self, dt: Any) -> Any:
        raise ValueError("no offset here")

    def dst(self, dt: Any) -> Any:
        return None

    def tzname(self, dt: Any) -> Any:
        return None


class NoOffset(BrokenZone):
    """A tzinfo that says the time is naive."""

    def utcoffset(self, dt: Any) -> Any:
        return None


Point = namedtuple("Point", "x y")


def values() -> Dict[str, Any]:
    """Every kind of value the converter meets, by name (the golden file's keys)."""
    return {
        # text
        "str": "plain",
        "str_escapes": 'q"b\\s/\n\t\r\x00\x1f\x7f é € \u2028 \U0001f600',
        "str_empty": "",
        "str_subclass": MyStr("sub"),
        "str_enum": Color.RED,
        "np_str": np.str_("numpy"),
        "str_surrogate": "a\ud800",
        # None and booleans
        "none": None,
        "true": True,
        "false": False,
        "np_bool": np.bool_(True),
        # integers
        "int_zero": 0,
        "int_neg": -42,
        "int_i64_max": 2**63 - 1,
        "int_i64_min": -(2**63),
        "int_big": 2**64 + 1,
        "int_big_neg": -(10**30),
        "int_enum": Priority.HIGH,
        "int_subclass": MyInt(7),
        "np_int64": np.int64(-9),
        "np_uint64": np.uint64(2**64 - 1),
        "np_int32": np.int32(5),
        # decimals
        "decimal": Decimal("1234.50"),
        "decimal_tenth": Decimal("0.10"),
        "decimal_neg_zero": Decimal("-0.00"),
        "decimal_zero": Decimal("0"),
        "decimal_big": Decimal("12345678901234.56"),
        "decimal_int": Decimal("42"),
        "decimal_neg": Decimal("-7.5"),
        "decimal_exp_pos": Decimal("1E+3"),
        "decimal_exp_pos_frac": Decimal("1.25E+2"),
        "decimal_exp_neg": Decimal("1.0E-7"),
        "decimal_small": Decimal("0.000001"),
        "decimal_tiny": Decimal("1E-7"),
        "decimal_zero_exp": Decimal("0E-8"),
        "decimal_zero_exp_pos": Decimal("0E+3"),
        "decimal_long": Decimal("3.14159265358979323846264338327950288"),
        "decimal_nan": Decimal("NaN"),
        "decimal_snan": Decimal("sNaN"),
        "decimal_inf": Decimal("Infinity"),
        "decimal_neg_inf": Decimal("-Infinity"),
        "decimal_subclass": MyDecimal("2.50"),
        # floats: refused (not exact), NaN left out as missing with drop_nulls
        "float": 12.5,
        "float_nan": float("nan"),
        "float_inf": float("inf"),
        "float_subclass": MyFloat(0.5),
        "np_float64": np.float64(12.5),
        "np_float64_nan": np.float64("nan"),
        "np_float32": np.float32(1.5),
        # instants
        "datetime_utc": datetime(2026, 3, 16, 15, 0, tzinfo=UTC),
        "datetime_micro": datetime(2026, 3, 16, 15, 0, 1, 250, tzinfo=UTC),
        "datetime_bogota": datetime(2026, 3, 16, 10, 0, tzinfo=BOGOTA),
        "datetime_plus_0530": datetime(2026, 1, 1, 2, 0, 0, 999999, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        "datetime_minus_day": datetime(2024, 2, 28, 22, 0, tzinfo=timezone(timedelta(hours=-23, minutes=-59))),
        "datetime_odd_offset": datetime(2026, 3, 16, 0, 0, 0, 10, tzinfo=timezone(timedelta(seconds=37, microseconds=5))),
        "datetime_zoneinfo": datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK),
        "datetime_zoneinfo_fold": datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
        "datetime_zoneinfo_utc": datetime(2026, 3, 16, 15, 0, tzinfo=ZONE_UTC),
        "datetime_year_5": datetime(5, 1, 1, 0, 0, tzinfo=UTC),
        "datetime_before_epoch": datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        "datetime_year_9999": datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=1))),
        "datetime_max_utc": datetime.max.replace(tzinfo=UTC),
        "datetime_min_plus": datetime.min.replace(tzinfo=timezone(timedelta(hours=1))),
        "datetime_max_minus": datetime.max.replace(tzinfo=timezone(timedelta(hours=-1))),
        "datetime_naive": datetime(2026, 3, 10, 15, 0),
        "datetime_no_offset": datetime(2026, 3, 10, 15, 0, tzinfo=NoOffset()),
        "datetime_broken_zone": datetime(2026, 3, 10, 15, 0, tzinfo=BrokenZone()),
        "datetime_subclass": MyDateTime(2026, 3, 16, 15, 0, tzinfo=BOGOTA),
        "timestamp_utc": pd.Timestamp("2026-03-16T15:00:00Z"),
        "timestamp_nanos": pd.Timestamp("2026-03-16T15:00:00.000000500+01:00"),
        "timestamp_naive": pd.Timestamp("2026-03-16T15:00"),
        "timestamp_micro": pd.Timestamp("2026-03-16T15:00:00.000001Z"),
        "timestamp_millis_offset": pd.Timestamp("2026-03-16T15:00:00.123+05:30"),
        "timestamp_before_epoch": pd.Timestamp("1969-12-31T23:59:59.999999999Z"),
        "timestamp_zone": pd.Timestamp("2026-03-16T10:00:00", tz="America/New_York"),
        "timestamp_seconds_far": pd.Timestamp("3000-01-01", tz="UTC").as_unit("s"),
        "timestamp_min": pd.Timestamp.min.tz_localize("UTC"),
        "np_datetime64": np.datetime64("2026-03-16T15:00"),
        "np_datetime64_nat": np.datetime64("NaT"),
        # dates
        "date": date(2026, 3, 1),
        "date_year_5": date(5, 1, 2),
        "date_min": date.min,
        "date_max": date.max,
        "date_leap": date(2024, 2, 29),
        "date_subclass": MyDate(2026, 3, 1),
        # missing values
        "pd_na": pd.NA,
        "pd_nat": pd.NaT,
        # sequences
        "list": [1, "a", None],
        "list_empty": [],
        "list_subclass": MyList([1, "b"]),
        "tuple": (1, "a"),
        "tuple_empty": (),
        "namedtuple": Point(1, 2),
        "np_array": np.array([1, 2, 3]),
        "np_array_objects": np.array([{"a": 1}, None, "x"], dtype=object),
        "np_array_2d": np.array([[1, 2], [3, 4]]),
        # mappings
        "dict": {"b": 1, "a": "x", "c": [True]},
        "dict_empty": {},
        "dict_subclass": MyDict(k="v", n=2),
        "ordered_dict": OrderedDict([("z", 1), ("y", 2)]),
        "defaultdict": defaultdict(list, {"k": [1]}),
        "mappingproxy": MappingProxyType({"m": Decimal("1.5")}),
        "mapping": Frozen({"f": date(2026, 1, 2)}),
        "dict_str_subclass_key": {MyStr("key"): 1},
        "dict_escaped_key": {'k"\\\n\u00e9': 1},
        "dict_int_key": {1: "x"},
        "dict_tuple_key": {(1, 2): "x"},
        "dict_surrogate_key": {"\udc80": 1},
        "dict_nulls": {"a": None, "b": 1, "c": float("nan"), "d": pd.NA, "e": pd.NaT, "f": np.float64("nan"), "g": "x"},
        "dict_only_nulls": {"a": None, "b": pd.NaT},
        # not JSON
        "set": {1},
        "frozenset": frozenset(),
        "bytes": b"x",
        "bytearray": bytearray(b"x"),
        "complex": 1j,
        "object": object(),
        "time": time(12, 0),
        "timedelta": timedelta(days=1),
        "range": range(2),
        "type": int,
    }


POSITIONS: Dict[str, Callable[[Any], Any]] = {
    "top": lambda v: v,
    "dict": lambda v: {"k": v},
    "list": lambda v: [v],
    "tuple": lambda v: ("x", v),
    "nested": lambda v: {"a": [{"b": v}]},
}


def convert(value: Any, drop_nulls: bool) -> Dict[str, Any]:
    try:
        return {"text": _native._json_text(value, drop_nulls)}
    except recobro.RecobroError as e:
        return {"error": [e.code, e.path, e.message]}


def observed() -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for name, value in values().items():
        for where, place in POSITIONS.items():
            for drop_nulls in (False, True):
                out[f"{name} {where}{' drop_nulls' if drop_nulls else ''}"] = convert(place(value), drop_nulls)
    return out


def test_every_value_in_every_position_converts_as_recorded() -> None:
    got = observed()
    if os.environ.get("RECOBRO_RECORD_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        lines = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=True)}" for k, v in got.items())
        GOLDEN.write_text("{\n" + lines + "\n}\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert set(got) == set(want)
    wrong = [f"{k}:\n  got  {got[k]}\n  want {want[k]}" for k in want if got[k] != want[k]]
    assert not wrong, "\n".join(wrong[:20]) + f"\n({len(wrong)} differ)"


def test_the_recording_covers_what_it_should() -> None:
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    # spot checks that the golden file says what the module documentation says
    assert want["decimal_tenth dict"] == {"text": '{"k":0.10}'}
    assert want["decimal_exp_pos top"] == {"text": "1000"}
    assert want["int_big top"] == {"text": str(2**64 + 1)}
    assert want["datetime_bogota top"] == {"text": '"2026-03-16T15:00:00+00:00"'}
    assert want["date nested"] == {"text": '{"a":[{"b":"2026-03-01"}]}'}
    assert want["pd_na list"] == {"text": "[null]"}
    assert want["dict_nulls top drop_nulls"] == {"text": '{"b":1,"g":"x"}'}
    assert want["float nested"]["error"][:2] == ["input.invalid", "a[0].b"]
    assert want["object tuple"] == {
        "error": [
            "input.invalid",
            "[1]",
            "unsupported value of type `object`: expected a dict, list, str, int, decimal.Decimal, "
            "date, datetime, bool or None",
        ]
    }
    assert want["datetime_naive dict"]["error"][:2] == ["input.invalid", "k"]
    assert "naive datetime" in want["datetime_naive dict"]["error"][2]


def test_a_value_converts_the_same_each_time() -> None:
    """The fast path keeps no state between values: the same batch twice, and values
    that share objects, give the same text."""
    shared = {"d": Decimal("1.50"), "t": datetime(2026, 1, 1, tzinfo=BOGOTA)}
    batch = [shared, {"again": shared, "list": [shared, shared]}]
    first = _native._json_text(batch)
    assert _native._json_text(batch) == first
    assert first == (
        '[{"d":1.50,"t":"2026-01-01T05:00:00+00:00"},{"again":{"d":1.50,"t":"2026-01-01T05:00:00+00:00"},'
        '"list":[{"d":1.50,"t":"2026-01-01T05:00:00+00:00"},{"d":1.50,"t":"2026-01-01T05:00:00+00:00"}]}]'
    )


def test_deep_values_fail_with_their_path() -> None:
    deep: Any = "leaf"
    for i in range(200):
        deep = {"k": [deep]} if i % 2 else [deep]
    assert _native._json_text(deep).count("[") == 200
    case = {"a": [{"b": {"c": [0, 1, (2, {"d": object()})]}}]}
    with pytest.raises(recobro.InvalidInputError) as info:
        _native._json_text(case)
    assert info.value.path == "a[0].b.c[2][1].d"


def nested_lists(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_values_nested_too_deep_are_refused_not_a_crash(policy: recobro.Policy) -> None:
    """A value nested past 1000 levels is an error at the level where it went too deep
    (the walk once ran out of stack: a segmentation fault at some 20,000 levels); the
    engine reads no JSON nested past 128 levels, so nothing it could accept is refused."""
    assert _native._json_text(nested_lists(1000)) == "[" * 1000 + "]" * 1000
    for depth in (1001, 100_000):
        with pytest.raises(recobro.InvalidInputError) as info:
            _native._json_text({"attributes": nested_lists(depth)})
        assert info.value.message == "the value nests more than 1000 levels deep"
        assert info.value.path == "attributes" + "[0]" * 999
    case = {"id": "C-1", "attributes": {"deep": nested_lists(100_000)}}
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path is not None and info.value.path.startswith("attributes.deep[0][0]")
    # between the engine's limit and the walk's, the engine's own error, as always
    case = {"id": "C-1", "attributes": {"deep": nested_lists(300)}}
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert (info.value.code, info.value.path) == ("input.json", "attributes.deep")
    assert "recursion limit exceeded" in info.value.message


# ---------------------------------------------------------------------------------------
# Decisions: the same bytes from every kind of input.

N_GENERATED = 120


@pytest.fixture(scope="module")
def generated(cli: Path) -> List[str]:
    run = subprocess.run(
        [str(cli), "generate", str(N_GENERATED), "--seed", "7", "--as-of", AS_OF_TEXT],
        capture_output=True, text=True, check=True,
    )
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    assert len(lines) == N_GENERATED
    return lines


def json_decisions(policy: recobro.Policy, records: List[Any], drop_nulls: bool) -> List[str]:
    """The canonical decision JSON for each case of a list of Python values."""
    cols = policy._inner.evaluate_columns(records, AS_OF, drop_nulls, "json", None, None)
    assert not cols["errors"], cols["errors"][:3]
    out: List[str] = cols["decision"]
    return out


def typed(case: Any, zone: Any = BOGOTA) -> Any:
    """A case with Python values where the JSON has text: amounts as Decimal, dates as
    date, instants as aware datetimes at `zone` (the same instants)."""
    if isinstance(case, dict):
        return {k: typed_field(k, v, zone) for k, v in case.items()}
    if isinstance(case, list):
        return [typed(v, zone) for v in case]
    return case


def typed_field(key: str, v: Any, zone: Any) -> Any:
    if isinstance(v, str):
        if key in ("original_amount", "outstanding", "amount", "max", "max_pct", "annual_rate"):
            return Decimal(v)
        if key in ("issued_on", "due_on", "pay_by", "first_due_on"):
            return date.fromisoformat(v)
        if key in ("at", "made_at", "created_at", "opted_out_at", "consented_at", "not_before"):
            return datetime.fromisoformat(v.replace("Z", "+00:00")).astimezone(zone)
        return v
    if key == "attributes":  # free data: its strings stay strings
        return v
    return typed(v, zone)


def test_generated_cases_decide_the_same_from_every_input(policy: recobro.Policy, generated: List[str]) -> None:
    want = [policy.evaluate_json(line, AS_OF_TEXT) for line in generated]
    dicts = [json.loads(line, parse_float=Decimal) for line in generated]
    # JSON text, dicts, DataFrame rows and Arrow rows: byte-identical decisions
    assert json_decisions(policy, dicts, False) == want
    assert json_decisions(policy, dicts, True) == want
    frame = pd.DataFrame(dicts)
    assert json_decisions(policy, frame.to_dict("records"), True) == want
    table = pa.Table.from_struct_array(pa.array(dicts))
    assert policy.evaluate_many(table, AS_OF).column("decision").to_pylist() == want
    # and through the public entry points, the same dicts
    as_dicts = [recobro.decision_from_json(t) for t in want]
    text = "\n".join(generated)
    assert policy.evaluate_many(text, AS_OF) == as_dicts
    assert policy.evaluate_many(dicts, AS_OF) == as_dicts
    assert policy.evaluate_many(frame, AS_OF)["decision"].tolist() == as_dicts
    try:
        import polars as pl
    except ImportError:
        return
    assert policy.evaluate_many(pl.DataFrame(dicts), AS_OF)["decision"].to_list() == want


@pytest.mark.parametrize("zone", [UTC, BOGOTA, timezone(timedelta(hours=5, minutes=45)), NEW_YORK],
                         ids=["utc", "bogota", "kathmandu", "new_york"])
def test_typed_values_decide_as_their_text(policy: recobro.Policy, generated: List[str], zone: Any) -> None:
    want = [policy.evaluate_json(line, AS_OF_TEXT) for line in generated]
    cases = [typed(json.loads(line), zone) for line in generated]
    assert any(isinstance(d["outstanding"], Decimal) for c in cases for d in c["debts"])
    assert any(c["contacts"] and isinstance(c["contacts"][0]["at"], datetime) for c in cases)
    assert json_decisions(policy, cases, False) == want
    # pandas: the cases' top-level keys as columns, rows read back as records
    assert json_decisions(policy, pd.DataFrame(cases).to_dict("records"), True) == want
    # pandas Timestamps where the datetimes were (what a datetime column holds)
    with_timestamps = [
        dict(c, contacts=[dict(x, at=pd.Timestamp(x["at"])) for x in c["contacts"]]) for c in cases
    ]
    assert json_decisions(policy, with_timestamps, False) == want


def test_subclasses_of_dict_and_str_decide_as_plain_ones(policy: recobro.Policy, generated: List[str]) -> None:
    want = [policy.evaluate_json(line, AS_OF_TEXT) for line in generated[:20]]

    def sub(v: Any) -> Any:
        if isinstance(v, dict):
            return MyDict((MyStr(k), sub(x)) for k, x in v.items())
        if isinstance(v, list):
            return MyList(sub(x) for x in v)
        if isinstance(v, str):
            return MyStr(v)
        return v

    cases = [sub(json.loads(line)) for line in generated[:20]]
    assert type(cases[0]) is MyDict and type(cases[0]["id"]) is MyStr
    assert json_decisions(policy, cases, False) == want
    ordered = [OrderedDict(json.loads(line)) for line in generated[:20]]
    assert json_decisions(policy, ordered, True) == want
    assert [policy.evaluate(MappingProxyType(json.loads(line)), AS_OF) for line in generated[:3]] == [
        recobro.decision_from_json(t) for t in want[:3]
    ]


def test_missing_values_of_every_kind_are_left_out_of_rows(policy: recobro.Policy, generated: List[str]) -> None:
    """In a DataFrame or Arrow row a missing field is None, NaN, pd.NA or pd.NaT: all
    left out, as if the key were absent."""
    want = [policy.evaluate_json(line, AS_OF_TEXT) for line in generated[:12]]
    missing = [None, float("nan"), pd.NA, pd.NaT, np.float64("nan")]
    rows = []
    for i, line in enumerate(generated[:12]):
        row = json.loads(line)
        row["plans"] = missing[i % len(missing)]  # an optional list
        row["debtor"]["segment_hint"] = missing[(i + 1) % len(missing)]  # an unknown key, left out
        rows.append(row)
    want_rows = []
    for line in generated[:12]:
        row = json.loads(line)
        del row["plans"]
        want_rows.append(row)
    assert json_decisions(policy, rows, True) == json_decisions(policy, want_rows, False)
    assert json_decisions(policy, want_rows, False) == [
        policy.evaluate_json(json.dumps(r), AS_OF_TEXT) for r in want_rows
    ]
    assert want  # the unchanged cases decide too


def test_unsupported_values_fail_as_before(policy: recobro.Policy, generated: List[str]) -> None:
    message = (
        "unsupported value of type `{}`: expected a dict, list, str, int, decimal.Decimal, date, datetime, "
        "bool or None"
    )
    for bad, name in ((object(), "object"), ({1, 2}, "set"), (b"x", "bytes"), (time(9), "time")):
        case = json.loads(generated[0])
        case["debts"][1]["outstanding"] = bad
        with pytest.raises(recobro.InvalidInputError) as info:
            policy.evaluate(case, AS_OF)
        e = info.value
        assert (e.code, e.path, e.message) == ("input.invalid", "debts[1].outstanding", message.format(name))
        rows = policy.evaluate_many([json.loads(generated[1]), case], AS_OF, on_error="collect")
        assert "error" not in rows[0]
        assert rows[1]["error"]["path"] == "[1].debts[1].outstanding"
        assert rows[1]["error"]["message"] == message.format(name)
        assert rows[1]["case_id"] == case["id"]
    # a float, with the value
    case = json.loads(generated[0])
    case["debts"][0]["outstanding"] = 10.25
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert info.value.path == "debts[0].outstanding"
    assert info.value.message == (
        'floating-point number `10.25` is not exact: pass a decimal.Decimal, an int or a string such as "1234.50"'
    )
    # a key that is not a string, at the dict
    case = json.loads(generated[0])
    case["debtor"][7] = "x"
    with pytest.raises(recobro.InvalidInputError) as info:
        policy.evaluate(case, AS_OF)
    assert (info.value.path, info.value.message) == ("debtor", "keys must be strings, got int `7`")


def test_converting_holds_no_references(policy: recobro.Policy, generated: List[str]) -> None:
    import sys

    dicts = [json.loads(line, parse_float=Decimal) for line in generated[:30]]
    d = Decimal("12.30")
    t = datetime(2026, 3, 1, tzinfo=BOGOTA)
    s = "some text that is not interned" + str(id(dicts))
    for c in dicts:
        c["attributes"] = {"d": d, "t": t, "s": s, "l": [d, t, s]}
    before = [sys.getrefcount(x) for x in (d, t, s)]
    for _ in range(3):
        policy.evaluate_many(dicts, AS_OF)
        _native._json_text(dicts, True)
    assert [sys.getrefcount(x) for x in (d, t, s)] == before
