"""Build the Automotive Appendix part tables (Tables A.1, A.2, B, C, D, E, F, G, S) as tidy CSV.

The source is Canada's consolidated XML of the CUSMA Rules of Origin Regulations, SOR/2020-155
(Justice Canada LIMS XML, ``legal/SOR-2020-155.xml`` in the shared data folder), Part 6 and its
Tables. The same trilateral tables are in 19 CFR Part 182, Appendix A (US). The XML is read at
build time from ``usmca.paths.shared_data_dir()``; only the derived CSV is written into the law
tree (``usmca/ch04_appendix_autos/tables/<name>.csv``), one row per HS code listed, with the
provenance columns of ``usmca.law.table`` on every row.

Columns
-------
seq          row of the legal table (1-based; one legal row listing several codes gives several
             CSV rows with the same ``seq``)
hs           the code as printed, without "ex" (``8708.99.aa``, ``8482.10-8482.80``, ``40.09``)
hs6          the HS code the rule language can match: ``hs`` without a national tariff-item
             suffix (``8708.99``); ranges kept (``8482.10-8482.80``)
ex           ``true`` when only part of ``hs6`` is covered ("ex" code or national tariff item)
category     Table A.2 column 1 part (Engines, Transmissions, ...); Table S metal (steel,
             aluminum); Table G component; empty otherwise
description  the legal description (Table A.2: the column 2 component; Table G: the materials)

Usage::

    python -m usmca.law.build_auto_tables           # rewrite the CSVs
    python -m usmca.law.build_auto_tables --check   # exit 1 if a CSV differs from a rebuild
"""

from __future__ import annotations

import csv
import functools
import io
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

from usmca.errors import UserInputError
from usmca.paths import shared_data_dir

from .parameter import parse_parameter
from .tree import PARAMS_ROOT
from .values import load_yaml

__all__ = ["TABLES", "COLUMNS", "P_IN_FORCE", "in_force", "build_tables", "write_tables", "tables_dir", "source_xml"]

#: Table letter in the regulation -> CSV/YAML name in the law tree.
TABLES: dict[str, str] = {"A.1": "a1", "A.2": "a2", "B": "b", "C": "c", "D": "d", "E": "e", "F": "f",
                          "G": "g", "S": "s"}
COLUMNS = ("seq", "hs", "hs6", "ex", "category", "description",
           "effective_from", "effective_to", "instrument", "provision", "url")
INSTRUMENT = "SOR/2020-155 (CUSMA Rules of Origin Regulations)"
URL = "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2020-155/FullText.html"
#: Law-tree parameter giving the date the Regulations (and so the tables) come into force (s. 21).
P_IN_FORCE = "usmca/ch04/uniform_regulations/entry_into_force"

_CODE = re.compile(r"(ex\s*)?(\d{4}\.\d{2}(?:\.[a-z]{2})?|\d{2}\.\d{2})")


@functools.lru_cache(maxsize=1)
def in_force() -> str:
    """ISO date from which the tables apply, read from the law tree (SOR/2020-155 s. 21).

    Only the one YAML file is parsed (not the whole tree), because the tree also loads the table
    CSVs this module rewrites.
    """
    path = PARAMS_ROOT / f"{P_IN_FORCE}.yaml"
    param = parse_parameter(P_IN_FORCE, load_yaml(path.read_text(encoding="utf-8")), path.name)
    return str(param.entries[0].value)


def tables_dir() -> Path:
    """Folder of the table CSV/YAML files in the law tree."""
    return PARAMS_ROOT / "usmca" / "ch04_appendix_autos" / "tables"


def source_xml() -> Path:
    """The SOR/2020-155 XML in the shared data folder (UserInputError when absent)."""
    d = shared_data_dir()
    path = d / "legal" / "SOR-2020-155.xml" if d is not None else None
    if path is None or not path.is_file():
        raise UserInputError("shared data", "legal/SOR-2020-155.xml", str(path), "the source XML is not available")
    return path


def _text(e: ET.Element) -> str:
    return " ".join("".join(e.itertext()).split())


def _pieces(e: ET.Element) -> str:
    """Cell text with element boundaries kept as spaces (codes are often run together)."""
    return " ".join(" ".join(p.split()) for p in e.itertext() if p.strip())


def _codes(cell: str) -> list[tuple[str, bool]]:
    """(code, ex) pairs of one cell; "A through B" becomes the range "A-B"."""
    found = [(m.group(2), bool(m.group(1))) for m in _CODE.finditer(cell)]
    if "through" in cell and len(found) == 2:
        return [(f"{found[0][0]}-{found[1][0]}", found[0][1])]
    return found


def _row(table: str, seq: int, code: str, ex: bool, category: str, description: str) -> dict[str, str]:
    national = bool(re.search(r"\.[a-z]{2}$", code))
    hs6 = re.sub(r"\.[a-z]{2}$", "", code)
    return {"seq": str(seq), "hs": code, "hs6": hs6, "ex": "true" if (ex or national) else "false",
            "category": category, "description": description,
            "effective_from": in_force(), "effective_to": "",
            "instrument": INSTRUMENT, "provision": f"Part 6, Table {table}", "url": URL}


