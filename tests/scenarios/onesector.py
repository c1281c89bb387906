"""An independent one-sector Armington / Eaton-Kortum solver (exact hat algebra), for tests.

Written from the textbook equations (Dekle, Eaton and Kortum 2008; Costinot and Rodriguez-Clare
2014), not from the Caliendo-Parro engine. With importer n, exporter i, expenditure shares
:math:`\\pi_{ni}`, cost shifters :math:`\\hat\\kappa_{ni} = \\hat d_{ni}(1+\\tau'_{ni})/(1+\\tau_{ni})`:

.. math::
    \\pi'_{ni} = \\frac{\\pi_{ni}(\\hat w_i \\hat\\kappa_{ni})^{-\\theta}}
                   {\\sum_k \\pi_{nk}(\\hat w_k\\hat\\kappa_{nk})^{-\\theta}},
    \\quad X'_n = \\frac{\\hat w_n Y_n + D_n}{1 - \\sum_i \\pi'_{ni}\\tau'_{ni}/(1+\\tau'_{ni})},
    \\quad \\hat w_i Y_i = \\sum_n \\frac{\\pi'_{ni} X'_n}{1+\\tau'_{ni}} .

Solved by damped iteration on :math:`\\hat w` with :math:`\\sum_i \\hat w_i Y_i = \\sum_i Y_i`.
"""

from __future__ import annotations

import numpy as np


def solve_one_sector(Z: np.ndarray, tau: np.ndarray, tau_new: np.ndarray, dhat: np.ndarray, theta: float,
                     tol: float = 1e-13, max_iter: int = 200_000) -> dict[str, np.ndarray]:
    """Z[n, i] flows net of tariffs (diagonal = domestic sales); returns w_hat, P_hat, real_wage_hat."""
    X = (Z * (1 + tau)).sum(axis=1)
    pi = Z * (1 + tau) / X[:, None]
    Y = Z.sum(axis=0)
    D = X - (Z * tau).sum(axis=1) - Y
    kap = dhat * (1 + tau_new) / (1 + tau)
    w = np.ones(len(Y))
    for _ in range(max_iter):
        a = pi * (w[None, :] * kap) ** (-theta)
        s = a.sum(axis=1)
        pin = a / s[:, None]
        Xn = (w * Y + D) / (1 - (pin * tau_new / (1 + tau_new)).sum(axis=1))
        sales = (pin * Xn[:, None] / (1 + tau_new)).sum(axis=0)
        excess = sales / Y - w
        if np.abs(excess).max() < tol:
            break
        w = w + 0.5 * excess
        w *= Y.sum() / (w * Y).sum()
    P = s ** (-1 / theta)
    return {"w_hat": w, "P_hat": P, "real_wage_hat": w / P, "pi_new": pin, "X_new": Xn}
