"""Solver properties on synthetic economies: fixed point, equilibrium conditions, errors."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usmca.errors import ConvergenceError, UserInputError
from usmca.ge.caliendo_parro import CPInputs, solve
from usmca.ge.caliendo_parro.solve import solve_equilibrium
from usmca.ge.caliendo_parro.synthetic import synthetic_inputs


@pytest.fixture(scope="module")
def small() -> CPInputs:
    return synthetic_inputs(6, 5, seed=3)


def test_unchanged_policy_is_a_fixed_point(small: CPInputs) -> None:
    res = solve(small, balanced=True)
    cols = ["welfare_pct", "tot_pct", "vot_pct", "real_wage_pct", "imports_pct", "wage_pct"]
    assert np.abs(res.countries[cols].to_numpy()).max() < 1e-8
    assert res.diagnostics["baseline"]["outer_iterations"] == 1


def test_equilibrium_conditions_hold_independently(small: CPInputs) -> None:
    """Check eqs. 10-14 on the solution with a dense linear solve of the expenditure block."""
    tau1 = small.tariffs * 0.3
    eq, _ = solve_equilibrium(small, tau1, np.zeros(6))
    n, j = small.shape
    kappa = (1 + tau1) / (1 + small.tariffs)
    c = eq.w_hat[:, None] ** small.va_share * np.prod(eq.p_hat[:, :, None] ** small.io_share, axis=1)
    np.testing.assert_allclose(c, eq.c_hat, rtol=1e-10)
    p = np.sum(small.pi * (kappa * c[None]) ** -small.theta, axis=1) ** (-1 / small.theta)
    np.testing.assert_allclose(p, eq.p_hat, rtol=1e-10)
    pi1 = small.pi * (c[None] * kappa / p[:, None]) ** -small.theta
    np.testing.assert_allclose(pi1, eq.pi, atol=1e-12)
    # Expenditure: X = A X + alpha * (w wL), built as a dense (NJ x NJ) matrix.
    net = pi1 / (1 + tau1)
    a = np.einsum("njk,mnk->njmk", small.io_share, net).reshape(n * j, n * j)
    t = (pi1 * tau1 / (1 + tau1)).sum(axis=1)
    a += np.einsum("nj,nm,mk->njmk", small.final_share, np.eye(n), t).reshape(n * j, n * j)
    b = (small.final_share * (eq.w_hat * small.value_added)[:, None]).ravel()
    x = np.linalg.solve(np.eye(n * j) - a, b).reshape(n, j)
    np.testing.assert_allclose(x, eq.expenditure, rtol=1e-9)
    flows = pi1 * x[:, None, :] / (1 + tau1)
    imports = flows.sum(axis=(1, 2)) - np.einsum("nnj->n", flows)
    exports = flows.sum(axis=(0, 2)) - np.einsum("nnj->n", flows)
    np.testing.assert_allclose(imports, exports, rtol=1e-9)
    assert eq.w_hat @ small.value_added == pytest.approx(small.value_added.sum(), rel=1e-12)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), cut=st.floats(0.0, 1.0))
def test_terms_of_trade_sum_to_zero_worldwide(seed: int, cut: float) -> None:
    econ = synthetic_inputs(5, 4, seed=seed)
    res = solve(econ, econ.tariffs * cut, balanced=True)
    c = res.countries
    world = float((c.tot_pct * c.income_baseline).sum())
    assert abs(world) < 1e-9 * float(c.income_baseline.sum())
    assert np.isfinite(c.welfare_pct).all()


def test_trade_cost_shock_moves_trade_the_right_way(small: CPInputs) -> None:
    d = np.ones((6, 6, 5))
    d[0, 1, :] = 1.2                      # costlier imports of C000 from C001
    res = solve(small, trade_cost_hat=d)
    b = res.bilateral.set_index(["importer", "exporter"])
    assert b.loc[("C000", "C001"), "imports_pct"] < -5
    c = res.countries.set_index("country")
    assert c.loc["C000", "te_pct"] < 0 and (c.drop(index="C000").te_pct == 0).all()
    np.testing.assert_allclose(c.welfare_pct, c.tot_pct + c.vot_pct + c.te_pct, atol=1e-12)
    same = solve(small, trade_cost_hat=np.ones((6, 6, 5)))
    assert np.abs(same.countries.welfare_pct).max() < 1e-8


def test_bad_inputs_raise_user_errors(small: CPInputs) -> None:
    tau = small.tariffs.copy()
    tau[1, 2, 0] = -0.1
    with pytest.raises(UserInputError, match="new_tariffs"):
        solve(small, tau)
    with pytest.raises(UserInputError, match="shape"):
        solve(small, np.zeros((6, 6)))
    with pytest.raises(UserInputError, match="trade_cost_hat"):
        solve(small, trade_cost_hat=np.zeros((6, 6, 5)))
    pi = small.pi.copy()
    pi[0, 0, 0] += 0.5
    with pytest.raises(UserInputError, match="sum to 1"):
        dataclasses.replace(small, pi=pi)


def test_non_convergence_raises_with_diagnostics(small: CPInputs) -> None:
    with pytest.raises(ConvergenceError) as info:
        solve(small, small.tariffs * 0.0, max_iter=2)
    assert info.value.diagnostics["outer_iterations"] == 2
    assert info.value.diagnostics["converged"] is False


def test_inputs_and_results_are_immutable(small: CPInputs) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        small.theta = np.ones(5)  # type: ignore[misc]
    with pytest.raises(ValueError):
        small.pi[0, 0, 0] = 0.0
    res = solve(small, balanced=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.diagnostics = {}  # type: ignore[misc]


def test_from_frames_round_trip(small: CPInputs) -> None:
    """Tidy tables -> CPInputs, with shares recomputed from flows net of tariffs."""
    import pandas as pd

    n, j = small.shape
    nn, ii, jj = np.meshgrid(range(n), range(n), range(j), indexing="ij")
    c, s = np.array(small.countries), np.array(small.sectors)
    flows = small.imports()
    bil = pd.DataFrame({"importer": c[nn.ravel()], "exporter": c[ii.ravel()], "sector": s[jj.ravel()],
                        "flow": flows.ravel(), "tariff": small.tariffs.ravel()})
    cn, cj = np.meshgrid(range(n), range(j), indexing="ij")
    cs = pd.DataFrame({"region": c[cn.ravel()], "sector": s[cj.ravel()], "expenditure": small.expenditure.ravel(),
                       "va_share": small.va_share.ravel(), "final_share": small.final_share.ravel()})
    kn, kk, kj = np.meshgrid(range(n), range(j), range(j), indexing="ij")
    io = pd.DataFrame({"region": c[kn.ravel()], "input_sector": s[kk.ravel()], "output_sector": s[kj.ravel()],
                       "io_share": small.io_share.ravel()})
    country = pd.DataFrame({"region": c, "value_added": small.value_added, "deficit": small.deficits})
    sectors = pd.DataFrame({"sector": s, "theta": small.theta})
    got = CPInputs.from_frames(bil.sample(frac=1.0, random_state=0), cs, io, country, sectors)
    np.testing.assert_allclose(got.pi, small.pi, atol=1e-12)
    np.testing.assert_array_equal(got.tariffs, small.tariffs)
    np.testing.assert_array_equal(got.io_share, small.io_share)
    bad = bil.copy()
    bad.loc[3, "exporter"] = "Nowhere"
    with pytest.raises(UserInputError, match="Nowhere"):
        CPInputs.from_frames(bad, cs, io, country, sectors)


def test_first_order_welfare_matches_exact_real_income_for_small_shocks(small: CPInputs) -> None:
    """ToT + VoT is the first-order change of real income I/P: the gap shrinks quadratically."""
    gaps = []
    for eps in (0.02, 0.01):
        c = solve(small, small.tariffs * (1 - eps), balanced=True).countries
        gaps.append(float(np.max(np.abs(c.welfare_pct - c.real_income_pct))))
        assert np.max(np.abs(c.welfare_pct)) > 50 * gaps[-1]
    assert gaps[1] < 0.3 * gaps[0]              # ~ eps^2: halving eps quarters the gap
