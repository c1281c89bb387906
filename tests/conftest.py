"""Shared fixtures.

``shared_data``: the third-party data folder (``$USMCA_SHARED_DATA``, else ``../shared/data``
beside the checkout). A test that needs it skips with a reason naming the folder when it is absent
or empty, except under ``CI=true``, where absence is a failure. Every test that uses the fixture is
marked ``needs_data``; ``make test`` runs the suite a second time with ``USMCA_SHARED_DATA`` pointing
to an empty folder and ``-m "not needs_data"`` (the fresh-clone configuration).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from usmca.paths import shared_data_dir


def _resolve_anyio_lazy_imports() -> None:
    """Import anyio's lazily loaded submodules now, on the main thread.

    anyio (>= 4.16) imports its submodules on first attribute access, and pytest rewrites them
    (anyio is a pytest plugin), so the first file response of a test server thread parsed Python
    source while the main thread did too; CPython 3.11 then raised "AST constructor recursion depth
    mismatch" and the request failed (a flaky browser test in a fresh clone).
    """
    try:
        import anyio
    except ImportError:
        return
    for name in getattr(anyio, "__all__", None) or dir(anyio):
        getattr(anyio, name, None)


_resolve_anyio_lazy_imports()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_data: needs the third-party data folder (../shared/data or "
                            "$USMCA_SHARED_DATA); set on every test that uses the shared_data fixture")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_data)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    d = shared_data_dir()
    if d is None or not any(d.iterdir()):
        where = (f"$USMCA_SHARED_DATA={os.environ['USMCA_SHARED_DATA']}" if os.environ.get("USMCA_SHARED_DATA")
                 else "../shared/data beside the checkout")
        what = "is empty" if d is not None else "is missing"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the third-party data folder {where} {what} under CI=true")
        pytest.skip(f"the third-party data folder {where} {what} (see README, 'Data')")
    return d


class CliResult:
    """What one in-process run of ``usmca`` gave: exit code, stdout, stderr."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self):  # noqa: ANN201 - any JSON value
        import json

        return json.loads(self.out)


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    """Run ``usmca ARGS...`` in-process through the real entry point (exit codes included)."""
    from usmca.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
