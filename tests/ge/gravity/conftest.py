"""Fixtures: the Yotov et al. (2016) NAFTA data and gegravity's sample, read where they sit.

The folder fixtures ``yotov_dir`` and ``gg_dir`` come from ``tests/ge/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

# The book's Stata estimate of the RTA effect (RTAsEffects.log, Yotov et al. 2016, ch. 2, app. 2),
# used only where a test starts from the derived 1994 costs instead of re-estimating.
BOOK_RTA = 0.5571853


@pytest.fixture(scope="session")
def yotov_costs(yotov_dir: Path):  # noqa: ANN201
    from usmca.ge.loaders.yotov import read_costs_1994

    return read_costs_1994(yotov_dir)


@pytest.fixture(scope="session")
def published(yotov_dir: Path):  # noqa: ANN201
    from usmca.ge.loaders.yotov import read_published

    return read_published(yotov_dir)


@pytest.fixture(scope="session")
def nafta_cf(yotov_costs):  # noqa: ANN001, ANN201
    from usmca.ge.gravity.replicate_yotov import solve_nafta

    return solve_nafta(yotov_costs, BOOK_RTA)


def random_world(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random positive costs (home bias on the diagonal) and balanced output/expenditure."""
    phi = np.exp(rng.normal(-3.0, 1.0, size=(n, n)))
    np.fill_diagonal(phi, 1.0)
    y = rng.lognormal(0.0, 1.0, size=n)
    e = y * rng.uniform(0.8, 1.2, size=n)
    return phi, y, e * y.sum() / e.sum()
