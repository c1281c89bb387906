"""The executive summary of the briefing: findings in plain words, read off the review.

Every sentence is built from the review's numbers (no number is written here): for each USMCA
member the scenario with the largest welfare change, what termination costs against the regime
it replaces, the review option that moves Mexico and Canada most against its comparator, the
US tariff each member faces, and the example goods a reform would stop qualifying. A figure
carries its 90% interval when the run has one, else the range under halved and doubled trade
elasticities (said as such).
"""

from __future__ import annotations

from typing import Any, Sequence

from usmca.scenarios.review import interval

__all__ = ["findings", "short_title", "whisker", "MODELLED", "NOT_MODELLED", "DEFINITIONS", "COUNTRY_NAMES"]

COUNTRY_NAMES = {"USA": "the United States", "MEX": "Mexico", "CAN": "Canada", "CHN": "China",
                 "EU27": "the EU", "JPN": "Japan", "KOR": "Korea", "ROW": "the rest of the world"}

DEFINITIONS = (
    ("Welfare", "the change in real income of a country's households (Caliendo and Parro 2015: the terms-of-trade "
                "plus the volume-of-trade effect), in % of baseline income."),
    ("Real wage", "the change in the wage deflated by the consumer price index, in %."),
    ("Terms of trade", "the change in the price of a country's exports relative to its imports; its contribution "
                       "to welfare, in %."),
    ("Effective tariff rate", "duties owed divided by the customs value of imports, in %, after USMCA "
                              "preferences, exemptions and stacking rules (a trade-weighted average)."),
)

MODELLED = ("tariffs by importer, exporter and sector, including Section 232, IEEPA, Section 122 and reciprocal "
            "duties read from the law tree and the USMCA claim shares observed by sector",
            "trade-cost changes a scenario states (border delays, conformity assessment)",
            "input-output links between sectors and countries, and the long-run reallocation of production")
NOT_MODELLED = ("trade in services, investment and capital flows, exchange rates and monetary policy",
                "adjustment over time (the results compare two long-run equilibria)",
                "rules of origin as a compliance cost, except where a scenario turns them into tariff or claim-share "
                "changes (the origin what-if shows their effect on example goods instead)",
                "employment and unemployment (labour is fully employed in each country)")


def short_title(title: str) -> str:
    """``"(c) USMCA termination: MFN among ..."`` -> ``"(c) USMCA termination"``."""
    return title.split(":")[0].strip()


def whisker(results: Sequence[Any]) -> str:
    """What the whiskers and ranges of these results are."""
    if any(interval(r, "welfare_pct", c) for r in results for c in r.countries):
        agreement = any("agreement" in " ".join(map(str, (getattr(r, "uncertainty", None) or {}).get("parameters", [])))
                        for r in results)
        return "90% Monte Carlo interval over the trade elasticities" + (
            " (and the agreement effect where removed)" if agreement else "")
    if any(r.sensitivity.get("welfare_pct") for r in results):
        return "range with every trade elasticity halved and doubled (no Monte Carlo interval in this run)"
    return "no interval in this run"


def _range(r: Any, c: str, m: str = "welfare_pct") -> tuple[float, float] | None:
    iv = interval(r, m, c)
    if iv is not None or m != "welfare_pct":
        return iv
    vals = [v for v in (r.sensitivity.get("welfare_pct", {}) or {}).get(c, []) if v is not None]
    v0 = r.countries[c][m]
    return (min(vals + [v0]), max(vals + [v0])) if vals and v0 is not None else None


def pct(r: Any, c: str, m: str = "welfare_pct") -> str:
    """``-1.23% (90% interval -1.50 to -0.90)`` or with the elasticity range."""
    v = r.countries[c][m]
    if v is None:
        return "n/a"
    iv = _range(r, c, m)
    tag = "90% interval" if interval(r, m, c) is not None else "elasticities halved/doubled"
    return f"{v:+.2f}%" + (f" ({tag} {iv[0]:+.2f} to {iv[1]:+.2f})" if iv else "")


