"""The Ray executor: shards as Ray tasks on a local or remote cluster (https://docs.ray.io).

``ray`` is imported when a :class:`RayExecutor` is made, never when this package is imported
(``import ray`` costs about a second, which no command that runs serially should pay).

- The shared input is put once in the object store (``ray.put``) and every task receives the
  reference; Ray resolves it on the worker, so a 100 MB baseline crosses the network once per node.
- Tasks are submitted through a window of ``window`` tasks in flight (default four per CPU of the
  cluster), so a stream of 10,000 shards never holds more than that many results in memory.
- A worker that dies mid-task (killed, out of memory, node lost) is a *system* failure: Ray
  re-runs the task up to ``max_retries`` times (``@ray.remote(max_retries=...)``), and since a
  shard is a pure function of its inputs the re-run gives the same result. An exception raised
  by the shard's own code is not retried: it is re-raised in the driver as itself.
- ``KeyboardInterrupt`` (Ctrl-C) or any exception in the driver while shards are pending
  cancels every pending task (``ray.cancel(ref, force=True)``, which kills the worker running it)
  before it propagates.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from contextlib import closing
from typing import Any, Generator, Iterator, NamedTuple, Sequence
from urllib.parse import urlsplit

from usmca.errors import UserInputError

from .base import OnDone, Pending, ShardFn, imap_ordered

__all__ = ["RayExecutor", "check_address", "CONNECT_TIMEOUT_S"]

CONNECT_TIMEOUT_S = 3.0
"""How long the address check waits for the cluster's port before the address counts as unreachable."""


