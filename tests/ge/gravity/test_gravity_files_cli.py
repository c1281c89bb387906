"""``usmca ge solve --model gravity``: the trade file, the cost change file, errors, the registry."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from usmca.ge.gravity.files import read_cost_change_file, solve_files


def _trade_file(tmp_path: Path, n: int = 4, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(n, n)) + np.eye(n) * 20
    names = [f"K{k}" for k in range(n)]
    rows = ["exporter,importer,trade"] + [f"{names[i]},{names[j]},{float(x[i, j])!r}" for i in range(n) for j in range(n)]
    p = tmp_path / "trade.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


def test_registry_has_gravity() -> None:
    import usmca.cli.ge_gravity  # noqa: F401
    from usmca.ge.registry import MODELS

    assert "gravity" in MODELS


def test_cost_change_wildcards(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("exporter,importer,cost_change\n*,K1,1.5\nK2,K1,2\n")
    hat = read_cost_change_file(f, ("K0", "K1", "K2"))
    np.testing.assert_array_equal(hat, [[1, 1.5, 1], [1, 1, 1], [1, 2, 1]])


def test_solve_cli_json(cli, tmp_path: Path) -> None:  # noqa: ANN001
    trade = _trade_file(tmp_path)
    chg = tmp_path / "t.csv"
    chg.write_text("exporter,importer,tariff\nK0,K1,0.25\n")
    res = cli("ge", "solve", "--model", "gravity", "--data", str(trade), "--tariffs", str(chg), "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["model"] == "gravity" and set(doc["regions"]) == {"K0", "K1", "K2", "K3"}
    assert doc["regions"]["K0"]["real_gdp_pct"] < 0 and doc["regions"]["K1"]["real_gdp_pct"] < 0
    assert doc["regions"]["K0"]["exports_full_pct"] < 0
    assert abs(doc["regions"]["K2"]["real_gdp_pct"]) < abs(doc["regions"]["K1"]["real_gdp_pct"])
    assert doc["diagnostics"]["full"]["converged"]


def test_no_change_file_rows_mean_no_effect(tmp_path: Path) -> None:
    trade = _trade_file(tmp_path, n=5, seed=3)
    chg = tmp_path / "t.csv"
    chg.write_text("exporter,importer,cost_change\nK0,K1,1\n")
    f = solve_files(trade, chg, sigma=4.0).countries
    np.testing.assert_allclose(f["real_gdp_pct"], 0.0, atol=1e-9)


@pytest.mark.parametrize("content,needle", [
    ("exporter,importer,cost_change\nK0,ZZ,1.1\n", "importer = 'ZZ': unknown country"),
    ("exporter,importer,cost_change\nK0,K1,-2\n", "cost_change = -2.0: must be > 0"),
    ("exporter,importer,cost_change\nK0,K1,abc\n", "cost_change = 'abc': not a number"),
    ("exporter,importer,foo\nK0,K1,1\n", "need exporter, importer and cost_change or tariff"),
    ("importer,exporter,sector,tariff\nK0,K1,autos,0.1\n", "takes no sectors"),
])
def test_bad_change_file_exits_2(cli, tmp_path: Path, content: str, needle: str) -> None:  # noqa: ANN001
    trade = _trade_file(tmp_path)
    chg = tmp_path / "bad.csv"
    chg.write_text(content)
    res = cli("ge", "solve", "--model", "gravity", "--data", str(trade), "--tariffs", str(chg), "--json")
    assert res.code == 2 and needle in res.err and "Traceback" not in res.err
    assert res.out == ""


def test_bad_trade_file_exits_2(cli, tmp_path: Path) -> None:  # noqa: ANN001
    trade = tmp_path / "trade.csv"
    trade.write_text("exporter,importer,trade\nA,A,1\nA,B,-1\nB,A,1\nB,B,1\n")
    chg = tmp_path / "c.csv"
    chg.write_text("exporter,importer,cost_change\nA,B,1.1\n")
    before = trade.read_text()
    res = cli("ge", "solve", "--model", "gravity", "--data", str(trade), "--tariffs", str(chg))
    assert res.code == 2 and "trade = -1" in res.err and ":3" in res.err
    assert trade.read_text() == before
