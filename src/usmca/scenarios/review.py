"""One review orchestration: run the scenario library, the effective rates and the origin what-if.

``run_review`` is the single place where the 2026-review document is assembled; the command line
(``usmca review``), the HTTP API (``GET /review``, ``/review/briefing``) and the briefing
(:mod:`usmca.report`) all read the :class:`Review` it returns, and :mod:`usmca.report` only
renders it.

The review holds, in the scenarios' lettered order ((a), (b), (c), ...):

* each scenario's :class:`~usmca.scenarios.runner.ScenarioResult` (welfare, real wage, terms and
  volume of trade, exports and imports by country; gross output by sector; tariff wedges; the
  law and assumptions used). Fields the runner adds later (90% Monte Carlo intervals, the
  trade-balance closure, published comparisons) flow through unchanged: :meth:`Review.to_dict`
  keeps every field of :meth:`ScenarioResult.to_dict`;
* the effective US tariff rates by partner (:func:`usmca.scenarios.etr.effective_rate_table`);
* the origin what-if on the example bills of materials shipped as package data
  (:mod:`usmca.examples`): each example is qualified (USMCA Chapter 4, Art. 4.2) under the law
  on the scenario's date and under the scenario's reform.

>>> from usmca.scenarios.review import scenario_order
>>> scenario_order("(m) Current law"), scenario_order("(a) Status quo") < scenario_order("(b) After")
((12, 0), True)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from usmca.errors import UserInputError, UsmcaError

from .library import load_library, load_user_scenario
from .runner import COUNTRY_METRICS, ScenarioResult, Solver, run_scenarios
from .schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Review", "run_review", "assemble_review", "origin_whatif", "select_scenarios", "scenario_order",
           "interval"]

Progress = Callable[[Sequence[Any], str], Iterable[Any]]
_LETTER = re.compile(r"^\(([a-z])\)\s*")
_PATH = re.compile(r"\s+from\s+\S*/\S+\.(csv|json|yaml)\b")     # a repository file named in a description


def scenario_order(title: str) -> tuple[int, int]:
    """Sort key of a scenario title: its letter ``(a)`` -> 0, ``(b)`` -> 1, ...; unlettered last."""
    m = _LETTER.match(title or "")
    return (ord(m.group(1)) - ord("a"), 0) if m else (99, 0)


def interval(result: Any, metric: str, country: str) -> tuple[float, float] | None:
    """The 90% interval of ``metric`` for ``country`` in ``result``, when the runner gives one.

    Reads ``result.intervals[metric][country]`` as ``[lo, hi]`` or ``{"lo", "hi"}`` (or
    ``{"p05", "p95"}``); ``None`` when the run has no Monte Carlo intervals.
    """
    raw = getattr(result, "intervals", None) if not isinstance(result, Mapping) else result.get("intervals")
    if not isinstance(raw, Mapping):
        return None
    if isinstance(raw.get("countries"), Mapping):                   # {countries: {c: {metric: [p5, p95]}}}
        raw = {m: {c: row.get(m) for c, row in raw["countries"].items() if isinstance(row, Mapping)}
               for m in COUNTRY_METRICS}
    cell = (raw.get(metric) or {}).get(country) if isinstance(raw.get(metric), Mapping) else None
    if cell is None and isinstance(raw.get(country), Mapping):        # {country: {metric: [lo, hi]}}
        cell = raw[country].get(metric)
    if isinstance(cell, Mapping):
        lo, hi = cell.get("lo", cell.get("p05")), cell.get("hi", cell.get("p95"))
    elif isinstance(cell, (list, tuple)) and len(cell) == 2:
        lo, hi = cell
    else:
        return None
    try:
        return (float(lo), float(hi))
    except (TypeError, ValueError):
        return None


@dataclasses.dataclass(frozen=True)
class Review:
    """The 2026-review document (immutable).

    Attributes
    ----------
    baseline_source, baseline_description
        Where the baseline comes from, in words.
    countries, sectors
        The baseline's regions and sectors (codes).
    results
        Scenario name -> :class:`~usmca.scenarios.runner.ScenarioResult`, in lettered order.
    effective_rates
        ``{"engine": table | None, "model": table | None}``, a table being
        ``{source, first, columns, rows}`` (see :mod:`usmca.scenarios.etr`).
    origin_whatif
        Rows ``{bom, scenario, date, before, after, status}``.
    provenance
        Bilateral cells of the baseline by provenance (``{description: count}``) and the
        bilateral measures in its tariffs.
    base_wedges
        Trade-weighted baseline tariff, percent, ``{importer: {exporter: %}}`` for every pair a
        scenario changes.
    reforms
        Scenario name -> the changes of its law reform, ``[{path, period, value, unit, label}]``
        (the unit read from the law tree).
    generated
        UTC time of the run.
    """

    baseline_source: str
    baseline_description: str
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    results: Mapping[str, ScenarioResult]
    effective_rates: Mapping[str, Any]
    origin_whatif: tuple[Mapping[str, Any], ...]
    provenance: Mapping[str, Any]
    base_wedges: Mapping[str, Mapping[str, float]]
    reforms: Mapping[str, tuple[Mapping[str, Any], ...]]
    generated: str
    extras: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The document of ``usmca review --json`` with the values as computed (no rounding)."""
        return {"baseline": self.baseline_source, "countries": list(self.countries),
                "scenarios": {n: r.to_dict() for n, r in self.results.items()},
                "origin_whatif": [dict(o) for o in self.origin_whatif],
                "effective_rates": dict(self.effective_rates), "provenance": dict(self.provenance),
                "generated": self.generated, **dict(self.extras)}

    def to_frames(self) -> dict[str, "pd.DataFrame"]:
        """The review as pandas DataFrames with float columns (for notebooks and downloads).

        Returns
        -------
        dict
            ``countries`` (scenario, country, metric, value, lo, hi: the 90% interval when the run
            has one, else NaN), ``sectors`` (scenario, country, sector, output_pct),
            ``tariffs`` (scenario, importer, exporter, baseline_pct, scenario_pct),
            ``effective_rates_model`` / ``effective_rates_engine`` (wide, percent),
            ``origin_whatif`` and ``assumptions`` (scenario, name, value, unit, source, url).
        """
        return _frames(self)

    def to_frame(self) -> "pd.DataFrame":
        """Country results of every scenario, one row per (scenario, country), metrics as float columns."""
        long = self.to_frames()["countries"]
        return long.pivot_table(index=["scenario", "country"], columns="metric", values="value",
                                sort=False).reset_index().rename_axis(columns=None)


