"""The embedded baseline: rebuilt bit-for-bit, margins equal to the facts, an exact equilibrium."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from usmca.data.baseline import BASELINE_PATH, FACTS_PATH, load_baseline, read_facts, write_baseline
from usmca.data.baseline.ras import ras_fixed
from usmca.errors import ConvergenceError, UserInputError

REL = 1e-9


@pytest.fixture(scope="module")
def b():
    return load_baseline()


@pytest.fixture(scope="module")
def facts():
    return read_facts()


def test_rebuilt_bit_for_bit(tmp_path):
    out = write_baseline(FACTS_PATH, tmp_path / "b.json")
    assert out.read_bytes() == BASELINE_PATH.read_bytes()


def test_every_fact_has_url_and_status(facts):
    assert facts.source_url.str.match(r"https?://").all()
    assert set(facts.status) <= {"official", "press", "derived"}
    assert len(facts) > 150


def test_gdp_is_value_added(b, facts):
    for r in facts[(facts.quantity == "gdp") & (facts.country != "WLD")].itertuples():
        assert b.value_added[b.index(r.country)] == pytest.approx(r.v, rel=REL)


def _goods(b):
    return [j for j, s in enumerate(b.sectors) if s != "services"]


def test_bilateral_totals_equal_facts(b, facts):
    g = _goods(b)
    rows = facts[(facts.quantity == "flow") & (facts.sector == "all")]
    assert len(rows) >= 33
    for r in rows.itertuples():
        cell = b.flows[b.index(r.partner), b.index(r.country), g].sum()
        assert cell == pytest.approx(r.v, rel=REL), (r.country, r.partner)


def test_sector_facts_equal_cells_and_bounds_hold(b, facts):
    for r in facts[(facts.quantity == "flow") & (facts.sector != "all")].itertuples():
        j = b.sectors.index(r.sector)
        cell = b.flows[b.index(r.partner), b.index(r.country), j]
        if r.sector == "other_manuf":   # carries the basis residual when all nine are published
            assert cell >= r.v - 1e-9
        else:
            assert cell == pytest.approx(r.v, rel=REL), (r.country, r.partner, r.sector)
    lb = facts[facts.quantity == "flow_lower_bound"].groupby(["country", "partner", "sector"]).v.sum()
    for (e, i, s), v in lb.items():
        assert b.flows[b.index(i), b.index(e), b.sectors.index(s)] >= v - 1e-9
    for r in facts[facts.quantity == "flow_group"].itertuples():
        js = [b.sectors.index(s) for s in r.sector.split("+")]
        assert b.flows[b.index(r.partner), b.index(r.country), js].sum() == pytest.approx(r.v, rel=REL)


def test_world_totals_equal_facts(b, facts):
    for q, arr in (("exports_total", b.exports()), ("imports_total", b.imports())):
        rows = facts[facts.quantity == q]
        assert len(rows) == 7
        for r in rows.itertuples():
            assert arr[b.index(r.country)] == pytest.approx(r.v, rel=1e-9), (q, r.country)


def test_exact_equilibrium_identities(b):
    assert (b.flows >= 0).all()
    np.testing.assert_allclose(b.shares.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(b.io_share.sum(axis=1) + b.va_share, 1.0, rtol=1e-9)
    Y = b.flows.sum(axis=0)                          # gross output by exporter and sector
    np.testing.assert_allclose((b.va_share * Y).sum(axis=1), b.value_added, rtol=1e-8)
    # expenditure equation of Caliendo-Parro: X = G Y + alpha I
    rev = (b.flows * b.tariffs).sum(axis=(1, 2))
    income = b.value_added + rev + b.deficits
    X = np.einsum("nkj,nj->nk", b.io_share, Y) + b.final_share * income[:, None]
    np.testing.assert_allclose(X, b.expenditure, rtol=1e-8)
    np.testing.assert_allclose(b.deficits.sum(), 0.0, atol=1e-6 * b.value_added.sum())


def test_services_not_traded_and_usmca_duty_free(b):
    s = b.sectors.index("services")
    off = ~np.eye(len(b.countries), dtype=bool)
    assert (b.flows[:, :, s][off] == 0).all()
    u = [b.index(c) for c in ("USA", "MEX", "CAN")]
    assert (b.tariffs[np.ix_(u, u)] == 0).all()
    assert b.tariffs[b.index("USA"), b.index("CHN"), 0] > 0


def test_ras_matches_hand_solution():
    # 2x2, all free, prior ones, margins (3, 1) x (2, 2): X = [[1.5, 1.5], [0.5, 0.5]]
    X = ras_fixed(np.ones((2, 2)), np.ones((2, 2), bool), np.zeros((2, 2)), np.array([3.0, 1.0]),
                  np.array([2.0, 2.0]))
    np.testing.assert_allclose(X, [[1.5, 1.5], [0.5, 0.5]], rtol=1e-10)
    # a fixed cell is kept and the others absorb the rest
    fixed = np.array([[2.5, 0.0], [0.0, 0.0]])
    free = np.array([[False, True], [True, True]])
    X = ras_fixed(np.ones((2, 2)), free, fixed, np.array([3.0, 1.0]), np.array([3.0, 1.0]))
    np.testing.assert_allclose(X, [[2.5, 0.5], [0.5, 0.5]], rtol=1e-10)


def test_ras_rejects_inconsistent_margins():
    with pytest.raises(ConvergenceError):
        ras_fixed(np.ones((2, 2)), np.array([[False, True], [True, True]]), np.array([[5.0, 0], [0, 0]]),
                  np.array([3.0, 1.0]), np.array([2.0, 2.0]))


def test_fact_without_url_is_a_user_error(tmp_path):
    df = pd.read_csv(FACTS_PATH, dtype=str, keep_default_na=False)
    df.loc[3, "source_url"] = ""
    p = tmp_path / "facts.csv"
    df.to_csv(p, index=False)
    with pytest.raises(UserInputError, match="source_url"):
        read_facts(p)


def test_cli_build_baseline(cli, tmp_path):
    r = cli("data", "build-baseline", "--out", str(tmp_path / "b.json"), "--report", str(tmp_path / "r.md"), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert (tmp_path / "b.json").read_bytes() == BASELINE_PATH.read_bytes()
    imputed = {(f["exporter"], f["importer"]) for f in doc["flows"] if f["total"] == "imputed"}
    assert ("CAN", "CHN") in imputed and ("MEX", "USA") not in imputed
    assert "| MEX | USA |" in (tmp_path / "r.md").read_text()


def test_facts_rekeyed_from_published_sources(shared_data, tmp_path):
    from usmca.data.baseline.rekey import rekey

    out = rekey(shared_data, tmp_path / "facts.csv")
    assert out.read_bytes() == FACTS_PATH.read_bytes()


def test_shipped_provenance_report_is_current(b):
    from usmca.data.baseline.provenance import provenance_markdown

    shipped = BASELINE_PATH.with_name("baseline_2024_report.md").read_text(encoding="utf-8")
    assert shipped == provenance_markdown(b)


def test_engine_reproduces_the_baseline_as_its_equilibrium(b):
    """The Caliendo-Parro engine, fed the baseline's own tariffs and deficits, finds no change."""
    from usmca.ge.caliendo_parro.adapter import to_cp_inputs
    from usmca.ge.caliendo_parro.solve import solve_equilibrium

    inputs = to_cp_inputs(b)
    eq, diag = solve_equilibrium(inputs, inputs.tariffs, inputs.deficits)
    np.testing.assert_allclose(eq.w_hat, 1.0, atol=1e-10)
    np.testing.assert_allclose(eq.p_hat, 1.0, atol=1e-10)
    np.testing.assert_allclose(eq.expenditure, b.expenditure, rtol=1e-9)
