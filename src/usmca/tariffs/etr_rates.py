"""Statutory rates of goods (HTS10 x partner) on law dates, computed once per distinct good class.

For goods :math:`i = (h, p)` and a date :math:`t`, the rate (percent of value) is

.. math::

    r_i(t) = r^{\\text{col1}}_h(t) + \\sum_m r_{m}(\\kappa_t(h), p, t)\\, b_m

where :math:`\\kappa_t(h)` is the *class* of code :math:`h`: its membership of every product scope
of the measures in force on :math:`t`. The measures see a code only through those scopes
(:class:`usmca.tariffs.measures.Goods`), so :func:`usmca.tariffs.measures.evaluate` runs on the few
distinct (class, partner) pairs and the result is gathered to the goods; only the deal partners'
all-in rule (:mod:`usmca.tariffs.deals`), which nets out each line's column-1 rate, is applied per
good. :func:`reference_rates` is the direct per-good evaluation (the test oracle): the two agree to
rounding (:math:`10^{-12}`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import numpy as np
import pandas as pd

from usmca.law import LawTree, default_tree

from .deals import apply_deals, partner_keys
from .duty_batch import _ClassGoods, _CodeSet, _Goods, _scope_keys, _Unplanned
from .measures import Evaluation, Goods, evaluate
from .schedule import Schedule, load_schedule

__all__ = ["statutory_rates", "reference_rates", "column1_rates"]


def column1_rates(codes: pd.Series, sched: Schedule, d: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Column-1 general and USMCA ad valorem rates (percent) of distinct codes; unknown lines count 0."""
    rows = sched.rows_at(d)
    index = pd.Index(rows["hts"].to_numpy())
    u = codes.astype(str)
    pos = index.get_indexer(u)
    ten = rows[rows["hts"].str.len() == 10]
    first10 = pd.Series(np.flatnonzero(rows["hts"].str.len().to_numpy() == 10), index=ten["hts"].str[:8].to_numpy())
    first10 = first10[~first10.index.duplicated()]
    miss = pos < 0
    if miss.any():
        alt = index.get_indexer(u[miss].str[:8])
        alt2 = first10.reindex(u[miss].str[:8]).fillna(-1).astype(int).to_numpy()
        pos[miss] = np.where(alt >= 0, alt, alt2)
    adv = np.nan_to_num(rows["adv_pct"].to_numpy(dtype=float), nan=0.0)
    pref_rate = rows["usmca_adv_pct"].to_numpy(dtype=float)
    pref = np.where(np.isnan(pref_rate), adv, pref_rate)
    ok = pos >= 0
    return np.where(ok, adv[np.where(ok, pos, 0)], 0.0), np.where(ok, pref[np.where(ok, pos, 0)], 0.0)


class _Classes:
    """Code classes for every date at once: membership of the union of the dates' scopes."""

    def __init__(self, codes: _CodeSet, code_u: np.ndarray, keys: list[tuple[str, ...]]) -> None:
        cls = np.zeros(len(code_u), dtype=np.int64)
        for b, key in enumerate(keys):
            cls |= codes.mask(key)[code_u].astype(np.int64) << b
        self.of_code = pd.factorize(cls)[0]
        _, first = np.unique(self.of_code, return_index=True)
        rep = code_u[first]
        self.classes = _ClassGoods({key: codes.mask(key)[rep] for key in keys}, rep, codes)


def statutory_rates(hts10: Any, partner: Any, dates: Sequence[dt.date], *, tree: LawTree | None = None,
                    schedule: Schedule | None = None, us_content: float = 0.0,
                    components: bool = False) -> dict[str, np.ndarray]:
    """Rates (percent of value) of goods on each date, unclaimed and USMCA-claimed.

    Returns
    -------
    dict
        ``unclaimed`` and ``claimed``: arrays (dates x goods) of total percent rates. With
        ``components``: ``mfn:unclaimed``, ``mfn:claimed`` and ``<measure>:unclaimed``,
        ``<measure>:claimed`` for every measure that applies somewhere.
    """
    law = tree if tree is not None else default_tree()
    sched = schedule if schedule is not None else load_schedule()
    h_idx, h_uni = _factorize(hts10)
    p_idx, p_uni = _factorize(partner)
    h_ser = pd.Series(np.asarray(h_uni, dtype=object), dtype=object)
    p_uni = np.asarray(p_uni, dtype=object)
    codes = _CodeSet()
    code_u = codes.ids(np.asarray(h_uni, dtype=object))
    keys: list[tuple[str, ...]] = []
    for d in dates:
        keys += [k for k in _scope_keys(law, d) if k not in keys]
    if len(keys) <= 62:
        try:
            return _rates(law, sched, h_idx, h_ser, p_idx, p_uni, dates, us_content, components, codes, code_u,
                          _Classes(codes, code_u, keys))
        except _Unplanned:  # a measure tests a scope outside the planned ones: evaluate distinct codes
            pass
    return _rates(law, sched, h_idx, h_ser, p_idx, p_uni, dates, us_content, components, codes, code_u, None)


def _factorize(values: Any) -> tuple[np.ndarray, Any]:
    """Codes and uniques; a pandas Series (e.g. Arrow strings from DuckDB) is factorised as it is,
    without a copy into Python objects."""
    return pd.factorize(values if isinstance(values, pd.Series) else np.asarray(values, dtype=object))


