"""The store survives a writer killed at any point, a full disk, and serves readers during a load.

Each trial reloads an HTS revision of the same name (the case that lost data before writes were
atomic) in a forked child and kills it with SIGKILL after a random delay drawn over the
measured length of a load; the store must then open and answer exactly as before, or exactly as
after a complete load (when the kill came after the atomic rename).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from usmca.data.loaders.hts import load_hts
from usmca.data.store import connect, connect_on_use, has_table
from usmca.errors import UserInputError

REV = dt.date(2025, 1, 1)


def _records(n: int, rate: str) -> list[dict]:
    return [{"htsno": f"{8400 + i // 10000:04d}.{(i // 100) % 100:02d}.{i % 100:02d}", "indent": "2",
             "description": "d" * 40, "superior": None, "units": [], "general": rate, "special": "Free (S)",
             "other": "", "footnotes": [], "quotaQuantity": None, "additionalDuties": None} for i in range(n)]


def _hts_file(path: Path, n: int, rate: str) -> Path:
    path.write_bytes(gzip.compress(json.dumps(_records(n, rate)).encode()))
    return path


def _answer(store: Path) -> tuple:
    """What a reader gets: the revisions and a digest of every line (must open read-only)."""
    with connect(store, read_only=True) as con:
        revs = con.execute("select revision, effective_from, effective_to, rows, sha256 from hts_revisions "
                           "order by revision").fetchall()
        lines = con.execute("select count(*), sum(hash(hts || general)) from hts_lines").fetchall()
    return tuple(revs), tuple(lines)


def _load(store: str, file: str) -> None:
    with connect_on_use(store) as con:
        load_hts(file, con, effective_from=REV)


@pytest.fixture()
def loaded(tmp_path: Path) -> tuple[Path, Path, tuple, tuple]:
    store = tmp_path / "s.duckdb"
    old = _hts_file(tmp_path / "hts_2025_basic.json.gz", 2_000, "2.5%")
    (tmp_path / "new").mkdir()
    new = _hts_file(tmp_path / "new" / "hts_2025_basic.json.gz", 10_000, "3%")
    _load(str(store), str(old))
    before = _answer(store)
    scratch = tmp_path / "after.duckdb"
    shutil.copyfile(store, scratch)
    _load(str(scratch), str(new))
    after = _answer(scratch)
    assert before != after
    return store, new, before, after


def test_sigkill_at_20_random_points_loses_nothing(loaded: tuple) -> None:
    store, new, before, after = loaded
    ctx = mp.get_context("fork")
    spans = []  # the shortest of three timed loads: on a busy machine one probe can overstate the
    for k in range(3):  # load's length and put most kills after its end
        start = time.perf_counter()
        probe = ctx.Process(target=_load, args=(f"{store}.probe{k}", str(new)))
        probe.start()
        probe.join()
        spans.append(time.perf_counter() - start)
    span = 0.9 * min(spans)
    rng = random.Random(13)
    outcomes = []
    for _ in range(20):
        child = ctx.Process(target=_load, args=(str(store), str(new)))
        child.start()
        time.sleep(rng.uniform(0.0, span))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        got = _answer(store)
        assert got in (before, after), "the store changed to a state no complete load produced"
        outcomes.append(got == before)
        if got == after:  # the load finished before the kill: start the next trial from `before`
            with connect_on_use(store) as con:
                con.execute("delete from hts_lines")
                con.execute("delete from hts_revisions")
            _load(str(store), str(loaded[1].parent.parent / "hts_2025_basic.json.gz"))
            assert _answer(store) == before
    assert sum(outcomes) >= 10, f"only {sum(outcomes)} of 20 kills landed inside a load"
    _load(str(store), str(new))
    assert _answer(store) == after and not list(store.parent.glob("s.duckdb.new-*"))


def _tmpfs(path: Path, size: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a size-limited tmpfs needs root")
    path.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()[:100]}")


def test_full_disk_leaves_the_store_as_it_was(loaded: tuple, tmp_path: Path) -> None:
    store, new, before, _ = loaded
    disk = tmp_path / "disk"
    _tmpfs(disk, "8m")
    try:
        target = disk / "s.duckdb"
        shutil.copyfile(store, target)
        assert _answer(target) == before
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * max(free - 3 * target.stat().st_size // 2, 0))
        with pytest.raises(UserInputError, match="unchanged"):
            _load(str(target), str(new))
        assert _answer(target) == before
        assert sorted(q.name for q in disk.iterdir()) == ["filler", "s.duckdb", "s.duckdb.lock"]
        (disk / "filler").unlink()  # space again: the same load now succeeds
        _load(str(target), str(new))
        assert _answer(target) != before
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_reader_during_a_load_succeeds(loaded: tuple) -> None:
    store, new, before, after = loaded
    child = mp.get_context("fork").Process(target=_load, args=(str(store), str(new)))
    child.start()
    answers = []
    while child.is_alive() or not answers:
        assert has_table(store, "hts_lines")  # would raise "Could not set lock" under a live writer
        answers.append(_answer(store))
    child.join()
    assert child.exitcode == 0
    assert set(answers) <= {before, after} and answers[0] == before
    assert _answer(store) == after
