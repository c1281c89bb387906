"""``usmca origin qualify --out/--cluster``: shards of BOMs, the same rows as the one-process numpy path."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml

from usmca.examples import example_boms
from usmca.origin import sharded


def _portfolio(tmp_path: Path, n: int = 60) -> Path:
    """``n`` BOMs: the shipped examples with their non-originating values scaled (some fail the RVC)."""
    bases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in example_boms()]
    rng = np.random.default_rng(3)
    boms = []
    for k in range(n):
        b = yaml.safe_load(yaml.safe_dump(bases[k % len(bases)]))
        b["good"]["id"] = f"g{k:03d}"
        for m in b["materials"]:
            if m.get("origin") == "non_originating" and isinstance(m.get("value"), (int, float)):
                m["value"] = round(float(m["value"]) * float(rng.uniform(0.5, 3.0)), 2)
        boms.append(b)
    p = tmp_path / "portfolio.yaml"
    p.write_text(yaml.safe_dump({"boms": boms}, sort_keys=False), encoding="utf-8")
    return p


def _fast_rows(cli, path: Path) -> list[tuple]:
    r = cli("origin", "qualify", str(path), "--fast", "--json")
    assert r.code == 0, r.err
    return [(x["id"], x["originating"], x["criterion"], x["rvc"], x["path"]) for x in r.json()["results"]]


def test_sharded_on_the_cluster_equals_the_one_process_path(cli, ray_cluster: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _portfolio(tmp_path)
    expected = _fast_rows(cli, path)
    assert {e[1] for e in expected} == {True, False}           # a mixed portfolio
    monkeypatch.setattr(sharded, "BOMS_PER_SHARD", 7)          # 60 BOMs -> 9 shards
    out = tmp_path / "r.parquet"
    r = cli("origin", "qualify", str(path), "--out", str(out), "--cluster", ray_cluster, "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["shards"] == 9 and doc["executor"] == "ray" and doc["summary"]["goods"] == 60
    got = duckdb.sql(f"select id, originating, criterion, rvc, path from '{out}'").fetchall()
    assert got == expected                                      # same rows, same order
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio.yaml", "r.parquet"]   # no staging left


def test_serial_shards_to_csv_and_bad_options(cli, tmp_path: Path) -> None:
    path = _portfolio(tmp_path, 12)
    out = tmp_path / "r.csv"
    r = cli("origin", "qualify", str(path), "--out", str(out), "--json")
    assert r.code == 0, r.err
    assert r.json()["executor"] == "serial"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(sharded.COLUMNS) and len(lines) == 13
    for args, match in ((["--out", str(tmp_path / "r.txt")], ".parquet or .csv"),
                        (["--cluster", "local"], "give --out"),
                        (["--out", str(tmp_path / "r2.csv"), "--cluster", "127.0.0.1:9"], "no Ray cluster"),
                        (["--out", str(path)], ".parquet or .csv")):
        r = cli("origin", "qualify", str(path), *args)
        assert r.code == 2 and match in r.err, (args, r.err)
    assert not (tmp_path / "r2.csv").exists()
