"""The Caliendo-Parro engine on a baseline in levels: the ``caliendo-parro`` :class:`usmca.ge.registry.Solver`.

Trade-balance closure (chosen per run, :data:`usmca.ge.registry.CLOSURES`):

- ``deficit_share``: each country's deficit :math:`D_n` (goods imports minus exports, 2024) is held
  as a share of world income. The engine's numeraire is world value added
  (:math:`\\sum_n \\hat w_n w_n L_n = \\sum_n w_n L_n`), so this is :math:`D'_n = D_n` in its units:
  the baseline is the data itself and every dollar of imports a country loses is a dollar of
  exports it loses (:math:`\\Delta E_n = \\Delta M_n`). A short-to-medium-run reading.
- ``deficits_removed``: Caliendo and Parro's (2015) counterfactual with deficits removed: a first
  solve sets :math:`D'_n = 0` with the baseline tariffs, the scenario is solved with
  :math:`D'_n = 0` too, and every change is taken between the two (their Section 5.1). Trade
  balances no longer tie exports to imports: the long-run reading that published long-run
  estimates of tariff wars (e.g. with retaliation) are closest to. The review library declares it
  (``closure: deficits_removed`` in its root scenarios); a scenario without the field and no
  ``--closure`` runs under :data:`DEFAULT_CLOSURE`.

Per country the engine reports welfare (terms of trade + volume of trade + technical efficiency,
CP 2015 Table 2), the real wage, and foreign exports and imports both nominal (in units of world
income) and real (each flow deflated by its own price change :math:`\\hat c_{ij}\\hat d_{nij}`);
per country x sector, gross output nominal and real. Uncertainty: a Monte Carlo over the
sampling distributions of the trade elasticities (:mod:`usmca.data.baseline.elasticities`) and,
when the scenario removes the agreement, of its PPML trade effect (:mod:`usmca.ge.agreement`),
solved in one vectorised batch (:mod:`usmca.ge.caliendo_parro.batch`); the draws are seeded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from usmca.errors import ConvergenceError, UserInputError

from ..agreement import load_agreement_effect, log_trade_cost
from ..draw_shards import submit_draws
from ..registry import CLOSURES
from .batch import BatchEquilibrium, measures
from .inputs import CPInputs
from .solve import solve

__all__ = ["cp_solver", "to_cp_inputs", "THETA_FACTORS", "DEFAULT_CLOSURE", "DEFAULT_DRAWS", "PERCENTILES"]

THETA_FACTORS = (0.5, 2.0)
"""Robustness: every scenario is solved again with all trade elasticities halved and doubled."""
DEFAULT_CLOSURE = "deficit_share"
DEFAULT_DRAWS = 100
PERCENTILES = (5.0, 95.0)
COUNTRY_BATCH = ("welfare_pct", "real_wage_pct", "tot_pct", "vot_pct", "exports_pct", "imports_pct",
                 "exports_real_pct", "imports_real_pct")
_BASELINES: dict[tuple, BatchEquilibrium] = {}


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


def _draws(baseline: Any, inputs: CPInputs, draws: int, seed: int, with_beta: bool
           ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Row 0: the point estimates; rows 1..draws: seeded draws of theta (and the agreement effect)."""
    el = getattr(baseline, "elasticities", None)
    ag = load_agreement_effect() if with_beta else None
    beta0 = float(ag["coefficient"]) if ag else 0.0
    th = inputs.theta[None, :]
    beta = np.array([beta0])
    info: dict[str, Any] = {"draws": 0, "seed": seed, "percentiles": list(PERCENTILES)}
    if draws > 0 and el is not None:
        rng = np.random.default_rng(seed)
        th = np.vstack([th, el.draw(rng, draws)])
        b = beta0 + (float(ag["se"]) * rng.standard_normal(draws) if ag else np.zeros(draws))
        beta = np.concatenate([beta, b])
        info.update(draws=draws, parameters=["theta by sector (cited table, log-normal with its standard error)"]
                    + (["agreement trade effect (normal, PPML coefficient and clustered standard error)"] if ag else []))
    elif draws > 0:
        info["note"] = "no elasticity standard errors for this baseline: no intervals"
    if ag:
        info["agreement_effect"] = {k: ag[k] for k in ("coefficient", "se", "sigma", "trade_cost_equivalent_pct",
                                                       "nobs", "sample", "specification", "source", "url") if k in ag}
    return th, beta, info


def _sensitivity(inputs: CPInputs, new_tariffs: np.ndarray, point_dhat: np.ndarray | None,
                 removed: bool) -> dict[str, list[float | None]]:
    """Welfare (percent) with every theta scaled by each of :data:`THETA_FACTORS` (None: no convergence)."""
    sens: dict[str, list[float | None]] = {str(c): [] for c in inputs.countries}
    for f in THETA_FACTORS:
        try:
            alt = solve(inputs, new_tariffs, trade_cost_hat=point_dhat, balanced=removed, theta=inputs.theta * f)
            w = dict(zip(alt.countries["country"], alt.countries["welfare_pct"], strict=True))
        except ConvergenceError:
            w = {}
        for c in sens:
            sens[c].append(float(w[c]) if c in w else None)
    return sens


def _bands(a: np.ndarray, ok: np.ndarray) -> np.ndarray | None:
    if a.shape[0] < 2 or ok[1:].sum() < 2:
        return None
    x = a[1:][ok[1:]]
    # np.nanpercentile walks the columns one by one in Python; without a NaN both give the same numbers
    return np.nanpercentile(x, PERCENTILES, axis=0) if np.isnan(x).any() else np.percentile(x, PERCENTILES, axis=0)


