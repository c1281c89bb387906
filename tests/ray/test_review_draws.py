"""Monte Carlo draws of the review on the cluster: the same numbers draw by draw as in one process."""

from __future__ import annotations

import numpy as np
import pytest

from usmca.data.baseline import load_baseline
from usmca.execute import SerialExecutor, get_executor, using
from usmca.ge import draw_shards
from usmca.ge.caliendo_parro import adapter


@pytest.fixture(scope="module")
def shock() -> tuple[object, np.ndarray, np.ndarray]:
    b = load_baseline()
    tau1 = b.tariffs.copy()
    us = b.countries.index("USA")
    tau1[us] += 0.15                                  # a 15-point US tariff on every partner and sector
    tau1[us, us] = 0.0
    return b, tau1, np.ones_like(tau1)


def _solve(shock: tuple, executor: object, draws: int = 250) -> dict:
    b, tau1, dhat = shock
    adapter._BASELINES.clear()                        # the baseline batch is solved on this executor too
    with using(executor):  # type: ignore[arg-type]
        return adapter.cp_solver(b, tau1, dhat, closure="deficits_removed", draws=draws, seed=11)


def test_draws_on_the_cluster_equal_serial_draw_by_draw(ray_cluster: str, shock: tuple) -> None:
    serial = _solve(shock, SerialExecutor())
    with get_executor(ray_cluster) as ex:
        on_ray = _solve(shock, ex)
    assert len(draw_shards.split(251, draw_shards.shard_rows(8, 10))) == 3      # really sharded
    for m, a in serial["draws"].items():
        assert a.shape == (251, len(shock[0].countries))
        assert np.array_equal(a, on_ray["draws"][m], equal_nan=True), m
    assert serial["intervals"] == on_ray["intervals"]
    assert serial["countries"] == on_ray["countries"]


def test_shards_agree_with_one_batch(shock: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    sharded = _solve(shock, SerialExecutor(), draws=140)
    monkeypatch.setattr(draw_shards, "MAX_ROWS", 10_000)
    whole = _solve(shock, SerialExecutor(), draws=140)
    # Same draws; a batch iterates until its slowest draw converges (excess demand < 1e-8 of value added),
    # so a draw's figures move by ~1e-5 percentage points with the batch it is solved in (measured max 9e-6).
    for m, a in sharded["draws"].items():
        np.testing.assert_allclose(a, whole["draws"][m], rtol=0, atol=5e-5, err_msg=m)
        assert not np.array_equal(a, whole["draws"][m])       # the two layouts really were solved apart
