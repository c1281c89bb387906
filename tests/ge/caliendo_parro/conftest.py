"""Fixtures: the CP2015 replication data and its NAFTA solve (computed once per session).

``cp_dir`` comes from ``tests/ge/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def cp_data(cp_dir: Path):  # noqa: ANN201
    from usmca.ge.loaders.cp2015 import load_cp2015

    return load_cp2015(cp_dir)


@pytest.fixture(scope="session")
def nafta(cp_data):  # noqa: ANN001, ANN201
    from usmca.ge.caliendo_parro import solve

    return solve(cp_data.inputs, cp_data.tariffs_nafta, balanced=True)


@pytest.fixture(scope="session")
def table2(cp_dir: Path) -> pd.DataFrame:
    return pd.read_csv(cp_dir / "reference_results" / "table2_welfare_nafta.csv")


@pytest.fixture(scope="session")
def trade_ref(cp_dir: Path) -> pd.DataFrame:
    return pd.read_csv(cp_dir / "reference_results" / "trade_effects_nafta_jax.csv")
