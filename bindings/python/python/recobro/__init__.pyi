"""Recobro: an embeddable collections decision engine (Python binding).

See the module docstring of ``recobro/__init__.py`` and ``bindings/python/README.md``.
"""

import datetime
import decimal
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, overload

from . import _native as _native
from .types import Case as Case, Decision as Decision, ErrorInfo, ErrorRow

if TYPE_CHECKING:
    # The result types of `evaluate_many` and the Arrow functions, for type checkers only
    # and optional: where a library is not installed (or has no types: pandas needs
    # pandas-stubs, pyarrow pyarrow-stubs; polars has its own), its types are Any here.
    import pandas
    import polars
    import pyarrow

__all__ = [
    "Policy",
    "Case",
    "Decision",
    "RecobroError",
    "PolicySyntaxError",
    "PolicyRuntimeError",
    "LimitExceededError",
    "InvalidInputError",
    "BatchError",
    "decision_from_json",
    "simulate",
    "experiment",
    "experiment_plan",
    "queue",
    "uncertainty_frame",
    "DECISION_COLUMNS",
    "arrow_schema",
    "case_schema",
    "__version__",
]

__version__: str

#: The columns of the DataFrame or Arrow table ``Policy.evaluate_many`` returns.
DECISION_COLUMNS: tuple[str, ...]

_Instant = datetime.datetime | str
_Amount = decimal.Decimal | int | str
_Day = datetime.date | str
_Case = Case | Mapping[str, Any]
_OnError = Literal["raise", "collect"]
#: What `evaluate_many` reads as a list of cases: JSON text (a file object is read), or
#: a sequence or iterator of case mappings. (Any other iterable of cases is accepted too,
#: by the last overloads: an Arrow array of structs iterates as mappings, but is a Table.)
_Cases = str | bytes | bytearray | memoryview | IO[str] | IO[bytes] | Sequence[_Case] | Iterator[_Case]

# The inputs of `evaluate_many` that are frames and tables, told apart by what they have
# (members that a list, text or the frames before them do not have) rather than by their
# classes: a class of a library that is not installed (or has no types) would be Any,
# and an overload that takes Any makes every call whose argument holds an Any (a
# `list[dict[str, Any]]`) ambiguous, its result Any. With protocols, lists and text keep
# their exact results whatever is installed; the results are the libraries' classes.

class _PandasDataFrame(Protocol):
    """A pandas DataFrame (a Series has no ``columns``, polars no ``iloc``)."""

    @property
    def iloc(self) -> Any: ...
    @property
    def columns(self) -> Any: ...

class _PolarsDataFrame(Protocol):
    """A polars DataFrame (a LazyFrame or a Series has no ``height``)."""

    @property
    def height(self) -> int: ...
    @property
    def columns(self) -> Any: ...

class _ArrowStream(Protocol):
    """A producer of an Arrow stream (the Arrow PyCapsule interface): a pyarrow Table,
    RecordBatchReader or ChunkedArray, a DuckDB relation, ..."""

    def __arrow_c_stream__(self, requested_schema: Any = None) -> object: ...

class _ArrowArrayProducer(Protocol):
    """A producer of an Arrow array (the Arrow PyCapsule interface): a pyarrow Array or
    RecordBatch, ..."""

    def __arrow_c_array__(self, requested_schema: Any = None) -> object: ...

class RecobroError(Exception):
    code: str
    message: str
    line: int | None
    column: int | None
    path: str | None
    module: str | None
    help: str | None
    def __init__(
        self,
        text: str,
        *,
        code: str = "internal",
        message: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
        module: str | None = None,
        help: str | None = None,
    ) -> None: ...
    def to_dict(self) -> ErrorInfo: ...

class PolicySyntaxError(RecobroError): ...
class PolicyRuntimeError(RecobroError): ...
class LimitExceededError(RecobroError): ...
class InvalidInputError(RecobroError): ...

class BatchError(RecobroError):
    errors: list[ErrorRow]
    decisions: Any
    result: Any
    total: int
    def __init__(
        self,
        text: str,
        *,
        errors: list[ErrorRow] | None = None,
        decisions: Any = None,
        result: Any = None,
        total: int = 0,
        **fields: Any,
    ) -> None: ...

