"""The cited elasticity table: complete, positive, reproducible from CP's data, bad files rejected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from usmca.data.baseline import load_baseline
from usmca.data.baseline.elasticities import (
    ELASTICITIES_PATH,
    estimate_elasticities,
    load_elasticities,
    triplet_regression,
)
from usmca.data.baseline.sectors import SECTORS
from usmca.errors import UserInputError


def test_every_sector_has_a_cited_positive_theta_with_se() -> None:
    el = load_elasticities()
    assert el.sectors == SECTORS
    assert np.all(el.theta > 0) and np.all(el.se > 0)
    assert all(str(u).startswith("https://") for u in el.table["url"])
    # vehicles no longer carries the 8.22 of CP's replication file (not an estimate for autos)
    assert el.theta[SECTORS.index("vehicles")] != pytest.approx(8.22)


def test_baseline_uses_the_table() -> None:
    b = load_baseline()
    assert np.array_equal(b.theta, load_elasticities().theta)


def test_draws_share_a_pooled_estimate_and_match_moments() -> None:
    el = load_elasticities()
    d = el.draw(np.random.default_rng(1), 4000)
    pooled = np.flatnonzero(el.estimate == "pooled")
    assert len(pooled) >= 2 and np.all(d[:, pooled] == d[:, pooled[:1]])
    assert np.allclose(d.mean(axis=0), el.theta, rtol=0.05)
    assert np.allclose(d.std(axis=0), el.se, rtol=0.1)


def test_triplet_estimator_recovers_a_known_theta() -> None:
    rng = np.random.default_rng(0)
    n, theta = 12, 4.0
    tau = rng.uniform(0, 0.3, (n, n))
    np.fill_diagonal(tau, 0)
    a, b, d = rng.lognormal(size=n), rng.lognormal(size=n), rng.lognormal(size=(n, n))
    d = d * d.T                                      # symmetric costs cancel in the triplet ratio
    flows = a[:, None] * b[None, :] * d * (1 + tau) ** -theta
    y, x = triplet_regression(flows, tau)
    assert -(x @ y) / (x @ x) == pytest.approx(theta, rel=1e-9)


def test_rebuild_matches_the_shipped_table(shared_data) -> None:
    new = estimate_elasticities(shared_data)
    old = pd.read_csv(ELASTICITIES_PATH)
    assert np.allclose(new["theta"], old["theta"], atol=1e-4) and np.allclose(new["se"], old["se"], atol=1e-4)


@pytest.mark.parametrize("edit, field", [
    (lambda t: t.assign(sector=t.sector.where(t.sector != "vehicles", "spaceships")), "sector"),
    (lambda t: t.assign(theta=t.theta.where(t.sector != "metals", -1.0)), "theta"),
    (lambda t: t.assign(se=t.se.where(t.sector != "metals", np.inf)), "se"),
    (lambda t: t.assign(theta=t.theta.where(t.sector != "metals", np.nan)), "theta"),
])
def test_bad_elasticity_files_are_user_errors(tmp_path, edit, field) -> None:
    p = tmp_path / "el.csv"
    edit(pd.read_csv(ELASTICITIES_PATH)).to_csv(p, index=False)
    with pytest.raises(UserInputError) as e:
        load_elasticities(p)
    assert e.value.field == field
