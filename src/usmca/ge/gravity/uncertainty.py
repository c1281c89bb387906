"""Monte Carlo over estimated cost coefficients and the elasticity of substitution, vectorised.

Draw ``d`` takes policy coefficients ``b_d ~ N(b, V)`` (``V``: the PPML covariance) and
``sigma_d ~ U(sigma_lo, sigma_hi)`` (or a fixed sigma), builds
``phi_d = exp(ln_t_bar + sum_k b_dk x_k)`` for the baseline and the counterfactual, and solves
baseline, conditional and exact full-endowment equilibria for a whole chunk of draws at once (the
kernels take a leading draw dimension). Percentile bands are summarised in the shared
:class:`usmca.ge.montecarlo.MonteCarloBands`.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

from usmca.errors import ConvergenceError, UserInputError
from usmca.ge.montecarlo import MonteCarloBands

from .kernels import gravity_flows, solve_full_endowment, solve_mr

__all__ = ["gravity_montecarlo", "OUTCOMES"]

OUTCOMES = ("real_gdp_pct", "exports_cdl_pct", "exports_full_pct")


def _exports(x: np.ndarray) -> np.ndarray:
    return x.sum(axis=-1) - np.diagonal(x, axis1=-2, axis2=-1)


def _solve_chunk(ln_bar: np.ndarray, x_bl: np.ndarray, x_cf: np.ndarray, b: np.ndarray, sig: np.ndarray,
                 y: np.ndarray, e: np.ndarray, ref: int, tol: float) -> np.ndarray:
    """Outcomes ``(D, N, 3)`` for coefficient draws ``b (D, K)`` and ``sig (D,)``."""
    phi_b = np.exp(ln_bar + np.einsum("dk,kij->dij", b, x_bl))
    phi_c = np.exp(ln_bar + np.einsum("dk,kij->dij", b, x_cf))
    omr, imr, _, s0 = solve_mr(phi_b, y, e, ref, tol=tol)
    omr_c, imr_c, _, s1 = solve_mr(phi_c, y, e, ref, tol=tol)
    p, y1, e1, omr_f, imr_f, _, s2 = solve_full_endowment(phi_c, y, e, omr, sig, ref, tol=tol)
    if not max(s0, s1, s2) < tol or not np.all(np.isfinite(p)):
        raise ConvergenceError("Monte Carlo chunk did not converge", {"steps": [s0, s1, s2]})
    inv = (1.0 / (1.0 - sig))[:, None]
    xb = gravity_flows(phi_b, y, e, omr, imr)
    rgdp = 100.0 * ((y1 / imr_f ** inv) / (y / imr ** inv) - 1.0)
    ex_c = 100.0 * (_exports(gravity_flows(phi_c, y, e, omr_c, imr_c)) / _exports(xb) - 1.0)
    ex_f = 100.0 * (_exports(gravity_flows(phi_c, y1, e1, omr_f, imr_f)) / _exports(xb) - 1.0)
    return np.stack([rgdp, ex_c, ex_f], axis=-1)


def gravity_montecarlo(ln_t_bar: np.ndarray, x_baseline: np.ndarray, x_counterfactual: np.ndarray,
                       coef: Sequence[float] | np.ndarray, vcov: np.ndarray | Sequence[Sequence[float]],
                       y: np.ndarray, e: np.ndarray, ref: int, *,
                       sigma: float | tuple[float, float], n: int = 200, seed: int = 0,
                       percentiles: Sequence[float] = (5.0, 50.0, 95.0), chunk: int = 100,
                       tol: float = 1e-11,
                       on_progress: Callable[[int], None] | None = None) -> MonteCarloBands:
    """Percentile bands of real GDP and export changes (counterfactual vs baseline, %).

    Parameters
    ----------
    ln_t_bar : ndarray (N, N)
        Cost terms held fixed (e.g. pair effects).
    x_baseline, x_counterfactual : ndarray (K, N, N)
        Policy variables whose coefficients are drawn (baseline and counterfactual values).
    coef, vcov : (K,), (K, K)
        Point estimates and their covariance (e.g. :attr:`usmca.ge.ppml.PpmlEstimate.vcov`).
    y, e : ndarray (N,)
        Baseline output and expenditure (``sum y == sum e``).
    sigma : float or (low, high)
        Fixed elasticity, or a uniform range to draw from.
    n, seed, percentiles, chunk
        Draws, root seed, bands, draws solved together.

    Returns
    -------
    MonteCarloBands
        Outcome shape ``(N, 3)``: columns :data:`OUTCOMES`.
    """
    beta = np.atleast_1d(np.asarray(coef, dtype=float))
    cov = np.atleast_2d(np.asarray(vcov, dtype=float))
    k = beta.size
    if cov.shape != (k, k) or np.asarray(x_baseline).shape[0] != k or np.asarray(x_counterfactual).shape[0] != k:
        raise UserInputError("montecarlo", "vcov", cov.shape,
                             f"need {k} coefficients, a ({k}, {k}) covariance and {k} policy arrays")
    if n < 1:
        raise UserInputError("montecarlo", "n", n, "must be >= 1")
    if isinstance(sigma, (int, float)):
        lo = hi = float(sigma)
    else:
        lo, hi = float(sigma[0]), float(sigma[1])
    if not (1.0 < lo <= hi):
        raise UserInputError("montecarlo", "sigma", sigma, "must be > 1 (and low <= high)")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    b = rng.multivariate_normal(beta, cov, size=n, method="cholesky" if np.all(np.linalg.eigvalsh(cov) > 0) else "eigh")
    sig = rng.uniform(lo, hi, size=n) if hi > lo else np.full(n, lo)
    xb, xc = np.asarray(x_baseline, dtype=float), np.asarray(x_counterfactual, dtype=float)
    out: list[np.ndarray] = []
    failed: list[int] = []
    for start in range(0, n, max(1, chunk)):
        sl = slice(start, min(n, start + max(1, chunk)))
        try:
            out.append(_solve_chunk(ln_t_bar, xb, xc, b[sl], sig[sl], y, e, ref, tol))
        except ConvergenceError:
            failed.extend(range(sl.start, sl.stop))
        if on_progress:
            on_progress(sl.stop - sl.start)
    if not out:
        raise ConvergenceError(f"all {n} Monte Carlo draws failed", {"failed": n})
    draws = np.concatenate(out)
    pct = tuple(float(p) for p in percentiles)
    return MonteCarloBands(percentiles=pct, bands=np.percentile(draws, pct, axis=0), draws=draws,
                           mean=draws.mean(axis=0), failed=tuple(failed), seconds=time.perf_counter() - t0)