def _host_port(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of ``host:port`` or ``ray://host:port``; None for ``auto``."""
    if address == "auto":
        return None
    parts = urlsplit(address if "://" in address else f"gcs://{address}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise UserInputError("--cluster", "", address, "not a cluster address: give HOST:PORT, ray://HOST:PORT, "
                             "'auto' or 'local'")
    return parts.hostname, port


def check_address(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise :class:`UserInputError` unless something accepts TCP connections at ``address``.

    Done before any work starts and before ``ray.init`` (which on an unreachable address retries
    for a minute or more).
    """
    hp = _host_port(address)
    if hp is None:
        return
    try:
        with socket.create_connection(hp, timeout=timeout):
            pass
    except OSError as exc:
        why = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or type(exc).__name__).lower()
        raise UserInputError("--cluster", "", address,
                             f"no Ray cluster reachable ({why} within {timeout:g} s)") from None


class _Raised(NamedTuple):
    """A :class:`UserInputError` raised by a shard, carried back as data (its 4-argument constructor
    does not survive the exception pickling of Ray, which rebuilds an exception from ``args``)."""

    cls: type[UserInputError]
    source: str
    field: str
    value: Any
    reason: str

    def rebuild(self) -> UserInputError:
        return self.cls(self.source, self.field, self.value, self.reason)


def _call(fn: ShardFn, shared: Any, shard: Any) -> Any:
    try:
        return fn(shared, shard)
    except UserInputError as exc:
        return _Raised(type(exc), exc.source, exc.field, exc.value, exc.reason)


def _cause(exc: BaseException) -> BaseException:
    """The shard's own exception inside Ray's wrapper (``RayTaskError.cause``), else ``exc``."""
    cause = getattr(exc, "cause", None)
    return cause if isinstance(cause, BaseException) else exc


class RayExecutor:
    """Shards as Ray tasks; see the module docstring.

    Parameters
    ----------
    address : str
        ``"local"`` starts a private local cluster in this process's session; ``HOST:PORT``,
        ``ray://HOST:PORT`` or ``"auto"`` joins an existing one (checked first, :func:`check_address`).
        When Ray is already initialised in this process (a test fixture, a notebook) it is reused.
    max_retries : int
        Re-runs of a shard whose worker died.
    num_cpus : int, optional
        CPUs of a local cluster (default: every CPU of the machine).
    window : int, optional
        Tasks in flight at once (default four per CPU of the cluster, at least 8).
    """

    name = "ray"

    def __init__(self, address: str, *, max_retries: int = 3, num_cpus: int | None = None,
                 window: int | None = None) -> None:
        if address != "local":
            check_address(address)
        import ray  # noqa: PLC0415 - lazily: see the module docstring

        self._ray = ray
        self._owner = not ray.is_initialized()
        if self._owner:
            kw: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False,
                                  "configure_logging": True}
            if address == "local":
                kw.update(num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False)
            try:
                ray.init(address=address, **kw)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise UserInputError("--cluster", "", address, f"could not join the Ray cluster: "
                                     f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        self.address = address
        self.max_retries = max_retries
        self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.window = window or max(8, 4 * self.workers)
        self._remote = ray.remote(max_retries=max_retries, retry_exceptions=False)(_call)
        self.cancelled: list[Any] = []
        """References of the tasks the last interrupted run cancelled (for inspection)."""

    def _run(self, fn: ShardFn, shards: Sequence[Any], shared: Any) -> Generator[tuple[int, Any], None, None]:
        """``(index, result)`` as shards finish; pending tasks are cancelled if the consumer stops."""
        ray = self._ray
        shared_ref = ray.put(shared)
        fn_ref = ray.put(fn)
        pending: dict[Any, int] = {}
        nxt = 0
        try:
            while nxt < len(shards) or pending:
                while nxt < len(shards) and len(pending) < self.window:
                    pending[self._remote.remote(fn_ref, shared_ref, shards[nxt])] = nxt
                    nxt += 1
                ready, _ = ray.wait(list(pending), num_returns=1)
                for ref in ready:
                    k = pending.pop(ref)
                    try:
                        result = ray.get(ref)
                    except ray.exceptions.RayTaskError as exc:
                        raise _cause(exc) from None
                    if isinstance(result, _Raised):
                        raise result.rebuild()
                    yield k, result
        finally:
            if pending:
                self.cancelled = list(pending)
                self._cancel(list(pending))

    def _cancel(self, refs: list[Any], budget_s: float = 10.0) -> None:
        """Cancel ``refs`` and wait until each is settled, cancelling again the ones that are not.

        A cancel that reaches a task while it is being handed to a worker can be lost (seen with
        Ray 2.60: the task then runs to its end); a cancelled task's reference becomes ready, so
        the ones still not ready after a short wait are cancelled again, within ``budget_s``.
        """
        ray = self._ray
        deadline = time.monotonic() + budget_s
        # only tasks not yet finished are cancelled: Ray 2.60's driver can abort on a cancel that races
        # with a task's completion ("Tried to complete task that was not pending", task_manager.cc;
        # github.com/ray-project/ray/issues/54846), seen once in this project's test suite
        _, refs = ray.wait(refs, num_returns=len(refs), timeout=0) if refs else ([], [])
        while refs:
            for ref in refs:
                ray.cancel(ref, force=True)
            if time.monotonic() > deadline:
                return
            _, refs = ray.wait(refs, num_returns=len(refs), timeout=0.5)

    def map_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None,
                   on_done: OnDone | None = None) -> list[Any]:
        out: list[Any] = [None] * len(shards)
        with closing(self._run(fn, shards, shared)) as done:     # closed (pending cancelled) on any exception
            for k, r in done:
                out[k] = r
                if on_done is not None:
                    on_done(k, r)
        return out

    def imap_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None) -> Iterator[Any]:
        with closing(self._run(fn, shards, shared)) as done:
            yield from imap_ordered(done, len(shards))

    def submit_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None) -> Pending:
        """The first ``window`` shards submitted now, the others as earlier ones are collected;
        results in shard order."""
        ray = self._ray
        shared_ref, fn_ref = ray.put(shared), ray.put(fn)
        refs = [self._remote.remote(fn_ref, shared_ref, s) for s in shards[:self.window]]

        def collect() -> list[Any]:
            out: list[Any] = []
            try:
                while len(out) < len(shards):
                    try:
                        r = ray.get(refs[len(out)])
                    except ray.exceptions.RayTaskError as exc:
                        raise _cause(exc) from None
                    if isinstance(r, _Raised):
                        raise r.rebuild()
                    out.append(r)
                    if len(refs) < len(shards):
                        refs.append(self._remote.remote(fn_ref, shared_ref, shards[len(refs)]))
            except BaseException:
                self.cancelled = refs[len(out):]
                self._cancel(refs[len(out):])
                raise
            return out

        return Pending(collect, lambda: self._cancel(list(refs)))

    def close(self) -> None:
        if self._owner and self._ray.is_initialized():
            self._ray.shutdown()

    def __enter__(self) -> "RayExecutor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
