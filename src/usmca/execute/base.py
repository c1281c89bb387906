"""The executor contract and the serial executor: run one function over shards, results in shard order.

An *executor* runs ``fn(shared, shard)`` for every shard of a list and returns the results in the
order of the shards, whatever order they finish in. ``shared`` is the large read-only input every
shard needs (a baseline, a law tree): the serial executor passes the object itself, the Ray
executor (:mod:`.ray_backend`) puts it once in the cluster's object store. Work is split into
shards by the caller, never by the executor, so the same shards run serially and on a cluster and
give the same numbers shard by shard (:func:`split`).

``on_done(index, result)`` is called in the driver as each shard finishes (progress bars,
streaming writers); it may raise (e.g. ``KeyboardInterrupt``), which cancels the shards still
pending.

``submit_shards`` starts the shards and returns at once a :class:`Pending` whose ``result()``
gives what ``map_shards`` would: the driver does its own work meanwhile (the review solves its
point estimates while the cluster solves the draws). The serial executor runs the shards when
``result()`` is called, so both give the same numbers in the same order.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Protocol, Sequence, TypeVar

from usmca.errors import UserInputError

__all__ = ["Executor", "SerialExecutor", "ShardFn", "OnDone", "Pending", "split", "imap_ordered"]

S = TypeVar("S")
R = TypeVar("R")
ShardFn = Callable[[Any, Any], Any]
OnDone = Callable[[int, Any], None]


class Pending:
    """Shards started by :meth:`Executor.submit_shards`: ``result()`` waits for them (in shard
    order); ``cancel()`` stops the ones not done (call it when the driver's own work fails)."""

    def __init__(self, collect: Callable[[], list[Any]], cancel: Callable[[], None] | None = None) -> None:
        self._collect, self._cancel = collect, cancel
        self._done: list[Any] | None = None

    def result(self) -> list[Any]:
        """The shards' results in shard order (computed once)."""
        if self._done is None:
            self._done = self._collect()
        return self._done

    def cancel(self) -> None:
        """Cancel the shards still running (nothing for the serial executor)."""
        if self._done is None and self._cancel is not None:
            self._cancel()


class Executor(Protocol):
    """Runs ``fn(shared, shard)`` over shards; see the module docstring."""

    name: str
    workers: int

    def map_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None,
                   on_done: OnDone | None = None) -> list[Any]:
        """``[fn(shared, s) for s in shards]``, in shard order."""
        ...

    def imap_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None) -> Iterator[Any]:
        """The results in shard order, each yielded as soon as it and every earlier one are done."""
        ...

    def submit_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None) -> Pending:
        """Start the shards and return at once; ``result()`` is ``map_shards``' list."""
        ...

    def close(self) -> None:
        """Release the executor's resources (disconnect from the cluster)."""
        ...


class SerialExecutor:
    """Runs every shard in this process, one after the other (the default for small jobs)."""

    name = "serial"
    workers = 1

    def map_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None,
                   on_done: OnDone | None = None) -> list[Any]:
        out = []
        for k, s in enumerate(shards):
            r = fn(shared, s)
            out.append(r)
            if on_done is not None:
                on_done(k, r)
        return out

    def imap_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None) -> Iterator[Any]:
        for s in shards:
            yield fn(shared, s)

    def submit_shards(self, fn: ShardFn, shards: Sequence[Any], *, shared: Any = None) -> Pending:
        return Pending(lambda: self.map_shards(fn, shards, shared=shared))

    def close(self) -> None:
        return None

    def __enter__(self) -> "SerialExecutor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def split(n: int, max_size: int) -> list[tuple[int, int]]:
    """Half-open ranges covering ``range(n)``: the fewest shards of at most ``max_size``, sizes within one.

    ``split(1001, 125)`` is nine shards of 111 or 112. The shards depend on ``n`` and ``max_size``
    only, never on the executor or its worker count, so a serial run and a cluster run solve
    exactly the same batches.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise UserInputError("shards", "n", n, "must be an integer >= 0")
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
        raise UserInputError("shards", "max_size", max_size, "must be an integer >= 1")
    k = -(-n // max_size)
    cuts = [(n * i) // k for i in range(k + 1)] if k else [0]
    return [(cuts[i], cuts[i + 1]) for i in range(k)]


def imap_ordered(done: Iterator[tuple[int, Any]], n: int) -> Iterator[Any]:
    """Reorder ``(index, result)`` pairs arriving in any order into index order, yielding early.

    Holds at most the results that arrived ahead of a missing earlier one.
    """
    held: dict[int, Any] = {}
    nxt = 0
    for k, r in done:
        held[k] = r
        while nxt in held:
            yield held.pop(nxt)
            nxt += 1
    if nxt != n:  # pragma: no cover - an executor that lost a shard is a bug
        raise RuntimeError(f"executor returned {nxt} of {n} shards")
