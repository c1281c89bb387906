"""``usmca origin qualify``: origin of one BOM, or of a portfolio (folder or multi-BOM file).

The origin engine is imported inside the command, not at module top: every ``usmca`` command
imports this module to register it, and importing ``usmca.origin.qualify`` on top of the CLI costs
180-440 ms (measured: 5 runs, min 180 ms, on the 2-core build machine), which ``usmca --help`` and
the other commands would pay for nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError

from .apps import origin_app
from .output import console, emit_json, print_rich, progress

_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")


def _files(path: Path) -> list[Path]:
    if not path.exists():
        raise UserInputError(str(path), "", str(path), "file or folder not found")
    if path.is_dir():
        from usmca.limits import folder_files

        files = folder_files(path, _SUFFIXES, "BOM file")
        if not files:
            raise UserInputError(str(path), "", str(path), "no .yaml/.yml/.json/.csv/.xlsx BOM in the folder")
        return files
    return [path]


def _status(v: Optional[bool]) -> str:
    return {True: "[green]originating[/]", False: "[red]not originating[/]", None: "[yellow]undetermined[/]"}[v]


def _show_one(d: dict[str, Any]) -> None:
    g = d["good"]
    console.print(f"[bold]{g.get('description') or g['hs']}[/] ({g['hs']}, produced in {g['produced_in']}) on "
                  f"{d['date']}: {_status(d['originating'])}"
                  + (f", criterion [bold]{d['criterion']}[/]" if d["criterion"] else ""))
    if d.get("missing"):
        console.print("[yellow]Missing facts[/] (give them to decide): " + ", ".join(d["missing"]), highlight=False)
    if d["rvc"]:
        r = d["rvc"]
        console.print(f"RVC ({r['method']}) {r['value']:.4f}% vs {r['threshold']}% (margin {r['margin']:+.4f})")
    t = Table("step", "result", "reference", title="Trace", show_lines=False)
    for s in d["trace"]:
        mark = {True: "✓ ", False: "✗ ", None: ""}[s.get("passed")]
        node = f"[dim]{s['node']}[/] " if s.get("node") else ""
        t.add_row(node + s["step"], mark + s["result"], s["reference"])
    print_rich(t)
    if d["content_by_country"]:
        console.print("Content by country (materials traced through sub-assemblies; producer:XX = own value): "
                      + ", ".join(f"{k} {v:,.2f}" for k, v in d["content_by_country"].items()))
    for per in d.get("averaging") or []:
        console.print(f"Averaging period {per['start']} to {per['end']}: NC {per['net_cost']:,.2f}, VNM "
                      f"{per['vnm']:,.2f}, RVC {per['rvc']:.4f}% ({per['basis']})")
    for p in d["to_qualify"][:3]:
        mats = ", ".join(f"{c['material']} ({c['value']:,.2f}, {c['reason']})" for c in p["changes"])
        under = p.get("test") or f"alternative {p['alternative']}"
        total = f"total {p['total_value']:,.2f}" if isinstance(p.get("total_value"), (int, float)) else ""
        solver = f"{p['solver']} solution" if p.get("solver") else ""
        detail = ", ".join(x for x in (total, solver) if x)
        console.print(f"To qualify ({under}): {p['action']}" + (f": {mats}" if mats else "")
                      + (f" ({detail})" if detail else "") + ("" if p["feasible"] else " [red]not enough[/]"))
        for f in p.get("failed") or []:
            console.print(f"  failed: {f['test']}: {f['reason']}", highlight=False, markup=False)
    if d.get("reform"):
        rf = d["reform"]
        console.print(f"Reform: baseline {_status(rf['baseline']['originating'])} -> reform "
                      f"{_status(rf['reform']['originating'])}")


def _row(d: dict[str, Any]) -> dict[str, Any]:
    r = d.get("rvc") or {}
    row = {"source": d.get("source"), "id": d["good"].get("id"), "description": d["good"].get("description"),
           "hs": d["good"]["hs"], "originating": d["originating"], "criterion": d["criterion"],
           "rvc_method": r.get("method"), "rvc": r.get("value"), "threshold": r.get("threshold")}
    if d.get("reform"):
        row["baseline_originating"] = d["reform"]["baseline"]["originating"]
        row["changed"] = d["reform"]["changed"]
    return row


@origin_app.command("qualify")
def qualify_cmd(
    path: Path = typer.Argument(..., help="A BOM file (YAML/JSON/CSV/XLSX), a multi-BOM file, or a folder of BOMs."),
    date: Optional[str] = typer.Option(None, "--date", help="Date of the determination (default: the BOM's date)."),
    reform: Optional[Path] = typer.Option(None, "--reform", help="A review scenario (reform YAML)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
    fast: bool = typer.Option(False, "--fast", help="Portfolio: numpy path (status, criterion, RVC; no trace)."),
    output: Optional[Path] = typer.Option(None, "--output", help="Portfolio: also write the results to .csv/.xlsx."),
    out: Optional[Path] = typer.Option(None, "--out", help="Portfolio in shards (numpy path), results streamed "
                                       "to this .parquet or .csv file (written whole or not at all)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Portfolio in shards of BOMs on a Ray cluster: "
                                          "HOST:PORT, ray://HOST:PORT, auto or local (default $RAY_ADDRESS, else "
                                          "here); needs --out."),
) -> None:
    """Does the good originate under USMCA Chapter 4? With the rule, RVC, trace and what-if."""
    from usmca.law import Reform, default_tree
    from usmca.origin.qualify import qualify_bom
    from usmca.origin.spreadsheet import load_boms_any as load_boms

    if out is not None or cluster is not None:
        _sharded(path, out, cluster, date, reform, json_out)
        return
    ref = Reform.load(reform) if reform else None
    tree = default_tree()
    files = _files(path)
    boms = [b for f in files for b in load_boms(f)] if len(files) == 1 else None
    if boms is not None and len(boms) == 1 and not path.is_dir():
        d = qualify_bom(boms[0], date=date, tree=tree, reform=ref).to_dict()
        if output is not None:
            _export(output, [_row(d)], files)
        emit_json(d) if json_out else _show_one(d)
        return
    items: list[Any] = boms if boms is not None else files
    if fast and ref is None:
        _fast(path, boms if boms is not None else [b for f in files for b in load_boms(f)], date, tree, json_out,
              output, files)
        return
    results, errors = _qualify_all(items, boms is not None, path, date, tree, ref, json_out)
    summary = _summary(results, errors, ref is not None)
    if output is not None:
        _export(output, [_row(d) for d in results], files)
    if json_out:
        emit_json({"summary": summary, "results": results, "errors": errors})
    else:
        _show_portfolio(results, summary, ref is not None, errors)
    if errors:
        first = errors[0]["error"]
        where = "in the JSON 'errors'" if json_out else "listed above"
        raise UserInputError(str(path), "", f"{len(errors)} of {len(items)}",
                             f"inputs had errors ({where}); first: {first}")


def _export(output: Path, rows: list[dict[str, Any]], inputs: list[Path]) -> None:
    from usmca.origin.spreadsheet_write import write_results

    if output.exists() and any(output.resolve() == f.resolve() for f in inputs):
        raise UserInputError("--output", "", str(output), "is an input BOM file; inputs are never overwritten")
    write_results(rows, output)


def _qualify_all(items: list[Any], are_boms: bool, path: Path, date: Optional[str], tree: Any, ref: Any,
                 json_out: bool) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The result document of every BOM (``items``: BOMs, or files of BOMs); input errors apart."""
    from usmca.origin.qualify import qualify_bom
    from usmca.origin.spreadsheet import load_boms_any as load_boms

    results, errors = [], []
    for item in progress(items, "qualifying", enabled=not json_out and len(items) > 20):
        try:
            batch = [item] if are_boms else load_boms(item)
            for b in batch:
                results.append(qualify_bom(b, date=date, tree=tree, reform=ref).to_dict())
        except UserInputError as exc:
            errors.append({"source": str(path if are_boms else item), "error": exc.one_line()})
    return results, errors


