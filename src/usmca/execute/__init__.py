"""Where embarrassingly parallel work runs: in this process, or as Ray tasks on a cluster.

The same command runs serially (the default) or on a Ray cluster (``--cluster ADDRESS``,
``--cluster local`` or the ``RAY_ADDRESS`` environment variable) and gives the same numbers: the
caller splits the work into shards (:func:`split`), and the executor only decides where each
shard runs (:class:`SerialExecutor`, :class:`~usmca.execute.ray_backend.RayExecutor`).
:func:`get_executor` checks the address before any work starts (a bad one is a
:class:`~usmca.errors.UserInputError`, exit 2). ``docs/scale.md`` has the cost model.
"""

from __future__ import annotations

import os
from typing import Any

from usmca.errors import UserInputError

from .atomic import atomic_output
from .base import Executor, SerialExecutor, split
from .context import current_executor, using

__all__ = ["Executor", "SerialExecutor", "get_executor", "cluster_address", "split", "atomic_output",
           "check_positive", "current_executor", "using"]


def cluster_address(cluster: str | None) -> str | None:
    """The cluster to use: ``cluster`` (the ``--cluster`` option), else ``$RAY_ADDRESS``, else None (serial).

    ``"serial"`` forces the in-process executor even when ``RAY_ADDRESS`` is set.
    """
    addr = cluster if cluster is not None else (os.environ.get("RAY_ADDRESS") or None)
    if addr is None:
        return None
    addr = addr.strip()
    if not addr:
        raise UserInputError("--cluster", "", cluster, "empty address: give HOST:PORT, ray://HOST:PORT, auto or local")
    return None if addr == "serial" else addr


def get_executor(cluster: str | None = None, *, max_retries: int = 3, num_cpus: int | None = None,
                 **kw: Any) -> Executor:
    """An executor for ``cluster`` (see :func:`cluster_address`); a Ray one checks its address first.

    Raises
    ------
    UserInputError
        An address nothing answers at (checked with a short TCP connect), or one Ray refuses.
    """
    addr = cluster_address(cluster)
    if addr is None:
        return SerialExecutor()
    from .ray_backend import RayExecutor  # noqa: PLC0415 - imports ray: only when a cluster is asked for

    return RayExecutor(addr, max_retries=max_retries, num_cpus=num_cpus, **kw)


def check_positive(value: Any, source: str, field: str = "") -> int:
    """``value`` as an int >= 1, else :class:`UserInputError` (draw counts, shard sizes)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UserInputError(source, field, value, "must be an integer >= 1")
    return value
