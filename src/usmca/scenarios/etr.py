"""Effective US tariff rates by partner for the briefing: the tariff engine's and the model's.

1. The tariff engine (:func:`usmca.tariffs.etr.effective_rates`): statutory effective rates on
   the observed HTS10 flows from Canada and Mexico (USITC DataWeb, with their USMCA-claimed
   values), month by month, under the law tree. Needs the flow data (store or shared data); the
   briefing says when it is absent.
2. The model: the tariff on US imports from each partner in each scenario, trade-weighted at
   baseline flows, :math:`\\sum_j \\tau'_{US,i,j} Z_{US,i,j} / \\sum_j Z_{US,i,j}` (all goods).
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np

from usmca.errors import UsmcaError

__all__ = ["effective_rate_table"]


ENGINE_MONTHS = ("2025-01", "2026-02")
"""The months of observed flows the engine table covers (the claim data run to February 2026)."""


@functools.lru_cache(maxsize=1)
def _engine_table() -> dict[str, Any] | None:
    """Statutory ETR by partner and month from the tariff engine, or ``None`` without data."""
    try:
        from usmca.data.loaders.flows import shared_flows  # noqa: PLC0415 - optional data
        from usmca.tariffs.etr import effective_rates  # noqa: PLC0415 - optional engine

        flows = shared_flows(None, *ENGINE_MONTHS)
        if flows is None or len(flows) == 0:
            return None
        out = effective_rates(flows, by=("month", "partner"))
    except (ImportError, UsmcaError, OSError):
        return None
    partners = sorted(out["partner"].unique())
    rows = []
    for month, g in out.groupby("month", sort=True):
        by = dict(zip(g["partner"], g["etr"], strict=True))
        rows.append([str(month), *[f"{by[p]:.2f}" if p in by else "" for p in partners]])
    return {"source": "Tariff engine (usmca.tariffs.etr): statutory effective rate, percent of customs value, "
                      "on observed HTS10 imports with their USMCA-claimed values (USITC DataWeb via the Budget Lab "
                      "tracker), law tree in force each day of the month.",
            "first": "month", "columns": partners, "rows": rows}


def effective_rate_table(baseline: Any, results: Mapping[str, Any], importer: str = "USA",
                         engine: bool = True) -> dict[str, Any]:
    """``{"engine": table | None, "model": table | None}``; a table is ``{source, first, columns, rows}``."""
    return {"engine": _engine_table() if engine else None, "model": _model_table(baseline, results, importer)}


def _model_table(baseline: Any, results: Mapping[str, Any], importer: str) -> dict[str, Any] | None:
    if importer not in baseline.countries:
        return None
    n = baseline.countries.index(importer)
    flows = baseline.flows[n]
    z = flows.sum(axis=1)
    base = np.where(z > 0, (baseline.tariffs[n] * flows).sum(axis=1) / np.where(z > 0, z, 1), 0.0)
    rows = []
    for i, partner in enumerate(baseline.countries):
        if i == n:
            continue
        row = [partner, f"{100 * base[i]:.2f}"]
        for r in results.values():
            row.append(f"{r.tariff_wedges.get(importer, {}).get(partner, 100 * base[i]):.2f}")
        rows.append(row)
    return {"source": f"Model: tariffs on {importer} imports by partner in each scenario, trade-weighted at "
                      "baseline flows (measures x (1 - USMCA claim share) by sector, or the engine's rates where a "
                      "scenario is calibrated to it).",
            "first": "partner", "columns": ["2024 baseline", *results.keys()], "rows": rows}
