"""A scenario's ``model:`` field picks the solver from :mod:`usmca.ge.registry`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from usmca.errors import UserInputError
from usmca.ge import registry
from usmca.scenarios import run_scenario
from usmca.scenarios.schema import parse_scenario


def _us10(model: str) -> Any:
    return parse_scenario({"name": "us10", "title": "t", "description": "US 10% on all", "model": model,
                           "date": "2026-03-01",
                           "assumptions": {"r": {"value": 10, "unit": "percent", "source": "test value, a round 10%",
                                                 "url": "https://example.org/test"}},
                           "shocks": [{"importers": ["USA"], "exporters": ["all"], "tariff": "r"}]}, "test.yaml")


def test_the_model_field_chooses_the_registered_solver(b: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, int] = {}

    def recorder(name: str) -> registry.Solver:
        def solve(baseline: Any, tariffs: np.ndarray, dhat: np.ndarray) -> dict[str, Any]:
            calls[name] = calls.get(name, 0) + 1
            return {"countries": {c: {"welfare_pct": 1.0} for c in baseline.countries}, "sectors": {}}
        return solve

    monkeypatch.setattr(registry, "MODELS", {n: registry.Model(n, recorder(n), m.solve_files)
                                             for n, m in registry.MODELS.items()})
    run_scenario(_us10("gravity"), b, calibrate=False)
    run_scenario(_us10("caliendo-parro"), b, calibrate=False)
    run_scenario(_us10("gravity"), b, calibrate=False)
    assert calls == {"gravity": 2, "caliendo-parro": 1}


def test_a_gravity_scenario_runs_on_the_embedded_baseline(b: Any) -> None:
    res = run_scenario(_us10("gravity"), b, calibrate=False)
    assert res.diagnostics["model"] == "gravity"
    us = res.countries["USA"]
    assert all(math.isfinite(us[m]) for m in ("welfare_pct", "real_wage_pct", "exports_pct", "imports_pct"))
    assert us["imports_pct"] < 0 and us["tot_pct"] is None      # the one-sector model has no ToT split
    assert res.sectors["USA"] == {}


def test_an_unknown_model_is_a_user_error_naming_the_file() -> None:
    with pytest.raises(UserInputError, match="unknown model") as e:
        _us10("armington")
    assert (e.value.source, e.value.field) == ("test.yaml", "model")
