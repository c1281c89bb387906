"""Validating shell of the Caliendo-Parro (2015) model: check inputs, solve twice, report.

A counterfactual is two solves of the equilibrium in changes (CP 2015, equilibrium in
relative changes and Appendix C, https://doi.org/10.1093/restud/rdu035): a *baseline* with the data's tariffs and
the chosen deficit rule, and the *counterfactual* with the new tariffs (and trade costs) under
the same rule. Every reported change is counterfactual relative to baseline; with
``balanced=True`` both solves set :math:`D'_n = 0` (the paper's NAFTA experiment, Section 5.1),
otherwise deficits are held at ``inputs.deficits`` in units of baseline world value added.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from usmca.errors import ConvergenceError, UserInputError

from .inputs import CPInputs
from .kernels import Equilibrium, equilibrium
from .results import CPResults, build_results
from .welfare import decompose, flows

__all__ = ["solve", "solve_equilibrium", "DEFAULT_TOL", "DEFAULT_MAX_ITER"]

#: Default stop: max_n |M_n - D_n - E_n| / (w_n L_n) below this.
DEFAULT_TOL = 1e-11
DEFAULT_MAX_ITER = 500


def _check_array(name: str, arr: Any, shape: tuple[int, ...], *, positive: bool = False) -> np.ndarray:
    a = np.asarray(arr, dtype=float)
    if a.shape != shape:
        raise UserInputError(name, "shape", a.shape, f"must be {shape}")
    if not np.all(np.isfinite(a)):
        raise UserInputError(name, "", "non-finite", "all entries must be finite")
    bad = a <= 0 if positive else a < 0
    if bad.any():
        idx = [int(x) for x in np.argwhere(bad)[0]]
        raise UserInputError(name, str(idx), float(a[tuple(idx)]), "must be > 0" if positive else "must be >= 0")
    return a


def solve_equilibrium(inputs: CPInputs, tariffs: np.ndarray, deficits: np.ndarray,
                      trade_cost_hat: np.ndarray | None = None, *, theta: np.ndarray | None = None,
                      tol: float = DEFAULT_TOL, max_iter: int = DEFAULT_MAX_ITER,
                      label: str = "equilibrium", start: Equilibrium | None = None,
                      method: str = "joint") -> tuple[Equilibrium, dict[str, Any]]:
    r"""One equilibrium of Caliendo and Parro (2015) in changes relative to the data.

    Solves [C], [P], [S], [X], [I] and [TB] of :mod:`.kernels` for tariffs ``tariffs``
    (:math:`\tau'`), deficits ``deficits`` (:math:`D'`, units of baseline world value added) and
    an optional iceberg change :math:`\hat d`, by the wage loop of CP 2015, Appendix C
    (https://doi.org/10.1093/restud/rdu035). The stopping rule is
    :math:`\max_n |M_n - D'_n - E_n| / (w_n L_n) <` ``tol`` with the inner blocks converged
    (:func:`.kernels.equilibrium`, which also describes ``method`` and ``start``: an
    equilibrium of the same economy to start from).

    Returns
    -------
    (Equilibrium, dict)
        The solution and its diagnostics: ``outer_iterations``, ``inner_iterations``,
        ``residual``, ``tol``, ``seconds``, ``converged`` (the keys every GE solver of this
        package reports, see :mod:`usmca.ge.registry`).

    Raises
    ------
    ConvergenceError
        ``residual >= tol`` after ``max_iter`` wage iterations; the same dict is attached.
    """
    t0 = time.perf_counter()
    th = inputs.theta if theta is None else theta
    eq = equilibrium(inputs.pi, inputs.tariffs, tariffs, inputs.expenditure, inputs.va_share,
                     inputs.io_share, inputs.final_share, th, inputs.value_added, deficits,
                     trade_cost_hat, tol=tol, max_iter=max_iter, method=method, start=start)
    diag = {"outer_iterations": eq.outer_iterations, "inner_iterations": eq.inner_iterations,
            "residual": eq.residual, "tol": tol, "seconds": time.perf_counter() - t0,
            "converged": eq.converged, "method": eq.method}
    if not eq.converged:
        raise ConvergenceError(f"Caliendo-Parro {label} did not converge in {max_iter} iterations "
                               f"(residual {eq.residual:.3g} > tol {tol:.3g})", diag)
    return eq, diag


def solve(inputs: CPInputs, new_tariffs: np.ndarray | None = None, *,
          trade_cost_hat: np.ndarray | None = None, balanced: bool = False,
          theta: np.ndarray | None = None, tol: float = DEFAULT_TOL,
          max_iter: int = DEFAULT_MAX_ITER, method: str = "joint") -> CPResults:
    """Solve a tariff / trade-cost counterfactual of the Caliendo-Parro model.

    Parameters
    ----------
    inputs : CPInputs
        Baseline data (tariffs :math:`\\tau_{nij}` in ``inputs.tariffs``).
    new_tariffs : ndarray (N, N, J), optional
        Counterfactual tariffs :math:`\\tau'_{nij}` as fractions; default the baseline tariffs.
    trade_cost_hat : ndarray (N, N, J), optional
        Iceberg trade-cost change :math:`\\hat d_{nij} > 0`; multiplies the tariff-inclusive
        cost, :math:`\\hat\\kappa_{nij} = \\hat d_{nij}(1+\\tau'_{nij})/(1+\\tau_{nij})`.
    balanced : bool
        ``True``: :math:`D'_n = 0` in baseline and counterfactual (CP's Table 2 experiment).
        ``False``: deficits fixed at ``inputs.deficits``.
    theta : ndarray (J,), optional
        Trade elasticities overriding ``inputs.theta`` (Monte Carlo draws).
    tol, max_iter
        Stopping rule of the wage loop (max relative trade-balance excess) and its cap.
    method : {"joint", "nested"}
        Algorithm (:func:`.kernels.equilibrium`): one Anderson-accelerated loop over wages,
        prices and expenditure, the counterfactual started from the baseline equilibrium
        (default), or the paper's nested loops, both solves from the data. Same equilibrium.

    Returns
    -------
    CPResults

    Raises
    ------
    UserInputError
        Wrong shape, negative tariff, non-positive trade-cost change.
    ConvergenceError
        A solve did not reach ``tol`` within ``max_iter`` (diagnostics attached).
    """
    n, j = inputs.shape
    tau1 = inputs.tariffs if new_tariffs is None else _check_array("new_tariffs", new_tariffs, (n, n, j))
    dhat = None if trade_cost_hat is None else _check_array("trade_cost_hat", trade_cost_hat, (n, n, j), positive=True)
    th = None if theta is None else _check_array("theta", theta, (j,), positive=True)
    if method not in ("joint", "nested"):
        raise UserInputError("solve", "method", method, "must be 'joint' or 'nested'")
    if not (tol > 0 and max_iter >= 1):
        raise UserInputError("solve", "tol/max_iter", (tol, max_iter), "tol must be > 0 and max_iter >= 1")
    d1 = np.zeros(n) if balanced else inputs.deficits
    t0 = time.perf_counter()
    bln, dg_b = solve_equilibrium(inputs, inputs.tariffs, d1, None, theta=th, tol=tol,
                                  max_iter=max_iter, label="baseline", method=method)
    cfl, dg_c = solve_equilibrium(inputs, tau1, d1, dhat, theta=th, tol=tol,  # from the baseline
                                  max_iter=max_iter, label="counterfactual", method=method,
                                  start=bln if method == "joint" else None)
    dec = decompose(bln, cfl, inputs.final_share, dhat)
    diagnostics = {"model": "caliendo-parro", "balanced": balanced, "baseline": dg_b,
                   "counterfactual": dg_c, "seconds": time.perf_counter() - t0}
    return build_results(inputs.countries, inputs.sectors, dec, flows(bln), flows(cfl), diagnostics)
