"""docs/python.md runs: its ```python blocks, in order, in one namespace (a notebook)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "python.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_walk_through_has_the_four_steps():
    code = "\n".join(_blocks())
    for call in ("qualify(", "duty(", "run_scenario(", "run_review(", "to_frame()", "to_frames()"):
        assert call in code, call


def test_the_walk_through_runs(request):
    from usmca.errors import UserInputError
    from usmca.tariffs.schedule import load_schedule

    try:
        load_schedule()
    except UserInputError:          # no schedule in the store nor in the package: needs ../shared/data
        request.getfixturevalue("shared_data")
    namespace: dict[str, object] = {}
    for k, block in enumerate(_blocks()):
        exec(compile(block, f"{DOC.name} block {k + 1}", "exec"), namespace)  # noqa: S102 - the doc's own code


def test_import_usmca_is_cheap_and_pulls_no_web_framework():
    code = ("import sys, time; t = time.perf_counter(); import usmca; dt = time.perf_counter() - t; "
            "heavy = [m for m in ('fastapi', 'starlette', 'uvicorn', 'pandas', 'typer') if m in sys.modules]; "
            "print(dt, ','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    seconds, heavy = out.stdout.split()[0], out.stdout.split()[1:] or [""]
    assert float(seconds) < 0.3
    assert heavy == [""], heavy
