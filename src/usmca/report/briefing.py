"""The review briefing: one self-contained HTML page (inline SVG charts, inline CSS, no script).

It only renders a :class:`usmca.scenarios.review.Review`: the executive summary in words
(:mod:`usmca.report.summary`), the data-quality caveat, one-line definitions, the summary chart,
then per scenario (in lettered order) the welfare chart, the results by country, the most affected
sectors, the model's tariffs, the calibration, the difference from its comparator, the law and
assumptions as readable tables; then the effective US tariff rates, the origin what-if on the
example bills of materials and the provenance of the baseline. Every table downloads as CSV and
XLSX (:class:`usmca.report.tables.Table`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Mapping, Sequence

import jinja2
from markupsafe import Markup

from usmca.data.baseline.sectors import SECTOR_LABELS
from usmca.scenarios.review import Review

from . import economics as econ
from . import summary as words
from .charts import bar_svg, grouped_bar_svg
from .fmt import assumption_rows, law_rows, value_text
from .tables import Table

__all__ = ["render_briefing", "write_briefing", "top_sectors", "BRIEFING_FILE"]

BRIEFING_FILE = "briefing.html"
METRIC_LABELS = econ.METRICS
_KNOWN = {"name", "title", "description", "date", "countries", "sectors", "tariff_wedges", "law_used", "assumptions",
          "reform", "notes", "diagnostics", "compare_to", "origin_whatif", "sensitivity", "calibration", "intervals",
          "closure", "sectors_real", "uncertainty", "explain", "versus"}


def top_sectors(sectors: Mapping[str, Mapping[str, float | None]], k: int = 6) -> list[tuple[str, str, float]]:
    """The ``k`` country x sector cells with the largest absolute output change."""
    return econ.top_cells(sectors, k)


def _scenario_tables(r: Any, rv: Review, by: Mapping[str, Any]) -> dict[str, Table | None]:
    countries = list(rv.countries)
    t: dict[str, Table | None] = {"results": econ.results_table(r, countries), "sectors": econ.sectors_table(r)}
    t["tariffs"] = Table(f"{r.name}_tariffs", "Tariffs in the model (trade-weighted at 2024 flows, %)",
                         ["importer", "exporter", "baseline, %", "scenario, %"],
                         [[i, e, rv.base_wedges.get(i, {}).get(e), v] for i, row in r.tariff_wedges.items()
                          for e, v in row.items()], text_cols=(0, 1), signed=False) if r.tariff_wedges else None
    cal = r.calibration or {}
    t["calibration"] = Table(
        f"{r.name}_calibration", f"US tariffs on Mexico and Canada calibrated to the tariff engine ({cal.get('month')}, %)",
        ["exporter", "sector", "tariff engine, %", "law-derived, %"],
        [[c, SECTOR_LABELS.get(s, s), v, (cal.get("law_derived_pct") or {}).get(c, {}).get(s)]
         for c, row in (cal.get("rates_pct") or {}).items() for s, v in row.items()],
        text_cols=(0, 1), signed=False) if cal.get("method") == "tariff engine" else None
    cmp_ = by.get(r.compare_to or "")
    t["diff"] = econ.versus_table(r, cmp_, countries) if cmp_ is not None else None
    reform = rv.reforms.get(r.name) or ()
    t["reform"] = Table(f"{r.name}_reform", "Law reform of this scenario", ["parameter", "what", "from", "value"],
                        [[x["path"], x["label"], x["period"], value_text(x["value"], x["unit"])] for x in reform],
                        text_cols=(0, 1, 2, 3)) if reform else None
    law = law_rows(r.law_used)
    t["law"] = Table(f"{r.name}_law", "Law parameters used (from the law tree, in force on the scenario's date)",
                     ["parameter", "value", "in force from", "origin", "instrument", "provision", "url"],
                     [list(x.values()) for x in law], text_cols=(0, 1, 2, 3, 4, 5), links={4: 6}) if law else None
    ass = assumption_rows(r.assumptions)
    t["assumptions"] = Table(f"{r.name}_assumptions", "Assumptions (each with its source)",
                             ["assumption", "value", "source", "url", "note"], [list(x.values()) for x in ass],
                             text_cols=(0, 1, 2, 4), links={2: 3}) if ass else None
    return t


def _extra_tables(r: Any) -> list[Table]:
    """Fields the runner adds (e.g. published comparisons): a list of flat mappings becomes a table."""
    out = []
    for key, val in r.to_dict().items():
        if key in _KNOWN or not isinstance(val, list) or not val or not all(isinstance(x, Mapping) for x in val):
            continue
        cols = list(dict.fromkeys(k for x in val for k in x))
        rows = [[x.get(k) if not isinstance(x.get(k), (Mapping, list)) else value_text(x.get(k), "") for k in cols]
                for x in val]
        out.append(Table(f"{r.name}_{key}", key.replace("_", " ").capitalize(), cols, rows,
                         text_cols=tuple(k for k, c in enumerate(cols) if any(isinstance(x[k], str) for x in rows))))
    return out


def _charts(rv: Review, whisker: str) -> tuple[Markup, dict[str, Markup]]:
    results = list(rv.results.values())
    members = [c for c in ("USA", "MEX", "CAN") if c in rv.countries]
    groups = [words.short_title(r.title) for r in results]
    summary = grouped_bar_svg(groups, {c: [r.countries[c]["welfare_pct"] for r in results] for c in members},
                              {c: [words._range(r, c) for r in results] for c in members},
                              title="Welfare change by scenario, USMCA members",
                              x_title="welfare change, % of baseline real income", whisker=whisker)
    each = {r.name: Markup(bar_svg(list(rv.countries), [r.countries[c]["welfare_pct"] for c in rv.countries],
                                   [words._range(r, c) for c in rv.countries],
                                   title=f"Welfare change by country: {words.short_title(r.title)}",
                                   x_title="welfare change, % of baseline real income", whisker=whisker))
            for r in results}
    return Markup(summary), each


def _etr_tables(rv: Review) -> list[Table]:
    out = []
    eng = rv.effective_rates.get("engine")
    if eng:
        out.append(Table("etr_engine", "Statutory effective US tariff rate by partner and month (tariff engine, %)",
                         [eng["first"], *[f"{c}, %" for c in eng["columns"]]],
                         [[r[0], *[float(v) if v != "" else None for v in r[1:]]] for r in eng["rows"]],
                         signed=False, note=eng["source"]))
    mod = rv.effective_rates.get("model")
    if mod:   # transposed: one row per scenario, one column per partner (fits the page)
        partners = [r[0] for r in mod["rows"]]
        titles = {r.name: words.short_title(r.title) for r in rv.results.values()}
        rows = [[titles.get(name, name), *[float(r[k + 1]) for r in mod["rows"]]] for k, name in enumerate(mod["columns"])]
        out.append(Table("etr_model", "US tariff by partner in each scenario (trade-weighted at baseline flows, %)",
                         ["scenario", *[f"{p}, %" for p in partners]], rows, signed=False, note=mod["source"]))
    return out


def _origin_table(rv: Review) -> Table | None:
    if not rv.origin_whatif:
        return None
    titles = {r.name: words.short_title(r.title) for r in rv.results.values()}

    def q(x: Mapping[str, Any] | None) -> str:
        if not x:
            return "n/a"
        text = "originating" if x.get("originating") else "not originating"
        return text + (f" (RVC {x['rvc']:.1f}% vs {x['threshold']:g}%)" if x.get("rvc") is not None else "")

    return Table("origin_whatif", "Do the example goods still qualify?", ["bill of materials", "scenario", "today",
                 "under the reform", "status"],
                 [[o["bom"], titles.get(o["scenario"], o["scenario"]), q(o["before"]), q(o["after"]), o["status"]]
                  for o in rv.origin_whatif], text_cols=(0, 1, 2, 3, 4))


def _caveat(cells: Mapping[str, int]) -> tuple[int, int]:
    traded = {k: v for k, v in cells.items() if not k.startswith("not traded")}
    facts = sum(v for k, v in traded.items() if k.startswith("fact"))
    return facts, sum(traded.values())


def _economics(review: Review, results: Sequence[Any]) -> dict[str, Any]:
    """The template's economics: the caveat, elasticities, agreement estimate, comparisons, explanations."""
    ex = review.extras
    el = list(ex.get("elasticities") or [])
    members = [c for c in ("USA", "MEX", "CAN") if c in review.countries]
    return {"caveat_text": econ.caveat(el), "elasticity_table": econ.elasticity_table(el) if el else None,
            "sensitivity": econ.sensitivity_table(results, members) if members else None,
            "agreement": econ.agreement_table(ex.get("agreement_effect") or {}),
            "compare": econ.comparison_blocks(list(ex.get("comparisons") or []), review.results),
            "explain": {r.name: econ.explanations(r, el) for r in results}}


