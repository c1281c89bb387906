"""Law-tree access for the Automotive Appendix: the Appendix's folder of the law on a date.

Every threshold lives in the law tree under ``usmca/ch04_appendix_autos/`` (SOR/2020-155 Part 6;
19 CFR Part 182, Appendix A). The engine reads it through the folder view of the determination's
:class:`usmca.law.LawView` (paths relative to :data:`ROOT`; absolute ``usmca/...`` paths pass
through), which caches its reads; this module adds the code sets of the part tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from usmca.hs import HsSet
from usmca.law import LawView

__all__ = ["ROOT", "AutoLaw", "auto_law", "appendix", "row_codes", "table_codes"]

#: Root of the Automotive Appendix in the law tree.
ROOT = "usmca/ch04_appendix_autos"

#: The Appendix on a date: a :class:`usmca.law.LawView` of the folder :data:`ROOT`.
AutoLaw = LawView


def appendix(law: LawView) -> LawView:
    """The Appendix folder of the law on a date (its reads are cached with the day's view)."""
    return law if law.prefix == ROOT else law.sub(ROOT)


def auto_law(tree: Any, date: dt.date | str) -> LawView:
    """The Appendix of ``tree`` on ``date`` (``tree.on(date).sub(ROOT)``)."""
    return appendix(tree.on(date))


def row_codes(law: LawView, name: str, column: str = "hs") -> list[HsSet]:
    """The code set of every row of a table (one HsSet per row, in row order)."""
    return law.derived(("row_codes", name, column),
                       lambda: [HsSet.parse(str(c).split()) for c in law.table(name)[column]])


def table_codes(law: LawView, name: str) -> HsSet:
    """The HS codes (column ``hs6``) of a part table as one code set."""
    return law.derived(("table_codes", name), lambda: HsSet.parse(sorted(set(law.table(name)["hs6"]))))
