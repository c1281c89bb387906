"""Start-up time of the command line: whole process, cold, as a user types it.

Each command runs ``N`` times (default 5) as its own process (``python -m usmca.cli``-equivalent
console script), with no store (``USMCA_STORE`` pointing to a missing file) and no data folder
(``USMCA_SHARED_DATA`` pointing to an empty folder, so the package data are used, as on a fresh
clone). Targets (issue 10): ``usmca --help`` <= 0.3 s, ``usmca law show PATH`` <= 0.5 s,
``usmca tariffs duty ...`` <= 0.8 s; ``import usmca`` <= 0.3 s. Printed: min and median wall
time, the minimum CPU time (user + system; what the wall time would be on an idle machine, less
the wait for I/O), the target and the ratio min wall/target (<= 1 meets it).

The parsed law tree is cached on disk (:mod:`usmca.law.cache`, keyed by the content of its
files). The cache lives in a fresh folder (``USMCA_CACHE_DIR``) that the first, untimed run of
each command fills, as the first command after an install does; the rows marked ``no law cache``
run with the cache off (``USMCA_CACHE_DIR=off``: every run parses the ~200 YAML files), for
comparison; their targets are the same, the worst ratio counts the cached rows only.

Side by side: ``--before DIR`` also times the same commands on another source tree (``DIR`` is
the ``src`` folder of another checkout, e.g. ``git archive <commit> src | tar -x -C /tmp/before``),
with the same interpreter and packages, and prints the before/after ratio of the minimum wall
times. Both are then started as ``python -c 'from usmca.cli import main; main()' ARGS`` (the
console script does the same), with ``PYTHONPATH`` naming the tree.

Usage: ``.venv/bin/python benchmarks/bench_startup.py [--runs N] [--before DIR]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
LAW_SHOW = [str(BIN / "usmca"), "law", "show", "usmca/ch05/low_value_exemption", "--date", "2026-03-01"]
DUTY = [str(BIN / "usmca"), "tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2025-06-01",
        "--value", "30000", "--usmca", "--us-content", "0.5"]   # the README's example
#: (name, argv, target s, law cache on)
CASES = [
    ("import usmca", [sys.executable, "-c", "import usmca"], 0.3, True),
    ("usmca --help", [str(BIN / "usmca"), "--help"], 0.3, True),
    ("usmca law show PATH", LAW_SHOW, 0.5, True),
    ("usmca tariffs duty", DUTY, 0.8, True),
    ("  no law cache: law show", LAW_SHOW, 0.5, False),
    ("  no law cache: duty", DUTY, 0.8, False),
]


def time_command(argv: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system, s) of ``runs`` processes of ``argv``.

    The CPU time is shown beside the wall time because the wall time of a shared 2-core machine
    grows with its load; a failing run aborts the benchmark.
    """
    wall, cpu = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(argv, env=env, capture_output=True, text=True)
        wall.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return wall, cpu


def _launcher(argv: list[str], src: str | None) -> list[str]:
    """``argv`` as run against the source tree ``src`` (the console script becomes ``python -c``)."""
    if src is None:
        return argv
    if argv[0] == str(BIN / "usmca"):
        return [sys.executable, "-c", "import sys; sys.argv[0] = 'usmca'; from usmca.cli import main; main()", *argv[1:]]
    return argv


def _line(name: str, t: list[float], c: list[float], target: float) -> str:
    return (f"{name:<26} {min(t):7.3f} {statistics.median(t):9.3f} {min(c):10.3f} {target:9.2f} "
            f"{min(t) / target:11.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", help="the src folder of another checkout, timed side by side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, USMCA_SHARED_DATA=empty, USMCA_STORE=str(Path(empty) / "no-store.duckdb"),
                   USMCA_CACHE_DIR=cache, COLUMNS="100")
        head = f"{'command':<26} {'min s':>7} {'median s':>9} {'cpu min s':>10} {'target s':>9} {'min/target':>11}"
        print(head + (f" {'before min s':>13} {'before med s':>13} {'before cpu s':>13} {'before/after':>13}"
                      if args.before else ""))
        worst = 0.0
        for name, argv, target, cached in CASES:
            run_env = env if cached else dict(env, USMCA_CACHE_DIR="off")
            if args.before:   # the same launcher for both trees; this checkout's src first on the path
                run_env = dict(run_env, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
            cmd = _launcher(argv, args.before)
            time_command(cmd, run_env, 1)   # untimed: fills the law cache (and the OS file cache)
            t, c = time_command(cmd, run_env, args.runs)
            worst = max(worst, min(t) / target) if cached else worst
            line = _line(name, t, c, target)
            if args.before:
                old_env = dict(run_env, PYTHONPATH=args.before)
                time_command(cmd, old_env, 1)
                b, bc = time_command(cmd, old_env, args.runs)
                line += f" {min(b):13.3f} {statistics.median(b):13.3f} {min(bc):13.3f} {min(b) / min(t):13.2f}"
            print(line)
    print(f"worst min/target ratio: {worst:.2f} ({'meets' if worst <= 1 else 'misses'} every target); "
          f"{args.runs} runs each, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
