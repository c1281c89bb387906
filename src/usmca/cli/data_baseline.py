"""``usmca data build-baseline``: rebuild the embedded baseline from its facts table."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .apps import data_app
from .output import console, emit_json


@data_app.command("build-baseline")
def build_baseline(
    facts: Optional[Path] = typer.Option(None, help="Facts table (CSV); default: the one shipped in the package."),
    out: Optional[Path] = typer.Option(None, help="Where to write the baseline JSON (default: the package's)."),
    report: Optional[Path] = typer.Option(None, help="Also write the fact/imputed cell report (Markdown) here."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Build the 2024 baseline (8 regions x 10 sectors) from the facts table; say which cells are facts."""
    from usmca.data.baseline import BASELINE_PATH, FACTS_PATH, load_baseline, write_baseline
    from usmca.data.baseline.provenance import provenance_markdown, provenance_rows

    if out is not None and not out.parent.exists():  # `--out out/x.json` on a fresh clone, as `usmca review` does
        out.parent.mkdir(parents=True)
    path = write_baseline(facts or FACTS_PATH, out or BASELINE_PATH)
    b = load_baseline(path)
    if report:
        report.write_text(provenance_markdown(b), encoding="utf-8")
    cells, flows = b.status_table(), provenance_rows(b)
    summary = {"baseline": str(path), "countries": list(b.countries), "sectors": list(b.sectors),
               "cells": cells, "final_share_adjustments": b.meta.get("final_share_adjustments"), "flows": flows}
    if json_out:
        emit_json(summary)
        return
    console.print(f"[bold]Baseline written[/bold] to {path} ({len(b.countries)} regions x {len(b.sectors)} sectors)")
    t = Table(title="Bilateral goods cells by provenance")
    t.add_column("provenance", overflow="fold")
    t.add_column("cells", justify="right")
    for k, v in cells.items():
        t.add_row(k, str(v))
    console.print(t)
    imputed = [f"{r['exporter']}->{r['importer']}" for r in flows if r["total"] == "imputed"]
    console.print(f"Imputed flow totals (gravity + RAS): {', '.join(imputed)}")
