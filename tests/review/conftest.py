"""Fixtures of the review tests: a fast stand-in solver and the whole library reviewed with it."""

from __future__ import annotations

from typing import Any

import pytest


def _stub(baseline: Any, tariffs: Any, dhat: Any) -> dict[str, Any]:
    """A solver whose answer depends on the tariffs (not an economic model: it makes numbers to render)."""
    z = baseline.flows.sum(axis=2)
    avg = (tariffs * baseline.flows).sum(axis=2).sum(axis=0) / z.sum(axis=0)
    return {"countries": {c: {"welfare_pct": -float(avg[k]) * 10, "real_wage_pct": -float(avg[k]),
                              "tot_pct": 0.1 * k, "vot_pct": -0.1 * k, "exports_pct": float(k), "imports_pct": -1.0}
                          for k, c in enumerate(baseline.countries)},
            "sectors": {c: {s: float(j - k) for j, s in enumerate(baseline.sectors)}
                        for k, c in enumerate(baseline.countries)},
            "diagnostics": {"iterations": 1, "residual": 0.0, "seconds": 0.01}}


@pytest.fixture(scope="session")
def stub_solver() -> Any:
    return _stub


@pytest.fixture(scope="session")
def library_review(stub_solver: Any) -> Any:
    """The whole scenario library reviewed with the stand-in solver (no engine rates)."""
    from usmca.scenarios.review import run_review

    return run_review(None, solver=stub_solver, engine_rates=False)
