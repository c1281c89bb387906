"""Net-cost averaging over a period (UR s. 7(15)-(20)): a portfolio-level RVC.

Under the net-cost method the producer may elect (s. 7(15)) to compute the regional value content
of a good from the *sums* of the net costs and of the values of non-originating materials of the
good and of identical or similar goods produced in one plant over a period::

    RVC_P = (sum_{u in P} NC_u - sum_{u in P} VNM_u) / sum_{u in P} NC_u x 100

where ``P`` is (a)(i) a one-month period, (ii) any consecutive three- or six-month period that
falls within and is evenly divisible into the number of months of the fiscal year remaining at
its beginning, or (iii) the fiscal year (period lengths: law tree
``usmca/ch04/rvc/averaging_periods_months``). The result applies to every unit produced in the
period (s. 7(16)); a one-, three- or six-month choice extends to periods of the same length for
the rest of the fiscal year (s. 7(18)) and binds the net-cost method for that time (s. 7(19)).
When computed on estimated costs, the producer analyses the actual costs at the end of the
fiscal year (s. 7(20)): the actual figures then decide. Goods that may be averaged under s. 16
(automotive) are outside s. 7(15).

BOM section (optional)::

    averaging:
      fiscal_year_start: 2025-01-01
      period_months: 3
      periods:                                   # consecutive, from the election's first period
        - {start: 2025-01-01, net_cost: 1200000, vnm: 500000}
        - start: 2025-04-01
          production: [{units: 1000, net_cost: 101.5, vnm: 40}, {units: 500, net_cost: 99, vnm: 52}]
          estimated: true
          actual: {net_cost: 151000, vnm: 66000}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from usmca.errors import UserInputError

__all__ = ["Averaging", "AveragingPeriod", "PeriodResult", "P_PERIODS", "average_periods", "period_for",
           "add_months"]

P_PERIODS = "usmca/ch04/rvc/averaging_periods_months"
HUNDRED = Decimal(100)
#: Months in a fiscal year (a calendar fact, not a legal parameter).
YEAR_MONTHS = 12
#: A non-negative amount of money, as the BOM schema bounds it.
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e15"), allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Lot(_Model):
    """Units produced in the period, with their net cost and VNM per unit."""

    units: Decimal = Field(gt=0, le=Decimal("1e15"), allow_inf_nan=False)
    net_cost: Amount
    vnm: Amount


class Figures(_Model):
    """Sums of net cost and VNM over a period."""

    net_cost: Decimal = Field(gt=0, le=Decimal("1e15"), allow_inf_nan=False)
    vnm: Amount


class AveragingPeriod(_Model):
    """One averaging period: its sums (``net_cost``/``vnm``) or its production lots."""

    start: dt.date
    net_cost: Optional[Decimal] = Field(default=None, gt=0, le=Decimal("1e15"), allow_inf_nan=False)
    vnm: Optional[Amount] = None
    production: list[Lot] = Field(default_factory=list)
    estimated: bool = False
    actual: Optional[Figures] = None

    @model_validator(mode="after")
    def _figures(self) -> "AveragingPeriod":
        sums = self.net_cost is not None or self.vnm is not None
        if sums == bool(self.production):
            raise ValueError("give either net_cost and vnm (sums over the period) or production lots")
        if sums and (self.net_cost is None or self.vnm is None):
            raise ValueError("give both net_cost and vnm")
        if self.actual is not None and not self.estimated:
            raise ValueError("actual figures are the year-end analysis of an estimated period (estimated: true)")
        return self

    def sums(self) -> tuple[Decimal, Decimal]:
        """(sum of net costs, sum of VNM) as given or from the lots: sum_k units_k x per-unit figure."""
        if self.production:
            nc = sum((lot.units * lot.net_cost for lot in self.production), Decimal(0))
            vnm = sum((lot.units * lot.vnm for lot in self.production), Decimal(0))
            return nc, vnm
        assert self.net_cost is not None and self.vnm is not None
        return self.net_cost, self.vnm


class Averaging(_Model):
    """An election to average net cost and VNM (UR s. 7(15))."""

    fiscal_year_start: dt.date
    period_months: int = Field(ge=1)
    periods: list[AveragingPeriod] = Field(min_length=1)


@dataclass(frozen=True)
class PeriodResult:
    """RVC of one averaging period; ``basis`` is ``actual`` after the s. 7(20) analysis."""

    start: dt.date
    end: dt.date                    # exclusive
    net_cost: Decimal
    vnm: Decimal
    rvc: Decimal
    basis: str                      # reported | estimated | actual
    estimated_rvc: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start.isoformat(), "end": self.end.isoformat(), "net_cost": self.net_cost,
                             "vnm": self.vnm, "rvc": self.rvc, "basis": self.basis}
        if self.estimated_rvc is not None:
            d["estimated_rvc"] = self.estimated_rvc
        return d


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (day clipped to the month's length)."""
    y, m = divmod(d.month - 1 + months, YEAR_MONTHS)
    year, month = d.year + y, m + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(d.day, (nxt - dt.timedelta(days=1)).day))


