"""Immutable results of a Caliendo-Parro counterfactual, with tidy DataFrames.

Every percentage is the counterfactual relative to the baseline equilibrium (both solved under
the same deficit rule), as in Caliendo and Parro (2015), Table 2,
https://doi.org/10.1093/restud/rdu035.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from ..changes import pct_where_positive
from .welfare import Decomposition

__all__ = ["CPResults", "build_results"]


@dataclass(frozen=True, eq=False)
class CPResults:
    """Results of :func:`usmca.ge.caliendo_parro.solve` (Caliendo and Parro 2015, Table 2).

    The gravity model's :class:`usmca.ge.gravity.GravityCounterfactual` has the same surface:
    ``countries``, ``bilateral``, ``country_names``, ``diagnostics[solve][key]``, ``to_dict()``.

    Attributes
    ----------
    countries : DataFrame
        One row per region: ``welfare_pct`` (= ``tot_pct`` + ``vot_pct`` + ``te_pct``; CP Table 2
        for tariff changes, where ``te_pct`` = 0), ``tot_pct``, ``vot_pct``, ``te_pct``
        (technical efficiency, nonzero only with ``trade_cost_hat``), ``real_wage_pct``,
        ``real_income_pct`` (exact change of income over the consumer price index),
        ``imports_pct`` (foreign imports net of tariffs), ``exports_pct``, ``wage_pct``, ``cpi_pct``, ``income_baseline``.
    sectors : DataFrame
        Region x sector: ``input_cost_pct``, ``price_pct``, ``gross_output_pct``,
        ``imports_pct``, ``exports_pct``, ``tot_pct`` and ``vot_pct`` (contributions, summing
        over sectors to the country's value).
    bilateral : DataFrame
        Importer x exporter (all sectors): ``imports_baseline``, ``imports_counterfactual``
        (net of tariffs, currency units), ``imports_pct``; ``tot_pct`` / ``vot_pct``: the part of
        the importer's ToT / VoT due to trade with that exporter (CP 2015's bilateral split).
    diagnostics : dict
        Per solve (``baseline``, ``counterfactual``): iterations, residual, seconds.
    flows_baseline, flows_counterfactual : ndarray (N, N, J)
        Bilateral flows net of tariffs ``[importer, exporter, sector]``.
    """

    countries: pd.DataFrame
    sectors: pd.DataFrame
    bilateral: pd.DataFrame
    diagnostics: dict[str, Any]
    country_names: tuple[str, ...]
    sector_names: tuple[str, ...]
    flows_baseline: np.ndarray = field(repr=False)
    flows_counterfactual: np.ndarray = field(repr=False)

    def imports_from(self, importer: str, partners: Iterable[str]) -> float:
        """Percent change of ``importer``'s imports (all sectors) from a group of partners."""
        n = self.country_names.index(importer)
        idx = [self.country_names.index(p) for p in partners if p != importer]
        old = self.flows_baseline[n, idx].sum()
        return float(100.0 * (self.flows_counterfactual[n, idx].sum() / old - 1.0))

    def welfare_by_partner(self, groups: dict[str, Iterable[str]]) -> pd.DataFrame:
        """ToT and VoT of every region split by partner group (e.g. NAFTA vs rest of world).

        ``groups`` maps a label to region names; regions in no group are ``"other"``. Returns
        columns ``country, partner_group, tot_pct, vot_pct``.
        """
        label = {c: "other" for c in self.country_names}
        for g, members in groups.items():
            for m in members:
                if m not in label:
                    raise UserInputError("groups", g, m, "unknown region")
                label[m] = g
        b = self.bilateral.assign(partner_group=self.bilateral["exporter"].map(label))
        out = b.groupby(["importer", "partner_group"], sort=False)[["tot_pct", "vot_pct"]].sum()
        return out.reset_index().rename(columns={"importer": "country"})

    def bilateral_by_sector(self) -> pd.DataFrame:
        """Importer x exporter x sector flows (net of tariffs) and their percent change."""
        n, j = len(self.country_names), len(self.sector_names)
        idx = pd.MultiIndex.from_product([self.country_names, self.country_names, self.sector_names],
                                         names=["importer", "exporter", "sector"])
        old = self.flows_baseline.reshape(-1)
        new = self.flows_counterfactual.reshape(-1)
        assert old.size == n * n * j
        return pd.DataFrame({"imports_baseline": old, "imports_counterfactual": new,
                             "imports_pct": pct_where_positive(new, old)}, index=idx).reset_index()

    def to_dict(self, *, sectors: bool = False, bilateral: bool = False) -> dict[str, Any]:
        """Plain-JSON view.

        ``{"model": "caliendo-parro", "regions": {region: {welfare_pct, tot_pct, vot_pct,
        real_wage_pct, imports_pct, ...}}, "diagnostics": {...}}``; with ``sectors`` /
        ``bilateral`` also the tidy records of those tables.
        """
        regions = self.countries.set_index("country").to_dict(orient="index")
        out: dict[str, Any] = {"model": "caliendo-parro", "regions": regions,
                               "diagnostics": self.diagnostics}
        if sectors:
            out["sectors"] = self.sectors.to_dict(orient="records")
        if bilateral:
            out["bilateral"] = self.bilateral.to_dict(orient="records")
        return out


