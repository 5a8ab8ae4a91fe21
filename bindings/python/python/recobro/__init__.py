"""Recobro: an embeddable collections decision engine (Python binding).

Hand the engine one debtor's case and a clock; a compiled policy written in Rhai
answers with a decision: the segment, the next action (or why there is none), every
candidate with its compliance verdict, the charges owed, the offers, and an optional
trace. Pure and deterministic; money is exact.

    >>> from datetime import datetime, timezone
    >>> import recobro
    >>> policy = recobro.Policy.default()
    >>> case = {
    ...     "id": "C-1",
    ...     "debtor": {"id": "D-1", "kind": "consumer", "jurisdiction": "CO",
    ...                "timezone": "America/Bogota"},
    ...     "debts": [{"id": "L-1", "currency": "COP", "original_amount": "1200000",
    ...                "outstanding": "950000", "issued_on": "2026-01-10",
    ...                "due_on": "2026-02-10"}],
    ... }
    >>> decision = policy.evaluate(case, datetime(2026, 3, 2, 15, tzinfo=timezone.utc))
    >>> decision["segment"]
    'administrative'

API
---
``Policy(source, modules=None, limits=None, scorecards=None, tables=None, priors=None)``
    Compile a policy from Rhai source. ``modules`` maps import names to Rhai source
    (host modules win over the embedded ones under ``rules/``); ``limits`` is a dict of
    sandbox limits (``max_operations``, ``max_call_depth``, ``max_expression_depth``,
    ``max_function_expression_depth``, ``max_string_size``, ``max_array_size``,
    ``max_map_size``, ``max_modules``, ``max_variables``); ``scorecards`` maps names to
    points-based scorecards as JSON text, which the policy calls with
    ``c.score("name")`` (a host scorecard replaces an embedded one of that name, such as
    ``behavioural``); ``tables`` maps names to decision tables as JSON text, which the
    policy calls with ``c.table("name", #{input: value})`` (a host table replaces an
    embedded one of that name, such as ``collection_stage``); ``priors`` maps names to
    contact-timing priors as JSON text (right-party-contact rates per channel and local
    hour), which the policy names in its ``contact_timing()`` (``#{ prior: "name",
    horizon_hours: 48, weight: 4 }``) for the ``best_at`` and ``best_slot`` of its
    contact candidates and chosen action (a host prior replaces an embedded one of that
    name, such as ``consumer``). They are the policy options of every host: a bad one
    is an ``InvalidInputError`` at its path under ``options``
    (``options.limits.max_operations``), and a scorecard, table or prior that does not
    check (a gap or an overlap between bins, an unknown fact; a gap between rows, a row
    never reached; a rate outside 0 to 1, not 24 hourly rates) a ``PolicyRuntimeError``
    with code ``policy.contract`` at its line (module ``scorecards/NAME``,
    ``tables/NAME`` or ``priors/NAME``).
    ``Policy.from_file(path, modules=None, limits=None, scorecards=None, tables=None,
    priors=None)`` reads the source from a file; ``Policy.default()`` is the embedded
    default consumer policy and ``Policy.embedded("b2b/policy")`` any embedded one.
    Properties: ``name``, ``version``, ``digest``, ``source``, ``modules``, ``limits``,
    ``scorecards``, ``tables``, ``priors``. A ``Policy`` is immutable, thread-safe and
    picklable (it is rebuilt from source, modules, limits, scorecards, tables and
    priors), so it travels to Dask and Spark workers.

``policy.evaluate(case, as_of, trace=False) -> Decision``
    The decision as a plain dict (the keys of the JSON decision): amounts (and a
    score's ``probability``) are ``decimal.Decimal``, instants timezone-aware
    ``datetime`` in UTC, dates ``datetime.date``. ``scores`` (left out when the policy
    called no scorecard) holds each scorecard's ``score``, ``band``, ``probability``,
    ``event`` and reason codes (``reasons``: ``characteristic``, ``reason``, ``points``,
    ``best``). Raises a ``RecobroError`` subclass on failure. ``case`` is a
    dict; ``recobro.Case`` and ``recobro.Decision`` (``recobro.types``, generated from
    the JSON Schemas) are their ``TypedDict``s for type checkers.

``policy.evaluate_json(case_json, as_of, trace=False) -> str``
    The core's canonical decision JSON for a case given as JSON: the same bytes as
    ``recobro eval`` prints.

``policy.evaluate_many(cases, as_of, *, on_error="raise", threads=None, chunk_size=None)``
    Many cases, evaluated in parallel without the GIL. ``cases`` is one of:

    * a list (or other iterable) of case dicts -> a list with one dict per case: the
      decision, or for a case that failed ``{"index": i, "case_id": id or None,
      "error": {"code", "message", "line", "column", "path", "module", "help"}}``
      (with ``on_error="collect"``). A bad case never loses the others. Input paths
      carry the case's index: ``[3].debts[0].due_on``.
    * JSON text (``str`` or UTF-8 ``bytes``, or a file object, which is read): a JSON
      array of cases, one case object, or NDJSON (one case per line) -> the same list.
      Text that is no batch at all raises (``InvalidInputError`` at path ``cases``).
    * a ``pandas.DataFrame`` with one row per case and the case's top-level keys as
      columns (``id``, ``debtor``, ``debts``, ...; missing values are left out) ->
      a DataFrame with the same index and the columns ``case_id``, ``segment``,
      ``action_kind``, ``action_channel``, ``action_template``, ``priority``
      (``Int64``), ``next_allowed_at`` (UTC), ``charges_total`` (a dict currency ->
      ``Decimal``), ``error_code``, ``error_message``, ``error_path`` and
      ``decision`` (the decision dict; ``None`` for a failed case). A DataFrame whose
      every column has an Arrow dtype (``pd.ArrowDtype``, what
      ``to_pandas(types_mapper=pd.ArrowDtype)`` gives) is read as Arrow instead and
      returns the Arrow output's columns with Arrow dtypes, on the same index.
    * Arrow: a ``pyarrow.Table``, ``RecordBatch``, ``RecordBatchReader``, an array or
      chunked array of structs (one per case), or any other producer of the Arrow
      PyCapsule interface (``__arrow_c_stream__`` / ``__arrow_c_array__``: a DuckDB
      relation, a pandas frame is read as above) with the case's top-level keys as
      columns -> a ``pyarrow.Table`` of ``arrow_schema()``. The columns are read in
      Rust, zero-copy, in parallel without the GIL: no Python object per value, no
      JSON text. Nested structs and lists map to the case; a map column (DuckDB's
      ``MAP``) reads as an object; amounts as decimal128/256, strings or integers
      (never floats: they are not exact); dates as date32, date64 or a timestamp at
      midnight; instants as timestamps with a time zone (a naive timestamp only with
      ``timezone="UTC"`` or the zone it is in: pyarrow's JSON reader drops the offset
      of ``"...Z"`` instants). ``case_schema()`` is the schema to hand a reader.
      ``charges_total`` is a ``map<string, decimal128(38, 10)>``; ``decision`` holds
      the canonical decision JSON (exact; ``recobro.decision_from_json`` turns it into
      the same dict as above).
    * a ``polars.DataFrame`` (read through the Arrow interface, without pyarrow
      conversions of its own) -> a polars DataFrame with the columns of the Arrow table.

    Anything else raises ``TypeError`` saying what to pass, rather than being iterated
    as if it were a batch: a dict (one case: use ``evaluate`` or ``[case]``), a polars
    LazyFrame (``collect()`` it) or Series, a Dask collection (use
    ``map_partitions``), an Arrow array that is not of structs, an object with only the
    DataFrame interchange protocol (convert it with ``pyarrow.table(x)``).

    ``on_error="raise"`` (the default): if any case fails, one ``BatchError`` is
    raised, ``3 of 10 cases failed; [2].debts[0].due_on: expected a date ...
    (input.invalid); ...`` (the first three failures), carrying every failed case's
    row (``errors``), the decided rows (``decisions``), the whole result
    (``result``) and the batch's size (``total``). ``on_error="collect"``: the failed
    cases are rows of the result, as above; nothing is raised for them. Any other value
    is a ``ValueError``. ``threads``: the number of threads the batch runs on (default:
    the global pool, one per CPU or ``RAYON_NUM_THREADS``). ``chunk_size``: how many
    cases are read, decided and converted at a time (default: the whole batch; 65,536
    rows for Arrow); a smaller slice holds less memory at once, the result is the same.
    ``timezone``: for Arrow input, the zone naive timestamps at instant fields are in.

``policy.evaluate_arrow(data, as_of, *, timezone=None, on_error="raise", threads=None, chunk_size=None)``
    The streaming form for Arrow: a ``pyarrow.RecordBatchReader`` of ``arrow_schema()``
    rows that reads, decides and writes ``chunk_size`` cases (default 65,536) each time
    a batch is pulled, so a portfolio larger than memory flows through in constant
    memory (``data``: any Arrow producer, a ``RecordBatchReader`` over a dataset
    scan for instance). With ``on_error="raise"``, pulling a batch that holds a failed
    case raises ``BatchError`` for that batch (its ``errors``, ``decisions`` and
    ``result`` are that batch's; ``errors[i]["index"]`` is the row's index in the
    whole stream).

``recobro.case_schema() -> pyarrow.Schema``
    The Arrow schema of a case, to hand a reader (``pyarrow.json.read_json(...,
    parse_options=ParseOptions(explicit_schema=recobro.case_schema()))``) so dates and
    instants are read as such. ``attributes`` (free) is not in it: add a struct column.

``policy.check_contact(case, channel, at, debt_id=None) -> dict``
    May we contact this debtor on ``channel`` at ``at``? The compliance rules alone,
    without running the policy: ``allowed``, ``blocked_by``, ``next_allowed_at`` and
    every rule that applied.

``policy.check_plan(case, as_of, down_payment, installments, frequency, first_due_on) -> dict``
    A payment plan the debtor proposes, checked against the first plan the policy
    offers for the case: ``accepted``, ``broken`` (each broken bound in words), the
    exact ``schedule`` and the ``bounds``. The terms are read as one proposal: an
    error names ``proposal.down_payment``, ``proposal.frequency`` and so on.

``recobro.simulate(request) -> dict``
    A simulation (``recobro simulate``): a request dict or JSON text
    (``schemas/simulation-request.schema.json``) in, the result
    (``schemas/simulation-result.schema.json``) out, amounts ``Decimal``; without the
    GIL. With ``replications`` of 2 to 100, ``uncertainty`` holds every KPI's 95%
    interval, each challenger's paired difference from the champion with a verdict, and
    the size of a live test; ``recobro.uncertainty_frame(result, section)`` makes a
    DataFrame of a section. Errors are at paths under ``request``.

``recobro.queue(policy, cases, as_of, capacity) -> dict``
    The day's work queue under daily capacities (``recobro queue``): ``cases`` as for
    ``Policy.report``, ``capacity`` a dict ``{"call": 400}``; every case scheduled,
    rerouted to its next lawful candidate, waiting or with no action, in queue order
    (``schemas/work-queue.schema.json``; ``expected_value`` ``Decimal``). A bad
    capacity is an ``InvalidInputError`` at ``capacity.CHANNEL``.

``recobro.experiment_plan(plan) -> dict``, ``recobro.experiment(request) -> dict``
    A live champion/challenger experiment: the cases a fixed-horizon test needs (errors
    under ``plan``), and the comparison of the outcomes a host recorded with a fixed
    (Welch) or sequential (mSPRT) test (``schemas/experiment-request.schema.json``,
    ``schemas/experiment-report.schema.json``; errors under ``experiment``).

Values
------
Amounts may be ``Decimal``, ``int`` or ``str``; a ``float`` is refused (it is not
exact) with an ``InvalidInputError`` naming its path, such as ``debts[0].outstanding``.
Instants may be timezone-aware ``datetime`` or RFC 3339 strings with an offset; naive
datetimes are refused, for ``as_of`` and inside the case. Dates may be ``date`` or
``YYYY-MM-DD`` strings.

Errors
------
``RecobroError`` (code ``internal`` for a bug in the engine: no Rust panic reaches
Python) and its subclasses ``PolicySyntaxError`` (``policy.syntax``),
``PolicyRuntimeError`` (``policy.runtime``, ``policy.contract``, ``policy.module``),
``LimitExceededError`` (``limit.*``) and ``InvalidInputError`` (``input.json``,
``input.invalid``); ``BatchError`` is raised by ``evaluate_many`` for the failed cases
of a batch, with the first failure's fields. Each has ``code``, ``message``, ``line``, ``column``, ``module``
(the imported module the position is in), ``path`` (the input path) and ``help``,
``None`` where absent. ``str(error)`` is the engine's one-line form, the same on every
host. Paths name the argument (``as_of``, ``at``, ``channel``, ``cases``,
``options...``, ``proposal...``); inside a case they are relative to it
(``debts[0].due_on``, ``""`` for the whole case).
"""

