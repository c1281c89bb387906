"""Validating shell of one-sector structural gravity: inputs checked, kernels run, results built.

``solve_baseline`` gives the multilateral resistances of the baseline (Anderson and van Wincoop
2003, https://doi.org/10.1257/000282803321455214); ``solve_counterfactual`` gives the conditional
(output and expenditure fixed) and the exact full-endowment general equilibrium (Yotov et al.
2016, ch. 2, sec. B, https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf)
for new bilateral costs. See :mod:`usmca.ge.gravity.kernels` for the equations.
"""

from __future__ import annotations

import time
from typing import Sequence

import numpy as np

from usmca.errors import ConvergenceError, UserInputError

from .kernels import gravity_flows, solve_full_endowment, solve_mr
from .results import GravityBaseline, GravityCounterfactual, SolveDiagnostics

__all__ = ["solve_baseline", "solve_counterfactual", "market_residual", "DEFAULT_TOL"]

DEFAULT_TOL = 1e-13
_BALANCE_RTOL = 1e-9
_RESIDUAL_OK = 1e-8


def market_residual(x: np.ndarray, y: np.ndarray, e: np.ndarray) -> float:
    """``max(|sum_j X_ij / Y_i - 1|, |sum_i X_ij / E_j - 1|)`` over every batch element."""
    return float(max(np.max(np.abs(x.sum(axis=-1) / y - 1.0)), np.max(np.abs(x.sum(axis=-2) / e - 1.0))))


def _check(source: str, countries: Sequence[str], phi: np.ndarray, y: np.ndarray, e: np.ndarray,
           reference: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, int]:
    names = tuple(str(c) for c in countries)
    n = len(names)
    if n < 2 or len(set(names)) != n:
        raise UserInputError(source, "countries", n, "need at least 2 distinct countries")
    if reference not in names:
        raise UserInputError(source, "reference", reference, "not among the countries")
    phi = np.asarray(phi, dtype=float)
    y = np.asarray(y, dtype=float)
    e = np.asarray(e, dtype=float)
    if phi.shape != (n, n) or y.shape != (n,) or e.shape != (n,):
        raise UserInputError(source, "shape", (phi.shape, y.shape, e.shape), f"expected ({n}, {n}), ({n},), ({n},)")
    for name, arr in (("phi", phi), ("output", y), ("expenditure", e)):
        if not np.all(np.isfinite(arr)):
            raise UserInputError(source, name, "non-finite", "every value must be finite")
        if np.any(arr < 0):
            raise UserInputError(source, name, float(arr.min()), "must be >= 0")
    for name, arr in (("output", y), ("expenditure", e)):
        if np.any(arr <= 0):
            k = int(np.argmin(arr))
            raise UserInputError(source, f"{name}[{names[k]}]", float(arr[k]), "must be > 0")
    if abs(y.sum() / e.sum() - 1.0) > _BALANCE_RTOL:
        raise UserInputError(source, "expenditure", float(e.sum()),
                             f"world expenditure must equal world output {y.sum():.6g}")
    if np.any(phi.sum(axis=1) <= 0) or np.any(phi.sum(axis=0) <= 0):
        raise UserInputError(source, "phi", "zero row or column", "every country needs a positive cost term")
    return names, phi, y, e, names.index(reference)


def solve_baseline(countries: Sequence[str], phi: np.ndarray, y: np.ndarray, e: np.ndarray, *,
                   reference: str, tol: float = DEFAULT_TOL, max_iter: int = 20_000,
                   source: str = "gravity") -> GravityBaseline:
    """Baseline multilateral resistances ``Omega, Phi`` (``Phi_reference = 1``).

    Solves Anderson and van Wincoop (2003) in the form of Yotov et al. (2016, ch. 2)::

        Omega_i = sum_j phi_ij E_j / Phi_j,    Phi_j = sum_i phi_ij Y_i / Omega_i,

    so that ``X_ij = Y_i E_j phi_ij / (Omega_i Phi_j)`` clears both markets,
    ``sum_j X_ij = Y_i`` and ``sum_i X_ij = E_j`` (:func:`usmca.ge.gravity.kernels.solve_mr`).

    Parameters
    ----------
    countries : sequence of str
    phi : ndarray (N, N)
        ``t_ij^(1-sigma)``, exporter i by importer j (intra-national entries included).
    y, e : ndarray (N,)
        Output and expenditure, with ``sum y == sum e``.
    reference : str
        Country whose inward resistance is the numeraire.

    Raises
    ------
    UserInputError
        Inconsistent shapes, negative or non-finite values, unbalanced totals.
    ConvergenceError
        No convergence within ``max_iter``.
    """
    names, phi, y, e, ref = _check(source, countries, phi, y, e, reference)
    t0 = time.perf_counter()
    omr, imr, it, step = solve_mr(phi, y, e, ref, tol=tol, max_iter=max_iter)
    resid = market_residual(gravity_flows(phi, y, e, omr, imr), y, e)
    diag = SolveDiagnostics(it, step, resid, time.perf_counter() - t0, bool(step < tol and resid < _RESIDUAL_OK))
    if not diag.converged:
        raise ConvergenceError("baseline multilateral resistances did not converge", diag.to_dict())
    return GravityBaseline(names, reference, phi, y, e, omr, imr, diag)


