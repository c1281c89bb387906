"""Calibration of scenario (a)'s US tariffs on Mexico and Canada to the tariff engine."""

from __future__ import annotations

import numpy as np
import pytest

from usmca.scenarios import calibrate as calmod
from usmca.scenarios import compile_scenario, run_scenario


def _no_solve(baseline, tariffs, dhat):  # noqa: ANN001, ANN202 - a solver stub: the test looks at tariffs only
    return {"countries": {}, "sectors": {}}


# the ten groups by HS chapter, written out independently of usmca.data.baseline.sectors
_RANGES = [("agri_food", 1, 24), ("energy_minerals", 25, 27), ("chem_pharma", 28, 38), ("plastics_rubber", 39, 40),
           ("metals", 72, 83), ("machinery", 84, 84), ("electrical", 85, 85), ("vehicles", 87, 87)]


def _group(ch: int) -> str:
    if ch >= 98:
        return ""
    return next((g for g, a, z in _RANGES if a <= ch <= z), "other_manuf")


def test_engine_rates_are_duty_over_value_by_sector_and_drive_the_model(lib, b, shared_data):
    from usmca.data.loaders.flows import shared_flows
    from usmca.tariffs.etr import effective_rates

    s = lib["status_quo_2025"]
    cal, info = calmod.engine_calibration(s, b)
    assert info["method"] == "tariff engine" and cal is not None
    u = {a.name: a.value for a in s.assumptions}["us_content_veh"]
    out = effective_rates(shared_flows(None, "2025-10", "2025-10"), by=("partner", "hs2"), us_content=u)
    out["g"] = [_group(int(h)) for h in out["hs2"]]
    out = out[out["g"] != ""]
    tot = out.groupby(["partner", "g"])[["duty", "value"]].sum()
    us, mx = b.index("USA"), b.index("MEX")
    for g in ("vehicles", "metals", "agri_food"):
        expected = tot.loc[("MX", g), "duty"] / tot.loc[("MX", g), "value"]
        assert cal[us, mx, b.sectors.index(g)] == pytest.approx(expected, rel=1e-9)
        assert info["rates_pct"]["MEX"][g] == pytest.approx(100 * expected, abs=1e-3)
    assert np.isnan(cal[us, b.index("CHN")]).all() and np.isnan(cal[us, mx, b.sectors.index("services")])
    r = run_scenario(s, b, _no_solve)
    z = b.flows[us, mx]
    fin = np.isfinite(cal[us, mx])
    model = np.where(fin, cal[us, mx], b.tariffs[us, mx])
    assert r.tariff_wedges["USA"]["MEX"] == pytest.approx(100 * (model * z).sum() / z.sum(), rel=1e-9)
    assert r.calibration["calibrated_on"] == "status_quo_2025"


def test_without_flow_data_the_law_derived_wedges_stay_and_say_so(lib, b, monkeypatch):
    monkeypatch.setattr(calmod, "_engine_rates", lambda *a, **k: None)
    s = lib["status_quo_2025"]
    r = run_scenario(s, b, _no_solve)
    assert r.calibration["method"] == "law-derived wedges" and "absent" in r.calibration["reason"]
    law = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows)
    us, mx = b.index("USA"), b.index("MEX")
    z = b.flows[us, mx]
    assert r.tariff_wedges["USA"]["MEX"] == pytest.approx(100 * (law.tariffs[us, mx] * z).sum() / z.sum(), rel=1e-12)


def test_countermeasures_inherit_the_calibration_of_the_status_quo(lib):
    assert lib["countermeasures"].calibrate == "tariff_engine"
    assert lib["countermeasures"].calibrate_from.name == "status_quo_2025"
    assert lib["after_ruling_2026"].calibrate == "tariff_engine" and lib["after_ruling_2026"].calibrate_from is None


def test_calibration_is_an_additive_adjustment_floored_at_zero_and_mirrors_answer_it(lib, b):
    s = lib["countermeasures"]
    us, mx, ca = b.index("USA"), b.index("MEX"), b.index("CAN")
    law = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows)
    adj = np.full(b.tariffs.shape, np.nan)
    adj[us, mx, :9] = 0.05
    adj[us, ca, :9] = -10.0                        # pushes Canada below zero: floored
    c = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows, calibration=adj)
    np.testing.assert_allclose(c.tariffs[us, mx, :9], law.tariffs[us, mx, :9] + 0.05)
    assert (c.tariffs[us, ca, :9] == 0).all() and any("floored" in n for n in c.notes)
    extra = ((c.tariffs[us, mx] - b.tariffs[us, mx]) * b.flows[us, mx]).sum()
    counter = ((c.tariffs[mx, us] - b.tariffs[mx, us]) * b.flows[mx, us]).sum()
    assert counter == pytest.approx(extra, rel=1e-10)           # dollar for dollar on the calibrated tariffs
    assert (c.tariffs[ca, us] == b.tariffs[ca, us]).all()       # Canada's extra US tariff is 0 < trigger: lifted
