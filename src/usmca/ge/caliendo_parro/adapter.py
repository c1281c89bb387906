"""The Caliendo-Parro engine on a baseline in levels: the model's :class:`usmca.ge.registry.Solver`.

The embedded baseline (:class:`usmca.data.baseline.Baseline`, or any object with its fields)
is already an exact equilibrium of the model (see :mod:`usmca.data.baseline.build`),
so the engine's baseline solve returns it unchanged; deficits are held at their 2024 values
(``balanced=False``). Per country the engine reports welfare (terms of trade + volume of trade,
CP 2015 Table 2), the real wage and foreign trade; per country x sector, gross output.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from usmca.errors import ConvergenceError

from .inputs import CPInputs
from .solve import solve

__all__ = ["cp_solver", "to_cp_inputs", "THETA_FACTORS"]

THETA_FACTORS = (0.5, 2.0)
"""Robustness: every scenario is solved again with all trade elasticities halved and doubled."""


def to_cp_inputs(b: Any) -> CPInputs:
    """``CPInputs`` of a :class:`usmca.data.baseline.Baseline` (or any object with its fields)."""
    if isinstance(b, CPInputs):
        return b
    if getattr(b, "cp_inputs", None) is not None:
        return b.cp_inputs
    return CPInputs(countries=b.countries, sectors=b.sectors, pi=b.shares, tariffs=b.tariffs,
                    expenditure=b.expenditure, va_share=b.va_share, io_share=b.io_share,
                    final_share=b.final_share, theta=b.theta, value_added=b.value_added,
                    deficits=b.deficits, source=getattr(b, "source", "<baseline>"))


def cp_solver(baseline: Any, new_tariffs: np.ndarray, trade_cost_hat: np.ndarray) -> dict[str, Any]:
    """Solve one counterfactual; the :class:`usmca.ge.registry.Solver` of ``caliendo-parro``."""
    inputs = to_cp_inputs(baseline)
    dhat = None if np.all(trade_cost_hat == 1.0) else trade_cost_hat
    res = solve(inputs, new_tariffs, trade_cost_hat=dhat, balanced=False)
    ct = res.countries.set_index("country")
    countries = {c: {k: float(v) for k, v in row.items()} for c, row in ct.to_dict(orient="index").items()}
    st = res.sectors
    sectors: dict[str, dict[str, float]] = {}
    for c, s, v in zip(st["country"], st["sector"], st["gross_output_pct"], strict=True):
        sectors.setdefault(str(c), {})[str(s)] = float(v)
    d = res.diagnostics
    diag = {"seconds": round(float(d.get("seconds", 0.0)), 4),
            "iterations": d.get("counterfactual", {}).get("outer_iterations"),
            "residual": d.get("counterfactual", {}).get("residual")}
    sens: dict[str, list[float | None]] = {c: [] for c in countries}
    for f in THETA_FACTORS:
        try:
            alt = solve(inputs, new_tariffs, trade_cost_hat=dhat, balanced=False, theta=inputs.theta * f)
            w = dict(zip(alt.countries["country"], alt.countries["welfare_pct"], strict=True))
        except ConvergenceError:
            w = {}
        for c in sens:
            sens[c].append(float(w[c]) if c in w else None)
    return {"countries": countries, "sectors": sectors, "diagnostics": diag,
            "sensitivity": {"theta_factors": list(THETA_FACTORS), "welfare_pct": sens}}
