"""``usmca ge replicate cp2015`` and ``usmca ge solve --model caliendo-parro`` end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


def test_replicate_json_all_regions(cli, cp_dir: Path, table2: pd.DataFrame) -> None:
    r = cli("ge", "replicate", "cp2015", "--data", str(cp_dir), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert len(doc["regions"]) == 31
    ref = table2[table2.source == "r_cpp_replication_full_precision"].set_index("region")
    for region in ("Mexico", "Canada", "USA"):
        for col in ("welfare_pct", "tot_pct", "vot_pct", "real_wage_pct"):
            assert abs(doc["regions"][region][col] - ref.loc[region, col]) < 1e-4
    assert abs(doc["regions"]["Mexico"]["imports_from_nafta_pct"] - 118.28) < 0.01
    assert doc["reference"]["by_source"]["jax_replication_full_precision"]["max_abs_diff_pp"] < 1e-4
    assert doc["diagnostics"]["counterfactual"]["converged"] is True


def test_replicate_table(cli, cp_dir: Path) -> None:
    r = cli("ge", "replicate", "cp2015", "--data", str(cp_dir))
    assert r.code == 0, r.err
    assert "Mexico" in r.out and "1.3121" in r.out


def _write(tmp_path: Path, rows: str) -> Path:
    p = tmp_path / "tariffs.csv"
    p.write_text("importer,exporter,sector,tariff\n" + rows, encoding="utf-8")
    return p


def test_solve_tariff_file(cli, cp_dir: Path, tmp_path: Path) -> None:
    f = _write(tmp_path, "USA,Mexico,*,0.25\nUSA,CAN,Auto,0.25\n")
    r = cli("ge", "solve", "--model", "caliendo-parro", "--data", str(cp_dir), "--tariffs", str(f), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert set(doc["regions"]) >= {"Mexico", "Canada", "USA"}
    mex = doc["regions"]["Mexico"]
    for key in ("welfare_pct", "tot_pct", "vot_pct", "real_wage_pct", "imports_pct"):
        assert isinstance(mex[key], float)
    assert mex["welfare_pct"] < 0          # a 25 % US tariff on all Mexican goods hurts Mexico
    assert doc["diagnostics"]["counterfactual"]["converged"] is True


def test_solve_header_only_file_is_the_baseline(cli, cp_dir: Path, tmp_path: Path) -> None:
    f = _write(tmp_path, "")
    r = cli("ge", "solve", "--model", "caliendo-parro", "--data", str(cp_dir), "--tariffs", str(f), "--json")
    assert r.code == 0, r.err
    assert max(abs(v["welfare_pct"]) for v in r.json()["regions"].values()) < 1e-9


@pytest.mark.parametrize(("rows", "line", "column"), [
    ("USA,Mexico,Auto,0.1\nUSA,Narnia,Auto,0.1\n", 3, "exporter"),
    ("Atlantis,Mexico,Auto,0.1\n", 2, "importer"),
    ("USA,Mexico,Spaceships,0.1\n", 2, "sector"),
    ("USA,Mexico,Auto,-0.05\n", 2, "tariff"),
    ("USA,Mexico,Auto,ten\n", 2, "tariff"),
])
def test_solve_bad_rows_exit_2(cli, cp_dir: Path, tmp_path: Path, rows: str, line: int, column: str) -> None:
    f = _write(tmp_path, rows)
    r = cli("ge", "solve", "--model", "caliendo-parro", "--data", str(cp_dir), "--tariffs", str(f), "--json")
    assert r.code == 2
    assert r.out == ""
    assert f"{f}:{line}: {column} =" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_solve_unknown_model_and_missing_file(cli, cp_dir: Path, tmp_path: Path) -> None:
    r = cli("ge", "solve", "--model", "nope", "--tariffs", str(tmp_path / "x.csv"), "--json")
    assert r.code == 2 and "--model" in r.err
    r = cli("ge", "solve", "--model", "caliendo-parro", "--data", str(cp_dir),
            "--tariffs", str(tmp_path / "missing.csv"), "--json")
    assert r.code == 2 and "missing.csv" in r.err


def test_replicate_montecarlo_bands(cli, cp_dir: Path) -> None:
    r = cli("ge", "replicate", "cp2015", "--data", str(cp_dir), "--draws", "4", "--theta-cv", "0.1", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    b = doc["bands"]["regions"]["Mexico"]["welfare_pct"]
    assert b["p5"] <= b["p50"] <= b["p95"] and b["p95"] - b["p5"] > 0
    assert doc["bands"]["draws"] == 4 and doc["bands"]["failed"] == 0
    r = cli("ge", "replicate", "cp2015", "--data", str(cp_dir), "--draws", "4", "--json")
    assert r.code == 2 and "--theta-cv" in r.err


def test_solve_theta_option(cli, cp_dir: Path, tmp_path: Path) -> None:
    f = _write(tmp_path, "USA,Mexico,*,0.25\n")
    base = ["ge", "solve", "--model", "caliendo-parro", "--data", str(cp_dir), "--tariffs", str(f), "--json"]
    a = cli(*base).json()["regions"]["Mexico"]["imports_pct"]
    b = cli(*base, "--theta", "8").json()["regions"]["Mexico"]["imports_pct"]
    assert a != b
    r = cli(*base, "--theta", "0")
    assert r.code == 2 and "--theta" in r.err
