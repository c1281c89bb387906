"""``usmca tariffs etr --flows``: the DuckDB streamed engine gives the in-memory engine's answer (issue 15 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROWS = [  # hts10, partner, month, value, usmca_value: autos, TVs, steel, seats; three partners, four months
    ("8703230190", "MX", "2025-03", 1000, 600), ("8703230190", "MX", "2025-05", 2000, 1500),
    ("8528726420", "MX", "2025-05", 1000, 0), ("8528726420", "CA", "2025-05", 500, 0),
    ("7208510030", "CA", "2025-06", 800, 700), ("7208510030", "CN", "2025-06", 900, 0),
    ("9401610011", "CN", "2025-03", 300, 0), ("9401610011", "MX", "2025-09", 400, 100),
    ("8703230190", "CA", "2025-09", 5000, 4000), ("8528726420", "CN", "2025-09", 700, 0),
]


@pytest.fixture()
def flows(tmp_path: Path) -> Path:
    f = tmp_path / "flows.csv"
    f.write_text("hts10,partner,month,value,usmca_value\n" + "".join(f"{h},{p},{m},{v},{c}\n" for h, p, m, v, c in ROWS))
    return f


@pytest.mark.parametrize("args", [
    ("--from", "2025-01", "--to", "2025-12"),
    ("--partner", "MX", "--from", "2025-04", "--to", "2025-09"),
    ("--by", "partner,year", "--from", "2025-03", "--to", "2025-06"),
    ("--by", "hs2", "--partner", "CN", "--from", "2025-01", "--to", "2025-12"),
])
def test_streamed_engine_equals_the_in_memory_engine(cli, flows: Path, args: tuple[str, ...]) -> None:  # noqa: ANN001
    docs = {}
    for engine in ("memory", "duckdb"):
        r = cli("tariffs", "etr", "--flows", str(flows), "--engine", engine, "--json", *args)
        assert r.code == 0, r.err
        docs[engine] = r.json()
    mem, duck = docs["memory"], docs["duckdb"]
    assert duck["data_source"]["flows"]["engine"] == "duckdb (streamed)"
    for part in ("rows", "total"):
        assert len(mem[part]) == len(duck[part]) > 0
        for m, d in zip(mem[part], duck[part], strict=True):
            for k, v in m.items():
                if isinstance(v, float):
                    assert d[k] == pytest.approx(v, rel=1e-12, abs=1e-9), (part, k)
                else:
                    assert str(d[k]) == str(v), (part, k)


def test_streamed_engine_refuses_what_it_does_not_compute(cli, flows: Path) -> None:  # noqa: ANN001
    r = cli("tariffs", "etr", "--flows", str(flows), "--engine", "duckdb", "--components", "--json")
    assert r.code == 2 and "--engine" in r.err and "--components" in r.err
    r = cli("tariffs", "etr", "--engine", "gpu", "--json")
    assert r.code == 2 and "--engine" in r.err and "gpu" in r.err


def test_streamed_engine_names_a_bad_row(cli, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "flows.csv"
    f.write_text("hts10,partner,month,value,usmca_value\n8703230190,MX,2025-05,1000,600\n8703230190,MX,2025-05,-5,0\n")
    r = cli("tariffs", "etr", "--flows", str(f), "--engine", "duckdb", "--json")
    assert r.code == 2 and "row 1.value" in r.err and "Traceback" not in r.err
