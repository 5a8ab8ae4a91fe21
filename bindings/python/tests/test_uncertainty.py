"""Simulation replications, live experiments and test plans (`recobro.simulate`,
`recobro.experiment`, `recobro.experiment_plan`), checked against an independent
implementation: scipy's t intervals, Welch's test and the normal distribution, and the
mSPRT recomputed in numpy from the formula in core/src/stats.rs.

The engine reports every estimate rounded to 6 decimals (`paid_pct` differences are the
rounded fraction times 100), so figures are compared to that precision."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.stats as stats  # bindings/python/test.sh installs it: a reference, never skipped

import recobro

ROOT = Path(__file__).resolve().parents[3]
START = "2026-03-16T15:00:00Z"
N_REPS = 5

# The KPIs with intervals, in the engine's order, and which way each is better
# (core/src/simulate/uncertainty.rs, KPIS).
KPIS = {
    "collected": "higher",
    "collected_per_case": "higher",
    "recovery_rate_pct": "higher",
    "cured_pct": "higher",
    "avg_days_to_payment": "lower",
    "cost": "lower",
    "collected_per_cost": "higher",
    "contacts_per_case": "neither",
    "charges": "neither",
    "closing": "lower",
    "compliance_blocks": "lower",
    "promises_made": "neither",
    "promises_kept": "higher",
}

Z975 = stats.norm.ppf(0.975)


def close(got: Any, want: float, *, abs_tol: float = 1.01e-6, rel: float = 1e-9) -> bool:
    """The engine's 6-decimal figure `got` against a float computed here."""
    return math.isclose(float(got), want, rel_tol=rel, abs_tol=abs_tol)


def assert_interval(entry: dict[str, Any], values: Any, what: str) -> None:
    """`entry` ({estimate, lo, hi}) is the 95% t interval of the mean of `values`."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    mean = float(values.mean())
    sem = float(stats.sem(values)) if n > 1 else 0.0
    if sem == 0.0:  # no spread: the engine's interval has no width (scipy's is NaN)
        lo = hi = mean
    else:
        lo, hi = stats.t.interval(0.95, df=n - 1, loc=mean, scale=sem)
    for key, want in (("estimate", mean), ("lo", lo), ("hi", hi)):
        assert isinstance(entry[key], Decimal), (what, key, entry)
        assert close(entry[key], want), (what, key, entry[key], want, list(values))


# ---------------------------------------------------------------------------------------
# Simulation replications


@pytest.fixture(scope="module")
def cases(cli: Path) -> list[dict[str, Any]]:
    """200 generated cases, given explicitly (a generated portfolio depends on the seed)."""
    out = subprocess.run(
        [str(cli), "generate", "200", "--seed", "7", "--as-of", START], capture_output=True, text=True, check=True
    )
    return [json.loads(line, parse_float=Decimal) for line in out.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def request_(cases: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cases": cases,
        "policies": [{}, {"embedded": "consumer/digital_first"}],
        "start": START,
        "days": 30,
        "seed": 11,
        "replications": N_REPS,
    }


@pytest.fixture(scope="module")
def replicated(request_: dict[str, Any]) -> dict[str, Any]:
    return recobro.simulate(request_)


@pytest.fixture(scope="module")
def single_runs(request_: dict[str, Any], replicated: dict[str, Any]) -> list[dict[str, Any]]:
    """The same request run once with each replication's seed."""
    return [recobro.simulate({**request_, "replications": 1, "seed": int(s)}) for s in replicated["uncertainty"]["seeds"]]


def kpi_value(arm: dict[str, Any], kpi: str) -> float:
    k = arm["kpis"]
    if kpi == "collected_per_case":
        return float(k["collected"]) / max(k["cases"], 1)
    return float(k[kpi])


def test_replications_header(replicated: dict[str, Any], single_runs: list[dict[str, Any]]) -> None:
    u = replicated["uncertainty"]
    assert u["replications"] == N_REPS and len(u["seeds"]) == N_REPS
    assert u["seeds"][0] == "11"  # replication 0 runs with the request's seed
    assert len(set(u["seeds"])) == N_REPS
    assert (u["confidence"], u["live_test_alpha"], u["live_test_power"]) == (
        Decimal("0.95"), Decimal("0.05"), Decimal("0.8")
    )
    assert [a["role"] for a in u["arms"]] == ["champion", "challenger 1"]
    assert [a["policy"] for a in u["arms"]] == [a["policy"] for a in replicated["arms"]]
    assert u["arms"][1]["policy"].startswith("consumer-digital-first")
    assert replicated["settings"]["replications"] == N_REPS
    for run in single_runs:
        # one replication: no uncertainty, and the settings say nothing of replications
        assert "uncertainty" not in run and "replications" not in run["settings"]
    # the replications differ (else every interval below would be trivially zero-width)
    collected = {run["arms"][0]["kpis"]["collected"] for run in single_runs}
    assert len(collected) == N_REPS