def _most(results: Sequence[Any], c: str) -> str | None:
    rs = [r for r in results if r.countries.get(c, {}).get("welfare_pct") is not None]
    if not rs:
        return None
    r = max(rs, key=lambda r: abs(r.countries[c]["welfare_pct"]))
    return f"For {COUNTRY_NAMES.get(c, c)}, the scenario that matters most is {short_title(r.title)}: welfare {pct(r, c)}."


def _versus_band(r: Any, cmp_: Any, c: str, m: str = "welfare_pct") -> str:
    """`` (90% interval lo to hi)`` of r minus cmp_ when the run has the per-draw difference."""
    vs = getattr(r, "versus", None) or {}
    if vs.get("scenario") != getattr(cmp_, "name", None):
        return ""
    cell = (vs.get("intervals") or {}).get(c, {}).get(m)
    return f" (90% interval {cell[0]:+.2f} to {cell[1]:+.2f})" if isinstance(cell, (list, tuple)) and len(cell) == 2 else ""


def _termination(by: dict[str, Any]) -> str | None:
    t, b = by.get("termination"), by.get("after_ruling_2026") or by.get("status_quo_2025")
    if t is None or b is None:
        return None
    parts = [f"{COUNTRY_NAMES[c]} {t.countries[c]['welfare_pct'] - b.countries[c]['welfare_pct']:+.2f} points"
             f"{_versus_band(t, b, c)}"
             for c in ("MEX", "CAN", "USA") if c in t.countries and t.countries[c]["welfare_pct"] is not None
             and b.countries[c]["welfare_pct"] is not None]
    return (f"Ending the agreement, {short_title(t.title)}, changes welfare against {short_title(b.title)} by "
            + ", ".join(parts) + "; what changes (the tariffs and, where the scenario says so, the "
            "agreement's estimated non-tariff trade effect) is listed under the scenario's assumptions.")


def _options(results: Sequence[Any], by: dict[str, Any]) -> str | None:
    best = None
    for r in results:
        cmp_ = by.get(r.compare_to or "")
        if cmp_ is None or r.name == "termination":      # termination has its own finding
            continue
        for c in ("MEX", "CAN"):
            a, b = r.countries.get(c, {}).get("welfare_pct"), cmp_.countries.get(c, {}).get("welfare_pct")
            if a is not None and b is not None and (best is None or abs(a - b) > abs(best[0])):
                best = (a - b, r, c, cmp_)
    if best is None:
        return None
    d, r, c, cmp_ = best
    return (f"Of the review options, {short_title(r.title)} moves welfare most: {COUNTRY_NAMES[c]} {d:+.2f} "
            f"points{_versus_band(r, cmp_, c)} against {short_title(cmp_.title)}.")


def _tariffs(by: dict[str, Any]) -> str | None:
    r = by.get("status_quo_2025")
    if r is None:
        return None
    us = r.tariff_wedges.get("USA", {})
    parts = [f"{COUNTRY_NAMES[c]} {us[c]:.1f}%" for c in ("MEX", "CAN", "CHN") if c in us]
    if not parts:
        return None
    return (f"In {short_title(r.title)}, the average US tariff on goods (trade-weighted, after USMCA claims) is "
            + ", ".join(parts) + ".")


def _origin(origin: Sequence[Any], by: dict[str, Any]) -> str | None:
    lost = [o for o in origin if o["status"] == "ok" and (o["before"] or {}).get("originating")
            and (o["after"] or {}).get("originating") is False]
    if not lost:
        return None
    items = [f"{o['bom'].removesuffix('.yaml').replace('_bom', '').replace('_', ' ')} under "
             f"{short_title(by[o['scenario']].title) if o['scenario'] in by else o['scenario']}" for o in lost]
    return "Example goods that qualify today and would not under a review option: " + "; ".join(items) + "."


def findings(review: Any) -> list[str]:
    """Three to six plain-language findings of ``review`` (fewer when it runs few scenarios)."""
    results = list(review.results.values())
    by = {r.name: r for r in results}
    out = [_termination(by), _options(results, by)]
    out += [_most(results, c) for c in ("USA", "MEX", "CAN") if c in review.countries]
    out += [_tariffs(by), _origin(review.origin_whatif, by)]
    return [s for s in out if s][:6]
