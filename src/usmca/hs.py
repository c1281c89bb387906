"""Harmonized System codes, levels and code sets: the one HS code-set type of the toolkit.

Used by the rules of origin (the rule language's ``except`` / ``from_only`` lists, law-tree code
lists) and by the US measures (the product scope of a Section 232 action, an IEEPA exemption...).

Spellings accepted (the rule-language contract):

============  ==========  =========================
dotted        digits      level
============  ==========  =========================
``85``        ``85``      chapter (2 digits)
``85.03``     ``8503``    heading (4)
``8501.52``   ``850152``  subheading (6)
``8501.52.10``  ``85015210``  tariff item (8)
``8501.52.10.00`` ``8501521000`` statistical suffix (10)
============  ==========  =========================

A *code set* is a list of codes or inclusive ranges (``"84.07-84.09"``, ``"50-60"``,
``"2009.11-2009.39"``); both ends of a range have the same level. A code belongs to a range when
its prefix at the range's level lies between the two ends (General Rules for the Interpretation of
the HS; Annex 4-B, Section A, general interpretative notes on headings and subheadings).

Vectorised forms: :meth:`HsSet.contains_array` works on integer codes (a code of ``n`` digits is
stored as the integer of its digits padded on the right to 10 digits together with its length
``n``); :meth:`HsSet.contains_many` works on a pandas Series (or array) of digit strings, as the
HTS lines of the tariff schedule are held.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # numpy and pandas are imported on use (start-up time of `usmca law show`)
    import numpy as np
    import pandas as pd

__all__ = [
    "LEVELS", "SHIFT_LEVEL", "normalize", "normalize_optional", "dotted", "level_name", "HsRange", "HsSet",
    "code_to_int", "codes_to_int", "scope_of", "HEADING_99",
]

LEVELS = {2: "chapter", 4: "heading", 6: "subheading", 8: "tariff item", 10: "statistical suffix"}
#: Number of digits that must change for each tariff-shift keyword of the rule language.
SHIFT_LEVEL = {"CC": 2, "CTH": 4, "CTSH": 6, "CTI": 8, "NONE": 0}
#: a chapter 99 heading as an entry declares it (``--declare 9903.82.06``)
HEADING_99 = r"^99[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"

_DOTTED = re.compile(r"^(\d{2}|\d{2}\.\d{2}|\d{4}\.\d{2}(\.\d{2}(\.\d{2})?)?)$")
_DIGITS = re.compile(r"^\d+$")


def normalize(code: object) -> str:
    """Digits of an HS code from its dotted or undotted spelling.

    Parameters
    ----------
    code
        ``"8501.52"``, ``"850152"``, ``"85.03"``, ``"8501.52.10"``, ``85`` (int), ...

    Returns
    -------
    str
        The digits (length 2, 4, 6, 8 or 10).

    Raises
    ------
    ValueError
        When the spelling is not an HS code; the message says why.
    """
    if isinstance(code, bool) or code is None:
        raise ValueError("not an HS code")
    if isinstance(code, int):
        code = str(code)
        if len(code) % 2:
            code = "0" + code
    if not isinstance(code, str):
        raise ValueError("not an HS code (expected a string such as '8501.52')")
    s = code.strip()
    if not s:
        raise ValueError("empty HS code")
    if _DIGITS.match(s):
        if len(s) not in LEVELS:
            raise ValueError("an HS code has 2, 4, 6, 8 or 10 digits")
        return s
    if " " in s:
        s = s.replace(" ", "")
    if not _DOTTED.match(s):
        raise ValueError("not an HS code (expected e.g. '85', '85.03', '8501.52', '8501.52.10')")
    return s.replace(".", "")



def normalize_optional(code: Any) -> str | None:
    """:func:`normalize`, passing ``None`` through; a bad code raises a plain ``ValueError`` (for
    pydantic validators, which turn it into a message naming the field)."""
    if code is None:
        return None
    try:
        return normalize(code)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


def dotted(digits: str) -> str:
    """Canonical dotted spelling of a code given by its digits (``"850152"`` -> ``"8501.52"``)."""
    d = normalize(digits)
    if len(d) == 2:
        return d
    if len(d) == 4:
        return f"{d[:2]}.{d[2:]}"
    return ".".join([d[:4]] + [d[i:i + 2] for i in range(4, len(d), 2)])


def level_name(digits: str) -> str:
    """``"chapter"``, ``"heading"``, ... for a code's number of digits."""
    return LEVELS[len(digits)]