def select_scenarios(names: Sequence[str | Path | Scenario] | None = None,
                     library: Mapping[str, Scenario] | None = None) -> list[Scenario]:
    """The scenarios to run: library names, scenario YAML files of the user's, or Scenario objects.

    Raises
    ------
    UserInputError
        For a name that is neither a library scenario nor an existing ``.yaml`` file.
    """
    lib = dict(library) if library is not None else load_library()
    chosen: list[Scenario] = []
    for n in (list(names) if names else list(lib)):
        if isinstance(n, Scenario):
            chosen.append(n)
        elif str(n) in lib:
            chosen.append(lib[str(n)])
        elif str(n).endswith((".yaml", ".yml")) and Path(n).is_file():
            chosen.append(load_user_scenario(Path(n), lib))
        else:
            raise UserInputError("--scenario", "", str(n), f"unknown scenario; one of {', '.join(lib)} or a YAML file")
    return chosen


def _summary(d: Mapping[str, Any]) -> dict[str, Any]:
    rvc = d.get("rvc") or {}
    return {"originating": d.get("originating"), "criterion": d.get("criterion"),
            "rvc": rvc.get("value") if isinstance(rvc, Mapping) else None,
            "threshold": rvc.get("threshold") if isinstance(rvc, Mapping) else None}


