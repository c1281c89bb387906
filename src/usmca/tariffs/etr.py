"""Effective tariff rates from trade flows (``usmca tariffs etr``).

Statutory duties with the USMCA-claimed share exempt, aggregated by partner, month and sector:

.. math::

    \\mathrm{ETR}_g = 100\\,\\frac{\\sum_{i \\in g} \\big[(v_i - c_i)\\,\\bar r^{\\,u}_i + c_i\\,\\bar r^{\\,c}_i\\big]}
                                  {\\sum_{i \\in g} v_i}

for flow rows :math:`i` (HTS10 x partner x month) with customs value :math:`v_i` and
USMCA-claimed value :math:`c_i`; :math:`\\bar r^{u}_i` (unclaimed) and :math:`\\bar r^{c}_i`
(claimed) are the column-1 plus additional-measure rates (fractions) of
:mod:`usmca.tariffs.measures`, averaged over the days of the month (each change of law inside a
month starts a new segment, weighted by its days). Dollars are summed before dividing. This is a
*statutory* rate: it assumes every entry pays what the law says; *collected* rates (Census
calculated duty / customs value) differ by specific duties, compliance, exclusions and timing
(see docs/etr.md). Specific duties count as zero (no quantities in the flows). The deal
partners' all-in rates (EU, Japan, Korea) replace the reciprocal and Section 232 auto duties as in
:mod:`usmca.tariffs.deals`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Sequence

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.law import LawTree, default_tree

from .declared import labels as measure_labels
from .etr_rates import statutory_rates
from .schedule import Schedule, load_schedule
from .sectors import add_sector_columns

__all__ = ["effective_rates", "statutory_rates", "FLOW_COLUMNS"]

FLOW_COLUMNS = ("hts10", "partner", "month", "value", "usmca_value")


def _check(flows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The flows, checked, with the codes and distinct values of ``hts10`` (checked once per value)."""
    missing = [c for c in FLOW_COLUMNS if c not in flows.columns]
    if missing:
        raise UserInputError("flows", missing[0], None, f"a flow table needs the columns {', '.join(FLOW_COLUMNS)}")
    v = pd.to_numeric(flows["value"], errors="coerce").to_numpy(dtype=float)
    c = pd.to_numeric(flows["usmca_value"], errors="coerce").to_numpy(dtype=float)
    try:
        h_idx, h_uni = _codes(flows["hts10"])
    except UserInputError:  # a missing code
        h_idx, h_uni = pd.factorize(flows["hts10"].astype(str).to_numpy(dtype=object))
    ok_u = pd.Series(np.asarray(h_uni, dtype=object)).astype(str).str.strip().str.fullmatch(r"\d{10}")
    bad_hts = ~ok_u.to_numpy(dtype=bool)[h_idx] if len(h_uni) else np.zeros(len(flows), dtype=bool)
    if bad_hts.any():
        i = int(np.flatnonzero(bad_hts)[0])
        raise UserInputError("flows", f"row {i}.hts10", flows["hts10"].iloc[i], "an HTS code of 10 digits")
    bad_v = ~np.isfinite(v) | (v < 0)
    if bad_v.any():
        i = int(np.flatnonzero(bad_v)[0])
        raise UserInputError("flows", f"row {i}.value", flows["value"].iloc[i], "a customs value is a number >= 0")
    bad = ~np.isfinite(c) | (c < 0) | (c > v * (1 + 1e-9) + 1e-6)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise UserInputError("flows", f"row {i}.usmca_value", flows["usmca_value"].iloc[i],
                             "values must be >= 0 with usmca_value <= value")
    return flows, h_idx, h_uni


