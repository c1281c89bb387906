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
rate on top of column 1 instead: :math:`r_{im} = A_{p(i)}(t)`. A ``deal`` that is one parameter
rather than a partner folder gives the all-in rate :math:`A(t)` of every origin (Annex III of the
restructured Section 232 metals regime, HTSUS 9903.82.10-9903.82.11); ``deal_other`` gives the all-in
rate of the origins a partner folder does not list (the 100% of HTSUS 9903.04.60 beside the 15% of
9903.04.62 for Section 232 pharmaceuticals, U.S. note 40(d) and (f)). The rule is applied after the
non-stacking rules, so a measure excluded by another (e.g. the reciprocal tariff on a car under
Section 232) stays at zero. All rates and dates come from the law tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from usmca.law import LawTree
from usmca.law.values import Entry

from .declared import measure_paths, partner_leaves
from .measures import Evaluation, Goods

__all__ = ["EU_MEMBERS_PATH", "DealApplied", "apply_deals", "partner_keys", "deal_covers"]

EU_MEMBERS_PATH = "us/reciprocal/eu_members"
EU_KEY = "EU"
#: key of an all-in rate given once for every origin (a ``deal`` parameter, not a partner folder; e.g.
#: Annex III of the restructured Section 232 metals regime)
EVERY_ORIGIN = "*"


@dataclass(frozen=True)
class DealApplied:
    """Where a deal rate replaced a measure's rate.

    Attributes
    ----------
    mask
        Per measure key, a boolean per good: the deal's all-in rule set the rate.
    entries
        Per measure key, per deal key (``EU``, ``JP``, ...), the law-tree entry of the deal rate.
    """

    mask: dict[str, np.ndarray]
    entries: dict[str, dict[str, Entry]]

    def entry(self, key: str, origin: str, tree: LawTree, date: dt.date) -> Entry:
        """The deal entry that set measure ``key``'s rate for goods of ``origin``."""
        found = self.entries[key]
        k = str(partner_keys(np.array([origin], dtype=object), tree, date)[0])
        return found[k] if k in found else found[EVERY_ORIGIN]


def partner_keys(origins: np.ndarray, tree: LawTree, date: dt.date) -> np.ndarray:
    """The deal key of each origin: ``EU`` for a member state on ``date``, else the origin itself.

    Parameters
    ----------
    origins
        ISO 3166-1 alpha-2 codes (object array).
    """
    members = list(tree.get(EU_MEMBERS_PATH, date, []))
    o = np.asarray(origins, dtype=object)
    return np.where(np.isin(o, members), EU_KEY, o).astype(object)


def _all_in(goods: Goods, keys_u: np.ndarray, value: dict[str, float]) -> np.ndarray:
    """All-in rate per good (NaN for origins without a deal on the date)."""
    rates = {str(k): float(v) for k, v in value.items()}
    nan = float("nan")
    per_u = np.fromiter((rates.get(str(k), nan) for k in keys_u), dtype=float, count=len(keys_u))
    return per_u[goods.org_i]


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
    entries: dict[str, dict[str, Entry]] = {}
    for key, m in ev.measures.items():
        if m.deal is None or key not in ev.rate:
            continue
        if m.deal.by_partner is not None:
            allin = _all_in(goods, keys_u, dict(m.deal.by_partner))
            ents = dict(m.deal.entries)
            other = m.deal_other
            if other is not None and other.uniform is not None and other.entry is not None:
                allin = np.where(np.isnan(allin), float(other.uniform), allin)   # origins without a partner value
                ents[EVERY_ORIGIN] = other.entry
        elif m.deal.uniform is not None and m.deal.entry is not None:  # one all-in rate for every origin
            allin = np.full(goods.n, float(m.deal.uniform))
            ents = {EVERY_ORIGIN: m.deal.entry}
        else:
            continue
        hit = ~np.isnan(allin) & (ev.rate[key] > 0)
        if not hit.any():
            continue
        new = np.maximum(0.0, np.nan_to_num(allin) - mfn)
        add = m.deal_additive
        if add is not None and add.uniform:
            additive = np.isin(keys_u, list(add.uniform))[goods.org_i]
            new = np.where(additive, np.nan_to_num(allin), new)
        ev.rate[key] = np.where(hit, new, ev.rate[key])
        mask[key] = hit
        entries[key] = ents
    return DealApplied(mask, entries)


def deal_covers(origin: str, tree: LawTree, date: dt.date) -> bool:
    """Whether ``origin``'s country-wide rate (the reciprocal tariff) is encoded by a deal.

    True when its deal key has a rate in the ``deal`` folder of a measure without a product scope
    (a measure on every product of an origin) in force on ``date``, or when that rate has ended
    (null) and had a value before (the measure is over).
    """
    key = str(partner_keys(np.array([origin], dtype=object), tree, date)[0])
    for decl in measure_paths(tree):
        spec = tree.get(decl, date) or (tree.parameter(decl).entries[-1].value)
        if not isinstance(spec, dict) or "deal" not in spec or spec.get("key") is None:
            continue
        folder = decl.rsplit("/", 1)[0]
        scope = spec.get("scope", "scope")
        if (scope if "/" in scope else f"{folder}/{scope}") in tree:
            continue  # a deal on a product measure (autos), not on the origin's country-wide rate
        deal = spec["deal"] if "/" in spec["deal"] else f"{folder}/{spec['deal']}"
        leaf = partner_leaves(tree, deal).get(key)
        if leaf is None:
            continue
        if tree.get(leaf, date) is not None:
            return True
        before = [x.value for x in tree.parameter(leaf).entries if x.effective_from <= date and x.value]
        if before:
            return True
    return False
