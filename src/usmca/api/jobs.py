"""Long jobs of the API (scenario solves, the whole review, the dashboard's what-if runs) in a
bounded pool of worker processes, so the event loop and every other route keep answering.

A general-equilibrium solve of one scenario takes seconds and the whole review library about half a
minute of CPU. Run in a thread of the server process, it holds the GIL and the server's core: the
p99 of ``GET /tariffs/duty`` rose from tens of milliseconds to 584 ms while ``GET /review`` ran
(benchmarks/bench_api.py). :class:`JobPool` runs such a job in a separate process
(:class:`concurrent.futures.ProcessPoolExecutor`, ``spawn`` start method, started on first use,
at a lower CPU priority than the server), so the server only waits for a pickled result.

The pool is bounded: at most ``workers`` jobs run and ``queue`` more wait; one more is refused at
once with HTTP 503 and a ``Retry-After`` header rather than piling up. Identical jobs asked for
concurrently (two clients opening the same scenario) share one run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import multiprocessing
import os
import pickle
import threading
import time
from typing import Any, Callable, Hashable

from starlette.exceptions import HTTPException

from usmca.errors import UserInputError

__all__ = ["JobPool", "PoolFull", "WORKERS", "QUEUE", "RETRY_AFTER_S", "NICENESS"]

#: Worker processes of the default pool (``$USMCA_JOB_WORKERS``): one leaves the other core of a
#: 2-core machine to the server.
WORKERS = 1
#: Jobs that may wait for a worker before more are refused with 503 (``$USMCA_JOB_QUEUE``).
QUEUE = 4
#: Seconds a refused client is told to wait (``Retry-After``): about one scenario solve.
RETRY_AFTER_S = 10
#: Seconds between a worker's checks that the server process still exists.
ORPHAN_CHECK_S = 1.0
#: Niceness added in each worker process (``os.nice``; ``$USMCA_JOB_NICE``): 0, the server's priority.
#: The isolation that matters is the process: a solve in a thread held the GIL and starved the event
#: loop. A higher niceness makes the server win a contended core, but on a machine oversubscribed by
#: other work (load average 15 on 2 cores) it starved the solve itself (the whole review took over
#: 120 s at niceness 10 against 67 s in a thread).
NICENESS = 0


class PoolFull(HTTPException):
    """Every worker is busy and the queue is full: HTTP 503 with ``Retry-After``."""

    def __init__(self, running: int, retry_after: int) -> None:
        super().__init__(503, f"busy: {running} long jobs running or queued; retry in {retry_after} s",
                         headers={"Retry-After": str(retry_after)})


class _UserError:
    """A :class:`usmca.errors.UserInputError` raised in a worker, carried back as plain fields (the
    exception itself does not survive pickling: its constructor takes four arguments)."""

    def __init__(self, exc: UserInputError) -> None:
        self.kind = type(exc)
        self.fields = (exc.source, exc.field, exc.value, exc.reason)

    def raise_(self) -> None:
        try:
            raise self.kind(*self.fields)
        except TypeError:  # a subclass with another constructor
            raise UserInputError(*self.fields) from None


def _call(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in a worker; a user error comes back as a :class:`_UserError`."""
    try:
        return fn(*args)
    except UserInputError as exc:
        try:
            pickle.dumps(exc.value)
        except Exception:  # noqa: BLE001 - whatever cannot be pickled is shown by its repr
            exc = UserInputError(exc.source, exc.field, repr(exc.value)[:200], exc.reason)
        return _UserError(exc)


def _init_worker(niceness: int, server: int) -> None:
    """Initializer of a worker process: its CPU priority, and a watchdog that ends the worker when the
    server process is gone (killed with SIGKILL, a worker would otherwise finish its solve orphaned)."""
    if niceness and hasattr(os, "nice"):
        try:
            os.nice(niceness)
        except OSError:  # pragma: no cover - not permitted here
            pass

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(ORPHAN_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="usmca-orphan-watch", daemon=True).start()


