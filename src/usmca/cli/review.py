"""``usmca review``: run the scenario library of the 2026 joint review and write the briefing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich import box
from rich.table import Table

from usmca.errors import UserInputError

from .apps import app
from .output import console, emit_json, progress


def _baseline(path: Optional[Path], elasticities: Optional[Path] = None) -> Any:
    from usmca.data.baseline import load_baseline

    if path is None:
        return load_baseline(elasticities=elasticities)
    try:
        if path.is_dir() or (path.is_file() and path.suffix.lower() != ".json"):
            from usmca.scenarios.external import load_external_baseline

            return load_external_baseline(path)
        return load_baseline(path)
    except UserInputError as exc:
        raise UserInputError("--baseline", exc.field, exc.value, exc.reason) from None


def _etr(baseline: Any, results: dict[str, Any]) -> dict[str, Any] | None:
    from usmca.scenarios.etr import effective_rate_table

    return effective_rate_table(baseline, results)


def _headline(b: Any) -> tuple[str, ...]:
    """The regions the terminal shows: all of a compact baseline, the named ones of a large one."""
    if len(b.countries) <= 10:
        return tuple(b.countries)
    groups = getattr(b, "region_groups", {}) or {}
    named = [groups[c][0] for c in ("USA", "MEX", "CAN", "CHN", "JPN", "KOR") if len(groups.get(c, [])) == 1]
    return tuple(named) or tuple(b.countries[:8])


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.2f}"


def _terminal_summary(results: dict[str, Any], countries: tuple[str, ...]) -> None:
    t = Table(title="Welfare change by country, % (Caliendo-Parro, vs the baseline)", box=box.SIMPLE_HEAD,
              padding=(0, 1), pad_edge=False)
    t.add_column("scenario", no_wrap=True)
    for c in countries:
        t.add_column(c, justify="right", no_wrap=True, min_width=5)
    for r in results.values():
        t.add_row(r.name, *[_fmt(r.countries[c]["welfare_pct"]) for c in countries])
    console.print(t)
    t2 = Table(title="USMCA members: real wage and exports, %", box=box.SIMPLE_HEAD, padding=(0, 1),
               pad_edge=False)
    t2.add_column("scenario", no_wrap=True)
    members = list(countries[:3])
    for c in members:
        t2.add_column(f"{c} wage", justify="right", no_wrap=True, min_width=6)
        t2.add_column(f"{c} exp.", justify="right", no_wrap=True, min_width=6)
    for r in results.values():
        row = []
        for c in members:
            if c in countries:
                row += [_fmt(r.countries[c]["real_wage_pct"]), _fmt(r.countries[c]["exports_pct"])]
        t2.add_row(r.name, *row)
    console.print(t2)
    from usmca.report import top_sectors

    t3 = Table(title="Most affected sectors (gross output, %)", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("scenario", "country", "sector", "output %"):
        t3.add_column(col)
    for r in results.values():
        for c, s, v in top_sectors({c: r.sectors.get(c, {}) for c in countries}, k=2):
            t3.add_row(r.name, c, s, _fmt(v))
    console.print(t3)
    cal = {r.calibration["calibrated_on"]: r.calibration["basis"] for r in results.values()
           if r.calibration.get("method") == "tariff engine" and "basis" in r.calibration}
    if cal:
        console.print("US tariffs on MEX/CAN from the tariff engine (each root and the scenarios built on it):")
    for name, basis in cal.items():
        console.print(f"  {name}: {basis}")
    if any(r.calibration.get("method") == "law-derived wedges" for r in results.values()):
        console.print("Some scenarios use law-derived tariff wedges (no flow data): see the briefing.")


def _econ_extras(results: dict[str, Any]) -> dict[str, Any]:
    """Elasticities, closure and the comparison with published studies (usmca.scenarios.compare)."""
    from usmca.scenarios.compare import review_extras

    return review_extras(results)


@app.command("review")
def review(
    scenario: Optional[list[str]] = typer.Option(None, "--scenario", help="Run only this library scenario, or a "
                                                 "scenario YAML file of your own (repeatable)."),
    out: Path = typer.Option(Path("out"), "--out", help="Folder for the HTML briefing."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Baseline: a built baseline JSON, the "
                                            "replication data folder (shared/data/cp2015) or an OECD ICIO folder."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document (no HTML, no progress bar)."),
    closure: Optional[str] = typer.Option(None, "--closure", help="Trade-balance closure for every scenario: "
                                          "deficits_removed or deficit_share (default: each scenario's own "
                                          "closure field; the library declares deficits_removed)."),
    draws: int = typer.Option(100, "--draws", help="Monte Carlo draws of the elasticities behind the 90% "
                              "intervals (0: none)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the Monte Carlo draws."),
    elasticities: Optional[Path] = typer.Option(None, "--elasticities", help="A trade-elasticity table (CSV: "
                                                "sector, theta, se, url) replacing the cited default."),
) -> None:
    """Run the 2026-review scenario library on the embedded 2024 baseline; write out/briefing.html."""
    from usmca.report import render_briefing, write_briefing
    from usmca.report.origin_whatif import origin_whatif
    from usmca.scenarios import load_library, run_scenarios
    from usmca.scenarios.library import load_user_scenario
    from usmca.scenarios.runner import RunOptions

    opts = RunOptions(closure=closure, draws=draws, seed=seed)

    lib = load_library()
    chosen = []
    for n in (list(scenario) if scenario else list(lib)):
        if n in lib:
            chosen.append(lib[n])
        elif n.endswith((".yaml", ".yml")) and Path(n).is_file():
            chosen.append(load_user_scenario(Path(n), lib))
        else:
            raise UserInputError("--scenario", "", n, f"unknown scenario; one of {', '.join(lib)} or a YAML file")
    b = _baseline(baseline, elasticities)
    results = run_scenarios(chosen, b, progress=None if json_out else
                            (lambda items, d: progress(items, d, total=len(items))), options=opts)
    origin = origin_whatif(chosen)
    etr = _etr(b, results)
    if json_out:
        emit_json({"baseline": getattr(b, "source", str(baseline)), "countries": list(b.countries),
                   "scenarios": {n: r.to_dict() for n, r in results.items()}, "origin_whatif": origin,
                   "effective_rates": etr, **_econ_extras(results)})
        return
    _terminal_summary(results, _headline(b))
    path = write_briefing(out / "briefing.html", render_briefing(list(results.values()), b, etr=etr, origin=origin))
    console.print(f"Briefing written to [bold]{path}[/bold]")
