"""Serial vs Ray, side by side: the review's Monte Carlo, a portfolio, a 77 x 45 Caliendo-Parro model.

Usage: ``python benchmarks/bench_ray.py [--cluster ADDRESS] [--runs N] [--parts review,portfolio,columnar,cp,cost]``

- ``review``: ``run_review`` of the 13 library scenarios with 1,000 draws, in one process
  (:class:`usmca.execute.SerialExecutor`) and on Ray with 1 and 2 workers (the executor's window
  limits the tasks in flight), min and median of ``--runs``; ratio Ray/serial and scaling
  efficiency per added worker ``T1 / (k * Tk)``.
- ``portfolio`` (not in the default parts): ``--yaml-lines`` BOM lines (BOMs of 27 lines built from the shipped electronics
  example, which the numpy path models), parsed and qualified by :func:`usmca.origin.sharded.portfolio_rows`
  in shards of 2,000 BOMs: one process vs Ray.
- ``columnar``: ``--lines`` BOM lines (default 2,000,000) in columnar form (150 lines per BOM, shards of 125,000 lines of
  whole goods, built before timing) evaluated by the numpy engine
  (:func:`usmca.origin.vector.evaluate_stream`): one process vs Ray with 1 and 2 workers, results
  checked identical (a hash of every good's status and RVC).
- ``cp``: a synthetic 77 x 45 Caliendo-Parro economy (:func:`usmca.ge.caliendo_parro.synthetic.synthetic_inputs`),
  ``--cp-draws`` draws of theta solved by :func:`usmca.ge.draw_shards.solve_draws` serial vs Ray
  with 1 and 2 workers, and on Ray with each shard reduced on its worker to what the review reports
  (the bilateral flows of 77 x 77 x 45, 2 MiB a draw, stay there).
- ``cost``: seconds per draw and peak memory per shard (tracemalloc) at several countries x
  sectors; the fit ``t = a (N^2 J)^b`` used in docs/scale.md.

With no ``--cluster`` (and no ``RAY_ADDRESS``) a local cluster of 2 CPUs is started (its start-up
time is printed apart). Each Ray run's time includes putting the shared inputs in the object store.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable

import numpy as np


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def line(name: str, times: list[float]) -> str:
    return f"{name:<34} min {min(times):8.2f} s  median {statistics.median(times):8.2f} s  ({len(times)} runs)"


def ray_executor(address: str | None, window: int | None = None) -> Any:
    from usmca.execute import get_executor

    return get_executor(address or os.environ.get("RAY_ADDRESS") or "local", num_cpus=2, window=window)


def bench_review(address: str | None, runs: int, draws: int) -> None:
    from usmca.data.baseline import load_baseline
    from usmca.execute import SerialExecutor, using
    from usmca.ge.caliendo_parro import adapter
    from usmca.scenarios.review import run_review
    from usmca.scenarios.runner import RunOptions

    b = load_baseline()
    opts = RunOptions(draws=draws, seed=0)

    def run(ex: Any) -> Callable[[], Any]:
        def go() -> Any:
            adapter._BASELINES.clear()          # every run solves its baselines too
            with using(ex):
                return run_review(None, b, options=opts)
        return go

    print(f"\n== review: 13 scenarios x {draws} draws ({len(b.countries)} x {len(b.sectors)} baseline)")
    run(SerialExecutor())()                     # warm-up: law tree, calibration caches
    ts = timed(run(SerialExecutor()), runs)
    print(line("serial (one process)", ts))
    t0 = time.perf_counter()
    ex2 = ray_executor(address)
    print(f"ray connect/start-up: {time.perf_counter() - t0:.1f} s (apart); workers {ex2.workers}")
    ex1 = ray_executor(address, window=1)
    run(ex2)()                                  # warm the workers
    t1 = timed(run(ex1), runs)
    t2 = timed(run(ex2), runs)
    print(line("ray, 1 worker", t1))
    print(line("ray, 2 workers", t2))
    print(f"ratio ray(2)/serial (min): {min(t2) / min(ts):.2f}  (median {statistics.median(t2) / statistics.median(ts):.2f})")
    print(f"scaling efficiency of the 2nd worker T1/(2 T2): {min(t1) / (2 * min(t2)):.2f}")


def _portfolio_shard(shared: Any, shard: tuple[int, int]) -> int:
    from usmca.law import default_tree
    from usmca.origin.bom import parse_bom
    from usmca.origin.sharded import portfolio_rows

    base, = shared
    start, n = shard
    boms = []
    for k in range(start, start + n):
        d = copy.deepcopy(base)
        d["good"]["id"] = f"g{k}"
        for m, v in zip(d["materials"], np.random.default_rng(k).uniform(0.5, 2.0, len(d["materials"])), strict=True):
            m["value"] = round(float(m["value"]) * float(v), 2)
        boms.append(parse_bom(d, "bench"))
    rows = portfolio_rows(boms, None, default_tree())
    return sum(1 for r in rows if r["originating"])


def bench_portfolio(address: str | None, runs: int, lines: int) -> None:
    import yaml

    from usmca.examples import example_boms
    from usmca.execute import SerialExecutor

    src = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in example_boms() if "electronics" in p.name][0]
    base = copy.deepcopy(src)
    base["materials"] = [dict(m, id=f"{m.get('id', 'm')}{k}", value=round(float(m["value"]) / 3, 2))
                         for k in range(3) for m in src["materials"]]
    per = len(base["materials"])
    n_boms = lines // per
    shards = [(a, min(2000, n_boms - a)) for a in range(0, n_boms, 2000)]
    print(f"\n== portfolio: {n_boms:,} BOMs x {per} lines = {n_boms * per:,} lines, {len(shards)} shards (parse + qualify)")
    ser = SerialExecutor()
    ts = timed(lambda: ser.map_shards(_portfolio_shard, shards, shared=(base,)), runs)
    ex = ray_executor(address)
    ex.map_shards(_portfolio_shard, [(0, 10)] * ex.workers, shared=(base,))    # warm the workers
    tr = timed(lambda: ex.map_shards(_portfolio_shard, shards, shared=(base,)), runs)
    print(line("numpy path, one process", ts))
    print(line(f"ray, {ex.workers} workers", tr))
    print(f"ratio ray/serial (min): {min(tr) / min(ts):.2f}; lines/s serial {n_boms * per / min(ts):,.0f}, "
          f"ray {n_boms * per / min(tr):,.0f}")


def _columnar_shard(shared: Any, shard: str) -> tuple[np.ndarray, np.ndarray]:
    """One shard file of a columnar portfolio, read and evaluated by the numpy engine on the worker:
    goods' status and RVC."""
    import pickle

    from usmca.origin.vector import evaluate_stream

    with open(shard, "rb") as f:
        portfolio = pickle.load(f)
    res = next(evaluate_stream([portfolio]))
    return res.status, res.rvc


