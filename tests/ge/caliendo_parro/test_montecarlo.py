"""Monte Carlo over trade elasticities and the generic percentile helper."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from usmca.errors import ConvergenceError, UserInputError
from usmca.ge.caliendo_parro.synthetic import synthetic_inputs
from usmca.ge.caliendo_parro.uncertainty import draw_theta, theta_montecarlo
from usmca.ge.montecarlo import percentile_bands


def _normal(rng: np.random.Generator, loc: float) -> np.ndarray:
    return rng.normal(loc, 1.0, size=3)


def test_percentile_bands_match_numpy_and_are_reproducible() -> None:
    mc = percentile_bands(partial(_normal, loc=2.0), n=400, seed=7, percentiles=(5, 50, 95))
    assert mc.draws.shape == (400, 3)
    np.testing.assert_allclose(mc.bands, np.percentile(mc.draws, [5, 50, 95], axis=0))
    assert np.all(np.abs(mc.bands[1] - 2.0) < 0.2)          # median of N(2, 1)
    assert np.all(np.abs(mc.bands[2] - mc.bands[0] - 2 * 1.645) < 0.4)
    again = percentile_bands(partial(_normal, loc=2.0), n=400, seed=7, chunk=33)
    np.testing.assert_array_equal(mc.draws, again.draws)


def test_parallel_equals_serial() -> None:
    a = percentile_bands(partial(_normal, loc=0.0), n=40, seed=1)
    b = percentile_bands(partial(_normal, loc=0.0), n=40, seed=1, workers=2, chunk=7)
    np.testing.assert_array_equal(a.draws, b.draws)


def _sometimes_fails(rng: np.random.Generator) -> float:
    x = rng.uniform()
    if x < 0.3:
        raise ConvergenceError("no", {})
    return x


def test_failed_draws_are_counted_and_dropped() -> None:
    mc = percentile_bands(_sometimes_fails, n=100, seed=3)
    assert 10 < len(mc.failed) < 50
    assert mc.draws.shape[0] == 100 - len(mc.failed)
    assert mc.draws.min() >= 0.3
    with pytest.raises(UserInputError):
        percentile_bands(_sometimes_fails, n=0, seed=3)


def test_theta_draws_have_the_requested_moments() -> None:
    rng = np.random.default_rng(0)
    theta = np.full(200_000, 4.0)
    d = draw_theta(rng, theta, np.full(200_000, 1.0))
    assert d.min() > 0
    assert abs(d.mean() - 4.0) < 0.02 and abs(d.std() - 1.0) < 0.02


def test_theta_montecarlo_bands_bracket_the_central_solve() -> None:
    econ = synthetic_inputs(5, 4, seed=11)
    tau = econ.tariffs * 0.0
    out = theta_montecarlo(econ, tau, theta_se=0.5, n=12, seed=2, balanced=True)
    f = out.frame.set_index(["country", "metric"])
    assert list(f.columns[:3]) == ["p5", "p50", "p95"]
    assert (f.p5 <= f.p50).all() and (f.p50 <= f.p95).all()
    assert (f.p95 - f.p5).loc[(slice(None), "welfare_pct")].max() > 0   # theta matters
    zero = theta_montecarlo(econ, tau, theta_se=0.0, n=3, seed=2, balanced=True)
    z = zero.frame.set_index(["country", "metric"])
    np.testing.assert_allclose(z.p5, z.p95, atol=1e-12)          # no uncertainty, no band
    with pytest.raises(UserInputError):
        theta_montecarlo(econ, tau, theta_se=-1.0, n=2)
