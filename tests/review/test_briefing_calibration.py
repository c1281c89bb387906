"""The briefing says whether scenario (a)'s tariffs on Mexico and Canada are engine-calibrated or law-derived."""

from __future__ import annotations

import numpy as np

from usmca.data.baseline import load_baseline
from usmca.report import render_briefing
from usmca.scenarios import calibrate as calmod
from usmca.scenarios import load_library, run_scenario


def _flat(baseline, tariffs, dhat):  # noqa: ANN001, ANN202 - a solver stub
    return {"countries": {c: {"welfare_pct": 0.0} for c in baseline.countries}, "sectors": {}}


def test_briefing_states_law_derived_wedges_without_flow_data(monkeypatch):
    monkeypatch.setattr(calmod, "_engine_rates", lambda *a, **k: None)
    b = load_baseline()
    r = run_scenario(load_library()["status_quo_2025"], b, _flat)
    html = render_briefing([r], b, etr=None)
    assert "law-derived wedges" in html and "shared data) are absent" in html
    assert "calibrated to the tariff engine (" not in html
    assert "us/section301/china/average_rate" in html          # the baseline's 301, read from the tree


def test_briefing_shows_engine_and_law_columns_with_flow_data(monkeypatch):
    import pandas as pd

    fake = pd.DataFrame({"partner": ["MX", "MX", "CA"], "hs2": ["87", "01", "87"],
                         "duty": [20.0, 1.0, 10.0], "value": [100.0, 100.0, 100.0]})
    monkeypatch.setattr(calmod, "_engine_rates", lambda *a, **k: fake)
    b = load_baseline()
    s = load_library()["status_quo_2025"]
    cal, info = calmod.engine_calibration(s, b)
    us, mx = b.index("USA"), b.index("MEX")
    assert cal[us, mx, b.sectors.index("vehicles")] == 0.2 and cal[us, mx, b.sectors.index("agri_food")] == 0.01
    assert np.isnan(cal[us, mx, b.sectors.index("metals")])     # no flows: law-derived stays
    r = run_scenario(s, b, _flat)
    html = render_briefing([r], b, etr=None)
    assert "calibrated to the tariff engine (2025-10, %)" in html
    assert f"{r.calibration['law_derived_pct']['MEX']['vehicles']:.2f}" in html and "20.00" in html
