"""One HTS line from the package without the whole revision (start-up time of `usmca tariffs duty`).

:func:`usmca.data.package.hts_rows_with_prefix` finds rows by searching the file's text; these
tests hold it to the frame that :func:`usmca.data.package.hts_revision_frame` parses with pandas:
the same rows, cells and numbers, and the same line chosen by :meth:`Schedule.line`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import math
import shutil
from pathlib import Path

import pytest

from usmca.data import package
from usmca.data.package import HTS_FILES, HTS_TYPES, PACKAGE_DIR, _read_csv, hts_rows_with_prefix, provenance
from usmca.errors import UserInputError
from usmca.tariffs.schedule import FAST_LINES, Schedule, _package_schedule


@pytest.mark.parametrize("name", HTS_FILES)
def test_every_row_and_cell_is_the_frames(name: str) -> None:
    frame = _read_csv(name, HTS_TYPES)
    rows = hts_rows_with_prefix(name, "")   # every row: the text search from each line start
    assert len(rows) == len(frame) > 20_000
    for col, kind in HTS_TYPES.items():
        want = frame[col].tolist()
        cells = [r[col] for r in rows]
        if kind == "float64":
            got = [math.nan if c == "" else float(c) for c in cells]
            assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(want, got, strict=True)), col
        else:
            assert [str(v) for v in want] == cells, col


def test_a_line_break_inside_a_quoted_cell_starts_no_row(tmp_path: Path) -> None:
    header = ",".join(HTS_TYPES)
    cells = ["", "", "0", "", "", "", "", "", "0.0", "", "free", "", "", "", "False", "False", ""]
    row = ",".join(["87032301", "8703.23.01", "2", '"Cars\n87032399, not a row"', *cells[4:]])
    other = ",".join(["87032399", "8703.23.99", "2", "Other", *cells[4:]])
    body = f"{header}\n{row}\n{other}\n".encode()
    raw = gzip.compress(body, mtime=0)
    (tmp_path / "x.csv.gz").write_bytes(raw)
    (tmp_path / "x.csv.gz.provenance.json").write_text(json.dumps(
        {"sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw), "source": {}}), encoding="utf-8")
    provenance.cache_clear()
    try:
        rows = hts_rows_with_prefix("x.csv.gz", "870323", str(tmp_path))
    finally:
        provenance.cache_clear()
    assert [r["hts"] for r in rows] == ["87032301", "87032399"]
    assert rows[0]["description"] == "Cars\n87032399, not a row"


def _codes(name: str) -> list[str]:
    """Codes that exercise :meth:`Schedule.line`: exact 8- and 10-digit lines, 8-digit headings
    with no row of their own (their first 10-digit line), 10-digit codes not in the file (their
    8-digit line), and codes of no line."""
    frame = _read_csv(name, HTS_TYPES)
    codes = frame["hts"].tolist()
    eights = {c for c in codes if len(c) == 8}
    tens = [c for c in codes if len(c) == 10]
    heads = sorted({c[:8] for c in tens} - eights)
    return [*sorted(eights)[::400], *tens[::900], *heads[::400], *[c + "99" for c in sorted(eights)[::700]],
            "87032301", "8703230190", "0101210010", "9999999999", "00000000"]


def test_a_line_is_the_one_the_frame_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("usmca.tariffs.schedule.FAST_LINES", 10**9)
    fast = _package_schedule.__wrapped__()
    slow = Schedule(None, fast.source, revisions=fast.revisions, loader=fast._loader, data_source=fast.data_source)
    for rev, start, _ in fast.revisions:
        name = next(n for n in HTS_FILES if provenance(n).get("revision") == rev)
        for code in _codes(name):
            try:
                want: object = slow.line(code, start)
            except UserInputError as exc:
                want = exc.one_line()
            try:
                got: object = fast.line(code, start)
            except UserInputError as exc:
                got = exc.one_line()
            assert repr(got) == repr(want), (rev, code)   # repr: NaN rates compare equal
        assert rev not in fast._by_rev   # read line by line, not as a frame


def test_many_lines_read_the_revision_once() -> None:
    sched = _package_schedule.__wrapped__()
    rev, start, _ = sched.revisions[0]
    for k in range(FAST_LINES + 1):
        sched.line("8703230190", start + dt.timedelta(days=k % 2))
    assert rev in sched._by_rev


def test_a_damaged_file_is_named_on_the_one_line_path(tmp_path: Path) -> None:
    name = HTS_FILES[0]
    for f in (name, f"{name}.provenance.json"):
        shutil.copy(PACKAGE_DIR / f, tmp_path / f)
    (tmp_path / name).write_bytes((tmp_path / name).read_bytes()[:-10])
    provenance.cache_clear()
    try:
        with pytest.raises(UserInputError) as exc:
            package.hts_rows_with_prefix(name, "87032301", str(tmp_path))
    finally:
        provenance.cache_clear()
    assert name in exc.value.one_line() and "truncated" in exc.value.reason
