"""The US measures of 2025-26 as data: which law-tree parameters make up each measure.

Each measure is an additional ad valorem duty in percent of customs value with

- ``rate``: a number (every origin) or a mapping country -> rate (only those origins);
- ``scope``: the HS codes it covers (absent: every product), optionally by country;
- ``exempt``: countries not subject to it;
- ``usmca``: the treatment of goods claimed under USMCA (``none``, ``exempt`` or
  ``non_us_content``: the duty falls on the value of non-US content only);
- the non-stacking rules of ``us/stacking/excludes`` (EO 14289 as amended; each proclamation's
  clause): when measure *a* applies, the measures it lists do not.

For goods :math:`i` with value :math:`v_i`, the duty of measure :math:`m` is
:math:`d_{im} = r_m(\\text{origin}_i, t)\\, b_{im}\\, v_i` with :math:`b_{im}=1-c_i` (US content
share :math:`c_i`) under ``non_us_content`` and a valid USMCA claim, else 1. All numbers come from
the law tree; nothing legal is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from usmca.errors import LawError
from usmca.hs import scope_of
from usmca.law import LawTree
from usmca.law.values import Entry

__all__ = ["MeasureSpec", "MEASURES", "Evaluation", "Goods", "evaluate", "PARTIES_PATH", "STACKING_PATH"]

PARTIES_PATH = "us/general_note_11/parties"
STACKING_PATH = "us/stacking/excludes"


@dataclass(frozen=True)
class MeasureSpec:
    """Where a measure's parameters live in the law tree."""

    key: str
    label: str
    rate: str
    scope: str | None = None
    exempt: str | None = None
    usmca: str | None = None
    exempt_scope: tuple[str, ...] = ()


_232 = "us/section232"
_CH98 = "us/chapter98/not_subject_scope"
MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec("ieepa_fentanyl", "IEEPA duty on Canada and Mexico", "us/ieepa/fentanyl/rate",
                usmca="us/ieepa/fentanyl/usmca_treatment", exempt_scope=(_CH98,)),
    MeasureSpec("ieepa_energy_potash", "IEEPA reduced rate: energy and potash", "us/ieepa/fentanyl/energy_potash_rate",
                scope="us/ieepa/fentanyl/energy_potash_scope", usmca="us/ieepa/fentanyl/usmca_treatment",
                exempt_scope=(_CH98,)),
    MeasureSpec("ieepa_fentanyl_china", "IEEPA duty on China", "us/ieepa/fentanyl_china/rate",
                exempt_scope=(_CH98,)),
    MeasureSpec("reciprocal", "IEEPA reciprocal tariff (baseline)", "us/reciprocal/baseline_rate",
                exempt="us/reciprocal/excluded_countries", exempt_scope=(_CH98,)),
    MeasureSpec("section122", "Section 122 import surcharge", "us/section122/rate",
                usmca="us/section122/usmca_treatment", exempt_scope=("us/section122/exempt_scope", _CH98)),
    MeasureSpec("section232_steel", "Section 232 steel", f"{_232}/steel/rate", scope=f"{_232}/steel/scope",
                exempt=f"{_232}/steel/exempt_countries"),
    MeasureSpec("section232_aluminum", "Section 232 aluminum", f"{_232}/aluminum/rate", scope=f"{_232}/aluminum/scope",
                exempt=f"{_232}/aluminum/exempt_countries"),
    MeasureSpec("section232_copper", "Section 232 copper", f"{_232}/copper/rate", scope=f"{_232}/copper/scope"),
    MeasureSpec("section232_autos", "Section 232 automobiles", f"{_232}/autos/rate", scope=f"{_232}/autos/scope",
                usmca=f"{_232}/autos/usmca_treatment"),
    MeasureSpec("section232_auto_parts", "Section 232 automobile parts", f"{_232}/auto_parts/rate",
                scope=f"{_232}/auto_parts/scope", usmca=f"{_232}/auto_parts/usmca_treatment"),
    MeasureSpec("section232_softwood_lumber", "Section 232 softwood timber and lumber", f"{_232}/softwood_lumber/rate",
                scope=f"{_232}/softwood_lumber/scope"),
    MeasureSpec("section232_upholstered_furniture", "Section 232 upholstered wooden furniture",
                f"{_232}/upholstered_furniture/rate", scope=f"{_232}/upholstered_furniture/scope"),
    MeasureSpec("section232_kitchen_cabinets", "Section 232 kitchen cabinets and vanities",
                f"{_232}/kitchen_cabinets/rate", scope=f"{_232}/kitchen_cabinets/scope"),
    MeasureSpec("section232_mhd_trucks", "Section 232 medium- and heavy-duty vehicles", f"{_232}/mhd_trucks/rate",
                scope=f"{_232}/mhd_trucks/scope", usmca=f"{_232}/mhd_trucks/usmca_treatment"),
    MeasureSpec("section232_buses", "Section 232 buses", f"{_232}/buses/rate", scope=f"{_232}/buses/scope"),
)


