"""``usmca ge sweep``: checked before work, the same table serially and on the cluster, written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from usmca.data.baseline import load_baseline
from usmca.errors import UserInputError
from usmca.execute import SerialExecutor, atomic_output, get_executor
from usmca.scenarios.sweep import parse_sweep
from usmca.scenarios.sweep_run import run_sweep, write_table

REF = {"instrument": "test", "provision": "Art. 1", "url": "https://example.org/ref"}
RVC = "usmca/ch04_appendix_autos/passenger_light_truck/vehicle_rvc"


def _spec(**over: object) -> dict:
    raw = {"scenario": "auto_rvc85_us_content", "reference": REF,
           "parameters": {"assumptions.drop_mx": {"values": [{"vehicles": 0.0, "default": 0},
                                                            {"vehicles": 0.2, "default": 0}]}}}
    raw.update(over)
    return raw


def _write(tmp_path: Path, raw: dict) -> Path:
    p = tmp_path / "sweep.yaml"
    p.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return p


@pytest.mark.parametrize(("params", "match"), [
    ({"usmca/no/such/path": {"values": [1]}}, "unknown path"),
    ({RVC: {"values": []}}, "grid is empty"),
    ({"assumptions.nope": {"values": [1]}}, "unknown assumption"),
    ({RVC: {"uniform": [80, 85]}}, "samples"),
    ({RVC: {"uniform": [85, 80]}}, "low < high"),
    ({RVC: {"values": ["many"]}}, RVC),
])
def test_bad_spec_is_exit_2_before_any_work(cli, tmp_path: Path, params: dict, match: str) -> None:
    out = tmp_path / "r.parquet"
    r = cli("ge", "sweep", str(_write(tmp_path, _spec(parameters=params))), "--out", str(out))
    assert r.code == 2, r.err
    assert r.err.startswith("error: ") and match in r.err and len(r.err.strip().splitlines()) == 1
    assert not out.exists()


def test_unreachable_cluster_and_bad_out_are_exit_2(cli, tmp_path: Path) -> None:
    spec = str(_write(tmp_path, _spec()))
    r = cli("ge", "sweep", spec, "--out", str(tmp_path / "r.parquet"), "--cluster", "127.0.0.1:9")
    assert r.code == 2 and "no Ray cluster reachable" in r.err
    r = cli("ge", "sweep", spec, "--out", str(tmp_path / "r.txt"))
    assert r.code == 2 and ".parquet or .csv" in r.err
    r = cli("review", "--draws", "0", "--cluster", "local")
    assert r.code == 2 and "--draws" in r.err
    assert not list(tmp_path.glob("r.*"))


def test_points_and_distributions_are_seeded_per_point() -> None:
    raw = _spec(samples=3, seed=5, parameters={RVC: {"values": [80, 85]}, "assumptions.drop_ca": {"uniform": [0, 1]}})
    a, b = parse_sweep(raw, "s.yaml").points, parse_sweep(raw, "s.yaml").points
    assert a == b and len(a) == 6 and [p[RVC] for p in a] == [80] * 3 + [85] * 3
    assert len({p["assumptions.drop_ca"] for p in a}) == 6
    assert parse_sweep({**raw, "seed": 6}, "s.yaml").points != a


def test_sweep_on_the_cluster_equals_serial(ray_cluster: str, tmp_path: Path) -> None:
    spec = parse_sweep(_spec(), "s.yaml")
    b = load_baseline()
    serial = run_sweep(spec, b, SerialExecutor())
    with get_executor(ray_cluster) as ex:
        on_ray = run_sweep(spec, b, ex)
    assert on_ray.executor == "ray" and on_ray.workers == 2
    pd.testing.assert_frame_equal(serial.table, on_ray.table)
    mx = serial.table[(serial.table.country == "MEX") & (serial.table.metric == "welfare_pct")]
    assert mx.value.iloc[0] != mx.value.iloc[1]                      # the swept assumption matters
    out = write_table(on_ray.table, tmp_path / "r.parquet")
    import duckdb

    back = duckdb.sql(f"select * from '{out}' order by point, country, metric").df()
    assert len(back) == len(serial.table) and list(back.columns) == list(serial.table.columns)


def test_an_interrupted_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as tmp:
        tmp.write_text("point,value\n0,1.0\n")          # half written, then Ctrl-C
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(UserInputError, match="folder does not exist"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "missing" / "r.parquet")
