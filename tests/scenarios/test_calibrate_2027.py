"""Calibration of the 2026-27 scenarios (b), (m) and, through (m), the review options (d)-(h)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from usmca.report import render_briefing
from usmca.scenarios import calibrate as calmod
from usmca.scenarios import compile_scenario, run_scenario

OPTIONS = ("auto_rvc85_us_content", "nme_content_cap", "lvc_wage_20", "steel_melted_poured", "two_bilaterals")


def _no_solve(baseline, tariffs, dhat):  # noqa: ANN001, ANN202 - a solver stub: the test looks at tariffs only
    return {"countries": {c: {"welfare_pct": 0.0} for c in baseline.countries}, "sectors": {}}


def _wedge(tariffs: np.ndarray, b, exporter: str) -> float:  # noqa: ANN001
    us, i = b.index("USA"), b.index(exporter)
    z = b.flows[us, i]
    return float(100 * (tariffs[us, i] * z).sum() / z.sum())


def test_calibration_roots(lib):
    assert lib["current_law_2027"].calibrate == "tariff_engine" and lib["current_law_2027"].calibrate_from is None
    assert lib["termination"].calibrate_from.name == "after_ruling_2026"
    for name in OPTIONS:
        assert lib[name].compare_to == "current_law_2027"
        assert lib[name].calibrate_from.name == "current_law_2027", name
    for name in ("digital_borders", "mra_electronics", "regional_sourcing"):
        assert lib[name].calibrate is None


def test_options_differ_from_m_by_their_law_derived_difference(lib, b, monkeypatch):
    """Calibrated through (m): option - (m) equals the law-derived option - (m), at any engine rates."""
    fake = pd.DataFrame({"partner": ["MX", "MX", "CA", "CA"], "hs2": ["87", "84", "87", "72"],
                         "duty": [30.0, 4.0, 25.0, 40.0], "value": [100.0, 100.0, 100.0, 100.0]})
    monkeypatch.setattr(calmod, "_engine_rates", lambda *a, **k: fake)
    m = lib["current_law_2027"]
    rm = run_scenario(m, b, _no_solve)
    assert rm.calibration["calibrated_on"] == "current_law_2027"
    assert rm.calibration["rates_pct"]["MEX"]["vehicles"] == pytest.approx(30.0)
    law_m = compile_scenario(m, b.countries, b.sectors, b.tariffs, b.flows).tariffs
    for name in ("auto_rvc85_us_content", "two_bilaterals"):
        s = lib[name]
        r = run_scenario(s, b, _no_solve)
        assert r.calibration["calibrated_on"] == "current_law_2027"
        law_s = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows).tariffs
        for c in ("MEX", "CAN"):
            got = r.tariff_wedges["USA"][c] - rm.tariff_wedges["USA"][c]
            assert got == pytest.approx(_wedge(law_s, b, c) - _wedge(law_m, b, c), abs=1e-9)
    # and the calibration moved (m) itself: its wedge on Mexico is not the law-derived one
    assert rm.tariff_wedges["USA"]["MEX"] != pytest.approx(_wedge(law_m, b, "MEX"), abs=1e-6)


def test_without_flow_data_m_keeps_law_derived_wedges_and_says_so(lib, b, monkeypatch):
    monkeypatch.setattr(calmod, "_engine_rates", lambda *a, **k: None)
    monkeypatch.setattr(calmod, "_latest_month", lambda month: None)
    for name in ("current_law_2027", "auto_rvc85_us_content", "after_ruling_2026"):
        s = lib[name]
        r = run_scenario(s, b, _no_solve)
        assert r.calibration["method"] == "law-derived wedges" and "absent" in r.calibration["reason"]
        law = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows).tariffs
        assert r.tariff_wedges["USA"]["CAN"] == pytest.approx(_wedge(law, b, "CAN"), rel=1e-12)
    html = render_briefing([r], b, etr=None)
    assert "law-derived wedges" in html and "shared data) are absent" in html


def test_briefing_states_flow_month_and_law_date(lib, b, monkeypatch):
    fake = pd.DataFrame({"partner": ["MX", "CA"], "hs2": ["87", "87"], "duty": [14.0, 13.0], "value": [100.0, 100.0]})
    monkeypatch.setattr(calmod, "_engine_rates", lambda *a, **k: fake)
    monkeypatch.setattr(calmod, "_latest_month", lambda month: min(month, "2026-02"))
    r = run_scenario(lib["current_law_2027"], b, _no_solve)
    assert r.calibration["month"] == "2026-02" and r.calibration["law_date"] == "2027-07-01"
    html = render_briefing([r], b, etr=None)
    assert "calibrated on 2026-02 flows under the US measures encoded on 2027-07-01" in html


def _latest_file_month(shared_data) -> str:  # noqa: ANN001
    folder = shared_data / "us_tariffs" / "yale_tariff_rate_tracker" / "usmca_product_shares"
    name = sorted(p.name for p in folder.glob("usmca_product_shares_20??_??.csv"))[-1]
    return name[-11:-7] + "-" + name[-6:-4]


def test_m_engine_rates_on_latest_flows_under_the_2027_law(lib, b, shared_data):
    from usmca.data.loaders.flows import shared_flows
    from usmca.tariffs.etr import effective_rates

    latest = _latest_file_month(shared_data)
    m = lib["current_law_2027"]
    cal, info = calmod.engine_calibration(m, b)
    assert info["method"] == "tariff engine" and info["month"] == latest and info["law_date"] == "2027-07-01"
    sched, note = calmod._schedule_through(dt.date(2027, 7, 1))
    assert info["schedule_note"] == note
    f = shared_flows(None, latest, latest)
    out = effective_rates(f[f["hts10"].str[:2] == "87"], by=("partner",), us_content=0.27, schedule=sched,
                          law_date=dt.date(2027, 7, 1), components=True).set_index("partner")
    us, mx, ca = b.index("USA"), b.index("MEX"), b.index("CAN")
    veh = b.sectors.index("vehicles")
    assert cal[us, mx, veh] == pytest.approx(out.loc["MX", "duty"] / out.loc["MX", "value"], rel=1e-9)
    assert cal[us, ca, veh] == pytest.approx(out.loc["CA", "duty"] / out.loc["CA", "value"], rel=1e-9)
    # no IEEPA or Section 122 duty in force on 2027-07-01
    assert not any(c.startswith(("duty_ieepa", "duty_section122")) and out[c].abs().sum() > 0 for c in out.columns)
    # the line-level vehicles rate is below the law-derived group wedge (claimed parts exempt)
    law = compile_scenario(m, b.countries, b.sectors, b.tariffs, b.flows).tariffs
    assert cal[us, mx, veh] < law[us, mx, veh] and cal[us, ca, veh] < law[us, ca, veh]


def test_a_keeps_its_own_month_averaged_over_its_days(lib, b, shared_data):
    cal, info = calmod.engine_calibration(lib["status_quo_2025"], b)
    assert info["month"] == "2025-10" and info["law_rule"] == "the law of each day of the month"
    assert info["basis"] == "calibrated on 2025-10 flows under the law of each day of the month"


def test_claim_scale_and_line_rescaling(lib, b):
    scale = calmod.claim_scale(lib["termination"], lib["after_ruling_2026"], b.sectors)
    assert {p for p, _, _ in scale} == {"MX", "CA"} and all(k == 0 for _, _, k in scale)
    assert calmod.claim_scale(lib["auto_rvc85_us_content"], lib["current_law_2027"], b.sectors) == ()
    f = pd.DataFrame({"hts10": ["8703230190", "0709910000", "8703230190"], "partner": ["MX", "MX", "CA"],
                      "month": "2026-02", "value": [100.0, 50.0, 80.0], "usmca_value": [60.0, 40.0, 70.0]})
    out = calmod._scale_claims(f, (("MX", "vehicles", 0.5), ("CA", "vehicles", 3.0)))
    assert out["usmca_value"].tolist() == [30.0, 40.0, 80.0]        # halved; other sector kept; capped at value


def test_termination_is_calibrated_on_itself_with_no_claims(lib, b, shared_data):
    from usmca.data.loaders.flows import shared_flows
    from usmca.tariffs.etr import effective_rates

    r = run_scenario(lib["termination"], b, _no_solve)
    assert r.calibration["calibrated_on"] == "termination" and "x0.00" in r.calibration["claims"]
    month = r.calibration["month"]
    f = shared_flows(None, month, month)
    f = f[f["hts10"].str[:2] == "87"].assign(usmca_value=0.0)
    sched, _ = calmod._schedule_through(dt.date(2026, 3, 1))
    out = effective_rates(f, by=("partner",), us_content=0.27, schedule=sched,
                          law_date=dt.date(2026, 3, 1)).set_index("partner")
    assert r.calibration["rates_pct"]["MEX"]["vehicles"] == pytest.approx(out.loc["MX", "etr"], abs=1e-3)