def decision_from_json(text: str) -> Decision: ...
def simulate(request: Mapping[str, Any] | str | bytes) -> dict[str, Any]: ...
def experiment(request: Mapping[str, Any] | str | bytes) -> dict[str, Any]: ...
def experiment_plan(plan: Mapping[str, Any] | str | bytes) -> dict[str, Any]: ...
def queue(
    policy: Policy, cases: Any, as_of: _Instant, capacity: Mapping[str, int] | str | bytes
) -> dict[str, Any]: ...
def uncertainty_frame(
    result: Mapping[str, Any],
    section: Literal["kpis", "vs_champion", "collected_band", "live_test"] = "kpis",
) -> pandas.DataFrame: ...
def arrow_schema(pa: Any = None) -> pyarrow.Schema: ...
def case_schema(pa: Any = None, *, dates: Literal["date32", "timestamp"] = "date32") -> pyarrow.Schema: ...

class Policy:
    _inner: _native.Policy
    def __init__(
        self,
        source: str,
        modules: Mapping[str, str] | None = None,
        limits: Mapping[str, int] | None = None,
        scorecards: Mapping[str, str] | None = None,
        tables: Mapping[str, str] | None = None,
        priors: Mapping[str, str] | None = None,
    ) -> None: ...
    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        modules: Mapping[str, str] | None = None,
        limits: Mapping[str, int] | None = None,
        scorecards: Mapping[str, str] | None = None,
        tables: Mapping[str, str] | None = None,
        priors: Mapping[str, str] | None = None,
    ) -> Policy: ...
    @classmethod
    def default(cls) -> Policy: ...
    @classmethod
    def embedded(cls, path: str) -> Policy: ...
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def modules(self) -> dict[str, str]: ...
    @property
    def limits(self) -> dict[str, int]: ...
    @property
    def scorecards(self) -> dict[str, str]: ...
    @property
    def tables(self) -> dict[str, str]: ...
    @property
    def priors(self) -> dict[str, str]: ...
    def evaluate(self, case: _Case, as_of: _Instant, trace: bool = False) -> Decision: ...
    def evaluate_json(self, case_json: str, as_of: _Instant, trace: bool = False) -> str: ...
    # evaluate_many: the result has the kind of the input. A list, an iterator or text: a
    # list of decisions with on_error="raise" (the default), with error rows too with
    # "collect". A pandas DataFrame: a pandas DataFrame. A polars DataFrame: a polars
    # DataFrame. Any other Arrow producer (pyarrow Table, RecordBatch, RecordBatchReader,
    # array of structs, DuckDB relation, ...): a pyarrow Table; pandas and polars frames
    # are Arrow producers too, so they come first. Other iterables of cases come last (an
    # Arrow array of structs iterates as mappings, but gives a Table).
    @overload
    def evaluate_many(
        self,
        cases: _Cases,
        as_of: _Instant,
        *,
        on_error: Literal["raise"] = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> list[Decision]: ...
    @overload
    def evaluate_many(
        self,
        cases: _Cases,
        as_of: _Instant,
        *,
        on_error: Literal["collect"],
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> list[Decision | ErrorRow]: ...
    @overload
    def evaluate_many(
        self,
        cases: _PandasDataFrame,
        as_of: _Instant,
        *,
        on_error: _OnError = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> pandas.DataFrame: ...
    @overload
    def evaluate_many(
        self,
        cases: _PolarsDataFrame,
        as_of: _Instant,
        *,
        on_error: _OnError = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> polars.DataFrame: ...
    @overload
    def evaluate_many(
        self,
        cases: _ArrowStream | _ArrowArrayProducer,
        as_of: _Instant,
        *,
        on_error: _OnError = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> pyarrow.Table: ...
    @overload
    def evaluate_many(
        self,
        cases: Iterable[_Case],
        as_of: _Instant,
        *,
        on_error: Literal["raise"] = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> list[Decision]: ...
    @overload
    def evaluate_many(
        self,
        cases: Iterable[_Case],
        as_of: _Instant,
        *,
        on_error: Literal["collect"],
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> list[Decision | ErrorRow]: ...
    def evaluate_arrow(
        self,
        data: Any,
        as_of: _Instant,
        *,
        timezone: str | None = None,
        on_error: _OnError = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
    ) -> pyarrow.RecordBatchReader: ...
    def check_contact(
        self, case: _Case, channel: str, at: _Instant, debt_id: str | None = None
    ) -> dict[str, Any]: ...
    def check_plan(
        self,
        case: _Case,
        as_of: _Instant,
        down_payment: _Amount,
        installments: int,
        frequency: str,
        first_due_on: _Day,
    ) -> dict[str, Any]: ...
    def report(
        self,
        cases: Any,
        as_of: _Instant,
        previous: Any = None,
        previous_as_of: _Instant | None = None,
        *,
        output: str = "pandas",
    ) -> dict[str, Any]: ...
    def __reduce__(
        self,
    ) -> tuple[Any, tuple[str, dict[str, str], dict[str, int], dict[str, str], dict[str, str], dict[str, str]]]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
