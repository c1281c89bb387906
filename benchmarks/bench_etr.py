"""Benchmark of effective tariff rates against one SQL join of precomputed rates (issue 15, item 1).

Flows: the synthetic table of ``bench_tariffs.py`` (HTS10 x 35 partners x 12 months of 2025, real
schema), written to Parquet. Side by side, in the same run, each timed >= 5 times (min, median):

- **baseline**: one DuckDB query that joins the flow file with a table of rates *already
  computed* (HTS10 x partner x month) and sums duty by partner and month;
- **etr (memory)**: :func:`usmca.tariffs.etr.effective_rates` on the in-memory frame (rates
  computed once per distinct pair and law date, gathered by integer codes);
- **etr (DuckDB)**: :func:`usmca.tariffs.etr_duckdb.effective_rates_file` on the Parquet file
  (the same rates as a table, joined inside DuckDB).

Targets: 5M rows <= 1.2x the baseline; 50M rows (``--big``) streamed with peak RSS <= 2 GB,
measured in a child process. DuckDB runs on one thread in every variant; times are CPU seconds
of the process (the machine is shared; wall seconds are printed beside them).

Usage: ``.venv/bin/python benchmarks/bench_etr.py [--rows N] [--runs R] [--big ROWS]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_tariffs import synthetic_flows  # noqa: E402

from usmca.law import default_tree  # noqa: E402
from usmca.tariffs.etr import _segments, effective_rates  # noqa: E402
from usmca.tariffs.etr_duckdb import effective_rates_file  # noqa: E402
from usmca.tariffs.etr_rates import statutory_rates  # noqa: E402
from usmca.tariffs.schedule import load_schedule  # noqa: E402

BASELINE_SQL = """
SELECT f.partner, f.month, sum(f.value) AS value, sum(f.usmca_value) AS usmca_value,
       sum(((f.value - f.usmca_value) * r.ru + f.usmca_value * r.rc) / 100.0) AS duty
FROM read_parquet('{path}') f JOIN rates r ON f.hts10 = r.hts10 AND f.partner = r.partner AND f.month = r.month
GROUP BY ALL ORDER BY 1, 2"""


def precomputed_rates(flows_path: Path) -> pd.DataFrame:
    """The rate table the baseline joins (computed before it is timed)."""
    import duckdb

    con = duckdb.connect()
    pairs = con.execute(f"SELECT hts10, partner FROM read_parquet('{flows_path}') GROUP BY ALL").df()
    months = sorted(m for (m,) in con.execute(f"SELECT DISTINCT month FROM read_parquet('{flows_path}')").fetchall())
    tree, sched = default_tree(), load_schedule()
    dates, w = _segments(pd.PeriodIndex([pd.Period(m, freq="M") for m in months]), tree, sched)
    rates = statutory_rates(pairs["hts10"].to_numpy(dtype=object), pairs["partner"].to_numpy(dtype=object), dates,
                            tree=tree, schedule=sched)
    k, m = len(pairs), len(months)
    return pd.DataFrame({"hts10": np.tile(pairs["hts10"].to_numpy(dtype=object), m),
                         "partner": np.tile(pairs["partner"].to_numpy(dtype=object), m),
                         "month": np.repeat(np.array(months, dtype=object), k),
                         "ru": (w @ rates["unclaimed"]).ravel(), "rc": (w @ rates["claimed"]).ravel()})


def timed(fn, runs: int) -> tuple[list[float], list[float], object]:  # noqa: ANN001
    cpu, wall, out = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    return cpu, wall, out


def line(name: str, cpu: list[float], wall: list[float], base: list[float] | None = None) -> str:
    s = (f"  {name:<16} cpu min {min(cpu):6.2f} s  median {statistics.median(cpu):6.2f} s   "
         f"(wall min {min(wall):6.2f} s)")
    if base is not None:
        s += f"   ratio {min(cpu) / min(base):.2f}x (min) {statistics.median(cpu) / statistics.median(base):.2f}x (median)"
    return s


def write_big(path: Path, rows: int) -> None:
    """``rows`` flow rows in Parquet, written 5M at a time (10 ports per HTS10 x partner x month)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    block = synthetic_flows(min(rows, 5_000_000))
    writer = None
    done, seed = 0, 0
    while done < rows:
        n = min(len(block), rows - done)
        rng = np.random.default_rng(seed)
        part = block.iloc[:n].assign(value=np.round(rng.lognormal(11.0, 2.0, n), 0))
        part = part.assign(usmca_value=np.round(part["value"] * np.where(part["partner"].isin(["CA", "MX"]),
                                                                         rng.beta(4, 2, n), 0.0), 0))
        table = pa.Table.from_pandas(part.astype({"hts10": str, "partner": str, "month": str}), preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=1 << 20)
        done += n
        seed += 1
    assert writer is not None
    writer.close()


