"""``usmca origin convert``: a BOM between YAML, CSV and XLSX (the spreadsheet template's layout)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from usmca.errors import UserInputError

from .apps import origin_app
from .output import console


@origin_app.command("convert")
def convert_cmd(
    path: Path = typer.Argument(..., help="A BOM file: .yaml/.yml/.json, .csv or .xlsx."),
    to: str = typer.Option(..., "--to", help="Target format: yaml, csv or xlsx."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default for yaml: standard output)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists (never the input file)."),
) -> None:
    """Convert a BOM (or a portfolio) between YAML, CSV and XLSX; the input file is only read."""
    from usmca.origin.spreadsheet import load_boms_any
    from usmca.origin.spreadsheet_write import boms_to_yaml, write_spreadsheet

    fmt = to.strip().lower().lstrip(".")
    if fmt not in ("yaml", "yml", "csv", "xlsx"):
        raise UserInputError("--to", "", to, "must be yaml, csv or xlsx")
    if out is not None:
        if out.exists() and path.exists() and out.resolve() == path.resolve():
            raise UserInputError("--out", "", str(out), "is the input file; the input is never overwritten")
        if out.exists() and not force:
            raise UserInputError("--out", "", str(out), "exists; choose another file or pass --force")
        want = {"yml": ".yaml"}.get(fmt, f".{fmt}")
        if out.suffix.lower() not in ((".yaml", ".yml") if want == ".yaml" else (want,)):
            raise UserInputError("--out", "", str(out), f"must end in {want} for --to {fmt}")
    elif fmt in ("csv", "xlsx"):
        raise UserInputError("--out", "", None, f"--to {fmt} needs --out FILE.{fmt}")
    boms = load_boms_any(path)
    if fmt in ("yaml", "yml"):
        text = boms_to_yaml(boms)
        if out is None:
            typer.echo(text, nl=False)
            return
        out.write_text(text, encoding="utf-8")
    else:
        assert out is not None
        write_spreadsheet(boms, out)
    console.print(f"{len(boms)} BOM(s) written to {out}")
