"""Averaging periods of the Automotive Appendix (SOR/2020-155 s. 16(4), example s. 16(12)).

A producer whose fiscal year begins after the Agreement's entry into force (July 1, 2020) but
before July 1, 2021 may calculate its RVC (vehicles, core parts, Tables A.1-E parts), steel and
aluminum purchases and LVC over one period from July 1, 2020 to the end of the following fiscal
year. Both dates come from the law tree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from usmca.errors import LawError, UserInputError
from usmca.law import parse_date

from .law import auto_law

__all__ = ["first_averaging_period"]


def _fy_end(start: dt.date) -> dt.date:
    try:
        nxt = start.replace(year=start.year + 1)
    except ValueError:  # February 29
        nxt = start.replace(year=start.year + 1, day=28)
    return nxt - dt.timedelta(days=1)


def first_averaging_period(fiscal_year_start: Any, tree: Any) -> tuple[dt.date, dt.date] | None:
    """The extended first averaging period of s. 16(4), or None when it does not apply.

    Parameters
    ----------
    fiscal_year_start
        First day of the producer's fiscal year that begins in the window of s. 16(4).
    tree
        The law tree.

    Returns
    -------
    (start, end) or None
        ``start`` = July 1, 2020; ``end`` = last day of the fiscal year beginning on
        ``fiscal_year_start`` (the "following fiscal year" of s. 16(4)).
    """
    try:
        fy = parse_date(fiscal_year_start)
    except UserInputError:
        raise UserInputError("input", "fiscal_year_start", fiscal_year_start, "not a date (YYYY-MM-DD)") from None
    law = auto_law(tree, fy)
    try:
        start = parse_date(law.at("averaging/first_period_start"))
        limit = parse_date(law.at("averaging/first_period_fiscal_year_start_before"))
    except LawError:  # before the Agreement entered into force
        return None
    if not (start < fy < limit):
        return None
    return start, _fy_end(fy)
