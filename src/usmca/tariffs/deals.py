"""The 2025 framework deals (EU, Japan, Korea): all-in rates in place of additional duties.

For a good :math:`i` of a deal partner :math:`p(i)` with all-in rate :math:`A_{p}(t)` and
column-1 ad valorem rate :math:`r^{\\text{col1}}_i`, an additional duty :math:`m` that applies to
it is replaced by

.. math::

    r_{im} = \\max\\left(0,\\; A_{p(i)}(t) - r^{\\text{col1}}_i\\right)

so that column 1 plus :math:`r_{im}` is :math:`A_p` when the column-1 rate is below it and the
column-1 rate alone otherwise (Executive Order 14326, Annex I and HTSUS 9903.02.19-9903.02.20 for
the EU; Executive Order 14345 sec. 2 for Japan; FR Doc 2025-21940, Annex, for Korea). The
measures replaced are the reciprocal tariff (``us/reciprocal/deal_all_in``) and the Section 232
duty on automobiles and their parts (``us/reciprocal/deal_autos_all_in``; Proclamation 10908 as
modified by FR Doc 2025-18660, EO 14345 sec. 4 and FR Doc 2025-21940, Annex Part A). Goods of an
EU member state (``us/reciprocal/eu_members``) take the key ``EU``. A partner listed in
``us/reciprocal/deal_additive`` on the date (Korea until 2025-11-13, EO 14326 Annex I) pays its
rate on top of column 1 instead: :math:`r_{im} = A_{p(i)}(t)`. The rule is applied after the
non-stacking rules, so a measure excluded by another (e.g. the reciprocal tariff on a car under
Section 232) stays at zero. All rates and dates come from the law tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from usmca.errors import LawError
from usmca.law import LawTree
from usmca.law.values import Entry

from .measures import Evaluation, Goods

__all__ = ["DEAL_PATHS", "EU_MEMBERS_PATH", "DealApplied", "apply_deals", "partner_keys", "deal_covers"]

EU_MEMBERS_PATH = "us/reciprocal/eu_members"
EU_KEY = "EU"
RECIPROCAL_DEAL = "us/reciprocal/deal_all_in"
#: partners whose reciprocal deal rate is added to column 1 on a date (Korea until 2025-11-13)
ADDITIVE_PATH = "us/reciprocal/deal_additive"
AUTOS_DEAL = "us/reciprocal/deal_autos_all_in"
#: measure key -> the law-tree parameter of its all-in deal rates
DEAL_PATHS: dict[str, str] = {
    "reciprocal": RECIPROCAL_DEAL,
    "section232_autos": AUTOS_DEAL,
    "section232_auto_parts": AUTOS_DEAL,
}


@dataclass(frozen=True)
class DealApplied:
    """Where a deal rate replaced a measure's rate.

    Attributes
    ----------
    mask
        Per measure key, a boolean per good: the deal's all-in rule set the rate.
    entries
        Per measure key, the law-tree entry of the deal (for references).
    """

    mask: dict[str, np.ndarray]
    entries: dict[str, Entry]


def _value(tree: LawTree, path: str, date: dt.date) -> Entry | None:
    if path not in tree:
        return None
    try:
        return tree.entry(path, date)
    except LawError:  # before the first value: not in force
        return None


def partner_keys(origins: np.ndarray, tree: LawTree, date: dt.date) -> np.ndarray:
    """The deal key of each origin: ``EU`` for a member state on ``date``, else the origin itself.

    Parameters
    ----------
    origins
        ISO 3166-1 alpha-2 codes (object array).
    """
    e = _value(tree, EU_MEMBERS_PATH, date)
    members = list(e.value) if e is not None and e.value else []
    o = np.asarray(origins, dtype=object)
    return np.where(np.isin(o, members), EU_KEY, o).astype(object)


def _all_in(goods: Goods, keys_u: np.ndarray, value: dict[str, float]) -> np.ndarray:
    """All-in rate per good (NaN for origins without a deal on the date)."""
    per_u = pd.Series(keys_u, dtype=object).map({str(k): float(v) for k, v in value.items()})
    return per_u.to_numpy(dtype=float)[goods.org_i]


def apply_deals(ev: Evaluation, goods: Goods, date: dt.date, tree: LawTree, mfn_pct: np.ndarray) -> DealApplied:
    """Replace, in place, the rates of ``ev`` by the deal partners' all-in rule.

    Parameters
    ----------
    ev
        The evaluation of :func:`usmca.tariffs.measures.evaluate` (after non-stacking rules).
    goods
        The goods evaluated.
    date
        The date of entry.
    tree
        The law tree.
    mfn_pct
        Column-1 ad valorem rate (percent, including the ad valorem equivalent of any specific part
        when known) per good: :math:`r^{\\text{col1}}_i`.

    Returns
    -------
    DealApplied
        Which goods had which measure replaced, and the deal entries.
    """
    keys_u = partner_keys(goods.org_u, tree, date)
    mfn = np.asarray(mfn_pct, dtype=float)
    mask: dict[str, np.ndarray] = {}
    entries: dict[str, Entry] = {}
    for key, path in DEAL_PATHS.items():
        if key not in ev.rate:
            continue
        e = _value(tree, path, date)
        if e is None or not e.value:
            continue
        allin = _all_in(goods, keys_u, dict(e.value))
        hit = ~np.isnan(allin) & (ev.rate[key] > 0)
        if not hit.any():
            continue
        new = np.maximum(0.0, np.nan_to_num(allin) - mfn)
        if key == "reciprocal":
            add = _value(tree, ADDITIVE_PATH, date)
            if add is not None and add.value:
                additive = np.isin(keys_u, list(add.value))[goods.org_i]
                new = np.where(additive, np.nan_to_num(allin), new)
        ev.rate[key] = np.where(hit, new, ev.rate[key])
        mask[key] = hit
        entries[key] = e
    return DealApplied(mask, entries)


def deal_covers(origin: str, tree: LawTree, date: dt.date) -> bool:
    """Whether ``origin``'s reciprocal rate on ``date`` is encoded by a deal.

    True when its deal key is in ``us/reciprocal/deal_all_in`` on ``date``, or when that
    parameter has ended (null) and the key was in its last value (the reciprocal tariff is over).
    """
    if RECIPROCAL_DEAL not in tree:
        return False
    key = str(partner_keys(np.array([origin], dtype=object), tree, date)[0])
    e = _value(tree, RECIPROCAL_DEAL, date)
    if e is None:
        return False
    if e.value:
        return key in e.value  # all-in or additive (deal_additive), both encoded
    before = [x.value for x in tree.parameter(RECIPROCAL_DEAL).entries if x.effective_from <= date and x.value]
    return bool(before) and key in before[-1]
