"""Benchmarks of the Caliendo-Parro (2015) model: usmca against peers, with ratios.

1. CP2015 NAFTA (31 x 40), baseline + counterfactual, warm (target <= 0.2 s) and as a cold
   process including imports and data loading (target <= 3 s).
2. Monte Carlo over trade elasticities: a measured batch, extrapolated to 1,000 draws
   (target <= 300 s); ``--mc-draws 1000`` measures the full count.
3. One solve as N and J grow to OECD ICIO size (77 x 45), on synthetic balanced economies.
4. Peers. The R/C++ (paulofelipe/cp2015) and JAX (paulofelipe/cp2015-jax) replications cannot be
   fetched here: their timings are the ones measured in the project's research notes (2 vCPU),
   quoted as reference. The PyPI package ``puremacro`` (CaliendoParroModel) runs here when an
   interpreter that has it is named by ``USMCA_BENCH_PEER_PYTHON`` (or it is importable in this
   one); it is run on the same data, the same two solves, with a time cap.

Usage: ``python benchmarks/bench_cp.py [--mc-draws N] [--peer-timeout S] [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from importlib.util import find_spec
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(SRC))

from usmca.ge.caliendo_parro import solve  # noqa: E402
from usmca.ge.caliendo_parro.solve import solve_equilibrium  # noqa: E402
from usmca.ge.caliendo_parro.synthetic import synthetic_inputs  # noqa: E402
from usmca.ge.caliendo_parro.uncertainty import theta_montecarlo  # noqa: E402
from usmca.ge.loaders.cp2015 import load_cp2015  # noqa: E402

# Reference peer timings (research notes, shared/research/ge-models.md, section 1, measured on
# the same 2-vCPU machine type): seconds per solve, warm.
PEERS = {
    "JAX (jit, warm), per solve": (1.49, 1.99),
    "R/C++ 1 thread, per solve": (1.64, 1.76),
    "R/C++ 2 threads, per solve": (0.88, 1.05),
}
JAX_COLD_SCRIPT_S = 7.4


def _timeit(fn, repeat: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def bench_warm(repeat: int) -> float:
    data = load_cp2015()
    solve(data.inputs, data.tariffs_nafta, balanced=True)          # warm-up
    ts = _timeit(lambda: solve(data.inputs, data.tariffs_nafta, balanced=True), repeat)
    med = statistics.median(ts)
    print(f"\n[1] CP2015 31x40 baseline + NAFTA counterfactual, warm ({repeat} runs)")
    print(f"    usmca: median {med:.3f} s, min {min(ts):.3f} s   (target <= 0.200 s: "
          f"{'OK' if med <= 0.2 else 'MISSED'})")
    print("    peer (reference, research notes)        both solves   ratio peer/usmca")
    for name, (lo, hi) in PEERS.items():
        print(f"    {name:38s} {2 * lo:5.2f}-{2 * hi:4.2f} s   {2 * lo / med:5.1f}x-{2 * hi / med:4.1f}x")
    return med


COLD = textwrap.dedent("""
    import time; t0 = time.perf_counter()
    from usmca.ge.loaders.cp2015 import load_cp2015
    from usmca.ge.caliendo_parro import solve
    d = load_cp2015()
    r = solve(d.inputs, d.tariffs_nafta, balanced=True)
    print(time.perf_counter() - t0)
""")


def bench_cold(repeat: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    walls, inner = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", COLD], env=env, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - t)
        inner.append(float(out.stdout.strip()))
    cli = [Path(sys.executable).with_name("usmca"), "ge", "replicate", "cp2015", "--json"]
    tcli = []
    if cli[0].exists():
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([str(c) for c in cli], env=env, capture_output=True, check=True)
            tcli.append(time.perf_counter() - t)
    med = statistics.median(walls)
    print(f"\n[2] Cold process: interpreter start + imports + data load + both solves ({repeat} runs)")
    print(f"    usmca: median wall {med:.2f} s (in-process part {statistics.median(inner):.2f} s)  "
          f"(target <= 3 s: {'OK' if med <= 3 else 'MISSED'})")
    if tcli:
        print(f"    `usmca ge replicate cp2015 --json`: median wall {statistics.median(tcli):.2f} s")
    print(f"    JAX whole script (reference, incl. 6.7 s JIT): {JAX_COLD_SCRIPT_S:.1f} s   "
          f"ratio {JAX_COLD_SCRIPT_S / med:.1f}x")
    return med


def bench_mc(draws: int, workers: int) -> None:
    data = load_cp2015()
    se = 0.1 * data.inputs.theta           # illustrative: 10 % coefficient of variation
    t = time.perf_counter()
    out = theta_montecarlo(data.inputs, data.tariffs_nafta, theta_se=se, n=draws, seed=1,
                           balanced=True, workers=workers)
    dt = time.perf_counter() - t
    per = dt / draws
    est = per * 1000
    mex = out.frame[(out.frame.country == "Mexico") & (out.frame.metric == "welfare_pct")].iloc[0]
    print(f"\n[3] Monte Carlo over theta (CP2015 NAFTA, {workers} processes, s.d. = 10 % of theta)")
    print(f"    measured {draws} draws in {dt:.1f} s ({per * 1000:.0f} ms/draw); "
          f"{'measured' if draws >= 1000 else 'extrapolated'} 1,000 draws: {est:.0f} s "
          f"(target <= 300 s: {'OK' if est <= 300 else 'MISSED'}); failed draws: {len(out.montecarlo.failed)}")
    print(f"    Mexico welfare %: p5 {mex.p5:.3f}  p50 {mex.p50:.3f}  p95 {mex.p95:.3f}")


def bench_scaling(sizes: list[tuple[int, int]]) -> None:
    print("\n[4] One counterfactual solve (all tariffs halved) on synthetic balanced economies")
    print("      N    J   N*J   seconds  outer  inner   ms per (N*N*J/1000)")
    for n, j in sizes:
        econ = synthetic_inputs(n, j, seed=1)
        tau = econ.tariffs * 0.5
        d0 = np.zeros(n)
        solve_equilibrium(econ, tau, d0)
        ts = _timeit(lambda econ=econ, tau=tau, d0=d0: solve_equilibrium(econ, tau, d0), 3)
        _, diag = solve_equilibrium(econ, tau, d0)
        med = statistics.median(ts)
        print(f"    {n:3d}  {j:3d}  {n * j:5d}  {med:7.3f}  {diag['outer_iterations']:5d}  "
              f"{diag['inner_iterations']:5d}   {1000 * med / (n * n * j / 1000):.3f}")


PEER = textwrap.dedent("""
    import json, sys, time, warnings
    import numpy as np
    from puremacro.trade import CaliendoParroModel
    z = np.load(sys.argv[1])
    pi, t0, t1 = z["pi"], z["tau0"], z["tau1"]                      # [n, i, j], fractions
    nontraded = [j for j in range(pi.shape[2]) if np.allclose(pi[:, :, j], np.eye(pi.shape[0]))]
    m = CaliendoParroModel(pi.transpose(2, 0, 1), z["va"], z["io"].transpose(0, 2, 1), z["alpha"], z["theta"],
                           z["wl"], deficits=np.zeros(pi.shape[0]), tariffs=1 + t0.transpose(2, 0, 1),
                           nontradables=nontraded)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, tau in (("baseline", t0), ("counterfactual", t1)):
            t = time.perf_counter()
            r = m.solve_counterfactual(tariffs_new=1 + tau.transpose(2, 0, 1), deficit_rule="zero")
            out = {"seconds": time.perf_counter() - t, "iterations": int(r.iterations),
                   "converged": bool(r.converged), "residual": float(r.max_residual),
                   "real_wage_hat": [float(x) for x in r.real_wage_hat]}
            print(json.dumps({name: out}), flush=True)