def build_results(countries: tuple[str, ...], sectors: tuple[str, ...], dec: Decomposition,
                  m0: np.ndarray, m1: np.ndarray, diagnostics: dict[str, Any]) -> CPResults:
    r"""Assemble the tidy tables from the decomposition and the two flow arrays.

    ``m0``, ``m1`` are the baseline and counterfactual flows net of tariffs,
    :math:`M_{nij} = \pi_{nij} X_{nj} / (1 + \tau_{nij})` (importer ``n``, exporter ``i``,
    sector ``j``). Imports and exports exclude the intra-national flow (:math:`i \ne n`), and
    every change is :math:`100 (M'/M - 1)` (``NaN`` where the baseline is 0); ``welfare_pct`` is
    :math:`\mathrm{ToT}_n + \mathrm{VoT}_n + \mathrm{TE}_n` of :mod:`.welfare` (Caliendo and
    Parro 2015, Table 2).
    """
    n, j = len(countries), len(sectors)
    eye = np.eye(n, dtype=bool)[:, :, None]
    foreign0 = np.where(eye, 0.0, m0)
    foreign1 = np.where(eye, 0.0, m1)
    imp0, imp1 = foreign0.sum(axis=(1, 2)), foreign1.sum(axis=(1, 2))
    exp0, exp1 = foreign0.sum(axis=(0, 2)), foreign1.sum(axis=(0, 2))
    ctab = pd.DataFrame({
        "country": list(countries),
        "welfare_pct": dec.tot + dec.vot + dec.te, "tot_pct": dec.tot, "vot_pct": dec.vot,
        "te_pct": dec.te,
        "real_wage_pct": dec.real_wage, "real_income_pct": dec.real_income,
        "imports_pct": pct_where_positive(imp1, imp0),
        "exports_pct": pct_where_positive(exp1, exp0), "wage_pct": 100.0 * (dec.w_hat - 1.0),
        "cpi_pct": 100.0 * (dec.cpi_hat - 1.0), "income_baseline": dec.income,
    })
    y0, y1 = m0.sum(axis=0), m1.sum(axis=0)
    stab = pd.DataFrame({
        "country": np.repeat(countries, j), "sector": np.tile(sectors, n),
        "input_cost_pct": (100.0 * (dec.c_hat - 1.0)).ravel(),
        "price_pct": (100.0 * (dec.p_hat - 1.0)).ravel(),
        "gross_output_pct": pct_where_positive(y1, y0).ravel(),
        "imports_pct": pct_where_positive(foreign1.sum(axis=1), foreign0.sum(axis=1)).ravel(),
        "exports_pct": pct_where_positive(foreign1.sum(axis=0), foreign0.sum(axis=0)).ravel(),
        "tot_pct": dec.tot_sector.ravel(), "vot_pct": dec.vot_sector.ravel(),
    })
    b0, b1 = m0.sum(axis=2), m1.sum(axis=2)
    btab = pd.DataFrame({
        "importer": np.repeat(countries, n), "exporter": np.tile(countries, n),
        "imports_baseline": b0.ravel(), "imports_counterfactual": b1.ravel(),
        "imports_pct": pct_where_positive(b1, b0).ravel(),
        "tot_pct": dec.tot_partner.ravel(), "vot_pct": dec.vot_partner.ravel(),
    })
    for a in (m0, m1):
        a.setflags(write=False)
    return CPResults(countries=ctab, sectors=stab, bilateral=btab, diagnostics=diagnostics,
                     country_names=tuple(countries), sector_names=tuple(sectors),
                     flows_baseline=m0, flows_counterfactual=m1)
