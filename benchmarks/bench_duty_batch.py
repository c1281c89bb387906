"""Benchmark of duties in batch against the single-line path (issue 15, item 5).

Entries: a broker's file of ``--rows`` lines (default 1,000,000) with the real schema (``hts``,
``origin``, ``date``, ``value``, ``usmca``, ``us_content``), HTS10 lines drawn from the schedule in
force, 12 origins (Canada and Mexico half claimed under USMCA, EU, Japan and Korea under their
deals), entry dates over one month (``--days 30``) or a year. Side by side, in the same run:

- **single line**: :func:`usmca.tariffs.duty` called per line, warm (the baseline of the issue,
  0.86 ms per line), on the first ``--single`` lines;
- **duty_batch**: :func:`usmca.tariffs.duty_batch` on the in-memory frame;
- **file -> Parquet / CSV**: :func:`usmca.tariffs.duty_batch_io.duty_file` reading the CSV and
  streaming the duties out (what ``usmca tariffs duty --file`` runs).

Every variant runs ``--runs`` times (min and median); times are CPU seconds of the process (the
machine is shared; DuckDB's writer runs on one thread), so lines/s are per core. Target:
>= 500,000 lines/s for the batch function.

Usage: ``.venv/bin/python benchmarks/bench_duty_batch.py [--rows N] [--runs R] [--days D]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from usmca.law import default_tree
from usmca.tariffs import duty, duty_batch
from usmca.tariffs.duty_batch_io import duty_file
from usmca.tariffs.schedule import load_schedule

ORIGINS = ["MX", "CA", "CN", "DE", "JP", "KR", "VN", "FR", "IN", "GB", "BR", "TW"]


def entries(rows: int, days: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lines = load_schedule().rows_at(dt.date(2025, 6, 1))
    hts = lines["hts"].astype(str)
    codes = hts[(hts.str.len() == 10) & ~hts.str.startswith(("98", "99"))].to_numpy(dtype=object)
    pick = rng.choice(codes, size=min(len(codes), 4000), replace=False)
    origin = rng.choice(np.array(ORIGINS, dtype=object), rows)
    claim = np.isin(origin, ["MX", "CA"]) & (rng.random(rows) < 0.5)
    start = np.datetime64("2025-06-01") if days <= 31 else np.datetime64("2025-01-01")
    date = (start + rng.integers(0, days, rows).astype("timedelta64[D]")).astype(str)
    return pd.DataFrame({"hts": rng.choice(pick, rows), "origin": origin, "date": date,
                         "value": np.round(rng.lognormal(9.0, 2.0, rows), 2), "usmca": claim,
                         "us_content": np.where(claim & (rng.random(rows) < 0.5), np.round(rng.random(rows), 2), np.nan)})


def timed(fn, runs: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(runs):
        c0 = time.process_time()
        fn()
        out.append(time.process_time() - c0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--single", type=int, default=2000)
    args = ap.parse_args()
    tree = default_tree()
    frame = entries(args.rows, args.days)
    n = len(frame)
    head = frame.head(args.single)

    def single() -> None:
        for r in head.itertuples(index=False):
            duty(r.hts, r.origin, r.date, r.value, usmca_claim=bool(r.usmca),
                 us_content=None if np.isnan(r.us_content) else float(r.us_content), tree=tree)

    single()  # warm: schedule, law views of the month's dates
    t_single = timed(single, args.runs)
    duty_batch(frame, tree=tree)  # warm as the single-line path is warm
    t_batch = timed(lambda: duty_batch(frame, tree=tree), args.runs)
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "entries.csv"
        frame.to_csv(src, index=False)
        t_pq = timed(lambda: duty_file(src, Path(d) / "duties.parquet", tree=tree), args.runs)
        t_csv = timed(lambda: duty_file(src, Path(d) / "duties.csv", tree=tree), args.runs)
    per_line = [t / len(head) for t in t_single]
    print(f"duties of {n:,} entry lines ({frame['hts'].nunique():,} HTS10, {len(ORIGINS)} origins, "
          f"{frame['date'].nunique()} dates), {args.runs} runs each, CPU seconds:")
    print(f"  {'single line':<20} {min(per_line) * 1e3:.3f} ms per line (min), {statistics.median(per_line) * 1e3:.3f} "
          f"median -> {1 / min(per_line):,.0f} lines/s")
    ok = True
    for name, ts in (("duty_batch", t_batch), ("file CSV -> Parquet", t_pq), ("file CSV -> CSV", t_csv)):
        best, med = n / min(ts), n / statistics.median(ts)
        print(f"  {name:<20} min {min(ts):.2f} s median {statistics.median(ts):.2f} s -> {best:,.0f} lines/s "
              f"(median {med:,.0f}); {best * min(per_line):,.0f}x the single-line path")
        if name == "duty_batch":
            ok = best >= 500_000
            print(f"  target >= 500,000 lines/s (duty_batch): {'met' if ok else 'NOT MET'}")
    print("PASS" if ok else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()
