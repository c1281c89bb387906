"""Fixtures shared by the scenario tests: the library and the embedded baseline, loaded once."""

from __future__ import annotations

import pytest

from usmca.data.baseline import load_baseline
from usmca.scenarios import load_library


@pytest.fixture(scope="session")
def lib():  # noqa: ANN201 - {name: Scenario}
    return load_library()


@pytest.fixture(scope="session")
def b():  # noqa: ANN201 - Baseline
    return load_baseline()
