"""The economics of the briefing: figures with their 90% intervals, the inputs behind them, and
how they compare with published studies.

Read off a :class:`usmca.scenarios.review.Review`, nothing is computed here but arithmetic on its
numbers:

* :func:`results_table`, :func:`sectors_table`, :func:`versus_table`: every reported figure
  (welfare, real wage, terms and volume of trade, exports and imports nominal and real, gross
  output nominal and real, the difference from the comparator) with its 90% Monte Carlo interval
  (:class:`usmca.report.tables.Table` ``bands``);
* :func:`explanations`: vehicle output and US exports in words from their inputs (the scenario's
  ``explain``, :mod:`usmca.scenarios.explain`): the vehicles elasticity and its source, export
  shares, tariff changes and the first-order output change
  :math:`-\\theta \\sum_n s_{nc}(1-\\pi_{nc})\\Delta\\ln\\hat\\kappa_{nc}`; the trade-balance
  closure's effect on US exports (Lerner symmetry), nominal against real;
* :func:`caveat`, :func:`elasticity_table`, :func:`sensitivity_table`: the low elasticities as
  the main caveat, with their source and the welfare under halved and doubled elasticities;
* :func:`agreement_table`: the PPML estimate of the agreement's trade effect, its sample and
  specification (:mod:`usmca.ge.agreement`);
* :func:`comparison_blocks`: "how this compares", per scenario with published counterparts
  (:mod:`usmca.scenarios.compare`).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from usmca.data.baseline.sectors import SECTOR_LABELS
from usmca.scenarios.review import interval

from .summary import COUNTRY_NAMES, short_title
from .tables import Table

__all__ = ["METRICS", "welfare_table", "results_table", "sectors_table", "versus_table", "explanations", "caveat",
           "elasticity_table", "sensitivity_table", "agreement_table", "comparison_blocks", "MEASURE_WORDS"]

METRICS = {"welfare_pct": "welfare, %", "real_wage_pct": "real wage, %", "tot_pct": "terms of trade, %",
           "vot_pct": "volume of trade, %", "exports_pct": "exports, nominal %", "exports_real_pct": "exports, real %",
           "imports_pct": "imports, nominal %", "imports_real_pct": "imports, real %"}
MEASURE_WORDS = {"welfare_pct": "welfare (real income)", "exports_real_pct": "real exports",
                 "exports_pct": "nominal exports", "real_wage_pct": "real wage"}


def _pair(cell: Any) -> tuple[float, float] | None:
    if isinstance(cell, (list, tuple)) and len(cell) == 2:
        try:
            lo, hi = float(cell[0]), float(cell[1])
        except (TypeError, ValueError):
            return None
        return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None
    return None


def _banded(title: str, key: str, first: Sequence[str], metrics: Sequence[tuple[str, str]],
            rows: Sequence[tuple[Sequence[Any], Sequence[tuple[float | None, tuple[float, float] | None]]]],
            extra: Sequence[str] = (), extra_vals: Sequence[Sequence[Any]] = (), note: str = "",
            trailing: bool = False) -> Table:
    """A table whose metric columns each carry a hidden (low, high) pair shown under the value.

    The pair sits right after its value in the downloads, or (``trailing``) after all the values,
    so that the download's first columns are the point estimates alone.
    """
    n0, m = len(first), len(metrics)
    cols = list(first)
    bands: dict[int, tuple[int, int]] = {}
    for k, (_, label) in enumerate(metrics):
        if trailing:
            cols.append(label)
            bands[n0 + k] = (n0 + m + 2 * k, n0 + m + 2 * k + 1)
        else:
            cols += [label, f"{label} (90% low)", f"{label} (90% high)"]
            bands[n0 + 3 * k] = (n0 + 3 * k + 1, n0 + 3 * k + 2)
    if trailing:
        cols += [f"{label} ({end})" for _, label in metrics for end in ("90% low", "90% high")]
    cols += list(extra)
    out = []
    for j, (lead, vals) in enumerate(rows):
        row = list(lead)
        if trailing:
            row += [v for v, _ in vals] + [x for _, iv in vals for x in (iv or (None, None))]
        else:
            for v, iv in vals:
                row += [v, *(iv or (None, None))]
        out.append(row + list(extra_vals[j] if extra_vals else []))
    return Table(key, title, cols, out, text_cols=tuple(range(n0)), bands=bands, note=note)


def results_table(r: Any, countries: Sequence[str]) -> Table:
    """Results by country: each metric with its 90% interval, then welfare with elasticities x0.5 / x2."""
    shown = [(m, lab) for m, lab in METRICS.items() if any(r.countries[c].get(m) is not None for c in countries)]
    sens = r.sensitivity.get("welfare_pct") or {}
    factors = r.sensitivity.get("theta_factors", []) if sens else []
    rows = [([c], [(r.countries[c].get(m), interval(r, m, c)) for m, _ in shown]) for c in countries]
    has = any(iv for _, vals in rows for _, iv in vals)
    return _banded("Results by country (% change from the baseline; under each figure its 90% interval)",
                   f"{r.name}_results", ["country"], shown, rows,
                   extra=[f"welfare, elasticities x {f:g}, %" for f in factors],
                   extra_vals=[list(sens.get(c) or [None] * len(factors)) for c in countries],
                   note="" if has else "No Monte Carlo interval in this run (--draws 0 or a solver without one).")


def welfare_table(results: Sequence[Any], countries: Sequence[str]) -> Table:
    """Welfare change by scenario and country, each with its 90% interval (the overview)."""
    rows = [([short_title(r.title)], [(r.countries[c]["welfare_pct"], interval(r, "welfare_pct", c)) for c in countries])
            for r in results]
    return _banded("Welfare change by country (%; under each figure its 90% interval)", "welfare_summary",
                   ["scenario"], [(c, c) for c in countries], rows, trailing=True)


def top_cells(sectors: Mapping[str, Mapping[str, float | None]], k: int = 6) -> list[tuple[str, str, float]]:
    """The ``k`` country x sector cells with the largest absolute output change."""
    cells = [(c, s, v) for c, row in sectors.items() for s, v in row.items() if v is not None]
    return sorted(cells, key=lambda t: -abs(t[2]))[:k]


def sectors_table(r: Any) -> Table:
    """The most affected sectors: gross output nominal and real (volume), each with its 90% interval."""
    ivs = r.intervals or {}
    metrics = [("sectors", "output, nominal %")] + ([("sectors_real", "output, real %")] if r.sectors_real else [])
    rows = []
    for c, s, _ in top_cells(r.sectors):
        vals = [(getattr(r, m).get(c, {}).get(s), _pair((ivs.get(m) or {}).get(c, {}).get(s))) for m, _ in metrics]
        rows.append(([c, SECTOR_LABELS.get(s, s)], vals))
    return _banded("Most affected sectors (gross output, % change; under each figure its 90% interval)",
                   f"{r.name}_sectors", ["country", "sector"], metrics, rows)


def versus_table(r: Any, cmp_: Any, countries: Sequence[str]) -> Table:
    """The scenario's own effect: the difference from its comparator, with the 90% interval of the
    per-draw difference (same elasticity draws) when the run has one."""
    vs = r.versus or {}
    metrics = [("welfare_pct", "welfare, pp"), ("real_wage_pct", "real wage, pp"),
               ("exports_real_pct", "exports, real pp")]
    rows = []
    for c in countries:
        vals = []
        for m, _ in metrics:
            if vs:
                v = (vs.get("countries") or {}).get(c, {}).get(m)
                iv = _pair((vs.get("intervals") or {}).get(c, {}).get(m))
            else:
                a, b = r.countries[c].get(m), cmp_.countries[c].get(m)
                v, iv = (None if a is None or b is None else a - b), None
            vals.append((v, iv))
        rows.append(([c], vals))
    keep = [k for k in range(len(metrics)) if any(vals[k][0] is not None for _, vals in rows)]
    metrics = [metrics[k] for k in keep]
    rows = [(lead, [vals[k] for k in keep]) for lead, vals in rows]
    return _banded(f"Difference from {short_title(cmp_.title)} (percentage points; under each its 90% interval)",
                   f"{r.name}_vs_{cmp_.name}", ["country"], metrics, rows)


def _iv_text(iv: Any) -> str:
    p = _pair(iv)
    return f" (90% interval {p[0]:+.1f} to {p[1]:+.1f})" if p else ""


def _theta_row(elasticities: Sequence[Mapping[str, Any]], sector: str) -> Mapping[str, Any]:
    return next((e for e in elasticities if e.get("sector") == sector), {})


def _theta_words(e: Mapping[str, Any], theta: float) -> str:
    """The vehicles elasticity in one sentence, with its source (when the cited table applies)."""
    text = f"Vehicles carry the trade elasticity theta = {theta:.2f}"
    if not e:
        return text + " (from the elasticity file of this run)."
    own, own_se, cp = e.get("own_theta"), e.get("own_se"), e.get("cp2015_replication_file")
    if e.get("estimate") == "pooled":
        text += f" (se {e.get('se'):.2f}), the pooled goods estimate"
        if isinstance(own, (int, float)) and isinstance(own_se, (int, float)):
            text += f": the group's own estimate, {own:.2f} (se {own_se:.2f}), is not significantly positive"
    else:
        text += f" (se {e.get('se'):.2f}), its own estimate"
    text += " (Caliendo-Parro 2015 triplet estimator on their 1993 trade and tariff data)."
    if isinstance(cp, (int, float)):
        text += (f" Caliendo and Parro's replication file gives the sector {cp:g}, a value it also gives the "
                 f"non-traded sectors; with it the first-order output response would be {cp / theta:.1f} times as "
                 "large.")
    return text


def _vehicle_words(c: str, v: Mapping[str, Any]) -> str | None:
    shares = v.get("export_share_of_output_pct") or {}
    if not shares or v.get("model_output_pct") is None:
        return None
    dest = max(shares, key=lambda n: shares[n])
    tar, ntc = v["tariff_change_pp"].get(dest, 0.0), v["non_tariff_cost_change_pct"].get(dest, 0.0)
    cost = f"the tariff there changes by {tar:+.1f} points" + (
        f" and the non-tariff trade cost by {ntc:+.1f}%" if abs(ntc) >= 0.05 else "")
    name = COUNTRY_NAMES.get(c, c)
    return (f"{name[:1].upper() + name[1:]} sells {shares[dest]:.0f}% of its vehicle output in "
            f"{COUNTRY_NAMES.get(dest, dest)}, where it holds {v['import_share_in_market_pct'].get(dest, 0):.0f}% of "
            f"the market, and {cost}: at given costs, theta x export share x (1 - market share) x the cost change, "
            f"summed over markets, gives {v['first_order_output_pct']:+.1f}%; the model gives "
            f"{v['model_output_pct']:+.1f}%{_iv_text(v.get('model_output_interval_pct'))} in volume, after wage, "
            "input-cost and demand adjustment.")


def explanations(r: Any, elasticities: Sequence[Mapping[str, Any]]) -> list[str]:
    """Vehicle output and US exports in words, from the inputs the scenario's ``explain`` records."""
    ex = r.explain or {}
    out: list[str] = []
    veh = ex.get("vehicles") or {}
    parts = [s for s in (_vehicle_words(c, veh[c]) for c in ("MEX", "CAN") if veh.get(c)) if s]
    if parts:
        theta = next(veh[c]["theta"] for c in ("MEX", "CAN") if veh.get(c))
        row = _theta_row(elasticities, "vehicles")
        if not isinstance(row.get("theta"), (int, float)) or abs(float(row["theta"]) - theta) > 1e-3:
            row = {}                                   # a user's elasticity file: the cited row does not apply
        out.append("Vehicle output. " + _theta_words(row, theta) + " " + " ".join(parts))
    us = ex.get("us_exports") or {}
    if us.get("exports_pct") is not None and us.get("imports_pct") is not None:
        faced = us["tariff_faced_change_pp"]
        base = (f"US exports. In 2024 the US exported ${us['baseline_exports_usd_bn']:,.0f}bn of goods and imported "
                f"${us['baseline_imports_usd_bn']:,.0f}bn (deficit ${us['baseline_deficit_usd_bn']:,.0f}bn). The "
                f"scenario raises the tariffs the US imposes by {us['tariff_imposed_change_pp']:+.1f} points on "
                "average; the tariffs US goods face abroad "
                + ("are unchanged. " if abs(faced) < 0.05 else f"change by {faced:+.1f} points. "))
        if us.get("closure") == "deficit_share":
            base += (f"With deficits held (closure deficit_share) every dollar of imports lost is a dollar of exports "
                     f"lost: imports {us['imports_pct']:+.1f}%{_iv_text(us.get('imports_interval_pct'))} times M/E "
                     f"gives exports {us['exports_implied_by_fixed_deficit_pct']:+.1f}%; the closure, not foreign "
                     "demand, sets most of the export change. ")
        else:
            base += (f"With deficits removed (closure deficits_removed, Caliendo and Parro 2015, Section 5.1) trade is "
                     f"balanced in both equilibria, so nominal exports change as imports do, by "
                     f"{us['exports_pct']:+.1f}%{_iv_text(us.get('exports_interval_pct'))}. A tax on imports is "
                     "also a tax on exports (Lerner symmetry): US exports fall through the trade balance and US "
                     "costs, whatever foreign tariffs do. ")
        if us.get("exports_real_pct") is not None:
            base += (f"In volume (each flow deflated by its own price change) exports change by "
                     f"{us['exports_real_pct']:+.1f}%{_iv_text(us.get('exports_real_interval_pct'))}; the nominal "
                     "figures are in units of world income.")
        out.append(base)
    return out


