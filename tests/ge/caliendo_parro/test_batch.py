"""The batched solver agrees with the scalar one, draw by draw, and its measures are consistent."""

from __future__ import annotations

import numpy as np
import pytest

from usmca.ge.caliendo_parro import solve
from usmca.ge.caliendo_parro.batch import equilibrium_batch, measures
from usmca.ge.caliendo_parro.synthetic import synthetic_inputs


@pytest.fixture(scope="module")
def case():  # noqa: ANN201
    inp = synthetic_inputs(n=4, j=3, seed=2)
    tau1 = inp.tariffs.copy()
    tau1[0, 1:, :] += 0.2
    return inp, tau1


@pytest.mark.parametrize("balanced", [False, True])
def test_each_draw_matches_the_scalar_solver(case, balanced) -> None:
    inp, tau1 = case
    thetas = np.vstack([inp.theta, inp.theta * 0.6, inp.theta * 1.7])
    d1 = np.zeros(len(inp.countries)) if balanced else inp.deficits
    args = (inp.pi, inp.tariffs)
    b0 = equilibrium_batch(*args, inp.tariffs, inp.expenditure, inp.va_share, inp.io_share, inp.final_share, thetas,
                           inp.value_added, d1, tol=1e-11)
    b1 = equilibrium_batch(*args, tau1, inp.expenditure, inp.va_share, inp.io_share, inp.final_share, thetas,
                           inp.value_added, d1, tol=1e-11)
    assert b0.converged.all() and b1.converged.all()
    m = measures(b0, b1, inp.final_share)
    for k, th in enumerate(thetas):
        ref = solve(inp, tau1, balanced=balanced, theta=th).countries
        for col in ("welfare_pct", "real_wage_pct", "exports_pct", "imports_pct"):
            assert np.allclose(m[col][k], ref[col].to_numpy(), atol=1e-6), (k, col)


def test_real_trade_deflates_by_the_exporters_price(case) -> None:
    inp, tau1 = case
    th = inp.theta[None]
    b0 = equilibrium_batch(inp.pi, inp.tariffs, inp.tariffs, inp.expenditure, inp.va_share, inp.io_share,
                           inp.final_share, th, inp.value_added, inp.deficits)
    b1 = equilibrium_batch(inp.pi, inp.tariffs, tau1, inp.expenditure, inp.va_share, inp.io_share,
                           inp.final_share, th, inp.value_added, inp.deficits)
    m = measures(b0, b1, inp.final_share)
    c = b1.c_hat[0] / b0.c_hat[0]
    off = ~np.eye(len(inp.countries), dtype=bool)[:, :, None]
    f0, f1 = np.where(off, b0.flows[0], 0), np.where(off, b1.flows[0], 0)
    real = (f1 / c[None]).sum(axis=(0, 2)) / f0.sum(axis=(0, 2))
    assert np.allclose(m["exports_real_pct"][0], 100 * (real - 1))
    # the baseline against itself changes nothing
    same = measures(b0, b0, inp.final_share)
    assert np.allclose(same["welfare_pct"], 0, atol=1e-9) and np.allclose(same["exports_real_pct"], 0, atol=1e-9)