def bench_columnar(address: str | None, runs: int, lines: int, shard_lines: int = 125_000) -> None:
    """A portfolio of ``lines`` BOM lines in columnar form (what a catalogue exported from an ERP
    becomes once read): one process vs Ray with 1 and 2 workers, the same shards of whole goods.

    The portfolio (150 lines per BOM, three tiers; ``bench_origin.synthetic_portfolio``) is built
    and written as one file per shard before timing; every task reads its shard file where it runs
    (as ``usmca origin qualify FOLDER --cluster`` reads BOM files on the workers), so the driver
    ships paths, not arrays. The results (every good's status and RVC) are checked identical.
    """
    import hashlib
    import pickle
    import tempfile

    from bench_origin import synthetic_portfolio

    from usmca.execute import SerialExecutor

    per_bom = 150
    n_boms = max(1, lines // per_bom)
    per_shard = max(1, shard_lines // per_bom)
    t0 = time.perf_counter()
    tmp = tempfile.TemporaryDirectory()
    shards, n_lines = [], 0
    for a in range(0, n_boms, per_shard):
        part = synthetic_portfolio(min(per_shard, n_boms - a), seed=a)
        n_lines += len(part.line_value)
        shards.append(os.path.join(tmp.name, f"shard{a:08d}.pkl"))
        with open(shards[-1], "wb") as f:
            pickle.dump(part, f, protocol=5)
    print(f"\n== columnar portfolio: {n_boms:,} BOMs, {n_lines:,} lines in {len(shards)} shard files of whole goods "
          f"(built and written in {time.perf_counter() - t0:.1f} s, not timed)")

    def digest(parts: list[tuple[np.ndarray, np.ndarray]]) -> str:
        h = hashlib.sha256()
        for st, rvc in parts:
            h.update(st.tobytes())
            h.update(np.nan_to_num(rvc, nan=-1.0).tobytes())
        return h.hexdigest()[:16]

    ser = SerialExecutor()
    ts = timed(lambda: ser.map_shards(_columnar_shard, shards), runs)
    ref = digest(ser.map_shards(_columnar_shard, shards))
    ex2 = ray_executor(address)
    ex1 = ray_executor(address, window=1)
    ex2.map_shards(_columnar_shard, shards[:2])                        # warm the workers
    t1 = timed(lambda: ex1.map_shards(_columnar_shard, shards), runs)
    t2 = timed(lambda: ex2.map_shards(_columnar_shard, shards), runs)
    same = digest(ex2.map_shards(_columnar_shard, shards)) == ref == digest(ex1.map_shards(_columnar_shard, shards))
    print(line("numpy path, one process", ts))
    print(line("ray, 1 worker", t1))
    print(line(f"ray, {ex2.workers} workers", t2))
    print(f"ratio ray(2)/serial: min {min(t2) / min(ts):.2f}, median {statistics.median(t2) / statistics.median(ts):.2f}; "
          f"lines/s serial {n_lines / min(ts):,.0f}, ray(2) {n_lines / min(t2):,.0f}; scaling efficiency of the 2nd "
          f"worker T1/(2 T2) {min(t1) / (2 * min(t2)):.2f}; same results (status + RVC of every good, sha256 {ref}): {same}")
    tmp.cleanup()


def _shock(inputs: Any) -> np.ndarray:
    tau1 = inputs.tariffs.copy()
    tau1[0] += 0.2
    tau1[0, 0] = 0.0
    return tau1


def _reduced_shard(shared: Any, shard: Any) -> tuple[np.ndarray, ...]:
    """A shard of draws solved on the worker and reduced there to what the review reports from a
    draw: wages, price indices, income, and exports and imports by country and sector (the (B, N, N, J)
    bilateral flows stay on the worker)."""
    from usmca.ge.draw_shards import _solve_shard

    eq = _solve_shard(shared, shard)
    f = eq.flows                                                        # [b, importer, exporter, sector]
    dom = np.einsum("bnnj->bnj", f)
    return eq.w_hat, eq.p_hat, eq.income, f.sum(axis=1) - dom, f.sum(axis=2) - dom


def bench_cp(address: str | None, runs: int, draws: int) -> None:
    from usmca.execute import SerialExecutor, split, using
    from usmca.ge.caliendo_parro.synthetic import synthetic_inputs
    from usmca.ge.draw_shards import balanced_rows, per_draw, solve_draws

    inp = synthetic_inputs(77, 45, seed=1)
    rng = np.random.default_rng(0)
    theta = inp.theta[None] * rng.lognormal(0.0, 0.2, (draws, len(inp.sectors)))
    tau1, d1 = _shock(inp), np.zeros(77)
    rows = balanced_rows(draws, 77, 45)
    print(f"\n== Caliendo-Parro 77 x 45 (synthetic), {draws} draws, shards of {rows} rows, "
          f"{'draw by draw' if per_draw(77, 45) else 'vectorised batches'} within a shard")

    def go(ex: Any) -> Callable[[], Any]:
        def run() -> Any:
            with using(ex):
                return solve_draws(inp, tau1, theta, d1, None)
        return run

    shards = [(np.ascontiguousarray(theta[a:b]), None) for a, b in split(draws, rows)]
    shared = (inp, tau1, d1, None)
    ts = timed(go(SerialExecutor()), runs)
    ex2 = ray_executor(address)
    ex1 = ray_executor(address, window=1)
    go(ex2)()                                                           # warm the workers
    t1 = timed(go(ex1), runs)
    t2 = timed(go(ex2), runs)
    tr = timed(lambda: ex2.map_shards(_reduced_shard, shards, shared=shared), runs)
    print(line("serial", ts))
    print(line("ray, 1 worker", t1))
    print(line(f"ray, {ex2.workers} workers", t2))
    print(line(f"ray, {ex2.workers} workers, reduced on workers", tr))
    print(f"ratio ray(2)/serial: min {min(t2) / min(ts):.2f}, median {statistics.median(t2) / statistics.median(ts):.2f}; "
          f"reduced on the workers: min {min(tr) / min(ts):.2f}, median {statistics.median(tr) / statistics.median(ts):.2f}; "
          f"scaling efficiency of the 2nd worker T1/(2 T2) {min(t1) / (2 * min(t2)):.2f}; s per draw serial "
          f"{min(ts) / draws:.4f}, ray(2) {min(t2) / draws:.4f}; result shipped per draw "
          f"{8 * 77 * 77 * 45 / 2 ** 20:.1f} MiB of bilateral flows (reduced: {8 * (77 + 2 * 77 * 45 + 77) / 2 ** 10:.0f} KiB "
          f"+ p_hat)")


def bench_cost(sizes: list[tuple[int, int]], batch: int) -> None:
    from usmca.ge.caliendo_parro.synthetic import synthetic_inputs
    from usmca.ge.draw_shards import solve_draws

    print(f"\n== cost per draw (one process, batches of {batch} draws, least of 3; peak = tracemalloc peak of one "
          "batch, timed apart)")
    xs, ys = [], []
    for n, j in sizes:
        inp = synthetic_inputs(n, j, seed=1)
        theta = inp.theta[None] * np.random.default_rng(0).lognormal(0.0, 0.2, (batch, j))
        tau1 = _shock(inp)
        solve_draws(inp, tau1, theta[:1], np.zeros(n), None)
        dt = min(timed(lambda: solve_draws(inp, tau1, theta, np.zeros(n), None), 3))  # noqa: B023
        tracemalloc.start()
        res = solve_draws(inp, tau1, theta, np.zeros(n), None)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        xs.append(n * n * j)
        ys.append(dt / batch)
        print(f"N={n:3d} J={j:3d} N^2J={n * n * j:9,d}  {1000 * dt / batch:9.1f} ms/draw  peak {peak / 2**20:8.1f} MiB "
              f"({peak / batch / 2**20:6.2f} MiB/draw)  converged {int(res.converged.sum())}/{batch}")
    b, la = np.polyfit(np.log(xs), np.log(ys), 1)
    print(f"fit: seconds per draw = {np.exp(la):.3e} * (N^2 J)^{b:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cluster", default=None)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--parts", default="review,columnar,cp,cost",
                    help="any of review, portfolio (YAML BOMs parsed and qualified: --yaml-lines), columnar, cp, cost")
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=2_000_000, help="lines of the columnar portfolio")
    ap.add_argument("--yaml-lines", type=int, default=100_000, help="lines of the YAML portfolio (~4,600 lines/s)")
    ap.add_argument("--cp-draws", type=int, default=1000)
    ap.add_argument("--cost-batch", type=int, default=8)
    a = ap.parse_args()
    parts = a.parts.split(",")
    print(f"bench_ray: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}")
    if "review" in parts:
        bench_review(a.cluster, a.runs, a.draws)
    if "portfolio" in parts:
        bench_portfolio(a.cluster, a.runs, a.yaml_lines)
    if "columnar" in parts:
        bench_columnar(a.cluster, a.runs, a.lines)
    if "cp" in parts:
        bench_cp(a.cluster, a.runs, a.cp_draws)
    if "cost" in parts:
        bench_cost([(8, 10), (20, 10), (20, 20), (40, 20), (40, 45), (77, 45)], a.cost_batch)


if __name__ == "__main__":
    main()
