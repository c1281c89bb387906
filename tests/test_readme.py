"""The README's tour is real output: every ``$ usmca ...`` block is run and compared.

Blocks run in the fresh-clone configuration: ``USMCA_SHARED_DATA`` names an empty folder and
``USMCA_STORE`` a missing file, so the answers come from the package data alone. Blocks whose
command needs the third-party data (``--data ../shared/data/...`` or ``usmca ge replicate``) run
with that folder and are marked ``needs_data`` (skipped with a reason without it, failures under
CI=true).

Comparison: JSON blocks must equal the command's JSON on the keys shown. Text blocks are cut into
segments at lines ``...``; each segment's lines (right-stripped, blank lines dropped) must appear
in the output as consecutive lines, and the segments in order. Wall times (``0.018 s``, ``1.2 ms``)
and solver residuals below 1e-10 are the only text compared loosely (any matches any other).
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
DURATION = re.compile(r"\b\d+(\.\d+)? (s|ms)\b")
# below 1e-10: floating-point noise (also where the line wraps just after the word "residual")
TINY_RESIDUAL = re.compile(r"(residual |^)\d\.\de-(1\d|[2-9]\d)\b")


def loose(line: str) -> str:
    """A line with its wall times and machine-precision residuals masked."""
    return TINY_RESIDUAL.sub(r"\1<tiny>", DURATION.sub("<time>", line.rstrip()))


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def needs_data(command: str) -> bool:
    """A tour command that reads the third-party data folder."""
    return "../shared/data" in command or command.startswith("usmca ge ")


def _params() -> list:
    return [pytest.param(c, s, marks=[pytest.mark.needs_data] if needs_data(c) else [], id=c[:60])
            for c, s in _blocks()]


def segments(shown: str) -> list[list[str]]:
    """The shown lines, cut at ``...`` lines, blank lines dropped."""
    out: list[list[str]] = [[]]
    for ln in shown.splitlines():
        if ln.strip() == "...":
            out.append([])
        elif ln.strip():
            out[-1].append(loose(ln))
    return [s for s in out if s]


def missing_segment(shown: str, output: str) -> list[str] | None:
    """The first segment of ``shown`` not found (consecutively, after the previous one) in ``output``."""
    lines = [loose(ln) for ln in output.splitlines() if ln.strip()]
    pos = 0
    for seg in segments(shown):
        n = len(seg)
        at = next((i for i in range(pos, len(lines) - n + 1) if lines[i:i + n] == seg), None)
        if at is None:
            return seg
        pos = at + n
    return None


def test_readme_has_a_tour() -> None:
    commands = [c.split()[1] for c, _ in _blocks()]
    assert {"review", "law", "origin", "tariffs", "ge"} <= set(commands)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("make demo") < text.index("make test") < text.index("## Tour")


def test_segment_check_can_fail() -> None:
    out = "a\nb\nc\nd\n"
    assert missing_segment("a\nb\n...\nd\n", out) is None
    assert missing_segment("a\nc\n", out) == ["a", "c"]          # not consecutive
    assert missing_segment("c\n...\na\n", out) == ["a"]          # out of order
    assert missing_segment("solved in 0.018 s\n", "solved in 1.250 s\n") is None
    assert missing_segment("solved in 0.018 s\n", "solved in 1.250 s, 3 rounds\n") == ["solved in <time>"]
    assert missing_segment("residual 7.7e-14\n", "residual 7.6e-14\n") is None
    assert missing_segment("residual 7.7e-04\n", "residual 7.6e-04\n") == ["residual 7.7e-04"]


@pytest.mark.parametrize("command, shown", _params())
def test_readme_block_is_real_output(command: str, shown: str, request: pytest.FixtureRequest,
                                     tmp_path: Path) -> None:
    env = dict(os.environ, COLUMNS="100", USMCA_STORE=str(tmp_path / "no-store.duckdb"))
    if needs_data(command):
        shared = request.getfixturevalue("shared_data")
        command = command.replace("../shared/data", str(shared))
        env["USMCA_SHARED_DATA"] = str(shared)
    else:   # the fresh-clone configuration: nothing but the package
        empty = tmp_path / "empty"
        empty.mkdir()
        env["USMCA_SHARED_DATA"] = str(empty)
    args = command.split()[1:]
    run = subprocess.run([sys.executable, "-c", "from usmca.cli import main; main()", *args], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    if "--json" in args:
        expected, actual = json.loads(shown), json.loads(run.stdout)
        assert {k: actual.get(k) for k in expected} == expected
        return
    seg = missing_segment(shown, run.stdout)
    assert seg is None, f"README lines not in the output of `{command}` (in order): {seg[:3]}"
