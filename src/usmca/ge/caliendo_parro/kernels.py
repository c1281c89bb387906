"""Pure array kernels of the Caliendo-Parro (2015) equilibrium in changes ("exact hat algebra").

Caliendo, L. and Parro, F. (2015), "Estimates of the Trade and Welfare Effects of NAFTA",
*Review of Economic Studies* 82(1): 1-44, https://doi.org/10.1093/restud/rdu035: the equilibrium conditions in
relative changes and Appendix C (the algorithm). A hat is the ratio of a
counterfactual to a baseline value; primes are counterfactual levels. ``n`` importer, ``i``
exporter, ``j, k`` sectors. No validation happens here (see :mod:`.solve`); every function is
vectorised over countries and sectors.

Equations (CP 2015, the equilibrium conditions in relative changes; the conditions are named here
by role, [C] cost, [P] price, [S] shares, [X] expenditure, [I] income, [TB] trade balance, rather
than by equation number):

* [C] input-bundle cost   :math:`\\hat c_{nj} = \\hat w_n^{\\gamma_{nj}} \\prod_k \\hat P_{nk}^{\\gamma_{nkj}}`
* [P] price index         :math:`\\hat P_{nj} =
  [\\sum_i \\pi_{nij} (\\hat\\kappa_{nij} \\hat c_{ij})^{-\\theta_j}]^{-1/\\theta_j}`
* [S] trade shares        :math:`\\pi'_{nij} = \\pi_{nij} (\\hat c_{ij} \\hat\\kappa_{nij} / \\hat P_{nj})^{-\\theta_j}`
* [X] expenditure         :math:`X'_{nj} =
  \\sum_k \\gamma_{njk} \\sum_i \\pi'_{ink} X'_{ik} / (1+\\tau'_{ink}) + \\alpha_{nj} I'_n`
* [I] income              :math:`I'_n =
  \\hat w_n w_n L_n + \\sum_j \\sum_i \\tau'_{nij} \\pi'_{nij} X'_{nj} / (1+\\tau'_{nij}) + D'_n`
* [TB] trade balance      :math:`\\sum_{j,i} \\pi'_{nij} X'_{nj} / (1+\\tau'_{nij}) - D'_n =
  \\sum_{j,i} \\pi'_{inj} X'_{ij} / (1+\\tau'_{inj})`

with :math:`\\hat\\kappa_{nij} = \\frac{1+\\tau'_{nij}}{1+\\tau_{nij}} \\hat d_{nij}` (tariff change
times an optional iceberg trade-cost change). Nominal scale: world value added is held at its
baseline, :math:`\\sum_n \\hat w_n w_n L_n = \\sum_n w_n L_n`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .anderson import Anderson
from .fused import Workspace
from .joint import JointSolver

__all__ = ["Equilibrium", "expenditure", "equilibrium", "kappa_theta"]


class Equilibrium(NamedTuple):
    """One solved equilibrium in changes relative to the data (CP 2015, equilibrium in changes).

    Hats are counterfactual over data values, primes counterfactual levels; the conditions the
    fields satisfy are [C]-[TB] of the module docstring.
    """

    w_hat: np.ndarray      #: (N,) wage (value-added price) change
    c_hat: np.ndarray      #: (N, J) input-bundle cost change
    p_hat: np.ndarray      #: (N, J) sectoral price-index change
    pi: np.ndarray         #: (N, N, J) counterfactual trade shares
    expenditure: np.ndarray  #: (N, J) counterfactual expenditure X'
    income: np.ndarray     #: (N,) counterfactual income I'
    tariffs: np.ndarray    #: (N, N, J) tariffs in force
    outer_iterations: int
    inner_iterations: int
    residual: float        #: max |trade-balance excess| / w_n L_n
    converged: bool
    method: str = "joint"  #: "joint" (one accelerated loop) or "nested" (the paper's loops)


def expenditure(pi1_t: np.ndarray, tau1_t: np.ndarray, io_share: np.ndarray, final_share: np.ndarray,
                base_income: np.ndarray, x0: np.ndarray, tol: float = 1e-13,
                max_iter: int = 5000) -> tuple[np.ndarray, np.ndarray, int]:
    r"""Solve the linear expenditure block ([X] with [I]) by warm-started iteration.

    :math:`X = G\,Y(X) + \alpha\,(b + R(X))` where :math:`Y_{ik} = \sum_n \pi'_{nik} X_{nk}/(1+\tau'_{nik})`
    is gross output, :math:`R_n = \sum_j t_{nj} X_{nj}` tariff revenue with
    :math:`t_{nj} = \sum_i \pi'_{nij}\tau'_{nij}/(1+\tau'_{nij})`, and :math:`b = \hat w\, wL + D'`.
    The map is a contraction (spending returning as intermediate demand and tariff revenue is
    below total spending); convergence is judged on the relative step. Shares and tariffs are
    sector-major ``[j, n, i]``; ``X`` is ``(N, J)``.

    Returns
    -------
    X, income, iterations
    """
    net_t = np.ascontiguousarray((pi1_t / (1.0 + tau1_t)).transpose(0, 2, 1))     # [k, i, n]
    t = (pi1_t * (tau1_t / (1.0 + tau1_t))).sum(axis=2).T                         # (N, J)
    x = x0
    scale = max(float(np.max(np.abs(x0))), 1e-300)
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned after the loop
        y = np.matmul(net_t, x.T[:, :, None])[:, :, 0].T                         # (I, K)
        inc = base_income + (t * x).sum(axis=1)
        new = np.matmul(io_share, y[:, :, None])[:, :, 0] + final_share * inc[:, None]
        step = np.max(np.abs(new - x)) / scale
        x = new
        if step < tol:
            break
    inc = base_income + (t * x).sum(axis=1)
    return x, inc, it


def kappa_theta(pi: np.ndarray, tau0: np.ndarray, tau1: np.ndarray, theta: np.ndarray,
                d_hat: np.ndarray | None = None) -> np.ndarray:
    r""":math:`\pi_{nij}\hat\kappa_{nij}^{-\theta_j}` with :math:`\hat\kappa = \hat d\,(1+\tau')/(1+\tau)`
    (0 where :math:`\pi_{nij} = 0`), ``[n, i, j]``; the power is taken only where
    :math:`\hat\kappa \ne 1` (elsewhere the product is :math:`\pi` exactly)."""
    if d_hat is None and (tau1 is tau0 or np.array_equal(tau1, tau0)):
        return pi
    kappa = (1.0 + tau1) / (1.0 + tau0)
    if d_hat is not None:
        kappa = kappa * d_hat
    idx = np.flatnonzero((kappa != 1.0) & (pi > 0))
    out = np.array(pi, dtype=float, copy=True)
    th = np.broadcast_to(theta, pi.shape).ravel()
    out.ravel()[idx] = pi.ravel()[idx] * np.exp(-th[idx] * np.log(kappa.ravel()[idx]))
    return out


def equilibrium(pi: np.ndarray, tau0: np.ndarray, tau1: np.ndarray, x: np.ndarray,
                va_share: np.ndarray, io_share: np.ndarray, final_share: np.ndarray,
                theta: np.ndarray, wl: np.ndarray, d1: np.ndarray,
                d_hat: np.ndarray | None = None, *, tol: float = 1e-11, max_iter: int = 500,
                step: float = 0.5, memory: int = 6, method: str = "joint",
                start: Equilibrium | None = None) -> Equilibrium:
    r"""Solve the equilibrium in changes relative to the data (CP 2015, Appendix C).

    Wage update: :math:`\hat w \leftarrow \hat w\,(1 - s\,(M_n - D'_n - E_n)/w_nL_n)` (the
    paper's excess-demand step ``s``), rescaled so that world value added is unchanged.
    Stops when :math:`\max_n |M_n - D'_n - E_n| / w_nL_n <` ``tol`` with the price and
    expenditure blocks converged to :math:`\max(10^{-13}, 10^{-2}\,` ``tol``:math:`)` (largest
    step of a log price; of an expenditure relative to the largest one).

    ``method="joint"`` (default): the wage step, one step of the price block and one of the
    expenditure block form one map of the stacked state, iterated with Anderson mixing
    (:mod:`.joint`), starting from the data or from ``start`` (an equilibrium of the same
    economy, e.g. the baseline when solving the counterfactual); each sweep counts as one outer
    and one inner iteration. If it fails (non-finite state, or ``max_iter`` sweeps), the nested
    loops run from the data. ``method="nested"``: the paper's nested loops, with the wage step
    accelerated by Anderson mixing (``memory``) and the inner blocks warm-started and solved to
    a tolerance that tightens with the outer residual, on the preallocated buffers of
    :class:`.fused.Workspace`. Arrays in and out are ``[n, i, j]``.
    """
    ws = Workspace(np.ascontiguousarray(kappa_theta(pi, tau0, tau1, theta, d_hat).transpose(2, 0, 1)),
                   np.ascontiguousarray(tau1.transpose(2, 0, 1)), theta, va_share, io_share, final_share,
                   nested=method == "nested")
    step_tol = max(1e-13, 1e-2 * tol)
    if method == "joint":
        js = JointSolver(ws, wl, d1, x)
        if start is not None:
            js.start(start.w_hat, start.p_hat, start.expenditure)
        sweeps, resid, ok = js.solve(tol, min(step_tol, 3e-4 * tol), max_iter)
        if ok:
            return Equilibrium(**js.fields(), tariffs=tau1, outer_iterations=sweeps, inner_iterations=sweeps,
                               residual=resid, converged=True, method="joint")
    elif method != "nested":
        raise ValueError(f"method must be 'joint' or 'nested', not {method!r}")
    if not hasattr(ws, "iop"):
        ws.build_nested()
    return _nested(ws, tau1, x, wl, d1, tol=tol, step_tol=step_tol, max_iter=max_iter, step=step, memory=memory)


def _nested(ws: Workspace, tau1: np.ndarray, x: np.ndarray, wl: np.ndarray, d1: np.ndarray, *, tol: float,
            step_tol: float, max_iter: int, step: float, memory: int) -> Equilibrium:
    """The nested loops of :func:`equilibrium` (``method="nested"``), from the data."""
    world = wl.sum()
    ws.set_expenditure(x)
    w = np.ones(wl.shape[0])
    acc = Anderson(memory)
    inner = 0
    resid = np.inf
    converged = False
    for outer in range(1, max_iter + 1):
        itol = 1e-14 if outer == 1 else min(1e-8, max(1e-14, 1e-4 * resid))
        k1 = ws.prices(np.log(w), itol)
        ws.shares()
        k2 = ws.expenditure(w * wl + d1, itol)
        inner += k1 + k2
        m, e = ws.balance()
        excess = (m - d1 - e) / wl
        resid = float(np.max(np.abs(excess)))
        if resid < tol and itol <= step_tol:
            converged = True
            break
        g = w * (1.0 - step * excess)
        g = g * world / (g @ wl)
        w_new = acc.update(w, g)
        if np.any(w_new <= 0) or not np.all(np.isfinite(w_new)):
            acc.reset()
            w_new = g
        w = w_new * world / (w_new @ wl)
    return Equilibrium(w_hat=w, c_hat=np.exp(ws.unpermute(ws.log_c)), p_hat=np.exp(ws.unpermute(ws.log_p)),
                       pi=ws.pi(), expenditure=ws.unpermute(ws.x), income=ws.income, tariffs=tau1,
                       outer_iterations=outer, inner_iterations=inner, residual=resid, converged=converged,
                       method="nested")
