"""Conventions for turning statutory rates into an effective tariff rate (``--convention``).

Both conventions take the same statutory rate :math:`r_{it}` of every HTS10 line :math:`i` and
partner on every day :math:`t` (the law tree, averaged over the days of the month) and differ
only in the weights and the USMCA-claimed share they apply it to:

``project`` (the default)
    Same-month flows and claims at entry: month :math:`m` is weighted by that month's customs
    values :math:`v_{im}` and USMCA-claimed values :math:`c_{im}` (DataWeb, special program
    indicator S/S+), :math:`\\mathrm{ETR}_m = \\sum_i [(v_{im}-c_{im}) r^u_{im} + c_{im} r^c_{im}] / \\sum_i v_{im}`.

``budget-lab``
    The Budget Lab at Yale's published statutory method (Tariff Rate Tracker,
    https://github.com/Budget-Lab-Yale/tariff-rate-tracker, ``docs/methodology.md``): fixed
    annual import weights (their 2024 Census imports) and a time-invariant product-level USMCA
    utilisation share, the average of the monthly shares of July-December 2025 ("h2_average", their
    baseline): :math:`\\mathrm{ETR}_m = \\sum_i w_i [(1-s_i) r^u_{im} + s_i r^c_{im}] / \\sum_i w_i`.
    Line-level 2024 weights are not in the shared data; :math:`w_i` is the 2024 import value of
    the line's GTAP sector (``imports_by_country_gtap_2024.csv``, the tracker's own 2024 totals by
    partner and sector) shared out over the sector's lines in proportion to their 2025 imports.
    :math:`s_i` is the unweighted mean of the line's monthly shares :math:`c_{im}/v_{im}` over the
    months of July-December 2025 in which it traded (0 when it did not).

Not reproduced (the data are not in hand): the tracker's metal-content shares of derivative
articles (it taxes the metal share under Section 232 and the rest under IEEPA and Section 122)
and its MFN exemption shares for non-USMCA partners. The monthly weights are the only inputs
here; the law is the law tree in both conventions.
"""

from __future__ import annotations

import functools
from typing import Literal

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from .sectors import gtap_crosswalk, tracker_file

__all__ = ["Convention", "CONVENTIONS", "budget_lab_flows", "claim_shares_h2", "weights_2024", "check_convention"]

Convention = Literal["project", "budget-lab"]
CONVENTIONS: tuple[str, ...] = ("project", "budget-lab")
#: Census Schedule C codes (https://www.census.gov/foreign-trade/schedules/c/countrycode.html) of the
#: 2024 weights file's rows for the partners of the monthly flows
_CENSUS = {"CA": "1220", "MX": "2010"}
H2_2025 = ("2025-07", "2025-12")


def check_convention(name: str, option: str = "--convention") -> str:
    """The convention name, or a :class:`UserInputError` listing the known ones."""
    if name not in CONVENTIONS:
        raise UserInputError(option, "", name, f"unknown convention (one of {', '.join(CONVENTIONS)})")
    return name


@functools.lru_cache(maxsize=1)
def _gtap_2024() -> pd.DataFrame:
    p = tracker_file("imports_by_country_gtap_2024.csv", "--convention", "budget-lab", "the 2024 import weights")
    df = pd.read_csv(p, dtype={"cty_code": str})
    sectors = [c for c in df.columns if c not in ("country_name", "cty_code", "total_imports")]
    long = df.melt(id_vars=["cty_code"], value_vars=sectors, var_name="sector", value_name="imports_2024")
    long["gtap"] = long["sector"].str.split(" ", n=1).str[0].str.upper()
    return long[["cty_code", "gtap", "imports_2024"]]


def claim_shares_h2(base: pd.DataFrame) -> pd.Series:
    """:math:`s_i`: mean monthly USMCA share of each (hts10, partner) over July-December 2025.

    Parameters
    ----------
    base
        Flows (``hts10, partner, month, value, usmca_value``) covering July-December 2025.
    """
    h2 = base[(base["month"] >= H2_2025[0]) & (base["month"] <= H2_2025[1]) & (base["value"] > 0)]
    share = (h2["usmca_value"] / h2["value"]).clip(0.0, 1.0)
    return share.groupby([h2["hts10"], h2["partner"]]).mean()


def weights_2024(base: pd.DataFrame) -> pd.Series:
    """:math:`w_i`: 2024 GTAP-sector imports shared out over lines by their 2025 values.

    .. math:: w_i = W^{2024}_{p,g(i)} \\; v^{2025}_i / \\sum_{j \\in g(i)} v^{2025}_j

    Lines of a sector without 2024 imports keep their 2025 value (no 2024 total to scale to).
    """
    y = base[(base["month"] >= "2025-01") & (base["month"] <= "2025-12")]
    v = y.groupby(["hts10", "partner"])["value"].sum().reset_index()
    v["gtap"] = v["hts10"].map(gtap_crosswalk()).fillna("")
    v["cty_code"] = v["partner"].map(_CENSUS)
    g = _gtap_2024()
    v = v.merge(g, on=["cty_code", "gtap"], how="left")
    tot = v.groupby(["partner", "gtap"])["value"].transform("sum")
    scaled = np.where(v["imports_2024"].fillna(0) > 0, v["imports_2024"] * v["value"] / tot.where(tot > 0), v["value"])
    return pd.Series(np.nan_to_num(scaled), index=pd.MultiIndex.from_frame(v[["hts10", "partner"]]))


def budget_lab_flows(base: pd.DataFrame, months: list[str], partners: list[str] | None = None) -> pd.DataFrame:
    """A flow table for the Budget Lab convention: every month carries the fixed weights and shares.

    Parameters
    ----------
    base
        Observed flows of 2025 (at least) from which :func:`weights_2024` and
        :func:`claim_shares_h2` are built.
    months
        The months (``YYYY-MM``) to evaluate.
    partners
        Restrict to these partners (default: every partner of ``base``).

    Returns
    -------
    DataFrame
        ``hts10, partner, month, value, usmca_value`` with ``value`` :math:`= w_i / 12` and
        ``usmca_value`` :math:`= s_i w_i / 12` in every month.
    """
    if base.empty or not (base["month"] >= H2_2025[0]).any():
        raise UserInputError("--convention", "", "budget-lab",
                             "needs the observed flows of 2025 (weights) and of July-December 2025 (claim shares)")
    w = weights_2024(base)
    if partners:
        w = w[w.index.get_level_values("partner").isin(partners)]
    s = claim_shares_h2(base).reindex(w.index).fillna(0.0)
    monthly = w / 12.0  # a month's share of the annual weight (the ETR does not depend on the scale)
    one = pd.DataFrame({"hts10": w.index.get_level_values("hts10"), "partner": w.index.get_level_values("partner"),
                        "value": monthly.to_numpy(), "usmca_value": (s * monthly).to_numpy()})
    one = one[one["value"] > 0]
    out = pd.concat([one.assign(month=m) for m in months], ignore_index=True)
    return out[["hts10", "partner", "month", "value", "usmca_value"]]
