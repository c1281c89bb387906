"""``usmca data load dataweb|census|baci``: trade data into the store, with schema checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer

from usmca.errors import UserInputError

from .apps import data_load_app
from .output import console, emit_json


@data_load_app.command("dataweb")
def load_dataweb_cmd(
    file: Path = typer.Argument(..., help="USITC DataWeb CSV export (imports for consumption)."),
    store: Optional[Path] = typer.Option(None, "--store", help="Store file."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Load a DataWeb export; rebuilds the flow table used by ``usmca tariffs etr``."""
    from usmca.data.loaders.dataweb import load_dataweb
    from usmca.data.store import connect_on_use

    with connect_on_use(store) as con:
        info = load_dataweb(file, con)
    emit_json(info) if json_out else console.print(f"loaded {info['rows']:,} rows; flows now {info['flows_rows']:,} rows")


@data_load_app.command("census")
def load_census_cmd(
    start: str = typer.Option(..., "--from", help="First month, YYYY-MM."),
    end: Optional[str] = typer.Option(None, "--to", help="Last month, YYYY-MM (default --from)."),
    cty_code: Optional[str] = typer.Option(None, "--cty-code", help="Census partner code (2010 Mexico, 1220 Canada)."),
    level: str = typer.Option("HS10", "--level", help="COMM_LVL: HS2, HS4, HS6 or HS10."),
    key: Optional[str] = typer.Option(None, "--key", envvar="CENSUS_API_KEY", help="Census API key."),
    store: Optional[Path] = typer.Option(None, "--store", help="Store file."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Fetch imports (customs value, calculated duty) from the Census API into the store (network)."""
    import pandas as pd

    from usmca.data.loaders.census import CensusClient, load_census
    from usmca.data.store import connect_on_use

    for opt, v in (("--from", start), ("--to", end or start)):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v):
            raise UserInputError(opt, "", v, "a month is YYYY-MM")
    if end is not None and end < start:
        raise UserInputError("--to", "", end, f"before --from {start}")
    if level not in ("HS2", "HS4", "HS6", "HS10"):
        raise UserInputError("--level", "", level, "one of HS2, HS4, HS6, HS10")
    months = [str(p) for p in pd.period_range(start, end or start, freq="M")]
    client = CensusClient(key=key)
    with connect_on_use(store) as con:
        n = sum(load_census(client.fetch(m, cty_code, level), con) for m in months)
    doc = {"months": months, "rows": n, "cty_code": cty_code, "level": level}
    emit_json(doc) if json_out else console.print(f"loaded {n:,} rows for {len(months)} month(s)")


@data_load_app.command("baci")
def load_baci_cmd(
    file: Path = typer.Argument(..., help="CEPII BACI CSV (t,i,j,k,v,q)."),
    store: Optional[Path] = typer.Option(None, "--store", help="Store file."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Load a BACI file (validated whole before anything is written)."""
    from usmca.data.loaders.baci import load_baci
    from usmca.data.store import connect_on_use

    with connect_on_use(store) as con:
        n = load_baci(file, con)
    emit_json({"file": file.name, "rows": n}) if json_out else console.print(f"loaded {n:,} BACI rows")