def _range(rows: Sequence[Mapping[str, Any]], key: str) -> tuple[float, float] | None:
    vals = [float(e[key]) for e in rows if isinstance(e.get(key), (int, float)) and math.isfinite(e[key])]
    return (min(vals), max(vals)) if vals else None


def caveat(elasticities: Sequence[Mapping[str, Any]]) -> str:
    """The main caveat in one paragraph: how low the elasticities are, where they come from."""
    goods = [e for e in elasticities if e.get("sector") != "services"]
    rng, cp = _range(goods, "theta"), _range(goods, "cp2015_replication_file")
    pooled = next((e for e in goods if e.get("estimate") == "pooled"), None)
    if rng is None:
        return ""
    text = (f"The trade elasticities are low: theta runs from {rng[0]:.2f} to {rng[1]:.2f} across the goods sectors")
    if pooled is not None:
        n = sum(1 for e in goods if e.get("estimate") == "pooled")
        text += (f", and {n} sectors (vehicles among them) carry the pooled estimate {pooled['theta']:.2f} because "
                 "their own estimate is not significantly positive")
    text += (". They are the Caliendo-Parro (2015, Section 4) triplet estimator run on Caliendo and Parro's own "
             "1993 trade and tariff data (30 countries)")
    if cp is not None:
        text += (f"; the values their replication file gives the same sectors run from {cp[0]:.2f} to {cp[1]:.2f}")
    text += (". Lower elasticities mean smaller trade and output responses and larger terms-of-trade effects: in "
             "the tariff scenarios the US gain and the Mexican and Canadian welfare losses are larger than they "
             "would be with higher values. The 90% intervals reflect only the sampling error of these estimates; "
             "the table below shows welfare with every elasticity halved and doubled, a wider range.")
    return text


