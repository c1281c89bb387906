"""Large legal tables (e.g. the automotive part lists) as tidy CSV beside their YAML.

Every row carries its provenance: ``effective_from`` and ``effective_to`` (the last day in force,
inclusive; empty while in force), ``instrument``, ``provision`` and ``url``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from usmca.errors import LawError

from .parameter import TABLE_KEYS
from .values import parse_date, units

if TYPE_CHECKING:  # pandas is imported on use: `usmca law show` starts without it (benchmarks/bench_startup.py)
    import pandas as pd

__all__ = ["TableParameter", "parse_table", "PROVENANCE_COLUMNS"]

PROVENANCE_COLUMNS = ("effective_from", "effective_to", "instrument", "provision", "url")


@dataclass(frozen=True)
class TableParameter:
    """A legal table: declared columns plus provenance columns on every row."""

    path: str
    description: str
    columns: Mapping[str, Mapping[str, str]]
    csv_path: Path
    label: str | None = None
    notes: str | None = None
    source_file: str = ""
    unit: str = "table"
    _frame: list[pd.DataFrame] = field(default_factory=list, repr=False, compare=False)
    _records: list[list[dict[str, str]]] = field(default_factory=list, repr=False, compare=False)

    def frame(self) -> pd.DataFrame:
        """All rows, validated on first use (read once, then cached)."""
        if not self._frame:
            self._frame.append(_read_csv(self))
        return self._frame[0].copy()

    def records(self) -> list[dict[str, str]]:
        """All rows as ``{column: cell text}``, validated as :meth:`frame` validates them, without
        pandas (start-up time: ``usmca tariffs duty`` reads the Section 232 scope tables so).

        The cells are the strings :meth:`frame` holds (``dtype=str``, no NA conversion). Do not
        modify the rows (they are read once and shared).
        """
        if not self._records:
            self._records.append(_read_records(self))
        return self._records[0]

    def rows_at(self, date: Any | None = None) -> pd.DataFrame:
        """The rows in force on ``date`` (all rows when ``date`` is None)."""
        import pandas as pd  # noqa: PLC0415

        df = self.frame()
        if date is None:
            return df
        d = pd.Timestamp(parse_date(date))
        start = pd.to_datetime(df["effective_from"])
        end = pd.to_datetime(df["effective_to"].replace("", None))
        mask = (start <= d) & (end.isna() | (end >= d))
        return df.loc[mask].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "description": self.description, "unit": "table",
                "table": self.csv_path.name, "columns": dict(self.columns)}


def parse_table(path: str, raw: Mapping[str, Any], yaml_file: Path, source: str) -> TableParameter:
    """Validate a table parameter's YAML (the CSV itself is validated on first read)."""
    unknown = sorted(set(raw) - TABLE_KEYS)
    if unknown:
        raise LawError(source, unknown[0], raw[unknown[0]], "unknown key in a table parameter file")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise LawError(source, "description", description, "a table needs a description")
    csv_name = raw.get("table")
    if not isinstance(csv_name, str) or not csv_name.endswith(".csv"):
        raise LawError(source, "table", csv_name, "a table parameter names its CSV file")
    csv_path = yaml_file.parent / csv_name
    if not csv_path.is_file():
        raise LawError(source, "table", csv_name, "the CSV file is missing beside the YAML")
    columns = raw.get("columns")
    if not isinstance(columns, Mapping) or not columns:
        raise LawError(source, "columns", columns, "a table declares its columns")
    registry = units()
    for name, spec in columns.items():
        if not isinstance(spec, Mapping) or not spec.get("description"):
            raise LawError(source, f"columns.{name}", spec, "each column needs a description")
        if spec.get("unit") is not None and spec["unit"] not in registry:
            raise LawError(source, f"columns.{name}.unit", spec["unit"], "unknown unit")
    return TableParameter(path=path, description=" ".join(description.split()), columns=dict(columns),
                          csv_path=csv_path, label=raw.get("label"), notes=raw.get("notes"), source_file=source)


