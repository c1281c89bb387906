"""Run a sweep (:mod:`.sweep`) on an executor and write its results as one tidy table.

Every point is solved by :func:`usmca.scenarios.runner.run_scenario` (the scenario's own GE model,
Caliendo and Parro 2015 for the library) as its own shard on the executor given (serial, or Ray
tasks: :mod:`usmca.execute`); a point's numbers do not depend on where it ran or on the other
points. The table has one row per point x country x metric (:data:`usmca.scenarios.runner.COUNTRY_METRICS`):
``point``, one column per swept parameter, ``country``, ``metric``, ``value`` and, with Monte
Carlo draws, the 90% interval ``p5``/``p95``. It is written to Parquet (or CSV) through a
temporary file renamed into place (:func:`usmca.execute.atomic_output`): an interrupted sweep
leaves no file that looks finished.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from usmca.errors import UserInputError
from usmca.execute import Executor, atomic_output

from .runner import COUNTRY_METRICS, RunOptions, run_scenario
from .sweep import SweepSpec, apply_point

__all__ = ["SweepResult", "run_sweep", "write_table", "SUMMARY_COUNTRIES"]

SUMMARY_COUNTRIES = ("USA", "MEX", "CAN")
Row = tuple[int, str, str, Any, Any, Any]


@dataclass(frozen=True)
class SweepResult:
    """The tidy table (a pandas DataFrame), the points, and how the sweep ran."""

    table: Any
    points: tuple[dict[str, Any], ...]
    executor: str
    workers: int
    seconds: float

    def summary(self, metric: str = "welfare_pct") -> dict[str, Any]:
        """``metric`` for the USMCA members at every point, and its range over the points."""
        t = self.table[self.table["metric"] == metric]
        members = [c for c in SUMMARY_COUNTRIES if c in set(t["country"])] or sorted(set(t["country"]))[:3]
        wide = t.pivot_table(index="point", columns="country", values="value", sort=True)
        rows = [{"point": int(k), **self.points[int(k)], **{c: _num(wide.at[k, c]) for c in members}}
                for k in wide.index]
        return {"metric": metric, "points": len(self.points), "executor": self.executor, "workers": self.workers,
                "seconds": round(self.seconds, 2), "rows": rows,
                "range": {c: [_num(wide[c].min()), _num(wide[c].max())] for c in members}}


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f else None


def _solve_points(shared: tuple[Any, ...], shard: list[tuple[int, dict[str, Any]]]) -> list[Row]:
    """Solve each ``(index, point)`` of the shard; rows ``(point, country, metric, value, p5, p95)``."""
    scenario, reference, source, baseline, options = shared
    rows: list[Row] = []
    for k, pt in shard:
        r = run_scenario(apply_point(scenario, pt, reference, source), baseline, options=options)
        bands = (r.intervals or {}).get("countries", {})
        for c, metrics in r.countries.items():
            for m in COUNTRY_METRICS:
                band = (bands.get(c) or {}).get(m) or (None, None)
                rows.append((k, c, m, metrics.get(m), band[0], band[1]))
    return rows


def run_sweep(spec: SweepSpec, baseline: Any, executor: Executor,
              on_point: Callable[[int], None] | None = None) -> SweepResult:
    """Solve every point of ``spec`` on ``executor``; ``on_point(k)`` as each finishes (a progress bar)."""
    import pandas as pd

    options = RunOptions(closure=spec.closure, draws=spec.draws, seed=spec.seed)
    shared = (spec.scenario, spec.reference, spec.source, baseline, options)
    shards = [[(k, dict(pt))] for k, pt in enumerate(spec.points)]
    t0 = time.perf_counter()
    parts = executor.map_shards(_solve_points, shards, shared=shared,
                                on_done=None if on_point is None else (lambda k, _r: on_point(k)))
    rows = [r for part in parts for r in part]
    table = pd.DataFrame(rows, columns=["point", "country", "metric", "value", "p5", "p95"])
    for p in spec.parameters:
        vals = [pt[p.path] for pt in spec.points]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)
        col = pd.Series(vals, dtype=float if numeric else object)
        table.insert(1 + spec.parameters.index(p), p.path, col.iloc[table["point"]].to_numpy()
                     if numeric else col.iloc[table["point"]].astype(str).to_numpy())
    for c in ("value", "p5", "p95"):
        table[c] = pd.to_numeric(table[c], errors="coerce").astype(float)
    return SweepResult(table=table, points=spec.points, executor=getattr(executor, "name", "?"),
                       workers=int(getattr(executor, "workers", 1)), seconds=time.perf_counter() - t0)


def check_out(out: Path) -> Path:
    """``out`` must end in ``.parquet`` or ``.csv`` and sit in an existing folder (checked before work)."""
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise UserInputError("--out", "", str(out), "the results file must end in .parquet or .csv")
    if not out.parent.is_dir():
        raise UserInputError("--out", "", str(out), "the folder does not exist")
    if out.is_dir():
        raise UserInputError("--out", "", str(out), "is a folder; name a .parquet or .csv file")
    return out


def write_table(table: Any, out: Path) -> Path:
    """Write ``table`` to ``out`` (.parquet through DuckDB, or .csv) atomically; see the module docstring."""
    check_out(out)
    with atomic_output(out) as tmp:
        if out.suffix.lower() == ".csv":
            table.to_csv(tmp, index=False)
        else:
            import duckdb

            con = duckdb.connect()
            try:
                con.register("results", table)
                con.execute(f"COPY results TO '{str(tmp).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
            finally:
                con.close()
    return out