def _summary(results: list[dict[str, Any]], errors: list[Any], reform: bool) -> dict[str, int]:
    """Counts by status (originating, not originating, undetermined: each distinct) and errors."""
    summary = {"goods": len(results), "originating": sum(1 for r in results if r["originating"] is True),
               "not_originating": sum(1 for r in results if r["originating"] is False),
               "undetermined": sum(1 for r in results if r["originating"] is None), "errors": len(errors)}
    if reform:
        summary["changed_by_reform"] = sum(1 for r in results if r.get("reform", {}).get("changed"))
    return summary


def _show_portfolio(results: list[dict[str, Any]], summary: dict[str, int], reform: bool,
                    errors: list[dict[str, str]]) -> None:
    t = Table("source", "good", "HS", "status", "crit.", "RVC", "threshold", title="Portfolio")
    if reform:
        t.add_column("baseline")
    for d in results:
        r = _row(d)
        cells = [Path(str(r["source"])).name, str(r["id"] or r["description"] or ""), r["hs"],
                 _status(r["originating"]), r["criterion"] or "",
                 f"{r['rvc']:.2f}% {r['rvc_method']}" if r["rvc"] is not None else "",
                 f"{r['threshold']}%" if r["threshold"] is not None else ""]
        if reform:
            cells.append(_status(r.get("baseline_originating")))
        t.add_row(*cells)
    print_rich(t)
    console.print(", ".join(f"{k}: {v}" for k, v in summary.items()))
    if errors:  # listed with the results; stderr keeps the one-line contract
        console.print(f"[red]{len(errors)} input(s) with errors:[/]")
        for e in errors:
            console.print(f"  {e['error']}", highlight=False, markup=False)


