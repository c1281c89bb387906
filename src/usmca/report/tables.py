"""Tables of the briefing, each downloadable as CSV and as an Excel workbook (data URIs).

A :class:`Table` keeps raw values (floats stay floats); the page formats them, the CSV and the
XLSX keep them exact. The downloads are embedded as ``data:`` URIs so that the briefing stays one
self-contained file, served the same way by ``usmca review`` and ``GET /review/briefing``.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from markupsafe import Markup, escape

__all__ = ["Table", "XLSX_MIME"]

_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "table"


@dataclass(frozen=True)
class Table:
    """One table: ``columns`` (header texts), ``rows`` (raw values), formatting hints.

    Parameters
    ----------
    key
        File name stem of the downloads (``<key>.csv``, ``<key>.xlsx``).
    title
        Caption shown above the table.
    columns
        Header texts; a column's unit belongs in its header ("welfare, %").
    rows
        Raw values: ``float`` (formatted with ``digits`` decimals, signed when ``signed``), ``str``,
        ``None`` (shown as n/a).
    text_cols
        Indices of left-aligned text columns (default: the first).
    links
        Column index -> column index holding the URL the cell links to (the URL column is
        not shown on the page but is kept in the downloads).
    bands
        Column index -> (low, high) column indices of its 90% interval: shown on the page under
        the value ("-0.51 to -0.46"), kept as their own columns in the downloads.
    nowrap
        Indices of text columns whose cells never break over lines.
    """

    key: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    digits: int = 2
    signed: bool = True
    text_cols: Sequence[int] = (0,)
    links: dict[int, int] = field(default_factory=dict)
    note: str = ""
    bands: dict[int, tuple[int, int]] = field(default_factory=dict)
    nowrap: Sequence[int] = ()

    @property
    def slug(self) -> str:
        """The download file stem."""
        return _slug(self.key)

    def csv_text(self) -> str:
        """The table as CSV (header row, then raw values; empty cell for n/a)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.columns)
        for r in self.rows:
            w.writerow(["" if v is None else v for v in r])
        return buf.getvalue()

    def xlsx_bytes(self) -> bytes:
        """The table as an Excel workbook of one sheet (numbers stay numbers)."""
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = _slug(self.key)[:31]
        ws.append([str(c) for c in self.columns])
        for r in self.rows:
            ws.append([v for v in r])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def downloads(self) -> Markup:
        """Two links: CSV and XLSX, as data URIs with file names."""
        c = base64.b64encode(self.csv_text().encode("utf-8")).decode("ascii")
        x = base64.b64encode(self.xlsx_bytes()).decode("ascii")
        return Markup(f'<span class="dl">Download: <a download="{self.slug}.csv" href="data:text/csv;base64,{c}">CSV'
                      f'</a> · <a download="{self.slug}.xlsx" href="data:{XLSX_MIME};base64,{x}">XLSX</a></span>')

    def _num(self, v: float) -> str:
        v = 0.0 if abs(v) < 0.5 * 10 ** -self.digits else v          # no "-0.00"
        return f"{v:+.{self.digits}f}" if self.signed else f"{v:.{self.digits}f}"

    def _band(self, k: int, row: Sequence[Any]) -> str:
        if k not in self.bands:
            return ""
        lo, hi = (row[j] for j in self.bands[k])
        if not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)):
            return '<span class="iv">no interval</span>'
        return f'<span class="iv">{self._num(lo)} to {self._num(hi)}</span>'

    def _cell(self, k: int, v: Any, row: Sequence[Any]) -> str:
        if v is None:
            return '<td class="muted">n/a</td>'
        if isinstance(v, bool):
            return f"<td>{'yes' if v else 'no'}</td>"
        if isinstance(v, (int, float)) and k not in self.text_cols:
            cls = "neg" if v < 0 and abs(v) >= 0.5 * 10 ** -self.digits else (
                "pos" if self.signed and v >= 0.5 * 10 ** -self.digits else "")
            return f'<td class="{cls}">{self._num(v)}{self._band(k, row)}</td>'
        text = escape(str(v))
        if k in self.links and row[self.links[k]]:
            text = Markup(f'<a href="{escape(row[self.links[k]])}">{text}</a>')
        cls = "l nw" if _DATE.fullmatch(str(v)) or k in self.nowrap else "l"     # a date never breaks over lines
        return f'<td class="{cls}">{text}</td>'

    def html(self) -> Markup:
        """The table (caption, header, rows) followed by its download links."""
        hidden = set(self.links.values()) | {j for pair in self.bands.values() for j in pair}
        shown = [k for k in range(len(self.columns)) if k not in hidden]
        head = "".join(f'<th class="{"l" if k in self.text_cols else ""}">{escape(self.columns[k])}</th>'
                       for k in shown)
        body = "".join("<tr>" + "".join(self._cell(k, r[k], r) for k in shown) + "</tr>" for r in self.rows)
        note = f'<p class="muted">{escape(self.note)}</p>' if self.note else ""
        cls = "tbl banded" if self.bands else "tbl"
        return Markup(f'<figure class="{cls}" id="t-{self.slug}"><figcaption>{escape(self.title)}</figcaption>'
                      f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}'
                      f'{self.downloads()}</figure>')