def cp_solver(baseline: Any, new_tariffs: np.ndarray, trade_cost_hat: np.ndarray, *,
              closure: str = DEFAULT_CLOSURE, draws: int = DEFAULT_DRAWS, seed: int = 0,
              agreement_share: np.ndarray | None = None,
              agreement_margin: np.ndarray | None = None) -> dict[str, Any]:
    """Solve one counterfactual; the :class:`usmca.ge.registry.Solver` of ``caliendo-parro`` (with options).

    Returns ``countries`` / ``sectors`` (point estimates), ``intervals`` (the 5th and 95th
    percentiles of every figure over the draws), ``sectors_real``, ``uncertainty``,
    ``diagnostics`` and ``sensitivity`` (theta halved and doubled).
    """
    if closure not in CLOSURES:
        raise UserInputError("--closure", "", closure, f"unknown closure; one of {', '.join(CLOSURES)}")
    if not (isinstance(draws, int) and draws >= 0):
        raise UserInputError("--draws", "", draws, "must be an integer >= 0")
    inputs = to_cp_inputs(baseline)
    removed = closure == "deficits_removed"
    d1 = np.zeros(len(inputs.countries)) if removed else np.asarray(inputs.deficits, float)
    with_beta = agreement_share is not None
    th, beta, unc = _draws(baseline, inputs, draws, seed, with_beta)
    log_d = np.log(trade_cost_hat)[None]
    if agreement_share is not None:
        margin = agreement_margin if agreement_margin is not None else np.zeros_like(new_tariffs)
        log_d = log_d + log_trade_cost(agreement_share, margin, beta, float(load_agreement_effect()["sigma"]))
    dhat0 = np.exp(log_d[0])
    point_dhat = None if np.all(dhat0 == 1.0) else dhat0
    # the draws go to the executor first: on a cluster they are solved while this process solves
    # the point estimate and the theta sensitivity (the serial executor solves them at .result())
    key = (id(baseline), closure, th.shape[0], seed, hash(th.tobytes()))
    bln_p = None if key in _BASELINES else submit_draws(inputs, inputs.tariffs, th, d1, None)
    dh = None if not np.any(log_d != 0.0) else np.broadcast_to(log_d, (th.shape[0],) + new_tariffs.shape)
    cfl_p = submit_draws(inputs, new_tariffs, th, d1, dh)
    try:
        res = solve(inputs, new_tariffs, trade_cost_hat=point_dhat, balanced=removed)
        sens = _sensitivity(inputs, new_tariffs, point_dhat, removed)
        if bln_p is not None:
            _BASELINES.clear()
            _BASELINES[key] = bln_p.result()
        bln = _BASELINES[key]
        cfl = cfl_p.result()
    except BaseException:
        for p in (bln_p, cfl_p):
            if p is not None:
                p.cancel()
        raise
    ct = res.countries.set_index("country")
    countries = {c: {k: float(v) for k, v in row.items()} for c, row in ct.to_dict(orient="index").items()}
    sectors: dict[str, dict[str, float]] = {}
    for c, s, v in zip(res.sectors["country"], res.sectors["sector"], res.sectors["gross_output_pct"], strict=True):
        sectors.setdefault(str(c), {})[str(s)] = float(v)
    ms = measures(bln, cfl, inputs.final_share, None if dh is None else np.exp(dh))
    ok = bln.converged & cfl.converged
    for k, c in enumerate(inputs.countries):
        for m in ("exports_real_pct", "imports_real_pct"):
            countries[c][m] = float(ms[m][0, k])
    sectors_real = {c: {s: float(ms["gross_output_real_pct"][0, k, j]) for j, s in enumerate(inputs.sectors)}
                    for k, c in enumerate(inputs.countries)}
    intervals: dict[str, Any] = {"countries": {}, "sectors": {}, "sectors_real": {}}
    for m in COUNTRY_BATCH:
        band = _bands(ms[m], ok)
        for k, c in enumerate(inputs.countries):
            intervals["countries"].setdefault(c, {})[m] = None if band is None else [float(band[0, k]), float(band[1, k])]
    for m, out in (("gross_output_pct", "sectors"), ("gross_output_real_pct", "sectors_real")):
        band = _bands(ms[m], ok)
        for k, c in enumerate(inputs.countries):
            intervals[out][c] = {s: (None if band is None else [float(band[0, k, j]), float(band[1, k, j])])
                                 for j, s in enumerate(inputs.sectors)}
    unc.update(converged=int(ok[1:].sum()), closure=closure,
               check_max_abs_diff_pp=float(max(abs(ms["welfare_pct"][0, k] - countries[c]["welfare_pct"])
                                                for k, c in enumerate(inputs.countries))))
    d = res.diagnostics
    diag = {"seconds": round(float(d.get("seconds", 0.0)), 4),
            "iterations": d.get("counterfactual", {}).get("outer_iterations"),
            "residual": d.get("counterfactual", {}).get("residual"), "closure": closure}
    draws_out = {m: np.where(ok[:, None], ms[m], np.nan) for m in COUNTRY_BATCH}
    return {"countries": countries, "sectors": sectors, "sectors_real": sectors_real, "intervals": intervals,
            "draws": draws_out,
            "uncertainty": unc, "diagnostics": diag, "trade_cost_hat": dhat0,
            "sensitivity": {"theta_factors": list(THETA_FACTORS), "welfare_pct": sens}}


cp_solver.accepts_options = True  # type: ignore[attr-defined]
