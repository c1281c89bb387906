"""A response cache for idempotent ``GET`` routes whose answer is a function of the query and the data.

``GET /tariffs/duty`` answers from the law tree and the HTS schedule only: the same query on the same
day (the date defaults to today) with the same law tree and store gives the same bytes. Serving a
repeated query from memory skips the engine (about 4 ms of CPU per line in this version: law-tree
look-ups of every declared measure, a pandas row) and FastAPI's parameter handling. The profile
behind this is in ``benchmarks/bench_api.py``.

The key is ``(path, raw query string, today, fingerprint())``; the default fingerprint is the law
tree object and the store file's identity (path from ``$USMCA_STORE`` and the environment, inode,
size, modification time), so ``usmca data load hts`` (an atomic rename) or a new law tree makes
every earlier entry unreachable at once. Only complete 200 answers are kept; errors are never cached.
Entries are bounded (:data:`MAX_ENTRIES`, least recently used evicted first).
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import os
from typing import Any, Callable, Hashable, Iterable

__all__ = ["ResponseCache", "data_stamp", "MAX_ENTRIES", "CACHED_PATHS"]

#: Most responses kept (a duty answer is under 1 KB, so a few MB at most).
MAX_ENTRIES = 4096
#: The routes cached by default: pure functions of their query and the data.
CACHED_PATHS = ("/tariffs/duty",)
_ENV = ("USMCA_STORE", "XDG_DATA_HOME", "HOME", "USMCA_SHARED_DATA")


@functools.lru_cache(maxsize=8)
def _store_for(env: tuple[str | None, ...]) -> str | None:
    from usmca.data.store import store_path
    from usmca.errors import UserInputError

    try:
        return str(store_path())
    except UserInputError:  # the store path names a folder: the route reports it, nothing is cached
        return None


def data_stamp() -> Hashable | None:
    """The identity of the data an answer may depend on beyond the law tree: the environment that
    locates the store and shared data, and the store file's inode, size and modification time.

    ``None`` when the store cannot be located (then nothing is cached).
    """
    env = tuple(os.environ.get(k) for k in _ENV)
    path = _store_for(env)
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:  # no store: the package or shared data, fixed for the process
        return env
    return env, st.st_ino, st.st_size, st.st_mtime_ns


class ResponseCache:
    """ASGI middleware: serve repeated ``GET`` queries of ``paths`` from memory.

    Parameters
    ----------
    app
        The ASGI application.
    fingerprint
        Called per request; answers are reused only while it returns the same value (``None``:
        do not cache this request).
    paths
        The exact paths cached (default :data:`CACHED_PATHS`).
    max_entries
        Bound on the entries kept (least recently used dropped first).
    """

    def __init__(self, app: Any, fingerprint: Callable[[], Hashable | None] = data_stamp,
                 paths: Iterable[str] = CACHED_PATHS, max_entries: int = MAX_ENTRIES) -> None:
        self.app, self.fingerprint = app, fingerprint
        self.paths = frozenset(paths)
        self.max_entries = max_entries
        self._entries: collections.OrderedDict[Hashable, tuple[list[Any], bytes]] = collections.OrderedDict()
        self.hits = self.misses = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        stamp = self.fingerprint()
        if stamp is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), dt.date.today(), stamp)
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            headers, body = entry
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    self._store(key, list(start.get("headers") or []), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, keep)

    def _store(self, key: Hashable, headers: list[Any], body: bytes) -> None:
        self._entries[key] = (headers, body)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
