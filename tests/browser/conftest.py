"""Browser tests: a live ``usmca serve`` app on 127.0.0.1 driven by Playwright on the system Chromium.

Chromium is the Debian package at ``/usr/bin/chromium`` (``make test`` installs it with apt when it
is missing; ``$USMCA_CHROMIUM`` names another binary). Without it the tests skip with the reason,
except under ``CI=true``, where a missing browser is a failure. Every page is watched: a console
error, an uncaught exception or a request to any host but 127.0.0.1 fails the test. Screenshots
go to ``out/screenshots/`` (test artifacts).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


def _chromium() -> str | None:
    for cand in (os.environ.get("USMCA_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and Path(cand).is_file():
            return cand
    return None


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    exe = _chromium()
    if exe is None:
        _missing("no Chromium at /usr/bin/chromium (make test installs it with apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    import uvicorn

    from usmca.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


class Watched:
    """A page with its console errors, page errors and the hosts it asked for."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" and not self._expected(m) else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)
        self.expected_status: set[int] = set()

    def _expected(self, message: Any) -> bool:
        # a 4xx the test provokes on purpose (bad input) is logged by Chromium as a resource error
        return any(f"status of {s}" in message.text for s in self.expected_status)

    def _request(self, req: Any) -> None:
        from urllib.parse import urlsplit

        u = urlsplit(req.url)
        if u.scheme in ("http", "https", "ws", "wss"):
            self.hosts.add(u.hostname or "")

    def shot(self, name: str, selector: str | None = None) -> Path:
        """Screenshot of the page, or of the element ``selector``, to ``out/screenshots/<name>.png``."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        if selector:
            self.page.locator(selector).screenshot(path=str(path))
        else:
            self.page.screenshot(path=str(path))
        return path

    def check(self) -> None:
        assert not self.errors, self.errors
        assert self.hosts <= {"127.0.0.1"}, self.hosts


@pytest.fixture()
def page(browser: Any) -> Iterator[Watched]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    w = Watched(pg)
    yield w
    ctx.close()
