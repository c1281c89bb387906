"""Every PSR test reads the packaged library only: the user library is pointed at an empty folder."""

from __future__ import annotations

import pytest

from usmca.origin import psr


@pytest.fixture(autouse=True)
def _no_user_library(tmp_path, monkeypatch):  # noqa: ANN001, ANN202
    monkeypatch.setenv("USMCA_PSR_LIBRARY", str(tmp_path / "none"))
    psr.clear_cache()
    yield
    psr.clear_cache()
