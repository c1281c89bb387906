"""Monte Carlo draws of the Caliendo-Parro model solved in shards, each shard one vectorised batch.

The B parameter draws of one counterfactual (rows of ``theta``, and of ``log_d_hat`` when the
agreement effect is drawn too) are cut into shards of at most :func:`shard_rows` rows
(:func:`usmca.execute.split`); each shard is solved by
:func:`usmca.ge.caliendo_parro.batch.equilibrium_batch` (Caliendo and Parro 2015, Appendix C,
https://doi.org/10.1093/restud/rdu035) on the executor in force
(:func:`usmca.execute.current_executor`: this process, or Ray tasks on a cluster), and the shards'
equilibria are stacked back in draw order.

Why batches and not one task per draw (measured 2026-12-04 on the 8 x 10 embedded baseline, a
25-point US tariff, 1,001 rows, one process): one draw per call 17.0 ms a draw; shards of 10
rows 3.2 ms, 50 rows 2.3 ms, 125 rows 1.4 ms, 250 rows 1.6 ms, all 1,001 rows at once 1.7 ms.
The vectorised batch amortises the Python overhead of every iteration over its rows; beyond ~125
rows the slowest draw of the batch sets the iteration count and nothing more is gained. A shard
therefore holds at most :data:`MAX_ROWS` rows, fewer for large models so that one (B, J, N, N)
array stays within :data:`ARRAY_BUDGET_BYTES` (a 77 x 45 model: 29 rows).

Larger models are solved draw by draw instead (:func:`per_draw`, from :math:`N^2 J` =
:data:`PER_DRAW_FROM`): the single-equilibrium solver's joint Anderson-mixed loop converges in far
fewer sweeps than the batch's nested loops, which wins once a sweep's arithmetic outweighs the
per-call overhead. Measured 2026-12-05 (synthetic economies, a 20-point tariff shock, 16 draws,
one process, ms per draw, batch / draw by draw): 8 x 10 0.86 / 2.30; 20 x 10 2.07 / 2.88;
20 x 20 3.98 / 3.14; 40 x 20 12.9 / 4.8; 40 x 45 47.6 / 10.6; 77 x 45 179 / 18.7; the two agree
within the stopping tolerance (largest wage difference 5e-9 at :data:`BATCH_TOL` 1e-8).

The shards depend on the number of rows and the model's size only, never on the executor, so
the serial and the cluster run solve the same batches and agree draw by draw, bit for bit. With
at most :data:`MAX_ROWS` rows (the default 100 draws plus the point estimate) there is one shard:
the solve is the unsharded one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from usmca.execute import current_executor, split
from usmca.execute.base import Pending

from .caliendo_parro.batch import BatchEquilibrium, equilibrium_batch
from .caliendo_parro.inputs import CPInputs
from .caliendo_parro.kernels import equilibrium
from .caliendo_parro.welfare import flows

__all__ = ["solve_draws", "submit_draws", "PendingDraws", "shard_rows", "balanced_rows", "per_draw", "MAX_ROWS",
           "ARRAY_BUDGET_BYTES", "PER_DRAW_FROM", "BATCH_TOL"]

MAX_ROWS = 125
"""Most rows (draws) per shard: the fastest batch size measured (module docstring)."""
PER_DRAW_FROM = 6_000
"""Size :math:`N^2 J` from which a shard's draws are solved one by one (see :func:`per_draw`)."""
BATCH_TOL = 1e-8
"""Stopping tolerance of the draws (trade-balance residual relative to value added), either path."""
ARRAY_BUDGET_BYTES = 64 * 2 ** 20
"""Size of one (B, J, N, N) float64 array of a shard: bounds a worker's memory (about 10 such arrays live)."""


