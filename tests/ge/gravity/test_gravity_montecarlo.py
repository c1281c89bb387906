"""Monte Carlo over cost coefficients and sigma, vectorised across draws."""

from __future__ import annotations

import numpy as np
import pytest

from usmca.errors import UserInputError
from usmca.ge.gravity import solve_baseline, solve_counterfactual
from usmca.ge.gravity.uncertainty import gravity_montecarlo

from .conftest import random_world


def _world():  # noqa: ANN202
    rng = np.random.default_rng(11)
    phi, y, e = random_world(rng, 7)
    fta = np.zeros((7, 7))
    fta[0, 1] = fta[1, 0] = fta[0, 2] = fta[2, 0] = 1.0
    return np.log(phi), fta, y, e


def test_zero_variance_fixed_sigma_equals_the_point_solve() -> None:
    ln, fta, y, e = _world()
    mc = gravity_montecarlo(ln, fta[None], np.zeros_like(fta)[None], [0.5], [[0.0]], y, e, 3, sigma=6.0, n=4)
    names = tuple("ABCDEFG")
    b = solve_baseline(names, np.exp(ln + 0.5 * fta), y, e, reference="D")
    f = solve_counterfactual(b, np.exp(ln), 6.0).countries
    np.testing.assert_allclose(mc.bands[1][:, 0], f["real_gdp_pct"], atol=1e-8)
    np.testing.assert_allclose(mc.bands[1][:, 2], f["exports_full_pct"], atol=1e-8)
    np.testing.assert_allclose(mc.bands[0], mc.bands[2], atol=1e-9)


def test_bands_widen_with_uncertainty_and_are_reproducible() -> None:
    ln, fta, y, e = _world()
    args = (ln, fta[None], np.zeros_like(fta)[None], [0.5], [[0.04]], y, e, 3)
    a = gravity_montecarlo(*args, sigma=(4.0, 8.0), n=60, seed=5, chunk=16, tol=1e-13)
    b = gravity_montecarlo(*args, sigma=(4.0, 8.0), n=60, seed=5, chunk=60, tol=1e-13)
    np.testing.assert_allclose(a.bands, b.bands, rtol=1e-10, atol=1e-10)
    assert a.draws.shape == (60, 7, 3) and not a.failed
    lo, hi = a.bands[0][0, 0], a.bands[2][0, 0]
    assert lo < hi - 0.01                                   # member 0 loses, by an uncertain amount
    assert hi < 0


def test_bad_covariance_is_a_user_error() -> None:
    ln, fta, y, e = _world()
    with pytest.raises(UserInputError):
        gravity_montecarlo(ln, fta[None], fta[None], [0.5, 0.1], [[0.04]], y, e, 3, sigma=5.0)
    with pytest.raises(UserInputError):
        gravity_montecarlo(ln, fta[None], fta[None], [0.5], [[0.04]], y, e, 3, sigma=(0.5, 2.0))
