"""The review briefing: one self-contained HTML page (inline SVG, inline CSS, no scripts).

It renders, for every scenario, the welfare / real-wage / trade changes by country, the most
affected sectors, the model's tariffs, each assumption and law parameter with its source, the
difference from a comparison scenario; then the effective US tariff rates, the origin what-if on
the example bills of materials, and the provenance of the baseline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping, Sequence

import jinja2
from markupsafe import Markup

from usmca.data.baseline.sectors import SECTOR_LABELS

from .svg import bar_chart, grouped_bar_chart

__all__ = ["render_briefing", "write_briefing", "top_sectors"]

METRIC_LABELS = {"welfare_pct": "welfare %", "real_wage_pct": "real wage %", "tot_pct": "terms of trade %",
                 "vot_pct": "volume of trade %", "exports_pct": "exports %", "imports_pct": "imports %"}


def top_sectors(sectors: Mapping[str, Mapping[str, float | None]], k: int = 6) -> list[tuple[str, str, float]]:
    """The ``k`` country x sector cells with the largest absolute output change."""
    cells = [(c, s, v) for c, row in sectors.items() for s, v in row.items() if v is not None]
    return sorted(cells, key=lambda t: -abs(t[2]))[:k]


def _cell(v: float | None) -> Markup:
    if v is None:
        return Markup('<td class="muted">n/a</td>')
    cls = "neg" if v < 0 else "pos"
    return Markup(f'<td class="{cls}">{v:+.3f}</td>')


def _qual(q: Mapping[str, Any] | None) -> str:
    if not q:
        return "-"
    ok = q.get("originating")
    text = "originating" if ok else ("not originating" if ok is False else "?")
    if q.get("rvc") is not None:
        text += f" (RVC {q['rvc']:.1f}% vs {q.get('threshold')}%)"
    return text


def render_briefing(results: Sequence[Any], baseline: Any, *, etr: Mapping[str, Any] | None = None,
                    origin: Sequence[Mapping[str, Any]] = (), base_wedges: Mapping[str, Mapping[str, float]] | None = None,
                    generated: str | None = None) -> str:
    """The HTML page as a string (``results`` are :class:`usmca.scenarios.runner.ScenarioResult`)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("usmca.report", "."), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    tpl = env.get_template("briefing.html.j2")
    countries = list(baseline.countries)
    charts = {r.name: Markup(bar_chart(countries, [r.countries[c]["welfare_pct"] for c in countries],
                                       f"Welfare change, % — {r.name}")) for r in results}
    summary = Markup(grouped_bar_chart([r.name for r in results],
                                       {c: [r.countries[c]["welfare_pct"] for r in results] for c in ("USA", "MEX", "CAN")
                                        if c in countries}, "Welfare change (%), USMCA members"))
    by_name = {r.name: r for r in results}

    def diff(r: Any, other: Any, c: str, m: str) -> float | None:
        a, b = r.countries[c][m], other.countries[c][m]
        return None if a is None or b is None else a - b

    base: dict[str, dict[str, float]] = {imp: dict(row) for imp, row in (base_wedges or {}).items()}
    for r in results:
        for imp, row in r.tariff_wedges.items():
            for exp in row:
                base.setdefault(imp, {}).setdefault(exp, 100 * float(_avg_tariff(baseline, imp, exp)))
    return tpl.render(
        generated=generated or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        baseline={"description": baseline.meta.get("description", baseline.source) if hasattr(baseline, "meta")
                  else str(baseline.source), "cells": baseline.status_table() if hasattr(baseline, "status_table") else {},
                  "measures": (getattr(baseline, "meta", None) or {}).get("bilateral_measures", [])},
        results=list(results), countries=countries, metrics=list(METRIC_LABELS), metric_labels=METRIC_LABELS,
        charts=charts, summary_chart=summary, top_sectors={r.name: top_sectors(r.sectors) for r in results},
        by_name=by_name, diff=diff, sector_labels=SECTOR_LABELS, cell=_cell, qual=_qual, etr=etr, origin=list(origin),
        base_wedges=base)


def _avg_tariff(b: Any, imp: str, exp: str) -> float:
    n, i = b.countries.index(imp), b.countries.index(exp)
    z = b.flows[n, i].sum()
    return float((b.tariffs[n, i] * b.flows[n, i]).sum() / z) if z > 0 else 0.0


def write_briefing(path: Path, html: str) -> Path:
    """Write the page (creating the folder); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