def test_replication_zero_is_the_plain_run(request_: dict[str, Any], replicated: dict[str, Any],
                                           single_runs: list[dict[str, Any]]) -> None:
    plain = recobro.simulate({k: v for k, v in request_.items() if k != "replications"})
    assert "uncertainty" not in plain
    assert replicated["arms"] == plain["arms"] == single_runs[0]["arms"]
    assert {k: v for k, v in replicated["settings"].items() if k != "replications"} == plain["settings"]


def test_kpi_intervals_match_scipy(replicated: dict[str, Any], single_runs: list[dict[str, Any]]) -> None:
    arms = replicated["uncertainty"]["arms"]
    for ai, arm in enumerate(arms):
        assert [k["kpi"] for k in arm["kpis"]] == list(KPIS)
        for entry in arm["kpis"]:
            values = [kpi_value(run["arms"][ai], entry["kpi"]) for run in single_runs]
            assert_interval(entry, values, f"{arm['role']} {entry['kpi']}")
    # at least some intervals have width: the check is not of constants
    assert any(e["lo"] < e["hi"] for e in arms[0]["kpis"])


def test_vs_champion_is_the_paired_t_interval(replicated: dict[str, Any], single_runs: list[dict[str, Any]]) -> None:
    champion, challenger = replicated["uncertainty"]["arms"]
    assert champion["vs_champion"] == [] and champion["live_test"] == []
    assert [d["kpi"] for d in challenger["vs_champion"]] == list(KPIS)
    for entry in challenger["vs_champion"]:
        kpi = entry["kpi"]
        diffs = [kpi_value(run["arms"][1], kpi) - kpi_value(run["arms"][0], kpi) for run in single_runs]
        assert_interval(entry, diffs, f"vs_champion {kpi}")
        lo, hi = entry["lo"], entry["hi"]
        up, down = lo > 0, hi < 0
        better = KPIS[kpi]
        if not (up or down):
            want = "not_distinguishable"
        elif better == "neither":
            want = "higher" if up else "lower"
        else:
            want = "better" if up == (better == "higher") else "worse"
        assert entry["verdict"] == want, entry
    # the paired interval is narrower than the unpaired one would be for collected:
    # common random numbers make the two policies' luck the same
    col = [e for e in challenger["vs_champion"] if e["kpi"] == "collected"][0]
    a = [kpi_value(r["arms"][0], "collected") for r in single_runs]
    b = [kpi_value(r["arms"][1], "collected") for r in single_runs]
    unpaired = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert float(col["hi"] - col["lo"]) < unpaired.high - unpaired.low


def test_collected_band(replicated: dict[str, Any], single_runs: list[dict[str, Any]]) -> None:
    for ai, arm in enumerate(replicated["uncertainty"]["arms"]):
        band = arm["collected_band"]
        assert [b["day"] for b in band] == list(range(len(single_runs[0]["arms"][ai]["series"])))
        assert len(band) >= 30
        for b in band:
            values = [float(run["arms"][ai]["series"][b["day"]]["collected_cumulative"]) for run in single_runs]
            assert_interval(b, values, f"{arm['role']} day {b['day']}")


def _ceil_count(n: float) -> int:
    r = round(n)
    return max(2, int(r if abs(n - r) < 1e-9 else math.ceil(n)))


