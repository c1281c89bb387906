"""Run every benchmark script (benchmarks/bench_*.py) in its own process and print its output,
then a summary: every line in which a script states a target and its verdict, per script.

Each script prints its own timings side by side with its peer or baseline, the ratio, and whether
its target is met; the summary gathers those verdict lines (any line that names a ``target``) so
that a regression shows in one place. Usage: ``make bench`` or
``.venv/bin/python benchmarks/run_all.py [NAME ...]`` (NAME: part of a script's name).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICT = re.compile(r"target", re.I)


def run(script: Path) -> tuple[int, list[str], float]:
    """Run one script, echoing its output; its exit status, its verdict lines and its wall time."""
    t0 = time.perf_counter()
    verdicts: list[str] = []
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if VERDICT.search(line):
                verdicts.append(line.strip())
    return proc.returncode, verdicts, time.perf_counter() - t0


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    results = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        rc, verdicts, secs = run(script)
        print(f"--- {script.stem}: exit {rc}, {secs:.1f} s", flush=True)
        results.append((script.stem, rc, verdicts))
    print("\n=== summary: every stated target and its verdict ===")
    for name, rc, verdicts in results:
        print(f"{name} (exit {rc}):")
        for v in verdicts or ["(no target stated)"]:
            print(f"    {v}")
    return 1 if any(rc for _, rc, _ in results) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
