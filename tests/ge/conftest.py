"""Fixtures shared by both GE models: the data folders under ``../shared/data``, read where they sit.

Each folder fixture fails (not skips) when ``shared_data`` exists but the data set is missing:
a partial data folder is a broken checkout, not a reason to skip the reproductions.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def _dataset(shared_data: Path, name: str) -> Path:
    d = shared_data / name
    if not d.is_dir():
        pytest.fail(f"{name} folder missing under {shared_data}")
    return d


@pytest.fixture(scope="session")
def cp_dir(shared_data: Path) -> Path:
    """Caliendo and Parro (2015) replication data (``cp2015``)."""
    return _dataset(shared_data, "cp2015")


@pytest.fixture(scope="session")
def yotov_dir(shared_data: Path) -> Path:
    """Yotov et al. (2016) ch. 2 application 2 data (``yotov_nafta``)."""
    return _dataset(shared_data, "yotov_nafta")


@pytest.fixture(scope="session")
def gg_dir(shared_data: Path) -> Path:
    """gegravity 0.3's sample data set (``gegravity_sample``)."""
    return _dataset(shared_data, "gegravity_sample")
