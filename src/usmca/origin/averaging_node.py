"""Apply a net-cost averaging election to one determination (UR s. 7(15)-(20)).

The figures of :mod:`.averaging` replace, for the net-cost RVC test only, the good's net cost
and VNM by the sums of the period in which the good is produced (the determination date):
``NC := sum NC_P``, ``VNM_NC := sum VNM_P`` (s. 7(15)(b), 7(16)); the method is the net cost
(s. 7(19)). Figures on other bases (transaction value, total cost for de minimis and the RVC
waiver, sets, the review's NME cap) stay per unit.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from usmca.errors import UserInputError

from .alternatives import Bases
from .averaging import (
    P_PERIODS,
    YEAR_MONTHS,
    PeriodResult,
    add_months,
    average_periods,
    period_for,
)
from .context import Context
from .result import Trace

__all__ = ["averaged_bases"]

REF = "UR s. 7(15)-(20)"


def averaged_bases(spec: Any, ctx: Context, b: Bases, trace: Trace) -> tuple[Bases, list[PeriodResult]]:
    """The bases of the good under an averaging election, and the RVC of every period.

    Parameters
    ----------
    spec
        The top :class:`usmca.origin.determine.NodeSpec` (its ``averaging``, ``method``, ``use``).
    ctx
        Law tree on the determination date (the production date of the unit, s. 7(16)).
    b
        The per-unit bases.
    trace
        Receives the averaging steps.

    Raises
    ------
    UserInputError
        For an automotive good (averaged under UR s. 16, not s. 7(15)), a TV-only method, or a
        date inside the election's fiscal year that no listed period covers.
    """
    av = spec.averaging
    source = spec.source
    if spec.use or spec.automotive:
        raise UserInputError(source, "averaging", "s. 7(15)", "automotive goods are averaged under UR s. 16 "
                             "(Automotive Appendix), which s. 7(15) excludes")
    if spec.method == "TV":
        raise UserInputError(source, "good.method", "TV", "an averaging election is for the net cost method "
                             "(UR s. 7(15), 7(19)): use NC or best")
    results = average_periods(av, ctx, source)
    fy_end = add_months(av.fiscal_year_start, YEAR_MONTHS)
    r = period_for(results, ctx.date)
    cite = f"{REF} [{ctx.law.cite(P_PERIODS)}]"
    if r is None:
        if results[0].start <= ctx.date < fy_end:
            raise UserInputError(source, "averaging.periods", ctx.date.isoformat(), "no listed period covers the "
                                 "date: the election runs to the end of the fiscal year (UR s. 7(18)-(19))")
        trace.add("net-cost averaging", f"{ctx.date} is outside the elected periods ({results[0].start} to "
                  f"{results[-1].end}): per-unit figures", cite)
        return b, results
    n = av.period_months
    trace.add("net-cost averaging", f"election of {n}-month periods from {results[0].start} to the end of the "
              f"fiscal year {fy_end}; the unit produced on {ctx.date} falls in {r.start} to {r.end}", cite)
    if r.basis == "actual":
        assert r.estimated_rvc is not None
        trace.add("net-cost averaging", f"estimated RVC {r.estimated_rvc:.6f}% replaced by the year-end analysis of "
                  f"actual costs: NC {r.net_cost}, VNM {r.vnm}, RVC {r.rvc:.6f}%", "UR s. 7(20)")
    elif r.basis == "estimated":
        trace.add("net-cost averaging", "figures are estimates: the producer must analyse the actual costs at the "
                  f"end of the fiscal year ({fy_end})", "UR s. 7(20)", None)
    trace.add("net-cost averaging", f"period sums used as net cost {r.net_cost} and VNM {r.vnm} of the net-cost "
              "method (transaction value, de minimis and waiver bases stay per unit)", "UR s. 7(15)(b), 7(16), 7(19)")
    return dataclasses.replace(b, nc=r.net_cost, vnm_nc=r.vnm, method="NC", averaged=True), results