@dataclass
class Evaluation:
    """Measures on ``n`` goods on one date.

    Attributes
    ----------
    rate
        Percent rate of each measure that applies after stacking (0 where it does not).
    base
        Share of the value the rate applies to (1, or 1 - US content).
    entries
        The law-tree entry behind each measure's rate (for references).
    claim
        Whether each good's USMCA claim is valid (origin a USMCA party and claim made).
    """

    rate: dict[str, np.ndarray]
    base: dict[str, np.ndarray]
    entries: dict[str, Entry]
    claim: np.ndarray
    excluded_by: dict[str, np.ndarray] = field(default_factory=dict)
    origin_is_party: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def total_pct(self) -> np.ndarray:
        """:math:`\\sum_m r_m b_m` in percent of value."""
        n = len(self.claim)
        out = np.zeros(n)
        for k, r in self.rate.items():
            out += r * self.base[k]
        return out


def _safe(tree: LawTree, path: str | None, date: dt.date) -> Any:
    if path is None or path not in tree:
        return None
    try:
        return tree.at(path, date)
    except LawError:  # before the first value: not in force
        return None


def _safe_entry(tree: LawTree, path: str, date: dt.date) -> Entry | None:
    try:
        return tree.entry(path, date)
    except LawError:  # unknown path or before the first value: not in force
        return None


def _ONES(n: int) -> np.ndarray:
    return np.broadcast_to(np.float64(1.0), (n,))


class Goods:
    """Goods to evaluate, factorised: unique HTS codes and origins plus an index per good.

    Scope masks are computed once per unique HTS code and cached per scope, so that evaluating
    many dates costs one pass over the unique codes per scope, not per good.
    """

    def __init__(self, hts: Any, origin: Any) -> None:
        h_idx, h_uni = pd.factorize(np.asarray(hts, dtype=object), sort=False)
        o_idx, o_uni = pd.factorize(np.asarray(origin, dtype=object), sort=False)
        self.hts_i, self.hts_u = h_idx, pd.Series(np.asarray(h_uni, dtype=object))
        self.org_i, self.org_u = o_idx, np.asarray(o_uni, dtype=object)
        self.n = len(h_idx)
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self._parties: dict[tuple[str, ...], np.ndarray] = {}
        self._one: str | None = None

    @classmethod
    def one(cls, hts: str, origin: str) -> "Goods":
        g = cls.__new__(cls)
        g.hts_i, g.hts_u = np.zeros(1, dtype=np.intp), pd.Series([hts], dtype=object)
        g.org_i, g.org_u = np.zeros(1, dtype=np.intp), np.array([origin], dtype=object)
        g.n, g._masks, g._parties = 1, {}, {}
        g._one = hts
        return g

    def in_scope(self, codes: Any) -> np.ndarray:
        """Boolean per good: its HTS code is in the scope ``codes`` (cached: do not modify)."""
        key = tuple(str(c) for c in codes)
        mask = self._masks.get(key)
        if mask is None:
            scope = scope_of(key)
            assert scope is not None  # a list of codes compiles to a scope
            if self._one is not None:
                mask = np.array([scope.contains(self._one) is True])
            else:
                mask = scope.contains_many(self.hts_u)[self.hts_i]
            self._masks[key] = mask
        return mask

    def origin_in(self, countries: Any) -> np.ndarray:
        """Boolean per good: its origin is one of ``countries``."""
        key = tuple(countries)
        mask = self._parties.get(key)
        if mask is None:
            mask = np.isin(self.org_u, list(key))[self.org_i]
            self._parties[key] = mask
        return mask

    def origin_is(self, country: str) -> np.ndarray:
        return self.origin_in((country,))

    def by_origin(self, value: dict[str, Any]) -> np.ndarray:
        """Rate per good from a mapping country -> rate (NaN for other origins)."""
        per = np.array([float(value[o]) if o in value else np.nan for o in self.org_u], dtype=float)
        return per[self.org_i]


@dataclass(frozen=True)
class _Resolved:
    """The law-tree values a measure needs on one date."""

    spec: MeasureSpec
    value: Any
    entry: Entry | None
    scope: Any
    exempt_scopes: tuple[Any, ...]
    exempt: Any
    treatment: Any