from __future__ import annotations

import decimal
import functools
import json
import gc
import os
import sys
import io
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Union

from .types import Case, Decision

#: What ``Policy.evaluate`` and the checks accept as a case: a ``Case`` (typed) or any
#: mapping of the same shape (a dict from ``json.load``).
_CaseLike = Union[Case, Mapping[str, Any]]

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


class RecobroError(Exception):
    """An engine error: a stable ``code``, a ``message`` in plain words, where it
    happened (``line``/``column``/``module`` in a policy, or ``path`` in the input)
    and optional ``help``. ``str(error)`` is the engine's one-line form."""

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
    ) -> None:
        super().__init__(text)
        self.code = code
        self.message = text if message is None else message
        self.line = line
        self.column = column
        self.path = path
        self.module = module
        self.help = help

    def to_dict(self) -> dict[str, Any]:
        """The same dict as a failed case's ``"error"`` entry in ``evaluate_many``."""
        return {
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "module": self.module,
            "help": self.help,
        }


class PolicySyntaxError(RecobroError):
    """The policy does not parse (``policy.syntax``); ``line`` and ``column`` say where."""


class PolicyRuntimeError(RecobroError):
    """The policy failed while running or broke the hook contract, or an import could
    not be resolved (``policy.runtime``, ``policy.contract``, ``policy.module``)."""


