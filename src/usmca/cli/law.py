"""``usmca law``: list, show and diff the dated, cited legal parameters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError
from usmca.law import LawTree, Reform, default_tree, parse_date
from usmca.law.diff import reform_diff
from usmca.law.parameter import Parameter

from .apps import law_app
from .output import console, emit_json


def _tree(reform: Optional[Path]) -> LawTree:
    tree = default_tree()
    return tree.with_reform(Reform.load(reform)) if reform else tree


def _date(value: Optional[str]) -> dt.date:
    return parse_date(value, "--date") if value else dt.date.today()


def _short(value: Any, width: int = 40) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@law_app.command("list")
def law_list(
    prefix: str = typer.Argument("", help="Only paths under this prefix, e.g. usmca/ch04."),
    date: Optional[str] = typer.Option(None, help="Show the values in force on this date (default today)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """List the parameters and tables of the law tree with their values in force."""
    tree = default_tree()
    d = _date(date)
    paths = tree.paths(prefix)
    if not paths:
        raise UserInputError("PREFIX", "", prefix, "no parameter under this prefix")
    rows = []
    for p in paths:
        node = tree.node(p)
        if isinstance(node, Parameter):
            try:
                e = node.entry(d)
                rows.append({"path": p, "unit": node.unit, "value": e.value, "since": e.effective_from.isoformat(),
                             "reference": e.reference.cite()})
            except UserInputError:
                rows.append({"path": p, "unit": node.unit, "value": None, "since": None,
                             "reference": f"not yet in force (from {node.entries[0].effective_from})"})
        else:
            rows.append({"path": p, "unit": "table", "value": f"{len(node.rows_at(d))} rows", "since": None,
                         "reference": node.description[:60]})
    if json_out:
        emit_json({"date": d.isoformat(), "parameters": rows})
        return
    table = Table(title=f"Law tree on {d.isoformat()} ({len(rows)} parameters)")
    table.add_column("path", no_wrap=True)
    table.add_column("value", max_width=14, overflow="ellipsis", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("reference", overflow="fold")
    for r in rows:
        table.add_row(r["path"], _short(r["value"], 14), r["unit"], r["reference"])
    console.print(table)


@law_app.command("show")
def law_show(
    path: str = typer.Argument(..., help="Parameter path, e.g. usmca/ch04/de_minimis/general."),
    date: Optional[str] = typer.Option(None, help="Date of the value in force (default today)."),
    reform: Optional[Path] = typer.Option(None, help="Show the value under this reform (YAML)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Show one parameter: its value on a date, unit, reference and full history."""
    tree = _tree(reform)
    node = tree.node(path)
    d = _date(date)
    if not isinstance(node, Parameter):
        frame = node.rows_at(d)
        if json_out:
            emit_json({**node.to_dict(), "date": d.isoformat(), "rows": frame.to_dict(orient="records")})
        else:
            console.print(f"[bold]{node.path}[/bold] (table, {len(frame)} rows in force on {d})\n{node.description}")
            console.print(frame.to_string(max_rows=30))
        return
    e = node.entry(d)
    doc = {"path": node.path, "date": d.isoformat(), "value": e.value, "unit": node.unit,
           "effective_from": e.effective_from.isoformat(), "reference": e.reference.to_dict(),
           "description": node.description, "label": node.label,
           "history": [h.to_dict() for h in node.entries], "reforms": list(tree.reforms)}
    if json_out:
        emit_json(doc)
        return
    console.print(f"[bold]{node.path}[/bold] = [green]{_short(e.value, 80)}[/green] {node.unit} on {d} "
                  f"(since {e.effective_from})")
    console.print(node.description)
    console.print(f"Reference: {e.reference.cite()} <{e.reference.url}>")
    hist = Table(title="History")
    for col in ("from", "value", "reference"):
        hist.add_column(col, overflow="fold")
    for h in node.entries:
        hist.add_row(h.effective_from.isoformat(), _short(h.value), h.reference.cite())
    console.print(hist)


@law_app.command("diff")
def law_diff(
    reform: Path = typer.Argument(..., help="Reform file (YAML parameter diff)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """What a reform changes, on which dates: the law before and after, per change."""
    r = Reform.load(reform)
    doc = reform_diff(default_tree(), r)
    rows = doc["changes"]
    if json_out:
        emit_json(doc)
        return
    table = Table(title=f"{r.source}: {r.description}")
    for col in ("path", "period", "before", "after", "unit", "reference"):
        table.add_column(col, overflow="fold")
    for row in rows:
        period = f"{row['from']} .. {row['to'] or ''}"
        ref = _short(row["reference"]["instrument"], 28) if row["reference"] else ""
        table.add_row(row["path"], period, _short(row["before"]), _short(row["after"]), row["unit"], ref)
    console.print(table)
