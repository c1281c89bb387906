"""The README's tour is real output: every ``$ usmca ...`` block is run and compared.

JSON blocks must equal the command's JSON on the keys shown; for text blocks every table row
(``│ ...``) shown, or, for blocks without table rows, every line shown, must appear in the output
(lines ``...`` mark cuts). Commands that read ../shared/data skip without it (fail under CI=true).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```\n\$ (usmca [^\n]*)\n(.*?)```", re.S)
NEEDS_SHARED = ("../shared/data", "usmca tariffs")


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_a_tour() -> None:
    commands = [c.split()[1] for c, _ in _blocks()]
    assert {"review", "law", "origin", "tariffs", "ge"} <= set(commands)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("make demo") < text.index("make test") < text.index("## Tour")


@pytest.mark.parametrize("command, shown", _blocks(), ids=[c[:60] for c, _ in _blocks()])
def test_readme_block_is_real_output(command: str, shown: str, request: pytest.FixtureRequest) -> None:
    if any(k in command for k in NEEDS_SHARED):
        shared = request.getfixturevalue("shared_data")
        command = command.replace("../shared/data", str(shared))
    env = dict(os.environ, COLUMNS="100", USMCA_SHARED_DATA=os.environ.get("USMCA_SHARED_DATA", ""))
    if not env["USMCA_SHARED_DATA"]:
        env.pop("USMCA_SHARED_DATA")
    args = command.split()[1:]
    run = subprocess.run([sys.executable, "-c", "from usmca.cli import main; main()", *args], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    if "--json" in args:
        expected, actual = json.loads(shown), json.loads(run.stdout)
        assert {k: actual.get(k) for k in expected} == expected
        return
    lines = [ln.rstrip() for ln in shown.splitlines() if ln.strip() and ln.strip() != "..."]
    rows = [ln for ln in lines if ln.startswith("│")]
    out = {ln.rstrip() for ln in run.stdout.splitlines()}
    missing = [ln for ln in (rows or lines) if ln not in out]
    assert not missing, f"README lines not in the output of `{command}`: {missing[:3]}"
