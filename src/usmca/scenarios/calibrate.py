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
keeps its law-derived wedges; the briefing says which.

Flows and law date. The engine reads the latest month of observed flows not after the
scenario's month (the claim data end in February 2026). When that month *is* the scenario's
month (scenario (a), October 2025) the law is averaged over the days of the month, as in
``usmca tariffs etr``. Otherwise (the 2026-27 scenarios) every line of that month is evaluated
under the law in force on the scenario's date (``effective_rates(..., law_date=s.date)``), so
measures repealed or expired by then (IEEPA, Section 122: the dates are the ``null`` entries of
``us/ieepa/fentanyl/rate`` and ``us/section122/rate`` in the law tree) are absent and Section 232
on vehicles and parts follows its USMCA treatment HTS line by HTS line (claimed parts exempt,
claimed vehicles taxed on their non-US content): the group-level wedge of the law-derived shocks,
which taxes claimed parts like vehicles, is not used. Column-1 rates for
a date after the last loaded HTS edition are those of the latest edition, carried forward
(:func:`_schedule_through`); the info says so. The briefing states "calibrated on <month> flows
under the US measures encoded on <date>".

Claim shares. The engine uses the observed USMCA-claimed value of every line; the scenario's
claim-share assumptions enter as in (a): the runner adds the gap between these rates and the
law-derived tariffs of the calibration root (:mod:`usmca.scenarios.runner`), so a scenario that
changes claims (termination, a tighter rule) moves from the calibrated level by the law-derived
difference. Scenarios that inherit a calibration and compare to a calibrated scenario of the same
date are calibrated through that comparator (:func:`usmca.scenarios.library.load_library`), e.g.
(d)-(h) through (m) ``current_law_2027``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import numpy as np
import pandas as pd

from usmca.errors import UsmcaError

from .schema import UNITS, Scenario

__all__ = ["engine_calibration", "ENGINE_PARTNERS"]

ENGINE_PARTNERS = {"MEX": "MX", "CAN": "CA"}
"""Baseline region -> ISO alpha-2 code of the partners whose observed flows the engine reads."""


@functools.lru_cache(maxsize=8)
def _latest_month(month: str) -> str | None:
    """The latest month of observed flows not after ``month`` (``YYYY-MM``), or ``None`` without data."""
    try:
        from usmca.data.loaders.flows import shared_flows  # noqa: PLC0415 - optional data

        months = shared_flows(None, None, month)["month"]
        return str(months.max()) if len(months) else None
    except (ImportError, UsmcaError, OSError):
        return None


@functools.lru_cache(maxsize=4)
def _schedule_through(day: dt.date) -> tuple[Any, str]:
    """The HTS schedule, its latest edition carried forward to ``day`` if the data end before it.

    Returns the schedule and a note (empty when no edition was carried forward).
    """
    from usmca.tariffs.schedule import Schedule, load_schedule  # noqa: PLC0415 - optional engine

    sched = load_schedule()
    rev, _, end = sched.revisions[-1]
    if day <= max(r[2] for r in sched.revisions):
        return sched, ""
    frame = sched.frame.copy()
    last = frame["revision"] == rev
    frame["effective_to"] = frame["effective_to"].where(~last, pd.Timestamp(day))
    return Schedule(frame, sched.source), (f"column-1 rates of the HTS {rev} (data end {end}) carried "
                                           f"forward to {day}")


@functools.lru_cache(maxsize=8)
def _engine_rates(month: str, us_content: float, reform_key: str | None, reform: Any = None,
                  law_date: dt.date | None = None, claim_scale: tuple[tuple[str, str, float], ...] = ()) -> Any:
    """Duty and value by partner x HS chapter of ``month``'s flows (a DataFrame), or ``None`` without data.

    ``law_date``: evaluate every line under the law in force on that date (else the month's days).
    ``claim_scale``: ``(iso2, sector, k)`` triples; the claimed value of every line of that partner
    and sector becomes :math:`\\min(k\\,c_i, v_i)`.
    """
    try:
        from usmca.data.loaders.flows import shared_flows  # noqa: PLC0415 - optional data
        from usmca.law import Reform, default_tree  # noqa: PLC0415
        from usmca.tariffs.etr import effective_rates  # noqa: PLC0415 - optional engine

        flows = shared_flows(None, month, month)
        if flows is None or len(flows) == 0:
            return None
        if claim_scale:
            flows = _scale_claims(flows, claim_scale)
        tree = default_tree()
        if reform is not None:
            tree = tree.with_reform(Reform.from_dict(dict(reform), source=reform_key or "scenario"))
        if law_date is None:
            return effective_rates(flows, by=("partner", "hs2"), tree=tree, us_content=us_content)
        sched, _ = _schedule_through(law_date)
        return effective_rates(flows, by=("partner", "hs2"), tree=tree, us_content=us_content,
                               schedule=sched, law_date=law_date)
    except (ImportError, UsmcaError, OSError):
        return None


def _scale_claims(flows: pd.DataFrame, claim_scale: tuple[tuple[str, str, float], ...]) -> pd.DataFrame:
    """Flows with the claimed value of each (partner, sector) line scaled by k, capped at the value."""
    from usmca.data.baseline.sectors import hs2_sector  # noqa: PLC0415

    key = pd.MultiIndex.from_tuples([(p, g) for p, g, _ in claim_scale])
    k = pd.Series([x for _, _, x in claim_scale], index=key)
    sec = hs2_sector(flows["hts10"].str[:2].to_numpy())
    factor = k.reindex(pd.MultiIndex.from_arrays([flows["partner"].to_numpy(), sec])).fillna(1.0).to_numpy()
    return flows.assign(usmca_value=np.minimum(flows["usmca_value"].to_numpy() * factor, flows["value"].to_numpy()))


