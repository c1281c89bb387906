"""Run ``usmca`` as a subprocess under a memory and CPU limit (``resource.setrlimit``)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: Address-space limit of the child (bytes) and CPU-seconds limit; wall-clock guard against hangs.
MEMORY = 1024**3
CPU_SECONDS = 5
WALL_SECONDS = 60


@dataclass
class Run:
    code: int
    out: str
    err: str
    cpu: float
    wall: float


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))


def usmca(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """One run of the console script; CPU time is the child's user + system seconds."""
    full = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    full.pop("USMCA_DEBUG", None)
    exe = [sys.executable, "-c", "import sys; from usmca.cli import main; main(sys.argv[1:])"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    res = subprocess.run(exe + args, capture_output=True, text=True, timeout=WALL_SECONDS, env=full,
                         preexec_fn=_limit, cwd=cwd, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(res.returncode, res.stdout, res.stderr, cpu, wall)
