"""Matrix balancing (RAS / iterative proportional fitting) with fixed cells.

Given a non-negative prior :math:`P`, a mask :math:`U` of free cells and target row and column
sums (``nan`` where a margin is unconstrained), find :math:`X_{ij} = r_i s_j P_{ij}` on the free
cells such that, with the fixed cells :math:`F`,

.. math:: \\sum_j X_{ij} + \\sum_j F_{ij} = R_i, \\qquad \\sum_i X_{ij} + \\sum_i F_{ij} = C_j .

Bacharach (1970), *Biproportional Matrices and Input-Output Change*; the update is the classic
alternation :math:`r_i \\leftarrow (R_i - F_{i\\cdot}) / \\sum_j s_j P_{ij}` and likewise for
:math:`s_j`. Unconstrained margins keep a factor of one.
"""

from __future__ import annotations

import numpy as np

from usmca.errors import ConvergenceError

__all__ = ["ras_fixed"]


def ras_fixed(prior: np.ndarray, free: np.ndarray, fixed: np.ndarray, row_target: np.ndarray,
              col_target: np.ndarray, *, tol: float = 1e-12, max_iter: int = 10_000) -> np.ndarray:
    """Balance the free cells of ``prior`` to the margins; return the full matrix (fixed + free).

    Parameters
    ----------
    prior : (N, M) array, non-negative prior on the free cells.
    free : (N, M) bool array, cells to be filled.
    fixed : (N, M) array, known cells (ignored where ``free``).
    row_target, col_target : targets (``nan`` = unconstrained margin).

    Raises
    ------
    ConvergenceError
        If a residual margin is negative or the iteration does not converge.
    """
    P = np.where(free, prior, 0.0)
    F = np.where(free, 0.0, fixed)
    rres = row_target - F.sum(axis=1)
    cres = col_target - F.sum(axis=0)
    if np.any(rres[np.isfinite(rres)] < 0) or np.any(cres[np.isfinite(cres)] < 0):
        raise ConvergenceError("RAS: known cells exceed a margin", {"row_residual": rres.tolist(),
                                                                     "col_residual": cres.tolist()})
    r = np.ones(P.shape[0])
    s = np.ones(P.shape[1])
    rc, cc = np.isfinite(rres), np.isfinite(cres)
    for _ in range(max_iter):
        rs = P @ s
        r = np.where(rc, np.divide(np.nan_to_num(rres), rs, out=np.ones_like(rs), where=rs > 0), r)
        cs = r @ P
        s = np.where(cc, np.divide(np.nan_to_num(cres), cs, out=np.ones_like(cs), where=cs > 0), s)
        X = P * np.outer(r, s)
        err = np.abs(X.sum(axis=1) - rres)[rc].max(initial=0.0)
        if err <= tol * max(1.0, np.nanmax(np.abs(rres))):
            return F + X
    raise ConvergenceError("RAS did not converge", {"iterations": max_iter, "row_error": float(err)})
