"""Cells of a spreadsheet BOM: reading CSV and XLSX sheets with the location of every value.

A :class:`Sheet` is a header row and the data rows under it; every value keeps its sheet, row
and column so that an error names them (``sheet 'materials' row 7 column 'value' (E7)``). XLSX
files are read with openpyxl, never written: a formula, a merged cell range or an error value is
refused (exit 2) because the value the user sees is not the value stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

import yaml

from usmca.errors import UserInputError

__all__ = ["Cell", "Sheet", "Book", "read_book", "column_letter"]


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass(frozen=True)
class Cell:
    """One value with its location."""

    source: str
    sheet: str | None
    row: int
    column: str
    index: int
    value: Any

    @property
    def where(self) -> str:
        """``sheet 'materials' row 7 column 'value' (E7)`` (no sheet part for a CSV file)."""
        sh = f"sheet '{self.sheet}' " if self.sheet is not None else ""
        return f"{sh}row {self.row} column '{self.column}' ({column_letter(self.index)}{self.row})"

    def error(self, reason: str) -> UserInputError:
        return UserInputError(self.source, self.where, self.value, reason)

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    def text(self) -> str | None:
        if self.empty:
            return None
        v = self.value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    def number(self) -> Decimal | None:
        """The cell as an exact decimal; text that is not a number is an error."""
        if self.empty:
            return None
        v = self.value
        if isinstance(v, bool):
            raise self.error("a number is needed, not true/false")
        if isinstance(v, (int, float)):
            return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
        try:
            d = Decimal(str(v).strip().replace(",", ""))
        except InvalidOperation:
            raise self.error("text in a number cell (a number is needed)") from None
        if not d.is_finite():
            raise self.error("a finite number is needed")
        return d

    def boolean(self) -> bool | None:
        if self.empty:
            return None
        v = self.value
        if isinstance(v, bool):
            return v
        s = str(v).strip().lower()
        if s in ("true", "yes", "y", "1", "x"):
            return True
        if s in ("false", "no", "n", "0"):
            return False
        raise self.error("must be true or false (yes/no)")

    def date(self) -> str | None:
        if self.empty:
            return None
        v = self.value
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        s = str(v).strip()
        try:
            return dt.date.fromisoformat(s).isoformat()
        except ValueError:
            raise self.error("not a date (expected YYYY-MM-DD)") from None

    def listing(self) -> list[str]:
        """A list written as ``a; b`` (or ``a, b``) in one cell."""
        t = self.text()
        if t is None:
            return []
        sep = ";" if ";" in t else ","
        return [x.strip() for x in t.split(sep) if x.strip()]

    def structured(self) -> Any:
        """A YAML/JSON flow value in one cell (``[{shift: CTH}]``, ``{weight: 3}``)."""
        t = self.text()
        if t is None:
            return None
        try:
            return yaml.safe_load(t) if not t.startswith(("{", "[")) or "\n" in t else _flow(t)
        except yaml.YAMLError:
            raise self.error("not a valid YAML/JSON value") from None


def _flow(t: str) -> Any:
    try:
        return json.loads(t)
    except ValueError:
        return yaml.safe_load(t)


@dataclass
class Sheet:
    """Rows of one sheet (or of one block of a CSV file) below a header."""

    source: str
    name: str | None
    rows: list[tuple[int, list[Any]]]          # (1-based row number, values)
    header_row: int = 0
    header: list[str] = field(default_factory=list)

    def label(self) -> str:
        return f"sheet '{self.name}'" if self.name is not None else "the material table"

    def table(self) -> Iterator[dict[str, Cell]]:
        """Data rows as ``{column name: Cell}``, blank rows skipped."""
        for r, values in self.rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield {h: Cell(self.source, self.name, r, h, i, values[i] if i < len(values) else None)
                   for i, h in enumerate(self.header) if h}

    def pairs(self) -> Iterator[tuple[Cell, Cell]]:
        """Key/value rows (column A = field, column B = value)."""
        for r, values in self.rows:
            key = values[0] if values else None
            if key is None or (isinstance(key, str) and not key.strip()):
                continue
            yield (Cell(self.source, self.name, r, "field", 0, key),
                   Cell(self.source, self.name, r, "value", 1, values[1] if len(values) > 1 else None))


def _header(sheet: Sheet, start: int = 0) -> Sheet:
    """Take the first non-blank row at or after ``start`` as the header of the rest."""
    for k in range(start, len(sheet.rows)):
        r, values = sheet.rows[k]
        if any(v is not None and str(v).strip() for v in values):
            names = [str(v).strip().lower().replace(" ", "_") if v is not None else "" for v in values]
            seen: set[str] = set()
            for i, n in enumerate(names):
                if n and n in seen:
                    raise Cell(sheet.source, sheet.name, r, n, i, values[i]).error("column named twice in the header")
                seen.add(n)
            return Sheet(sheet.source, sheet.name, sheet.rows[k + 1:], r, names)
    return Sheet(sheet.source, sheet.name, [], 0, [])


@dataclass
class Book:
    """The sheets of a workbook, or the two blocks of a CSV file (``good`` header block, table)."""

    source: str
    kind: str                                  # csv | xlsx
    sheets: dict[str, Sheet]

    def sheet(self, name: str) -> Sheet | None:
        return self.sheets.get(name)


def _read_csv(path: Path, name: str) -> Book:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError(name, "", path.name, "not UTF-8 text (save the CSV as UTF-8)") from None
    rows = [(i + 1, [c if c.strip() else None for c in r]) for i, r in enumerate(csv.reader(io.StringIO(text)))]
    # header block: the leading rows whose first cell is "good.<field>"
    k = 0
    block: list[tuple[int, list[Any]]] = []
    while k < len(rows) and rows[k][1] and rows[k][1][0] and _is_good_key(str(rows[k][1][0])):
        r, values = rows[k]
        key = str(values[0]).strip()
        block.append((r, [key.split(".", 1)[1]] + values[1:]))
        k += 1
    sheets = {"materials": _header(Sheet(name, None, rows[k:]))}
    if block:
        sheets["good"] = Sheet(name, None, block)
    return Book(name, "csv", sheets)


def _read_xlsx(path: Path, name: str) -> Book:
    try:
        import openpyxl
    except ModuleNotFoundError:  # pragma: no cover - a declared dependency
        raise UserInputError(name, "", path.name, "reading .xlsx needs the package openpyxl") from None
    try:
        wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # a damaged or non-XLSX file, whatever openpyxl raises
        raise UserInputError(name, "", path.name, f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    sheets: dict[str, Sheet] = {}
    for ws in wb.worksheets:
        title = ws.title.strip().lower()
        for rng in ws.merged_cells.ranges:
            raise UserInputError(name, f"sheet '{ws.title}' cells {rng.coord}", None,
                                 "merged cells (unmerge them: every row needs its own values)")
        rows: list[tuple[int, list[Any]]] = []
        for row in ws.iter_rows():
            values = []
            for c in row:
                if c.data_type == "f":
                    raise UserInputError(name, f"sheet '{ws.title}' row {c.row} column {c.column_letter} "
                                         f"({c.coordinate})", c.value,
                                         "a formula (enter the value itself; the file is read, never recalculated)")
                if c.data_type == "e":
                    raise UserInputError(name, f"sheet '{ws.title}' cell {c.coordinate}", c.value, "an error value")
                values.append(c.value)
            rows.append((row[0].row if row else len(rows) + 1, values))
        sh = Sheet(name, ws.title, rows)
        sheets[title] = sh if title == "good" else _header(sh)
    return Book(name, "xlsx", sheets)


def read_book(path: str | Path) -> Book:
    """Read a ``.csv`` or ``.xlsx`` file (read only: the user's file is never changed)."""
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise UserInputError(name, "", name, "file not found" if not p.exists() else "not a file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _read_csv(p, name)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, name)
    raise UserInputError(name, "", p.suffix, "a spreadsheet BOM is .csv or .xlsx")


def _is_good_key(key: str) -> bool:
    return key.strip().lower().startswith("good.")
