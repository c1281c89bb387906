"""``usmca data load psr FILE_OR_URL``: build the product-specific-rule library from GN11 text.

Reads HTSUS General Note 11 (the USITC release: text, HTML, or PDF with the optional ``pypdf``)
from a file, or from a URL (the only case that touches the network), parses subdivision (o) into
the rule language and writes ``chNN.yaml`` + ``registry.csv`` into ``--out`` or the user library
folder (``$USMCA_PSR_LIBRARY``, else ``~/.local/share/usmca/psr``), never into the package.
``usmca data psr-coverage`` shows what is encoded.

The ``data load`` group is :data:`usmca.cli.apps.data_load_app`, shared by every loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError

from .apps import data_app, data_load_app
from .output import console, emit_json

@data_load_app.command("psr")
def load_psr(
    source: str = typer.Argument(..., metavar="FILE_OR_URL", help="General Note 11 text: path or http(s) URL."),
    out: Optional[Path] = typer.Option(None, "--out", help="Library folder to write (default: the user library)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Parse HTSUS General Note 11(o) into the PSR library (one YAML file per HS chapter)."""
    from usmca.origin.psr.library import PACKAGE_LIBRARY, clear_cache, user_library_dir
    from usmca.origin.psr.sources import import_text, read_source

    target = (out or user_library_dir()).expanduser()
    if target.resolve() == PACKAGE_LIBRARY.resolve():
        raise UserInputError("--out", "", str(target), "the packaged library is rebuilt by its maintainers, "
                                                        "not by a user import; choose another folder")
    summary = import_text(read_source(source), source, target)
    clear_cache()
    if json_out:
        emit_json(summary)
        return
    console.print(f"[bold]PSR library written[/bold] to {target}: {summary['rules']} rule entries in "
                  f"{len(summary['chapters'])} chapters; {summary['cut_off']} rules cut off in the source "
                  "(not encoded).")


@data_app.command("psr-coverage")
def psr_coverage(json_out: bool = typer.Option(False, "--json", help="Write one JSON document.")) -> None:
    """Which HS chapters' product-specific rules are encoded, and from which source."""
    from usmca.origin.psr import coverage

    df = coverage()
    if json_out:
        emit_json(df.to_dict(orient="records"))
        return
    t = Table("chapter", "status", "rules", "alternatives", "unsupported", "cut off", "library",
              title="PSR library coverage (chapters with anything encoded)")
    for r in df[df["rules"] > 0].itertuples():
        t.add_row(str(r.chapter), r.status, str(r.rules), str(r.alternatives), str(r.alternatives_unsupported),
                  str(r.rules_cut_off), r.library)
    console.print(t)
    missing = df[df["rules"] == 0]["chapter"].tolist()
    console.print(f"No rule encoded for {len(missing)} chapters: a lookup there answers 'not encoded'. "
                  "Build the full library with: usmca data load psr FILE_OR_URL")


@data_app.command("psr-rule")
def psr_rule(
    hs: str = typer.Argument(..., help="HS code of the good (e.g. 8402.90 or 8471300000)."),
    date: Optional[str] = typer.Option(None, "--date", help="Date the rule must be in force on (default today)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """The product-specific rule of a good, or a plain 'not encoded' (never a guessed rule)."""
    from usmca.origin.psr import coverage
    from usmca.origin.psr.library import lookup
    from usmca.hs import normalize

    found = lookup(hs, date)
    if found is None:
        ch = int(normalize(hs)[:2])
        table = coverage().set_index("chapter")
        if ch not in table.index:
            raise UserInputError("HS", "", hs, f"HS chapter {ch:02d} does not exist in the Harmonized System")
        row = table.loc[ch]
        doc = {"hs": hs, "encoded": False, "chapter": ch, "chapter_status": row["status"],
               "reason": f"no rule for {hs} is encoded (chapter {ch}: {row['status']}); build the full library "
                         "with: usmca data load psr FILE_OR_URL"}
        if json_out:
            emit_json(doc)
        else:
            console.print(doc["reason"])
        return
    if json_out:
        emit_json({"encoded": True, **found})
        return
    ref = found["reference"]
    console.print(f"[bold]{found['hs']}[/bold] ({ref.get('provision')}; {ref.get('url')})")
    for i, a in enumerate(found["alternatives"], 1):
        parts = [f"shift {a.get('shift')}"]
        if a.get("except"):
            parts.append("except " + ", ".join(a["except"]))
        if a.get("from_only"):
            parts.append("only from " + ", ".join(a["from_only"]))
        if a.get("rvc"):
            parts.append("RVC " + ", ".join(f"{k.upper()} {v}%" for k, v in a["rvc"].items()))
        if a.get("unsupported"):
            parts.append(f"[yellow]not evaluable: {a['unsupported']}[/yellow]")
        console.print(f"  {i}. " + "; ".join(parts))
