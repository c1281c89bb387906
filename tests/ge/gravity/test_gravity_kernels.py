"""Properties of the structural gravity kernels and shell on synthetic worlds (no data needed)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usmca.errors import ConvergenceError, UserInputError
from usmca.ge.gravity import solve_baseline, solve_counterfactual
from usmca.ge.gravity.kernels import gravity_flows, solve_full_endowment, solve_mr
from usmca.ge.gravity.model import market_residual

from .conftest import random_world

NAMES = tuple(f"C{k:02d}" for k in range(40))


def _solve(seed: int, n: int, shock: float = 0.8, sigma: float = 5.0):  # noqa: ANN202
    rng = np.random.default_rng(seed)
    phi, y, e = random_world(rng, n)
    base = solve_baseline(NAMES[:n], phi, y, e, reference=NAMES[0])
    cf_phi = phi.copy()
    cf_phi[0, 1] *= shock
    cf_phi[1, 0] *= shock
    return base, solve_counterfactual(base, cf_phi, sigma)


def test_baseline_satisfies_the_resistance_equations() -> None:
    base, _ = _solve(1, 12)
    b = base
    assert b.imr[b.ref] == 1.0
    np.testing.assert_allclose(b.omr, b.phi @ (b.e / b.imr), rtol=1e-12)
    np.testing.assert_allclose(b.imr, (b.y / b.omr) @ b.phi, rtol=1e-12)
    assert market_residual(b.flows, b.y, b.e) < 1e-12


def test_calibrated_costs_fit_the_data_exactly() -> None:
    rng = np.random.default_rng(2)
    x = rng.lognormal(size=(8, 8))
    y, e = x.sum(1), x.sum(0)
    b = solve_baseline(NAMES[:8], x / np.outer(y, e), y, e, reference=NAMES[3])
    np.testing.assert_allclose(b.flows, x, rtol=1e-11)


def test_no_change_gives_no_effect() -> None:
    base, _ = _solve(3, 10)
    cf = solve_counterfactual(base, base.phi, 6.0)
    f = cf.countries
    np.testing.assert_allclose(f[["real_gdp_pct", "exports_cdl_pct", "exports_full_pct", "factory_price_pct"]],
                               0.0, atol=1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 25), shock=st.floats(0.3, 3.0), sigma=st.floats(1.5, 12.0))
def test_full_endowment_is_an_equilibrium(seed: int, n: int, shock: float, sigma: float) -> None:
    base, cf = _solve(seed, n, shock, sigma)
    d = cf.diagnostics["full"]
    assert d.converged and d.residual < 1e-10
    x = cf.flows_full
    np.testing.assert_allclose(x.sum(1), cf.y_full, rtol=1e-10)
    np.testing.assert_allclose(x.sum(0), cf.e_full, rtol=1e-10)
    assert abs(cf.e_full.sum() / cf.y_full.sum() - 1) < 1e-12          # Walras
    np.testing.assert_allclose(cf.e_full / cf.y_full, (base.e / base.y) * cf.e_full.sum() / (base.e / base.y * cf.y_full).sum(),
                               rtol=1e-10)                              # E/Y fixed up to one world scalar
    assert cf.imr_full[base.ref] == pytest.approx(1.0, abs=1e-14)      # numeraire


def test_real_gdp_does_not_depend_on_the_numeraire() -> None:
    rng = np.random.default_rng(5)
    phi, y, e = random_world(rng, 9)
    cf_phi = phi * np.where(rng.uniform(size=phi.shape) < 0.2, 0.7, 1.0)
    out = []
    for ref in (NAMES[0], NAMES[4]):
        b = solve_baseline(NAMES[:9], phi, y, e, reference=ref)
        out.append(solve_counterfactual(b, cf_phi, 4.0).countries["real_gdp_pct"].to_numpy())
    np.testing.assert_allclose(out[0], out[1], atol=1e-9)
    assert np.max(np.abs(out[0])) > 0.01


def test_batch_kernels_equal_one_by_one() -> None:
    rng = np.random.default_rng(7)
    worlds = [random_world(rng, 6) for _ in range(3)]
    phi = np.stack([w[0] for w in worlds])
    y = np.stack([w[1] for w in worlds])
    e = np.stack([w[2] for w in worlds])
    sig = np.array([3.0, 5.0, 9.0])
    omr, imr, _, _ = solve_mr(phi, y, e, 2)
    p, *_ = solve_full_endowment(phi * 0.9 + 0.1 * phi.mean(), y, e, omr, sig, 2)
    for k in range(3):
        o1, i1, _, _ = solve_mr(phi[k], y[k], e[k], 2)
        np.testing.assert_allclose(omr[k], o1, rtol=1e-11)
        p1, *_ = solve_full_endowment(phi[k] * 0.9 + 0.1 * phi.mean(), y[k], e[k], o1, sig[k], 2)
        np.testing.assert_allclose(p[k], p1, rtol=1e-10)
    assert gravity_flows(phi, y, e, omr, imr).shape == (3, 6, 6)


def test_non_convergence_raises_with_diagnostics() -> None:
    rng = np.random.default_rng(8)
    phi, y, e = random_world(rng, 10)
    with pytest.raises(ConvergenceError) as err:
        solve_baseline(NAMES[:10], phi, y, e, reference=NAMES[0], max_iter=2)
    assert err.value.diagnostics["outer_iterations"] == 2


@pytest.mark.parametrize("case", ["negative", "unbalanced", "reference", "sigma", "shape", "zero_output"])
def test_bad_inputs_are_user_errors(case: str) -> None:
    rng = np.random.default_rng(9)
    phi, y, e = random_world(rng, 5)
    names, ref = NAMES[:5], NAMES[0]
    if case == "negative":
        phi[1, 2] = -1.0
    elif case == "unbalanced":
        e = e * 1.1
    elif case == "reference":
        ref = "XXX"
    elif case == "shape":
        phi = phi[:4]
    elif case == "zero_output":
        y = y.copy()
        y[2] = 0.0
    with pytest.raises(UserInputError):
        b = solve_baseline(names, phi, y, e, reference=ref)
        solve_counterfactual(b, phi, 1.0 if case == "sigma" else 5.0)


def test_costs_from_coefficients() -> None:
    from usmca.ge.gravity.costs import phi_from_coefficients

    dist = np.array([[0.0, 2.0], [2.0, 0.0]])
    rta = np.array([[0.0, 1.0], [0.0, 0.0]])
    phi = phi_from_coefficients({"lndist": dist, "rta": rta}, {"lndist": -1.0, "rta": 0.5}, ln_base=np.eye(2))
    np.testing.assert_allclose(phi, np.exp([[1.0, -1.5], [-2.0, 1.0]]))
    with pytest.raises(UserInputError):
        phi_from_coefficients({"lndist": dist}, {"rta": 0.5})
    with pytest.raises(UserInputError):
        phi_from_coefficients({"lndist": dist, "x": np.ones((3, 3))}, {"lndist": 1.0, "x": 1.0})
