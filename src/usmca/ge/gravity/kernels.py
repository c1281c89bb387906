"""Pure numpy kernels of one-sector structural gravity (Anderson and van Wincoop 2003).

No validation, no pandas, no I/O: arrays in, arrays and iteration counts out. Every kernel accepts
leading batch dimensions (``phi`` of shape ``(..., N, N)``, vectors ``(..., N)``) so that Monte
Carlo draws are solved together; convergence is judged on the worst element of the batch.

Model (Yotov, Piermartini, Monteiro and Larch 2016, *An Advanced Guide to Trade Policy Analysis*,
ch. 2, eqs. 1-4 and 6, https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf),
written without world-output normalisation, as in the book's Stata code::

    X_ij   = Y_i E_j phi_ij / (Omega_i Phi_j),         phi_ij = t_ij^(1-sigma)
    Omega_i = sum_j phi_ij E_j / Phi_j                  (outward MR, Pi_i^(1-sigma))
    Phi_j   = sum_i phi_ij Y_i / Omega_i                (inward MR,  P_j^(1-sigma)),  Phi_ref = 1

Full endowment (fixed quantities Q_i, factory-gate price p_i, Y_i = p_i Q_i, CES supply
Y_i = (beta_i p_i)^(1-sigma) Omega_i): with ``a_i = Y_i / Omega_i`` from the baseline, the
counterfactual is the fixed point in price changes ``p`` (hats, ``p_ref`` set by ``Phi'_ref = 1``)::

    Phi'_j   = sum_i a_i p_i^(1-sigma) phi'_ij          (CES price index, explicit in p)
    E'_j     = s * phi_E_j p_j Y_j,   s = sum_i p_i Y_i / sum_j phi_E_j p_j Y_j
    Omega'_i = sum_j phi'_ij E'_j / Phi'_j
    p_i^sigma = Omega'_i / Omega_i                       (market clearing Y'_i = sum_j X'_ij)

``phi_E = E/Y`` is the book's fixed expenditure/output ratio; the scalar ``s`` keeps world
expenditure equal to world output (Walras' law). Without it the system has N equations in N-1
unknowns and no exact solution whenever ``E != Y`` somewhere (the book's loop never imposes it).
"""

from __future__ import annotations

import numpy as np

__all__ = ["row_mv", "col_mv", "solve_mr", "solve_full_endowment", "gravity_flows"]


def row_mv(phi: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``out_i = sum_j phi_ij w_j`` over leading batch dimensions."""
    return np.matmul(phi, w[..., :, None])[..., 0]


def col_mv(phi: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``out_j = sum_i v_i phi_ij`` over leading batch dimensions."""
    return np.matmul(v[..., None, :], phi)[..., 0, :]


def gravity_flows(phi: np.ndarray, y: np.ndarray, e: np.ndarray, omr: np.ndarray, imr: np.ndarray) -> np.ndarray:
    """Structural flows ``X_ij = Y_i E_j phi_ij / (Omega_i Phi_j)``.

    Anderson and van Wincoop (2003), https://doi.org/10.1257/000282803321455214, in the
    notation of Yotov et al. (2016, ch. 2): ``phi_ij = t_ij^(1-sigma)``,
    ``Omega_i = Pi_i^(1-sigma)``, ``Phi_j = P_j^(1-sigma)``, without the world-output
    normalisation. Vectorised over leading batch dimensions.
    """
    return (y / omr)[..., :, None] * phi * (e / imr)[..., None, :]


def solve_mr(phi: np.ndarray, y: np.ndarray, e: np.ndarray, ref: int, *, tol: float = 1e-13,
             max_iter: int = 20_000) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Multilateral resistances for given output and expenditure (conditional equilibrium).

    Alternating (Sinkhorn) updates ``Phi = phi' (Y / Omega)``, ``Omega = phi (E / Phi)``, each
    followed by ``Phi_ref = 1``. The fixed point is the PPML fit with exporter and importer fixed
    effects and offset ``ln phi`` (row and column sums of the fit equal ``Y`` and ``E``).
    Requires ``sum Y = sum E`` along the last axis.

    Returns
    -------
    omr, imr : ndarray
        ``Omega`` and ``Phi`` (``Phi[..., ref] == 1``).
    iterations : int
    step : float
        Largest relative change in ``Phi`` at the last iteration (``nan`` if none ran).
    """
    imr = np.ones_like(y)
    step = np.nan
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned after the loop
        omr = row_mv(phi, e / imr)
        new = col_mv(phi, y / omr)
        new = new / new[..., ref : ref + 1]
        step = float(np.max(np.abs(new / imr - 1.0)))
        imr = new
        if step < tol:
            break
    omr = row_mv(phi, e / imr)
    return omr, imr, it, step


def solve_full_endowment(phi_cf: np.ndarray, y: np.ndarray, e: np.ndarray, omr0: np.ndarray,
                         sigma: np.ndarray | float, ref: int, *, tol: float = 1e-13,
                         max_iter: int = 20_000
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, float]:
    """Exact full-endowment counterfactual: the fixed point in factory-gate price changes.

    Iterates ``p <- (Omega'(p) / Omega)^(1/sigma)`` and rescales ``p`` so that ``Phi'_ref = 1``
    (the reference country's consumer price index is the numeraire, as in the book). The map has
    Lipschitz constant about ``(sigma-1)/sigma`` near the solution.

    Parameters
    ----------
    phi_cf : ndarray (..., N, N)
        Counterfactual ``t_ij^(1-sigma)``.
    y, e : ndarray (..., N)
        Baseline output and expenditure (``sum y == sum e``).
    omr0 : ndarray (..., N)
        Baseline outward resistances (from :func:`solve_mr` on the baseline costs).
    sigma : float or ndarray (...)
        Elasticity of substitution (> 1), one per batch element.

    Returns
    -------
    p, y_cf, e_cf, omr_cf, imr_cf : ndarray
        Price changes and counterfactual levels.
    iterations : int
    step : float
        Largest relative change in ``p`` at the last iteration.
    """
    sig = np.asarray(sigma, dtype=float)[..., None]
    a = y / omr0
    phi_e = e / y
    p = np.ones_like(y)
    step = np.nan

    def _state(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        imr = col_mv(phi_cf, a * p ** (1.0 - sig))
        scale = imr[..., ref : ref + 1] ** (1.0 / (sig - 1.0))
        p = p * scale
        imr = imr / imr[..., ref : ref + 1]
        y1 = p * y
        e1 = phi_e * y1
        e1 = e1 * (y1.sum(axis=-1, keepdims=True) / e1.sum(axis=-1, keepdims=True))
        omr = row_mv(phi_cf, e1 / imr)
        return p, y1, e1, omr, imr

    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned after the loop
        p, _, _, omr, _ = _state(p)
        new = (omr / omr0) ** (1.0 / sig)
        step = float(np.max(np.abs(new / p - 1.0)))
        p = new
        if step < tol:
            break
    p, y1, e1, omr, imr = _state(p)
    return p, y1, e1, omr, imr, it, step
