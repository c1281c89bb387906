"""Writing BOMs as spreadsheets or YAML, and portfolio results as CSV/XLSX.

The inverse of :mod:`.spreadsheet`: a validated :class:`usmca.origin.bom.Bom` becomes the good's
``field | value`` rows and one material row per material (sub-assemblies flattened with their
``parent``), in the layout of ``examples/spreadsheets/template.*``; fields without a column go to
the ``extra`` cell as a JSON mapping, so that reading the file back gives the same BOM.
``usmca origin convert`` writes to a new file and never over the file it reads.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

import yaml

from usmca.errors import UserInputError

from .bom import Bom
from .spreadsheet import GOOD_FIELDS, MATERIAL_COLUMNS

__all__ = ["bom_tables", "write_spreadsheet", "boms_to_yaml", "write_results", "bom_mapping"]

_MAT_ORDER = [c for c in MATERIAL_COLUMNS if c not in ("bom",)]


def _dotted(code: str | None) -> str | None:
    if code is None:
        return None
    if len(code) == 2:
        return code
    if len(code) == 4:
        return f"{code[:2]}.{code[2:]}"
    return ".".join([code[:4]] + [code[i:i + 2] for i in range(4, len(code), 2)])


def _plain(v: Any) -> Any:
    """Plain value (dates -> text; Decimals kept, each writer spells them exactly)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def bom_mapping(bom: Bom) -> dict[str, Any]:
    """The BOM as a plain mapping in the YAML layout (HS codes dotted, defaults left out)."""
    d = bom.model_dump(mode="python", exclude_defaults=True, exclude={"source"})

    def fix(node: dict[str, Any]) -> None:
        if "hs" in node:
            node["hs"] = _dotted(node["hs"])
        st = node.get("supplier_statement")
        if st and st.get("non_originating_hs"):
            st["non_originating_hs"] = [_dotted(c) for c in st["non_originating_hs"]]
        for m in node.get("materials", []):
            fix(m)

    fix(d["good"])
    for m in d.get("materials", []):
        fix(m)
    return _plain(d)


def _num(d: Decimal) -> int | float:
    """A Decimal as the JSON/XLSX number that reads back as the same Decimal (``repr`` of a float)."""
    return int(d) if "." not in str(d) and "E" not in str(d) else float(d)


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "), default=lambda d: _num(d))


def bom_tables(bom: Bom, key: str | None = None) -> tuple[list[tuple[str, Any]], list[dict[str, Any]]]:
    """The good's ``(field, value)`` pairs and the material rows of one BOM (``key``: its ``bom`` id)."""
    d = bom_mapping(bom)
    good = dict(d["good"])
    costs = good.pop("costs", None) or {}
    pairs: list[tuple[str, Any]] = []
    for f in GOOD_FIELDS:
        if f in good:
            v = good.pop(f)
            pairs.append((f, _json(v) if isinstance(v, (dict, list)) else v))
        elif f == "total_cost" and "total_cost" in costs:
            pairs.append((f, costs["total_cost"]))
        elif f in ("sales_promotion", "royalties", "shipping_packing", "non_allowable_interest") and \
                f in (costs.get("excluded") or {}):
            pairs.append((f, costs["excluded"][f]))
        elif f in ("automotive", "shipment", "averaging") and f in d:
            pairs.append((f, _json(d[f])))
    if good:
        pairs.append(("extra", _json(good)))
    rows: list[dict[str, Any]] = []

    def walk(ms: list[dict[str, Any]], parent: str | None) -> None:
        for m in ms:
            m = dict(m)
            subs = m.pop("materials", [])
            if m.get("id") is None:
                raise UserInputError(bom.source, "materials", m.get("description"), "a material without an id "
                                     "cannot be written as a spreadsheet row (give every material an id)")
            row: dict[str, Any] = {"bom": key, "parent": parent}
            st = m.pop("supplier_statement", None) or {}
            for k, v in st.items():
                row[f"statement_{k}"] = "; ".join(v) if isinstance(v, list) else v
            for c in _MAT_ORDER:
                if c in m:
                    v = m.pop(c)
                    row[c] = "; ".join(v) if c == "flags" else (_json(v) if isinstance(v, (dict, list)) else v)
            if m:
                row["extra"] = _json(m)
            rows.append(row)
            walk(subs, row["id"])

    walk(d.get("materials", []), None)
    return pairs, rows


