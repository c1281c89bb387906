"""Replication of Yotov, Piermartini, Monteiro and Larch (2016), ch. 2, application 2: NAFTA.

Pipeline: PPML stage 1 (RTA effect and pair effects, 1986-2006 every 4 years) and stage 2 (fill
of the 14 never-trading directed pairs) on pyfixest; 1994 baseline with
``phi_ij = exp(ln_t_bar_ij + b RTA_ij)``; counterfactual RTA = 0 on the 6 NAFTA pairs; sigma = 7
and ``E/Y`` fixed (the book's choices); conditional and exact full-endowment equilibria; and the
book's own 3-round GEPPML loop, to show where its full-endowment numbers come from.
Reported as the book does: the effect *of* NAFTA, ``(BLN - CFL)/CFL`` in %.
Book: https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf ; Stata code and
published tables: https://github.com/pachadotdev/tradepolicy (00-application-files/Chapter2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.ge.loaders.yotov import NAFTA, YotovCosts, costs_from_frame, read_panel, read_published
from usmca.ge.ppml import estimate_pair_effects, fill_pair_effects

from .geppml import geppml_loop
from .model import solve_baseline, solve_counterfactual
from .results import GravityCounterfactual, effect_of
from .uncertainty import OUTCOMES, gravity_montecarlo

__all__ = ["BOOK_YEARS", "BOOK_BASE_YEAR", "BOOK_SIGMA", "BOOK_REFERENCE", "estimate_costs",
           "solve_nafta", "nafta_bands", "replicate_yotov_nafta"]

BOOK_YEARS = (1986, 1990, 1994, 1998, 2002, 2006)
BOOK_BASE_YEAR = 1994
BOOK_SIGMA = 7.0
BOOK_REFERENCE = "DEU"


def estimate_costs(data: str | Path | None = None) -> tuple[YotovCosts, float, dict[str, Any]]:
    """Stages 1 and 2 on the panel: 1994 costs, the RTA estimate and an estimation summary.

    Stage 1 (:func:`usmca.ge.ppml.estimate_pair_effects`), Yotov et al. (2016), ch. 2,
    application 2: ``X_ijt = exp(pi_it + chi_jt + gamma_ij + b RTA_ijt) + e`` by PPML on
    1986, 1990, ..., 2006, ``ln t_bar_ij = gamma_ij`` (intra-national = 0); stage 2
    (:func:`usmca.ge.ppml.fill_pair_effects`) fills the pairs stage 1 cannot identify from
    ``exp(gamma_ij) = exp(pi_i + chi_j + c' z_ij) + e``. The book's RTA estimate is 0.557185.
    """
    panel = read_panel(data)
    pe = estimate_pair_effects(panel, years=BOOK_YEARS, base_year=BOOK_BASE_YEAR, policy=("RTA",))
    filled, st2 = fill_pair_effects(pe.frame)
    costs = costs_from_frame(filled, "panel")
    s1 = pe.estimate
    summary = {
        "rta": {"estimate": float(s1.coef["RTA"]), "se": float(s1.se["RTA"]), "nobs": s1.nobs,
                "seconds": s1.seconds, "vcov": "heteroskedasticity-robust (as Stata ppml)"},
        "stage2": {t: {"estimate": float(st2.coef[t]), "se": float(st2.se[t])} for t in st2.coef.index},
        "stage2_nobs": st2.nobs, "filled_pairs": int(filled["filled"].sum()),
    }
    return costs, float(s1.coef["RTA"]), summary


def solve_nafta(costs: YotovCosts, rta_coef: float, sigma: float = BOOK_SIGMA) -> GravityCounterfactual:
    """1994 baseline and the no-NAFTA counterfactual (exact conditional and full endowment).

    Baseline ``phi_ij = exp(ln t_bar_ij + b RTA_ij)``; counterfactual ``phi'_ij =
    exp(ln t_bar_ij + b RTA_ij (1 - NAFTA_ij))``, i.e. RTA = 0 on the 6 directed NAFTA pairs;
    ``Y_i = sum_j X_ij``, ``E_j = sum_i X_ij`` (1994 data); ``P_DEU = 1``; sigma = 7 (Yotov et
    al. 2016, ch. 2, application 2). Solved by :func:`usmca.ge.gravity.solve_baseline` and
    :func:`usmca.ge.gravity.solve_counterfactual`.
    """
    y, e = costs.trade.sum(axis=1), costs.trade.sum(axis=0)
    base = solve_baseline(costs.countries, costs.phi(rta_coef), y, e, reference=BOOK_REFERENCE, source="yotov")
    return solve_counterfactual(base, costs.phi(rta_coef, costs.rta * (1.0 - costs.nafta_mask())), sigma,
                                source="yotov")


def _book_table(cf: GravityCounterfactual, rounds: int | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    loop = geppml_loop(cf.baseline, cf.phi_cf, cf.sigma, rounds=rounds)
    f = cf.countries.set_index("country")
    return pd.DataFrame({
        "exports_cdl": effect_of(f["exports_cdl_pct"]), "exports_full": effect_of(f["exports_full_pct"]),
        "real_gdp_full": effect_of(f["real_gdp_pct"]),
        "factory_price_full": -f["factory_price_pct"],
        "imr_cdl": effect_of(f["imr_cdl_pct"]), "omr_cdl": effect_of(f["omr_cdl_pct"]),
        "imr_full": effect_of(f["imr_full_pct"]), "omr_full": effect_of(f["omr_full_pct"]),
        "book_loop_real_gdp_full": effect_of(loop.real_gdp_pct),
        "book_loop_exports_full": effect_of(loop.exports_full_pct),
        "book_loop_factory_price_full": (1.0 - loop.price) * 100.0,
    }, index=f.index), {"rounds": loop.rounds, "stopped_by_book_rule": loop.stopped_by_rule}


def nafta_bands(costs: YotovCosts, rta: float, rta_se: float, *, draws: int, sigma: tuple[float, float],
                seed: int = 0, on_progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Monte Carlo bands (effects of NAFTA, %) over ``RTA ~ N(b, se^2)`` and ``sigma ~ U(lo, hi)``.

    Each draw re-solves :func:`solve_nafta`'s baseline and counterfactual with the drawn
    ``b`` and ``sigma`` (batched, :func:`usmca.ge.gravity.uncertainty.gravity_montecarlo`);
    reported as the book's effect of NAFTA, ``(BLN - CFL) / CFL`` (:func:`effect_of`).
    """
    mc = gravity_montecarlo(costs.ln_tij_bar, costs.rta[None], (costs.rta * (1.0 - costs.nafta_mask()))[None],
                            [rta], [[rta_se ** 2]], costs.trade.sum(axis=1), costs.trade.sum(axis=0),
                            costs.countries.index(BOOK_REFERENCE), sigma=sigma, n=draws, seed=seed,
                            on_progress=on_progress)
    pct = np.percentile(effect_of(mc.draws), mc.percentiles, axis=0)
    idx = costs.index(NAFTA)
    return {"draws": int(mc.draws.shape[0]), "failed": len(mc.failed), "seed": seed, "sigma_range": list(sigma),
            "seconds": mc.seconds, "percentiles": list(mc.percentiles),
            "nafta": {c: {o: [float(pct[p, k, m]) for p in range(len(mc.percentiles))] for m, o in enumerate(OUTCOMES)}
                      for c, k in zip(NAFTA, idx, strict=True)}}


def replicate_yotov_nafta(data: str | Path | None = None, *, sigma: float = BOOK_SIGMA,
                          on_step: Callable[[str], None] | None = None, draws: int = 0,
                          sigma_range: tuple[float, float] | None = None, seed: int = 0,
                          on_progress: Callable[[int], None] | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Run the whole replication; returns a JSON-ready summary and the per-country table.

    Table columns (effects of NAFTA, %): ``exports_cdl``, ``exports_full``, ``real_gdp_full``,
    ``factory_price_full`` (the book's ``(1 - p_hat) 100``, ``p_hat`` = CFL/BLN), ``imr_*``,
    ``omr_*`` (price-index form), and ``book_loop_*`` (the book's 3-round GEPPML loop).
    With ``draws > 0`` the summary gains ``montecarlo`` (:func:`nafta_bands` on the estimated
    costs, sigma uniform on ``sigma_range``, default fixed at ``sigma``).
    """
    step = on_step or (lambda _msg: None)
    step("estimating PPML stage 1 (3-way FE, 28k obs) and stage 2")
    costs, b, est = estimate_costs(data)
    step("solving baseline, conditional and full-endowment equilibria")
    cf = solve_nafta(costs, b, sigma)
    table, loop = _book_table(cf, None)
    summary: dict[str, Any] = {
        "application": "Yotov et al. (2016) ch. 2 app. 2: effects of NAFTA (1994 baseline)",
        "convention": "effect of NAFTA = (baseline - no-NAFTA counterfactual) / counterfactual, %",
        "sigma": sigma, "reference_country": BOOK_REFERENCE, "estimation": est,
        "nafta": {c: table.loc[c].to_dict() for c in NAFTA},
        "countries": {c: row.to_dict() for c, row in table.iterrows()},
        "book_loop": loop,
        "diagnostics": {k: d.to_dict() for k, d in cf.diagnostics.items()},
    }
    try:
        pub = read_published(data)
        common = table.index.intersection(pub.index)
        summary["published_max_abs_diff_pp"] = {
            "exports_cdl": float(np.max(np.abs(table.loc[common, "exports_cdl"] - pub.loc[common, "change_Xi_CDL"]))),
            "book_loop_real_gdp_full": float(np.max(np.abs(table.loc[common, "book_loop_real_gdp_full"]
                                                           - pub.loc[common, "change_rGDP_FULL"]))),
            "exact_real_gdp_full": float(np.max(np.abs(table.loc[common, "real_gdp_full"]
                                                       - pub.loc[common, "change_rGDP_FULL"]))),
        }
    except UserInputError:  # the published tables are optional beside a user's data
        summary["published_max_abs_diff_pp"] = None
    if draws > 0:
        step(f"Monte Carlo: {draws} draws")
        summary["montecarlo"] = nafta_bands(costs, b, est["rta"]["se"], draws=draws, seed=seed,
                                            sigma=sigma_range or (sigma, sigma), on_progress=on_progress)
    return summary, table
