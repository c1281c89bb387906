"""The US measures on goods: rates after exemptions, USMCA treatment and the non-stacking rules.

Every measure is read from the law tree (:mod:`usmca.tariffs.declared`): an additional ad valorem
duty in percent of customs value with

- ``rate``: a number for every origin, or one parameter per partner (only those origins);
- ``scope``: the HS codes it covers (absent: every product), optionally by partner;
- ``exempt_countries`` and ``exempt_scopes``: origins and products not subject to it;
- ``usmca_treatment``: the treatment of goods claimed under USMCA (``none``, ``exempt`` or
  ``non_us_content``: the duty falls on the value of non-US content only), optionally by partner;
- the non-stacking rules of ``us/stacking/excludes`` (EO 14289 as amended; each proclamation's
  clause): when measure *a* applies, the measures it lists do not.

For goods :math:`i` with value :math:`v_i`, the duty of measure :math:`m` is
:math:`d_{im} = r_m(\\text{origin}_i, t)\\, b_{im}\\, v_i` with :math:`b_{im}=1-c_i` (US content
share :math:`c_i`) under ``non_us_content`` and a valid USMCA claim, else 1; a measure with
``us_content_cap`` :math:`\\bar c` taxes the US content above it, :math:`b_{im}=1-\\min(c_i,\\bar c)`
(the U.S. content of derivative steel articles up to 40% of value, U.S. note 16(j) to subchapter III
of chapter 99, headings 9903.82.20-9903.82.21). All numbers, codes
and keys come from the law tree; nothing legal is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from usmca.errors import LawError
from usmca.hs import HsSet, scope_of
from usmca.law import LawTree
from usmca.law.values import Entry

from .declared import PARTIES_PATH, STACKING_PATH, Component, Declared, declared, entry_facts

if TYPE_CHECKING:  # pandas is imported on use: `usmca tariffs duty` starts without it (bench_startup.py)
    import pandas as pd

__all__ = ["Evaluation", "Goods", "evaluate", "us_content_taxed_off", "PARTIES_PATH", "STACKING_PATH"]


@dataclass
class Evaluation:
    """Measures on ``n`` goods on one date.

    Attributes
    ----------
    rate
        Percent rate of each measure that applies after stacking (0 where it does not).
    base
        Share of the value the rate applies to (1, or 1 - US content).
    measures
        The measures in force on the date, as declared in the law tree (key -> :class:`Declared`).
    claim
        Whether each good's USMCA claim is valid (origin a USMCA party and claim made).
    non_us_content
        Per measure, whether each good's treatment under a claim is ``non_us_content``.
    """

    rate: dict[str, np.ndarray]
    base: dict[str, np.ndarray]
    measures: dict[str, Declared]
    claim: np.ndarray
    excluded_by: dict[str, np.ndarray] = field(default_factory=dict)
    origin_is_party: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    non_us_content: dict[str, np.ndarray] = field(default_factory=dict)

    def total_pct(self) -> np.ndarray:
        """:math:`\\sum_m r_m b_m` in percent of value."""
        n = len(self.claim)
        out = np.zeros(n)
        for k, r in self.rate.items():
            out += r * self.base[k]
        return out

    def entry(self, key: str, origin: str) -> Entry | None:
        """The law-tree entry of measure ``key``'s rate for goods of ``origin`` (its own reference)."""
        m = self.measures.get(key)
        return None if m is None else m.rate.for_partner(origin)[1]

    @property
    def entries(self) -> dict[str, Entry]:
        """Key -> entry of measures whose rate is the same for every origin (by-partner rates: :meth:`entry`)."""
        return {k: m.rate.entry for k, m in self.measures.items() if m.rate.entry is not None}


def _ONES(n: int) -> np.ndarray:
    return np.broadcast_to(np.float64(1.0), (n,))


#: id of a law-tree code list -> (the list, its key, its code set): the law's lists are immutable
#: and live as long as their tree, so a single-line lookup skips re-reading hundreds of codes.
_SCOPES: dict[int, tuple[Any, tuple[str, ...], HsSet]] = {}


def _scope(codes: Any) -> tuple[tuple[str, ...], HsSet]:
    """The cache key and compiled code set of a scope list (see :func:`usmca.hs.scope_of`)."""
    hit = _SCOPES.get(id(codes))
    if hit is not None and hit[0] is codes:
        return hit[1], hit[2]
    key = tuple(str(c) for c in codes)
    scope = scope_of(key)
    assert scope is not None  # a list of codes, never None
    if len(_SCOPES) > 4096:  # reform trees come and go: keep the memo bounded
        _SCOPES.clear()
    _SCOPES[id(codes)] = (codes, key, scope)
    return key, scope


class Goods:
    """Goods to evaluate, factorised: unique HTS codes and origins plus an index per good.

    Scope masks are computed once per unique HTS code and cached per scope, so that evaluating
    many dates costs one pass over the unique codes per scope, not per good.
    """

    _hts_u: pd.Series | None

    def __init__(self, hts: Any, origin: Any) -> None:
        import pandas as pd  # noqa: PLC0415

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
        g.hts_i, g._hts_u = np.zeros(1, dtype=np.intp), None   # the Series on first use (start-up time)
        g.org_i, g.org_u = np.zeros(1, dtype=np.intp), np.array([origin], dtype=object)
        g.n, g._masks, g._parties = 1, {}, {}
        g._one = hts
        return g

    @property
    def hts_u(self) -> pd.Series:
        """The unique HTS codes (a pandas Series)."""
        if self._hts_u is None:
            import pandas as pd  # noqa: PLC0415

            self._hts_u = pd.Series([self._one], dtype=object)
        return self._hts_u

    @hts_u.setter
    def hts_u(self, value: pd.Series) -> None:
        self._hts_u = value

    def in_scope(self, codes: Any) -> np.ndarray:
        """Boolean per good: its HTS code is in the scope ``codes`` (cached: do not modify)."""
        key, scope = _scope(codes)
        mask = self._masks.get(key)
        if mask is None:
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


