"""The HTS schedule in force on a date: from the store, else ``$USMCA_SHARED_DATA``, else the package.

Sources, first found wins (the answer always says which, :attr:`Schedule.data_source`):

1. the store: ``hts_lines`` in the DuckDB store holds every loaded revision with its dates (see
   :mod:`usmca.data.loaders.hts`);
2. the USITC exports in ``$USMCA_SHARED_DATA/us_tariffs/hts/`` when that variable names a folder
   that holds them (parsed in memory; the implicit ``../shared/data`` is not looked at, the
   package holds the same content);
3. the package data (:mod:`usmca.data.package`): the same USITC exports, parsed and shipped
   compressed; each revision is read when a date first needs it.

The default schedule holds the revisions whose first day in force is known: the Basic editions,
in force from 1 January (2025 Basic from 2025-01-01, 2026 Basic from 2026-01-01); a revision
runs to the day before the next one, else to 31 December.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from usmca.errors import UserInputError
from usmca.paths import explicit_shared_data_dir, shared_data_dir

if TYPE_CHECKING:
    import pandas as pd

#: Lines a :class:`Schedule` reads one by one from a revision's file (``prefix_rows``) before it
#: reads the whole revision into a frame (a process that asks for many lines: the API, a batch).
FAST_LINES = 16

__all__ = ["Schedule", "HtsLine", "load_schedule", "clear_cache", "normalise_hts", "store_has_table", "SAMPLE_FILES",
           "engine_data_sources", "calibration_data_source"]

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
        Rows of ``hts_lines`` (columns of :data:`usmca.data.loaders.hts.HTS_COLUMNS`), or ``None``
        with ``revisions`` and ``loader`` (rows read per revision on first use).
    source
        Where the rows came from (``store:FILE``, ``shared:...``, ``package:...``).
    revisions
        ``(revision, effective_from, effective_to)`` oldest first (only with ``loader``).
    loader
        ``loader(revision) -> frame`` of one revision.
    prefix_rows
        ``prefix_rows(revision, digits) -> [row, ...]``: the raw cells of the revision's rows whose
        code starts with ``digits``, in file order (:func:`usmca.data.package.hts_rows_with_prefix`);
        :meth:`line` then reads one line without building the revision's frame (start-up time).
    data_source
        What the answers cite as their data (kind, source, revisions); default from ``source``.
    """

    def __init__(self, frame: pd.DataFrame | None, source: str, *,
                 revisions: list[tuple[str, dt.date, dt.date]] | None = None,
                 loader: Callable[[str], pd.DataFrame] | None = None,
                 data_source: dict[str, Any] | None = None,
                 prefix_rows: Callable[[str, str], list[dict[str, str]]] | None = None) -> None:
        self.source = source
        self._loader = loader
        self._prefix_rows = prefix_rows
        self._fast: dict[str, int] = {}
        self._by_rev: dict[str, pd.DataFrame] = {}
        if frame is not None:
            import pandas as pd  # noqa: PLC0415 - start-up time: only when a schedule is built

            rev = frame.groupby("revision", sort=False).agg(effective_from=("effective_from", "first"),
                                                            effective_to=("effective_to", "first"))
            rev = rev.sort_values("effective_from")
            revisions = [(str(r), pd.Timestamp(a).date(), pd.Timestamp(b).date())
                         for r, a, b in zip(rev.index, rev["effective_from"], rev["effective_to"], strict=True)]
            self._by_rev = {r: g for r, g in frame.groupby("revision", sort=False)}
        elif loader is None or not revisions:
            raise ValueError("Schedule needs a frame, or revisions and a loader")
        self.revisions = list(revisions or [])
        self._index: dict[str, dict[str, int]] = {}
        self.data_source = data_source or {"kind": source.split(":", 1)[0], "source": source,
                                           "revisions": [r[0] for r in self.revisions]}

    def _rows(self, rev: str) -> pd.DataFrame:
        if rev not in self._by_rev:
            assert self._loader is not None
            self._by_rev[rev] = self._loader(rev)
        return self._by_rev[rev]

    @property
    def frame(self) -> pd.DataFrame:
        """Every revision's rows (read now if the schedule is read per revision)."""
        import pandas as pd  # noqa: PLC0415

        return pd.concat([self._rows(r[0]) for r in self.revisions], ignore_index=True)

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
        return self._rows(self.revision_at(date)[0])

    def line(self, hts: str, date: dt.date) -> HtsLine:
        """The line ``hts`` (8 or 10 digits) in force on ``date``; an unknown code is a user error."""
        code = normalise_hts(hts)
        rev, start, end = self.revision_at(date)
        index = self._index.get(rev)
        if index is None and rev not in self._by_rev and self._prefix_rows is not None \
                and self._fast.get(rev, 0) < FAST_LINES:
            self._fast[rev] = self._fast.get(rev, 0) + 1
            return self._line_from_rows(hts, code, rev, start, end)
        if index is None:
            import numpy as np  # noqa: PLC0415

            codes = self._rows(rev)["hts"].astype(str)
            ten = np.flatnonzero(codes.str.len().to_numpy() == 10)
            heads = codes.iloc[ten].str[:8].to_numpy()
            _, first = np.unique(heads, return_index=True)   # an 8-digit code -> its first 10-digit line
            index = dict(zip(heads[first].tolist(), ten[first].tolist(), strict=True))
            index.update(zip(codes.tolist(), range(len(codes)), strict=True))   # exact codes win; the last duplicate wins
            self._index[rev] = index
        pos = index.get(code)
        if pos is None and len(code) == 10:
            pos = index.get(code[:8])
        if pos is None or len(code) < 8:
            raise UserInputError("--hts", "", hts, f"not an 8- or 10-digit line of the HTS {rev}")
        return self._hts_line(self._rows(rev).iloc[pos], float, rev, start, end)

    def _line_from_rows(self, hts: str, code: str, rev: str, start: dt.date, end: dt.date) -> HtsLine:
        """:meth:`line` from the rows of one 8-digit heading only: the same choice as the revision's
        index (exact code, the last if repeated; else the heading's first 10-digit line), because
        only rows starting with ``code[:8]`` can answer ``code`` or ``code[:8]``."""
        assert self._prefix_rows is not None
        rows = self._prefix_rows(rev, code[:8]) if len(code) >= 8 else []
        index: dict[str, dict[str, str]] = {}
        for r in rows:
            if len(r["hts"]) == 10:
                index.setdefault(r["hts"][:8], r)
        index.update((r["hts"], r) for r in rows)
        row = index.get(code)
        if row is None and len(code) == 10:
            row = index.get(code[:8])
        if row is None or len(code) < 8:
            raise UserInputError("--hts", "", hts, f"not an 8- or 10-digit line of the HTS {rev}")
        return self._hts_line(row, lambda x: float("nan") if x == "" else float(x), rev, start, end)

    def _hts_line(self, r: Any, num: Callable[[Any], float], rev: str, start: dt.date, end: dt.date) -> HtsLine:
        return HtsLine(hts=str(r["hts"]), htsno=str(r["htsno"]), description=str(r["description"]),
                       general=str(r["general"]), special=str(r["special"]), adv_pct=num(r["adv_pct"]),
                       specific_usd=num(r["specific_usd"]), specific_unit=str(r["specific_unit"]),
                       rate_type=str(r["rate_type"]), usmca_spi=str(r["usmca_spi"]),
                       usmca_adv_pct=num(r["usmca_adv_pct"]), revision=rev, source=self.source,
                       effective_from=start, effective_to=end)