def solve_counterfactual(baseline: GravityBaseline, phi_cf: np.ndarray, sigma: float, *,
                         tol: float = DEFAULT_TOL, max_iter: int = 20_000,
                         source: str = "gravity") -> GravityCounterfactual:
    """Conditional and exact full-endowment equilibrium under new costs ``phi_cf``.

    Conditional: ``Y`` and ``E`` fixed, resistances re-solved. Full endowment: quantities fixed,
    factory-gate prices adjust, ``E_i / Y_i`` held fixed up to the world scalar that keeps world
    expenditure equal to world output (see :mod:`usmca.ge.gravity.kernels`)::

        p_i^sigma = Omega'_i / Omega_i,   Y'_i = p_i Y_i,   E'_j = s (E_j / Y_j) p_j Y_j

    (Yotov et al. 2016, ch. 2, full-endowment general equilibrium).

    Returns
    -------
    GravityCounterfactual
        ``diagnostics`` has ``baseline``, ``conditional`` and ``full``.

    Raises
    ------
    UserInputError
        ``phi_cf`` of the wrong shape, negative or non-finite, or ``sigma <= 1``.
    ConvergenceError
        Either solve does not converge.
    """
    n = len(baseline.countries)
    phi_cf = np.asarray(phi_cf, dtype=float)
    if phi_cf.shape != (n, n):
        raise UserInputError(source, "phi_cf", phi_cf.shape, f"expected ({n}, {n})")
    if not np.all(np.isfinite(phi_cf)) or np.any(phi_cf < 0):
        raise UserInputError(source, "phi_cf", "negative or non-finite", "costs must be finite and >= 0")
    if not np.isfinite(sigma) or sigma <= 1.0:
        raise UserInputError(source, "sigma", sigma, "must be > 1")
    b, ref = baseline, baseline.ref
    t0 = time.perf_counter()
    omr_c, imr_c, it, step = solve_mr(phi_cf, b.y, b.e, ref, tol=tol, max_iter=max_iter)
    res = market_residual(gravity_flows(phi_cf, b.y, b.e, omr_c, imr_c), b.y, b.e)
    d_cdl = SolveDiagnostics(it, step, res, time.perf_counter() - t0, bool(step < tol and res < _RESIDUAL_OK))
    if not d_cdl.converged:
        raise ConvergenceError("conditional counterfactual did not converge", d_cdl.to_dict())
    t0 = time.perf_counter()
    p, y1, e1, omr_f, imr_f, it, step = solve_full_endowment(phi_cf, b.y, b.e, b.omr, float(sigma), ref,
                                                             tol=tol, max_iter=max_iter)
    x1 = gravity_flows(phi_cf, y1, e1, omr_f, imr_f)
    res = max(market_residual(x1, y1, e1), float(np.max(np.abs(p ** (1.0 - sigma) * (b.y / b.omr) * omr_f / y1 - 1.0))))
    d_full = SolveDiagnostics(it, step, res, time.perf_counter() - t0,
                              bool(step < tol and res < _RESIDUAL_OK and np.all(np.isfinite(p))))
    if not d_full.converged:
        raise ConvergenceError("full-endowment counterfactual did not converge", d_full.to_dict())
    return GravityCounterfactual(b, phi_cf, float(sigma), omr_c, imr_c, p, y1, e1, omr_f, imr_f,
                                 {"baseline": b.diagnostics, "conditional": d_cdl, "full": d_full})
