"""Project rules checked mechanically (AGENTS.md): small files, no machine paths, no copied data."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tracked() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / p for p in out.splitlines() if (ROOT / p).is_file()]


def test_python_files_are_small() -> None:
    big = [(p.relative_to(ROOT).as_posix(), n) for p in _tracked() if p.suffix == ".py"
           for n in [len(p.read_text(encoding="utf-8").splitlines())] if n > 500]
    assert not big, f"split these by responsibility: {big}"


def test_no_machine_paths() -> None:
    pattern = re.compile(r"/(work|farm|root|home/[a-z]+)/")
    hits = [p.relative_to(ROOT).as_posix() for p in _tracked()
            if p.suffix in {".py", ".yaml", ".yml", ".csv", ".json", ".toml", ".j2", ".html"}
            and pattern.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not hits, f"machine-specific paths in {hits}"


def test_no_third_party_file_is_copied_into_the_repo(shared_data: Path) -> None:
    def sha1(p: Path) -> str:
        return hashlib.sha1(p.read_bytes()).hexdigest()

    theirs = {sha1(p) for p in shared_data.rglob("*") if p.is_file() and p.stat().st_size > 2048}
    ours = [p.relative_to(ROOT).as_posix() for p in _tracked() if p.stat().st_size > 2048 and sha1(p) in theirs]
    assert not ours, f"byte copies of ../shared/data files: {ours}"
