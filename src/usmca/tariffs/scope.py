"""Product scope of a measure: HS codes and ranges from the law tree, matched by prefix.

A scope is a list such as ``["27", "8703.21-8703.90", "7206-7229"]``: a code covers every HTS line
that starts with its digits; a range ``lo-hi`` covers lines whose prefix of the same length
:math:`L` satisfies :math:`lo \\le p_L \\le hi` (digit strings of equal length compare as numbers).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["Scope", "scope_of"]


@dataclass(frozen=True)
class Scope:
    """Compiled scope: exact prefixes by length and ranges by length."""

    singles: tuple[tuple[int, frozenset[str]], ...]
    ranges: tuple[tuple[int, str, str], ...]

    def contains(self, hts: str) -> bool:
        """True when the digit string ``hts`` is in scope."""
        for length, codes in self.singles:
            if hts[:length] in codes:
                return True
        return any(lo <= hts[:length] <= hi for length, lo, hi in self.ranges)

    def contains_many(self, hts: pd.Series) -> np.ndarray:
        """Vectorised :meth:`contains` over a Series of digit strings."""
        mask = np.zeros(len(hts), dtype=bool)
        for length, codes in self.singles:
            mask |= hts.str[:length].isin(codes).to_numpy()
        for length, lo, hi in self.ranges:
            pre = hts.str[:length]
            mask |= ((pre >= lo) & (pre <= hi)).to_numpy()
        return mask


@functools.lru_cache(maxsize=256)
def _compile(codes: tuple[str, ...]) -> Scope:
    singles: dict[int, set[str]] = {}
    ranges: list[tuple[int, str, str]] = []
    for c in codes:
        c = str(c).replace(".", "").replace(" ", "")
        if "-" in c:
            lo, hi = c.split("-", 1)
            ranges.append((len(lo), lo, hi.ljust(len(lo), "9")[: len(lo)]))
        elif c:
            singles.setdefault(len(c), set()).add(c)
    return Scope(tuple((k, frozenset(v)) for k, v in sorted(singles.items())), tuple(ranges))


def scope_of(codes: Sequence[str] | None) -> Scope | None:
    """Compile a list of codes (``None`` means every product)."""
    return None if codes is None else _compile(tuple(str(c) for c in codes))