def shard_rows(n: int, j: int) -> int:
    """Rows per shard for a model of ``n`` countries and ``j`` sectors (see the module docstring)."""
    return int(max(1, min(MAX_ROWS, ARRAY_BUDGET_BYTES // (8 * j * n * n))))


def balanced_rows(rows: int, n: int, j: int) -> int:
    """Rows per shard for ``rows`` draws: :func:`shard_rows`, or slightly more (at most 10% over
    :data:`MAX_ROWS`, never over the memory budget) when that makes the shard count a multiple of
    four, so that 1, 2 or 4 workers finish their last round together (1,001 rows: 8 shards of 126
    instead of 9 of 112, one round fewer on 2 workers). A function of the model's size and the row
    count only: serial and cluster runs solve the same batches."""
    cap = shard_rows(n, j)
    k = -(-rows // cap)
    if k > 4:
        k4 = 4 * (k // 4)
        size = -(-rows // k4)
        if size <= min(int(cap * 1.1), ARRAY_BUDGET_BYTES // (8 * j * n * n)):
            return size
    return cap


def per_draw(n: int, j: int) -> bool:
    r"""Solve a shard's rows one by one with the single-equilibrium solver (:func:`.kernels.equilibrium`,
    its joint Anderson-mixed loop) rather than as one vectorised batch: for models of
    :math:`N^2 J \ge` :data:`PER_DRAW_FROM` (see the module docstring for the measurements)."""
    return n * n * j >= PER_DRAW_FROM


def _solve_rows(inputs: CPInputs, tau1: np.ndarray, d1: np.ndarray, theta: np.ndarray,
                log_d: np.ndarray | None) -> BatchEquilibrium:
    r"""The rows of a shard one at a time by :func:`.kernels.equilibrium` (tolerance
    :data:`BATCH_TOL`, that of the batch), stacked as a :class:`BatchEquilibrium` (flows net of
    tariffs by :func:`.caliendo_parro.welfare.flows`)."""
    rows = []
    for b in range(theta.shape[0]):
        d_hat = None if log_d is None else np.exp(log_d[b])
        rows.append(equilibrium(inputs.pi, inputs.tariffs, tau1, inputs.expenditure, inputs.va_share,
                                inputs.io_share, inputs.final_share, theta[b], inputs.value_added, d1, d_hat,
                                tol=BATCH_TOL))
    return BatchEquilibrium(w_hat=np.stack([e.w_hat for e in rows]), c_hat=np.stack([e.c_hat for e in rows]),
                            p_hat=np.stack([e.p_hat for e in rows]), flows=np.stack([flows(e) for e in rows]),
                            income=np.stack([e.income for e in rows]), tariffs=tau1,
                            converged=np.array([e.converged for e in rows], dtype=bool))


def _solve_shard(shared: tuple[Any, ...], shard: tuple[np.ndarray, np.ndarray | None]) -> BatchEquilibrium:
    """One shard: ``equilibrium_batch`` on the shard's rows, or row by row for large models
    (:func:`per_draw`); a module-level function: Ray pickles it by name."""
    inputs, tau1, d1, log_d_common = shared
    theta, log_d = shard
    if log_d is None and log_d_common is not None:
        log_d = np.broadcast_to(log_d_common, (theta.shape[0],) + log_d_common.shape)
    if per_draw(len(inputs.countries), len(inputs.sectors)):
        return _solve_rows(inputs, tau1, d1, theta, log_d)
    return equilibrium_batch(inputs.pi, inputs.tariffs, tau1, inputs.expenditure, inputs.va_share, inputs.io_share,
                             inputs.final_share, theta, inputs.value_added, d1, log_d, tol=BATCH_TOL)


def _stack(parts: list[BatchEquilibrium]) -> BatchEquilibrium:
    if len(parts) == 1:
        return parts[0]
    def cat(field: str) -> np.ndarray:
        return np.concatenate([getattr(p, field) for p in parts])

    return BatchEquilibrium(w_hat=cat("w_hat"), c_hat=cat("c_hat"), p_hat=cat("p_hat"), flows=cat("flows"),
                            income=cat("income"), tariffs=parts[0].tariffs, converged=cat("converged"))


def solve_draws(inputs: CPInputs, tau1: np.ndarray, theta: np.ndarray, d1: np.ndarray,
                log_d: np.ndarray | None) -> BatchEquilibrium:
    """B equilibria (rows of ``theta`` (B, J); ``log_d`` (B, N, N, J) or None), solved shard by shard.

    Same result as one ``equilibrium_batch`` call on all rows when they fit in one shard; otherwise
    the rows are solved in the shards of :func:`shard_rows` on :func:`usmca.execute.current_executor`.
    """
    return submit_draws(inputs, tau1, theta, d1, log_d).result()


class PendingDraws:
    """Draws started by :func:`submit_draws`; ``result()`` waits for them, ``cancel()`` stops them."""

    def __init__(self, pending: Pending | None, solve_here: Any = None) -> None:
        self._pending, self._here = pending, solve_here

    def result(self) -> BatchEquilibrium:
        if self._pending is None:
            out: BatchEquilibrium = self._here()
            return out
        return _stack(self._pending.result())

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()


def submit_draws(inputs: CPInputs, tau1: np.ndarray, theta: np.ndarray, d1: np.ndarray,
                 log_d: np.ndarray | None) -> PendingDraws:
    """:func:`solve_draws` started on the executor in force and returned at once: the caller does
    its own work while a cluster solves the shards (one shard, or the serial executor: solved when
    ``result()`` is called, so the numbers are the same)."""
    rows = theta.shape[0]
    spans = split(rows, balanced_rows(rows, len(inputs.countries), len(inputs.sectors)))
    common = log_d is not None and log_d.shape[0] > 0 and log_d.strides[0] == 0   # one array broadcast over rows
    shared = (inputs, tau1, d1, np.ascontiguousarray(log_d[0]) if common and log_d is not None else None)
    shards = [(np.ascontiguousarray(theta[a:b]),
               None if log_d is None or common else np.ascontiguousarray(log_d[a:b])) for a, b in spans]
    if len(shards) == 1:
        return PendingDraws(None, lambda: _solve_shard(shared, shards[0]))
    return PendingDraws(current_executor().submit_shards(_solve_shard, shards, shared=shared))
