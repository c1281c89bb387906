"""Bills of materials from spreadsheets (CSV, XLSX): one row per material, the good in a header.

Layout (template and README under ``examples/spreadsheets/``):

* **the good**: in a CSV file, leading rows ``good.<field>,<value>`` (``good.hs,8501.52``); in an
  XLSX workbook, a sheet ``good`` of ``field | value`` rows, or a sheet ``goods`` with one row per
  good (a portfolio; column ``id`` names each good). Fields: :data:`GOOD_FIELDS`.
* **the materials**: a table (CSV: after the header block; XLSX: sheet ``materials``) with the
  columns :data:`MATERIAL_COLUMNS`; ``id`` is unique within a good, ``parent`` names the
  sub-assembly a row belongs to (blank: a material of the good itself; USMCA Art. 4.5, UR s. 7(4):
  the roll-up of self-produced materials), ``bom`` the good of a ``goods`` sheet. Supplier
  statements (Art. 4.11; UR s. 9) take the ``statement_*`` columns.

The rows become the BOM mapping of :mod:`usmca.origin.bom` (the same validation as a YAML BOM);
every error names the file, sheet, row and column (missing columns, merged cells, formulas, text
in number cells, duplicate ids, unknown parents: exit 2). The file is only read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from usmca.errors import UserInputError

from .bom import Bom, load_boms, parse_bom
from .spreadsheet_cells import Book, Cell, Sheet, read_book

__all__ = ["GOOD_FIELDS", "MATERIAL_COLUMNS", "REQUIRED_COLUMNS", "read_spreadsheet", "spreadsheet_dicts",
           "load_boms_any", "SPREADSHEET_SUFFIXES"]

SPREADSHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")
_NUM, _TXT, _BOOL, _DATE, _LIST, _ANY, _HS = "number", "text", "bool", "date", "list", "structured", "hs"
#: Fields of the good (header block / ``good`` sheet / columns of the ``goods`` sheet).
GOOD_FIELDS: dict[str, str] = {
    "id": _TXT, "description": _TXT, "hs": _HS, "produced_in": _TXT, "date": _DATE, "use": _TXT,
    "method": _TXT, "transaction_value": _NUM, "international_shipping": _NUM, "total_cost": _NUM,
    "sales_promotion": _NUM, "royalties": _NUM, "shipping_packing": _NUM, "non_allowable_interest": _NUM,
    "rule": _ANY, "imported_from": _TXT, "importing_country": _TXT, "wholly_obtained": _TXT, "weight": _NUM,
    "component_weight": _NUM,
    "set": _BOOL, "unassembled_gri2a": _BOOL, "remanufactured": _BOOL,
    "automotive": _ANY, "shipment": _ANY, "averaging": _ANY, "extra": _ANY,
}
_BOM_LEVEL = ("automotive", "shipment", "averaging")
_EXCLUDED = ("sales_promotion", "royalties", "shipping_packing", "non_allowable_interest")
#: Columns of the material table.
MATERIAL_COLUMNS: dict[str, str] = {
    "bom": _TXT, "id": _TXT, "parent": _TXT, "description": _TXT, "hs": _HS, "value": _NUM, "origin": _TXT,
    "country": _TXT, "flags": _LIST, "intermediate": _BOOL, "self_produced": _BOOL, "weight": _NUM,
    "statement_type": _TXT, "statement_producer": _TXT, "statement_net_cost": _NUM, "statement_vnm": _NUM,
    "statement_amount": _NUM, "statement_added_costs": _NUM, "statement_averaging_months": _NUM,
    "statement_non_originating_hs": _LIST, "statement_produced_entirely_in_territory": _BOOL,
    "statement_signed": _BOOL, "rule": _ANY, "extra": _ANY,
}
REQUIRED_COLUMNS = ("id", "parent", "hs", "value", "origin", "country")
_ALIASES = {"parent_id": "parent", "hs_code": "hs", "material_id": "id", "bom_id": "bom", "good": "bom",
            "origin_status": "origin"}


def _hs_text(c: Cell) -> str | None:
    """An HS code cell; a number typed into Excel loses trailing zeros (8503.00 -> 8503), so a
    number with a fraction is read with two decimals."""
    v = c.value
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.2f}"
    if isinstance(v, float):
        raise c.error("an HS code typed as a number is ambiguous (8503.00 shows as 8503): format the column as text")
    return c.text()


_READ: dict[str, Callable[[Cell], Any]] = {
    _NUM: Cell.number, _TXT: Cell.text, _BOOL: Cell.boolean, _DATE: Cell.date, _LIST: Cell.listing,
    _ANY: Cell.structured, _HS: _hs_text,
}


def _value(c: Cell, kind: str) -> Any:
    v = _READ[kind](c)
    if kind == _NUM and c.column == "statement_averaging_months" and v is not None:
        v = int(v)
    return v


def _good(fields: dict[str, Cell]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Cell]]:
    """The good mapping and the BOM-level entries from ``{field: Cell}``."""
    good: dict[str, Any] = {}
    bom: dict[str, Any] = {}
    for name, cell in fields.items():
        v = _value(cell, GOOD_FIELDS[name])
        if v is None:
            continue
        if name in _BOM_LEVEL:
            bom[name] = v
        elif name == "extra":
            if not isinstance(v, dict):
                raise cell.error("extra must be a mapping of further good fields, e.g. {weight: 3}")
            good.update(v)
        elif name == "total_cost":
            good.setdefault("costs", {})["total_cost"] = v
        elif name in _EXCLUDED:
            good.setdefault("costs", {}).setdefault("excluded", {})[name] = v
        else:
            good[name] = v
    return good, bom, fields


def _good_pairs(sheet: Sheet) -> dict[str, Cell]:
    out: dict[str, Cell] = {}
    for key, val in sheet.pairs():
        k = (key.text() or "").lower().replace(" ", "_")
        if k == "field" and (val.text() or "").lower() == "value":  # the optional "field | value" header
            continue
        if k not in GOOD_FIELDS:
            raise key.error(f"unknown good field (known: {', '.join(GOOD_FIELDS)})")
        if k in out:
            raise key.error("field given twice")
        out[k] = Cell(val.source, val.sheet, val.row, k, 1, val.value)
    return out


def _columns(sheet: Sheet, known: dict[str, str], required: tuple[str, ...]) -> None:
    sheet.header = [_ALIASES.get(h, h) for h in sheet.header]
    for i, h in enumerate(sheet.header):
        if h and h not in known:
            raise UserInputError(sheet.source, Cell(sheet.source, sheet.name, sheet.header_row, h, i, h).where,
                                 h, f"unknown column (known: {', '.join(known)})")
    missing = [c for c in required if c not in sheet.header]
    if missing:
        where = f"{sheet.label()} header" + (f" (row {sheet.header_row})" if sheet.header_row else "")
        raise UserInputError(sheet.source, where, ", ".join(missing), "missing column(s); the template "
                             "is examples/spreadsheets/template.csv")


def _material(row: dict[str, Cell]) -> dict[str, Any]:
    m: dict[str, Any] = {}
    st: dict[str, Any] = {}
    for name, cell in row.items():
        if name in ("bom", "parent"):
            continue
        v = _value(cell, MATERIAL_COLUMNS[name])
        if v is None or (name == "flags" and not v):
            continue
        if name.startswith("statement_"):
            st[name.removeprefix("statement_")] = v
        elif name == "extra":
            if not isinstance(v, dict):
                raise cell.error("extra must be a mapping of further material fields, e.g. {weight: 3}")
            m.update(v)
        else:
            m[name] = v
    if st:
        if "type" not in st:
            cell = next(c for n, c in row.items() if n.startswith("statement_") and not c.empty)
            raise cell.error("a supplier statement needs statement_type (nc_vnm, amount, tv_vnm, tariff_classification)")
        m["supplier_statement"] = st
    return m


def _tree(rows: list[dict[str, Cell]], paths: dict[str, dict[str, Cell]]) -> list[dict[str, Any]]:
    """Nest material rows under their parents; ``paths`` receives ``materials[i]...`` -> row."""
    by_id: dict[str, tuple[dict[str, Any], dict[str, Cell]]] = {}
    for row in rows:
        mid = row["id"].text()
        if mid is None:
            raise row["id"].error("every material needs an id")
        if mid in by_id:
            raise row["id"].error(f"duplicate id (also on row {by_id[mid][1]['id'].row})")
        by_id[mid] = (_material(row), row)
    top: list[dict[str, Any]] = []
    for mid, (m, row) in by_id.items():
        parent = row["parent"].text() if "parent" in row else None
        if parent is None:
            top.append(m)
            continue
        if parent not in by_id:
            raise row["parent"].error("no material with this id in the same good")
        seen: set[str] = {mid}
        p: str | None = parent
        while p is not None:
            if p in seen:
                raise row["parent"].error("the parent chain loops back to this material")
            seen.add(p)
            pr = by_id[p][1]
            p = pr["parent"].text() if "parent" in pr else None
        by_id[parent][0].setdefault("materials", []).append(m)

    def index(ms: list[dict[str, Any]], path: str) -> None:
        for i, m in enumerate(ms):
            here = f"{path}materials[{i}]"
            paths[here] = by_id[m["id"]][1]
            index(m.get("materials", []), here + ".")

    index(top, "")
    return top


def _locate(exc: UserInputError, good: dict[str, Cell], paths: dict[str, dict[str, Cell]]) -> UserInputError:
    """Re-address a BOM validation error (``materials[2].value``) to its sheet, row and column."""
    f = exc.field
    if f.startswith("good."):
        name = f.split(".")[1]
        name = "total_cost" if name == "costs" and "total_cost" in f else name
        if name == "costs":
            name = next((n for n in _EXCLUDED if n in f), name)
        cell = good.get(name) or good.get("extra")
        return cell.error(exc.reason) if cell is not None else exc
    best = max((p for p in paths if f == p or f.startswith(p + ".")), key=len, default=None)
    if best is None:
        return exc
    row = paths[best]
    rest = f[len(best) + 1:]
    name = rest.split(".")[0].split("[")[0]
    col = {"supplier_statement": "statement_" + (rest.split(".")[1] if "." in rest else "type")}.get(name, name)
    cell = row.get(col) or row.get("extra") or row["id"]
    return UserInputError(exc.source, cell.where, cell.value if cell.column == col else exc.value, exc.reason)


def spreadsheet_dicts(book: Book) -> list[tuple[dict[str, Any], dict[str, Cell], dict[str, dict[str, Cell]]]]:
    """BOM mappings of a workbook, each with the cells of its good and of its material rows."""
    src = book.source
    mats = book.sheet("materials")
    if mats is None:
        raise UserInputError(src, "", src, "no 'materials' sheet (the template is examples/spreadsheets/template.xlsx)")
    _columns(mats, MATERIAL_COLUMNS, REQUIRED_COLUMNS)
    goods: list[dict[str, Cell]] = []
    if book.sheet("goods") is not None:
        gs = book.sheets["goods"]
        _columns(gs, GOOD_FIELDS, ("id", "hs", "produced_in"))
        goods = list(gs.table())
    elif book.sheet("good") is not None:
        goods = [_good_pairs(book.sheets["good"])]
    else:
        raise UserInputError(src, "", src, "no good: add 'good.<field>' rows at the top of the CSV or a "
                                           "'good' / 'goods' sheet to the workbook")
    if not goods:
        raise UserInputError(src, "sheet 'goods'", None, "no good in the sheet")
    keyed = len(goods) > 1 or "bom" in mats.header
    ids = {g["id"].text(): g for g in goods if "id" in g} if keyed else {}
    if keyed:
        for g in goods:
            if g.get("id") is None or g["id"].text() is None:
                raise UserInputError(src, "goods", None, "each good of a portfolio needs an id (column 'id')")
        if "bom" not in mats.header:
            raise UserInputError(src, f"{mats.label()} header", "bom", "missing column: several goods need a 'bom' "
                                 "column naming each material's good")
    rows_of: dict[Any, list[dict[str, Cell]]] = {k: [] for k in ids} if keyed else {None: []}
    for row in mats.table():
        key = row["bom"].text() if keyed else None
        if keyed and key not in ids:
            raise row["bom"].error("no good with this id in the goods sheet")
        rows_of[key].append(row)
    out = []
    for g in goods:
        key = g["id"].text() if keyed else None
        good, bom_extra, gcells = _good(g)
        paths: dict[str, dict[str, Cell]] = {}
        out.append(({"good": good, "materials": _tree(rows_of[key], paths), **bom_extra}, gcells, paths))
    return out


def read_spreadsheet(path: str | Path) -> list[Bom]:
    """Every BOM of a CSV or XLSX file, validated like a YAML BOM (errors name sheet, row, column)."""
    book = read_book(path)
    out = []
    for raw, gcells, paths in spreadsheet_dicts(book):
        try:
            out.append(parse_bom(raw, book.source))
        except UserInputError as exc:
            raise _locate(exc, gcells, paths) from None
    return out


def load_boms_any(path: str | Path) -> list[Bom]:
    """BOMs of a YAML/JSON file (:func:`usmca.origin.bom.load_boms`) or of a CSV/XLSX spreadsheet."""
    if Path(path).suffix.lower() in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(path)
    return load_boms(path)
