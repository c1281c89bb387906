"""Monte Carlo draws of Caliendo-Parro: the batch path and the draw-by-draw path (usmca.ge.draw_shards)."""

from __future__ import annotations

import numpy as np
import pytest

import usmca.ge.draw_shards as ds
from usmca.ge.caliendo_parro.synthetic import synthetic_inputs


def _case(n: int, j: int, draws: int = 5) -> tuple:
    inp = synthetic_inputs(n, j, seed=3)
    tau1 = inp.tariffs.copy()
    tau1[0] += 0.2
    tau1[0, 0] = 0.0
    theta = inp.theta[None] * np.random.default_rng(1).lognormal(0.0, 0.2, (draws, j))
    return inp, tau1, theta


def test_size_picks_the_path() -> None:
    assert not ds.per_draw(8, 10)            # the embedded review baseline: one vectorised batch
    assert ds.per_draw(77, 45)               # ICIO size: draw by draw
    assert not ds.per_draw(20, 10) and ds.per_draw(20, 20)  # the measured crossover (module docstring)


@pytest.mark.parametrize("with_d", [False, True])
def test_draw_by_draw_equals_the_batch(monkeypatch: pytest.MonkeyPatch, with_d: bool) -> None:
    """Both paths solve the same equilibria to the stopping tolerance: wages, prices, income and
    flows agree within a few times BATCH_TOL (the two stop at different iterates)."""
    inp, tau1, theta = _case(12, 6)
    n, j = len(inp.countries), len(inp.sectors)
    log_d = np.random.default_rng(2).normal(0.0, 0.05, (theta.shape[0], n, n, j)) if with_d else None
    d1 = np.zeros(n)
    monkeypatch.setattr(ds, "PER_DRAW_FROM", 10 ** 12)
    batch = ds.solve_draws(inp, tau1, theta, d1, log_d)
    monkeypatch.setattr(ds, "PER_DRAW_FROM", 0)
    rows = ds.solve_draws(inp, tau1, theta, d1, log_d)
    assert batch.converged.all() and rows.converged.all()
    assert rows.flows.shape == batch.flows.shape == (theta.shape[0], n, n, j)
    for f in ("w_hat", "c_hat", "p_hat", "income", "flows"):
        a, b = getattr(batch, f), getattr(rows, f)
        assert np.max(np.abs(a - b)) / np.max(np.abs(a)) < 20 * ds.BATCH_TOL, f
    # the draws differ from each other: a path that ignored theta's rows would fail above or here
    assert np.ptp(rows.w_hat[:, 0]) > 1e-4
