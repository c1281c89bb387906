"""Law-tree access for the Automotive Appendix: parameter paths and exact reads.

Every threshold lives in the law tree under ``usmca/ch04_appendix_autos/`` (SOR/2020-155 Part 6;
19 CFR Part 182, Appendix A); this module only names the paths and reads them on a date, as
exact ``Decimal`` values, with the citation of the value in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from usmca.errors import LawError, UserInputError

from usmca.hs import HsSet

__all__ = ["ROOT", "AutoLaw", "auto_law"]

#: Root of the Automotive Appendix in the law tree.
ROOT = "usmca/ch04_appendix_autos"


@dataclass
class AutoLaw:
    """The Automotive Appendix on one date (cached reads of one law tree).

    Parameters
    ----------
    tree
        A :class:`usmca.law.LawTree` (possibly reformed).
    date
        The date the law is read on.
    """

    tree: Any
    date: dt.date | str
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def path(self, rel: str) -> str:
        """Full law-tree path of a parameter given relative to the Appendix root (or absolute)."""
        return rel if rel.startswith("usmca/") else f"{ROOT}/{rel}"

    def has(self, rel: str) -> bool:
        return self.path(rel) in self.tree

    def entry(self, rel: str) -> Any:
        key = "e:" + rel
        if key not in self._cache:
            self._cache[key] = self.tree.entry(self.path(rel), self.date)
        return self._cache[key]

    def value(self, rel: str) -> Any:
        return self.entry(rel).value

    def optional(self, rel: str, default: Any = None) -> Any:
        """Value of an optional parameter (review options): ``default`` when absent or not in force."""
        return self.tree.get(self.path(rel), self.date, default)

    def number(self, rel: str) -> Decimal:
        """A numeric parameter as an exact Decimal (from its YAML spelling)."""
        v = self.value(rel)
        if v is None or isinstance(v, bool):
            raise LawError("law", self.path(rel), v, f"no number in force on {self.date}")
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)

    def cite(self, rel: str) -> str:
        """``instrument, provision [path]`` of the value in force."""
        try:
            ref = self.entry(rel).reference
            return f"{ref.instrument}, {ref.provision} [{self.path(rel)}]"
        except UserInputError:
            return self.path(rel)

    def codes(self, rel: str) -> HsSet:
        key = "c:" + rel
        if key not in self._cache:
            self._cache[key] = HsSet.parse(self.value(rel) or [])
        return self._cache[key]

    def table(self, name: str) -> pd.DataFrame:
        """Rows in force of a table (``tables/a1``, ``s13_rules``, ...)."""
        key = "t:" + name
        if key not in self._cache:
            self._cache[key] = self.tree.table(self.path(name), self.date)
        return self._cache[key]

    def row_codes(self, name: str, column: str = "hs") -> list[HsSet]:
        """The code set of every row of a table (one HsSet per row, in row order)."""
        key = f"rc:{name}:{column}"
        if key not in self._cache:
            self._cache[key] = [HsSet.parse(str(c).split()) for c in self.table(name)[column]]
        return self._cache[key]

    def table_codes(self, name: str) -> HsSet:
        """The HS codes (column ``hs6``) of a part table as one code set."""
        key = "tc:" + name
        if key not in self._cache:
            self._cache[key] = HsSet.parse(sorted(set(self.table(name)["hs6"])))
        return self._cache[key]


_LAWS: dict[tuple[int, str], tuple[Any, AutoLaw]] = {}
_MAX_CACHED = 64


def auto_law(tree: Any, date: dt.date | str) -> AutoLaw:
    """A cached :class:`AutoLaw` for (tree, date): trees are immutable, so reads can be shared.

    The cache holds the tree itself, so its ``id`` cannot be reused while the entry lives.
    """
    key = (id(tree), str(date))
    hit = _LAWS.get(key)
    if hit is not None and hit[0] is tree:
        return hit[1]
    if len(_LAWS) >= _MAX_CACHED:
        _LAWS.pop(next(iter(_LAWS)))
    law = AutoLaw(tree, date)
    _LAWS[key] = (tree, law)
    return law
