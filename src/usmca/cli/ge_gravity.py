"""``usmca ge replicate yotov-nafta`` (Yotov, Piermartini, Monteiro and Larch 2016, ch. 2).

The ``gravity`` model of ``usmca ge solve`` is registered in :data:`usmca.ge.registry.MODELS`
beside ``caliendo-parro`` (inputs: see :mod:`usmca.ge.gravity.files`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError

from .ge import draw_ticker, replicate_app
from .output import console, emit_json, err_console

__all__ = ["replicate_yotov_cmd"]


@replicate_app.command("yotov-nafta")
def replicate_yotov_cmd(
    data: Optional[Path] = typer.Option(None, "--data", help="Data folder (default: $USMCA_SHARED_DATA/yotov_nafta, "
                                        "else ../shared/data/yotov_nafta)."),
    sigma: float = typer.Option(7.0, "--sigma", help="Elasticity of substitution (the book: 7)."),
    draws: int = typer.Option(0, "--draws", help="Monte Carlo draws over the RTA estimate (and sigma range)."),
    sigma_low: Optional[float] = typer.Option(None, "--sigma-low", help="Monte Carlo: lower end of a uniform sigma."),
    sigma_high: Optional[float] = typer.Option(None, "--sigma-high", help="Monte Carlo: upper end of a uniform sigma."),
    seed: int = typer.Option(0, "--seed", help="Monte Carlo root seed."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document to stdout."),
) -> None:
    """Yotov et al. (2016) ch. 2: PPML estimates, conditional and full-endowment effects of NAFTA."""
    from usmca.ge.gravity.replicate_yotov import replicate_yotov_nafta

    if sigma <= 1 or draws < 0:
        raise UserInputError("--sigma" if sigma <= 1 else "--draws", "", sigma if sigma <= 1 else draws,
                             "must be > 1" if sigma <= 1 else "must be >= 0")
    rng = (sigma_low or sigma, sigma_high or sigma)
    if rng[0] <= 1 or rng[1] < rng[0]:
        raise UserInputError("--sigma-low", "", rng, "need 1 < low <= high")
    if json_out:
        summary, _ = replicate_yotov_nafta(data, sigma=sigma, draws=draws, sigma_range=rng, seed=seed)
        emit_json(summary)
        return
    tick, done = draw_ticker(draws, "Monte Carlo draws")
    with err_console.status("estimating and solving...") as status:
        summary, table = replicate_yotov_nafta(data, sigma=sigma, on_step=lambda m: status.update(m), draws=draws,
                                               sigma_range=rng, seed=seed, on_progress=tick)
    done()
    est = summary["estimation"]
    console.print(f"RTA = {est['rta']['estimate']:.6f} (se {est['rta']['se']:.4f}, {est['rta']['nobs']} obs, "
                  f"{est['rta']['seconds']:.1f} s); stage 2: "
                  + ", ".join(f"{k} {v['estimate']:.4f}" for k, v in est["stage2"].items()))
    t = Table(title="Effects of NAFTA, % ((BLN - CFL) / CFL)")
    cols = ["exports_cdl", "exports_full", "real_gdp_full", "factory_price_full", "book_loop_real_gdp_full",
            "book_loop_exports_full"]
    t.add_column("country")
    for c in cols:
        t.add_column(c, justify="right")
    for name, row in table.iterrows():
        t.add_row(str(name), *[f"{row[c]:.4f}" for c in cols])
    console.print(t)
    d = summary["diagnostics"]
    console.print("solver: " + "; ".join(f"{k} {v['outer_iterations']} it, residual {v['residual']:.1e}, "
                                         f"{v['seconds'] * 1e3:.1f} ms" for k, v in d.items()))
    console.print(f"book loop: {summary['book_loop']['rounds']} rounds (book stop rule)")
    if draws:
        mc = summary["montecarlo"]
        for c, v in mc["nafta"].items():
            console.print(f"{c} real GDP p{mc['percentiles']}: " + ", ".join(f"{x:.3f}" for x in v["real_gdp_pct"]))
