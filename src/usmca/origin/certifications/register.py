"""The supplier-certification register: what each supplier has certified, for which materials, when.

A producer holds, for materials it buys, either a **certification of origin** from its supplier
(USMCA Art. 5.2: the material is originating; it may cover one shipment or a **blanket period** of at
most 12 months, Art. 5.2.4(b), law parameter ``usmca/ch05/blanket_period_max``) or a **producer
statement** for accumulation (Art. 4.11; UR s. 9): ``nc_vnm`` (net cost and value of
non-originating materials, s. 9(2)(a)), ``amount`` (an amount of originating value, s. 9(2)(b)),
``tv_vnm`` (s. 9(3)) or ``tariff_classification`` (the HS of all non-originating materials and a
statement that the material was produced entirely in the territory, s. 9(7)(a)(ii)).

One record: ``id``, ``supplier``, the materials covered (``parts``: material ids; ``hs``: HS codes,
a material matching by prefix), ``type``, ``blanket_from``/``blanket_to`` (the period it covers),
``signed`` (date), the statement's figures, and optionally ``renewal_cost`` (what obtaining or
renewing it costs the producer, for the what-if). Read from CSV, XLSX (first sheet or sheet
``certifications``) or YAML (a list, or ``{certifications: [...]}``); every error names the file,
row and column (exit 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from usmca.errors import UserInputError
from usmca.law.userfile import read_user_text
from usmca.law.values import load_yaml_all

from ..bom import SupplierStatement
from ..spreadsheet_cells import Cell, read_book

__all__ = ["Certification", "TYPES", "read_register", "COLUMNS"]

#: ``certificate_of_origin`` (Art. 5.2) and the producer-statement types of UR s. 9 the BOM knows.
TYPES = ("certificate_of_origin", "nc_vnm", "amount", "tv_vnm", "tariff_classification")
_NUM, _TXT, _DATE, _LIST, _BOOL = "number", "text", "date", "list", "bool"
COLUMNS: dict[str, str] = {
    "id": _TXT, "supplier": _TXT, "parts": _LIST, "hs": _LIST, "type": _TXT, "blanket_from": _DATE,
    "blanket_to": _DATE, "signed": _DATE, "net_cost": _NUM, "vnm": _NUM, "amount": _NUM, "added_costs": _NUM,
    "non_originating_hs": _LIST, "produced_entirely_in_territory": _BOOL, "renewal_cost": _NUM, "note": _TXT,
}
REQUIRED = ("id", "supplier", "type", "blanket_from", "blanket_to", "signed")


@dataclass(frozen=True)
class Certification:
    """One certification of the register (see the module docstring)."""

    id: str
    supplier: str
    type: str
    blanket_from: dt.date
    blanket_to: dt.date
    signed: dt.date
    parts: tuple[str, ...] = ()
    hs: tuple[str, ...] = ()
    figures: dict[str, Any] = field(default_factory=dict)
    renewal_cost: Decimal | None = None
    note: str = ""

    def valid_on(self, day: dt.date) -> bool:
        """In force on ``day``: signed by then and ``day`` within the blanket period."""
        return self.signed <= day and self.blanket_from <= day <= self.blanket_to

    def covers(self, material_id: str | None, hs: str | None) -> bool:
        """Whether the certification is about this material (its id, or its HS code by prefix)."""
        if material_id is not None and material_id in self.parts:
            return True
        return hs is not None and any(hs.startswith(h) for h in self.hs)

    def statement(self) -> dict[str, Any] | None:
        """The BOM's ``supplier_statement`` mapping for a UR s. 9 type (``None`` for a certificate)."""
        if self.type == "certificate_of_origin":
            return None
        return {"type": self.type, "producer": self.supplier, **self.figures}

    def as_row(self) -> dict[str, Any]:
        return {"id": self.id, "supplier": self.supplier, "type": self.type, "blanket_from": self.blanket_from,
                "blanket_to": self.blanket_to, "signed": self.signed, "parts": list(self.parts),
                "hs": list(self.hs), **{k: self.figures.get(k) for k in ("net_cost", "vnm", "amount",
                                                                          "added_costs", "non_originating_hs",
                                                                          "produced_entirely_in_territory")},
                "renewal_cost": self.renewal_cost, "note": self.note}


def _digits(code: str, cell: Cell) -> str:
    d = code.replace(".", "").strip()
    if not d.isdigit() or len(d) not in (2, 4, 6, 8, 10):
        raise cell.error(f"not an HS code: {code!r} (e.g. 8503.00)")
    return d


