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
