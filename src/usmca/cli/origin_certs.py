"""``usmca origin certifications``: the supplier-certification register (import, list, expiring, depends).

The register lives in the DuckDB store (``--store`` or ``$USMCA_STORE``); ``--register FILE`` reads
a register file directly instead. See ``examples/certifications/README.md``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError

from .apps import origin_app
from .output import console, emit_json

certs_app = typer.Typer(help="Supplier certifications: import the register, find expiring ones and what they "
                             "cost the portfolio.", no_args_is_help=True)
origin_app.add_typer(certs_app, name="certifications")

_BOM_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")


def _blanket_max(day: dt.date) -> int:
    from usmca.law import default_tree

    return int(default_tree().at("usmca/ch05/blanket_period_max", day))


def _as_of(text: Optional[str]) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserInputError("--as-of", "", text, "not a date (expected YYYY-MM-DD)") from None


def _register(register: Optional[Path], store: Optional[Path], day: dt.date) -> list[Any]:
    from usmca.origin.certifications import load_register, read_register

    certs = read_register(register, _blanket_max(day)) if register is not None else load_register(store)
    if not certs:
        raise UserInputError("--register", "", None, "no certification register: import one with 'usmca origin "
                                                     "certifications import FILE' or pass --register FILE")
    return certs


def _boms(folder: Optional[Path]) -> list[Any]:
    from usmca.origin.spreadsheet import load_boms_any

    if folder is None:
        return []
    if not folder.is_dir():
        raise UserInputError("--bom-dir", "", str(folder), "not a folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _BOM_SUFFIXES)
    if not files:
        raise UserInputError("--bom-dir", "", str(folder), "no .yaml/.json/.csv/.xlsx BOM in the folder")
    return [b for f in files for b in load_boms_any(f)]


@certs_app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="Register file: .csv, .xlsx or .yaml."),
    replace: bool = typer.Option(False, "--replace", help="Replace the whole register (default: add or update by id)."),
    store: Optional[Path] = typer.Option(None, "--store", help="DuckDB store file (default: $USMCA_STORE)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Import the certifications a producer holds into the store (one transaction)."""
    from usmca.origin.certifications import read_register, save_register

    certs = read_register(path, _blanket_max(dt.date.today()))
    counts = save_register(certs, str(path), store, replace=replace)
    doc = {"source": str(path), "certifications": len(certs), **counts}
    if json_out:
        emit_json(doc)
        return
    console.print(f"{len(certs)} certifications imported from {path}: {counts['inserted']} new, "
                  f"{counts['updated']} updated, {counts['removed']} removed")


@certs_app.command("list")
def list_cmd(
    store: Optional[Path] = typer.Option(None, "--store", help="DuckDB store file (default: $USMCA_STORE)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """The register as stored."""
    certs = _register(None, store, dt.date.today())
    rows = [c.as_row() for c in certs]
    if json_out:
        emit_json(rows)
        return
    t = Table("id", "supplier", "type", "covers", "blanket", "signed", title="Certification register")
    for c in certs:
        t.add_row(c.id, c.supplier, c.type, ", ".join([*c.parts, *c.hs]), f"{c.blanket_from} to {c.blanket_to}",
                  str(c.signed))
    console.print(t)


@certs_app.command("expiring")
def expiring_cmd(
    within: int = typer.Option(..., "--within", min=0, max=3660, help="Days ahead."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date to count from (default today)."),
    bom_dir: Optional[Path] = typer.Option(None, "--bom-dir", help="Folder of the producer's BOMs."),
    register: Optional[Path] = typer.Option(None, "--register", help="Read the register from this file."),
    store: Optional[Path] = typer.Option(None, "--store", help="DuckDB store file (default: $USMCA_STORE)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Certifications lapsing within N days, the goods that stop qualifying, the cheapest renewal."""
    from usmca.origin.certifications import expiring

    day = _as_of(as_of)
    certs = _register(register, store, day)
    out = expiring(_boms(bom_dir), certs, day, within)
    if json_out:
        emit_json(out)
        return
    t = Table("id", "supplier", "type", "ends", "days", "renewal cost", "goods", title=f"Lapsing by {out['until']}")
    for c in out["expiring"]:
        t.add_row(c["id"], c["supplier"], c["type"], c["blanket_to"], str(c["days_left"]),
                  "" if c["renewal_cost"] is None else f"{c['renewal_cost']:,.2f}", "; ".join(c["goods"]))
    console.print(t)
    for g in out["goods"]:
        if not g["stops_qualifying"]:
            continue
        best = g["renewal"]["cheapest"]
        cost = "unknown cost" if best.get("cost") is None else f"cost {best['cost']:,.2f}"
        console.print(f"[red]{g['good']}[/] stops qualifying; cheapest renewal: {', '.join(best['renew'])} ({cost})")
    if bom_dir is not None and not out["stop_qualifying"]:
        console.print("No good stops qualifying in that period.")


@certs_app.command("depends")
def depends_cmd(
    bom_dir: Path = typer.Option(..., "--bom-dir", help="Folder of the producer's BOMs."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date of the determinations (default today)."),
    register: Optional[Path] = typer.Option(None, "--register", help="Read the register from this file."),
    store: Optional[Path] = typer.Option(None, "--store", help="DuckDB store file (default: $USMCA_STORE)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Which determinations depend on which certification."""
    from usmca.origin.certifications import dependencies

    day = _as_of(as_of)
    rows = dependencies(_boms(bom_dir), _register(register, store, day), day)
    if json_out:
        emit_json({"as_of": day.isoformat(), "goods": rows})
        return
    t = Table("good", "status", "certifications used", "depends on", title=f"Determinations on {day}")
    for r in rows:
        t.add_row(r["good"], {True: "originating", False: "not originating", None: "undetermined"}[r["originating"]],
                  ", ".join(r["certifications_used"]), ", ".join(r["depends_on"]))
    console.print(t)