def render_briefing(review: Review | Sequence[Any], baseline: Any = None, *, etr: Mapping[str, Any] | None = None,
                    origin: Sequence[Mapping[str, Any]] = ()) -> str:
    """The HTML page of ``review`` as a string.

    ``review`` is a :class:`~usmca.scenarios.review.Review`; a sequence of scenario results with
    their ``baseline`` (and optional ``etr`` table and ``origin`` rows) is assembled into one first
    without running anything else.
    """
    if not isinstance(review, Review):
        from usmca.scenarios.review import assemble_review

        given = {r.name: r for r in review}
        review = assemble_review(given, baseline, [], engine_rates=False, origin=list(origin))
        if etr is not None:
            review = dataclasses.replace(review, effective_rates=dict(etr))
    env = jinja2.Environment(loader=jinja2.PackageLoader("usmca.report", "."), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    results = list(review.results.values())
    by = {r.name: r for r in results}
    whisker = words.whisker(results)
    summary_chart, charts = _charts(review, whisker)
    cells = review.provenance.get("cells") or {}
    facts, total = _caveat(cells)
    welfare = econ.welfare_table(results, review.countries)
    return env.get_template("briefing.html.j2").render(
        rv=review, results=results, results_by=by, findings=words.findings(review), definitions=words.DEFINITIONS,
        modelled=words.MODELLED, not_modelled=words.NOT_MODELLED, whisker=whisker, short=words.short_title,
        summary_chart=summary_chart, charts=charts, welfare=welfare,
        tables={r.name: _scenario_tables(r, review, by) for r in results},
        extra={r.name: _extra_tables(r) for r in results}, etr=_etr_tables(review), origin=_origin_table(review),
        cells=Table("baseline_cells", "Bilateral goods cells of the baseline by provenance", ["provenance", "cells"],
                    [[k, v] for k, v in cells.items()], signed=False, digits=0),
        facts=facts, total=total, measures=review.provenance.get("measures") or [], **_economics(review, results))


def write_briefing(out: Path, review: Review) -> Path:
    """Write ``<out>/briefing.html`` (creating the folder); returns its path."""
    from usmca.errors import UserInputError

    path = out / BRIEFING_FILE
    try:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(render_briefing(review), encoding="utf-8")
    except OSError as exc:
        raise UserInputError("--out", "", str(out), f"cannot write ({exc.strerror or type(exc).__name__})") from None
    return path