def _segments(months: pd.PeriodIndex, tree: LawTree, schedule: Schedule,
              merge: bool = True) -> tuple[list[dt.date], np.ndarray]:
    """Evaluation dates and a (months x dates) weight matrix of day shares.

    A month is cut at every change of the law (a parameter's or a dated scope row's start, the day
    after a scope row's end, a schedule revision) inside it. The law is constant between changes,
    so with ``merge`` a segment that begins at a month's first day without a change on that day is
    evaluated on the date of the last change before it (or the first month's first day), and its
    weight joins that date's column: the same weighted rates from fewer evaluation dates (26 -> 17
    for 2025).
    """
    changes = {e.effective_from for p in tree.paths("us") if p in tree.parameters
               for e in tree.parameter(p).entries}
    for p in tree.paths("us"):  # dated rows of legal tables (scopes): a row starts or ends the day after
        if p in tree.tables and "hts" in tree.tables[p].columns:
            table = tree.table(p)
            changes |= {dt.date.fromisoformat(d) for d in table["effective_from"]}
            changes |= {dt.date.fromisoformat(d) + dt.timedelta(days=1) for d in table["effective_to"] if d}
    changes |= {r[1] for r in schedule.revisions}
    dates: list[dt.date] = []
    rows: list[list[tuple[dt.date, float]]] = []
    chg = sorted(changes)
    floor = min((m.start_time.date() for m in months), default=None)

    def canon(d: dt.date) -> dt.date:  # a date with the law of d: the last change <= d, not before floor
        if not merge or floor is None:
            return d
        i = bisect.bisect_right(chg, d)
        return max(chg[i - 1], floor) if i else floor

    for m in months:
        start, end = m.start_time.date(), m.end_time.date()
        cuts = sorted({start} | {d for d in changes if start < d <= end})
        ndays = (end - start).days + 1
        bounds = cuts + [end + dt.timedelta(days=1)]
        rows.append([(canon(cuts[k]), (bounds[k + 1] - cuts[k]).days / ndays) for k in range(len(cuts))])
        dates.extend(canon(c) for c in cuts)
    uniq = sorted(set(dates))
    pos = {d: j for j, d in enumerate(uniq)}
    w = np.zeros((len(months), len(uniq)))
    for i, segs in enumerate(rows):
        for d, share in segs:
            w[i, pos[d]] += share
    return uniq, w