def _blocks(root: ET.Element) -> Iterator[tuple[str, list[ET.Element]]]:
    """(table letter, elements after its heading up to the next heading)."""
    body = root.find("Body")
    if body is None:
        raise UserInputError("SOR-2020-155.xml", "Body", None, "no Body element: not the expected LIMS XML")
    parent = {c: p for p in body.iter() for c in p}
    for h in body.iter("Heading"):
        m = re.match(r"TABLE ([A-Z](?:\.\d)?)", _text(h))
        if not m or m.group(1) not in TABLES:
            continue
        siblings = list(parent[h])
        out: list[ET.Element] = []
        for s in siblings[siblings.index(h) + 1:]:
            if s.tag == "Heading":
                break
            out.append(s)
        yield m.group(1), out


def _simple(table: str, elems: list[ET.Element]) -> list[dict[str, str]]:
    rows, seq = [], 0
    for row in (r for e in elems if e.tag == "TableGroup" for r in e.iter("row")):
        cells = row.findall("entry")
        if len(cells) < 2 or _text(cells[0]).startswith("Harmonized"):
            continue
        codes = _codes(_pieces(cells[0]))
        if not codes:
            continue
        seq += 1
        rows += [_row(table, seq, c, ex, "", _text(cells[1])) for c, ex in codes]
    return rows


def _a2(elems: list[ET.Element]) -> list[dict[str, str]]:
    rows, seq, part = [], 0, ""
    for row in (r for e in elems if e.tag == "TableGroup" for r in e.iter("row")):
        cells = row.findall("entry")
        if len(cells) == 3:
            part, comp, cell = _text(cells[0]), _text(cells[1]), _pieces(cells[2])
        elif len(cells) == 2:
            comp, cell = _text(cells[0]), _pieces(cells[1])
        else:
            continue
        codes = _codes(cell)
        if not codes:
            continue
        seq += 1
        rows += [_row("A.2", seq, c, ex, part, comp) for c, ex in codes]
    return rows


def _s(elems: list[ET.Element]) -> list[dict[str, str]]:
    rows, seq, metal, heading = [], 0, "", ""
    for row in (r for e in elems if e.tag == "TableGroup" for r in e.iter("row")):
        cells = row.findall("entry")
        if len(cells) == 3:
            first = _text(cells[0]).lower()
            if first in ("steel", "aluminum"):
                metal, heading = first, _text(cells[1])
            continue
        if len(cells) != 2:
            continue
        desc, codes = _text(cells[0]), _codes(_pieces(cells[1]))
        if not codes:
            heading = desc
            continue
        seq += 1
        full = f"{heading} / {desc}" if heading else desc
        rows += [_row("S", seq, c, ex, metal, full) for c, ex in codes]
    return rows


def _g(elems: list[ET.Element]) -> list[dict[str, str]]:
    rows, seq = [], 0
    for e in (e for e in elems if e.tag == "Provision"):
        m = re.match(r"Component: (.+?) provided for in (?:heading|subheading) (.+?)\s*\d\s*Materials:\s*(.*)$", _text(e))
        if not m:
            continue
        seq += 1
        rows += [_row("G", seq, c, ex, m.group(1), m.group(3)) for c, ex in _codes(m.group(2))]
    return rows


def build_tables(xml_path: Path | None = None) -> dict[str, str]:
    """CSV text of every table, keyed by its law-tree name (``a1``, ``a2``, ..., ``s``).

    Parameters
    ----------
    xml_path
        The SOR/2020-155 XML; default :func:`source_xml`.
    """
    root = ET.fromstring((xml_path or source_xml()).read_bytes())
    out: dict[str, str] = {}
    for letter, elems in _blocks(root):
        rows = {"A.2": _a2, "S": _s, "G": _g}.get(letter, lambda el, letter=letter: _simple(letter, el))(elems)
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        out[TABLES[letter]] = buf.getvalue()
    missing = sorted(set(TABLES.values()) - set(out))
    if missing:
        raise UserInputError("SOR-2020-155.xml", "Part 6 tables", missing, "tables not found in the XML")
    return out


def write_tables(xml_path: Path | None = None) -> list[Path]:
    """Rebuild and write every CSV beside its YAML; returns the files written."""
    written = []
    for name, text in build_tables(xml_path).items():
        p = tables_dir() / f"{name}.csv"
        p.write_text(text, encoding="utf-8")
        written.append(p)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        built = build_tables()
        stale = [n for n, t in built.items() if (tables_dir() / f"{n}.csv").read_text(encoding="utf-8") != t]
        print("stale: " + ", ".join(stale) if stale else "all tables up to date")
        return 1 if stale else 0
    for p in write_tables():
        print(p.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
