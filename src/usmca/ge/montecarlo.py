"""Generic Monte Carlo helper: run a model on random draws and summarise by percentile bands.

Used for trade-elasticity draws in the Caliendo-Parro model and for PPML-coefficient draws in
the gravity models. Draw ``k`` receives its own generator spawned from one
:class:`numpy.random.SeedSequence` (``seed``), so results do not depend on the number of
workers or on the order in which draws finish. Draws whose solve fails with
:class:`usmca.errors.ConvergenceError` are counted and left out of the bands.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from usmca.errors import ConvergenceError, UserInputError

__all__ = ["MonteCarloBands", "percentile_bands"]

DrawFn = Callable[[np.random.Generator], Any]


@dataclass(frozen=True, eq=False)
class MonteCarloBands:
    """Percentile bands of ``n`` draws of an array-valued outcome.

    Attributes
    ----------
    percentiles : tuple of float
        In ``[0, 100]``.
    bands : ndarray, shape (P, *shape)
        ``bands[p]`` is the ``percentiles[p]``-th percentile across successful draws.
    draws : ndarray, shape (n_ok, *shape)
        The successful draws, in draw order.
    mean : ndarray, shape (*shape)
    failed : tuple of int
        Indices of draws that did not converge.
    seconds : float
    """

    percentiles: tuple[float, ...]
    bands: np.ndarray
    draws: np.ndarray = field(repr=False)
    mean: np.ndarray
    failed: tuple[int, ...]
    seconds: float

    def frame(self, index: Sequence[Any] | None = None, columns: Sequence[Any] | None = None) -> pd.DataFrame:
        """Tidy table: one row per cell of the outcome and one column per percentile (``p5`` ...).

        For a 2-D outcome, ``index`` and ``columns`` name its axes (e.g. regions x metrics)."""
        shape = self.bands.shape[1:]
        names = [f"p{p:g}" for p in self.percentiles]
        if len(shape) == 2:
            idx = pd.MultiIndex.from_product([list(index if index is not None else range(shape[0])),
                                              list(columns if columns is not None else range(shape[1]))],
                                             names=["row", "column"])
        else:
            idx = pd.Index(list(index) if index is not None else range(int(np.prod(shape))), name="row")
        data = {name: self.bands[k].reshape(-1) for k, name in enumerate(names)}
        data["mean"] = self.mean.reshape(-1)
        return pd.DataFrame(data, index=idx).reset_index()


def _run_chunk(args: tuple[DrawFn, list[np.random.SeedSequence], list[int]]) -> list[tuple[int, Any]]:
    fn, seeds, ids = args
    out: list[tuple[int, Any]] = []
    for k, ss in zip(ids, seeds, strict=True):
        try:
            out.append((k, np.asarray(fn(np.random.default_rng(ss)), dtype=float)))
        except ConvergenceError:
            out.append((k, None))
    return out


def _chunks(seeds: list[np.random.SeedSequence], size: int) -> Iterator[tuple[list[np.random.SeedSequence], list[int]]]:
    for start in range(0, len(seeds), size):
        yield seeds[start:start + size], list(range(start, min(start + size, len(seeds))))


def percentile_bands(draws_fn: DrawFn, n: int, seed: int,
                     percentiles: Sequence[float] = (5.0, 50.0, 95.0), *, workers: int = 1,
                     chunk: int = 10, on_progress: Callable[[int], None] | None = None) -> MonteCarloBands:
    """Run ``draws_fn`` on ``n`` independent generators and return percentile bands.

    Parameters
    ----------
    draws_fn : callable
        ``draws_fn(rng) -> array-like`` of a fixed shape: draws parameters from ``rng``, solves the
        model and returns the outcome. With ``workers > 1`` it must be picklable (a module-level
        function or a :func:`functools.partial` of one).
    n : int
        Number of draws (>= 1).
    seed : int
        Root seed.
    percentiles : sequence of float
        Percentiles in ``[0, 100]`` (linear interpolation, :func:`numpy.percentile`).
    workers : int
        Processes; 1 runs in this process.
    chunk : int
        Draws per task sent to a worker.
    on_progress : callable, optional
        Called with the number of draws just finished (for a progress bar).
    """
    if n < 1:
        raise UserInputError("montecarlo", "n", n, "must be >= 1")
    pct = tuple(float(p) for p in percentiles)
    if not pct or any(not 0 <= p <= 100 for p in pct):
        raise UserInputError("montecarlo", "percentiles", pct, "must lie in [0, 100]")
    t0 = time.perf_counter()
    seeds = np.random.SeedSequence(seed).spawn(n)
    tasks = [(draws_fn, s, ids) for s, ids in _chunks(seeds, max(1, chunk))]
    results: dict[int, Any] = {}
    if workers <= 1:
        for task in tasks:
            for k, v in _run_chunk(task):
                results[k] = v
            if on_progress:
                on_progress(len(task[2]))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(_run_chunk, tasks):
                for k, v in done:
                    results[k] = v
                if on_progress:
                    on_progress(len(done))
    failed = tuple(k for k in range(n) if results[k] is None)
    ok = [results[k] for k in range(n) if results[k] is not None]
    if not ok:
        raise ConvergenceError(f"all {n} Monte Carlo draws failed", {"failed": n})
    draws = np.stack(ok)
    bands = np.percentile(draws, pct, axis=0)
    return MonteCarloBands(percentiles=pct, bands=bands, draws=draws, mean=draws.mean(axis=0),
                           failed=failed, seconds=time.perf_counter() - t0)
