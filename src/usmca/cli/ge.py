"""``usmca ge replicate cp2015`` and ``usmca ge solve --model NAME`` (dispatching via the registry).

Both models' solvers (``caliendo-parro``, ``gravity``) sit in :data:`usmca.ge.registry.MODELS`;
``ge replicate yotov-nafta`` lives in ``ge_gravity.py`` and adds itself to :data:`replicate_app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError
from usmca.ge.registry import get_model
from usmca.limits import SIGMA, THETA, THETA_CV, check_number

from .apps import ge_app
from .output import console, emit_json, err_console, progress

__all__ = ["replicate_app", "render_regions", "draw_ticker"]

replicate_app = typer.Typer(help="Reproduce published model results.", no_args_is_help=True)
ge_app.add_typer(replicate_app, name="replicate")

_DATA_HELP = "Data folder (default: $USMCA_SHARED_DATA/<dataset>, else ../shared/data/<dataset>)."


def render_regions(title: str, regions: dict[str, dict[str, Any]], diagnostics: dict[str, Any] | None = None) -> None:
    """Print ``{region: {metric: value}}`` as a rich table (numbers to 4 decimals)."""
    cols = list(next(iter(regions.values())).keys()) if regions else []
    table = Table(title=title)
    table.add_column("region")
    for c in cols:
        table.add_column(c, justify="right")
    for name, row in regions.items():
        table.add_row(name, *[f"{row[c]:.4f}" if isinstance(row[c], float) else str(row[c]) for c in cols])
    console.print(table)
    if diagnostics:
        parts = []
        for k in ("baseline", "counterfactual"):
            d = diagnostics.get(k)
            if isinstance(d, dict):
                parts.append(f"{k}: {d.get('outer_iterations')} iterations, residual "
                             f"{d.get('residual', float('nan')):.1e}, {d.get('seconds', 0):.3f} s")
        if parts:
            console.print("solver: " + "; ".join(parts))


def draw_ticker(draws: int, label: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A progress bar over ``draws`` Monte Carlo draws (stderr): ``tick(k)`` advances it by ``k``,
    ``done()`` closes it. With ``draws == 0`` both do nothing."""
    ticks = iter(progress(range(draws), label, total=draws)) if draws else iter(())

    def tick(k: int) -> None:
        for _ in range(k):
            next(ticks, None)

    def done() -> None:
        next(ticks, None)

    return tick, done


@replicate_app.command("cp2015")
def replicate_cp2015_cmd(
    data: Optional[Path] = typer.Option(None, "--data", help=_DATA_HELP),
    draws: int = typer.Option(0, "--draws", help="Monte Carlo draws over the trade elasticities theta."),
    theta_cv: float = typer.Option(0.0, "--theta-cv", help="Monte Carlo: s.d. of theta_j as a fraction of theta_j."),
    seed: int = typer.Option(0, "--seed", help="Monte Carlo root seed."),
    workers: int = typer.Option(1, "--workers", help="Monte Carlo processes."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document to stdout."),
) -> None:
    """Caliendo-Parro (2015) Table 2: NAFTA's tariff cuts, all 31 regions."""
    from usmca.ge.caliendo_parro.replicate import replicate_cp2015

    if draws < 0 or workers < 1:
        raise UserInputError("--draws" if draws < 0 else "--workers", "", draws if draws < 0 else workers,
                             "must be >= 0" if draws < 0 else "must be >= 1")
    check_number(theta_cv, "--theta-cv", "", THETA_CV)
    opts: dict[str, Any] = {"draws": draws, "theta_cv": theta_cv, "seed": seed, "workers": workers}
    if json_out:
        summary, _ = replicate_cp2015(data, **opts)
        emit_json(summary)
        return
    tick, done = draw_ticker(draws, "Monte Carlo draws (theta)")
    with err_console.status("solving baseline and NAFTA counterfactual (31 x 40)..."):
        summary, _ = replicate_cp2015(data, on_progress=tick, **opts)
    done()
    render_regions("Caliendo-Parro (2015) Table 2, NAFTA tariff reductions (%)",
                   summary["regions"], summary["diagnostics"])
    if "bands" in summary:
        b = summary["bands"]
        nafta = {c: {f"{m} p5..p95": f"{v['p5']:.3f} .. {v['p95']:.3f}" for m, v in b["regions"][c].items()
                     if m in ("welfare_pct", "real_wage_pct")} for c in ("Mexico", "Canada", "USA")}
        render_regions(f"{b['draws']} draws of theta (cv {b['theta_cv']}), {b['failed']} failed", nafta)
    for source, ref in summary.get("reference", {}).get("by_source", {}).items():
        console.print(f"max |difference| vs {source}: {ref['max_abs_diff_pp']:.2e} pp")


@ge_app.command("solve")
def solve_cmd(
    model: str = typer.Option(..., "--model", help="Model name, e.g. caliendo-parro."),
    data: Optional[Path] = typer.Option(None, "--data", help=_DATA_HELP),
    tariffs: Path = typer.Option(..., "--tariffs", help="CSV: importer,exporter,sector,tariff (fraction)."),
    hold_deficits: bool = typer.Option(False, "--hold-deficits",
                                       help="Caliendo-Parro: keep data deficits (default: removed, as in CP 2015)."),
    theta: Optional[float] = typer.Option(None, "--theta",
                                          help="Caliendo-Parro: one trade elasticity for every sector (overrides the data's)."),
    sigma: Optional[float] = typer.Option(None, "--sigma", help="Gravity: elasticity of substitution."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document to stdout."),
) -> None:
    """Solve a tariff counterfactual: per region welfare, ToT, VoT, real wage, imports."""
    fn = get_model(model).solve_files
    if theta is not None:
        check_number(theta, "--theta", "", THETA)
    if sigma is not None:
        check_number(sigma, "--sigma", "", SIGMA)
    opts: dict[str, Any] = {"hold_deficits": True} if hold_deficits else {}
    opts.update({k: v for k, v in (("theta", theta), ("sigma", sigma)) if v is not None})
    if json_out:
        emit_json(fn(data, tariffs, **opts).to_dict())
        return
    with err_console.status(f"solving {model} baseline and counterfactual..."):
        doc = fn(data, tariffs, **opts).to_dict()
    regions = doc.get("regions", {})
    keep = ("welfare_pct", "tot_pct", "vot_pct", "real_wage_pct", "imports_pct")
    slim = {r: {k: v for k, v in row.items() if k in keep} or row for r, row in regions.items()}
    render_regions(f"{model}: counterfactual vs baseline (%)", slim, doc.get("diagnostics"))
