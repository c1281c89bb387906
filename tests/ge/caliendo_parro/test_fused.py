"""The fused loops of :mod:`usmca.ge.caliendo_parro.fused` solve conditions [C]-[TB] exactly.

Checked on economies where every sector is traded, where half are bought only at home, and with an
iceberg change on the home-only sectors' own flows (the case where their price differs from their
cost: :math:`\\ln\\hat P = \\ln\\hat c - \\ln\\hat\\kappa_{nn}^{-\\theta}/\\theta`).
"""

from __future__ import annotations

import numpy as np
import pytest

from usmca.ge.caliendo_parro.fused import sector_order
from usmca.ge.caliendo_parro.kernels import expenditure
from usmca.ge.caliendo_parro.solve import solve_equilibrium
from usmca.ge.caliendo_parro.synthetic import synthetic_inputs


@pytest.mark.parametrize("share, home_shock", [(1.0, False), (0.5, False), (0.5, True)])
def test_fused_solution_satisfies_the_conditions(share: float, home_shock: bool) -> None:
    econ = synthetic_inputs(7, 6, seed=5, tradable_share=share)
    n, j = econ.shape
    tau1 = econ.tariffs * 0.4
    d = np.ones((n, n, j))
    if home_shock:
        d[np.arange(n), np.arange(n), -1] = np.linspace(0.9, 1.1, n)
    eq, _ = solve_equilibrium(econ, tau1, np.zeros(n), d, tol=1e-12)
    order, jt = sector_order(np.ascontiguousarray(econ.pi.transpose(2, 0, 1)))
    assert jt == (j if share == 1.0 else 3) and sorted(order) == list(range(j))
    kappa = (1 + tau1) / (1 + econ.tariffs) * d
    th = econ.theta
    c = eq.w_hat[:, None] ** econ.va_share * np.prod(eq.p_hat[:, :, None] ** econ.io_share, axis=1)
    np.testing.assert_allclose(c, eq.c_hat, rtol=1e-11)
    p = np.sum(econ.pi * (kappa * c[None]) ** -th, axis=1) ** (-1 / th)
    np.testing.assert_allclose(p, eq.p_hat, rtol=1e-11)
    pi1 = econ.pi * (c[None] * kappa / p[:, None]) ** -th
    np.testing.assert_allclose(pi1, eq.pi, atol=1e-12)
    x, inc, _ = expenditure(np.ascontiguousarray(pi1.transpose(2, 0, 1)), np.ascontiguousarray(tau1.transpose(2, 0, 1)),
                            econ.io_share, econ.final_share, eq.w_hat * econ.value_added, eq.expenditure, tol=1e-15)
    np.testing.assert_allclose(eq.expenditure, x, rtol=1e-10)
    np.testing.assert_allclose(eq.income, inc, rtol=1e-10)
    flows = pi1 * eq.expenditure[:, None, :] / (1 + tau1)
    dom = np.einsum("nnj->n", flows)
    np.testing.assert_allclose(flows.sum(axis=(1, 2)) - dom, flows.sum(axis=(0, 2)) - dom, rtol=1e-9)
