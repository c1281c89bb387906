"""One-sector structural gravity on a multi-sector baseline: the ``gravity`` model's scenario solver.

A scenario compiles to new tariffs :math:`\\tau'_{nik}` and trade-cost changes :math:`\\hat d_{nik}`
(importer n, exporter i, sector k) on a baseline in the Caliendo-Parro layout
(:class:`usmca.data.baseline.Baseline`, or any object with its fields). The one-sector model of
:mod:`usmca.ge.gravity` sees the baseline aggregated over sectors:

- flows :math:`X_{in} = \\sum_k Z_{nik}` (exporter i, importer n; net of tariffs, domestic sales
  on the diagonal), output :math:`Y_i = \\sum_n X_{in}`, expenditure :math:`E_n = \\sum_i X_{in}`;
  the baseline costs are calibrated to the data, :math:`\\phi_{in} = X_{in} / (Y_i E_n)`, which the
  model fits exactly (see :mod:`usmca.ge.gravity.files`);
- the cost shifter of each cell, :math:`\\hat\\kappa_{nik} = \\hat d_{nik}(1+\\tau'_{nik})/(1+\\tau_{nik})`,
  enters the pair's cost term as the change of its flow at constant prices,

  .. math:: \\hat\\phi_{in} = \\frac{\\sum_k Z_{nik}\\,\\hat\\kappa_{nik}^{-\\theta_k}}{\\sum_k Z_{nik}},

  which is exact when every sector has the same elasticity and a trade-weighted mean otherwise;
- the elasticity of substitution is :math:`\\sigma = 1 + \\bar\\theta`, with :math:`\\bar\\theta`
  the mean of the sector elasticities weighted by international flows (Head and Mayer 2014,
  "Gravity Equations", Handbook of International Economics vol. 4, sec. 4: the trade elasticity
  is :math:`1 - \\sigma`, https://doi.org/10.1016/B978-0-444-54314-1.00003-3).

The exact full-endowment counterfactual (Yotov, Piermartini, Monteiro and Larch 2016, ch. 2,
https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf) then gives per country
the change of real GDP :math:`Y_i / P_i`, reported as welfare and as the real wage (one factor,
fixed endowment, :math:`E_i/Y_i` held), and of exports and imports. Tariff revenue is not modelled
in the one-sector model (a tariff acts as a cost), and welfare is not split into terms of trade
and volume of trade: ``tot_pct`` and ``vot_pct`` are absent, as is output by sector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .model import solve_baseline, solve_counterfactual

if TYPE_CHECKING:
    from usmca.data.baseline import Baseline

__all__ = ["aggregate", "gravity_solver"]


def aggregate(baseline: Baseline, new_tariffs: np.ndarray, trade_cost_hat: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, float]:
    """The one-sector view of a shock: flows ``X[i, n]``, cost change ``phi_hat[i, n]`` and ``sigma``.

    See the module docstring for the formulas; pairs without flows keep ``phi_hat = 1``.
    """
    z = np.asarray(baseline.flows, dtype=float)                       # [n, i, k]
    theta = np.asarray(baseline.theta, dtype=float)                   # [k]
    kappa = np.asarray(trade_cost_hat, dtype=float) * (1.0 + np.asarray(new_tariffs, dtype=float)) \
        / (1.0 + np.asarray(baseline.tariffs, dtype=float))
    pair = z.sum(axis=2)
    moved = (z * kappa ** (-theta)).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        phi_hat_ni = np.where(pair > 0, moved / np.where(pair > 0, pair, 1.0), 1.0)
    off = z * (1.0 - np.eye(z.shape[0]))[:, :, None]
    weights = off.sum(axis=(0, 1))
    theta_bar = float((theta * weights).sum() / weights.sum()) if weights.sum() > 0 else float(theta.mean())
    return pair.T, phi_hat_ni.T, 1.0 + theta_bar


def gravity_solver(baseline: Baseline, new_tariffs: np.ndarray, trade_cost_hat: np.ndarray) -> dict[str, Any]:
    """Solve one counterfactual; the :class:`usmca.ge.registry.Solver` of ``gravity``.

    Returns
    -------
    dict
        ``countries`` ``{code: {welfare_pct, real_wage_pct, exports_pct, imports_pct}}`` (real GDP
        for the first two), ``sectors`` ``{}``, ``diagnostics`` (``model``, ``sigma``,
        ``seconds``, ``iterations``, ``residual`` of the full-endowment solve).
    """
    x, phi_hat, sigma = aggregate(baseline, new_tariffs, trade_cost_hat)
    countries = tuple(baseline.countries)
    y, e = x.sum(axis=1), x.sum(axis=0)
    phi = x / np.outer(y, e)
    reference = countries[int(np.argmax(y))]
    src = str(getattr(baseline, "source", "<baseline>"))
    base = solve_baseline(countries, phi, y, e, reference=reference, source=src)
    cf = solve_counterfactual(base, phi * phi_hat, sigma, source=src)
    frame = cf.countries.set_index("country")
    out = {c: {"welfare_pct": float(frame.at[c, "real_gdp_pct"]), "real_wage_pct": float(frame.at[c, "real_gdp_pct"]),
               "exports_pct": float(frame.at[c, "exports_full_pct"]),
               "imports_pct": float(frame.at[c, "imports_full_pct"])} for c in countries}
    full = cf.diagnostics["full"]
    diag = {"model": "gravity", "sigma": sigma, "seconds": round(sum(d.seconds for d in cf.diagnostics.values()), 4),
            "iterations": full.iterations, "residual": full.residual}
    return {"countries": out, "sectors": {}, "diagnostics": diag}
