"""``usmca review``: run the scenario library of the 2026 joint review and write the briefing.

The review is assembled once, by :func:`usmca.scenarios.review.run_review`; this module only
reads the options, prints the terminal summary and writes the briefing (:mod:`usmca.report`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from usmca.errors import UserInputError

from .apps import app
from .output import console, emit_json, print_table, progress


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


def _headline(countries: tuple[str, ...], groups: dict[str, list[str]]) -> tuple[str, ...]:
    """The regions the terminal shows: all of a compact baseline, the named ones of a large one."""
    if len(countries) <= 10:
        return countries
    named = [groups[c][0] for c in ("USA", "MEX", "CAN", "CHN", "JPN", "KOR") if len(groups.get(c, [])) == 1]
    return tuple(named) or tuple(countries[:8])


def _fmt(v: float | None) -> str:
    if v is None:
        return "n/a"
    return "0.00" if abs(v) < 0.005 else f"{v:+.2f}"          # no "-0.00"


def _band(iv: Any) -> str:
    """``[-0.51, -0.46]`` or an empty string without an interval."""
    if not isinstance(iv, (list, tuple)) or len(iv) != 2 or iv[0] is None or iv[1] is None:
        return ""
    return f"[{_fmt(iv[0])}, {_fmt(iv[1])}]"


def _with_band(v: float | None, iv: Any) -> str:
    return f"{_fmt(v)} {_band(iv)}".rstrip()


def _intervals(review: Any, members: list[str]) -> None:
    """Welfare and real exports of the USMCA members, each with its 90% interval."""
    from usmca.scenarios.review import interval

    results = list(review.results.values())
    if not any(interval(r, "welfare_pct", c) for r in results for c in members):
        console.print("No 90% intervals in this run (--draws 0).")
        return
    print_table("USMCA members: welfare, % [90% interval]", ["scenario", *members],
                [[r.name, *[_with_band(r.countries[c]["welfare_pct"], interval(r, "welfare_pct", c))
                            for c in members]] for r in results], right=range(1, len(members) + 1))
    if any(r.countries[members[0]].get("exports_real_pct") is not None for r in results):
        print_table("USMCA members: real exports, % [90% interval]", ["scenario", *members],
                    [[r.name, *[_with_band(r.countries[c]["exports_real_pct"], interval(r, "exports_real_pct", c))
                                for c in members]] for r in results], right=range(1, len(members) + 1))


def _comparisons(review: Any) -> None:
    """How this compares: each published figure beside ours with its 90% interval."""
    rows = review.extras.get("comparisons") or []
    if not rows:
        return
    print_table("How this compares (published figure beside ours; the briefing says why they differ)",
                ["scenario", "country", "study, measure", "study %", "ours % [90% interval]"],
                [[c["scenario"], c["country"], c["label"], f"{c['value_pct']:+.2f}",
                  _with_band(c.get("our_value_pct"), c.get("our_interval_pct"))] for c in rows], right=(3, 4))
    for name, basis in dict.fromkeys((c["scenario"], c["our_basis"]) for c in rows
                                     if c.get("relative_to_compare_to")):
        console.print(f"  {name}: ours is the {basis}")
    console.print("90% intervals of every figure (all regions and metrics): in the briefing and in --json.")


def _terminal_summary(review: Any, countries: tuple[str, ...]) -> None:
    from usmca.report import top_sectors

    results = review.results.values()
    print_table("Welfare change by country, % (Caliendo-Parro, vs the baseline)", ["scenario", *countries],
                [[r.name, *[_fmt(r.countries[c]["welfare_pct"]) for c in countries]] for r in results],
                right=range(1, len(countries) + 1))
    members = [c for c in countries[:3]]
    header = ["scenario"] + [f"{c} {m}" for c in members for m in ("wage", "exp.")]
    print_table("USMCA members: real wage and exports, %", header,
                [[r.name] + [_fmt(r.countries[c][m]) for c in members for m in ("real_wage_pct", "exports_pct")]
                 for r in results], right=range(1, len(header)))
    _intervals(review, members)
    ivs = {r.name: (r.intervals or {}).get("sectors") or {} for r in results}
    rows = [[r.name, c, s, _with_band(v, ivs[r.name].get(c, {}).get(s))] for r in results
            for c, s, v in top_sectors({c: r.sectors.get(c, {}) for c in countries}, k=2)]
    print_table("Most affected sectors (gross output, % [90% interval])", ["scenario", "country", "sector",
                "output %"], rows, right=(3,))
    _comparisons(review)
    cal = {r.calibration["calibrated_on"]: r.calibration["basis"] for r in results
           if r.calibration.get("method") == "tariff engine" and "basis" in r.calibration}
    if cal:
        console.print("US tariffs on MEX/CAN from the tariff engine (each root and the scenarios built on it):")
    for name, basis in cal.items():
        console.print(f"  {name}: {basis}")
    src = review.extras.get("data_source")
    if src:
        from usmca.data.package import data_line

        console.print(data_line(src["flows"], src["schedule"]))
    if any(r.calibration.get("method") == "law-derived wedges" for r in results):
        console.print("Some scenarios use law-derived tariff wedges (no flow data): see the briefing.")


@app.command("review")
def review(
    scenario: Optional[list[str]] = typer.Option(None, "--scenario", help="Run only this library scenario, or a "
                                                 "scenario YAML file of your own (repeatable)."),
    out: Path = typer.Option(Path("out"), "--out", help="Folder for the HTML briefing and its tables."),
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
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Solve the Monte Carlo draws on a Ray cluster: "
                                          "HOST:PORT, ray://HOST:PORT, auto, or local (a private cluster on this "
                                          "machine); default $RAY_ADDRESS, else in this process. Same results "
                                          "draw by draw (docs/scale.md)."),
) -> None:
    """Run the 2026-review scenario library on the embedded 2024 baseline; write out/briefing.html."""
    from usmca.execute import cluster_address, get_executor, using
    from usmca.report import write_briefing
    from usmca.scenarios.review import run_review
    from usmca.scenarios.runner import RunOptions

    options = RunOptions(closure=closure, draws=draws, seed=seed)
    if cluster_address(cluster) is not None and draws <= 0:
        raise UserInputError("--draws", "", draws, "must be >= 1 on a cluster (the draws are what it shares out)")
    executor = get_executor(cluster)              # an unreachable address fails here, before any work
    try:
        b = _baseline(baseline, elasticities)
        with using(executor):
            rv = run_review(scenario or None, b, progress=None if json_out else
                            (lambda items, d: progress(items, d, total=len(items))), options=options)
    finally:
        executor.close()
    if json_out:
        emit_json(rv.to_dict())
        return
    _terminal_summary(rv, _headline(rv.countries, getattr(b, "region_groups", {}) or {}))
    path = write_briefing(out, rv)
    console.print(f"Briefing written to [bold]{path}[/bold]")
