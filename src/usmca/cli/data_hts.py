"""``usmca data load hts FILE`` and ``usmca data download hts``: the USITC HTS in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from usmca.errors import UserInputError
from usmca.law import parse_date

from .apps import data_download_app, data_load_app
from .output import console, emit_json


@data_load_app.command("hts")
def load_hts_cmd(
    file: Path = typer.Argument(..., help="USITC HTS JSON export (.json or .json.gz)."),
    effective_from: Optional[str] = typer.Option(None, "--effective-from", help="First day in force (YYYY-MM-DD); "
                                                 "default 1 January for a Basic edition."),
    revision: Optional[str] = typer.Option(None, "--revision", help="Revision name (default from the file name)."),
    store: Optional[Path] = typer.Option(None, "--store", help="Store file (default $USMCA_STORE or the user data dir)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Load one HTS revision into the store; a date then selects the revision in force."""
    from usmca.data.loaders.hts import load_hts
    from usmca.data.store import connect_on_use, store_path
    from usmca.tariffs.schedule import clear_cache

    start = parse_date(effective_from, "--effective-from") if effective_from else None
    if not file.is_file():
        raise UserInputError("FILE", "", str(file), "no such file")
    with connect_on_use(store) as con:
        info = load_hts(file, con, effective_from=start, revision=revision)
        revs = con.execute("select revision, effective_from, effective_to, rows from hts_revisions "
                           "order by effective_from").fetchall()
    clear_cache()
    doc = {**info, "store": str(store or store_path()),
           "revisions": [{"revision": r, "effective_from": a, "effective_to": b, "rows": n} for r, a, b, n in revs]}
    if json_out:
        emit_json(doc)
    else:
        console.print(f"loaded {info['rows']:,} lines of HTS {info['revision']} (from {info['effective_from']}) "
                      f"into {doc['store']}")


@data_download_app.command("hts")
def download_hts_cmd(
    out: Path = typer.Option(..., "--out", help="Where to write the JSON export."),
    url: Optional[str] = typer.Option(None, "--url", help="Override the USITC export URL."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Download the current HTS revision from the USITC (network)."""
    from usmca.data.loaders.hts import USITC_EXPORT_URL, download_hts

    path = download_hts(out, url or USITC_EXPORT_URL)
    doc = {"file": str(path), "url": url or USITC_EXPORT_URL, "bytes": path.stat().st_size}
    if json_out:
        emit_json(doc)
    else:
        console.print(f"wrote {doc['bytes']:,} bytes to {path}; load it with `usmca data load hts {path} --effective-from D`")
