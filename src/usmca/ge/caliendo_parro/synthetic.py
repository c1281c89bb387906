"""Synthetic, internally consistent Caliendo-Parro economies (tests and benchmarks).

Random shares are drawn, expenditure is solved from the model's expenditure equation
(CP 2015, equilibrium in relative changes) and the economy is then moved to its own balanced-trade equilibrium, so that
the returned :class:`CPInputs` satisfy every equilibrium condition exactly: solving it with
unchanged tariffs returns hats of one.
"""

from __future__ import annotations

import numpy as np

from .inputs import CPInputs
from .kernels import equilibrium, expenditure

__all__ = ["synthetic_inputs"]


def synthetic_inputs(n: int, j: int, seed: int = 0, *, tradable_share: float = 0.5,
                     max_tariff: float = 0.2) -> CPInputs:
    """A random economy of ``n`` regions and ``j`` sectors in balanced-trade equilibrium.

    Parameters
    ----------
    n, j : int
        Regions and sectors.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    tradable_share : float
        Fraction of sectors that are traded (the rest have :math:`\\pi_{nnj}=1`).
    max_tariff : float
        Tariffs are uniform on ``[0, max_tariff]`` off the diagonal.
    """
    rng = np.random.default_rng(seed)
    jt = max(1, int(round(j * tradable_share)))
    raw = rng.lognormal(0.0, 1.0, (n, n, j)) + np.eye(n)[:, :, None] * 3.0 * n
    raw[:, :, jt:] = np.eye(n)[:, :, None]
    pi = raw / raw.sum(axis=1, keepdims=True)
    tau = rng.uniform(0.0, max_tariff, (n, n, j)) * (1 - np.eye(n))[:, :, None]
    tau[:, :, jt:] = 0.0
    va = rng.uniform(0.3, 0.6, (n, j))
    io = rng.dirichlet(np.ones(j), size=(n, j)).transpose(0, 2, 1) * (1 - va)[:, None, :]
    alpha = rng.dirichlet(np.ones(j), size=n)
    theta = rng.uniform(2.0, 10.0, j)
    wl = rng.lognormal(0.0, 1.0, n) * 1e3
    x0 = np.outer(wl, np.ones(j))
    x, _, _ = expenditure(np.ascontiguousarray(pi.transpose(2, 0, 1)),
                          np.ascontiguousarray(tau.transpose(2, 0, 1)), io, alpha, wl, x0)
    eq = equilibrium(pi, tau, tau, x, va, io, alpha, theta, wl, np.zeros(n))
    return CPInputs(countries=tuple(f"C{k:03d}" for k in range(n)),
                    sectors=tuple(f"S{k:02d}" for k in range(j)), pi=eq.pi, tariffs=tau,
                    expenditure=eq.expenditure, va_share=va, io_share=io, final_share=alpha,
                    theta=theta, value_added=eq.w_hat * wl, deficits=np.zeros(n),
                    source=f"synthetic(n={n}, j={j}, seed={seed})")