def test_live_test_sizes(replicated: dict[str, Any], single_runs: list[dict[str, Any]]) -> None:
    tests = {t["metric"]: t for t in replicated["uncertainty"]["arms"][1]["live_test"]}
    assert set(tests) == {"collected_per_case", "cured_pct"}
    z = Z975 + stats.norm.ppf(0.8)

    t = tests["collected_per_case"]
    m0 = float(np.mean([kpi_value(r["arms"][0], "collected_per_case") for r in single_runs]))
    m1 = float(np.mean([kpi_value(r["arms"][1], "collected_per_case") for r in single_runs]))
    assert close(t["champion"], m0) and close(t["challenger"], m1)
    sd = float(t["sd"])
    assert sd > 0
    n = z * z * 2 * sd * sd / (m1 - m0) ** 2
    # `sd` is reported to 6 decimals; the size is computed from the unrounded one
    if abs(n - round(n)) > 1e-3 * n / sd:
        assert t["cases_per_arm"] == _ceil_count(n), (t, n)
    assert t["cases_total"] == 2 * t["cases_per_arm"]

    t = tests["cured_pct"]
    p0 = float(np.mean([float(r["arms"][0]["kpis"]["cured_pct"]) / 100 for r in single_runs]))
    p1 = float(np.mean([float(r["arms"][1]["kpis"]["cured_pct"]) / 100 for r in single_runs]))
    assert close(t["champion"], p0 * 100) and close(t["challenger"], p1 * 100)
    assert "sd" not in t
    if p0 == p1:
        assert t["cases_per_arm"] is None and t["note"]
    else:
        n = z * z * (p0 * (1 - p0) + p1 * (1 - p1)) / (p1 - p0) ** 2
        assert t["cases_per_arm"] == _ceil_count(n), (t, n)
        assert t["cases_total"] == 2 * t["cases_per_arm"]