class JobPool:
    """A bounded process pool for long jobs, shared by every request of one application.

    Parameters
    ----------
    workers
        Worker processes (default :data:`WORKERS`, or ``$USMCA_JOB_WORKERS``).
    queue
        Jobs that may wait beyond the running ones (default :data:`QUEUE`, or ``$USMCA_JOB_QUEUE``);
        the next one raises :class:`PoolFull` (503).
    retry_after
        The ``Retry-After`` of a refusal, in seconds.
    niceness
        Added to each worker's niceness (default :data:`NICENESS`, or ``$USMCA_JOB_NICE``).

    Notes
    -----
    Workers are started with the ``spawn`` method (forking a server that runs threads and an event
    loop is unsafe), which imports the main module again in each worker: a script that builds the
    application must keep its work under ``if __name__ == "__main__":`` (``usmca serve``, uvicorn,
    pytest and ``python -c`` need nothing).
    """

    def __init__(self, workers: int | None = None, queue: int | None = None, retry_after: int = RETRY_AFTER_S,
                 niceness: int | None = None) -> None:
        self.workers = max(1, int(workers if workers is not None else os.environ.get("USMCA_JOB_WORKERS", WORKERS)))
        self.queue = max(0, int(queue if queue is not None else os.environ.get("USMCA_JOB_QUEUE", QUEUE)))
        self.niceness = max(0, int(niceness if niceness is not None else os.environ.get("USMCA_JOB_NICE", NICENESS)))
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._executor: cf.ProcessPoolExecutor | None = None
        self._running: dict[Hashable, cf.Future[Any]] = {}
        self._pending = 0

    @property
    def pending(self) -> int:
        """Jobs running or waiting now."""
        return self._pending

    def _pool(self) -> cf.ProcessPoolExecutor:
        if self._executor is None:
            self._executor = cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                    initializer=_init_worker, initargs=(self.niceness, os.getpid()))
        return self._executor

    def submit(self, key: Hashable, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        """Start ``fn(*args)`` in a worker (``fn`` importable by name, arguments picklable), or join the
        job of the same ``key`` already running. The future's result is wrapped for :meth:`run`, which
        re-raises a user error of the job (:class:`usmca.errors.UserInputError`, HTTP 422) in the server.

        Raises
        ------
        PoolFull
            When ``workers + queue`` jobs are already running or waiting.
        """
        with self._lock:
            running = self._running.get(key)
            if running is not None:
                return running
            if self._pending >= self.workers + self.queue:
                raise PoolFull(self._pending, self.retry_after)
            try:
                future = self._pool().submit(_call, fn, *args)
            except cf.process.BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
                self._executor = None
                future = self._pool().submit(_call, fn, *args)
            self._pending += 1
            self._running[key] = future
        future.add_done_callback(lambda _: self._done(key))
        return future

    def _done(self, key: Hashable) -> None:
        with self._lock:
            self._pending -= 1
            self._running.pop(key, None)

    async def run(self, key: Hashable, fn: Callable[..., Any], *args: Any) -> Any:
        """Await :meth:`submit` ``(key, fn, *args)`` without blocking the event loop.

        A worker that dies during the job is a 503 (``Retry-After``) rather than a server error;
        the next job starts a new pool.
        """
        future = self.submit(key, fn, *args)
        try:  # shielded: a client that goes away does not cancel a job others may be waiting for
            result = await asyncio.shield(asyncio.wrap_future(future))
        except cf.process.BrokenProcessPool:
            with self._lock:
                self._executor = None
            raise HTTPException(503, "a worker process ended during the job; retry",
                                headers={"Retry-After": str(self.retry_after)}) from None
        if isinstance(result, _UserError):
            result.raise_()
        return result

    def shutdown(self) -> None:
        """Stop the worker processes (running jobs are cancelled)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            processes = list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:  # a running solve would otherwise hold the exit up
                process.terminate()