def _record(cells: dict[str, Cell], blanket_max: int, source: str) -> Certification:
    v: dict[str, Any] = {}
    for name, c in cells.items():
        kind = COLUMNS[name]
        v[name] = {_NUM: c.number, _TXT: c.text, _DATE: c.date, _LIST: c.listing, _BOOL: c.boolean}[kind]()
    for r in REQUIRED:
        if v.get(r) in (None, ""):
            raise cells[r].error("required")
    typ = str(v["type"]).strip().lower()
    if typ not in TYPES:
        raise cells["type"].error(f"must be one of {', '.join(TYPES)}")
    start, end, signed = (dt.date.fromisoformat(v[k]) for k in ("blanket_from", "blanket_to", "signed"))
    if end < start:
        raise cells["blanket_to"].error("the blanket period ends before it begins")
    if typ == "certificate_of_origin":
        limit = _add_months(start, blanket_max)
        if end >= limit:
            raise cells["blanket_to"].error(f"a blanket period is at most {blanket_max} months (USMCA Art. 5.2.4(b))")
    parts = tuple(v.get("parts") or ())
    hs = tuple(_digits(h, cells["hs"]) for h in v.get("hs") or ())
    if not parts and not hs:
        raise cells["id"].error("covers no material: give parts (material ids) or hs")
    figures = {k: v[k] for k in ("net_cost", "vnm", "amount", "added_costs", "produced_entirely_in_territory")
               if v.get(k) is not None}
    if v.get("non_originating_hs"):
        figures["non_originating_hs"] = list(v["non_originating_hs"])
    need = {"nc_vnm": ("net_cost", "vnm"), "amount": ("amount",), "tv_vnm": ("vnm",),
            "tariff_classification": ("produced_entirely_in_territory",)}.get(typ, ())
    for f in need:  # UR s. 9(2)-(5), 9(7): the statement is made of these figures
        if v.get(f) is None:
            raise (cells.get(f) or cells["type"]).error(f"a {typ} statement needs {f} (UR s. 9)")
    if typ != "certificate_of_origin":
        try:
            SupplierStatement.model_validate({"type": typ, **figures})
        except ValidationError as exc:  # pydantic's message, on the record's row
            msg = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise cells["type"].error(msg) from None
    rc = v.get("renewal_cost")
    if rc is not None and rc < 0:
        raise cells["renewal_cost"].error("must be >= 0")
    return Certification(str(v["id"]), str(v["supplier"]), typ, start, end, signed, parts, hs, figures, rc,
                         str(v.get("note") or ""))


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)  # pragma: no cover


def _yaml_rows(path: Path) -> list[dict[str, Cell]]:
    name = str(path)
    docs = [d for d in load_yaml_all(read_user_text(path, "certification register")) if d is not None]
    items: Any = docs[0] if len(docs) == 1 else docs
    if isinstance(items, dict):
        items = items.get("certifications")
    if not isinstance(items, list):
        raise UserInputError(name, "certifications", type(items).__name__, "a list of certifications is needed")
    rows: list[dict[str, Cell]] = []
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            raise UserInputError(name, f"certifications[{i}]", type(it).__name__, "must be a mapping")
        for k in it:
            if k not in COLUMNS:
                raise UserInputError(name, f"certifications[{i}].{k}", k, f"unknown field (known: {', '.join(COLUMNS)})")
        rows.append({k: _YamlCell(name, None, i, k, j, it.get(k)) for j, k in enumerate(COLUMNS) if k in it or k in REQUIRED})
    return rows


class _YamlCell(Cell):
    @property
    def where(self) -> str:  # certifications[3].blanket_to
        return f"certifications[{self.row}].{self.column}"

    def listing(self) -> list[str]:
        if isinstance(self.value, list):
            return [str(x).strip() for x in self.value]
        return super().listing()


def read_register(path: str | Path, blanket_max_months: int) -> list[Certification]:
    """Every certification of a CSV, XLSX or YAML register file (errors name row and column).

    Parameters
    ----------
    path
        The register file (only read).
    blanket_max_months
        The longest blanket period of a certification of origin (law parameter
        ``usmca/ch05/blanket_period_max``, Art. 5.2.4(b)).
    """
    p = Path(path)
    name = str(path)
    if p.suffix.lower() in (".yaml", ".yml", ".json"):
        rows = _yaml_rows(p)
    else:
        book = read_book(p)
        sheet = book.sheet("certifications") or book.sheet("materials") or next(iter(book.sheets.values()), None)
        if sheet is None:
            raise UserInputError(name, "", name, "no sheet")
        missing = [c for c in REQUIRED if c not in sheet.header]
        unknown = [h for h in sheet.header if h and h not in COLUMNS]
        if unknown:
            raise UserInputError(name, f"{sheet.label()} header", unknown[0], f"unknown column (known: {', '.join(COLUMNS)})")
        if missing:
            raise UserInputError(name, f"{sheet.label()} header", ", ".join(missing), "missing column(s)")
        rows = list(sheet.table())
    out: list[Certification] = []
    seen: dict[str, Cell] = {}
    for cells in rows:
        rec = _record(cells, blanket_max_months, name)
        if rec.id in seen:
            raise cells["id"].error(f"duplicate id (also at {seen[rec.id].where})")
        seen[rec.id] = cells["id"]
        out.append(rec)
    if not out:
        raise UserInputError(name, "", name, "no certification in the file")
    return out