def claim_scale(s: Scenario, root: Scenario, sectors: tuple[str, ...]) -> tuple[tuple[str, str, float], ...]:
    """How ``s`` rescales the observed USMCA claims of its calibration root, by partner and sector.

    The claim-share assumptions ``claim_mx`` / ``claim_ca`` (one per sector) of ``s`` and ``root``
    give :math:`k_{i,g} = \\sigma^{s}_{i,g} / \\sigma^{root}_{i,g}` (1 where the root's share is 0);
    the engine then taxes each line's claimed value :math:`k\\,c` (e.g. :math:`k = 0` under
    termination, USMCA Art. 34.6: nothing can be claimed). Empty when the shares are the same.
    """
    from .compile import _assumption_value  # noqa: PLC0415

    out = []
    for iso in ENGINE_PARTNERS.values():
        name = f"claim_{iso.lower()}"
        a, r = ({x.name: x for x in sc.assumptions}.get(name) for sc in (s, root))
        if a is None or r is None:
            continue
        va = np.broadcast_to(_assumption_value(a, sectors, s.source), (len(sectors),))
        vr = np.broadcast_to(_assumption_value(r, sectors, root.source), (len(sectors),))
        k = np.where(vr > 0, va / np.where(vr > 0, vr, 1.0), 1.0)
        out += [(iso, g, round(float(x), 12)) for g, x in zip(sectors, k, strict=True) if not np.isclose(x, 1.0)]
    return tuple(out)


def engine_calibration(s: Scenario, baseline: Any, claims_of: Scenario | None = None) -> tuple[np.ndarray | None, dict[str, Any]]:
    """New US tariffs on Mexican and Canadian goods from the tariff engine, and a summary.

    Returns ``(cal, info)``: ``cal`` is (N, N, J) with the engine's rate (fraction) on the cells
    US x {MEX, CAN} x goods sector and NaN elsewhere, or ``None`` when the scenario does not ask
    for calibration, the baseline is not in the ten-sector layout, or the flow data are absent;
    ``info`` says which, and gives the engine's rates (percent) by partner and sector.
    ``claims_of``: a variant of ``s`` whose claim shares rescale the observed claims
    (:func:`claim_scale`); the law and flows stay those of ``s``.
    """
    from usmca.data.baseline.sectors import GOODS, hs2_sector  # noqa: PLC0415

    if s.calibrate != "tariff_engine":
        return None, {}
    own = s.date.strftime("%Y-%m")
    month = _latest_month(own) or own
    law_date = None if month == own else s.date
    info: dict[str, Any] = {"method": "law-derived wedges", "month": month,
                            "law_date": (law_date or s.date).isoformat(),
                            "law_rule": "the law of each day of the month" if law_date is None
                            else f"the US measures encoded on {s.date.isoformat()}"}
    countries, sectors = tuple(baseline.countries), tuple(baseline.sectors)
    if "USA" not in countries or not set(GOODS) <= set(sectors) or any(c not in countries for c in ENGINE_PARTNERS):
        info["reason"] = "the baseline is not in the ten-sector layout of the embedded baseline"
        return None, info
    u = {a.name: a for a in s.assumptions}.get("us_content_veh")
    us_content = float(u.value) * UNITS[u.unit] if u is not None and not isinstance(u.value, dict) else 0.0
    scale = claim_scale(claims_of, s, sectors) if claims_of is not None else ()
    if scale and claims_of is not None:
        info["claims"] = (f"observed claims rescaled by the claim shares of {claims_of.name} relative to {s.name}: "
                          + "; ".join(_scale_text(scale, iso) for iso in ENGINE_PARTNERS.values()
                                      if any(p == iso for p, _, _ in scale)))
    out = _engine_rates(month, us_content, s.source if s.reform else None,
                        _Frozen(s.reform) if s.reform else None, law_date, scale)
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
                basis=f"calibrated on {month} flows under {info['law_rule']}",
                schedule_note=_schedule_note(law_date),
                source="usmca.tariffs.etr.effective_rates by partner x HS chapter on the observed HTS10 flows "
                       "(USITC DataWeb via the Budget Lab tracker), summed to the ten sectors by HS chapter")
    return cal, info


def _scale_text(scale: tuple[tuple[str, str, float], ...], iso: str) -> str:
    ks = {g: k for p, g, k in scale if p == iso}
    if len(set(ks.values())) == 1:
        return f"{iso} x{next(iter(ks.values())):.2f} in {len(ks)} sectors"
    return f"{iso} " + ", ".join(f"{g} x{k:.2f}" for g, k in ks.items())


def _schedule_note(law_date: dt.date | None) -> str:
    if law_date is None:
        return ""
    try:
        return _schedule_through(law_date)[1]
    except (ImportError, UsmcaError, OSError):
        return ""


class _Frozen(dict):
    """A hashable mapping (by identity of its YAML text) so that reforms can key the cache."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(repr(sorted(self.items(), key=lambda kv: kv[0])))
