"""``usmca origin certificate BOM.yaml --parties PARTIES.yaml``: certification of origin.

Writes the nine Annex 5-A data elements as JSON (``--json``) or as a printable HTML page
(``--out FILE.html``; to stdout when no file is given). Refuses (exit 2, one line) a good that
does not qualify, or a blanket period over the Chapter 5 maximum.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .apps import origin_app
from .output import console, emit_json, write_out


@origin_app.command("certificate")
def certificate(
    bom: Path = typer.Argument(..., help="Bill of materials (YAML/JSON) of the good to certify."),
    parties: Path = typer.Option(..., "--parties", help="PARTIES.yaml: certifier, exporter, producer, importer, signature."),
    blanket_from: Optional[str] = typer.Option(None, "--blanket-from", help="First day of a blanket period (YYYY-MM-DD)."),
    blanket_to: Optional[str] = typer.Option(None, "--blanket-to", help="Last day of a blanket period (YYYY-MM-DD)."),
    date: Optional[str] = typer.Option(None, "--date", help="Date of the origin determination (default: the BOM's)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the printable HTML here."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document (the data elements)."),
) -> None:
    """Complete a USMCA certification of origin (Annex 5-A) for an originating good."""
    from usmca.errors import UserInputError
    from usmca.origin.certificate import make_certificate, render_html

    if not bom.is_file():
        raise UserInputError(str(bom), "", str(bom), "file not found")
    cert = make_certificate(bom, parties, blanket_from=blanket_from, blanket_to=blanket_to, date=date)
    page = render_html(cert)
    if out is not None:
        if out.resolve() in (bom.resolve(), parties.resolve()):
            raise UserInputError("--out", "", str(out), "would overwrite an input file")
        write_out(out, page)
    if json_out:
        emit_json({**cert, "html": str(out) if out else None})
    elif out is not None:
        console.print(f"Certification of origin written to {out} (criterion {cert['origin_criterion']}).")
    else:
        typer.echo(page)