def origin_whatif(scenarios: Iterable[Scenario], examples: Sequence[Path] | None = None) -> list[dict[str, Any]]:
    """Qualify the example bills of materials before and after each scenario's reform.

    Only scenarios with ``origin_whatif: true`` are run. Each example is qualified
    (:func:`usmca.origin.qualify`) on the scenario's date under the law in force, then under the
    scenario's reform (a :class:`usmca.law.Reform`); the row's ``status`` is ``"ok"`` or the one
    line of the engine's error.
    """
    from usmca.examples import example_boms
    from usmca.law import Reform
    from usmca.origin import qualify

    paths = list(examples) if examples is not None else example_boms()
    rows: list[dict[str, Any]] = []
    for s in scenarios:
        if not s.origin_whatif:
            continue
        reform = Reform.from_dict(dict(s.reform), source=s.source) if s.reform is not None else None
        for path in paths:
            row: dict[str, Any] = {"bom": path.name, "scenario": s.name, "date": s.date.isoformat(),
                                   "before": None, "after": None, "status": "ok"}
            try:
                row["before"] = _summary(qualify(path, date=s.date).to_dict())
                row["after"] = (_summary(qualify(path, date=s.date, reform=reform).to_dict())
                                if reform is not None else row["before"])
            except UsmcaError as exc:
                row["status"] = f"origin engine: {exc}"
            rows.append(row)
    return rows


def _base_wedges(baseline: Any, results: Mapping[str, ScenarioResult]) -> dict[str, dict[str, float]]:
    """Trade-weighted baseline tariff (%) for every pair a scenario changes:
    :math:`100 \\sum_j \\tau_{nij} Z_{nij} / \\sum_j Z_{nij}`."""
    out: dict[str, dict[str, float]] = {}
    for r in results.values():
        for imp, row in r.tariff_wedges.items():
            n = baseline.countries.index(imp)
            for exp in row:
                i = baseline.countries.index(exp)
                z = float(baseline.flows[n, i].sum())
                v = float((baseline.tariffs[n, i] * baseline.flows[n, i]).sum() / z) if z > 0 else 0.0
                out.setdefault(imp, {})[exp] = 100 * v
    return out


def _reform_rows(s: Scenario) -> tuple[dict[str, Any], ...]:
    """The changes of ``s``'s reform with each parameter's unit and label from the law tree."""
    if not s.reform:
        return ()
    from usmca.law import default_tree

    tree = default_tree()
    rows = []
    for path, periods in (s.reform.get("changes") or {}).items():
        try:
            node = tree.parameter(path)
            unit, label = node.unit, node.label or ""
        except UsmcaError:
            unit, label = "", ""
        for period, v in (periods or {}).items():
            value = v.get("value") if isinstance(v, Mapping) else v
            rows.append({"path": path, "period": str(period), "value": value, "unit": unit, "label": label})
    return tuple(rows)


