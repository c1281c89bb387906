"""Explain two headline magnitudes by their inputs: vehicle output by country and US exports.

Vehicle output (first order, at given input costs, Caliendo and Parro 2015, eq. [S]): a supplier
``c`` selling the share :math:`s_{nc}` of its vehicle output to market ``n``, where it holds the
import share :math:`\\pi_{nc}`, loses

.. math:: \\Delta\\ln Y_c \\approx -\\theta_{veh} \\sum_n s_{nc}(1 - \\pi_{nc})\\,\\Delta\\ln\\hat\\kappa_{nc}

when its cost of delivery to ``n`` rises by :math:`\\Delta\\ln\\hat\\kappa_{nc}` (tariff plus any
non-tariff trade cost); the general-equilibrium result adds wage and input-cost adjustment and
the demand change in each market.

US exports: with deficits held (``deficit_share``) the trade balance ties them to imports,
:math:`\\Delta E_{US} = \\Delta M_{US}`, so the export change is the import change times
:math:`M_{US}/E_{US}` (about 1.6 in 2024): the closure, not foreign demand, sets most of it.
With deficits removed (CP 2015, Section 5.1) trade is balanced in both equilibria, so nominal
exports change by the same percentage as imports; either way a US import tariff lowers US exports
through the balance (Lerner symmetry: a tax on imports is a tax on exports), whatever the tariffs
US goods face abroad. Both nominal and real (volume: each flow deflated by its own price change)
changes are shown, each with its 90% interval when the run has one.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

__all__ = ["explain"]

_FOCUS = ("USA", "MEX", "CAN")


def _pct(x: float) -> float:
    return round(100.0 * float(x), 3)


def explain(baseline: Any, compiled: Any, countries: Mapping[str, Mapping[str, Any]],
            sectors: Mapping[str, Mapping[str, Any]], res: Mapping[str, Any]) -> dict[str, Any]:
    """The decomposition described in the module docstring, as plain JSON."""
    names = tuple(baseline.countries)
    secs = tuple(baseline.sectors)
    if "vehicles" not in secs or not set(_FOCUS) <= set(names):
        return {}
    v = secs.index("vehicles")
    m = np.asarray(baseline.flows, float)                       # [importer, exporter, sector]
    tau0, tau1 = np.asarray(baseline.tariffs, float), np.asarray(compiled.tariffs, float)
    dhat = np.asarray(res.get("trade_cost_hat", compiled.trade_cost_hat), float)
    dk = np.log((1 + tau1) / (1 + tau0)) + np.log(dhat)          # change in log delivered cost
    x = (m * (1 + tau0)).sum(axis=1)                             # expenditure X_nj
    pi = m * (1 + tau0) / np.where(x > 0, x, 1.0)[:, None, :]
    theta = float(baseline.theta[v])
    iv = res.get("intervals") or {}
    iv_sec = iv.get("sectors_real") or iv.get("sectors") or {}
    iv_us = (iv.get("countries") or {}).get("USA", {})
    out: dict[str, Any] = {"vehicles": {}, "us_exports": {}}
    for c in _FOCUS:
        k = names.index(c)
        y = m[:, k, v].sum()
        if y <= 0:
            continue
        share = m[:, k, v] / y
        terms = -theta * share * (1 - pi[:, k, v]) * dk[:, k, v]
        top = [n for n in np.argsort(-share) if n != k and share[n] > 0.01][:3]
        out["vehicles"][c] = {
            "theta": round(theta, 3),
            "export_share_of_output_pct": {names[n]: _pct(share[n]) for n in top},
            "import_share_in_market_pct": {names[n]: _pct(pi[n, k, v]) for n in top},
            "tariff_change_pp": {names[n]: _pct(tau1[n, k, v] - tau0[n, k, v]) for n in top},
            "non_tariff_cost_change_pct": {names[n]: _pct(dhat[n, k, v] - 1) for n in top},
            "first_order_output_pct": _pct(terms.sum()),
            "model_output_pct": sectors.get(c, {}).get("vehicles"),
            "model_output_interval_pct": (iv_sec.get(c) or {}).get("vehicles"),
        }
    us = names.index("USA")
    off = ~np.eye(len(names), dtype=bool)
    e = (m * off[:, :, None])[:, us, :].sum()
    imp = (m * off[:, :, None])[us, :, :].sum()
    cu = countries.get("USA", {})
    w_out = m[:, us, :] * off[:, us, None]
    faced = float((w_out * (tau1[:, us, :] - tau0[:, us, :])).sum() / w_out.sum())
    w_in = m[us, :, :] * off[us, :, None]
    imposed = float((w_in * (tau1[us, :, :] - tau0[us, :, :])).sum() / w_in.sum())
    closure = res.get("diagnostics", {}).get("closure")
    imp_pct = cu.get("imports_pct")
    out["us_exports"] = {
        "closure": closure,
        "baseline_exports_usd_bn": round(float(e), 1), "baseline_imports_usd_bn": round(float(imp), 1),
        "baseline_deficit_usd_bn": round(float(imp - e), 1),
        "tariff_imposed_change_pp": _pct(imposed), "tariff_faced_change_pp": _pct(faced),
        "imports_pct": imp_pct, "exports_pct": cu.get("exports_pct"),
        "exports_real_pct": cu.get("exports_real_pct"),
        "imports_interval_pct": iv_us.get("imports_pct"), "exports_interval_pct": iv_us.get("exports_pct"),
        "exports_real_interval_pct": iv_us.get("exports_real_pct"),
        "exports_implied_by_fixed_deficit_pct": (round(float(imp_pct) * float(imp / e), 3)
                                                 if imp_pct is not None and closure == "deficit_share" else None),
        "note": ("deficits held: every dollar of imports lost is a dollar of exports lost, so exports fall by "
                 "the import change times M/E" if closure == "deficit_share" else
                 "deficits removed in a first step: trade is balanced in both equilibria, so nominal exports "
                 "change by the same percentage as imports; a US import tariff lowers US exports through the "
                 "balance (Lerner symmetry), whatever the tariffs US goods face abroad"),
    }
    return out