def child(kind: str, path: str, rates_path: str) -> None:
    """One 50M-row run in this process; prints CPU seconds and peak RSS (MiB)."""
    import duckdb

    c0 = time.process_time()
    if kind == "etr":
        out = effective_rates_file(path, by=("partner", "month"))
    else:
        con = duckdb.connect()
        con.execute("SET threads = 1")
        con.execute("SET memory_limit = '1GB'")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"CREATE VIEW rates AS SELECT * FROM read_parquet('{rates_path}')")
        out = con.execute(BASELINE_SQL.format(path=path)).df()
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{cpu:.3f} {rss:.0f} {float(out['duty'].sum()):.6e}")


def big(rows: int, runs: int, tmp: Path) -> bool:
    flows = tmp / "big.parquet"
    write_big(flows, rows)
    rates = tmp / "big_rates.parquet"
    precomputed_rates(flows).to_parquet(rates)
    res: dict[str, list[tuple[float, float, float]]] = {"baseline": [], "etr": []}
    for _ in range(runs):
        for kind in res:
            p = subprocess.run([sys.executable, __file__, "--child", kind, str(flows), str(rates)],
                               capture_output=True, text=True, check=True)
            cpu, rss, duty = (float(x) for x in p.stdout.split())
            res[kind].append((cpu, rss, duty))
    print(f"ETR {rows:,} rows from Parquet, streamed (child processes, {runs} runs each):")
    base = [r[0] for r in res["baseline"]]
    for kind, rs in res.items():
        cpu = [r[0] for r in rs]
        print(f"  {kind:<16} cpu min {min(cpu):6.2f} s  median {statistics.median(cpu):6.2f} s   peak RSS max "
              f"{max(r[1] for r in rs):,.0f} MiB" + ("" if kind == "baseline" else
                                                     f"   ratio {min(cpu) / min(base):.2f}x (min)"))
    same = abs(res["etr"][0][2] - res["baseline"][0][2]) <= 1e-9 * abs(res["baseline"][0][2])
    peak = max(r[1] for r in res["etr"])
    print(f"  total duty equal to the baseline's (1e-9): {same}; peak RSS {peak:,.0f} MiB (target <= 2048)")
    return same and peak <= 2048


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big", type=int, default=0, help="also stream this many rows (e.g. 50000000)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    import duckdb

    tree = default_tree()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        flows = synthetic_flows(args.rows)
        path = tmp / "flows.parquet"
        flows.astype({"hts10": str, "partner": str, "month": str}).to_parquet(path)
        effective_rates(flows.head(1000), tree=tree)  # warm: schedule parse, law views
        rates = precomputed_rates(path)
        con = duckdb.connect()
        con.execute("SET threads = 1")
        con.register("rates", rates)
        b_cpu, b_wall, base = timed(lambda: con.execute(BASELINE_SQL.format(path=path)).df(), args.runs)
        m_cpu, m_wall, mem = timed(lambda: effective_rates(flows, by=("partner", "month"), tree=tree), args.runs)
        d_cpu, d_wall, ddb = timed(lambda: effective_rates_file(path, by=("partner", "month"), tree=tree), args.runs)
        print(f"ETR {len(flows):,} rows ({flows['hts10'].nunique():,} HTS10 x {flows['partner'].nunique()} partners"
              f" x 12 months), by partner and month, {args.runs} runs each:")
        print(line("baseline SQL", b_cpu, b_wall))
        print(line("etr (memory)", m_cpu, m_wall, b_cpu))
        print(line("etr (DuckDB)", d_cpu, d_wall, b_cpu))
        assert isinstance(base, pd.DataFrame) and isinstance(mem, pd.DataFrame) and isinstance(ddb, pd.DataFrame)
        diff = max(float(np.max(np.abs(x["duty"].to_numpy() - base["duty"].to_numpy()) / base["duty"].abs().to_numpy()))
                   for x in (mem, ddb))
        print(f"  duty by group vs the baseline: max relative difference {diff:.1e}")
        verdict = {}
        for name, cpu in (("memory", m_cpu), ("DuckDB", d_cpu)):
            r_min, r_med = min(cpu) / min(b_cpu), statistics.median(cpu) / statistics.median(b_cpu)
            verdict[name] = r_min <= 1.2 and r_med <= 1.2
            print(f"  target <= 1.2x baseline, etr ({name}): min {r_min:.2f}x, median {r_med:.2f}x: "
                  f"{'met' if verdict[name] else 'NOT MET'}")
        ok = all(verdict.values()) and diff <= 1e-12
        if args.big:
            ok = big(args.big, args.runs, tmp) and ok
    print("PASS" if ok else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()
