"""The native extension module (pyo3). Use the ``recobro`` package instead."""

from typing import Any, final

__all__ = [
    "Policy",
    "ArrowStream",
    "case_schema",
    "output_schema",
    "decision_from_json",
    "simulate",
    "experiment",
    "experiment_plan",
    "_test_panic",
    "_json_text",
    "__version__",
]

__version__: str

@final
class Policy:
    """A compiled policy. Immutable, shareable across threads."""

    def __new__(
        cls,
        source: str,
        modules: dict[str, str] | None = None,
        limits: Any = None,
        scorecards: dict[str, str] | None = None,
        tables: dict[str, str] | None = None,
        priors: dict[str, str] | None = None,
    ) -> Policy: ...
    @staticmethod
    def default_consumer() -> Policy: ...
    @staticmethod
    def embedded(path: str) -> Policy: ...
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
    def evaluate(self, case: Any, as_of: Any, trace: bool = False) -> dict[str, Any]: ...
    def evaluate_json(self, case_json: str, as_of: Any, trace: bool = False) -> str: ...
    def evaluate_many(
        self,
        cases: Any,
        as_of: Any,
        drop_nulls: bool = False,
        threads: int | None = None,
        chunk_size: int | None = None,
    ) -> tuple[list[dict[str, Any]], list[int]]: ...
    def evaluate_columns(
        self,
        cases: Any,
        as_of: Any,
        drop_nulls: bool = True,
        decision: str = "dict",
        threads: int | None = None,
        chunk_size: int | None = None,
    ) -> dict[str, list[Any]]: ...
    def evaluate_arrow(
        self,
        data: Any,
        as_of: Any,
        timezone: str | None = None,
        threads: int | None = None,
        chunk_size: int | None = None,
        eager: bool = False,
    ) -> Any: ...
    def check_contact(self, case: Any, channel: str, at: Any, debt_id: str | None = None) -> dict[str, Any]: ...
    def report_json(
        self, cases: Any, as_of: Any, previous: Any = None, previous_as_of: Any = None
    ) -> str: ...
    def queue_json(self, cases: Any, as_of: Any, capacity: Any) -> str: ...
    def check_plan(
        self,
        case: Any,
        as_of: Any,
        down_payment: Any,
        installments: Any,
        frequency: Any,
        first_due_on: Any,
    ) -> dict[str, Any]: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class ArrowStream:
    """An Arrow stream or schema, through the Arrow PyCapsule interface."""

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...

def case_schema() -> ArrowStream: ...
def output_schema() -> ArrowStream: ...
def decision_from_json(text: str) -> dict[str, Any]: ...
def simulate(request: Any) -> str: ...
def experiment(request: Any) -> str: ...
def experiment_plan(plan: Any) -> str: ...
def _test_panic(message: str, where: str = "call") -> None: ...
def _json_text(value: Any, drop_nulls: bool = False) -> str: ...