def effective_rates(flows: pd.DataFrame, *, by: Sequence[str] = ("partner", "month"), tree: LawTree | None = None,
                    schedule: Schedule | None = None, us_content: float = 0.0,
                    components: bool = False, law_date: dt.date | str | None = None) -> pd.DataFrame:
    """Statutory effective tariff rates of a flow table.

    Parameters
    ----------
    flows
        Columns ``hts10`` (10-digit string), ``partner`` (ISO alpha-2), ``month`` (``YYYY-MM`` or a
        monthly period), ``value`` (customs value, USD) and ``usmca_value`` (the part entered
        under a USMCA claim, USD).
    by
        Grouping columns: any of ``partner``, ``month``, ``year``, ``hs2``, ``section`` (HS
        section), ``gtap`` (GTAP sector, needs the shared crosswalk), or other flow columns.
    tree
        Law tree (default: the law in force); a reformed tree gives a scenario.
    schedule
        HTS schedule (default: store, else the shared Basic editions).
    us_content
        US content share assumed for USMCA-claimed goods taxed on non-US content (autos, trucks).
    components
        Add one ``duty_<measure>`` column per measure (unclaimed and claimed values together).
    law_date
        Evaluate every flow under the law (and HTS schedule) in force on this one date instead of
        the days of its own month: the weight matrix becomes a column of ones, so
        :math:`\\bar r_i = r_i(\\text{law\\_date})`. Gives the statutory rate of observed flows under
        a past or future regime (e.g. the scenarios of the 2026 review).

    Notes
    -----
    When the flows carry ``calculated_duties`` (DataWeb/Census calculated duty, USD), the output
    adds ``calculated_duties`` and ``collected_etr`` = 100 x calculated duties / value, the
    collected rate beside the statutory one.

    Returns
    -------
    DataFrame
        One row per group: ``value``, ``usmca_value``, ``usmca_share`` (percent), ``duty``,
        ``etr`` (percent, ``100 * duty / value``) and, with ``components``, ``duty_mfn`` and
        ``duty_<measure>``.
    """
    if not 0.0 <= float(us_content) <= 1.0:
        raise UserInputError("us_content", "", us_content, "a fraction between 0 and 1")
    law = tree if tree is not None else default_tree()
    sched = schedule if schedule is not None else load_schedule()
    f, h_idx, h_uni = _check(flows)
    m_idx, m_raw = _codes(f["month"], sort=True)
    try:
        m_uni = pd.PeriodIndex([pd.Period(x, freq="M") for x in m_raw])
    except (ValueError, TypeError):
        raise UserInputError("flows", "month", list(m_raw[:3]), "months are YYYY-MM") from None
    p_idx, p_uni = _codes(f["partner"])
    pair = h_idx.astype(np.int64) * len(p_uni) + p_idx
    k_idx, k_uni = pd.factorize(pair, sort=False)
    k_hts = np.asarray(h_uni, dtype=object)[k_uni // len(p_uni)]
    k_ptn = np.asarray(p_uni, dtype=object)[k_uni % len(p_uni)]
    if law_date is None:
        dates, w = _segments(m_uni, law, sched)
    else:
        try:
            day = law_date if isinstance(law_date, dt.date) else dt.date.fromisoformat(str(law_date))
        except ValueError:
            raise UserInputError("law_date", "", law_date, "not an ISO date (YYYY-MM-DD)") from None
        dates, w = [day], np.ones((len(m_uni), 1))
    rates = statutory_rates(k_hts, k_ptn, dates, tree=law, schedule=sched,
                            us_content=us_content, components=components)
    v = f["value"].to_numpy(dtype=float)
    c = f["usmca_value"].to_numpy(dtype=float)
    ru = (w @ rates["unclaimed"])[m_idx, k_idx]
    rc = (w @ rates["claimed"])[m_idx, k_idx]
    sums: dict[str, np.ndarray] = {"value": v, "usmca_value": c, "duty": ((v - c) * ru + c * rc) / 100.0}
    collected = "calculated_duties" in f.columns
    if collected:
        sums["calculated_duties"] = pd.to_numeric(f["calculated_duties"], errors="coerce").to_numpy(dtype=float)
    if components:
        for name in ["mfn"] + sorted(measure_labels(law)):
            ku, kc = f"{name}:unclaimed", f"{name}:claimed"
            if ku not in rates and kc not in rates:
                continue
            du = (v - c) * (w @ rates[ku])[m_idx, k_idx] if ku in rates else np.zeros_like(v)
            dc = c * (w @ rates[kc])[m_idx, k_idx] if kc in rates else np.zeros_like(v)
            sums[f"duty_{name}"] = (du + dc) / 100.0
    codes: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    for col in by:
        if col == "month":
            codes.append(m_idx)
            labels.append(np.asarray(m_uni.astype(str), dtype=object))
        elif col == "year":
            yi, yu = pd.factorize(np.asarray(m_uni.year)[m_idx], sort=True)
            codes.append(yi)
            labels.append(np.asarray(yu))
        elif col == "partner":
            codes.append(p_idx)
            labels.append(np.asarray(p_uni, dtype=object))
        elif col in ("hs2", "section", "gtap"):
            sec = add_sector_columns(pd.Series(np.asarray(h_uni, dtype=object)), col)
            si, su = pd.factorize(sec[h_idx], sort=True)
            codes.append(si)
            labels.append(np.asarray(su, dtype=object))
        elif col in f.columns:
            ci, cu = pd.factorize(f[col], sort=True)
            codes.append(ci)
            labels.append(np.asarray(cu, dtype=object))
        else:
            raise UserInputError("--by", "", col, "unknown grouping column")
    out = _group_sum(list(by), codes, labels, sums)
    out["usmca_share"] = 100.0 * out["usmca_value"] / out["value"].where(out["value"] > 0)
    out["etr"] = 100.0 * out["duty"] / out["value"].where(out["value"] > 0)
    if collected:
        out["collected_etr"] = 100.0 * out["calculated_duties"] / out["value"].where(out["value"] > 0)
    return out


def _codes(col: pd.Series, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and unique string labels of a column (categoricals are used as they are)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = np.asarray(col.cat.categories.astype(str), dtype=object)
        codes = col.cat.codes.to_numpy()
        if (codes < 0).any():
            raise UserInputError("flows", col.name, None, "missing values")
        if sort and len(cats) > 1 and not (cats[:-1] <= cats[1:]).all():
            order = np.argsort(cats)
            rank = np.empty_like(order)
            rank[order] = np.arange(len(order))
            return rank[codes], cats[order]
        return codes, cats
    arr = col.to_numpy()
    if arr.dtype != object:
        arr = col.astype(str).to_numpy(dtype=object)
    idx, uni = pd.factorize(arr, sort=sort)
    return idx, np.asarray(uni, dtype=object)


def _group_sum(names: list[str], codes: list[np.ndarray], labels: list[np.ndarray],
               sums: dict[str, np.ndarray]) -> pd.DataFrame:
    """Sum columns by group codes with ``np.bincount`` (groups present only, sorted by labels)."""
    if not names:
        return pd.DataFrame({k: [float(np.sum(v))] for k, v in sums.items()})
    shape = tuple(len(lab) for lab in labels)
    flat = np.ravel_multi_index(tuple(codes), shape)
    g_idx, g_uni = pd.factorize(flat, sort=True)
    parts = np.unravel_index(g_uni, shape)
    out = pd.DataFrame({n: lab[p] for n, lab, p in zip(names, labels, parts, strict=True)})
    for k, v in sums.items():
        out[k] = np.bincount(g_idx, weights=np.broadcast_to(v, g_idx.shape).astype(float), minlength=len(g_uni))
    return out.sort_values(names, kind="stable").reset_index(drop=True)