def _offset(fy: dt.date, start: dt.date) -> int | None:
    """Months from the fiscal-year start to ``start`` (None if not a whole number of months)."""
    for k in range(YEAR_MONTHS):
        if add_months(fy, k) == start:
            return k
    return None


def average_periods(av: Averaging, ctx: Any, source: str = "BOM") -> list[PeriodResult]:
    """Validate an election (s. 7(15)(a), 7(18)) and compute the RVC of each period (s. 7(15)(b), 7(20)).

    Raises
    ------
    UserInputError
        A period length not allowed by the law tree, a 3- or 6-month period not evenly dividing the
        months of the fiscal year remaining at its beginning, a 12-month period not starting the
        fiscal year, periods not consecutive or not of the elected length (s. 7(18)), or beyond
        the fiscal year.
    """
    allowed = sorted(int(x) for x in (ctx.law.at(P_PERIODS) or []))
    n = av.period_months
    if n not in allowed:
        raise UserInputError(source, "averaging.period_months", n, f"must be one of {allowed} months "
                             f"({ctx.law.cite(P_PERIODS)})")
    first = _offset(av.fiscal_year_start, av.periods[0].start)
    if first is None:
        raise UserInputError(source, "averaging.periods[0].start", av.periods[0].start.isoformat(),
                             "must be a whole number of months after fiscal_year_start, within the fiscal year")
    remaining = YEAR_MONTHS - first
    if n > remaining or remaining % n:
        raise UserInputError(source, "averaging.period_months", n, f"a {n}-month period starting "
                             f"{av.periods[0].start} must fall within and divide evenly the {remaining} month(s) "
                             "left in the fiscal year (UR s. 7(15)(a)(ii)-(iii))")
    if len(av.periods) > remaining // n:
        raise UserInputError(source, f"averaging.periods[{remaining // n}]", "...", "beyond the end of the fiscal "
                             "year: a new election is needed for the next fiscal year (UR s. 7(18))")
    out = []
    for i, p in enumerate(av.periods):
        want = add_months(av.fiscal_year_start, first + i * n)
        if p.start != want:
            raise UserInputError(source, f"averaging.periods[{i}].start", p.start.isoformat(), f"expected {want}: "
                                 f"periods of the elected {n} month(s) follow each other to the end of the fiscal "
                                 "year (UR s. 7(18))")
        nc, vnm = p.sums()
        if nc <= 0:
            raise UserInputError(source, f"averaging.periods[{i}]", str(nc), "the net cost of the period must be > 0")
        rvc = (nc - vnm) / nc * HUNDRED
        end = add_months(av.fiscal_year_start, first + (i + 1) * n)
        if p.actual is not None:
            a = p.actual
            out.append(PeriodResult(p.start, end, a.net_cost, a.vnm, (a.net_cost - a.vnm) / a.net_cost * HUNDRED,
                                    "actual", rvc))
        else:
            out.append(PeriodResult(p.start, end, nc, vnm, rvc, "estimated" if p.estimated else "reported"))
    return out


def period_for(results: list[PeriodResult], date: dt.date) -> PeriodResult | None:
    """The period whose units include those produced on ``date`` (s. 7(16))."""
    for r in results:
        if r.start <= date < r.end:
            return r
    return None
