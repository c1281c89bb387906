"""The response cache of idempotent GET routes (usmca.api.cache): same query and data, same bytes,
without running the engine again; anything else runs the engine."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from usmca.api.cache import ResponseCache, data_stamp

from .checks import DUTY, make_client


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Calls of the duty engine."""
    import importlib

    module = importlib.import_module("usmca.tariffs.duty")  # the module (the package exports the function)
    calls: list[Any] = []
    engine = module.duty

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return engine(*args, **kwargs)

    monkeypatch.setattr(module, "duty", counting)
    return calls


def test_a_repeated_duty_query_is_answered_once_by_the_engine(counted: list[Any]) -> None:
    from usmca.api import create_app

    client = make_client(create_app(jobs=False))
    first, second = client.get(DUTY), client.get(DUTY)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.headers == second.headers
    assert second.headers["x-content-type-options"] == "nosniff"
    assert len(counted) == 1
    other = client.get(DUTY.replace("value=1000", "value=2000"))
    assert other.json()["total_duty"] == 2 * first.json()["total_duty"] and len(counted) == 2


def test_errors_are_not_cached(counted: list[Any]) -> None:
    from usmca.api import create_app

    client = make_client(create_app(jobs=False))
    for _ in range(2):
        r = client.get(DUTY.replace("origin=MX", "origin=ZZ"))
        assert r.status_code == 404  # well-formed, but no such country
    assert len(counted) == 2


def test_another_store_is_another_answer(counted: list[Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from usmca.api import create_app

    client = make_client(create_app(jobs=False))
    before = data_stamp()
    client.get(DUTY)
    monkeypatch.setenv("USMCA_STORE", str(tmp_path / "absent.duckdb"))
    assert data_stamp() != before
    assert client.get(DUTY).status_code == 200 and len(counted) == 2
    monkeypatch.setenv("USMCA_STORE", str(tmp_path))  # a folder: reported by the route, never cached
    assert data_stamp() is None


def _toy() -> tuple[Any, list[bytes]]:
    seen: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"answer " + scope["query_string"]})

    return app, seen


def _get(app: Any, query: bytes, method: str = "GET") -> bytes:
    sent: list[Any] = []

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/x", "query_string": query, "headers": []}
    asyncio.run(app(scope, receive, send))
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_the_fingerprint_bounds_and_methods() -> None:
    toy, seen = _toy()
    stamp = [1]
    cache = ResponseCache(toy, fingerprint=lambda: stamp[0], paths=["/x"], max_entries=2)
    assert _get(cache, b"a=1") == _get(cache, b"a=1") == b"answer a=1" and seen == [b"a=1"]
    stamp[0] = 2  # the data changed: asked again
    _get(cache, b"a=1")
    assert seen == [b"a=1", b"a=1"]
    _get(cache, b"b=1"), _get(cache, b"c=1")  # a third entry evicts the least recently used (a=1)
    _get(cache, b"a=1")
    assert seen.count(b"a=1") == 3
    _get(cache, b"c=1", method="POST"), _get(cache, b"c=1", method="POST")
    assert seen.count(b"c=1") == 3  # POST is never served from the cache
    assert cache.hits == 1
