"""Monte Carlo of the review: one scenario's draws solved one by one vs in one vectorised batch.

The review's 90% intervals come from ``draws`` solves of the embedded 2024 baseline (8 regions x 10
sectors) per scenario. This script times, side by side, the scalar solver in a Python loop over
the draws and the batched solver (:mod:`usmca.ge.caliendo_parro.batch`) on the same draws of the
status-quo scenario (deficits removed: baseline and counterfactual per draw), min and median of
``--runs`` runs, and prints the ratio.

Usage: ``python benchmarks/bench_review_mc.py [--draws 100] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from usmca.data.baseline import load_baseline  # noqa: E402
from usmca.ge.caliendo_parro import solve  # noqa: E402
from usmca.ge.caliendo_parro.adapter import to_cp_inputs  # noqa: E402
from usmca.ge.caliendo_parro.batch import equilibrium_batch, measures  # noqa: E402
from usmca.scenarios import load_library  # noqa: E402
from usmca.scenarios.compile import compile_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    b = load_baseline()
    s = load_library()["status_quo_2025"]
    c = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows)
    inp = to_cp_inputs(b)
    th = b.elasticities.draw(np.random.default_rng(0), a.draws)
    d0 = np.zeros(len(b.countries))

    def loop() -> np.ndarray:
        return np.array([solve(inp, c.tariffs, balanced=True, theta=t, tol=1e-8).countries["welfare_pct"].to_numpy()
                         for t in th])

    def batch() -> np.ndarray:
        args = (inp.pi, inp.tariffs)
        rest = (inp.expenditure, inp.va_share, inp.io_share, inp.final_share, th, inp.value_added, d0)
        return measures(equilibrium_batch(*args, inp.tariffs, *rest), equilibrium_batch(*args, c.tariffs, *rest),
                        inp.final_share)["welfare_pct"]

    diff = float(np.max(np.abs(loop() - batch())))
    times = {}
    for name, fn in (("loop of scalar solves", loop), ("vectorised batch", batch)):
        ts = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        times[name] = ts
        print(f"{name:24s} {a.draws} draws: min {min(ts):.3f} s, median {statistics.median(ts):.3f} s")
    ratio = min(times["loop of scalar solves"]) / min(times["vectorised batch"])
    print(f"ratio (loop / batch, min): {ratio:.1f}x; max welfare difference {diff:.2e} pp")


if __name__ == "__main__":
    main()
