"""The executor in force for the current call: set by the command line, read by the engines.

``with using(executor): run_review(...)`` makes every sharded solve inside the block (the
Caliendo-Parro Monte Carlo, :mod:`usmca.ge.draw_shards`) run its shards on ``executor``; outside
any such block :func:`current_executor` is the in-process :class:`~usmca.execute.base.SerialExecutor`.
A :class:`contextvars.ContextVar` keeps concurrent requests (API threads) apart; code running
inside a Ray task sees the serial executor, so shards never nest cluster jobs.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from .base import Executor, SerialExecutor

__all__ = ["current_executor", "using"]

_CURRENT: ContextVar[Executor | None] = ContextVar("usmca_executor", default=None)


def current_executor() -> Executor:
    """The executor set by the innermost :func:`using` block, else a :class:`SerialExecutor`."""
    ex = _CURRENT.get()
    return ex if ex is not None else SerialExecutor()


@contextmanager
def using(executor: Executor) -> Iterator[Executor]:
    """Run the block with ``executor`` as :func:`current_executor`."""
    token = _CURRENT.set(executor)
    try:
        yield executor
    finally:
        _CURRENT.reset(token)
