"""Every case of the hostile-input probe exits 2 with one line naming the fault, within 5 CPU-seconds
and 1 GiB of address space (never exit 1, a traceback, a hang or exit 0)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cases import CASES, Case
from .run import CPU_SECONDS, usmca


@pytest.mark.parametrize("case", [pytest.param(c, marks=[pytest.mark.needs_data] if c.needs_shared else [])
                                  for c in CASES], ids=[c.name for c in CASES])
def test_probe_case_exits_2_with_one_line(case: Case, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if case.needs_shared:
        request.getfixturevalue("shared_data")
    args, env = case.build(tmp_path)
    run = usmca(args, env, cwd=tmp_path)
    lines = run.err.strip().splitlines()
    assert run.code == 2, f"exit {run.code}: {run.err[-400:]}"
    assert len(lines) == 1 and lines[0].startswith("error: "), run.err[-400:]
    assert case.expect in lines[0]
    assert run.cpu < CPU_SECONDS
