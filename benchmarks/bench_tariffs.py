"""Benchmark of the tariff engine.

1. ETR over a year of HTS10 x partner x month flows: a synthetic 5-million-row table with the real
   schema (``hts10, partner, month, value, usmca_value``), HTS10 codes drawn from the schedule in
   force, 35 partners (Canada and Mexico with USMCA-claimed shares), 12 months of 2025; target
   <= 5 s for :func:`usmca.tariffs.etr.effective_rates` by partner and month.
2. One duty lookup (:func:`usmca.tariffs.duty`), warm; target <= 1 ms.

Usage: ``.venv/bin/python benchmarks/bench_tariffs.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from usmca.law import default_tree
from usmca.tariffs import duty
from usmca.tariffs.etr import effective_rates
from usmca.tariffs.schedule import load_schedule

PARTNERS = ["CA", "MX", "CN", "DE", "JP", "KR", "VN", "TW", "IN", "IE", "IT", "GB", "FR", "CH", "TH",
            "MY", "SG", "BR", "IL", "ID", "NL", "AU", "ES", "BE", "SE", "PH", "CR", "CO", "CL", "AT",
            "PL", "TR", "DK", "SA", "ZA"]


def synthetic_flows(rows: int, seed: int = 7) -> pd.DataFrame:
    """``rows`` flow rows over 12 months of 2025 and 35 partners, unique HTS10 x partner x month.

    Key columns are categoricals (as a columnar store hands them over); object columns also work
    and cost about 1.5 s more for the hashing of 5 million strings.
    """
    rng = np.random.default_rng(seed)
    lines = load_schedule().rows_at(dt.date(2025, 6, 1))
    codes = lines.loc[lines["hts"].str.len() == 10, "hts"].to_numpy()
    per_code = 12 * len(PARTNERS)
    n_codes = min(len(codes), -(-rows // per_code))
    pick = rng.choice(codes, size=n_codes, replace=False)
    hts = np.repeat(pick, per_code)[:rows]
    partner = np.tile(np.repeat(np.array(PARTNERS, dtype=object), 12), n_codes)[:rows]
    month = np.tile(np.array([f"2025-{m:02d}" for m in range(1, 13)], dtype=object), n_codes * len(PARTNERS))[:rows]
    value = np.round(rng.lognormal(11.0, 2.0, size=rows), 0)
    share = np.where(np.isin(partner, ["CA", "MX"]), rng.beta(4, 2, size=rows), 0.0)
    return pd.DataFrame({"hts10": pd.Categorical(hts), "partner": pd.Categorical(partner),
                         "month": pd.Categorical(month), "value": value,
                         "usmca_value": np.round(value * share, 0)})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    args = ap.parse_args()
    tree = default_tree()
    flows = synthetic_flows(args.rows)
    effective_rates(flows.head(1000), tree=tree)  # warm caches (schedule parse, law tree)
    t0 = time.perf_counter()
    out = effective_rates(flows, by=("partner", "month"), tree=tree)
    t_etr = time.perf_counter() - t0
    print(f"ETR: {len(flows):,} rows ({flows['hts10'].nunique():,} HTS10 x {flows['partner'].nunique()} partners x 12 months)"
          f" -> {len(out)} groups in {t_etr:.2f} s (target <= 5 s)")
    year = out.groupby("partner")[["value", "duty"]].sum()
    print("  synthetic ETR 2025, CA/MX/CN (%):", (100 * year["duty"] / year["value"]).loc[["CA", "MX", "CN"]].round(2).to_dict())
    duty("8703.23.01.90", "MX", "2025-05-01", 30000.0, usmca_claim=True, us_content=0.4, tree=tree)
    n = 2000
    t0 = time.perf_counter()
    for _ in range(n):
        duty("8703.23.01.90", "MX", "2025-05-01", 30000.0, usmca_claim=True, us_content=0.4, tree=tree)
    t_duty = (time.perf_counter() - t0) / n * 1000
    print(f"duty lookup (warm): {t_duty:.3f} ms per call over {n} calls (target <= 1 ms)")
    ok = t_etr <= 5.0 and t_duty <= 1.0
    print("PASS" if ok else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()