def _num_or_none(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def elasticity_table(elasticities: Sequence[Mapping[str, Any]]) -> Table:
    """The cited trade elasticity of every sector, with its standard error and its source."""
    rows = [[SECTOR_LABELS.get(e["sector"], e["sector"]), _num_or_none(e.get("theta")), _num_or_none(e.get("se")),
             "pooled goods estimate" if e.get("estimate") == "pooled" else "own estimate",
             _num_or_none(e.get("own_theta")), _num_or_none(e.get("own_se")),
             _num_or_none(e.get("cp2015_replication_file")),
             f"{int(e['n_triplets']):,}" if _num_or_none(e.get("n_triplets")) is not None else "n/a",
             "Caliendo and Parro (2015)" if "Caliendo" in str(e.get("source", "")) else str(e.get("source", "")),
             e.get("url", "")] for e in elasticities]
    sources = "; ".join(dict.fromkeys(str(e.get("source", "")) for e in elasticities if e.get("source")))
    methods = str(elasticities[0].get("method", "") if elasticities else "").split("; own estimate")[0]
    return Table("elasticities", "Trade elasticities (theta) by sector, as used", [
        "sector", "theta", "standard error", "which", "own estimate", "own se", "CP 2015 replication file",
        "triplets", "source", "url"], rows, signed=False, text_cols=(0, 3, 7, 8), links={8: 9},
        note=f"Method: {methods}. Source: {sources}.")


def sensitivity_table(results: Sequence[Any], members: Sequence[str]) -> Table | None:
    """Welfare of the USMCA members with the elasticities as estimated, halved and doubled."""
    factors = next((r.sensitivity.get("theta_factors") for r in results if r.sensitivity.get("welfare_pct")), None)
    if not factors:
        return None
    cols = ["scenario"]
    for c in members:
        cols += [f"{c}, %"] + [f"{c}, x {f:g}, %" for f in factors]
    rows = []
    for r in results:
        sens = r.sensitivity.get("welfare_pct") or {}
        row: list[Any] = [short_title(r.title)]
        for c in members:
            row += [r.countries[c]["welfare_pct"], *(sens.get(c) or [None] * len(factors))]
        rows.append(row)
    return Table("elasticity_sensitivity", "Welfare with every trade elasticity as estimated, halved (x 0.5) and "
                 "doubled (x 2), USMCA members (%)", cols, rows)


def agreement_table(agreement: Mapping[str, Any]) -> Table | None:
    """The agreement's PPML trade effect as estimated: coefficient, se, effects, sample, specification."""
    if not agreement:
        return None
    other = agreement.get("other_rta") or {}
    rows = [["agreement coefficient (NAFTA/CUSFTA)", f"{agreement['coefficient']:.3f} (se {agreement['se']:.3f})"],
            ["other agreements' coefficient", f"{other['coefficient']:.3f} (se {other['se']:.3f})"
             if other else "n/a"],
            ["partial trade effect", f"{agreement.get('partial_trade_effect_pct', float('nan')):+.1f}%"],
            ["trade-cost equivalent", f"{agreement.get('trade_cost_equivalent_pct', float('nan')):.1f}% at sigma = "
             f"{agreement.get('sigma', float('nan')):g}"],
            ["observations", f"{agreement.get('nobs', 0):,}"],
            ["sample", agreement.get("sample", "")], ["specification", agreement.get("specification", "")],
            ["how a scenario uses it", agreement.get("interpretation", "")],
            ["source", agreement.get("source", "")]]
    return Table("agreement_effect", "The agreement's non-tariff trade effect, estimated (PPML)", ["quantity", "value"],
                 rows, text_cols=(0, 1), note=agreement.get("url", ""))


def _short_study(s: str) -> str:
    return s[:s.index(")") + 1] if ")" in s else s


def comparison_blocks(comparisons: Sequence[Mapping[str, Any]], results: Mapping[str, Any]
                      ) -> list[dict[str, Any]]:
    """Per scenario with published counterparts: ``{name, title, basis, table, why}``.

    ``table`` sets each study's figure beside ours (with its 90% interval), saying what each
    measures and over which horizon; ``why`` is the study's sentence on why they differ (once per study).
    """
    by: dict[str, list[Mapping[str, Any]]] = {}
    for c in comparisons:
        by.setdefault(c["scenario"], []).append(c)
    out = []
    for name, rows in by.items():
        r = results.get(name)
        title = short_title(r.title) if r is not None else name
        cols = ["country", "study", "url", "what the study measures", "horizon", "study, %", "ours, %",
                "ours 90% low", "ours 90% high", "our measure", "source check"]
        body = []
        for c in rows:
            iv = _pair(c.get("our_interval_pct")) or (None, None)
            body.append([c["country"], c["study"], c["url"], c["measure"], c["horizon"], c["value_pct"],
                         c.get("our_value_pct"), *iv, MEASURE_WORDS.get(c["our_measure"], c["our_measure"]),
                         str(c.get("source_check", "")).split(" (")[0] or "not recorded"])
        why = list(dict.fromkeys((_short_study(c["study"]), c["why_differs"]) for c in rows))
        basis = rows[0].get("our_basis", "")
        cmp_ = results.get(getattr(r, "compare_to", None) or "") if r is not None else None
        if rows[0].get("relative_to_compare_to") and cmp_ is not None:
            basis = f"the change against {short_title(cmp_.title)}, the agreement's own effect"
        closure = rows[0].get("our_closure")
        out.append({"name": name, "title": title,
                    "basis": f"Ours: {basis}" + (f", closure {closure}" if closure else "") + ".",
                    "table": Table(f"compare_{name}", f"{title}: our figure beside published estimates", cols, body,
                                   text_cols=(0, 1, 3, 4, 9, 10), links={1: 2}, bands={6: (7, 8)}, nowrap=(10,)),
                    "why": why})
    return out
