"""Shared fixtures.

``shared_data``: the third-party data folder beside the checkout. A test that needs it skips with
a reason when it is absent, except under ``CI=true``, where absence is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from usmca.paths import shared_data_dir


@pytest.fixture(scope="session")
def shared_data() -> Path:
    d = shared_data_dir()
    if d is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("../shared/data is missing under CI=true")
        pytest.skip("../shared/data is not beside the checkout")
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
