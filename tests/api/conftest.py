"""Fixtures of the API tests: one application per session, a TestClient over it, a live server."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Iterator

import pytest

from .checks import make_client


@pytest.fixture(scope="session")
def app() -> Any:
    from usmca.api import create_app

    return create_app()


@pytest.fixture(scope="session")
def client(app: Any) -> Any:
    return make_client(app)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    import uvicorn

    from usmca.api import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
