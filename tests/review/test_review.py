"""`usmca review`: JSON for machines, the offline briefing, and an independent check of one result."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from usmca.data.baseline import Baseline, load_baseline
from usmca.scenarios import load_library, run_scenario
from usmca.scenarios.schema import parse_scenario


def _load_onesector():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scenarios" / "onesector.py"
    spec = importlib.util.spec_from_file_location("usmca_test_onesector", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod.solve_one_sector


solve_one_sector = _load_onesector()

METRICS = ("welfare_pct", "real_wage_pct", "exports_pct", "imports_pct")


@pytest.fixture(scope="module")
def review_json():
    import contextlib
    import io

    from usmca.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            main(["review", "--json"])
        except SystemExit as exc:      # the entry point may exit 0 on success
            assert not exc.code, exc.code
    return json.loads(buf.getvalue())


def test_json_has_every_scenario_with_finite_numbers_for_every_country(review_json):
    lib = load_library()
    assert set(review_json["scenarios"]) == set(lib)
    countries = review_json["countries"]
    assert countries == ["USA", "MEX", "CAN", "CHN", "EU27", "JPN", "KOR", "ROW"]
    for name, sc in review_json["scenarios"].items():
        assert set(sc["countries"]) == set(countries), name
        for c, row in sc["countries"].items():
            for m in METRICS:
                assert isinstance(row[m], float) and math.isfinite(row[m]), (name, c, m)
        assert sc["diagnostics"]["residual"] < 1e-9


def test_scenarios_move_the_right_way(review_json):
    s = review_json["scenarios"]
    # termination hurts Mexico and Canada more than the regime it replaces
    for c in ("MEX", "CAN"):
        assert s["termination"]["countries"][c]["welfare_pct"] < s["after_ruling_2026"]["countries"][c]["welfare_pct"]
    # faster borders raise Mexican and Canadian exports
    assert s["digital_borders"]["countries"]["MEX"]["exports_pct"] > 0
    assert s["digital_borders"]["countries"]["CAN"]["exports_pct"] > 0


def test_briefing_is_self_contained(cli, tmp_path):
    r = cli("review", "--out", str(tmp_path))
    assert r.code == 0, r.err
    html = (tmp_path / "briefing.html").read_text()
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="https?://[^"]*\.(js|css)"', html)
    assert html.count("<svg") >= 3
    lib = load_library()
    for a in lib["status_quo_2025"].assumptions:
        assert a.url in html
    assert "dollar-for-dollar" in html and "Origin what-if" in html
    assert "status_quo_2025" in r.out
    for name in lib:
        assert f'id="{name}"' in html
    assert "Law reform: applied (usmca/ch04_appendix_autos/passenger_light_truck/vehicle_rvc" in html


def test_unknown_scenario_is_one_line_exit_2(cli):
    r = cli("review", "--scenario", "no_such", "--json")
    assert r.code == 2
    assert r.err.startswith("error:") and r.err.count("\n") == 1 and "no_such" in r.err


def _one_sector(b: Baseline) -> Baseline:
    g = [j for j, s in enumerate(b.sectors) if s != "services"]
    Z = b.flows[:, :, g].sum(axis=2)
    tau = (b.tariffs[:, :, g] * b.flows[:, :, g]).sum(axis=2) / np.where(Z > 0, Z, 1)
    Y = Z.sum(axis=0)
    X = (Z * (1 + tau)).sum(axis=1)
    D = X - (Z * tau).sum(axis=1) - Y
    n = len(b.countries)
    return Baseline(countries=b.countries, sectors=("goods",), flows=Z[:, :, None], tariffs=tau[:, :, None],
                    va_share=np.ones((n, 1)), io_share=np.zeros((n, 1, 1)), final_share=np.ones((n, 1)),
                    theta=np.array([5.0]), value_added=Y, deficits=D, source="one-sector collapse")


def test_a_scenario_matches_an_independent_one_sector_solution():
    """A 10% US tariff on every partner, solved by the CP engine through the runner, equals the
    exact one-sector gravity solution written independently in tests/scenarios/onesector.py."""
    b1 = _one_sector(load_baseline())
    s = parse_scenario({"name": "us10", "title": "t", "description": "US 10% on all", "model": "caliendo-parro",
                        "date": "2026-03-01",
                        "assumptions": {"r": {"value": 10, "unit": "percent", "source": "test value, a round 10%",
                                              "url": "https://example.org/test"}},
                        "shocks": [{"importers": ["USA"], "exporters": ["all"], "tariff": "r"}]}, "test.yaml")
    res = run_scenario(s, b1)
    tau_new = b1.tariffs[:, :, 0].copy()
    tau_new[0, 1:] += 0.10
    ref = solve_one_sector(b1.flows[:, :, 0], b1.tariffs[:, :, 0], tau_new, np.ones_like(tau_new), 5.0)
    for k, c in enumerate(b1.countries):
        assert res.countries[c]["real_wage_pct"] == pytest.approx(100 * (ref["real_wage_hat"][k] - 1), abs=1e-7), c
    assert res.countries["USA"]["real_wage_pct"] != pytest.approx(0.0, abs=1e-3)


def test_review_on_the_replication_data(cli, shared_data):
    r = cli("review", "--scenario", "status_quo_2025", "--baseline", str(shared_data / "cp2015"), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    rows = doc["scenarios"]["status_quo_2025"]["countries"]
    assert len(rows) == 31
    for c in ("USA", "Mexico", "Canada", "China"):
        assert all(math.isfinite(rows[c][m]) for m in METRICS)
    assert rows["USA"]["imports_pct"] < 0


def test_bad_baseline_folder_is_a_user_error(cli, tmp_path):
    r = cli("review", "--baseline", str(tmp_path), "--json")
    assert r.code == 2 and "--baseline" in r.err


def test_origin_whatif_electronics_fails_the_nme_cap():
    from usmca.scenarios.review import origin_whatif

    lib = load_library()
    rows = [r for r in origin_whatif([lib["nme_content_cap"]]) if r["bom"] == "electronics_bom.yaml"]
    assert len(rows) == 1 and rows[0]["status"] == "ok", rows
    assert rows[0]["before"]["originating"] is True     # tariff shift of GN 11 ch. 84 rule 200
    assert rows[0]["after"]["originating"] is False     # Chinese content 187/520 = 36% > 10% cap


def _tiny_icio(path):
    """A small, internally consistent table in the OECD ICIO layout (values are made up)."""
    import pandas as pd

    rng = np.random.default_rng(7)
    cs, inds = ["USA", "MEX", "CAN", "DEU", "CHN", "ROW"], ["C29", "C26", "G"]
    labels = [f"{c}_{i}" for c in cs for i in inds]
    Z = rng.uniform(1, 5, (len(labels), len(labels)))
    F = rng.uniform(40, 80, (len(labels), len(cs)))
    out = Z.sum(1) + F.sum(1)
    va = out - Z.sum(0)
    assert (va > 0).all()
    t = pd.DataFrame(Z, index=labels, columns=labels)
    for k, c in enumerate(cs):
        t[f"{c}_HFCE"] = F[:, k]
    t["OUT"] = out
    t.loc["TLS"] = 0.0
    t.loc["VA"] = list(va) + [0.0] * (len(cs) + 1)
    t.loc["OUT"] = list(out) + [0.0] * (len(cs) + 1)
    t.to_csv(path)


def test_review_on_a_user_icio_table(cli, tmp_path):
    p = tmp_path / "icio.csv"
    _tiny_icio(p)
    r = cli("review", "--scenario", "status_quo_2025", "--baseline", str(p), "--json")
    assert r.code == 0, r.err
    rows = r.json()["scenarios"]["status_quo_2025"]["countries"]
    assert set(rows) == {"USA", "MEX", "CAN", "DEU", "CHN", "ROW"}
    assert all(math.isfinite(v[m]) for v in rows.values() for m in METRICS)
    assert rows["USA"]["imports_pct"] < 0


def test_user_scenario_file_extending_the_library(cli, tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("name: mine\ntitle: My variant\ndescription: status quo with a higher Mexican auto claim share\n"
                 "model: caliendo-parro\ndate: 2025-10-01\nextends: status_quo_2025\n"
                 "assumptions:\n  claim_mx:\n    value: {default: 0.95}\n    unit: fraction\n"
                 "    source: a user's own assumption for the test of this option\n    url: https://example.org/mine\n")
    r = cli("review", "--scenario", str(p), "--scenario", "status_quo_2025", "--json")
    assert r.code == 0, r.err
    sc = r.json()["scenarios"]
    assert sc["mine"]["tariff_wedges"]["USA"]["MEX"] < sc["status_quo_2025"]["tariff_wedges"]["USA"]["MEX"]
    assert sc["mine"]["countries"]["MEX"]["welfare_pct"] > sc["status_quo_2025"]["countries"]["MEX"]["welfare_pct"]


def test_origin_whatif_vehicle_fails_rvc85():
    from usmca.scenarios.review import origin_whatif

    lib = load_library()
    row = [r for r in origin_whatif([lib["auto_rvc85_us_content"]]) if r["bom"] == "vehicle_bom.yaml"][0]
    assert row["before"]["originating"] is True and row["before"]["threshold"] < 85
    assert row["after"]["originating"] is False and row["after"]["threshold"] == 85
    assert row["before"]["rvc"] == row["after"]["rvc"]          # same BOM, higher bar


def test_theta_sensitivity_is_reported_and_ordered(review_json):
    """Halving and doubling every trade elasticity changes the welfare results, both ways."""
    sc = review_json["scenarios"]["status_quo_2025"]
    sens = sc["sensitivity"]
    assert sens["theta_factors"] == [0.5, 2.0]
    lo, hi = sens["welfare_pct"]["MEX"]
    mid = sc["countries"]["MEX"]["welfare_pct"]
    assert all(math.isfinite(v) for v in (lo, hi))
    assert min(lo, hi) < mid < max(lo, hi)