def _rates(law: LawTree, sched: Schedule, h_idx: np.ndarray, h_ser: pd.Series, p_idx: np.ndarray,
           p_uni: np.ndarray, dates: Sequence[dt.date], us_content: float, components: bool, codes: _CodeSet,
           code_u: np.ndarray, classes: _Classes | None) -> dict[str, np.ndarray]:
    n, n_p = len(h_idx), len(p_uni)
    if classes is not None:
        c_idx, c_uni = pd.factorize(classes.of_code[h_idx].astype(np.int64) * n_p + p_idx)
    else:
        c_idx, c_uni = pd.factorize(h_idx.astype(np.int64) * n_p + p_idx)
    c_uni = np.asarray(c_uni, dtype=np.int64)
    out: dict[str, np.ndarray] = {k: np.zeros((len(dates), n)) for k in ("unclaimed", "claimed")}
    col1_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for j, d in enumerate(dates):
        rev = sched.revision_at(d, "flows")[0]
        if rev not in col1_cache:
            mfn_u, pref_u = column1_rates(h_ser, sched, d)
            col1_cache[rev] = (mfn_u[h_idx], pref_u[h_idx])
        mfn, pref = col1_cache[rev]
        for claim, key in ((False, "unclaimed"), (True, "claimed")):
            ev = _evaluate(law, d, c_uni, n_p, p_uni, claim, us_content, classes, codes, code_u)
            valid = ev.claim[c_idx]
            col1 = np.where(valid, pref, mfn) if claim else mfn
            live = [k for k, r in ev.rate.items() if (r > 0).any()]
            dealt = [k for k in live if _has_deal(ev.measures[k])]
            # the all-in rule nets out each line's column 1: per good, only for the pairs it can touch
            # (a positive rate of a deal partner); every other pair keeps its rate, summed per pair
            touch = np.zeros(len(c_uni), dtype=bool)
            for k in dealt:
                touch |= (ev.rate[k] > 0) & deal_partner(ev.measures[k], p_uni, law, d)[c_uni % n_p]
            rest = np.zeros(len(c_uni))
            for k in live:
                rest += np.where(touch, 0.0, ev.rate[k] * ev.base[k]) if k in dealt else ev.rate[k] * ev.base[k]
            total = col1 + rest[c_idx]
            sel = np.flatnonzero(touch[c_idx]) if dealt else np.zeros(0, dtype=np.intp)
            line_rate: dict[str, np.ndarray] = {}
            if len(sel):
                cs = c_idx[sel]
                lev = Evaluation(rate={k: ev.rate[k][cs] for k in dealt}, base={}, measures=ev.measures,
                                 claim=valid[sel])
                apply_deals(lev, _Goods(codes, code_u[h_idx[sel]], p_idx[sel], p_uni), d, law, col1[sel])
                for k in dealt:
                    total[sel] += lev.rate[k] * ev.base[k][cs]
                line_rate = {k: lev.rate[k] for k in dealt}
            out[key][j] = total
            if components:
                out.setdefault(f"mfn:{key}", np.zeros((len(dates), n)))[j] = col1
                for k in live:
                    r = ev.rate[k][c_idx]
                    if k in line_rate:
                        r[sel] = line_rate[k]
                    if r.any():
                        out.setdefault(f"{k}:{key}", np.zeros((len(dates), n)))[j] = r * ev.base[k][c_idx]
    return out


def _has_deal(m: Any) -> bool:
    """Measure ``m`` carries an all-in rule :func:`deals.apply_deals` applies (per partner or for every origin)."""
    deal = m.deal
    return deal is not None and (deal.by_partner is not None or (deal.uniform is not None and deal.entry is not None))


def deal_partner(m: Any, p_uni: np.ndarray, law: LawTree, d: dt.date) -> np.ndarray:
    """Per partner: it has an all-in rate in measure ``m``'s deal on ``d`` (:func:`deals.partner_keys`).

    A deal with one all-in rate for every origin (e.g. the 2026 metals Annex III) covers every partner.
    """
    if m.deal.by_partner is None:
        return np.ones(len(p_uni), dtype=bool)
    keys = partner_keys(p_uni, law, d)
    return np.isin(keys.astype(str), [str(k) for k in m.deal.by_partner])


def _evaluate(law: LawTree, d: dt.date, c_uni: np.ndarray, n_p: int, p_uni: np.ndarray, claim: bool,
              us_content: float, classes: _Classes | None, codes: _CodeSet, code_u: np.ndarray) -> Evaluation:
    """:func:`evaluate` on the distinct (class, partner) pairs (distinct codes when a scope is unplanned)."""
    k, p = c_uni // n_p, c_uni % n_p
    m = len(c_uni)
    usc = np.full(m, float(us_content))
    goods = classes.classes.goods(k, p, p_uni) if classes is not None else _Goods(codes, code_u[k], p, p_uni)
    return evaluate(goods, d, np.full(m, claim), law, usc)


def reference_rates(hts10: Any, partner: Any, dates: Sequence[dt.date], *, tree: LawTree | None = None,
                    schedule: Schedule | None = None, us_content: float = 0.0) -> dict[str, np.ndarray]:
    """:func:`statutory_rates` by direct evaluation of every good on every date (slow; the oracle)."""
    law = tree if tree is not None else default_tree()
    sched = schedule if schedule is not None else load_schedule()
    goods = Goods(hts10, partner)
    n = goods.n
    out = {k: np.zeros((len(dates), n)) for k in ("unclaimed", "claimed")}
    usc = np.full(n, float(us_content))
    for j, d in enumerate(dates):
        mfn_u, pref_u = column1_rates(goods.hts_u, sched, d)
        mfn, pref = mfn_u[goods.hts_i], pref_u[goods.hts_i]
        for claim, key in ((False, "unclaimed"), (True, "claimed")):
            ev = evaluate(goods, d, np.full(n, claim), law, usc)
            col1 = np.where(ev.claim, pref, mfn) if claim else mfn
            apply_deals(ev, goods, d, law, col1)
            out[key][j] = col1 + ev.total_pct()
    return out
