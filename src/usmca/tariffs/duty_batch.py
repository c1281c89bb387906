"""Duties of many entry lines at once (``usmca tariffs duty --file``, :func:`duty_batch`).

Every line gets exactly the duty of the single-line path (:func:`usmca.tariffs.duty.duty`):

.. math::

    D_i = v_i\\,\\frac{r^{\\text{col1}}_i}{100} + q_i s_i + \\sum_m v_i\\, b_{im}\\, \\frac{r_{im}}{100},
    \\qquad \\text{rate}_i = 100\\, D_i / v_i

(column 1, or the USMCA special rate of HTSUS General Note 11 under a valid claim; the specific
part with a quantity or a unit value; each additional measure after the non-stacking rules and the
deal partners' all-in rates, :mod:`usmca.tariffs.measures`, :mod:`usmca.tariffs.deals`). It is
computed without a Python loop per line: lines are grouped by *law state* (the days between two
changes of any parameter or table of the law tree, or of the HTS revision, give the same law), the
measures are evaluated once per distinct (HTS line, origin, claim) of each state, and the result is
gathered back to the lines with numpy; column 1, the US-content base, the deals and the totals are
array expressions over the lines, in the same order of operations as the single-line path so that
the floating-point results are the same.

Input columns (the options of ``usmca tariffs duty``): ``hts``, ``origin``, ``date``, ``value``
(required); ``usmca`` (or ``usmca_claim``: true/false, 1/0, yes/no, empty = false), ``us_content``,
``quantity``, ``unit_value``, ``declare`` (chapter 99 headings the entry declares, separated by
spaces: ``--declare``) (optional, empty = not given). A row that the single-line path
would refuse is a :class:`~usmca.errors.UserInputError` naming its row (1-based, header not
counted) and column, or, with ``skip_bad``, a reject with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where it is used: `usmca tariffs duty` (one line) starts without it
    import pandas as pd

from usmca.errors import UserInputError
from usmca.law import LawTree, default_tree

from .deals import apply_deals
from .declared import declarable_headings, declared, labels
from .measures import Evaluation, Goods, evaluate, us_content_taxed_off
from .schedule import Schedule, load_schedule

__all__ = ["duty_batch", "DutyBatch", "BatchEngine", "REJECT_COLUMNS"]

REJECT_COLUMNS = ("row", "column", "value", "reason")


class _CodeSet:
    """HTS codes met so far (each line's ``hts``), with scope masks computed once per code and scope."""

    def __init__(self) -> None:
        self.pos: dict[str, int] = {}
        self.codes: list[str] = []
        self._series: pd.Series | None = None
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self._ints: np.ndarray | None = None  # ten_digit_ints of ``series`` (None: not all 10 digits)
        self._ints_of = -1  # how many codes ``_ints`` was computed for

    def ids(self, codes: np.ndarray) -> np.ndarray:
        """Integer id of each code (new codes are added); ``codes`` are the few distinct ones."""
        for c in codes.tolist():
            if c not in self.pos:
                self.pos[c] = len(self.codes)
                self.codes.append(c)
                self._series = None
        return np.array([self.pos[c] for c in codes.tolist()], dtype=np.int64)

    @property
    def series(self) -> pd.Series:
        import pandas as pd
        if self._series is None:
            self._series = pd.Series(np.array(self.codes, dtype=object), dtype=object)
        return self._series

    def mask(self, key: tuple[str, ...]) -> np.ndarray:
        """Membership of every known code in the scope ``key`` (:meth:`usmca.hs.HsSet.contains_many`)."""
        from usmca.hs import scope_of, ten_digit_ints

        have = self._masks.get(key)
        n = len(self.codes)
        if have is not None and len(have) == n:
            return have
        if have is None or len(have) < n:
            scope = scope_of(key)
            assert scope is not None
            done = 0 if have is None else len(have)
            if self._ints_of != n:
                self._ints, self._ints_of = ten_digit_ints(self.series), n
            part = None if self._ints is None else self._ints[done:]
            new = scope.contains_many(self.series.iloc[done:].reset_index(drop=True), ints=part)
            have = new if have is None else np.concatenate([have, new])
            self._masks[key] = have
        return have


class _Goods(Goods):
    """:class:`~usmca.tariffs.measures.Goods` over integer ids, sharing scope masks across law states."""

    def __init__(self, codes: _CodeSet, hts_i: np.ndarray, org_i: np.ndarray, org_u: np.ndarray) -> None:
        self.hts_i, self.hts_u = hts_i, codes.series
        self.org_i, self.org_u = org_i, org_u
        self.n = len(hts_i)
        self._masks, self._parties, self._one = {}, {}, None
        self._codes = codes

    def in_scope(self, codes: Any) -> np.ndarray:
        key = tuple(str(c) for c in codes)
        mask = self._masks.get(key)
        if mask is None:
            mask = self._codes.mask(key)[self.hts_i]
            self._masks[key] = mask
        return mask


def _change_dates(tree: LawTree, schedule: Schedule) -> np.ndarray:
    """Sorted days on which any parameter or table row of the tree, or the HTS revision, changes."""
    days = {e.effective_from for p in tree.parameters.values() for e in p.entries}
    for t in tree.tables.values():
        f = t.frame()
        if "effective_from" in f.columns:
            days |= {dt.date.fromisoformat(str(d)) for d in f["effective_from"] if str(d)}
        if "effective_to" in f.columns:
            days |= {dt.date.fromisoformat(str(d)) + dt.timedelta(days=1) for d in f["effective_to"] if str(d)}
    days |= {r[1] for r in schedule.revisions} | {r[2] + dt.timedelta(days=1) for r in schedule.revisions}
    return np.array(sorted(days), dtype="datetime64[D]")


@dataclass
class _Revision:
    """One HTS revision as arrays, and its code index (as :meth:`Schedule.line` builds it)."""

    name: str
    index: dict[str, int]
    hts: np.ndarray
    htsno: np.ndarray
    adv: np.ndarray
    spec: np.ndarray
    specific: np.ndarray
    other: np.ndarray
    spi: np.ndarray
    pref: np.ndarray

    @classmethod
    def of(cls, name: str, rows: pd.DataFrame) -> "_Revision":
        codes = rows["hts"].astype(str)
        ten = np.flatnonzero(codes.str.len().to_numpy() == 10)
        heads = codes.iloc[ten].str[:8].to_numpy()
        _, first = np.unique(heads, return_index=True)
        index = dict(zip(heads[first].tolist(), ten[first].tolist(), strict=True))
        index.update(zip(codes.tolist(), range(len(codes)), strict=True))
        rt = rows["rate_type"].astype(str).to_numpy()
        return cls(name=name, index=index, hts=codes.to_numpy(dtype=object),
                   htsno=rows["htsno"].astype(str).to_numpy(dtype=object),
                   adv=rows["adv_pct"].to_numpy(dtype=float), spec=rows["specific_usd"].to_numpy(dtype=float),
                   specific=np.isin(rt, ["specific", "compound"]), other=~np.isin(rt, ["free", "none"]),
                   spi=rows["usmca_spi"].astype(str).to_numpy() != "", pref=rows["usmca_adv_pct"].to_numpy(dtype=float))

    def find(self, code: str) -> int:
        """Row of ``code`` (an 8-digit code: its own line, else its first 10-digit line), -1 if none."""
        pos = self.index.get(code)
        if pos is None and len(code) == 10:
            pos = self.index.get(code[:8])
        return -1 if pos is None or len(code) < 8 else pos


@dataclass
class DutyBatch:
    """Duties of a batch: one row per accepted line, and the rejected lines with their reasons.

    Attributes
    ----------
    duties
        Columns ``row`` (1-based input row), ``hts``, ``origin``, ``date``, ``value``,
        ``usmca_claim``, ``usmca_valid``, ``us_content``, ``quantity``, ``unit_value``,
        ``revision``, ``column1`` (``mfn`` or ``usmca_preference``), ``rate_column1``,
        ``duty_column1``, ``duty_<measure>`` for every measure of the law tree, ``total_rate``
        (percent) and ``total_duty`` (USD).
    rejects
        Columns ``row``, ``column``, ``value``, ``reason`` (empty unless ``skip_bad``).
    """

    duties: pd.DataFrame
    rejects: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.duties


class BatchEngine:
    """Computes chunks of entry lines against one law tree and schedule (caches shared across chunks)."""

    def __init__(self, tree: LawTree | None = None, schedule: Schedule | None = None) -> None:
        self.law = tree if tree is not None else default_tree()
        self.sched = schedule if schedule is not None else load_schedule()
        self.keys = sorted(labels(self.law))
        self.changes = _change_dates(self.law, self.sched)
        self.codes = _CodeSet()
        self._revs: dict[str, _Revision] = {}

    def _revision(self, name: str) -> _Revision:
        if name not in self._revs:
            start = next(r[1] for r in self.sched.revisions if r[0] == name)
            self._revs[name] = _Revision.of(name, self.sched.rows_at(start))
        return self._revs[name]

    def resolve(self, hts_u: list[str], hts_i: np.ndarray, date_u: list[dt.date | None], date_i: np.ndarray,
                ok: np.ndarray) -> dict[str, Any]:
        """Revision and HTS line of every line whose inputs are valid (``ok``).

        Returns arrays per line: ``rev`` (index into ``revs``), ``row`` (row in that revision, -1
        unknown), and per distinct date the revision or the reason it has none (``date_error``).
        """
        import pandas as pd
        n = len(hts_i)
        rev_of_date = np.full(len(date_u), -1, dtype=np.int64)
        date_error = np.full(len(date_u), "", dtype=object)
        names: list[str] = []
        for j, d in enumerate(date_u):
            if d is None:
                continue
            try:
                name = self.sched.revision_at(d, "date")[0]
            except UserInputError as exc:
                date_error[j] = exc.reason
                continue
            if name not in names:
                names.append(name)
            rev_of_date[j] = names.index(name)
        rev = np.where(date_i >= 0, rev_of_date[np.maximum(date_i, 0)], -1)
        row = np.full(n, -1, dtype=np.int64)
        sel = ok & (rev >= 0)
        pair = rev[sel] * (len(hts_u) + 1) + hts_i[sel]
        p_idx, p_uni = pd.factorize(pair)
        found = np.array([self._revision(names[int(p) // (len(hts_u) + 1)]).find(hts_u[int(p) % (len(hts_u) + 1)])
                          for p in p_uni], dtype=np.int64)
        row[sel] = found[p_idx] if len(p_uni) else row[sel]
        return {"rev": rev, "row": row, "names": names, "date_error": date_error}

    def compute(self, hts_i: np.ndarray, hts_u: list[str], org_i: np.ndarray, org_u: np.ndarray,
                days: np.ndarray, claim: np.ndarray, v: np.ndarray, usc: np.ndarray, q: np.ndarray,
                uv: np.ndarray, rev: np.ndarray, row: np.ndarray, names: list[str],
                components: bool = True, decl_i: np.ndarray | None = None,
                decl_u: list[frozenset[str]] | None = None) -> dict[str, Any]:
        """Duty of valid lines (every argument is per line except the ``*_u`` uniques and ``names``).

        ``days`` are ``datetime64[D]``; ``usc``, ``q``, ``uv`` are NaN where not given; ``decl_i``
        indexes each line's declared chapter 99 headings in ``decl_u`` (none when not given). Returns
        arrays per line, and ``line`` (an id per HTS line) with ``htsno`` (the codes of the ids).
        """
        import pandas as pd
        n = len(v)
        out: dict[str, np.ndarray] = {f"duty_{k}": np.zeros(n) for k in self.keys} if components else {}
        col1_rate, col1_duty, pref = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
        total, rate_sum, valid = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
        line_i, line_u = pd.factorize(rev * (1 << 32) + row)
        line_u = np.asarray(line_u, dtype=np.int64)
        htsno = np.empty(len(line_u), dtype=object)
        code = np.empty(len(line_u), dtype=object)
        for r, name in enumerate(names):
            m = line_u >> 32 == r
            if m.any():
                rv = self._revision(name)
                htsno[m] = rv.htsno[line_u[m] & 0xFFFFFFFF]
                code[m] = rv.hts[line_u[m] & 0xFFFFFFFF]
        code_id = self.codes.ids(code)[line_i] if n else np.zeros(0, dtype=np.int64)
        decl_u = decl_u or [frozenset()]
        decl_i = np.zeros(n, dtype=np.int64) if decl_i is None else np.asarray(decl_i, dtype=np.int64)
        state = (np.searchsorted(self.changes, days, side="right") * (len(names) + 1) + rev) * len(decl_u) + decl_i
        s_idx, s_uni = pd.factorize(state)
        order = np.argsort(s_idx, kind="stable")
        bounds = np.searchsorted(s_idx[order], np.arange(len(s_uni) + 1))
        for s in range(len(s_uni)):
            lines = order[bounds[s]:bounds[s + 1]]
            day = pd.Timestamp(days[lines[0]]).date()
            rv = self._revision(names[int(rev[lines[0]])])
            res = self._state(day, rv, code_id[lines], org_i[lines], org_u, claim[lines], v[lines], usc[lines],
                              q[lines], uv[lines], row[lines], decl_u[int(decl_i[lines[0]])])
            if components:
                for k, a in res["duty"].items():
                    out[f"duty_{k}"][lines] = a
            col1_rate[lines], col1_duty[lines], pref[lines] = res["col1_rate"], res["col1_duty"], res["pref"]
            total[lines], rate_sum[lines], valid[lines] = res["total"], res["rate_sum"], res["valid"]
        with np.errstate(divide="ignore", invalid="ignore"):
            total_rate = np.where(v > 0, 100.0 * total / v, rate_sum)
        return {"line": line_i, "htsno": htsno, "usmca_valid": valid, "pref": pref, "rate_column1": col1_rate,
                "duty_column1": col1_duty, "duty_additional": total - col1_duty, **out, "total_rate": total_rate,
                "total_duty": total}

    def undeclarable(self, facts: frozenset[str], day: dt.date | None) -> str:
        """Why an entry on ``day`` cannot declare ``facts`` ("" when it can): a heading that no
        measure in force reads (:func:`usmca.tariffs.duty._check_declared`)."""
        if not facts or day is None:
            return ""
        bad = sorted(facts - declarable_headings(declared(self.law.on(day))))
        return f"{bad[0]} is not a chapter 99 heading that an entry can declare on {day}" if bad else ""

    def _evaluate(self, day: dt.date, code_id: np.ndarray, org_i: np.ndarray, org_u: np.ndarray,
                  claim: np.ndarray, facts: frozenset[str] = frozenset()) -> tuple[Evaluation, np.ndarray]:
        """The measures on the lines' distinct (code class, origin, claim), and each line's index.

        Codes fall in classes of equal membership of every product scope of the measures in force
        on ``day``; the measures see a code only through those scopes (:meth:`Goods.in_scope`), so
        evaluating one code per class is exact. A scope asked for outside them falls back to one
        code per distinct code.
        """
        import pandas as pd
        u_idx, u_codes = pd.factorize(code_id)
        u_codes = np.asarray(u_codes, dtype=np.int64)
        keys = _scope_keys(self.law, day)
        cls = np.zeros(len(u_codes), dtype=np.int64)
        if len(keys) <= 62:
            for b, key in enumerate(keys):
                cls |= self.codes.mask(key)[u_codes].astype(np.int64) << b
            c_i, c_u = pd.factorize(cls)
            rep = u_codes[np.unique(c_i, return_index=True)[1]]
            masks = {key: self.codes.mask(key)[rep] for key in keys}
            try:
                return self._combos(day, c_i[u_idx], org_i, org_u, claim, _ClassGoods(masks, rep, self.codes), facts)
            except _Unplanned:
                pass
        return self._combos(day, code_id, org_i, org_u, claim, None, facts)

    def _combos(self, day: dt.date, cls: np.ndarray, org_i: np.ndarray, org_u: np.ndarray, claim: np.ndarray,
                classes: "_ClassGoods | None", facts: frozenset[str] = frozenset()) -> tuple[Evaluation, np.ndarray]:
        import pandas as pd
        n_org = len(org_u)
        combo = (cls * n_org + org_i) * 2 + claim.astype(np.int64)
        c_idx, c_uni = pd.factorize(combo)
        c_uni = np.asarray(c_uni, dtype=np.int64)
        hts_i, o_i = c_uni // (2 * n_org), (c_uni // 2) % n_org
        goods = (classes.goods(hts_i, o_i, org_u) if classes is not None
                 else _Goods(self.codes, hts_i, o_i, org_u))
        return evaluate(goods, day, (c_uni % 2).astype(bool), self.law, None, declared_headings=facts), c_idx

    def _state(self, day: dt.date, rv: _Revision, code_id: np.ndarray, org_i: np.ndarray, org_u: np.ndarray,
               claim: np.ndarray, v: np.ndarray, usc: np.ndarray, q: np.ndarray, uv: np.ndarray,
               row: np.ndarray, facts: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Lines of one law state and one set of declared headings: measures once per distinct (code
        class, origin, claim), then per line."""
        ev, c_idx = self._evaluate(day, code_id, org_i, org_u, claim, facts)
        valid = ev.claim[c_idx]
        # column 1 (duty._column1): the USMCA special rate under a valid claim on an S/S+ line, else general
        pref = valid & rv.spi[row]
        pref_rate = np.nan_to_num(rv.pref[row], nan=0.0)
        adv = np.nan_to_num(rv.adv[row], nan=0.0)
        spec = rv.spec[row]
        has_q, has_uv = ~np.isnan(q), ~np.isnan(uv)
        specific = rv.specific[row]
        with np.errstate(divide="ignore", invalid="ignore"):
            d = v * adv / 100.0
            if specific.any():
                d = np.where(specific & has_q, d + q * spec,
                             np.where(specific & ~has_q & has_uv, d + v * spec / uv, d))
            mfn_rate = np.where(v > 0, 100.0 * d / v, adv)
        col1_rate = np.where(pref, pref_rate, mfn_rate)
        col1_duty = np.where(pref, v * pref_rate / 100.0, d)
        # a measure at zero on every distinct good stays at zero (deals only replace positive rates)
        live = [k for k, r in ev.rate.items() if (r > 0).any()]
        # every measure with a deal: by partner, or one all-in rate for every origin (Annex III metals; was left
        # out here, so a batch charged those lines column 1 + 15% instead of 15% in all)
        dealt = [k for k in live if ev.measures[k].deal is not None]
        line_rate: dict[str, np.ndarray] = {}
        if dealt:  # deals (apply_deals) need column 1 per line: their measures are gathered to the lines
            lg = _Goods(self.codes, code_id, org_i, org_u)
            lev = Evaluation(rate={k: ev.rate[k][c_idx] for k in dealt}, base={}, measures=ev.measures, claim=valid)
            apply_deals(lev, lg, day, self.law, col1_rate)
            line_rate = lev.rate
        usc0 = np.nan_to_num(usc, nan=0.0)
        total = 0.0 + col1_duty
        rate_sum = 0.0 + col1_rate
        duty: dict[str, np.ndarray] = {}
        for k in live:  # the order of ev.rate, as the single-line sum
            r = line_rate[k] if k in line_rate else ev.rate[k][c_idx]
            nonus = ev.non_us_content[k]
            if nonus.any():
                vb = v * np.where(valid & nonus[c_idx], 1.0 - us_content_taxed_off(ev.measures[k], usc0), 1.0)
            else:
                vb = v
            keep = ~(r <= 0)
            dk = np.where(keep, vb * r / 100.0, 0.0)
            total = total + dk
            rate_sum = rate_sum + np.where(keep, r, 0.0)
            duty[k] = dk
        return {"duty": duty, "col1_rate": col1_rate, "col1_duty": col1_duty, "pref": pref, "total": total,
                "rate_sum": rate_sum, "valid": valid}


class _Unplanned(Exception):
    """A measure asked for a scope outside the classes (the caller falls back to distinct codes)."""


class _ClassGoods:
    """Code classes: a representative code and the scope masks of each class."""

    def __init__(self, masks: dict[tuple[str, ...], np.ndarray], rep: np.ndarray, codes: _CodeSet) -> None:
        self.masks, self.rep, self.codes = masks, rep, codes

    def goods(self, cls_i: np.ndarray, org_i: np.ndarray, org_u: np.ndarray) -> Goods:
        classes = self

        class _G(_Goods):
            def in_scope(self, codes: Any) -> np.ndarray:
                key = tuple(str(c) for c in codes)
                if key not in classes.masks:
                    raise _Unplanned(key)
                return classes.masks[key][self.hts_i]

        return _G(self.codes, cls_i, org_i, org_u)


def _scope_keys(tree: LawTree, day: dt.date) -> list[tuple[str, ...]]:
    """The product scopes the measures in force on ``day`` test goods against (:func:`measures._inside`)."""
    law = tree.on(day)

    def build() -> list[tuple[str, ...]]:
        keys: list[tuple[str, ...]] = []
        for m in declared(law):
            lists: list[Any] = []
            if m.scope is not None:
                lists += list(m.scope.by_partner.values()) if m.scope.by_partner is not None else [m.scope.uniform]
            lists += list(m.exempt_scopes)
            for codes in lists:
                key = tuple(str(c) for c in codes)
                if key not in keys:
                    keys.append(key)
        return keys
    return law.derived(("duty_batch.scope_keys",), build)


def duty_batch(entries: Any, *, tree: LawTree | None = None, schedule: Schedule | None = None,
               skip_bad: bool = False, source: str = "entries") -> DutyBatch:
    """Duties of many entry lines, each exactly as :func:`usmca.tariffs.duty` computes it.

    Parameters
    ----------
    entries
        A pandas DataFrame (or a mapping of columns, or a pyarrow Table) with the columns ``hts``,
        ``origin``, ``date``, ``value`` and optionally ``usmca`` (or ``usmca_claim``),
        ``us_content``, ``quantity``, ``unit_value``; missing values mean "not given".
    tree
        The law tree (default: the law in force); a reformed tree gives a scenario.
    schedule
        The HTS schedule (default: the store, else the package data).
    skip_bad
        Put rows the single-line path would refuse in ``rejects`` instead of raising.
    source
        The name that errors give as the source.

    Returns
    -------
    DutyBatch
        ``duties`` (one row per accepted line, input order) and ``rejects``.

    Raises
    ------
    UserInputError
        A bad row (without ``skip_bad``): names its row (1-based) and column.
    """
    from .duty_batch_io import run_table, to_arrow

    engine = BatchEngine(tree, schedule)
    duties, rejects = run_table(engine, to_arrow(entries, source), 0, source, skip_bad)
    return DutyBatch(duties, rejects)