def normalise_hts(hts: Any) -> str:
    """Digits of an HTS code (``8703.23.01`` -> ``87032301``); non-digits are a user error."""
    code = str(hts).strip().replace(".", "").replace(" ", "")
    if not code.isdigit() or len(code) not in (2, 4, 6, 8, 10):
        raise UserInputError("--hts", "", hts, "an HTS code has 8 or 10 digits (dots optional)")
    return code


def store_has_table(store: str | Path | None, table: str) -> bool:
    """:func:`usmca.data.store.has_table`, with a damaged store file a user error naming it (exit 2)."""
    import duckdb  # noqa: PLC0415

    from usmca.data.store import has_table, store_path  # noqa: PLC0415

    try:
        return has_table(store, table)
    except duckdb.Error as exc:
        p = Path(store) if store is not None else store_path()
        raise UserInputError(str(p), "", p.name, f"not a readable DuckDB store ({type(exc).__name__}); "
                             "move it away or set USMCA_STORE to another file") from None


@functools.lru_cache(maxsize=4)
def _cached(store: str, mtime: float, shared: str) -> Schedule:
    if store and store_has_table(store, "hts_lines"):
        import duckdb  # noqa: PLC0415

        with duckdb.connect(store, read_only=True) as con:
            frame = con.execute("select * from hts_lines").df()
        return Schedule(frame, f"store:{Path(store).name}")
    if shared and any((Path(shared) / "us_tariffs" / "hts" / n).is_file() for n in SAMPLE_FILES):
        return _sample_schedule(Path(shared))
    return _package_schedule()