def test_uncertainty_frame(replicated: dict[str, Any]) -> None:
    pytest.importorskip("pandas")
    frame = recobro.uncertainty_frame(replicated)
    assert list(frame.columns) == ["policy", "role", "kpi", "estimate", "lo", "hi"]
    assert len(frame) == 2 * len(KPIS)
    u = replicated["uncertainty"]["arms"]
    assert frame.iloc[len(KPIS) + 1].to_dict() == {"policy": u[1]["policy"], "role": "challenger 1", **u[1]["kpis"][1]}
    diff = recobro.uncertainty_frame(replicated, "vs_champion")
    assert list(diff.columns) == ["policy", "role", "kpi", "estimate", "lo", "hi", "verdict"]
    assert list(diff["role"].unique()) == ["challenger 1"] and len(diff) == len(KPIS)
    with pytest.raises(ValueError, match="section"):
        recobro.uncertainty_frame(replicated, "nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="replications"):
        recobro.uncertainty_frame({"settings": {}, "arms": []})


def test_request_as_json_text_or_bytes(request_: dict[str, Any], replicated: dict[str, Any]) -> None:
    def plain(v: Any) -> Any:
        return str(v) if isinstance(v, Decimal) else v

    text = json.dumps({**request_, "days": 30}, default=plain)
    assert recobro.simulate(text) == replicated
    assert recobro.simulate(text.encode()) == replicated


def _schema_types(schema: dict[str, Any], node: dict[str, Any], value: Any, at: str, out: list[tuple[str, str, Any]]) -> None:
    """Walk a value with its JSON Schema: (path, "Amount" | "Instant" | "other", value) for
    every string, so the test knows which the binding should have converted."""
    defs = schema.get("$defs", {})
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in ("Amount", "Instant"):
            out.append((at, name, value))
            return
        node = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            if value is None:
                return
            for option in options:
                if "$ref" in option or option.get("type") not in (None, "null"):
                    sub: list[tuple[str, str, Any]] = []
                    try:
                        _schema_types(schema, option, value, at, sub)
                    except (KeyError, TypeError, AssertionError):
                        continue
                    out.extend(sub)
                    return
            return
    if isinstance(value, dict):
        props = node.get("properties", {})
        for k, v in value.items():
            if k in props:
                _schema_types(schema, props[k], v, f"{at}.{k}", out)
            else:
                extra = node.get("additionalProperties")
                assert isinstance(extra, dict), f"{at}.{k} is not in the schema"
                _schema_types(schema, extra, v, f"{at}.{k}", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _schema_types(schema, node.get("items", {}), v, f"{at}[{i}]", out)
    elif isinstance(value, str):
        out.append((at, "other", value))


@pytest.mark.parametrize("which", ["simulation", "experiment", "plan"])
def test_values_follow_the_schemas(which: str, replicated: dict[str, Any]) -> None:
    """Every field the schema types as an Amount is a Decimal, the start an aware datetime,
    every other string a string: the binding's name tables agree with the schemas."""
    from datetime import datetime, timezone

    if which == "simulation":
        schema = json.loads((ROOT / "schemas" / "simulation-result.schema.json").read_text())
        value, native = replicated, None
    elif which == "experiment":
        schema = json.loads((ROOT / "schemas" / "experiment-report.schema.json").read_text())
        request = fixed_request(outcomes(300, seed=3), "collected_per_case")
        value, native = recobro.experiment(request), recobro._native.experiment(request)
    else:
        schema = json.loads((ROOT / "schemas" / "experiment-report.schema.json").read_text())
        schema = {**schema, **schema["$defs"]["PlanResult"]}
        plan = {"baseline": "100", "sd": "80", "minimum_effect": "10"}
        value, native = recobro.experiment_plan(plan), recobro._native.experiment_plan(plan)
    found: list[tuple[str, str, Any]] = []
    _schema_types(schema, schema, value, "", found)
    kinds = {kind for _, kind, _ in found}
    assert "Amount" in kinds
    for at, kind, v in found:
        if kind == "Amount":
            assert isinstance(v, Decimal), (at, v)
        elif kind == "Instant":
            assert isinstance(v, datetime) and v.tzinfo is not None and v.utcoffset() == timezone.utc.utcoffset(None), (at, v)
        else:
            assert isinstance(v, str), (at, v)
    if native is not None:  # the decimals are the engine's text, digit for digit
        raw = json.loads(native)

        def get(d: Any, path: str) -> Any:
            for part in path.replace("[", ".[").split(".")[1:]:
                d = d[int(part[1:-1])] if part.startswith("[") else d[part]
            return d

        for at, kind, v in found:
            if kind == "Amount":
                assert str(v) == get(raw, at), at


# ---------------------------------------------------------------------------------------
# The engine's assignment, recomputed (core/src/simulate/mod.rs `assign`: FNV-1a of the
# experiment id and the case id, each followed by 0xff, modulo 100, against the shares).


def fnv1a(*parts: bytes) -> int:
    h = 0xCBF29CE484222325
    for p in parts:
        for b in p:
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        h = ((h ^ 0xFF) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def assign(experiment: str, shares: list[int], case_id: str) -> int:
    bucket = fnv1a(experiment.encode(), case_id.encode()) % 100
    acc = 0
    for i, s in enumerate(shares):
        acc += s
        if bucket < acc:
            return i
    return len(shares) - 1


EXPERIMENT = "exp-live-7"


def outcomes(n: int, *, seed: int, lift: float = 0.0, pay: tuple[float, float] = (0.35, 0.35),
             shares: list[int] | None = None) -> list[dict[str, Any]]:
    """`n` cases' outcomes: collected (2 decimals, 0 for the cases that did not pay) drawn
    per the engine's arm: challengers pay with chance pay[1] and `lift` more on average."""
    shares = shares or [50, 50]
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        case_id = f"C-{seed}-{i}"
        arm = assign(EXPERIMENT, shares, case_id)
        paid = rng.random() < (pay[0] if arm == 0 else pay[1])
        amount = rng.gamma(2.0, 150.0) + (lift if arm else 0.0) if paid else 0.0
        out.append({"case_id": case_id, "collected": Decimal(f"{amount:.2f}"), "contacts": int(rng.integers(0, 6))})
    return out


def split(rows: list[dict[str, Any]], shares: list[int]) -> list[list[dict[str, Any]]]:
    arms: list[list[dict[str, Any]]] = [[] for _ in shares]
    for r in rows:
        arms[assign(EXPERIMENT, shares, r["case_id"])].append(r)
    return arms


def fixed_request(rows: list[dict[str, Any]], metric: str, *, plan: dict[str, Any] | None = None,
                  shares: list[int] | None = None) -> dict[str, Any]:
    if plan is None:
        plan = ({"metric": "collected_per_case", "baseline": "100", "sd": "160", "minimum_effect": "40"}
                if metric == "collected_per_case" else
                {"metric": "paid_pct", "baseline": "35", "minimum_effect": "10"})
    return {"experiment": EXPERIMENT, "shares": shares or [50, 50], "test": {"kind": "fixed", "plan": plan},
            "outcomes": rows}


def values(rows: list[dict[str, Any]], metric: str) -> Any:
    if metric == "collected_per_case":
        return np.array([float(r["collected"]) for r in rows])
    return np.array([1.0 if r["collected"] > 0 else 0.0 for r in rows])


def test_our_assignment_is_the_engines() -> None:
    rows = outcomes(400, seed=1)
    shares = [50, 50]
    with_arms = [{**r, "arm": assign(EXPERIMENT, shares, r["case_id"])} for r in rows]
    report = recobro.experiment(fixed_request(with_arms, "collected_per_case"))  # a wrong arm would raise
    arms = split(rows, shares)
    assert [a["cases"] for a in report["arms"]] == [len(a) for a in arms]
    assert min(len(a) for a in arms) > 150
    # and a three-arm split
    shares3 = [20, 30, 50]
    rows3 = outcomes(300, seed=2, shares=shares3)
    report = recobro.experiment(
        {"experiment": EXPERIMENT, "shares": shares3,
         "test": {"kind": "sequential", "minimum_effect": "10"},
         "outcomes": [{**r, "arm": assign(EXPERIMENT, shares3, r["case_id"])} for r in rows3]}
    )
    assert [a["cases"] for a in report["arms"]] == [len(a) for a in split(rows3, shares3)]
    assert [c["role"] for c in report["comparisons"]] == ["challenger 1", "challenger 2"]


@pytest.mark.parametrize("metric", ["collected_per_case", "paid_pct"])
@pytest.mark.parametrize("n,seed,lift", [(1200, 5, 0.0), (3000, 6, 60.0), (400, 8, 25.0)])
def test_fixed_test_is_welch(metric: str, n: int, seed: int, lift: float) -> None:
    pay = (0.35, 0.45) if lift else (0.35, 0.35)
    rows = outcomes(n, seed=seed, lift=lift, pay=pay)
    report = recobro.experiment(fixed_request(rows, metric))
    assert report["test"] == "fixed" and report["metric"] == metric and report["confidence"] == Decimal("0.95")
    champ_rows, chall_rows = split(rows, [50, 50])
    champ, chall = values(champ_rows, metric), values(chall_rows, metric)

    # the arms' figures
    for arm, rs in zip(report["arms"], (champ_rows, chall_rows)):
        col = values(rs, "collected_per_case")
        assert arm["cases"] == len(rs)
        assert close(arm["collected_per_case"], float(col.mean()))
        assert close(arm["paid_pct"], float((col > 0).mean() * 100))
        assert close(arm["contacts_per_case"], float(np.mean([r["contacts"] for r in rs])))

    t = stats.ttest_ind(chall, champ, equal_var=False)
    ci = t.confidence_interval(0.95)
    (cmp,) = report["comparisons"]
    scale, tol = (1.0, 1.01e-6) if metric == "collected_per_case" else (100.0, 1.01e-4)
    d = cmp["difference"]
    assert close(d["estimate"], (chall.mean() - champ.mean()) * scale, abs_tol=tol)
    assert close(d["lo"], ci.low * scale, abs_tol=tol), (d, ci)
    assert close(d["hi"], ci.high * scale, abs_tol=tol), (d, ci)
    assert close(cmp["p_value"], float(t.pvalue)), (cmp["p_value"], t.pvalue)

    # the verdict waits for the plan's cases per arm
    need = report["plan"]["cases_per_arm"]
    reached = len(champ_rows) >= need[0] and len(chall_rows) >= need[1]
    if not reached:
        assert cmp["status"] == "running" and cmp["verdict"] is None
    elif d["lo"] > 0:
        assert (cmp["status"], cmp["verdict"]) == ("conclusive", "better")
    elif d["hi"] < 0:
        assert (cmp["status"], cmp["verdict"]) == ("conclusive", "worse")
    else:
        assert (cmp["status"], cmp["verdict"]) == ("inconclusive", "not_distinguishable")
    # the interval excludes zero exactly when Welch's p-value is below 5%
    assert (d["lo"] > 0 or d["hi"] < 0) == (t.pvalue < 0.05)


def test_fixed_test_statuses() -> None:
    """One run of each: not enough cases (running, whatever the data say), reached with a
    clear lift (better), reached with none (inconclusive)."""
    plan = {"metric": "collected_per_case", "baseline": "100", "sd": "160", "minimum_effect": "40"}
    need = recobro.experiment_plan(plan)["cases_per_arm"]
    assert need == [252, 252]  # (1.959964 + 0.841621)^2 * 2 * 160^2 / 40^2 = 251.1
    early = recobro.experiment(fixed_request(outcomes(300, seed=31, lift=200.0, pay=(0.3, 0.6)),
                                             "collected_per_case", plan=plan))
    assert max(a["cases"] for a in early["arms"]) < min(need)
    c = early["comparisons"][0]
    assert (c["status"], c["verdict"]) == ("running", None)
    assert c["difference"]["lo"] > 0 and c["p_value"] < Decimal("0.001")  # clear already: still no verdict
    assert "252" in c["message"]
    big = outcomes(3000, seed=6, lift=60.0, pay=(0.35, 0.45))
    done = recobro.experiment(fixed_request(big, "collected_per_case", plan=plan))
    assert min(a["cases"] for a in done["arms"]) >= max(need)
    assert (done["comparisons"][0]["status"], done["comparisons"][0]["verdict"]) == ("conclusive", "better")
    flat = recobro.experiment(fixed_request(outcomes(3000, seed=12), "collected_per_case", plan=plan))
    c = flat["comparisons"][0]
    assert c["difference"]["lo"] <= 0 <= c["difference"]["hi"]
    assert (c["status"], c["verdict"]) == ("inconclusive", "not_distinguishable")
    assert done["plan"] == recobro.experiment_plan(plan)


def msprt(delta: float, v: float, tau2: float, alpha: float = 0.05) -> tuple[float, float, float]:
    """The mSPRT p-value and always-valid interval (Johari et al. 2022; core/src/stats.rs)."""
    ln_lambda = 0.5 * np.log(v / (v + tau2)) + tau2 * delta**2 / (2 * v * (v + tau2))
    p = min(1.0, float(np.exp(-ln_lambda)))
    half = float(np.sqrt(v * (v + tau2) / tau2 * (np.log((v + tau2) / v) + 2 * np.log(1 / alpha))))
    return p, delta - half, delta + half


@pytest.mark.parametrize("metric,effect", [("collected_per_case", "30"), ("paid_pct", "5")])
@pytest.mark.parametrize("n,seed,lift", [(600, 21, 0.0), (4000, 22, 60.0), (60, 23, 0.0)])
def test_sequential_is_msprt(metric: str, effect: str, n: int, seed: int, lift: float) -> None:
    pay = (0.35, 0.45) if lift else (0.35, 0.35)
    rows = outcomes(n, seed=seed, lift=lift, pay=pay)
    report = recobro.experiment({"experiment": EXPERIMENT, "shares": [50, 50],
                                 "test": {"kind": "sequential", "metric": metric, "minimum_effect": effect},
                                 "outcomes": rows})
    assert report["test"] == "sequential" and report["plan"] is None and report["metric"] == metric
    champ_rows, chall_rows = split(rows, [50, 50])
    a, b = values(champ_rows, metric), values(chall_rows, metric)
    scale = 1.0 if metric == "collected_per_case" else 100.0
    tau = float(effect) / scale
    v = a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)
    p, lo, hi = msprt(float(b.mean() - a.mean()), float(v), tau * tau)
    (cmp,) = report["comparisons"]
    tol = 1.01e-6 * scale
    assert close(cmp["p_value"], p), (cmp["p_value"], p)
    d = cmp["difference"]
    assert close(d["estimate"], (b.mean() - a.mean()) * scale, abs_tol=tol)
    assert close(d["lo"], lo * scale, abs_tol=tol) and close(d["hi"], hi * scale, abs_tol=tol), (d, lo, hi)
    # always valid: wider than the fixed test's interval on the same data
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert hi - lo > welch.high - welch.low
    if d["lo"] > 0:
        assert (cmp["status"], cmp["verdict"]) == ("conclusive", "better")
    elif d["hi"] < 0:
        assert (cmp["status"], cmp["verdict"]) == ("conclusive", "worse")
    else:
        assert (cmp["status"], cmp["verdict"]) == ("running", None)
    if lift:
        assert cmp["verdict"] == "better"


# ---------------------------------------------------------------------------------------
# Plans


def power_means(n: int, sd: float, delta: float) -> float:
    """Power of a two-sided 5% test of two means at n per arm (normal approximation,
    without the far tail)."""
    return float(stats.norm.cdf(delta / (sd * math.sqrt(2.0 / n)) - Z975))


def power_props(n: int, p0: float, p1: float) -> float:
    se = math.sqrt((p0 * (1 - p0) + p1 * (1 - p1)) / n)
    return float(stats.norm.cdf(abs(p1 - p0) / se - Z975))


def test_plan_textbook_figure() -> None:
    plan = recobro.experiment_plan({"baseline": "100", "sd": "100", "minimum_effect": "10", "power": "0.8"})
    assert plan == {"metric": "collected_per_case", "minimum_effect": Decimal("10"), "alpha": Decimal("0.05"),
                    "power": Decimal("0.8"), "cases_per_arm": [1570, 1570], "cases_total": 3140}
    # the same from JSON text, and power's default is 0.8
    assert recobro.experiment_plan('{"baseline": "100", "sd": "100", "minimum_effect": "10"}') == plan


@pytest.mark.parametrize("sd,delta,power", [
    ("100", "10", "0.8"), ("250", "7.5", "0.9"), ("40", "3", "0.95"), ("1200", "150", "0.5"),
    ("12.5", "0.8", "0.99"), ("5000", "900", "0.85"), ("80", "33", "0.8"),
])
def test_plan_means_has_the_power(sd: str, delta: str, power: str) -> None:
    plan = recobro.experiment_plan({"baseline": "500", "sd": sd, "minimum_effect": delta, "power": power})
    n0, n1 = plan["cases_per_arm"]
    assert n0 == n1 and plan["cases_total"] == 2 * n0 and plan["power"] == Decimal(power)
    target = float(power)
    assert power_means(n0, float(sd), float(delta)) >= target - 1e-12, (n0, power_means(n0, float(sd), float(delta)))
    assert power_means(n0 - 1, float(sd), float(delta)) < target, n0


@pytest.mark.parametrize("baseline,effect,power", [
    ("35", "10", "0.8"), ("5", "1", "0.8"), ("50", "2.5", "0.9"), ("90", "5", "0.8"), ("20", "0.5", "0.95"),
    ("1", "3", "0.7"),
])
def test_plan_proportions_has_the_power(baseline: str, effect: str, power: str) -> None:
    plan = recobro.experiment_plan({"metric": "paid_pct", "baseline": baseline, "minimum_effect": effect,
                                    "power": power})
    assert plan["metric"] == "paid_pct"
    n0, n1 = plan["cases_per_arm"]
    assert n0 == n1 and plan["cases_total"] == 2 * n0
    p0, p1 = float(baseline) / 100, (float(baseline) + float(effect)) / 100
    assert power_props(n0, p0, p1) >= float(power) - 1e-12
    assert power_props(n0 - 1, p0, p1) < float(power)


def test_plan_unequal_shares() -> None:
    """`N = (z + z_power)^2 (sd^2/w0 + sd^2/w1) / delta^2` in all, each arm its share."""
    plan = recobro.experiment_plan({"baseline": "100", "sd": "100", "minimum_effect": "10", "shares": [20, 80]})
    z = Z975 + stats.norm.ppf(0.8)
    total = z * z * (100**2 / 0.2 + 100**2 / 0.8) / 100
    assert plan["cases_per_arm"] == [math.ceil(total * 0.2), math.ceil(total * 0.8)]
    # the power of the unequal test at those sizes
    n0, n1 = plan["cases_per_arm"]
    assert stats.norm.cdf(10 / math.sqrt(100**2 / n0 + 100**2 / n1) - Z975) >= 0.8


# ---------------------------------------------------------------------------------------
# Errors


def test_replications_out_of_range(request_: dict[str, Any]) -> None:
    for bad in (0, 101):
        with pytest.raises(recobro.InvalidInputError) as e:
            recobro.simulate({**request_, "replications": bad})
        assert e.value.path == "request.replications" and e.value.code == "input.invalid", e.value
        assert "between 1 and 100" in e.value.message
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.simulate({"generate": 5, "days": 5, "replications": "2"})
    assert e.value.path == "request.replications"


def test_simulation_request_errors(request_: dict[str, Any]) -> None:
    with pytest.raises(recobro.InvalidInputError) as e:  # a float is not exact: refused on the way in
        recobro.simulate({"generate": 5, "days": 5, "response_model": {"channels": {"sms": {"cost": 0.05}}}})
    assert e.value.path == "request.response_model.channels.sms.cost"
    with pytest.raises(recobro.InvalidInputError) as e:  # a bad case, found as the request runs
        bad = [dict(c) for c in request_["cases"][:3]]
        bad[2] = {**bad[2], "debtor": {**bad[2]["debtor"], "timezone": "Mars/Base"}}
        recobro.simulate({"cases": bad, "days": 5})
    assert e.value.path is not None and e.value.path.startswith("request.cases[2].debtor"), e.value
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.simulate({"generate": 5, "dayz": 5})
    assert e.value.path is not None and e.value.path.startswith("request"), e.value
    with pytest.raises(recobro.PolicySyntaxError) as e:
        recobro.simulate({"generate": 5, "days": 5, "policies": [{"source": "fn segment(c) { 1 + }"}]})
    assert e.value.message.startswith("policies[0]:") and e.value.line is not None
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.simulate(b"\xff{}")
    assert (e.value.code, e.value.path) == ("input.json", "request")


def test_start_is_read_and_written_as_an_instant() -> None:
    from datetime import datetime, timedelta, timezone

    bogota = timezone(timedelta(hours=-5))
    r = recobro.simulate({"generate": 5, "days": 3, "start": datetime(2026, 3, 16, 10, tzinfo=bogota)})
    assert r["settings"]["start"] == datetime(2026, 3, 16, 15, tzinfo=timezone.utc)
    assert r["settings"]["start"].tzinfo == timezone.utc
    with pytest.raises(recobro.InvalidInputError) as e:  # naive: refused, as in a case
        recobro.simulate({"generate": 5, "days": 3, "start": datetime(2026, 3, 16, 10)})
    assert e.value.path == "request.start"


def test_wrong_arm_is_refused() -> None:
    rows = outcomes(50, seed=9)
    shares = [50, 50]
    i = 17
    rows = [{**r, "arm": assign(EXPERIMENT, shares, r["case_id"])} for r in rows]
    rows[i] = {**rows[i], "arm": 1 - rows[i]["arm"]}
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment(fixed_request(rows, "collected_per_case"))
    assert e.value.path == f"experiment.outcomes[{i}].arm" and e.value.code == "input.invalid"
    assert rows[i]["case_id"] in e.value.message


def test_experiment_errors() -> None:
    rows = outcomes(10, seed=10)
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment(fixed_request(rows, "collected_per_case",
                                         plan={"baseline": "100", "minimum_effect": "10"}))
    assert e.value.path == "experiment.test.plan.sd"
    rows[3] = {**rows[3], "collected": "-1"}
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment(fixed_request(rows, "collected_per_case"))
    assert e.value.path == "experiment.outcomes[3].collected"
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment({**fixed_request(rows[:3], "collected_per_case"), "outcomes": [{"case_id": "x", "collected": 1.5}]})
    assert e.value.path == "experiment.outcomes[0].collected"


def test_plan_errors() -> None:
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment_plan({"baseline": "100", "minimum_effect": "10"})
    assert e.value.path == "plan.sd" and e.value.code == "input.invalid"
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment_plan({"baseline": "100", "sd": "10", "minimum_effect": "10", "power": "0.3"})
    assert e.value.path == "plan.power"
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment_plan({"metric": "paid_pct", "baseline": "95", "minimum_effect": "10"})
    assert e.value.path == "plan.minimum_effect"
    with pytest.raises(recobro.InvalidInputError) as e:
        recobro.experiment_plan("{")
    assert (e.value.code, e.value.path) == ("input.json", "plan")


# ---------------------------------------------------------------------------------------
# The GIL


def test_simulate_releases_the_gil(cases: list[dict[str, Any]]) -> None:
    """With a switch interval longer than the test, a thread that holds the GIL is never
    preempted between bytecodes of its own: this thread can only run while the worker is
    inside `simulate` if `simulate` lets the GIL go."""
    text = json.dumps({"cases": cases, "policies": [{}, {"embedded": "consumer/digital_first"}],
                       "days": 60, "replications": 4}, default=str)
    state = {"inside": False, "seen_inside": 0}
    done = threading.Event()

    def work() -> None:
        state["inside"] = True
        recobro._native.simulate(text)
        state["inside"] = False
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        t = threading.Thread(target=work)
        t.start()
        while not done.wait(0.001):  # waiting lets the GIL go; waking needs it back
            if state["inside"]:
                state["seen_inside"] += 1
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert state["seen_inside"] > 0


def test_results_are_deterministic(request_: dict[str, Any], replicated: dict[str, Any]) -> None:
    again = recobro._native.simulate({**request_})
    digest = hashlib.sha256(again.encode()).hexdigest()
    assert digest == hashlib.sha256(recobro._native.simulate(request_).encode()).hexdigest()
    assert json.loads(again)["uncertainty"]["seeds"] == replicated["uncertainty"]["seeds"]
