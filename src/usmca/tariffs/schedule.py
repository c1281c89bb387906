"""The HTS schedule in force on a date: from the store, else the shared sample editions.

``hts_lines`` in the DuckDB store holds every loaded revision with its dates (see
:mod:`usmca.data.loaders.hts`). When the store has none (a fresh clone), the Basic editions in
``shared/data/us_tariffs/hts/`` are parsed in memory (2025 Basic from 2025-01-01, 2026 Basic from
2026-01-01); the result always says which revision was used.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from usmca.errors import UserInputError
from usmca.paths import shared_data_dir

__all__ = ["Schedule", "HtsLine", "load_schedule", "clear_cache", "normalise_hts", "SAMPLE_FILES"]

SAMPLE_FILES = ("hts_2025_basic.json.gz", "hts_2026_basic.json.gz")


@dataclass(frozen=True)
class HtsLine:
    """One HTS line as in force on a date (rates parsed; see :mod:`usmca.data.loaders.hts_rates`)."""

    hts: str
    htsno: str
    description: str
    general: str
    special: str
    adv_pct: float
    specific_usd: float
    specific_unit: str
    rate_type: str
    usmca_spi: str
    usmca_adv_pct: float
    revision: str
    source: str
    effective_from: dt.date
    effective_to: dt.date


class Schedule:
    """Every loaded revision; :meth:`line` picks the one in force on a date.

    Parameters
    ----------
    frame
        Rows of ``hts_lines`` (columns of :data:`usmca.data.loaders.hts.HTS_COLUMNS`).
    source
        Where the rows came from (the store file or the shared sample folder).
    """

    def __init__(self, frame: pd.DataFrame, source: str) -> None:
        self.frame = frame
        self.source = source
        rev = frame.groupby("revision", sort=False).agg(effective_from=("effective_from", "first"),
                                                        effective_to=("effective_to", "first"))
        rev = rev.sort_values("effective_from")
        self.revisions = [(str(r), pd.Timestamp(a).date(), pd.Timestamp(b).date())
                          for r, a, b in zip(rev.index, rev["effective_from"], rev["effective_to"], strict=True)]
        self._index: dict[str, dict[str, int]] = {}
        self._by_rev = {r: g for r, g in frame.groupby("revision", sort=False)}

    def revision_at(self, date: dt.date, source: str = "--date") -> tuple[str, dt.date, dt.date]:
        """The revision in force on ``date``; a date outside every revision is a user error."""
        for rev in reversed(self.revisions):
            if rev[1] <= date <= rev[2]:
                return rev
        first, last = self.revisions[0][1], max(r[2] for r in self.revisions)
        raise UserInputError(source, "", date.isoformat(),
                             f"outside the HTS schedule data ({first} to {last}; load another revision "
                             "with `usmca data load hts`)")

    def rows_at(self, date: dt.date) -> pd.DataFrame:
        """All lines of the revision in force on ``date``."""
        return self._by_rev[self.revision_at(date)[0]]

    def line(self, hts: str, date: dt.date) -> HtsLine:
        """The line ``hts`` (8 or 10 digits) in force on ``date``; an unknown code is a user error."""
        code = normalise_hts(hts)
        rev, start, end = self.revision_at(date)
        index = self._index.get(rev)
        if index is None:
            rows = self._by_rev[rev]
            codes = rows["hts"].to_numpy()
            index = {c[:8]: i for i, c in reversed(list(enumerate(codes))) if len(c) == 10}
            index.update(zip(codes, range(len(rows)), strict=True))
            self._index[rev] = index
        pos = index.get(code)
        if pos is None and len(code) == 10:
            pos = index.get(code[:8])
        if pos is None or len(code) < 8:
            raise UserInputError("--hts", "", hts, f"not an 8- or 10-digit line of the HTS {rev}")
        r = self._by_rev[rev].iloc[pos]
        return HtsLine(hts=str(r["hts"]), htsno=str(r["htsno"]), description=str(r["description"]),
                       general=str(r["general"]), special=str(r["special"]), adv_pct=float(r["adv_pct"]),
                       specific_usd=float(r["specific_usd"]), specific_unit=str(r["specific_unit"]),
                       rate_type=str(r["rate_type"]), usmca_spi=str(r["usmca_spi"]),
                       usmca_adv_pct=float(r["usmca_adv_pct"]), revision=rev, source=self.source,
                       effective_from=start, effective_to=end)


def normalise_hts(hts: Any) -> str:
    """Digits of an HTS code (``8703.23.01`` -> ``87032301``); non-digits are a user error."""
    code = str(hts).strip().replace(".", "").replace(" ", "")
    if not code.isdigit() or len(code) not in (2, 4, 6, 8, 10):
        raise UserInputError("--hts", "", hts, "an HTS code has 8 or 10 digits (dots optional)")
    return code


@functools.lru_cache(maxsize=4)
def _cached(store: str, mtime: float) -> Schedule:
    from usmca.data.store import has_table

    if store and has_table(store, "hts_lines"):
        import duckdb

        with duckdb.connect(store, read_only=True) as con:
            frame = con.execute("select * from hts_lines").df()
        return Schedule(frame, f"store:{Path(store).name}")
    return _sample_schedule()


@functools.lru_cache(maxsize=1)
def _sample_schedule() -> Schedule:
    from usmca.data.loaders.hts import parse_hts_records, read_hts_json, revision_from_name

    base = shared_data_dir()
    if base is None:
        raise UserInputError("schedule", "", None, "no HTS schedule in the store and ../shared/data is absent; "
                             "run `usmca data load hts FILE`")
    frames = []
    for name in SAMPLE_FILES:
        p = base / "us_tariffs" / "hts" / name
        if p.is_file():
            rev, start = revision_from_name(name)
            assert start is not None  # SAMPLE_FILES are Basic editions, in force from 1 January
            frames.append(parse_hts_records(read_hts_json(p), rev, start))
    if not frames:
        raise UserInputError("schedule", "", None, "no HTS sample editions found in shared data")
    return Schedule(pd.concat(frames, ignore_index=True), "shared:us_tariffs/hts")


def load_schedule(store: str | Path | None = None) -> Schedule:
    """The schedule from the store (``$USMCA_STORE`` or the default file), else the samples."""
    from usmca.data.store import store_path

    p = Path(store) if store is not None else store_path()
    mtime = p.stat().st_mtime if p.is_file() else 0.0
    return _cached(str(p) if p.is_file() else "", mtime)


def clear_cache() -> None:
    """Forget cached schedules (after loading a new revision)."""
    _cached.cache_clear()