class LimitExceededError(RecobroError):
    """The policy ran past a sandbox limit (``limit.operations``, ``limit.call_depth``, ...)."""


class InvalidInputError(RecobroError):
    """The input is not acceptable (``input.json``, ``input.invalid``); ``path`` says where."""


class BatchError(RecobroError):
    """Cases of a batch failed (``Policy.evaluate_many`` with ``on_error="raise"``, the
    default). ``str(error)`` counts the failed cases and shows the first three with their
    index and path (``3 of 10 cases failed; [2].debts[0].due_on: ...``); ``code``,
    ``message``, ``line``, ``column``, ``path``, ``module`` and ``help`` are those of the
    first failed case. Nothing is lost:

    * ``errors``: every failed case's ``{"index", "case_id", "error"}`` (``error`` is the
      dict of ``RecobroError.to_dict()``), in order;
    * ``result``: what ``on_error="collect"`` returns (the list, DataFrame or Table with
      a row for every case, failed or not);
    * ``decisions``: the same without the failed rows (a list of the decided cases'
      decisions, or the DataFrame or Table rows whose ``error_code`` is null);
    * ``total``: the number of cases in the batch."""

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
    ) -> None:
        super().__init__(text, **fields)
        self.errors = [] if errors is None else errors
        self.decisions = decisions
        self.result = result
        self.total = total


from . import _native  # noqa: E402  (the exceptions above must exist first)

__version__: str = _native.__version__

#: The columns of the DataFrame or Arrow table ``Policy.evaluate_many`` returns.
DECISION_COLUMNS: tuple[str, ...] = (
    "case_id",
    "segment",
    "action_kind",
    "action_channel",
    "action_template",
    "priority",
    "next_allowed_at",
    "charges_total",
    "error_code",
    "error_message",
    "error_path",
    "decision",
)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch builds its (acyclic) results.

    A batch creates millions of containers; each would count towards a collection of the
    whole heap, which is then walked again and again for nothing. Collection resumes at
    the end (it is left off if the caller had switched it off)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def decision_from_json(text: str) -> Decision:
    """A decision's canonical JSON (from ``recobro eval``, ``Policy.evaluate_json`` or
    an Arrow ``decision`` column) as the dict ``Policy.evaluate`` returns."""
    result: Decision = _native.decision_from_json(text)  # type: ignore[assignment]
    return result


#: The fields of a simulation result (``schemas/simulation-result.schema.json``) and of an
#: experiment's report and plan (``schemas/experiment-report.schema.json``) that the schemas
#: type as ``Amount`` (exact decimal text), read as ``decimal.Decimal``. The names mean one
#: thing wherever they occur in each schema (tests/test_uncertainty.py checks both sets
#: against the schemas).
_SIMULATION_DECIMALS = frozenset(
    [
        "avg_days_to_payment", "challenger", "champion", "charges", "closing", "collected",
        "collected_cumulative", "collected_per_cost", "confidence", "contacts_per_case", "cost",
        "cured_pct", "estimate", "hi", "live_test_alpha", "live_test_power", "lo", "opening",
        "outstanding", "pay_full_pct", "pay_partial_pct", "promise_kept_pct", "promise_pct",
        "reach_pct", "recovered_pct", "recovery_rate_pct", "sd", "self_cure_daily_pct",
        "success_pct",
    ]
)
_EXPERIMENT_DECIMALS = frozenset(
    [
        "alpha", "collected_per_case", "confidence", "contacts_per_case", "estimate", "hi", "lo",
        "minimum_effect", "p_value", "paid_pct", "power",
    ]
)


