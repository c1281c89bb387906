"""``usmca ge sweep SPEC.yaml``: a scenario solved over a grid (or distributions) of its parameters.

The sweep file is described in :mod:`usmca.scenarios.sweep`; the points run serially or as Ray
tasks (``--cluster``, :mod:`usmca.execute`) with the same results, and land in one tidy Parquet
(or CSV) table written atomically (:mod:`usmca.scenarios.sweep_run`). Everything the user gave
(the file, the paths, the grids, the cluster address, the output name) is checked before the first
point is solved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .apps import ge_app
from .output import console, emit_json, print_table


@ge_app.command("sweep")
def sweep_cmd(
    spec: Path = typer.Argument(..., help="The sweep file (YAML): scenario, parameters with values or distributions."),
    out: Path = typer.Option(Path("sweep.parquet"), "--out", help="The results table: .parquet or .csv."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Run the points on a Ray cluster: HOST:PORT, "
                                          "ray://HOST:PORT, auto, or local; default $RAY_ADDRESS, else here."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="A built baseline JSON (default: embedded)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document (the summary; no progress bar)."),
) -> None:
    """Solve a scenario over a grid of its parameters; write one tidy table and print a summary."""
    from rich.progress import BarColumn, Progress, TextColumn

    from usmca.data.baseline import load_baseline
    from usmca.execute import get_executor
    from usmca.scenarios.sweep import load_sweep
    from usmca.scenarios.sweep_run import check_out, run_sweep, write_table

    from .output import err_console

    sw = load_sweep(spec)
    check_out(out)
    executor = get_executor(cluster)                 # an unreachable address fails here, before any work
    try:
        b = load_baseline(baseline) if baseline is not None else load_baseline()
        if json_out:
            res = run_sweep(sw, b, executor)
        else:
            with Progress(TextColumn("[bold]sweep"), BarColumn(), TextColumn("{task.completed}/{task.total} points"),
                          console=err_console, transient=True) as bar:
                task = bar.add_task("sweep", total=len(sw.points))
                res = run_sweep(sw, b, executor, on_point=lambda _k: bar.advance(task))
    finally:
        executor.close()
    write_table(res.table, out)
    summary = res.summary()
    if json_out:
        emit_json({"out": str(out), "table_rows": len(res.table), **summary})
        return
    members = list(summary["range"])
    params = [p.path for p in sw.parameters]
    print_table(f"{sw.scenario.name}: welfare change, % ({summary['points']} points, {summary['executor']}, "
                f"{summary['seconds']} s)", ["point", *[p.split("/")[-1] for p in params], *members],
                [[str(r["point"]), *[f"{r[p]:.4g}" if isinstance(r[p], float) else str(r[p]) for p in params],
                  *[("n/a" if r[c] is None else f"{r[c]:+.3f}") for c in members]] for r in summary["rows"][:40]],
                right=range(1, 1 + len(params) + len(members)))
    console.print("Range over the points: " + ", ".join(
        f"{c} {lo:+.3f} to {hi:+.3f}" for c, (lo, hi) in summary["range"].items() if lo is not None and hi is not None))
    console.print(f"{len(res.table):,} rows written to [bold]{out}[/bold]")