def _read_records(table: TableParameter) -> list[dict[str, str]]:
    """:func:`_read_csv` with the :mod:`csv` module: the same cells and the same checks."""
    import csv  # noqa: PLC0415

    source = str(table.csv_path.name)
    with table.csv_path.open(encoding="utf-8-sig", newline="") as f:
        lines = [r for r in csv.reader(f) if r]   # blank lines are skipped, as pandas does
    header = list(lines[0]) if lines else []
    seen: dict[str, int] = {}
    for k, c in enumerate(header):   # a repeated name becomes ``name.1``, as pandas names it
        n = seen.get(c, 0)
        seen[c] = n + 1
        header[k] = f"{c}.{n}" if n else c
    missing = [c for c in (*table.columns, *PROVENANCE_COLUMNS) if c not in header]
    if missing:
        raise LawError(source, missing[0], None, "a declared or provenance column is missing")
    extra = [c for c in header if c not in table.columns and c not in PROVENANCE_COLUMNS]
    if extra:
        raise LawError(source, extra[0], None, "a column not declared in the table's YAML")
    rows = []
    for i, cells in enumerate(lines[1:]):
        if len(cells) != len(header):
            raise LawError(source, f"line {i + 2}", len(cells), f"a row of {len(cells)} cells under {len(header)} columns")
        rows.append(dict(zip(header, cells, strict=True)))
    for col in ("effective_from", "instrument", "provision", "url"):
        empty = [i for i, r in enumerate(rows) if r[col].strip() == ""]
        if empty:
            raise LawError(source, f"line {empty[0] + 2}.{col}", "", "every row needs its provenance")
    for i, r in enumerate(rows):
        s = parse_date(r["effective_from"], source, f"line {i + 2}.effective_from", LawError)
        if r["effective_to"].strip():
            e = parse_date(r["effective_to"], source, f"line {i + 2}.effective_to", LawError)
            if e < s:
                raise LawError(source, f"line {i + 2}.effective_to", r["effective_to"], "ends before it starts")
    bad_url = [i for i, r in enumerate(rows) if not r["url"].startswith(("http://", "https://"))]
    if bad_url:
        raise LawError(source, f"line {bad_url[0] + 2}.url", rows[bad_url[0]]["url"], "not an http(s) URL")
    return rows


def _read_csv(table: TableParameter) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415

    source = str(table.csv_path.name)
    df = pd.read_csv(table.csv_path, dtype=str, keep_default_na=False)
    missing = [c for c in (*table.columns, *PROVENANCE_COLUMNS) if c not in df.columns]
    if missing:
        raise LawError(source, missing[0], None, "a declared or provenance column is missing")
    extra = [c for c in df.columns if c not in table.columns and c not in PROVENANCE_COLUMNS]
    if extra:
        raise LawError(source, extra[0], None, "a column not declared in the table's YAML")
    for col in ("effective_from", "instrument", "provision", "url"):
        empty = df.index[df[col].str.strip() == ""]
        if len(empty):
            raise LawError(source, f"line {int(empty[0]) + 2}.{col}", "", "every row needs its provenance")
    for i, (start, end) in enumerate(zip(df["effective_from"], df["effective_to"], strict=True)):
        s = parse_date(start, source, f"line {i + 2}.effective_from", LawError)
        if end.strip():
            e = parse_date(end, source, f"line {i + 2}.effective_to", LawError)
            if e < s:
                raise LawError(source, f"line {i + 2}.effective_to", end, "ends before it starts")
    bad_url = df.index[~df["url"].str.startswith(("http://", "https://"))]
    if len(bad_url):
        raise LawError(source, f"line {int(bad_url[0]) + 2}.url", df["url"].iloc[bad_url[0]], "not an http(s) URL")
    return df
