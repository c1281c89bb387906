"""The book's iterative GEPPML procedure for the full-endowment equilibrium, reproduced exactly.

Yotov, Piermartini, Monteiro and Larch (2016), *An Advanced Guide to Trade Policy Analysis*,
ch. 2, application 2, step III.b (Stata ``RTAsEffects.do``, mirrored in GitHub
``pachadotdev/tradepolicy:00-application-files/Chapter2/Applications/2_RTAsEffects/``). Each
round re-estimates PPML with exporter and importer fixed effects and offset ``ln t_ij^CFL`` on
the previous fit scaled by the price and resistance changes of the previous round. A PPML with
two-way fixed effects and an offset fits the row and column sums of its dependent variable
exactly, so each estimation is :func:`usmca.ge.gravity.kernels.solve_mr` on those sums, with
``exp(pi_i) = Y_i E_R / Omega_i`` and ``exp(chi_j) = E_j / (Phi_j E_R)``.

The loop stops when the standard deviation and the maximum of the change between the last two
rounds' price changes are both below 0.01: on the NAFTA application that is after three rounds.
This module exists to show where the published full-endowment numbers come from and how they
differ from the exact solution (:func:`usmca.ge.gravity.solve_counterfactual`): it is not a solver
to use (the rounds do not impose world balance, and run long they drift away).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..changes import pct
from .kernels import gravity_flows, solve_mr
from .results import GravityBaseline

__all__ = ["GeppmlPath", "geppml_loop", "BOOK_STOP"]

BOOK_STOP = 0.01
"""The book's stop rule: sd and max of the change in price changes below 0.01."""


@dataclass(frozen=True, eq=False)
class GeppmlPath:
    """Outcome of the book's loop after ``rounds`` rounds (changes: counterfactual vs baseline, %)."""

    rounds: int
    stopped_by_rule: bool
    price: np.ndarray
    real_gdp_pct: np.ndarray
    exports_full_pct: np.ndarray
    imr_full_pct: np.ndarray


def _fit(target: np.ndarray, phi: np.ndarray, ref: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two-way-FE PPML with offset ``ln phi`` on ``target``: fit, exp(pi), exp(chi) (chi_ref = 0)."""
    rows, cols = target.sum(axis=1), target.sum(axis=0)
    omr, imr, _, _ = solve_mr(phi, rows, cols, ref)
    fit = gravity_flows(phi, rows, cols, omr, imr)
    return fit, rows * cols[ref] / omr, cols / (imr * cols[ref])


def geppml_loop(baseline: GravityBaseline, phi_cf: np.ndarray, sigma: float, *,
                rounds: int | None = None, stop: float = BOOK_STOP, max_rounds: int = 500) -> GeppmlPath:
    """Run the book's full-endowment loop.

    Parameters
    ----------
    baseline : GravityBaseline
        Baseline solved on the baseline costs (its flows are the book's ``tradehat_BLN``).
    phi_cf : ndarray (N, N)
        Counterfactual ``t_ij^(1-sigma)``.
    sigma : float
    rounds : int, optional
        Run exactly this many rounds; by default stop by the book's rule.
    """
    b, ref, inv = baseline, baseline.ref, 1.0 / (1.0 - sigma)
    phi_e = b.e / b.y
    x0, y0, e0, er0 = b.flows, b.y, b.e, b.e[ref]
    pi0 = y0 * er0 / b.omr
    fit_c, pi_c, chi_c = _fit(x0, phi_cf, ref)
    # state of the previous round (s-2) and the one before (s-3), as in the .do file
    fit, pi, er = fit_c, pi_c, er0
    price = (pi_c / pi0) ** inv
    omr, imr = y0 * er0 / pi_c, e0 / (chi_c * er0)
    d_omr = d_imr = np.ones_like(y0)
    price_prev = np.zeros_like(y0)
    n, by_rule = 0, False
    y_s, e_s, chi_s = y0, e0, chi_c
    while True:
        target = fit * price[:, None] * price[None, :] / (d_omr[:, None] * d_imr[None, :])
        fit_new, pi_new, chi_s = _fit(target, phi_cf, ref)
        y_s = fit_new.sum(axis=1)
        e_s = phi_e * y_s
        er_new = e_s[ref]
        price_new = ((pi_new / pi) / (er_new / er)) ** inv
        omr_new, imr_new = y_s * er_new / pi_new, e_s / (chi_s * er_new)
        diff = price - price_prev
        n += 1
        fit, d_omr, d_imr = fit_new, omr_new / omr, imr_new / imr
        omr, imr, price_prev, price, pi, er = omr_new, imr_new, price, price_new, pi_new, er_new
        if rounds is None and np.std(diff, ddof=1) <= stop and abs(diff.max()) <= stop:
            by_rule = True
            break
        if n == (rounds if rounds is not None else max_rounds):
            break
    p_full = ((pi / pi0) / (er / er0)) ** inv
    y_f = p_full * y0
    e_f = phi_e * y_f
    omr_f, imr_f = y_f * er / pi, e_s / (chi_s * er)
    x_f = y_f[:, None] * e_f[None, :] * phi_cf / (omr_f[:, None] * imr_f[None, :])
    exports = lambda x: x.sum(axis=1) - np.diagonal(x)  # noqa: E731
    return GeppmlPath(n, by_rule, p_full, pct(y_f / imr_f ** inv, y0 / b.imr ** inv),
                      pct(exports(x_f), exports(x0)), pct(imr_f ** inv, b.imr ** inv))
