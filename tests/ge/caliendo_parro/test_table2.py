"""Caliendo-Parro (2015) Table 2 and the NAFTA trade effects, reproduced from the replication data.

References: ``cp2015/reference_results/`` (published Table 2 rounded; JAX and R/C++ replications
at full precision). Tolerances fixed by the issue: 1e-4 percentage points for welfare, ToT, VoT
and real wage against the full-precision replications; 0.01 pp for trade effects.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

NAFTA = ("Canada", "Mexico", "USA")
MEASURES = ("welfare_pct", "tot_pct", "vot_pct", "real_wage_pct")


@pytest.mark.parametrize("source", ["jax_replication_full_precision", "r_cpp_replication_full_precision"])
@pytest.mark.parametrize("region", NAFTA)
def test_table2_full_precision(nafta, table2: pd.DataFrame, region: str, source: str) -> None:
    ref = table2[(table2.region == region) & (table2.source == source)].iloc[0]
    got = nafta.countries.set_index("country").loc[region]
    for m in MEASURES:
        assert abs(got[m] - ref[m]) < 1e-4, (region, m, got[m], ref[m])


@pytest.mark.parametrize("region", NAFTA)
def test_table2_published_rounding(nafta, table2: pd.DataFrame, region: str) -> None:
    ref = table2[(table2.region == region) & (table2.source == "published_table2_rounded")].iloc[0]
    got = nafta.countries.set_index("country").loc[region]
    for m in MEASURES:
        assert round(float(got[m]), 2) == pytest.approx(float(ref[m]), abs=1e-9), (region, m, got[m])


def test_welfare_is_tot_plus_vot(nafta) -> None:
    c = nafta.countries
    np.testing.assert_allclose(c.welfare_pct, c.tot_pct + c.vot_pct, rtol=0, atol=1e-12)
    assert (c.te_pct == 0).all()            # no iceberg-cost change in a tariff scenario
    # Sector contributions add up to the country totals.
    s = nafta.sectors.groupby("country", sort=False)[["tot_pct", "vot_pct"]].sum()
    np.testing.assert_allclose(s.loc[c.country, "tot_pct"], c.tot_pct, atol=1e-10)


def test_imports_from_nafta_partners(nafta, trade_ref: pd.DataFrame) -> None:
    rows = trade_ref[trade_ref.measure.str.startswith("imports_from_nafta_partners")]
    assert len(rows) == 3
    for r in rows.itertuples():
        got = nafta.imports_from(r.importer, NAFTA)
        assert abs(got - r.pct_change) < 0.01, (r.importer, got, r.pct_change)


def test_bilateral_and_row_trade_effects(nafta, trade_ref: pd.DataFrame) -> None:
    b = nafta.bilateral.set_index(["importer", "exporter"])
    names = nafta.country_names
    row = [c for c in names if c not in NAFTA]
    checked = 0
    for r in trade_ref.itertuples():
        if r.measure == "bilateral_imports_all_sectors":
            got = b.loc[(r.importer, r.exporter), "imports_pct"]
        elif r.measure == "imports_from_row":
            got = nafta.imports_from(r.importer, row)
        elif r.measure == "total_imports":
            got = nafta.countries.set_index("country").loc[r.importer, "imports_pct"]
        elif r.measure == "exports_to_nafta_partners":
            i = names.index(r.exporter)
            idx = [names.index(c) for c in NAFTA if c != r.exporter]
            got = 100 * (nafta.flows_counterfactual[idx, i].sum() / nafta.flows_baseline[idx, i].sum() - 1)
        elif r.measure == "exports_to_row":
            i = names.index(r.exporter)
            idx = [names.index(c) for c in row]
            got = 100 * (nafta.flows_counterfactual[idx, i].sum() / nafta.flows_baseline[idx, i].sum() - 1)
        else:
            continue
        checked += 1
        assert abs(got - r.pct_change) < 0.01, (r.measure, r.importer, r.exporter, got, r.pct_change)
    assert checked == len(trade_ref) - 3  # the 3 imports_from_nafta_partners rows: test above


def test_deficits_held_fixed_variant(cp_data) -> None:
    """The R package's variant with data deficits held fixed: MEX 1.17, CAN -0.04, USA 0.08."""
    from usmca.ge.caliendo_parro import solve

    res = solve(cp_data.inputs, cp_data.tariffs_nafta, balanced=False).countries.set_index("country")
    assert [round(float(res.loc[c, "welfare_pct"]), 2) for c in ("Mexico", "Canada", "USA")] == [1.17, -0.04, 0.08]


def test_diagnostics(nafta) -> None:
    d = nafta.diagnostics
    for k in ("baseline", "counterfactual"):
        assert d[k]["converged"] and d[k]["residual"] < d[k]["tol"]
        assert d[k]["outer_iterations"] >= 2 and d[k]["seconds"] > 0
    assert d["balanced"] is True


def test_welfare_by_partner_group(nafta) -> None:
    """CP's bilateral split (Table 3 layout). Reference: the JAX replication's
    ``bilateral_welfare_nafta_row_jax.csv`` as quoted in shared/research/ge-models.md (3 decimals):
    Mexico ToT -0.395 (NAFTA) / -0.017 (rest of world), VoT +1.804 / -0.080."""
    split = nafta.welfare_by_partner({"NAFTA": NAFTA}).set_index(["country", "partner_group"])
    mex = split.loc["Mexico"]
    assert mex.loc["NAFTA", "tot_pct"] == pytest.approx(-0.395, abs=6e-4)
    assert mex.loc["other", "tot_pct"] == pytest.approx(-0.017, abs=6e-4)
    assert mex.loc["NAFTA", "vot_pct"] == pytest.approx(1.804, abs=6e-4)
    assert mex.loc["other", "vot_pct"] == pytest.approx(-0.080, abs=6e-4)
    totals = split.groupby(level="country")[["tot_pct", "vot_pct"]].sum()
    c = nafta.countries.set_index("country")
    np.testing.assert_allclose(totals.loc[c.index, "tot_pct"], c.tot_pct, atol=1e-10)
    np.testing.assert_allclose(totals.loc[c.index, "vot_pct"], c.vot_pct, atol=1e-10)


def test_levels_give_the_same_economy_and_table2(cp_data, cp_dir: Path, table2: pd.DataFrame) -> None:
    """levels/ (SAM-style, US$) -> shares: equal to model_inputs/ up to the rounding of CP's IO.txt
    (README: Sigma gamma_nkj + gamma_nj = 1 within 4e-7), and Table 2 again within 1e-4 pp."""
    from usmca.ge.caliendo_parro import solve
    from usmca.ge.loaders.cp2015 import load_cp2015_levels

    lv = load_cp2015_levels(cp_dir)
    ref = cp_data.inputs
    np.testing.assert_allclose(lv.pi, ref.pi, atol=1e-14)
    np.testing.assert_allclose(lv.expenditure, ref.expenditure, rtol=1e-14)
    np.testing.assert_allclose(lv.final_share, ref.final_share, atol=1e-14)
    np.testing.assert_allclose(lv.va_share, ref.va_share, atol=1e-6)
    np.testing.assert_allclose(lv.io_share, ref.io_share, atol=1e-6)
    np.testing.assert_array_equal(lv.deficits, ref.deficits)
    got = solve(lv, cp_data.tariffs_nafta, balanced=True).countries.set_index("country")
    r = table2[table2.source == "r_cpp_replication_full_precision"].set_index("region")
    for region in NAFTA:
        for m in MEASURES:
            assert abs(got.loc[region, m] - r.loc[region, m]) < 1e-4, (region, m)