def _columns(rows: list[dict[str, Any]], keyed: bool) -> list[str]:
    used = {k for r in rows for k, v in r.items() if v is not None}
    required = {"id", "parent", "hs", "value", "origin", "country", "description"}
    return [c for c in MATERIAL_COLUMNS if c in required or c in used or (c == "bom" and keyed)]


def write_spreadsheet(boms: Sequence[Bom], out: Path) -> Path:
    """Write BOMs to ``out`` (``.csv``: one BOM; ``.xlsx``: ``good`` or ``goods`` + ``materials``)."""
    suffix = out.suffix.lower()
    if suffix == ".csv":
        if len(boms) != 1:
            raise UserInputError(str(out), "", f"{len(boms)} BOMs", "a CSV file holds one BOM; write .xlsx for several")
        pairs, rows = bom_tables(boms[0])
        cols = _columns(rows, keyed=False)
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            for k, v in pairs:
                w.writerow([f"good.{k}", v])
            w.writerow([])
            w.writerow(cols)
            for r in rows:
                w.writerow(["" if r.get(c) is None else r[c] for c in cols])  # Decimal: exact text
        return out
    if suffix != ".xlsx":
        raise UserInputError(str(out), "", out.suffix, "write .csv, .xlsx or .yaml")
    import openpyxl

    wb = openpyxl.Workbook()
    keyed = len(boms) > 1
    keys = _keys(boms) if keyed else [None] * len(boms)
    tables = [bom_tables(b, k) for b, k in zip(boms, keys, strict=True)]
    if keyed:
        gs = wb.active
        gs.title = "goods"
        fields = [f for f in GOOD_FIELDS if any(k == f for p, _ in tables for k, _v in p)]
        fields = ["id"] + [f for f in fields if f != "id"]
        gs.append(fields)
        for (pairs, _), key in zip(tables, keys, strict=True):
            d = dict(pairs)
            d["id"] = key
            gs.append([_text_hs(f, d.get(f)) for f in fields])
    else:
        gs = wb.active
        gs.title = "good"
        gs.append(["field", "value"])
        for k, v in tables[0][0]:
            gs.append([k, _text_hs(k, v)])
    ms = wb.create_sheet("materials")
    rows = [r for _, rs in tables for r in rs]
    cols = _columns(rows, keyed)
    ms.append(cols)
    for r in rows:
        ms.append([_text_hs(c, r.get(c)) for c in cols])
    for ws in wb.worksheets:  # HS codes as text cells, so Excel keeps 8503.00
        for col in ws.iter_cols(min_row=1, max_row=1):
            if col[0].value in ("hs",):
                for c in ws[col[0].column_letter]:
                    c.number_format = "@"
    wb.save(out)
    return out


def _keys(boms: Sequence[Bom]) -> list[str]:
    """An id per good of a portfolio: its own id, else its file's name, made unique."""
    out: list[str] = []
    for i, b in enumerate(boms):
        base = b.good.id or (Path(b.source).stem if b.source and not b.source.startswith("<") else f"good{i + 1}")
        k, n = base, 2
        while k in out:
            k, n = f"{base}_{n}", n + 1
        out.append(k)
    return out


def _text_hs(name: str, v: Any) -> Any:
    if isinstance(v, Decimal):
        return _num(v)
    return str(v) if name == "hs" and v is not None else v


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, d: Decimal) -> yaml.Node:
    text = str(d)
    tag = "int" if "." not in text and "E" not in text else "float"
    return dumper.represent_scalar(f"tag:yaml.org,2002:{tag}", text)


_Dumper.add_representer(Decimal, _decimal)


def boms_to_yaml(boms: Sequence[Bom]) -> str:
    """YAML text of the BOMs (one mapping, or ``{boms: [...]}`` for several)."""
    docs = [bom_mapping(b) for b in boms]
    body: Any = docs[0] if len(docs) == 1 else {"boms": docs}
    return yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def write_results(rows: Sequence[dict[str, Any]], out: Path) -> Path:
    """Portfolio results (one row per good) as ``.csv`` or ``.xlsx`` (sheet ``results``)."""
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    suffix = out.suffix.lower()
    if suffix == ".csv":
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            for r in rows:
                w.writerow({k: _cell(r.get(k)) for k in cols})
        return out
    if suffix != ".xlsx":
        raise UserInputError("--output", "", str(out), "results are written as .csv or .xlsx")
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(cols)
    for r in rows:
        ws.append([_cell(r.get(k)) for k in cols])
    wb.save(out)
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return _json(_plain(v))
    if isinstance(v, Decimal):
        return _num(v)
    return v
