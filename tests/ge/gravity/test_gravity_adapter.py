"""The ``gravity`` model's scenario solver against an independent one-sector solution.

With one sector, no tariffs and balanced trade, one-sector structural gravity with exact full
endowment (Yotov et al. 2016, ch. 2) and the Armington / Eaton-Kortum model in exact hat algebra
(tests/scenarios/onesector.py, written from Dekle, Eaton and Kortum 2008) are the same model with
``theta = sigma - 1``: the real GDP change of one must equal the real wage change of the other.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from usmca.data.baseline import Baseline
from usmca.ge.gravity.adapter import aggregate, gravity_solver


def _onesector():  # noqa: ANN202 - the test helper module's solver
    path = Path(__file__).resolve().parents[2] / "scenarios" / "onesector.py"
    spec = importlib.util.spec_from_file_location("usmca_test_onesector_gravity", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.solve_one_sector


def _economy(z: np.ndarray, theta: np.ndarray) -> Baseline:
    """A baseline with flows ``z[n, i, k]`` and no tariffs (only the fields the solver reads matter)."""
    n, _, j = z.shape
    return Baseline(countries=tuple(f"C{k}" for k in range(n)), sectors=tuple(f"s{k}" for k in range(j)),
                    flows=z, tariffs=np.zeros_like(z), va_share=np.ones((n, j)), io_share=np.zeros((n, j, j)),
                    final_share=np.full((n, j), 1.0 / j), theta=theta, value_added=z.sum(axis=(0, 2)),
                    deficits=np.zeros(n), source="synthetic")


@pytest.fixture(scope="module")
def balanced() -> np.ndarray:
    rng = np.random.default_rng(7)
    a = rng.uniform(1.0, 10.0, size=(4, 4))
    z = a + a.T + np.diag(rng.uniform(50.0, 80.0, size=4))      # symmetric: every country balanced
    return z


def test_gravity_solver_equals_the_independent_one_sector_solution(balanced: np.ndarray) -> None:
    theta = 4.0
    b = _economy(balanced[:, :, None], np.array([theta]))
    dhat = np.ones((4, 4, 1))
    dhat[0, 1, 0] = dhat[1, 0, 0] = 1.25                          # costlier trade between C0 and C1
    res = gravity_solver(b, b.tariffs, dhat)
    zero = np.zeros((4, 4))
    ref = solve_one_sector(balanced, zero, zero, dhat[:, :, 0], theta)
    got = np.array([res["countries"][c]["welfare_pct"] for c in b.countries])
    np.testing.assert_allclose(got, 100 * (ref["real_wage_hat"] - 1), atol=1e-8)
    assert got[0] < 0 and got[1] < 0                               # the shock must matter
    assert res["diagnostics"]["model"] == "gravity" and res["sectors"] == {}


def test_sectors_with_one_elasticity_aggregate_exactly(balanced: np.ndarray) -> None:
    """Two sectors with the same theta and the same shock are the one-sector economy."""
    shares = np.array([0.3, 0.7])
    b2 = _economy(balanced[:, :, None] * shares, np.array([4.0, 4.0]))
    b1 = _economy(balanced[:, :, None], np.array([4.0]))
    d2, d1 = np.ones((4, 4, 2)), np.ones((4, 4, 1))
    d2[2, 3], d1[2, 3] = 0.9, 0.9
    r2 = gravity_solver(b2, b2.tariffs, d2)["countries"]
    r1 = gravity_solver(b1, b1.tariffs, d1)["countries"]
    for c in b1.countries:
        assert r2[c]["welfare_pct"] == pytest.approx(r1[c]["welfare_pct"], abs=1e-9)


def test_aggregate_weights_sectors_by_flows_and_elasticities(balanced: np.ndarray) -> None:
    z = np.stack([balanced, 3 * balanced], axis=2)
    b = _economy(z, np.array([2.0, 6.0]))
    tau = np.zeros_like(z)
    tau[0, 1, 0] = 0.5                                             # a 50% tariff in sector 0 only
    x, phi_hat, sigma = aggregate(b, tau, np.ones_like(z))
    np.testing.assert_allclose(x, z.sum(axis=2).T)
    assert phi_hat[1, 0] == pytest.approx((1 * 1.5 ** -2.0 + 3) / 4)   # exporter 1 -> importer 0
    assert np.all(np.delete(phi_hat.ravel(), 1 * 4 + 0) == 1.0)
    assert sigma == pytest.approx(1 + (2.0 * 1 + 6.0 * 3) / 4)


solve_one_sector = _onesector()
