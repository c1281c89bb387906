"""Calibrate a scenario's US tariffs on Canada and Mexico to the tariff engine (``calibrate: tariff_engine``).

The law-derived shocks of a scenario approximate the US tariff on a partner's sector j as
measures x (1 - claim share), with one claim share per sector group. When the observed HTS10
flows are present (shared data: USITC DataWeb via the Budget Lab tracker, with their
USMCA-claimed values), the tariff engine (:func:`usmca.tariffs.etr.effective_rates`) gives the
*statutory* effective rate of every partner x HS chapter in the scenario's month, under the
scenario's law tree: column-1 (MFN) duty on non-claimed goods plus every additional measure
(IEEPA, Sections 232 and 122, with their USMCA treatment and stacking rules). The chapters are
summed to the ten baseline sectors (:func:`usmca.data.baseline.sectors.hs2_sector`: HS 01-24
agri_food, 25-27 energy_minerals, 28-38 chem_pharma, 39-40 plastics_rubber, 72-83 metals, 84
machinery, 85 electrical, 87 vehicles, the other chapters other_manuf; chapters 98-99 dropped,
as in the baseline's flows) and dollars are summed before dividing:

.. math:: \\tau^{cal}_{US,i,g} = \\frac{\\sum_{h \\in g} \\mathrm{duty}_{i,h}}{\\sum_{h \\in g} v_{i,h}},
          \\qquad i \\in \\{MEX, CAN\\}.

These rates replace the law-derived tariffs of those cells (:func:`usmca.scenarios.compile.compile_scenario`).
The US content credited to USMCA-claimed vehicles is the scenario's ``us_content_veh``
assumption (0 without it). Without the shared data the calibration is ``None`` and the scenario
keeps its law-derived wedges; the briefing says which was used.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from usmca.errors import UsmcaError

from .schema import UNITS, Scenario

__all__ = ["engine_calibration", "ENGINE_PARTNERS"]

ENGINE_PARTNERS = {"MEX": "MX", "CAN": "CA"}
"""Baseline region -> ISO alpha-2 code of the partners whose observed flows the engine reads."""


@functools.lru_cache(maxsize=8)
def _engine_rates(month: str, us_content: float, reform_key: str | None, reform: Any = None) -> Any:
    """Duty and value by partner x HS chapter in ``month`` (a DataFrame), or ``None`` without data."""
    try:
        from usmca.data.loaders.flows import shared_flows  # noqa: PLC0415 - optional data
        from usmca.law import Reform, default_tree  # noqa: PLC0415
        from usmca.tariffs.etr import effective_rates  # noqa: PLC0415 - optional engine

        flows = shared_flows(None, month, month)
        if flows is None or len(flows) == 0:
            return None
        tree = default_tree()
        if reform is not None:
            tree = tree.with_reform(Reform.from_dict(dict(reform), source=reform_key or "scenario"))
        return effective_rates(flows, by=("partner", "hs2"), tree=tree, us_content=us_content)
    except (ImportError, UsmcaError, OSError):
        return None


def engine_calibration(s: Scenario, baseline: Any) -> tuple[np.ndarray | None, dict[str, Any]]:
    """New US tariffs on Mexican and Canadian goods from the tariff engine, and a summary.

    Returns ``(cal, info)``: ``cal`` is (N, N, J) with the engine's rate (fraction) on the cells
    US x {MEX, CAN} x goods sector and NaN elsewhere, or ``None`` when the scenario does not ask
    for calibration, the baseline is not in the ten-sector layout, or the flow data are absent;
    ``info`` says which, and gives the engine's rates (percent) by partner and sector.
    """
    from usmca.data.baseline.sectors import GOODS, hs2_sector  # noqa: PLC0415

    if s.calibrate != "tariff_engine":
        return None, {}
    info: dict[str, Any] = {"method": "law-derived wedges", "month": s.date.strftime("%Y-%m")}
    countries, sectors = tuple(baseline.countries), tuple(baseline.sectors)
    if "USA" not in countries or not set(GOODS) <= set(sectors) or any(c not in countries for c in ENGINE_PARTNERS):
        info["reason"] = "the baseline is not in the ten-sector layout of the embedded baseline"
        return None, info
    u = {a.name: a for a in s.assumptions}.get("us_content_veh")
    us_content = float(u.value) * UNITS[u.unit] if u is not None and not isinstance(u.value, dict) else 0.0
    out = _engine_rates(info["month"], us_content, s.source if s.reform else None,
                        _Frozen(s.reform) if s.reform else None)
    if out is None or len(out) == 0:
        info["reason"] = "the observed HTS10 flows (shared data) are absent"
        return None, info
    sec = hs2_sector(out["hs2"].to_numpy())
    keep = sec != ""
    df = out.loc[keep, ["partner", "duty", "value"]].assign(sector=sec[keep])
    g = df.groupby(["partner", "sector"], sort=True)[["duty", "value"]].sum()
    etr = (g["duty"] / g["value"].where(g["value"] > 0)).dropna()
    cal = np.full(np.shape(baseline.tariffs), np.nan)
    us = countries.index("USA")
    table: dict[str, dict[str, float]] = {}
    for region, iso in ENGINE_PARTNERS.items():
        if iso not in etr.index.get_level_values(0):
            continue
        rates = etr.loc[iso]
        j = np.array([sectors.index(x) for x in rates.index])
        cal[us, countries.index(region), j] = rates.to_numpy()
        table[region] = {k: round(100 * float(v), 3) for k, v in rates.items()}
    if not table:
        info["reason"] = "no flows for Canada or Mexico in the month"
        return None, info
    info.update(method="tariff engine", us_content_veh=us_content, rates_pct=table,
                source="usmca.tariffs.etr.effective_rates by partner x HS chapter on the observed HTS10 flows "
                       "(USITC DataWeb via the Budget Lab tracker), summed to the ten sectors by HS chapter")
    return cal, info


class _Frozen(dict):
    """A hashable mapping (by identity of its YAML text) so that reforms can key the cache."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(repr(sorted(self.items(), key=lambda kv: kv[0])))
