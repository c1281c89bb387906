"""``usmca serve``: starts uvicorn on the given host and port; bad options are one line, exit 2."""

from __future__ import annotations

import socket
from typing import Any

import pytest


@pytest.fixture()
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_the_api_on_host_and_port(cli, started):
    from fastapi import FastAPI

    port = _free_port()
    r = cli("serve", "--host", "127.0.0.1", "--port", str(port))
    assert r.code == 0, r.err
    (call,) = started
    assert isinstance(call["app"], FastAPI) and call["host"] == "127.0.0.1" and call["port"] == port
    assert f"127.0.0.1:{port}" in r.err


def test_serve_defaults_to_localhost_8000(cli, started):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", 8000))
        except OSError:
            pytest.skip("port 8000 is in use on this machine")
    r = cli("serve")
    assert r.code == 0, r.err
    assert started[0]["host"] == "127.0.0.1" and started[0]["port"] == 8000


@pytest.mark.parametrize("args, option", [
    (["--port", "0"], "--port"),
    (["--port", "70000"], "--port"),
    (["--host", ""], "--host"),
    (["--log-level", "loud"], "--log-level"),
])
def test_bad_options_are_one_line_exit_2(cli, started, args, option):
    r = cli("serve", *args)
    assert r.code == 2 and not started
    assert r.err.startswith(f"error: {option}") and r.err.count("\n") == 1


def test_a_port_in_use_is_one_line_exit_2(cli, started):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = cli("serve", "--port", str(port))
    assert r.code == 2 and not started
    assert r.err.startswith("error: --port") and "cannot listen" in r.err


def test_serve_loads_the_engines_before_listening(cli, started):
    r = cli("serve", "--port", str(_free_port()))
    assert r.code == 0, r.err
    assert "loaded law" in r.err and "review" in r.err