def _per_good(goods: "Goods", comp: Component, default: Any) -> np.ndarray:
    """A by-partner component's value per good (``default`` for partners not listed)."""
    assert comp.by_partner is not None
    per = np.array([comp.by_partner.get(str(o), default) for o in goods.org_u], dtype=object)
    return per[goods.org_i]


def _inside(goods: "Goods", m: Declared) -> np.ndarray:
    """Goods in the measure's product scope, net of its exempt scopes and exempt origins."""
    n = goods.n
    scope = m.scope
    if scope is not None and scope.by_partner is not None:
        inside = np.zeros(n, dtype=bool)
        for country, codes in scope.by_partner.items():
            inside |= goods.origin_is(country) & goods.in_scope(codes)
    elif scope is not None:
        inside = goods.in_scope(scope.uniform).copy()  # the cached mask must not be modified below
    else:
        inside = np.ones(n, dtype=bool)
    for ex in m.exempt_scopes:
        inside &= ~goods.in_scope(ex)
    ex_c = m.exempt_countries
    if ex_c is not None and ex_c.by_partner is not None:
        raise LawError(m.path, "exempt_countries", sorted(ex_c.by_partner), "a list of countries, not one parameter per partner")
    if ex_c is not None and ex_c.uniform:
        inside &= ~goods.origin_in(ex_c.uniform)
    return inside


def _treatment(goods: "Goods", m: Declared) -> tuple[np.ndarray | bool, np.ndarray | bool]:
    """(exempt, non_us_content) under a valid claim: per good for a by-partner treatment, else scalars."""
    t = m.usmca_treatment
    if t is None:
        return False, False
    if t.by_partner is None:
        return t.uniform == "exempt", t.uniform == "non_us_content"
    per = _per_good(goods, t, "none")
    return per == "exempt", per == "non_us_content"


def us_content_taxed_off(m: Declared, us_content: np.ndarray) -> np.ndarray:
    """The share of value a ``non_us_content`` measure leaves untaxed: the US content :math:`c_i`, or
    :math:`\\min(c_i, \\bar c)` under a ``us_content_cap`` (U.S. note 16(j))."""
    cap = m.us_content_cap.uniform if m.us_content_cap is not None else None
    return us_content if cap is None else np.minimum(us_content, float(cap) / 100.0)


def _facts(goods: "Goods", m: Declared, entry: frozenset[str]) -> tuple[np.ndarray, str]:
    """(goods the measure may apply to given the entry's declared headings, the declaration that removed it)."""
    n = goods.n
    f = entry_facts(m)
    if f is None:
        return np.ones(n, dtype=bool), ""
    if f.requires and not entry.intersection(f.requires):
        return np.zeros(n, dtype=bool), ""
    ok = np.ones(n, dtype=bool)
    why = ""
    for heading, not_chapters in f.exempts.items():
        if heading in entry:
            hit = ~goods.in_scope(not_chapters) if not_chapters else np.ones(n, dtype=bool)
            ok &= ~hit
            why = why or (f"declared {heading}" if hit.any() else "")
    return ok, why


def evaluate(goods: "Goods", date: dt.date, claim: np.ndarray, tree: LawTree,
             us_content: np.ndarray | None = None, explain: bool = False,
             declared_headings: frozenset[str] = frozenset()) -> Evaluation:
    """Every measure in force on ``date`` on ``n`` goods, vectorised over goods.

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
    declared_headings
        Chapter 99 headings the entry declares (facts only the importer knows, e.g. HTSUS
        9903.82.01 "no aluminum, steel or copper"); applied through each measure's
        ``entry_facts`` (:mod:`.declared`). Empty for trade flows: nothing is assumed.
    """
    n = goods.n
    law = tree.on(date)
    parties = law.get(PARTIES_PATH, ())
    rules = dict(law.get(STACKING_PATH, {}))
    is_party = goods.origin_in(tuple(parties))
    valid_claim = np.asarray(claim, dtype=bool) & is_party
    usc = np.zeros(n) if us_content is None else np.nan_to_num(np.asarray(us_content, dtype=float), nan=0.0)
    rate: dict[str, np.ndarray] = {}
    base: dict[str, np.ndarray] = {}
    nonus_of: dict[str, np.ndarray] = {}
    excluded_by: dict[str, np.ndarray] = {}
    measures = {m.key: m for m in declared(law)}
    for m in measures.values():
        if m.rate.by_partner is not None:
            r = np.nan_to_num(goods.by_origin(dict(m.rate.by_partner)), nan=0.0)
        else:
            r = np.broadcast_to(np.float64(m.rate.uniform), (n,))
        inside = _inside(goods, m)
        exempt, nonus = _treatment(goods, m)
        inside &= ~(valid_claim & exempt)
        facts_ok, why = _facts(goods, m, declared_headings)
        if explain and why and (inside & ~facts_ok).any():
            excluded_by[m.key] = np.where(inside & ~facts_ok, why, "").astype(object)
        inside &= facts_ok
        b = np.where(valid_claim & nonus, 1.0 - us_content_taxed_off(m, usc), 1.0) if np.any(nonus) else _ONES(n)
        rate[m.key] = np.where(inside & (r > 0), r, 0.0)
        base[m.key] = b
        nonus_of[m.key] = np.broadcast_to(np.asarray(nonus, dtype=bool), (n,))
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
    return Evaluation(rate=rate, base=base, measures=measures, claim=valid_claim, excluded_by=excluded_by,
                      origin_is_party=is_party, non_us_content=nonus_of)