def assemble_review(results: Mapping[str, ScenarioResult], baseline: Any, scenarios: Sequence[Scenario], *,
                    engine_rates: bool = True, examples: Sequence[Path] | None = None,
                    origin: Sequence[Mapping[str, Any]] | None = None) -> Review:
    """The :class:`Review` of already computed ``results`` (the API computes them one by one).

    ``origin`` passes an origin what-if computed before (else it is computed here).
    """
    from usmca.tariffs.schedule import calibration_data_source

    from .compare import review_extras
    from .etr import effective_rate_table
    from .runner import with_versus

    ordered = dict(sorted(with_versus(results, tuple(baseline.countries)).items(),
                          key=lambda kv: scenario_order(kv[1].title)))
    meta = getattr(baseline, "meta", None) or {}
    cells = baseline.status_table() if hasattr(baseline, "status_table") else {}
    return Review(
        baseline_source=str(getattr(baseline, "source", "")),
        baseline_description=_PATH.sub("", str(meta.get("description", getattr(baseline, "source", "")))),
        countries=tuple(baseline.countries), sectors=tuple(baseline.sectors),
        results=MappingProxyType(ordered),
        effective_rates=MappingProxyType(effective_rate_table(baseline, ordered, engine=engine_rates)),
        origin_whatif=tuple(origin if origin is not None else origin_whatif(scenarios, examples)),
        provenance=MappingProxyType({"cells": dict(cells), "measures": list(meta.get("bilateral_measures", []))}),
        base_wedges=MappingProxyType(_base_wedges(baseline, ordered)),
        reforms=MappingProxyType({s.name: _reform_rows(s) for s in scenarios if s.name in ordered}),
        extras=MappingProxyType({**review_extras(ordered), "data_source": calibration_data_source(ordered)}),
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def run_review(scenarios: Sequence[str | Path | Scenario] | None = None, baseline: Any = None, *,
               solver: Solver | None = None, progress: Progress | None = None, engine_rates: bool = True,
               examples: Sequence[Path] | None = None, options: Any = None) -> Review:
    """Run the 2026-review scenarios and assemble the review.

    Parameters
    ----------
    scenarios
        Library names, paths of scenario YAML files, or :class:`Scenario` objects (default: the
        whole library).
    baseline
        A :class:`usmca.data.baseline.Baseline` (default: the embedded 2024 baseline).
    solver
        A :data:`usmca.scenarios.runner.Solver` (default: the Caliendo-Parro engine).
    progress
        ``progress(items, description)`` wrapping the loop over scenarios (a rich bar in the CLI).
    engine_rates
        Also compute the tariff engine's effective rates (needs the observed flow data).
    examples
        Bills of materials for the origin what-if (default: the examples shipped as package data).
    options
        A :class:`usmca.scenarios.runner.RunOptions` (closure, Monte Carlo draws, seed).

    Returns
    -------
    Review

    Examples
    --------
    >>> review = run_review(["status_quo_2025"])          # doctest: +SKIP
    >>> review.to_frame().query("country == 'MEX'")       # doctest: +SKIP
    """
    if baseline is None:
        from usmca.data.baseline import load_baseline

        baseline = load_baseline()
    chosen = select_scenarios(scenarios)
    results = run_scenarios(chosen, baseline, solver, progress=progress, options=options)
    return assemble_review(results, baseline, chosen, engine_rates=engine_rates, examples=examples)


def _float(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def _table_frame(t: Mapping[str, Any] | None) -> "pd.DataFrame":
    import pandas as pd

    if not t:
        return pd.DataFrame()
    cols = [t["first"], *t["columns"]]
    df = pd.DataFrame([list(r) for r in t["rows"]], columns=cols)
    for c in cols[1:]:
        df[c] = df[c].map(_float)
    return df


def _frames(rv: Review) -> dict[str, "pd.DataFrame"]:
    import pandas as pd

    nan = float("nan")
    countries = []
    for n, r in rv.results.items():
        for c in rv.countries:
            for m in COUNTRY_METRICS:
                iv = interval(r, m, c) or (nan, nan)
                countries.append((n, c, m, _float(r.countries[c][m]), iv[0], iv[1]))
    sectors = [(n, c, s, _float(v)) for n, r in rv.results.items() for c, row in r.sectors.items()
               for s, v in row.items()]
    tariffs = [(n, imp, exp, rv.base_wedges.get(imp, {}).get(exp, nan), float(v))
               for n, r in rv.results.items() for imp, row in r.tariff_wedges.items() for exp, v in row.items()]
    origin = [(o["bom"], o["scenario"], o["date"], (o["before"] or {}).get("originating"),
               (o["after"] or {}).get("originating"), _float((o["before"] or {}).get("rvc")),
               _float((o["after"] or {}).get("rvc")), _float((o["after"] or {}).get("threshold")), o["status"])
              for o in rv.origin_whatif]
    assumptions = [(n, a["name"], str(a["value"]), a["unit"], a["source"], a["url"])
                   for n, r in rv.results.items() for a in r.assumptions]
    return {
        "countries": pd.DataFrame(countries, columns=["scenario", "country", "metric", "value", "lo", "hi"]),
        "sectors": pd.DataFrame(sectors, columns=["scenario", "country", "sector", "output_pct"]),
        "tariffs": pd.DataFrame(tariffs, columns=["scenario", "importer", "exporter", "baseline_pct", "scenario_pct"]),
        "effective_rates_model": _table_frame(rv.effective_rates.get("model")),
        "effective_rates_engine": _table_frame(rv.effective_rates.get("engine")),
        "origin_whatif": pd.DataFrame(origin, columns=["bom", "scenario", "date", "originating_before",
                                                       "originating_after", "rvc_before_pct", "rvc_after_pct",
                                                       "threshold_after_pct", "status"]),
        "assumptions": pd.DataFrame(assumptions, columns=["scenario", "name", "value", "unit", "source", "url"]),
    }
