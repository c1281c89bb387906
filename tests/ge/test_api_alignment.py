"""Both GE models answer through the same result surface (synthetic economies, no shared data).

``.countries`` (DataFrame with a ``country`` column), ``.country_names``, ``.bilateral``,
``.diagnostics[solve]["outer_iterations" | "residual" | "converged"]``, ``.to_dict()`` with
``model``, ``regions`` and ``diagnostics["baseline" | "counterfactual"]``; the same keys on a
:class:`ConvergenceError`. (The registry of both models: ``test_registry.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from usmca.errors import ConvergenceError


def _cp():  # noqa: ANN202
    from usmca.ge.caliendo_parro import solve
    from usmca.ge.caliendo_parro.synthetic import synthetic_inputs

    inp = synthetic_inputs(5, 4, seed=1)
    return solve(inp, inp.tariffs * 0.5, balanced=True)


def _gravity():  # noqa: ANN202
    from usmca.ge.gravity import solve_baseline, solve_counterfactual

    rng = np.random.default_rng(2)
    n = 6
    phi = np.exp(rng.normal(-3.0, 1.0, size=(n, n)))
    np.fill_diagonal(phi, 1.0)
    y = rng.lognormal(0.0, 1.0, size=n)
    names = [f"C{k}" for k in range(n)]
    base = solve_baseline(names, phi, y, y.copy(), reference="C0")
    return solve_counterfactual(base, phi * np.where(np.eye(n, dtype=bool), 1.0, 1.3), 5.0)


@pytest.mark.parametrize("make", [_cp, _gravity], ids=["caliendo-parro", "gravity"])
def test_same_result_surface(make) -> None:  # noqa: ANN001
    res = make()
    assert isinstance(res.countries, pd.DataFrame) and isinstance(res.bilateral, pd.DataFrame)
    assert list(res.countries["country"]) == list(res.country_names)
    assert len(res.bilateral) == len(res.country_names) ** 2
    for solve_name in ("baseline", "counterfactual" if "counterfactual" in res.diagnostics else "full"):
        d = res.diagnostics[solve_name]
        assert d["converged"] is True and d["outer_iterations"] >= 1 and d["residual"] < 1e-8
    doc = res.to_dict()
    assert set(doc) >= {"model", "regions", "diagnostics"}
    assert doc["model"] == doc["diagnostics"]["model"]
    assert set(doc["regions"]) == set(res.country_names)
    for solve_name in ("baseline", "counterfactual"):
        assert doc["diagnostics"][solve_name]["converged"] is True
    records = res.to_dict(bilateral=True)["bilateral"]
    assert len(records) == len(res.bilateral) and set(records[0]) == set(res.bilateral.columns)
    # every region's metrics are finite plain floats, and the policy moved something
    vals = np.array([v for row in doc["regions"].values() for v in row.values()], dtype=float)
    assert np.all(np.isfinite(vals)) and np.abs(vals).max() > 1e-6


def test_gravity_convergence_error_carries_the_same_keys_as_caliendo_parro() -> None:
    from usmca.ge.caliendo_parro import solve
    from usmca.ge.caliendo_parro.synthetic import synthetic_inputs
    from usmca.ge.gravity import solve_baseline

    inp = synthetic_inputs(4, 3, seed=0)
    with pytest.raises(ConvergenceError) as cp_err:
        solve(inp, inp.tariffs * 0.2, max_iter=1, balanced=True)
    rng = np.random.default_rng(0)
    phi = np.exp(rng.normal(-2.0, 1.0, size=(5, 5)))
    y = rng.lognormal(size=5)
    with pytest.raises(ConvergenceError) as gr_err:
        solve_baseline(list("ABCDE"), phi, y, y.copy(), reference="A", max_iter=2)
    shared = {"outer_iterations", "residual", "seconds", "converged"}
    assert shared <= set(cp_err.value.diagnostics) and shared <= set(gr_err.value.diagnostics)
    assert cp_err.value.diagnostics["converged"] is False and gr_err.value.diagnostics["converged"] is False