""")


def _peer_case(py: str, label: str, inputs, tau1: np.ndarray, timeout: float, names: tuple[str, ...]) -> None:  # noqa: ANN001
    import tempfile

    ours_t = _timeit(lambda: solve(inputs, tau1, balanced=True), 3)
    ours = solve(inputs, tau1, balanced=True).countries.set_index("country")
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "case.npz"
        np.savez(f, pi=inputs.pi, tau0=inputs.tariffs, tau1=tau1, va=inputs.va_share, io=inputs.io_share,
                 alpha=inputs.final_share, theta=inputs.theta, wl=inputs.value_added)
        t = time.perf_counter()
        try:
            proc = subprocess.run([py, "-c", PEER, str(f)], capture_output=True, text=True, timeout=timeout)
            lines = proc.stdout.strip().splitlines()
        except subprocess.TimeoutExpired as exc:
            raw = exc.stdout or ""
            lines = (raw.decode() if isinstance(raw, bytes) else raw).strip().splitlines()
        wall = time.perf_counter() - t
    res: dict = {}
    for ln in lines:
        res.update(json.loads(ln))
    med = statistics.median(ours_t)
    print(f"    {label}: usmca both solves {med:.3f} s")
    for name in ("baseline", "counterfactual"):
        if name in res:
            r = res[name]
            print(f"      puremacro {name:14s} {r['seconds']:8.2f} s  iterations {r['iterations']}  "
                  f"converged {r['converged']}  residual {r['residual']:.1e}")
        else:
            print(f"      puremacro {name:14s} did not finish within the {timeout:.0f} s cap (wall {wall:.0f} s)")
    if "baseline" in res and "counterfactual" in res:
        both = res["baseline"]["seconds"] + res["counterfactual"]["seconds"]
        print(f"      ratio puremacro/usmca: {both / med:.0f}x")
        for c in names:
            k = inputs.countries.index(c)
            peer = 100 * (res["counterfactual"]["real_wage_hat"][k] / res["baseline"]["real_wage_hat"][k] - 1)
            print(f"      real wage {c:8s} usmca {ours.loc[c, 'real_wage_pct']:+.5f} %   puremacro {peer:+.5f} %")
    else:
        print(f"      ratio puremacro/usmca: > {timeout / med:.0f}x (lower bound)")


def bench_peer(timeout: float) -> None:
    py = os.environ.get("USMCA_BENCH_PEER_PYTHON") or (sys.executable if find_spec("puremacro") else None)
    print("\n[5] Runnable peer: puremacro 5.7.1 CaliendoParroModel (PyPI), same inputs, same two solves")
    if not py:
        print("    skipped: set USMCA_BENCH_PEER_PYTHON to an interpreter with `puremacro` installed")
        return
    econ = synthetic_inputs(10, 10, seed=1)
    _peer_case(py, "synthetic 10 x 10, tariffs halved", econ, econ.tariffs * 0.5, timeout, ("C000", "C001", "C002"))
    data = load_cp2015()
    _peer_case(py, "CP2015 31 x 40, NAFTA", data.inputs, data.tariffs_nafta, timeout, ("Mexico", "Canada", "USA"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mc-draws", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--peer-timeout", type=float, default=240.0)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, smaller scaling table")
    a = ap.parse_args()
    rep = 3 if a.quick else 7
    bench_warm(rep)
    bench_cold(2 if a.quick else 3)
    bench_mc(a.mc_draws, a.workers)
    sizes = [(10, 10), (31, 40), (77, 45)] if a.quick else [(10, 10), (20, 20), (31, 40), (50, 45), (64, 45), (77, 45)]
    bench_scaling(sizes)
    bench_peer(a.peer_timeout)


if __name__ == "__main__":
    main()