@functools.lru_cache(maxsize=2)
def _sample_schedule(base: Path | None = None) -> Schedule:
    """The Basic editions parsed from the USITC exports in the shared data folder."""
    import pandas as pd  # noqa: PLC0415

    from usmca.data.loaders.hts import parse_hts_records, read_hts_json, revision_from_name  # noqa: PLC0415

    base = base or shared_data_dir()
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


@functools.lru_cache(maxsize=1)
def _package_schedule() -> Schedule:
    """The dated revisions shipped in the package, each read on first use."""
    from usmca.data.package import dated_hts_files, hts_revision_frame, hts_rows_with_prefix  # noqa: PLC0415

    files = dated_hts_files()
    revisions = [(m["revision"], dt.date.fromisoformat(m["effective_from"]), dt.date.fromisoformat(m["effective_to"]))
                 for _, m in files]
    by_rev = {m["revision"]: n for n, m in files}
    src = "package (USITC HTS)"
    return Schedule(None, src, revisions=revisions, loader=lambda rev: hts_revision_frame(by_rev[rev]),
                    data_source={"kind": "package", "source": src, "revisions": [r[0] for r in revisions],
                                 "files": [n for n, _ in files], "url": "https://hts.usitc.gov/"},
                    prefix_rows=lambda rev, digits: hts_rows_with_prefix(by_rev[rev], digits))


def load_schedule(store: str | Path | None = None) -> Schedule:
    """The schedule from the store (``$USMCA_STORE`` or the default file), else
    ``$USMCA_SHARED_DATA``'s USITC exports, else the package data."""
    from usmca.data.store import store_path  # noqa: PLC0415

    p = Path(store) if store is not None else store_path()
    mtime = p.stat().st_mtime if p.is_file() else 0.0
    shared = explicit_shared_data_dir()
    return _cached(str(p) if p.is_file() else "", mtime, str(shared) if shared else "")


def clear_cache() -> None:
    """Forget cached schedules (after loading a new revision)."""
    _cached.cache_clear()
    _package_schedule.cache_clear()


def engine_data_sources() -> dict[str, Any]:
    """``{"flows": ..., "schedule": ...}``: the default observed flows and HTS schedule the engines use."""
    from usmca.data.package import observed_flows  # noqa: PLC0415

    return {"flows": observed_flows()[1], "schedule": load_schedule().data_source}


def calibration_data_source(results: Any) -> dict[str, Any] | None:
    """:func:`engine_data_sources` when a scenario result (``{name: result}``) was calibrated by the
    tariff engine on the observed flows, else ``None`` (the review's ``data_source``)."""
    if not any(r.calibration.get("method") == "tariff engine" for r in results.values()):
        return None
    return engine_data_sources()
