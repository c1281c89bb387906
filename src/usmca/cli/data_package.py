"""``usmca data build-package-data``: rebuild the package data from the official files."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from usmca.errors import UserInputError

from .apps import data_app
from .output import console, emit_json


@data_app.command("build-package-data")
def build_package_data_cmd(
    shared: Optional[Path] = typer.Option(None, "--shared", help="The shared data folder (default ../shared/data "
                                          "beside the checkout, or $USMCA_SHARED_DATA)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: the package's data folder)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Build the HTS revisions and the observed CA/MX flows shipped in the package, with their provenance."""
    from usmca.data.package.build import build_package_data
    from usmca.paths import missing_data_hint, shared_data_dir

    base = shared if shared is not None else shared_data_dir()
    if base is None or not Path(base).is_dir():
        raise UserInputError("--shared", "", str(base) if base else None,
                             "no shared data folder; " + missing_data_hint("us_tariffs"))
    metas = build_package_data(Path(base), out)
    doc = {"files": [{k: m[k] for k in ("file", "rows", "bytes", "sha256")} for m in metas],
           "bytes": sum(m["bytes"] for m in metas)}
    if json_out:
        emit_json(doc)
        return
    for m in doc["files"]:
        console.print(f"{m['file']}: {m['rows']:,} rows, {m['bytes']:,} bytes, sha256 {m['sha256'][:12]}")
    console.print(f"total {doc['bytes']:,} bytes")
