"""OECD ICIO loader: a small table written in the official CSV layout, read back into the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from usmca.errors import UserInputError
from usmca.ge.caliendo_parro import solve
from usmca.ge.caliendo_parro.synthetic import synthetic_inputs
from usmca.ge.loaders.icio import FINAL_DEMAND, load_icio

COUNTRIES = ("CAN", "MEX", "USA", "ROW")
INDUSTRIES = ("A01_02", "C29", "G")


def _write_icio(path: Path, econ) -> None:  # noqa: ANN001
    """Write ``econ`` (an equilibrium with zero tariffs) as an ICIO CSV; Mexico split MX1 / MX2."""
    n, j = econ.shape
    x = econ.expenditure
    flows = econ.pi * x[:, None, :]                         # T[n, i, s]
    y = flows.sum(axis=0)                                   # output Y[i, s]
    income = econ.value_added + econ.deficits
    labels, split_of = [], []
    for c in range(n):
        for s in range(j):
            if COUNTRIES[c] == "MEX":
                labels += [f"MX1_{INDUSTRIES[s]}", f"MX2_{INDUSTRIES[s]}"]
                split_of += [(c, s, 0.3), (c, s, 0.7)]
            else:
                labels.append(f"{COUNTRIES[c]}_{INDUSTRIES[s]}")
                split_of.append((c, s, 1.0))
    fd_cols = [f"{COUNTRIES[c]}_{k}" for c in range(n) for k in FINAL_DEMAND]
    table = pd.DataFrame(0.0, index=labels + ["TLS", "VA", "OUT"], columns=labels + fd_cols + ["OUT"])
    for r, (i, s, wr) in zip(labels, split_of, strict=True):
        for col, (m, k, wc) in zip(labels, split_of, strict=True):
            # use of good s from i by sector k in m: pi[m,i,s] * gamma[m,s,k] * Y[m,k]
            table.loc[r, col] = wr * wc * econ.pi[m, i, s] * econ.io_share[m, s, k] * y[m, k]
        for m in range(n):
            total = wr * econ.pi[m, i, s] * econ.final_share[m, s] * income[m]
            table.loc[r, f"{COUNTRIES[m]}_HFCE"] = 0.6 * total
            table.loc[r, f"{COUNTRIES[m]}_GFCF"] = 0.4 * total + 1.0
            table.loc[r, f"{COUNTRIES[m]}_INVNT"] = -1.0        # nets out to the model's demand
    for col, (m, k, wc) in zip(labels, split_of, strict=True):
        table.loc["VA", col] = wc * econ.va_share[m, k] * y[m, k] * 0.9
        table.loc["TLS", col] = wc * econ.va_share[m, k] * y[m, k] * 0.1
        table.loc["OUT", col] = wc * y[m, k]
    table["OUT"] = table.loc[:, labels + fd_cols].sum(axis=1)
    table.index.name = "V1"
    table.to_csv(path)


@pytest.fixture(scope="module")
def econ():  # noqa: ANN201
    return synthetic_inputs(4, 3, seed=5, max_tariff=0.0)


def test_round_trip_recovers_the_model_inputs(econ, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "ICIO_small.csv"
    _write_icio(f, econ)
    data = load_icio(f, theta=econ.theta)
    got = data.inputs
    assert got.countries == COUNTRIES and got.sectors == INDUSTRIES
    np.testing.assert_allclose(got.pi, econ.pi, atol=1e-12)
    np.testing.assert_allclose(got.expenditure, econ.expenditure, rtol=1e-10)
    np.testing.assert_allclose(got.io_share, econ.io_share, atol=1e-12)
    np.testing.assert_allclose(got.va_share, econ.va_share, atol=1e-12)
    np.testing.assert_allclose(got.final_share, econ.final_share, atol=1e-12)
    np.testing.assert_allclose(got.value_added, econ.value_added, rtol=1e-10)
    np.testing.assert_allclose(got.deficits, 0.0, atol=1e-8 * econ.value_added.sum())
    assert data.adjustments["negative_final_demand_cells_zeroed"] == 0
    # The loaded table is an equilibrium: unchanged policy is a one-step fixed point.
    res = solve(got, balanced=True)
    assert res.diagnostics["baseline"]["outer_iterations"] == 1
    # ... and a NAFTA-wide tariff on the rest of the world moves trade towards members.
    tau = np.zeros(got.pi.shape)
    tau[:3, 3, :] = 0.2
    out = solve(got, tau, balanced=True)
    b = out.bilateral.set_index(["importer", "exporter"])
    assert b.loc[("USA", "ROW"), "imports_pct"] < 0 < b.loc[("USA", "MEX"), "imports_pct"]


def test_layout_errors_name_the_file_and_label(econ, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "ICIO_small.csv"
    _write_icio(f, econ)
    table = pd.read_csv(f, index_col=0)
    bad = tmp_path / "no_va.csv"
    table.drop(index="VA").to_csv(bad)
    with pytest.raises(UserInputError, match="no_va.csv.*VA"):
        load_icio(bad)
    bad2 = tmp_path / "neg.csv"
    t2 = table.copy()
    t2.loc["USA_C29", "CAN_G"] = -3.0
    t2.to_csv(bad2)
    with pytest.raises(UserInputError, match="USA_C29, column CAN_G"):
        load_icio(bad2)
    bad3 = tmp_path / "label.csv"
    t3 = table.rename(index={"USA_C29": "USAC29"})
    t3.to_csv(bad3)
    with pytest.raises(UserInputError, match="USAC29"):
        load_icio(bad3)
    with pytest.raises(UserInputError, match="file not found"):
        load_icio(tmp_path / "absent.csv")


def test_cli_solve_on_an_icio_file(cli, econ, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "ICIO_small.csv"
    _write_icio(f, econ)
    t = tmp_path / "tariffs.csv"
    t.write_text("importer,exporter,sector,tariff\nUSA,MEX,C29,0.25\n", encoding="utf-8")
    r = cli("ge", "solve", "--model", "caliendo-parro", "--data", str(f), "--tariffs", str(t), "--json")
    assert r.code == 0, r.err
    regions = r.json()["regions"]
    assert set(regions) == set(COUNTRIES)
    assert regions["MEX"]["welfare_pct"] < 0
    t.write_text("importer,exporter,sector,tariff\nUSA,MEX,C30,0.25\n", encoding="utf-8")
    r = cli("ge", "solve", "--model", "caliendo-parro", "--data", str(f), "--tariffs", str(t), "--json")
    assert r.code == 2 and f"{t}:2: sector = 'C30'" in r.err