def code_to_int(digits: str) -> int:
    """The integer of a code's digits padded to 10 digits on the right."""
    return int(digits.ljust(10, "0"))


def codes_to_int(codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Vector form of codes: (padded integers int64, lengths int8)."""
    import numpy as np  # noqa: PLC0415 - on use (start-up time)

    ints = np.fromiter((code_to_int(c) for c in codes), dtype=np.int64, count=len(codes))
    lens = np.fromiter((len(c) for c in codes), dtype=np.int8, count=len(codes))
    return ints, lens


@dataclass(frozen=True)
class HsRange:
    """An inclusive range of codes at one level (a single code is a range of one)."""

    lo: str
    hi: str

    @property
    def level(self) -> int:
        return len(self.lo)

    @classmethod
    def parse(cls, text: object) -> "HsRange":
        """Parse ``"84.07-84.09"``, ``"50-60"``, ``"8504.40"``, ``"72"``."""
        if isinstance(text, str) and "-" in text:
            a, _, b = text.partition("-")
            lo, hi = normalize(a), normalize(b)
            if len(lo) != len(hi):
                raise ValueError(f"both ends of the range {text!r} must be of the same level")
            if lo > hi:
                raise ValueError(f"range {text!r} runs backwards")
            return cls(lo, hi)
        d = normalize(text)
        return cls(d, d)

    def contains(self, digits: str) -> bool | None:
        """Whether the code lies in the range; ``None`` when the code is too short to tell.

        A code shorter than the range's level belongs to it for sure when the whole span of
        codes it covers lies inside, is outside for sure when no code it covers lies inside,
        and is undetermined otherwise.
        """
        n = self.level
        if len(digits) >= n:
            p = digits[:n]
            return self.lo <= p <= self.hi
        m = len(digits)
        lo_p, hi_p = self.lo[:m], self.hi[:m]
        if digits < lo_p or digits > hi_p:
            return False
        # covered span of ``digits`` at level n: digits+"00..." .. digits+"99..."
        span_lo, span_hi = digits.ljust(n, "0"), digits.ljust(n, "9")
        if self.lo <= span_lo and span_hi <= self.hi:
            return True
        return None

    def __str__(self) -> str:
        return dotted(self.lo) if self.lo == self.hi else f"{dotted(self.lo)}-{dotted(self.hi)}"


@dataclass(frozen=True)
class HsSet:
    """A union of code ranges (the ``except`` / ``from_only`` lists and the law-tree code lists)."""

    ranges: tuple[HsRange, ...] = ()

    @classmethod
    def parse(cls, items: Iterable[object] | str | None) -> "HsSet":
        """Parse a list of codes/ranges, or one space-separated string of them."""
        if items is None:
            return cls(())
        if isinstance(items, str):
            items = items.split()
        return cls(tuple(HsRange.parse(x) for x in items))

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def contains(self, digits: str) -> bool | None:
        """True if in some range, False if in none, None if undetermined for a short code.

        A code at least as long as every range's level is decided by one set look-up per level
        of single codes and a comparison per proper range; a shorter code is checked range by
        range (it may be undetermined).
        """
        singles, ranges = self._by_length
        m = len(digits)
        if m >= self._deepest:
            for n, group in singles:
                if digits[:n] in group:
                    return True
            return any(lo <= digits[:n] <= hi for n, lo, hi in ranges)
        undetermined = False
        for r in self.ranges:
            c = r.contains(digits)
            if c:
                return True
            if c is None:
                undetermined = True
        return None if undetermined else False

    def contains_array(self, ints: np.ndarray, lens: np.ndarray, undetermined: bool = True) -> np.ndarray:
        """Vectorised membership; an undetermined short code counts as member (the conservative
        reading) unless ``undetermined`` is False, when only sure members count.

        Parameters
        ----------
        ints, lens
            Codes in the form of :func:`codes_to_int`.
        """
        import numpy as np  # noqa: PLC0415 - on use (start-up time)

        out = np.zeros(ints.shape, dtype=bool)
        for r in self.ranges:
            n = r.level
            scale = 10 ** (10 - n)
            lo, hi = int(r.lo), int(r.hi)
            long_enough = lens >= n
            p = ints // scale
            out |= long_enough & (p >= lo) & (p <= hi)
            # short codes: member (or undetermined) when their span overlaps the range; surely a
            # member when the whole span lies inside
            span_hi = p + (10 ** np.maximum(n - lens.astype(np.int64), 0) - 1)
            if undetermined:
                out |= (~long_enough) & (p <= hi) & (span_hi >= lo)
            else:
                out |= (~long_enough) & (p >= lo) & (span_hi <= hi)
        return out

    @functools.cached_property
    def _deepest(self) -> int:
        """The longest level among the ranges (0 for the empty set)."""
        return max((r.level for r in self.ranges), default=0)

    @functools.cached_property
    def _by_length(self) -> tuple[tuple[tuple[int, frozenset[str]], ...], tuple[tuple[int, str, str], ...]]:
        """Single codes grouped by length (for ``isin``) and the proper ranges (computed once)."""
        singles: dict[int, set[str]] = {}
        ranges: list[tuple[int, str, str]] = []
        for r in self.ranges:
            if r.lo == r.hi:
                singles.setdefault(r.level, set()).add(r.lo)
            else:
                ranges.append((r.level, r.lo, r.hi))
        return tuple((n, frozenset(v)) for n, v in sorted(singles.items())), tuple(ranges)

    def contains_many(self, codes: "pd.Series | np.ndarray | Sequence[str]", ints: "np.ndarray | None" = None) -> np.ndarray:
        """Vectorised membership of digit strings (HTS lines): a boolean mask.

        A line of digits :math:`d` belongs when, for some range :math:`[lo, hi]` of level
        :math:`L`, :math:`d` has at least :math:`L` digits and :math:`lo \\le d_{1..L} \\le hi`
        (digit strings of equal length compare as numbers). A line shorter than a range's level
        does not belong to it (unlike :meth:`contains`, which says "undetermined"): a measure
        covers only the lines its scope names.

        Parameters
        ----------
        codes
            Digit strings (``"8703230190"``), as a pandas Series, a numpy array or a list.
        ints
            :func:`ten_digit_ints` of ``codes`` when the caller tests the same codes against many
            sets (computed here otherwise).
        """
        import numpy as np  # noqa: PLC0415 - on use: `usmca law show` starts without numpy and pandas
        import pandas as pd  # noqa: PLC0415 - (benchmarks/bench_startup.py)

        s = codes if isinstance(codes, pd.Series) else pd.Series(np.asarray(codes, dtype=object), dtype=object)
        mask = np.zeros(len(s), dtype=bool)
        if not len(s):
            return mask
        if ints is None:
            ints = ten_digit_ints(s)
        if ints is not None:  # every line has 10 digits: integer prefixes, no string slicing
            singles, ranges = self._by_length
            for n, group in singles:
                mask |= np.isin(ints // 10 ** (10 - n), np.fromiter((int(g) for g in group), dtype=np.int64))
            for n, lo, hi in ranges:
                pre = ints // 10 ** (10 - n)
                mask |= (pre >= int(lo)) & (pre <= int(hi))
            return mask
        lengths = s.str.len().to_numpy()
        singles, ranges = self._by_length
        for n, group in singles:
            mask |= (lengths >= n) & s.str[:n].isin(group).to_numpy()
        for n, lo, hi in ranges:
            pre = s.str[:n]
            mask |= (lengths >= n) & ((pre >= lo) & (pre <= hi)).to_numpy()
        return mask

    def __str__(self) -> str:
        return ", ".join(str(r) for r in self.ranges)


def ten_digit_ints(codes: "pd.Series | np.ndarray | Sequence[str]") -> "np.ndarray | None":
    """The codes as int64 when every one is a string of exactly 10 digits, else ``None``."""
    import numpy as np  # noqa: PLC0415 - on use (start-up time)

    try:
        u = np.asarray(codes, dtype=object).astype("U")
    except (TypeError, ValueError):
        return None
    if len(u) and (u.dtype.itemsize != 40 or not bool(np.all(np.char.str_len(u) == 10))
                   or not bool(np.all(np.char.isdigit(u)))):
        return None
    return u.astype(np.int64)


@functools.lru_cache(maxsize=256)
def _compiled(codes: tuple[str, ...]) -> HsSet:
    return HsSet.parse(c.replace(" ", "") for c in codes)


def scope_of(codes: Sequence[str] | None) -> HsSet | None:
    """The code set of a list of codes and ranges from the law tree (``None``: every product).

    Parsed once per distinct list (the law tree's lists are immutable); a bad spelling raises
    ``ValueError`` naming it.
    """
    return None if codes is None else _compiled(tuple(str(c) for c in codes))
