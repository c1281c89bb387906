"""Start-up: a command that does little imports little (issue 10 item 5).

The times are measured by ``benchmarks/bench_startup.py``, not asserted here; what is asserted is
what makes them: the heavy libraries a command must not import. Each command runs in its own
process, as a user runs it, in the fresh-clone configuration (no store, an empty data folder) with
the law tree's cache in a temporary folder, filled by a first run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUN = ("import atexit, json, sys\n"
       "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
       "sys.argv[0] = 'usmca'\n"
       "from usmca.cli import main\n"
       "main()\n")

LAW_SHOW = ("law", "show", "usmca/ch05/low_value_exemption", "--date", "2026-03-01")
DUTY = ("tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2025-06-01", "--value", "30000",
        "--usmca", "--us-content", "0.5")
HEAVY = ("pandas", "duckdb", "pyarrow", "scipy", "fastapi", "ray")


def _modules(args: tuple[str, ...], tmp_path: Path) -> set[str]:
    env = dict(os.environ, USMCA_SHARED_DATA=str(tmp_path), USMCA_STORE=str(tmp_path / "no-store.duckdb"),
               USMCA_CACHE_DIR=str(tmp_path / "cache"), COLUMNS="100")
    proc = subprocess.run([sys.executable, "-c", RUN, *args], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES "))
    return {m.split(".")[0] for m in json.loads(line[len("MODULES "):])}


@pytest.mark.parametrize(("args", "absent"), [
    (("--help",), (*HEAVY, "numpy", "yaml", "pydantic")),
    (LAW_SHOW, (*HEAVY, "numpy", "yaml")),
    (DUTY, (*HEAVY, "yaml")),
], ids=["help", "law-show", "tariffs-duty"])
def test_a_small_command_imports_no_heavy_library(args: tuple[str, ...], absent: tuple[str, ...],
                                                  tmp_path: Path) -> None:
    first = _modules(args, tmp_path)          # fills the law tree's cache
    assert "usmca" in first
    loaded = _modules(args, tmp_path)
    assert not loaded & set(absent), sorted(loaded & set(absent))


def test_without_its_cache_the_law_is_read_from_yaml(tmp_path: Path) -> None:
    assert "yaml" in _modules(LAW_SHOW, tmp_path)   # the first run: no cache yet
