"""PPML front (``usmca.ge.ppml``) against a plain ``pyfixest.fepois`` call (issue 15, item 2).

Stage 1 of Yotov et al. (2016) ch. 2 app. 2 (three-way fixed effects: exporter-year,
importer-year, pair) on

1. the book's panel (``shared/data/yotov_nafta``, via ``usmca.ge.loaders.yotov``; skipped when
   absent), and
2. a synthetic gravity panel of 1,000,000 observations (200 countries, 25 years) drawn around
   known parameters.

Side by side in one run, interleaved, at the same tolerance (``iwls_tol`` = ``fixef_tol`` =
1e-10), the same covariance and small-sample options: the plain call on the ready estimation
frame (its fixed-effect columns prepared outside the timing), the front without the pair effects
(``effects=False``), the front with them, and on the book's panel also the pre-change front
(string-built effects and ``Fepois.fixef``, kept only in this file) and plain pyfixest followed by
its own ``fixef``. Min and median of wall and CPU seconds; the front's ratio to the plain call
against the 1.1x target; the largest differences of the estimates.

Usage: ``python benchmarks/bench_ppml.py [--runs N] [--no-synthetic] [--obs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from usmca.ge.ppml import _pyfixest_options, estimate_pair_effects, fit_ppml, gravity_codes  # noqa: E402

TOL = 1e-10
TARGET = 1.1
FORMULA = "trade ~ RTA | exp_time + imp_time + pair"


def _old_front(panel: pd.DataFrame, years: list[int], base_year: int) -> Any:
    """The pre-change ``estimate_pair_effects`` (string effects, pyfixest's own ``fixef``)."""
    df = panel[panel["year"].isin(years)].copy()
    df["exp_time"] = df["exporter"].astype(str) + "_" + df["year"].astype(str)
    df["imp_time"] = df["importer"].astype(str) + "_" + df["year"].astype(str)
    domestic = (df["exporter"] == df["importer"]).to_numpy()
    df["pair"] = np.where(domestic, "domestic", "p" + df["pair_id"].astype(str))
    traded = df.groupby("pair")["trade"].transform("sum").to_numpy() > 0
    est = fit_ppml(df[traded], FORMULA)
    fe = est.fit.fixef(atol=1e-12, btol=1e-12)["C(pair)"]
    base = float(fe.get("domestic", 0.0))
    gamma = df["pair"].map(lambda k: fe.get(k, np.nan)).astype(float) - base
    gamma[domestic] = 0.0
    df["ln_tij_bar"] = gamma.to_numpy()
    return est, df[df["year"] == base_year].reset_index(drop=True)


def _frame(panel: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The estimation frame of the plain call (prepared outside its timing)."""
    df = panel[panel["year"].isin(years)]
    est = pd.concat([df[["trade", "RTA"]], gravity_codes(df)], axis=1)
    return est[est.groupby("pair")["trade"].transform("sum").to_numpy() > 0].reset_index(drop=True)


def _plain(frame: pd.DataFrame) -> Any:
    import pyfixest as pf

    return pf.fepois(FORMULA, data=frame, vcov="hetero", iwls_tol=TOL, **_pyfixest_options(pf, "none", TOL))


def synthetic_panel(n_countries: int, n_years: int, seed: int = 0) -> pd.DataFrame:
    """A gravity panel around known effects: ``trade = exp(pi_it + chi_jt + gamma_ij + 0.5 RTA) * u``,
    ``u`` Gamma(2, 1/2) noise and 5 % zeros, symmetric pair effects, intra-national ``gamma = 0``."""
    rng = np.random.default_rng(seed)
    n, t = n_countries, n_years
    g = rng.normal(-5.0, 1.0, (n, n))
    g = (g + g.T) / 2
    np.fill_diagonal(g, 0.0)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    pid = np.where(i <= j, i * n + j, j * n + i)
    yr = np.repeat(np.arange(t), n * n)
    ii, jj = np.tile(i.ravel(), t), np.tile(j.ravel(), t)
    start = rng.integers(0, 2 * t, (n, n))
    start = np.minimum(start, start.T)
    rta = ((yr >= start[ii, jj]) & (ii != jj)).astype(float)
    pi, chi = rng.normal(0, 1, (n, t)), rng.normal(0, 1, (n, t))
    mu = np.exp(5.0 + pi[ii, yr] + chi[jj, yr] + g[ii, jj] + 0.5 * rta)
    trade = mu * rng.gamma(2.0, 0.5, mu.size) * (rng.random(mu.size) > 0.05)
    names = np.array([f"C{k:03d}" for k in range(n)])
    return pd.DataFrame({"exporter": names[ii], "importer": names[jj], "pair_id": pid[ii, jj],
                         "year": 2000 + yr, "trade": trade, "RTA": rta})


def _runs(cases: dict[str, Callable[[], Any]], runs: int) -> dict[str, tuple[list[float], list[float], Any]]:
    out: dict[str, tuple[list[float], list[float], Any]] = {k: ([], [], None) for k in cases}
    for _ in range(runs):
        for k, fn in cases.items():
            t, c = time.perf_counter(), time.process_time()
            res = fn()
            w, cpu, _ = out[k]
            w.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            out[k] = (w, cpu, res)
    return out


def _report(title: str, res: dict[str, tuple[list[float], list[float], Any]], peer: str) -> None:
    print(f"\n{title}")
    print(f"    {'':34s} {'wall min':>9s} {'median':>8s} {'cpu min':>9s} {'median':>8s}   ratio to {peer} (wall min)")
    base = min(res[peer][0])
    for k, (w, c, _) in res.items():
        print(f"    {k:34s} {min(w):9.2f} {statistics.median(w):8.2f} {min(c):9.2f} {statistics.median(c):8.2f}   "
              f"{min(w) / base:5.2f}x")


def _verdict(res: dict[str, tuple[list[float], list[float], Any]], peer: str) -> None:
    for k in ("front, effects=False", "front, effects=True"):
        rw = min(res[k][0]) / min(res[peer][0])
        rc = min(res[k][1]) / min(res[peer][1])
        print(f"    {k}: {rw:.2f}x wall, {rc:.2f}x cpu of the plain call (target <= {TARGET}x: "
              f"{'MET' if min(rw, rc) <= TARGET else 'MISSED'})")


def _same(front: Any, plain: Any) -> None:
    a, b = front.estimate.coef, plain.coef()
    se_b = np.sqrt(np.diag(np.asarray(plain._vcov, dtype=float)))
    print(f"    same estimates: RTA {a['RTA']:.10f} vs plain {b['RTA']:.10f} (|diff| {abs(a['RTA'] - b['RTA']):.1e}), "
          f"se |diff| {abs(front.estimate.se['RTA'] - se_b[0]):.1e}")


def bench_yotov(runs: int) -> None:
    from usmca.ge.gravity.replicate_yotov import BOOK_BASE_YEAR, BOOK_YEARS
    from usmca.ge.loaders.yotov import read_panel

    try:
        panel = read_panel()
    except Exception as exc:  # noqa: BLE001 - the shared data may be absent
        print(f"\n[1] Yotov panel: skipped ({type(exc).__name__}: {str(exc).splitlines()[0]})")
        return
    years = list(BOOK_YEARS)
    frame = _frame(panel, years)
    cases: dict[str, Callable[[], Any]] = {
        "plain pyfixest.fepois": lambda: _plain(frame),
        "front, effects=False": lambda: estimate_pair_effects(panel, years=years, base_year=BOOK_BASE_YEAR,
                                                              effects=False),
        "front, effects=True": lambda: estimate_pair_effects(panel, years=years, base_year=BOOK_BASE_YEAR),
        "plain + pyfixest fixef": lambda: _plain(frame).fixef(atol=1e-12, btol=1e-12),
        "pre-change front (effects)": lambda: _old_front(panel, years, BOOK_BASE_YEAR),
    }
    res = _runs(cases, runs)
    _report(f"[1] Yotov et al. (2016) panel, {len(frame)} observations, {runs} interleaved runs (seconds)", res,
            "plain pyfixest.fepois")
    _verdict(res, "plain pyfixest.fepois")
    new = res["front, effects=True"][2]
    _same(new, _plain(frame))
    old_est, old_frame = res["pre-change front (effects)"][2]
    a, b = new.frame["ln_tij_bar"].to_numpy(), old_frame["ln_tij_bar"].to_numpy()
    print(f"    pair effects vs the pre-change front: same unidentified pairs {np.array_equal(np.isnan(a), np.isnan(b))}, "
          f"max |diff| {np.nanmax(np.abs(a - b)):.1e} (LSQR atol = btol = 1e-12 on both); RTA |diff| "
          f"{abs(new.estimate.coef['RTA'] - old_est.coef['RTA']):.1e}")


def bench_synthetic(runs: int, obs: int) -> None:
    years = 25
    n = int(round((obs / years) ** 0.5))
    t = time.perf_counter()
    panel = synthetic_panel(n, years)
    made = time.perf_counter() - t
    ys = sorted(panel["year"].unique())
    frame = _frame(panel, ys)
    cases: dict[str, Callable[[], Any]] = {
        "plain pyfixest.fepois": lambda: _plain(frame),
        "front, effects=False": lambda: estimate_pair_effects(panel, years=ys, base_year=ys[-1], effects=False),
        "front, effects=True": lambda: estimate_pair_effects(panel, years=ys, base_year=ys[-1]),
    }
    res = _runs(cases, runs)
    _report(f"[2] synthetic panel, {n} countries x {years} years = {len(panel)} observations "
            f"({len(frame)} estimated; drawn in {made:.1f} s), {runs} interleaved runs (seconds)", res,
            "plain pyfixest.fepois")
    _verdict(res, "plain pyfixest.fepois")
    _same(res["front, effects=True"][2], res["plain pyfixest.fepois"][2])
    print(f"    RTA truth 0.5; estimate {res['front, effects=True'][2].estimate.coef['RTA']:.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--obs", type=int, default=1_000_000)
    ap.add_argument("--no-synthetic", action="store_true")
    a = ap.parse_args()
    runs = max(5, a.runs)
    import pyfixest as pf

    print(f"PPML front vs plain pyfixest {getattr(pf, '__version__', '?')}.fepois, iwls_tol = fixef_tol = {TOL}")
    bench_yotov(runs)
    if not a.no_synthetic:
        bench_synthetic(runs, a.obs)


if __name__ == "__main__":
    main()
