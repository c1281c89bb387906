"""Run scenarios on a baseline with a general-equilibrium engine.

The runner compiles each scenario (:mod:`usmca.scenarios.compile`) to new tariffs
:math:`\\tau'` and trade-cost changes :math:`\\hat d`, hands them to a solver, and collects per
country the welfare change (Caliendo and Parro 2015: terms-of-trade plus volume-of-trade
effects), the real-wage change :math:`\\hat w/\\hat P`, the change in goods exports and imports,
and per country x sector the change in gross output. The scenario's ``model:`` field picks the
solver from :data:`usmca.ge.registry.MODELS` (``caliendo-parro``, ``gravity``); any callable with
the signature of :class:`usmca.ge.registry.Solver` can be passed instead (tests use an independent
one-sector solver).

With the Caliendo-Parro engine every run states its trade-balance closure (:class:`RunOptions`, a
scenario's ``closure:`` field; :mod:`usmca.ge.caliendo_parro.adapter`), reports exports and imports
nominal and real, gross output nominal (``sectors``) and real (``sectors_real``), and the 90%
Monte Carlo interval of each figure (``intervals``) over the sampling distributions of the trade
elasticities and, for agreement-level changes, of the agreement's PPML trade effect
(``uncertainty`` says how). ``versus`` is the scenario's own effect against its ``compare_to``;
``explain`` decomposes vehicle output and US exports by their inputs (:mod:`.explain`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from usmca.errors import UserInputError
from usmca.ge.caliendo_parro.adapter import DEFAULT_CLOSURE, PERCENTILES
from usmca.ge.registry import CLOSURES, Solver, get_solver

from .compile import CompiledScenario, compile_scenario
from .schema import Scenario

__all__ = ["ScenarioResult", "Solver", "RunOptions", "run_scenario", "run_scenarios", "with_versus",
           "tariff_wedges", "COUNTRY_METRICS"]

COUNTRY_METRICS = ("welfare_pct", "real_wage_pct", "tot_pct", "vot_pct", "exports_pct", "imports_pct",
                   "exports_real_pct", "imports_real_pct")


@dataclass(frozen=True)
class RunOptions:
    """How a run is solved: the trade-balance closure and the Monte Carlo.

    ``closure``: one of :data:`usmca.ge.registry.CLOSURES`; ``None`` uses each scenario's own
    ``closure:`` field, else :data:`usmca.ge.caliendo_parro.adapter.DEFAULT_CLOSURE`. A given closure
    overrides the scenarios' fields. ``draws``: Monte Carlo draws of the elasticities (and of the
    agreement effect) behind the 90% intervals (0: none); ``seed`` makes them reproducible.
    """

    closure: str | None = None
    draws: int = 100
    seed: int = 0

    def __post_init__(self) -> None:
        if self.closure is not None and self.closure not in CLOSURES:
            raise UserInputError("--closure", "", self.closure, f"unknown closure; one of {', '.join(CLOSURES)}")
        if isinstance(self.draws, bool) or not isinstance(self.draws, int) or self.draws < 0:
            raise UserInputError("--draws", "", self.draws, "must be an integer >= 0")


@dataclass(frozen=True)
class ScenarioResult:
    """Results and provenance of one scenario run."""

    name: str
    title: str
    description: str
    date: str
    countries: dict[str, dict[str, float | None]]
    sectors: dict[str, dict[str, float | None]]
    tariff_wedges: dict[str, dict[str, float]]
    law_used: list[dict[str, Any]]
    assumptions: list[dict[str, Any]]
    reform: dict[str, Any]
    notes: list[str]
    diagnostics: dict[str, Any] = field(default_factory=dict)
    compare_to: str | None = None
    origin_whatif: bool = False
    sensitivity: dict[str, Any] = field(default_factory=dict)
    reform_raw: Mapping[str, Any] | None = None
    calibration: dict[str, Any] = field(default_factory=dict)
    closure: str | None = None
    """Trade-balance closure the scenario was solved under (see :mod:`usmca.ge.caliendo_parro.adapter`)."""
    sectors_real: dict[str, dict[str, float | None]] = field(default_factory=dict)
    """Gross output by country x sector deflated by its producer price (volume), percent."""
    intervals: dict[str, Any] = field(default_factory=dict)
    """90% Monte Carlo intervals ``[p5, p95]``: ``countries[c][metric]``, ``sectors[c][s]``,
    ``sectors_real[c][s]`` (same keys as the point estimates)."""
    uncertainty: dict[str, Any] = field(default_factory=dict)
    """How the intervals were made: draws, seed, parameters, converged draws, agreement estimate."""
    explain: dict[str, Any] = field(default_factory=dict)
    """Decomposition of vehicle output and US export changes by their inputs (:mod:`.explain`)."""
    versus: dict[str, Any] = field(default_factory=dict)
    """The scenario's own effect: the change relative to its ``compare_to`` scenario, per country and
    metric, with the 90% interval of the per-draw difference (same seeded elasticity draws)."""
    draws: Mapping[str, Any] | None = field(default=None, repr=False)
    """Raw Monte Carlo arrays (row 0 the point estimate), kept out of ``to_dict``."""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(replace(self, draws=None))
        d.pop("reform_raw")
        d.pop("draws")
        return d

    def to_frame(self) -> Any:
        """The main table of this result as a pandas DataFrame of floats (:mod:`usmca.frames`)."""
        from usmca.frames import result_frame

        return result_frame(self)

    def to_frames(self) -> Any:
        """Every table of this result as pandas DataFrames of floats (:mod:`usmca.frames`)."""
        from usmca.frames import result_frames

        return result_frames(self)


def tariff_wedges(countries: tuple[str, ...], base: np.ndarray, new: np.ndarray, flows: np.ndarray
                  ) -> dict[str, dict[str, float]]:
    """Trade-weighted tariff by importer and exporter, before and after, at baseline flows.

    .. math:: \\bar\\tau_{ni} = \\sum_j \\tau_{nij} Z_{nij} / \\sum_j Z_{nij}

    Only pairs whose tariff changes are listed (``{importer: {exporter: percent}}``).
    """
    z = flows.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(z > 0, (base * flows).sum(axis=2) / z, 0.0)
        a = np.where(z > 0, (new * flows).sum(axis=2) / z, 0.0)
    out: dict[str, dict[str, float]] = {}
    n, i = np.nonzero(np.abs(a - b) > 1e-12)
    for k in range(len(n)):
        out.setdefault(countries[n[k]], {})[countries[i[k]]] = float(100 * a[n[k], i[k]])
    return out


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def run_scenario(s: Scenario, baseline: Any, solver: Solver | None = None, calibrate: bool = True,
                 options: RunOptions | None = None) -> ScenarioResult:
    """Compile ``s`` on ``baseline`` and solve it; see the module docstring for the outputs.

    With ``calibrate`` (default) a scenario marked ``calibrate: tariff_engine`` takes its US
    tariffs on Mexico and Canada from the tariff engine when the flow data are present
    (:mod:`usmca.scenarios.calibrate`); ``result.calibration`` says what was used. A variant whose
    claim shares differ from its calibration root's (e.g. termination) has the root's observed
    claims rescaled line by line (:func:`usmca.scenarios.calibrate.claim_scale`) and the gap taken
    on itself.
    """
    cal: np.ndarray | None = None
    cal_info: dict[str, Any] = {}
    if calibrate and s.calibrate:
        from .calibrate import claim_scale, engine_calibration  # noqa: PLC0415

        root = s.calibrate_from or s
        rescaled = s is not root and bool(claim_scale(s, root, tuple(baseline.sectors)))
        engine, cal_info = engine_calibration(root, baseline, claims_of=s if rescaled else None)
        if rescaled:          # the engine already carries s's claims: the gap is taken on s itself
            root = s
        if engine is not None:
            law_root = compile_scenario(root, baseline.countries, baseline.sectors, baseline.tariffs, baseline.flows,
                                        getattr(baseline, "region_groups", None),
                                        getattr(baseline, "sector_groups", None))
            cal = engine - law_root.tariffs                       # NaN outside the calibrated cells
            us = baseline.countries.index("USA")
            cal_info["calibrated_on"] = root.name
            cal_info["law_derived_pct"] = {
                c: {j: round(100 * float(law_root.tariffs[us, baseline.countries.index(c), k]), 3)
                    for k, j in enumerate(baseline.sectors) if np.isfinite(engine[us, baseline.countries.index(c), k])}
                for c in cal_info.get("rates_pct", {})}
    compiled: CompiledScenario = compile_scenario(s, baseline.countries, baseline.sectors, baseline.tariffs,
                                                  baseline.flows, getattr(baseline, "region_groups", None),
                                                  getattr(baseline, "sector_groups", None), calibration=cal)
    solve = solver or get_solver(s.model, s.source, "model")
    opts = options or RunOptions()
    closure = opts.closure or s.closure
    if getattr(solve, "accepts_options", False):
        closure = closure or DEFAULT_CLOSURE
        with_options: Callable[..., Mapping[str, Any]] = solve   # a Solver that declares accepts_options
        res = with_options(baseline, compiled.tariffs, compiled.trade_cost_hat, closure=closure, draws=opts.draws,
                    seed=opts.seed, agreement_share=compiled.agreement_share,
                    agreement_margin=compiled.agreement_margin)
    else:
        res = solve(baseline, compiled.tariffs, compiled.trade_cost_hat)
    countries = {c: {m: _finite(res["countries"].get(c, {}).get(m)) for m in COUNTRY_METRICS}
                 for c in baseline.countries}
    sectors = {c: {s_: _finite(v) for s_, v in res.get("sectors", {}).get(c, {}).items()} for c in baseline.countries}
    sectors_real = {c: {s_: _finite(v) for s_, v in res.get("sectors_real", {}).get(c, {}).items()}
                    for c in baseline.countries} if res.get("sectors_real") else {}
    assumptions = [{"name": a.name, "value": a.value, "unit": a.unit, "source": a.source, "url": a.url,
                    "note": a.note} for a in s.assumptions]
    return ScenarioResult(
        name=s.name, title=s.title, description=s.description, date=s.date.isoformat(), countries=countries,
        sectors=sectors, tariff_wedges=tariff_wedges(baseline.countries, baseline.tariffs, compiled.tariffs,
                                                     baseline.flows),
        law_used=compiled.law_used, assumptions=assumptions, reform=compiled.reform_status,
        notes=([s.notes] if s.notes else []) + compiled.notes,
        diagnostics=dict(res.get("diagnostics", {})), compare_to=s.compare_to, origin_whatif=s.origin_whatif,
        sensitivity=_sensitivity(res.get("sensitivity")), reform_raw=s.reform, calibration=cal_info,
        closure=res.get("diagnostics", {}).get("closure", closure), sectors_real=sectors_real,
        intervals=res.get("intervals", {}), uncertainty=res.get("uncertainty", {}), draws=res.get("draws"),
        explain=_explain(baseline, compiled, countries, sectors_real or sectors, res))


def _explain(baseline: Any, compiled: CompiledScenario, countries: dict, sectors: dict, res: Mapping) -> dict:
    try:
        from .explain import explain
    except ImportError:  # pragma: no cover
        return {}
    return explain(baseline, compiled, countries, sectors, res)


def _sensitivity(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    return {"theta_factors": list(raw.get("theta_factors", [])),
            "welfare_pct": {c: [_finite(v) for v in vals] for c, vals in raw.get("welfare_pct", {}).items()}}


def run_scenarios(scenarios: Iterable[Scenario], baseline: Any, solver: Solver | None = None,
                  progress: Callable[[Sequence[Any], str], Iterable[Any]] | None = None,
                  calibrate: bool = True, options: RunOptions | None = None) -> dict[str, ScenarioResult]:
    """Run several scenarios; ``progress(items, description)`` wraps the loop (e.g. a rich bar)."""
    items = list(scenarios)
    it = progress(items, "Solving scenarios") if progress else items
    out = {s.name: run_scenario(s, baseline, solver, calibrate, options) for s in it}
    return with_versus(out, tuple(baseline.countries))


def with_versus(results: Mapping[str, ScenarioResult], countries: tuple[str, ...]) -> dict[str, ScenarioResult]:
    """Every result with ``versus`` set against its ``compare_to`` when that scenario is among ``results``
    (run with the same options, so the per-draw difference uses the same elasticity draws)."""
    return {n: _versus(r, results.get(r.compare_to or ""), countries) for n, r in results.items()}


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _versus(r: ScenarioResult, cmp_: ScenarioResult | None, countries: tuple[str, ...]) -> ScenarioResult:
    """Attach ``versus``: r minus its comparator, point and 90% interval of the per-draw difference."""
    if cmp_ is None:
        return r
    point = {c: {m: _minus(v, cmp_.countries[c].get(m)) for m, v in r.countries[c].items()} for c in countries}
    bands: dict[str, dict[str, Any]] = {c: {} for c in countries}
    a, b = r.draws or {}, cmp_.draws or {}
    for m in set(a) & set(b):
        d = np.asarray(a[m]) - np.asarray(b[m])
        if d.shape[0] > 2:
            with np.errstate(all="ignore"):
                q = np.nanpercentile(d[1:], PERCENTILES, axis=0)
            for k, c in enumerate(countries):
                bands[c][m] = [float(q[0, k]), float(q[1, k])]
    return replace(r, versus={"scenario": cmp_.name, "countries": point, "intervals": bands})