def _with_decimals(value: Any, decimals: frozenset[str], key: str | None = None) -> Any:
    """The engine's JSON (parsed) with the strings at the keys in ``decimals`` as
    ``Decimal`` and an instant at ``start`` as an aware ``datetime`` in UTC."""
    if isinstance(value, dict):
        return {k: _with_decimals(v, decimals, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_decimals(v, decimals, key) for v in value]
    if isinstance(value, str):
        if key in decimals:
            return decimal.Decimal(value)
        if key == "start":
            import datetime

            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(
                datetime.timezone.utc
            )
    return value


def _engine_json(text: str, decimals: frozenset[str]) -> dict[str, Any]:
    data = json.loads(text, parse_float=decimal.Decimal)  # the engine writes no float
    result: dict[str, Any] = _with_decimals(data, decimals)
    return result


def simulate(request: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    """Run a simulation (``recobro simulate``): a portfolio (``cases``, or ``generate``
    cases generated from ``seed``) through a champion policy and challengers
    (``policies``, champion first; ``{}`` is the default consumer policy,
    ``{"embedded": "consumer/digital_first"}`` an embedded one, ``{"source": ...}`` Rhai
    source) over ``days`` days, with the debtors' responses drawn from ``seed``.

    ``request`` is a dict (or JSON text) of ``schemas/simulation-request.schema.json``; amounts
    as ``Decimal``, ``int`` or ``str`` and ``start`` as an aware ``datetime`` or RFC 3339 text,
    as in a case. With ``replications`` N (2 to 100) the run is repeated with N seeds
    (replication 0 with ``seed``: the one-run result) and the result has ``uncertainty``: each
    KPI's mean and 95% interval, each challenger's paired difference from the champion with
    a verdict, the collected amount's band and the size of a live test (see
    ``uncertainty_frame``).

    Returns the result (``schemas/simulation-result.schema.json``) as a dict: amounts and
    estimates ``Decimal``, ``settings["start"]`` an aware ``datetime``, seeds decimal
    strings. Runs without the GIL. A bad request raises ``InvalidInputError`` at its path
    under ``request`` (``request.replications``, ``request.cases[3].debts[0].due_on``); a
    policy that does not compile, its ``PolicySyntaxError`` (the message names
    ``policies[i]``)."""
    return _engine_json(_native.simulate(request), _SIMULATION_DECIMALS)


def experiment(request: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    """Compare a live champion/challenger experiment's outcomes (``recobro experiment
    analyze``): ``experiment`` (the id the engine's stable assignment hashes with each case
    id), ``shares`` (percent per arm, champion first), ``test`` (``{"kind": "fixed", "plan":
    {...}}``: Welch's test once every arm has the cases the plan needs, or ``{"kind":
    "sequential", "metric": ..., "minimum_effect": ...}``: the always-valid mSPRT, a verdict
    as soon as its interval excludes zero) and ``outcomes`` (``case_id``, ``collected``,
    ``contacts``, and ``arm`` when the host recorded it: checked against the assignment).

    ``request`` is a dict (or JSON text) of ``schemas/experiment-request.schema.json``. Returns
    the report (``schemas/experiment-report.schema.json``) as a dict, figures ``Decimal``
    (``paid_pct`` differences in percentage points). Errors are ``InvalidInputError`` at
    their path under ``experiment`` (``experiment.outcomes[3].arm``)."""
    return _engine_json(_native.experiment(request), _EXPERIMENT_DECIMALS)


def experiment_plan(plan: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    """The cases a fixed-horizon test needs (``recobro experiment plan``): ``metric``
    (``collected_per_case``, the default, or ``paid_pct``), ``baseline``, ``sd`` (for
    ``collected_per_case``), ``minimum_effect``, ``power`` (default 0.8) and ``shares``
    (default 50/50). Two-sided at 5%, the normal approximation. Returns ``metric``,
    ``minimum_effect``, ``alpha``, ``power`` (``Decimal``), ``cases_per_arm`` (champion
    first) and ``cases_total``. Errors are ``InvalidInputError`` at their path under
    ``plan`` (``plan.sd``)."""
    return _engine_json(_native.experiment_plan(plan), _EXPERIMENT_DECIMALS)


#: The fields of a work queue (``schemas/work-queue.schema.json``) read as
#: ``decimal.Decimal``: each item's ``expected_value`` and its action's best-slot figures.
_QUEUE_DECIMALS = frozenset(["expected_value", "rate", "prior_rate", "prior_weight"])


def queue(policy: Policy, cases: Any, as_of: Any, capacity: Mapping[str, int] | str | bytes) -> dict[str, Any]:
    """The day's work queue of a batch under daily capacities (``recobro queue``; the
    rules are those of the Rust module ``recobro::queue``): every case is decided at
    ``as_of`` and placed by the chosen action's priority, then its expected value
    (outstanding x contact rate x probability of payment), then its id; a case whose
    channel is full takes its next lawful candidate with room (``rerouted``) or
    ``waiting``, with the reason; one with no action is ``no_action``.

    ``cases`` is what ``Policy.report`` takes: a list or iterable of case dicts, or JSON
    text (an array, one object or NDJSON); a case that cannot be read or decided (or
    repeats an id) is in ``errors`` with its index, never dropped. ``capacity`` is a
    dict ``{channel: int}`` (``{"call": 400}``; a channel not listed, and a task, is not
    limited) or its JSON text.

    Returns the queue (``schemas/work-queue.schema.json``) as a dict: ``as_of``,
    ``capacity``, ``used`` (per channel), ``items`` (``rank``, ``case_id``, ``status``,
    ``action``, ``candidate``, ``priority``, ``expected_value`` as ``Decimal``,
    ``currency``, ``reason``; absent keys left out) and ``errors`` (``index``, ``error``).
    A bad clock raises ``InvalidInputError`` at ``as_of``, a bad capacity at
    ``capacity.CHANNEL`` (``capacity.fax``). Runs without the GIL."""
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a recobro.Policy, not {_type_name(policy)}")
    cases = _snapshot_input(cases, "cases", "queue")
    return _engine_json(policy._inner.queue_json(cases, as_of, capacity), _QUEUE_DECIMALS)


#: The per-arm sections of a simulation's ``uncertainty`` that ``uncertainty_frame`` reads.
_UNCERTAINTY_SECTIONS = ("kpis", "vs_champion", "collected_band", "live_test")


def uncertainty_frame(result: Mapping[str, Any], section: str = "kpis") -> Any:
    """One section of a simulation's ``uncertainty`` as a pandas DataFrame, one row per arm
    and entry, with the arm's ``policy`` and ``role`` first: ``"kpis"`` (``kpi``,
    ``estimate``, ``lo``, ``hi``), ``"vs_champion"`` (the same and ``verdict``, challengers
    only), ``"collected_band"`` (``day``, ``estimate``, ``lo``, ``hi``) or ``"live_test"``.
    Figures stay ``Decimal``. A result without ``uncertainty`` (one replication) raises
    ``ValueError``."""
    if section not in _UNCERTAINTY_SECTIONS:
        raise ValueError(f"section must be one of {', '.join(map(repr, _UNCERTAINTY_SECTIONS))}, not {section!r}")
    u = result.get("uncertainty")
    if u is None:
        raise ValueError("the result has no uncertainty: run the simulation with replications of 2 or more")
    import pandas as pd

    rows = [{"policy": arm["policy"], "role": arm["role"], **entry} for arm in u["arms"] for entry in arm[section]]
    return pd.DataFrame(rows)


#: The values of ``on_error`` in ``Policy.evaluate_many``.
_ON_ERROR: tuple[str, ...] = ("raise", "collect")

#: How many failed cases ``BatchError``'s message shows.
_SHOWN_ERRORS = 3


#: Most threads a batch's ``threads=`` may ask for (the engine refuses more too: each
#: pool starts its threads, and a few distinct sizes are kept for reuse).
_MAX_THREADS = 256


def _snapshot_input(cases: Any, name: str, api: str) -> Any:
    """``cases`` for ``Policy.report`` and ``queue``: a list or tuple of case dicts, or
    JSON text (``str``, ``bytes``, or a file object, read whole). A DataFrame, an Arrow
    table or a dict raises ``TypeError`` rather than being iterated (over its columns or
    keys: every "case" would fail)."""
    try:
        kind, value = _batch_input(cases)
    except TypeError:
        kind, value = "other", None
    if kind in ("text", "list"):
        return value
    raise TypeError(
        f"{api}: {name}: takes a list of case dicts or JSON text (str, bytes or a file), not "
        f"{_type_name(cases)}; evaluate_many reads DataFrames and Arrow data"
    )


def _check_batch_options(on_error: Any, threads: Any, chunk_size: Any) -> None:
    if not isinstance(on_error, str) or on_error not in _ON_ERROR:
        allowed = " or ".join(repr(v) for v in _ON_ERROR)
        raise ValueError(f"on_error must be {allowed}, not {on_error!r}")
    for name, value in (("threads", threads), ("chunk_size", chunk_size)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1 (or None), not {value}")
    if threads is not None and threads > _MAX_THREADS:
        raise ValueError(f"threads must be at most {_MAX_THREADS} (or None), not {threads}")


def _row_text(row: Mapping[str, Any]) -> str:
    """One failed case in ``BatchError``'s message: where (its path, which starts with
    the case's index, or the index alone), the message and the code (and the position
    in the policy)."""
    err = row["error"]
    index = f"[{row['index']}]"
    path = err.get("path")
    if not path:
        where = index
    elif path.startswith(index):
        where = path
    else:
        where = f"{index} {path}"
    detail = [err["code"]]
    if err.get("module") is not None:
        detail.append(f"module `{err['module']}`")
    if err.get("line") is not None:
        detail.append(f"line {err['line']}, column {err['column']}")
    return f"{where}: {err['message']} ({', '.join(detail)})"


def _batch_error(errors: list[dict[str, Any]], total: int, result: Any, decisions: Any) -> BatchError:
    shown = "; ".join(_row_text(r) for r in errors[:_SHOWN_ERRORS])
    more = len(errors) - _SHOWN_ERRORS
    text = f"{len(errors)} of {total} cases failed; {shown}" + (f"; and {more} more" if more > 0 else "")
    first = errors[0]["error"]
    fields = {k: first.get(k) for k in ("code", "message", "line", "column", "path", "module", "help")}
    return BatchError(text, errors=errors, decisions=decisions, result=result, total=total, **fields)


def _type_name(obj: Any) -> str:
    t = type(obj)
    return f"{t.__module__}.{t.__qualname__}" if t.__module__ != "builtins" else t.__qualname__


_BATCH_KINDS = (
    "a list of case dicts, JSON text (str or bytes), a pandas or polars DataFrame, or a "
    "pyarrow Table, RecordBatch, RecordBatchReader or array of structs"
)


def _not_a_batch(obj: Any, hint: str) -> TypeError:
    return TypeError(f"evaluate_many takes {_BATCH_KINDS}, not {_type_name(obj)}; {hint}")


def _polars_has_null(pl: Any, dtype: Any) -> bool:
    """Whether a polars type is, or holds, polars' ``Null`` type."""
    if dtype == pl.Null:
        return True
    if isinstance(dtype, (pl.List, pl.Array)):
        return _polars_has_null(pl, dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(_polars_has_null(pl, f.dtype) for f in dtype.fields)
    return False


def _batch_input(cases: Any) -> tuple[str, Any]:
    """What kind of batch ``cases`` is, and the value the batch is read from:
    ``("pandas", DataFrame)``, ``("arrow", any Arrow producer)``, ``("polars",
    DataFrame)`` (read through the Arrow interface), ``("text", str or bytes)`` or ``("list", list or tuple)``.
    An input that is not a batch of cases raises ``TypeError`` saying what to pass,
    rather than being iterated (a DataFrame iterates over its columns, a dict over its
    keys, a file over its lines)."""
    if isinstance(cases, (str, bytes)):
        return "text", cases
    if isinstance(cases, (list, tuple)):
        return "list", cases
    if isinstance(cases, (bytearray, memoryview)):
        return "text", bytes(cases)
    if isinstance(cases, Mapping):
        raise _not_a_batch(cases, "for one case use evaluate(), or pass [case]")
    # A library's types can only be met once it is imported: look in sys.modules, so that
    # telling the kinds apart imports nothing.
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(cases, pd.DataFrame):
        if len(cases.columns) and all(isinstance(t, pd.ArrowDtype) for t in cases.dtypes):
            # every column holds Arrow data: read it as Arrow (no Python object per value)
            return "pandas-arrow", cases
        return "pandas", cases
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        if isinstance(cases, (pa.Table, pa.RecordBatch, pa.RecordBatchReader)):
            return "arrow", cases
        if isinstance(cases, (pa.ChunkedArray, pa.Array)):
            if pa.types.is_struct(cases.type):
                return "arrow", cases
            raise _not_a_batch(cases, "an Arrow array must hold one struct per case")
    pl = sys.modules.get("polars")
    if pl is not None:
        if isinstance(cases, pl.DataFrame):
            if any(_polars_has_null(pl, t) for t in cases.schema.values()):
                # polars exports a column of its Null type with a buffer that the Arrow
                # C data interface does not allow (arrow-rs refuses it); pyarrow's
                # import accepts it and re-exports it as the interface says.
                return "polars", cases.to_arrow()
            return "polars", cases
        if isinstance(cases, pl.LazyFrame):
            raise _not_a_batch(cases, "collect() the LazyFrame first")
        if isinstance(cases, pl.Series):
            raise _not_a_batch(cases, "pass a polars DataFrame with the cases' top-level keys as columns")
    if hasattr(type(cases), "__dask_graph__"):  # a Dask collection
        raise _not_a_batch(
            cases,
            "for a Dask DataFrame map it over its partitions: "
            "ddf.map_partitions(policy.evaluate_many, as_of, meta=...)",
        )
    if isinstance(cases, io.IOBase):
        return "text", cases.read()
    if hasattr(type(cases), "__arrow_c_stream__") or hasattr(type(cases), "__arrow_c_array__"):
        return "arrow", cases
    if hasattr(type(cases), "__dataframe__"):
        raise _not_a_batch(cases, "convert it to a pyarrow Table (pyarrow.table(x)) or a list of case dicts")
    if not isinstance(cases, Iterable):
        raise _not_a_batch(cases, "for one case use evaluate()")
    return "list", list(cases)


#: The amount and rate fields of the report's tables, read as ``decimal.Decimal``.
_REPORT_DECIMALS = frozenset(
    ["amount", "rate", "beginning", "new_debts", "ending_total", "ending_current", "left", "cei"]
)

#: The columns of each table of ``Policy.report``.
_REPORT_COLUMNS: dict[str, list[str]] = {
    "aging": ["currency", "bucket", "debts", "amount"],
    "aging_by_segment": ["segment", "currency", "bucket", "debts", "amount"],
    "aging_by_jurisdiction": ["jurisdiction", "currency", "bucket", "debts", "amount"],
    "promises": ["kept", "broken", "pending"],
    "plans": ["active", "behind", "completed"],
    "contacts_last_30_days": ["channel", "contacts"],
    "compliance_blocks": ["rule", "citation", "candidates", "cases"],
    "errors": ["index", "code", "message", "path"],
    "roll_rates": ["from", "to", "debts", "rate"],
    "cures": ["from", "delinquent", "cured", "rate"],
    "cei": ["currency", "beginning", "new_debts", "ending_total", "ending_current", "left", "cei"],
}


def _report_tables(data: dict[str, Any]) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """The report's JSON as rows per table, amounts and rates as ``Decimal``."""

    def row(d: dict[str, Any], cols: list[str], rename: str | None = None) -> dict[str, Any]:
        out = {}
        for c in cols:
            v = d.get("group") if c == rename else d.get(c)
            out[c] = decimal.Decimal(v) if c in _REPORT_DECIMALS and v is not None else v
        return out

    def errors(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"index": e["index"], "code": e["error"]["code"], "message": e["error"]["message"],
             "path": e["error"].get("path")}
            for e in rows
        ]

    cols = _REPORT_COLUMNS
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = {
        "aging": (cols["aging"], [row(r, cols["aging"]) for r in data["aging"]]),
        "aging_by_segment": (
            cols["aging_by_segment"],
            [row(r, cols["aging_by_segment"], "segment") for r in data["aging_by_segment"]],
        ),
        "aging_by_jurisdiction": (
            cols["aging_by_jurisdiction"],
            [row(r, cols["aging_by_jurisdiction"], "jurisdiction") for r in data["aging_by_jurisdiction"]],
        ),
        "promises": (cols["promises"], [data["promises"]]),
        "plans": (cols["plans"], [data["plans"]]),
        "contacts_last_30_days": (cols["contacts_last_30_days"], data["contacts_last_30_days"]),
        "compliance_blocks": (cols["compliance_blocks"], data["compliance_blocks"]),
        "errors": (cols["errors"], errors(data["errors"])),
    }
    comparison = data.get("comparison")
    if comparison is not None:
        for name in ("roll_rates", "cures", "cei"):
            tables[name] = (cols[name], [row(r, cols[name]) for r in comparison[name]])
    return tables


@functools.lru_cache(maxsize=16)
def _compiled(
    source: str,
    modules: tuple[tuple[str, str], ...],
    limits: tuple[tuple[str, int], ...],
    scorecards: tuple[tuple[str, str], ...] = (),
    tables: tuple[tuple[str, str], ...] = (),
    priors: tuple[tuple[str, str], ...] = (),
) -> _native.Policy:
    return _native.Policy(source, dict(modules), dict(limits), dict(scorecards), dict(tables), dict(priors))


def _rebuild(
    source: str,
    modules: dict[str, str],
    limits: dict[str, int],
    scorecards: dict[str, str] | None = None,
    tables: dict[str, str] | None = None,
    priors: dict[str, str] | None = None,
) -> Policy:
    """Unpickle a ``Policy``: compiled once per process for the same source, modules,
    limits, scorecards, tables and priors (a pickle from before scorecards, tables or
    priors has none)."""
    native = _compiled(
        source,
        tuple(sorted(modules.items())),
        tuple(sorted(limits.items())),
        tuple(sorted((scorecards or {}).items())),
        tuple(sorted((tables or {}).items())),
        tuple(sorted((priors or {}).items())),
    )
    return Policy._wrap(native)


class Policy:
    """A compiled Recobro policy. Immutable, thread-safe, picklable."""

    __slots__ = ("_inner",)

    _inner: _native.Policy

    def __init__(
        self,
        source: str,
        modules: Mapping[str, str] | None = None,
        limits: Mapping[str, int] | None = None,
        scorecards: Mapping[str, str] | None = None,
        tables: Mapping[str, str] | None = None,
        priors: Mapping[str, str] | None = None,
    ) -> None:
        self._inner = _native.Policy(
            source,
            None if modules is None else dict(modules),
            None if limits is None else dict(limits),
            None if scorecards is None else dict(scorecards),
            None if tables is None else dict(tables),
            None if priors is None else dict(priors),
        )

    @classmethod
    def _wrap(cls, native: _native.Policy) -> Policy:
        p = cls.__new__(cls)
        p._inner = native
        return p

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        modules: Mapping[str, str] | None = None,
        limits: Mapping[str, int] | None = None,
        scorecards: Mapping[str, str] | None = None,
        tables: Mapping[str, str] | None = None,
        priors: Mapping[str, str] | None = None,
    ) -> Policy:
        """Compile the policy in a file (UTF-8 Rhai source)."""
        with open(path, encoding="utf-8") as f:
            source = f.read()
        return cls(source, modules, limits, scorecards, tables, priors)

    @classmethod
    def default(cls) -> Policy:
        """The embedded default consumer collections policy (``consumer/policy``)."""
        return cls._wrap(_native.Policy.default_consumer())

    @classmethod
    def embedded(cls, path: str) -> Policy:
        """An embedded policy by module path: ``consumer/policy`` or ``b2b/policy``."""
        return cls._wrap(_native.Policy.embedded(path))

    @property
    def name(self) -> str:
        """The name from the policy's ``metadata()`` hook (``unnamed`` without one)."""
        return self._inner.name

    @property
    def version(self) -> str:
        """The version from the policy's ``metadata()`` hook (``0`` without one)."""
        return self._inner.version

    @property
    def digest(self) -> str:
        """``sha256:`` digest of the source and the host modules."""
        return self._inner.digest

    @property
    def source(self) -> str:
        """The policy source."""
        return self._inner.source

    @property
    def modules(self) -> dict[str, str]:
        """The host modules the policy was built with (name -> source)."""
        return self._inner.modules

    @property
    def limits(self) -> dict[str, int]:
        """The sandbox limits the policy runs under."""
        return self._inner.limits

    @property
    def scorecards(self) -> dict[str, str]:
        """The host scorecards the policy was built with (name -> JSON text); the
        embedded ones (``behavioural``) are not listed."""
        return self._inner.scorecards

    @property
    def tables(self) -> dict[str, str]:
        """The host decision tables the policy was built with (name -> JSON text); the
        embedded ones (``collection_stage``, ``consumer_treatment``) are not listed."""
        return self._inner.tables

    @property
    def priors(self) -> dict[str, str]:
        """The host contact-timing priors the policy was built with (name -> JSON text);
        the embedded ones (``consumer``) are not listed."""
        return self._inner.priors

    def evaluate(self, case: _CaseLike, as_of: Any, trace: bool = False) -> Decision:
        """Decide one case at ``as_of`` (an aware datetime or RFC 3339 string)."""
        decision: Decision = self._inner.evaluate(case, as_of, trace)  # type: ignore[assignment]
        return decision

    def evaluate_json(self, case_json: str, as_of: Any, trace: bool = False) -> str:
        """Decide one case given as JSON; the canonical decision JSON, byte for byte
        what ``recobro eval`` prints."""
        return self._inner.evaluate_json(case_json, as_of, trace)

    def evaluate_many(
        self,
        cases: Any,
        as_of: Any,
        *,
        on_error: str = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
        timezone: str | None = None,
    ) -> Any:
        """Decide many cases in parallel: a list of dicts (or JSON text: an array of
        cases, one case object or NDJSON) -> a list; a pandas DataFrame, a pyarrow Table
        (RecordBatch, RecordBatchReader, array of structs) or a polars DataFrame -> the
        same kind (see the module documentation).

        ``on_error="raise"`` (the default): when any case fails, raise one
        ``BatchError`` that counts the failed cases, shows the first three, and carries
        every error row (``errors``), the rows decided (``decisions``) and the whole
        result (``result``). ``on_error="collect"``: return the failed cases as rows
        (an ``{"index", "case_id", "error"}`` dict, or the ``error_*`` columns).
        ``threads``: the number of threads the batch runs on (default: the global pool,
        one per CPU or ``RAYON_NUM_THREADS``). ``chunk_size``: how many cases are read,
        decided and converted at a time (default: all of them; 65,536 for Arrow); the
        result is the same. ``timezone``: for Arrow input only, the zone naive
        timestamps at instant fields are in (None: they are refused).
        """
        _check_batch_options(on_error, threads, chunk_size)
        kind, value = _batch_input(cases)
        if timezone is not None and kind not in ("arrow", "polars", "pandas-arrow"):
            raise ValueError("timezone applies to Arrow input (naive timestamp columns) only")
        with _gc_paused():
            if kind == "pandas":
                result, errors = self._evaluate_frame(sys.modules["pandas"], value, as_of, threads, chunk_size)
            elif kind == "pandas-arrow":
                pa = _pyarrow()
                table = pa.Table.from_pandas(value, preserve_index=False)
                out, errors = self._evaluate_arrow(pa, table, as_of, threads, chunk_size, timezone)
                result = out.to_pandas(types_mapper=sys.modules["pandas"].ArrowDtype)
                result.index = value.index
            elif kind in ("arrow", "polars"):
                result, errors = self._evaluate_arrow(_pyarrow(), value, as_of, threads, chunk_size, timezone)
                if kind == "polars":
                    result = sys.modules["polars"].from_arrow(result)
            else:
                result, failed = self._inner.evaluate_many(value, as_of, False, threads, chunk_size)
                errors = [result[i] for i in failed]
            if errors and on_error == "raise":
                total = len(result)
                failed_at = {e["index"] for e in errors}
                good = [i for i in range(total) if i not in failed_at]
                if kind in ("pandas", "pandas-arrow"):
                    decisions = result.iloc[good]
                elif kind == "arrow":
                    decisions = result.take(_pyarrow().array(good, type=_pyarrow().int64()))
                elif kind == "polars":
                    decisions = result.filter(sys.modules["polars"].col("error_code").is_null())
                else:
                    decisions = [result[i] for i in good]
                raise _batch_error(errors, total, result, decisions)
            return result

    def _evaluate_frame(
        self, pd: Any, frame: Any, as_of: Any, threads: int | None, chunk_size: int | None
    ) -> tuple[Any, list[dict[str, Any]]]:
        records = frame.to_dict("records")
        cols = self._inner.evaluate_columns(records, as_of, True, "dict", threads, chunk_size)
        index = frame.index
        data = {}
        for name in DECISION_COLUMNS:
            values = cols[name]
            if name == "priority":
                data[name] = pd.Series(pd.array(values, dtype="Int64"), index=index)
            elif name == "next_allowed_at":
                data[name] = pd.Series(values, index=index, dtype="datetime64[us, UTC]")
            else:
                data[name] = pd.Series(values, index=index, dtype=object)
        return pd.DataFrame(data, index=index), cols["errors"]

    def _evaluate_arrow(
        self, pa: Any, data: Any, as_of: Any, threads: int | None, chunk_size: int | None, timezone: str | None
    ) -> tuple[Any, list[dict[str, Any]]]:
        stream, errors = self._inner.evaluate_arrow(data, as_of, timezone, threads, chunk_size, True)
        return pa.RecordBatchReader.from_stream(stream).read_all(), errors

    def evaluate_arrow(
        self,
        data: Any,
        as_of: Any,
        *,
        timezone: str | None = None,
        on_error: str = "raise",
        threads: int | None = None,
        chunk_size: int | None = None,
    ) -> Any:
        """Decide an Arrow stream of cases as it is read: a ``pyarrow.RecordBatchReader``
        of ``arrow_schema()`` rows; ``chunk_size`` cases (default 65,536) are read,
        decided and written at a time and handed over in batches of at most 4,096 rows,
        so memory stays bounded whatever the size of the input. ``data``: any Arrow
        producer, or a pandas or polars DataFrame (see ``evaluate_many``).
        ``on_error="raise"``: pulling a batch with a failed case raises ``BatchError``
        for that batch (its ``total`` is the batch's size, each error's ``index`` is in
        the whole stream); ``"collect"``: failed cases are rows with ``error_*`` set."""
        _check_batch_options(on_error, threads, chunk_size)
        pa = _pyarrow()
        kind, value = _batch_input(data) if not isinstance(data, (str, bytes, list, tuple)) else ("list", data)
        if kind in ("pandas", "pandas-arrow"):
            value = pa.Table.from_pandas(value, preserve_index=False)  # not the index as a column
        elif kind not in ("arrow", "polars"):
            raise TypeError(
                f"evaluate_arrow takes an Arrow producer (a pyarrow Table, RecordBatch or "
                f"RecordBatchReader, a polars DataFrame, a DuckDB relation), not {_type_name(data)}; "
                f"for lists and JSON text use evaluate_many"
            )
        stream = self._inner.evaluate_arrow(value, as_of, timezone, threads, chunk_size, False)
        reader = pa.RecordBatchReader.from_stream(stream)
        if on_error == "collect":
            return reader

        def checked() -> Iterator[Any]:
            first = 0
            for batch in reader:
                codes = batch.column("error_code")
                if codes.null_count < batch.num_rows:
                    raise _arrow_batch_error(pa, batch, first)
                first += batch.num_rows
                yield batch

        return pa.RecordBatchReader.from_batches(reader.schema, checked())

    def check_contact(
        self, case: _CaseLike, channel: str, at: Any, debt_id: str | None = None
    ) -> dict[str, Any]:
        """Check one proposed contact against this policy's compliance rules."""
        return self._inner.check_contact(case, channel, at, debt_id)

    def check_plan(
        self,
        case: _CaseLike,
        as_of: Any,
        down_payment: Any,
        installments: int,
        frequency: str,
        first_due_on: Any,
    ) -> dict[str, Any]:
        """Check a payment plan the debtor proposes against the plan the policy offers."""
        return self._inner.check_plan(case, as_of, down_payment, installments, frequency, first_due_on)

    def report(
        self,
        cases: Any,
        as_of: Any,
        previous: Any = None,
        previous_as_of: Any = None,
        *,
        output: str = "pandas",
    ) -> dict[str, Any]:
        """The delinquency report of a portfolio snapshot (``recobro report``; every
        figure is defined in the Rust module ``recobro::report``).

        ``cases`` (and ``previous``, the same portfolio at the earlier
        ``previous_as_of``) is a list or iterable of case dicts, or JSON text (an
        array, one object or NDJSON). A case that cannot be read or decided is listed
        in ``errors`` with its index, never dropped.

        Returns a dict: ``"json"`` (the report's JSON text, whose contract is
        ``schemas/report.schema.json``), ``"report"`` (that JSON as a dict) and one table
        per section: ``"aging"``, ``"aging_by_segment"``, ``"aging_by_jurisdiction"``,
        ``"promises"``, ``"plans"``, ``"contacts_last_30_days"``,
        ``"compliance_blocks"``, ``"errors"`` and, with a previous snapshot,
        ``"roll_rates"``, ``"cures"``, ``"cei"``. Tables are pandas DataFrames
        (``output="pandas"``) or pyarrow Tables (``output="arrow"``); amounts and rates
        are exact: ``decimal.Decimal`` (pandas) or Arrow decimals, ``None`` when a rate
        has no base.
        """
        if output not in ("pandas", "arrow"):
            raise ValueError(f"output must be 'pandas' or 'arrow', not {output!r}")
        cases = _snapshot_input(cases, "cases", "report")
        if previous is not None:
            previous = _snapshot_input(previous, "previous", "report")
        text = self._inner.report_json(cases, as_of, previous, previous_as_of)
        data = json.loads(text)
        tables = _report_tables(data)
        if output == "pandas":
            import pandas as pd

            frames = {k: pd.DataFrame(rows, columns=cols) for k, (cols, rows) in tables.items()}
        else:
            import pyarrow as pa

            frames = {
                k: pa.Table.from_pylist(rows) if rows else pa.table({c: [] for c in cols})
                for k, (cols, rows) in tables.items()
            }
        return {"json": text, "report": data, **frames}

    def __reduce__(
        self,
    ) -> tuple[Any, tuple[str, dict[str, str], dict[str, int], dict[str, str], dict[str, str], dict[str, str]]]:
        return (_rebuild, (self.source, self.modules, self.limits, self.scorecards, self.tables, self.priors))

    def __repr__(self) -> str:
        return f"<recobro.Policy {self.name} {self.version} {self.digest}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        # The digest covers the source and the modules, not the host scorecards, tables
        # or priors.
        return (self.digest, self.limits, self.scorecards, self.tables, self.priors) == (
            other.digest,
            other.limits,
            other.scorecards,
            other.tables,
            other.priors,
        )

    def __hash__(self) -> int:
        return hash(self.digest)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as e:  # pragma: no cover - pyarrow is an optional dependency
        raise ImportError("Arrow output needs pyarrow: pip install pyarrow") from e
    return pyarrow


def arrow_schema(pa: Any = None) -> Any:
    """The schema of the Arrow rows ``Policy.evaluate_many`` returns for Arrow input and
    ``Policy.evaluate_arrow`` streams: one row per case, the flat fields of the
    decision (or the error) and the canonical decision JSON."""
    pa = pa if pa is not None else _pyarrow()
    return pa.schema(_native.output_schema())


def case_schema(pa: Any = None, *, dates: str = "date32") -> Any:
    """The Arrow schema of a case: structs for objects, lists for arrays, ``date32``
    for dates, ``timestamp[us, UTC]`` for instants, strings for amounts (exact; a
    decimal column is read too), the consents as a struct with a field per channel.
    Hand it to a reader (DuckDB's ``columns``, polars' ``schema``) so dates and instants
    are typed as the engine reads them. ``dates="timestamp"`` gives dates as
    ``timestamp[s]`` (read as midnight, which the engine takes as that date): pyarrow's
    JSON reader cannot turn a string into ``date32``, so give it this one
    (``ParseOptions(explicit_schema=case_schema(dates="timestamp"))``). The free
    ``attributes`` have no fixed type and are not in it."""
    pa = pa if pa is not None else _pyarrow()
    schema = pa.schema(_native.case_schema())
    if dates == "date32":
        return schema
    if dates != "timestamp":
        raise ValueError(f'dates must be "date32" or "timestamp", not {dates!r}')

    def swap(t: Any) -> Any:
        if pa.types.is_date32(t):
            return pa.timestamp("s")
        if pa.types.is_struct(t):
            return pa.struct([f.with_type(swap(f.type)) for f in t])
        if pa.types.is_list(t):
            return pa.list_(t.value_field.with_type(swap(t.value_type)))
        return t

    return pa.schema([f.with_type(swap(f.type)) for f in schema])


def _arrow_batch_error(pa: Any, batch: Any, first: int) -> BatchError:
    """``BatchError`` for one streamed batch that holds failed cases (``first``: the
    index of its first row in the whole stream)."""
    rows = batch.to_pylist()
    errors = [
        {
            "index": first + i,
            "case_id": r["case_id"],
            "error": {
                "code": r["error_code"],
                "message": r["error_message"],
                "line": r["error_line"],
                "column": r["error_column"],
                "path": r["error_path"],
                "module": r["error_module"],
                "help": r["error_help"],
            },
        }
        for i, r in enumerate(rows)
        if r["error_code"] is not None
    ]
    good = [i for i, r in enumerate(rows) if r["error_code"] is None]
    table = pa.Table.from_batches([batch])
    return _batch_error(errors, batch.num_rows, table, table.take(pa.array(good, type=pa.int64())))