def _fast(path: Path, boms: list[Any], date: Optional[str], tree: Any, json_out: bool,
          output: Optional[Path] = None, inputs: Optional[list[Path]] = None) -> None:
    """Portfolio on the numpy path (:func:`usmca.origin.portfolio.qualify_many`), exact fallback."""
    from usmca.origin.sharded import portfolio_rows

    rows = portfolio_rows(boms, date, tree)
    n_exact = sum(1 for r in rows if r["path"] == "exact")
    summary = {"goods": len(rows), "originating": sum(1 for r in rows if r["originating"] is True),
               "not_originating": sum(1 for r in rows if r["originating"] is False),
               "undetermined": sum(1 for r in rows if r["originating"] is None), "exact_fallback": n_exact}
    if output is not None:
        _export(output, rows, inputs or [])
    if json_out:
        emit_json({"summary": summary, "results": rows})
        return
    t = Table("source", "good", "HS", "status", "crit.", "RVC", "path", title=f"Portfolio {path}")
    for r in rows:
        t.add_row(Path(str(r["source"])).name, str(r["id"] or ""), r["hs"], _status(r["originating"]),
                  r["criterion"] or "", f"{r['rvc']:.2f}%" if r["rvc"] is not None else "", r["path"])
    print_rich(t)
    console.print(", ".join(f"{k}: {v}" for k, v in summary.items()))


def _sharded(path: Path, out: Optional[Path], cluster: Optional[str], date: Optional[str], reform: Optional[Path],
             json_out: bool) -> None:
    """Portfolio in shards of BOMs (or BOM files) on the executor, streamed to ``--out``; checked first."""
    from rich.progress import BarColumn, Progress, TextColumn

    from usmca.execute import get_executor
    from usmca.origin.sharded import BOMS_PER_SHARD, FILES_PER_SHARD, run_portfolio, shards_of
    from usmca.origin.spreadsheet import load_boms_any as load_boms

    from .output import err_console

    if out is None:
        raise UserInputError("--out", "", None, "--cluster streams the results to a file: give --out FILE.parquet|csv")
    if out.suffix.lower() not in (".parquet", ".csv") or out.is_dir():
        raise UserInputError("--out", "", str(out), "the results file must end in .parquet or .csv")
    if not out.parent.is_dir():
        raise UserInputError("--out", "", str(out), "the folder does not exist")
    if reform is not None:
        raise UserInputError("--reform", "", str(reform), "not with --out/--cluster (the sharded numpy path); "
                             "run without them for the reform comparison")
    if date:
        from usmca.law import parse_date

        parse_date(date, "--date")
    files = _files(path)
    if any(out.resolve() == f.resolve() for f in files):
        raise UserInputError("--out", "", str(out), "is an input BOM file; inputs are never overwritten")
    executor = get_executor(cluster)              # an unreachable address fails here, before any work
    try:
        if path.is_dir():
            shards, unit, total = shards_of(files, FILES_PER_SHARD), "files", len(files)
        else:
            boms = load_boms(files[0])
            shards, unit, total = shards_of(boms, BOMS_PER_SHARD), "BOMs", len(boms)
        with Progress(TextColumn("[bold]qualifying"), BarColumn(), TextColumn("{task.completed} goods"),
                      console=err_console, transient=True, disable=json_out) as bar:
            task = bar.add_task("qualify", total=None)
            summary = run_portfolio(executor, shards, date, out, on_shard=lambda n: bar.advance(task, n))
    finally:
        executor.close()
    doc = {"summary": summary, "out": str(out), "shards": len(shards), "inputs": {unit: total},
           "executor": executor.name, "workers": executor.workers}
    if json_out:
        emit_json(doc)
        return
    console.print(", ".join(f"{k}: {v}" for k, v in summary.items()))
    console.print(f"{summary['goods']:,} results ({len(shards)} shards of {unit}, {executor.name}, "
                  f"{executor.workers} worker(s)) written to [bold]{out}[/bold]")
