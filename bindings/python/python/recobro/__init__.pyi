"""Recobro: an embeddable collections decision engine (Python binding).

See the module docstring of ``recobro/__init__.py`` and ``bindings/python/README.md``.
"""

import datetime
import decimal
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload

from . import _native as _native
from .types import Case as Case, Decision as Decision

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
    "DECISION_COLUMNS",
    "arrow_schema",
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
    def to_dict(self) -> dict[str, Any]: ...

class PolicySyntaxError(RecobroError): ...
class PolicyRuntimeError(RecobroError): ...
class LimitExceededError(RecobroError): ...
class InvalidInputError(RecobroError): ...

class BatchError(RecobroError):
    errors: list[dict[str, Any]]
    decisions: Any
    result: Any
    total: int
    def __init__(
        self,
        text: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        decisions: Any = None,
        result: Any = None,
        total: int = 0,
        **fields: Any,
    ) -> None: ...

def decision_from_json(text: str) -> Decision: ...
def arrow_schema(pa: Any = None) -> Any: ...

class Policy:
    _inner: _native.Policy
    def __init__(
        self,
        source: str,
        modules: Mapping[str, str] | None = None,
        limits: Mapping[str, int] | None = None,
    ) -> None: ...
    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        modules: Mapping[str, str] | None = None,
        limits: Mapping[str, int] | None = None,
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
    def evaluate(self, case: _Case, as_of: _Instant, trace: bool = False) -> Decision: ...
    def evaluate_json(self, case_json: str, as_of: _Instant, trace: bool = False) -> str: ...
    @overload
    def evaluate_many(
        self,
        cases: str | bytes,
        as_of: _Instant,
        *,
        on_error: _OnError = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
    ) -> list[dict[str, Any]]: ...
    @overload
    def evaluate_many(
        self,
        cases: Iterable[_Case],
        as_of: _Instant,
        *,
        on_error: _OnError = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
    ) -> list[dict[str, Any]]: ...
    @overload
    def evaluate_many(
        self,
        cases: Any,
        as_of: _Instant,
        *,
        on_error: _OnError = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
    ) -> Any: ...
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
    def __reduce__(self) -> tuple[Any, tuple[str, dict[str, str], dict[str, int]]]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