_RESOLVED: dict[tuple[int, dt.date], tuple[LawTree, tuple[Any, ...], tuple[_Resolved, ...], dict[str, Any]]] = {}


def _resolve(tree: LawTree, date: dt.date) -> tuple[tuple[Any, ...], tuple[_Resolved, ...], dict[str, Any]]:
    """Parties, the measures in force and the stacking rules on ``date`` (cached per tree and date)."""
    key = (id(tree), date)
    hit = _RESOLVED.get(key)
    if hit is not None and hit[0] is tree:
        return hit[1], hit[2], hit[3]
    parties = tuple(_safe(tree, PARTIES_PATH, date) or ())
    out = []
    for m in MEASURES:
        value = _safe(tree, m.rate, date)
        if value is None:
            continue
        scope = _safe(tree, m.scope, date) if m.scope else None
        if m.scope and scope is None:
            continue
        out.append(_Resolved(m, value, _safe_entry(tree, m.rate, date), scope,
                             tuple(x for x in (_safe(tree, p, date) for p in m.exempt_scope) if x),
                             _safe(tree, m.exempt, date) if m.exempt else None,
                             _safe(tree, m.usmca, date) if m.usmca else "none"))
    rules = dict(_safe(tree, STACKING_PATH, date) or {})
    if len(_RESOLVED) > 512:
        _RESOLVED.clear()
    _RESOLVED[key] = (tree, parties, tuple(out), rules)
    return parties, tuple(out), rules


def evaluate(goods: "Goods", date: dt.date, claim: np.ndarray, tree: LawTree,
             us_content: np.ndarray | None = None, explain: bool = False) -> Evaluation:
    """Every measure on ``n`` goods on ``date``, vectorised over goods.

    Parameters
    ----------
    goods
        The goods (HTS digit strings and ISO alpha-2 origins), see :class:`Goods`.
    claim
        USMCA claimed (bool), length ``n``; only valid for origins in ``us/general_note_11/parties``.
    tree
        The law tree.
    us_content
        US content as a fraction of value (NaN when unknown: then the full value is the base).
    explain
        Record which measure excluded which (``Evaluation.excluded_by``), for one-line answers.
    """
    n = goods.n
    parties, resolved, rules = _resolve(tree, date)
    is_party = goods.origin_in(parties)
    valid_claim = np.asarray(claim, dtype=bool) & is_party
    usc = np.zeros(n) if us_content is None else np.nan_to_num(np.asarray(us_content, dtype=float), nan=0.0)
    rate: dict[str, np.ndarray] = {}
    base: dict[str, np.ndarray] = {}
    entries: dict[str, Entry] = {}
    for res in resolved:
        m, value, scope = res.spec, res.value, res.scope
        if isinstance(value, dict):
            r = np.nan_to_num(goods.by_origin(value), nan=0.0)
        else:
            r = np.broadcast_to(np.float64(value), (n,))
        if isinstance(scope, dict):
            inside = np.zeros(n, dtype=bool)
            for country, codes in scope.items():
                inside |= goods.origin_is(country) & goods.in_scope(codes)
        elif scope is not None:
            inside = goods.in_scope(scope).copy()  # the cached mask must not be modified below
        else:
            inside = np.ones(n, dtype=bool)
        for ex in res.exempt_scopes:
            inside &= ~goods.in_scope(ex)
        if res.exempt:
            inside &= ~goods.origin_in(res.exempt)
        b = _ONES(n)
        if res.treatment == "exempt":
            inside &= ~valid_claim
        elif res.treatment == "non_us_content":
            b = np.where(valid_claim, 1.0 - usc, 1.0)
        rate[m.key] = np.where(inside & (r > 0), r, 0.0)
        base[m.key] = b
        if res.entry is not None:
            entries[m.key] = res.entry
    excluded_by: dict[str, np.ndarray] = {}
    for winner, losers in rules.items():
        if winner not in rate:
            continue
        wins = rate[winner] > 0
        for loser in losers:
            if loser in rate:
                if explain:
                    hit = wins & (rate[loser] > 0)
                    if hit.any():
                        if loser not in excluded_by:
                            excluded_by[loser] = np.full(n, "", dtype=object)
                        excluded_by[loser][hit] = winner
                rate[loser] = np.where(wins, 0.0, rate[loser])
    return Evaluation(rate=rate, base=base, entries=entries, claim=valid_claim, excluded_by=excluded_by,
                      origin_is_party=is_party)
