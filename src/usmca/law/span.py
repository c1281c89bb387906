"""The span of dates the shipped law tree can answer for.

A date before the tree's first dated value has no law; a date far beyond its last change is a
typing error more often than a question (``2099``): :func:`check_date` refuses both, with the
horizon :data:`usmca.limits.DATE_HORIZON_YEARS` after the last change.
"""

from __future__ import annotations

import datetime as dt
import functools

from usmca.errors import UserInputError
from usmca.limits import DATE_HORIZON_YEARS

from .tree import default_tree

__all__ = ["date_span", "check_date"]


@functools.lru_cache(maxsize=1)
def date_span() -> tuple[dt.date, dt.date]:
    """First dated value of the law tree, and :data:`DATE_HORIZON_YEARS` after its last."""
    tree = default_tree()
    dates = [e.effective_from for p in tree.paths() for e in getattr(tree.node(p), "entries", ())]
    first, last = min(dates), max(dates)
    return first, dt.date(last.year + DATE_HORIZON_YEARS, 12, 31)


def check_date(value: dt.date, source: str, field: str = "") -> dt.date:
    """A date within :func:`date_span` (the law tree cannot answer outside it)."""
    first, last = date_span()
    if not first <= value <= last:
        raise UserInputError(source, field, value.isoformat(), f"outside the law tree's span {first} to {last}")
    return value
