"""The HS nomenclature of a date: is an HS code a real subheading on the BOM's date?

A bill of materials names goods and materials by HS code; the tariff-shift tests of Annex 4-B
(USMCA Art. 4.2(b); Annex 4-B Section A) compare those codes, so a code that does not exist in the
Harmonized System in force on the BOM's date (``0000.00``, ``9999.99``) or that is too short for
the test (``84`` where a subheading is needed) cannot be tested and is a user error (exit 2).

Rules applied by :func:`check_code`:

* the good's code must have 6, 8 or 10 digits (a subheading or a national line under it: the
  product-specific rule is looked up by it); a material's may also be a chapter or heading
  (2 or 4 digits), as far as the rule's tariff shift needs, but must exist;
* its chapter must be an HS chapter in use (01-97 without 77; 98-99 are US national provisions);
* when the date falls in the period of a packaged edition (``provenance.yaml``: HS 2022 from
  2022-01-01 to 2027-12-31), its first six digits must be a subheading of that edition. Digits
  beyond six are national (HTSUS, TIGIE, Canadian tariff) and are not checked: the three parties'
  national lines differ, the HS6 is common to all.
* on other dates (HS 2017 before 2022, HS 2028 from 2028) only the length and chapter are checked:
  that edition is not packaged.

>>> from usmca.origin.psr import nomenclature
>>> nomenclature.is_subheading("8501.52", "2025-03-01")
True
>>> nomenclature.is_subheading("9999.99", "2025-03-01")
False
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import yaml

from usmca.errors import UserInputError

from .nomenclature_build import PACKAGE_DIR

__all__ = ["edition", "subheadings", "headings", "is_subheading", "check_code", "check_bom"]

_CHAPTERS = frozenset(f"{c:02d}" for c in range(1, 98) if c != 77)


@functools.lru_cache(maxsize=1)
def edition() -> dict[str, Any]:
    """The provenance of the packaged nomenclature (edition, period in force, files read)."""
    with open(PACKAGE_DIR / "provenance.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.lru_cache(maxsize=1)
def subheadings() -> frozenset[str]:
    """The HS6 subheadings (digits) of the packaged edition."""
    with open(PACKAGE_DIR / "hs2022_hs6.csv", encoding="utf-8") as fh:
        lines = fh.read().split()
    return frozenset(lines[1:])


def _as_date(date: Any) -> dt.date | None:
    if date is None:
        return None
    if isinstance(date, dt.date):
        return date
    return dt.date.fromisoformat(str(date))


@functools.lru_cache(maxsize=1)
def _period() -> tuple[dt.date, dt.date]:
    ed = edition()
    return dt.date.fromisoformat(str(ed["in_force_from"])), dt.date.fromisoformat(str(ed["in_force_until"]))


def _covered(date: dt.date | None) -> bool:
    lo, hi = _period()
    return lo <= (date or dt.date.today()) <= hi


@functools.lru_cache(maxsize=1)
def headings() -> frozenset[str]:
    """The HS headings (4 digits) of the packaged edition."""
    return frozenset(c[:4] for c in subheadings())


def _problem(code: Any, date: Any, min_digits: int = 6) -> str | None:
    """Why ``code`` is not an existing HS code of the level needed on ``date`` (``None``: it is)."""
    text = str(code).strip()
    digits = text.replace(".", "")
    lengths = (2, 4, 6, 8, 10) if min_digits == 2 else (6, 8, 10)
    if len(digits) not in lengths or not digits.isdigit():
        if min_digits == 2:
            return "an HS code of 2, 4, 6, 8 or 10 digits is needed (e.g. 8501.52)"
        return "an HS subheading of 6 digits is needed for the good (e.g. 8501.52); a chapter or heading cannot be tested"
    if digits[:2] not in _CHAPTERS:
        return f"chapter {digits[:2]} is not an HS chapter (01-97, 77 reserved)"
    d = _as_date(date)
    if not _covered(d):
        return None  # an edition not packaged: length and chapter checked only
    ed = edition()
    on = f"in the {ed['edition']} nomenclature in force on {(d or dt.date.today()).isoformat()}"
    if len(digits) == 4 and digits not in headings():
        return f"heading {digits[:2]}.{digits[2:]} does not exist {on}"
    if len(digits) >= 6 and digits[:6] not in subheadings():
        return f"subheading {digits[:4]}.{digits[4:6]} does not exist {on}"
    return None


def is_subheading(code: Any, date: Any = None) -> bool:
    """Whether ``code`` names an existing HS subheading on ``date`` (default today)."""
    return _problem(code, date) is None


def check_code(code: Any, date: Any, source: str, field: str, *, min_digits: int = 6) -> None:
    """Raise :class:`UserInputError` naming ``field`` when ``code`` is not a subheading on ``date``.

    ``min_digits=2`` also accepts a chapter or heading (a material, or a supplier's statement of the
    classification of non-originating materials, UR s. 9(7), may be classified only as far as the
    rule's tariff shift needs: a change of chapter needs two digits).
    """
    why = _problem(code, date, min_digits)
    if why is not None:
        raise UserInputError(source, field, _shown(code), why)


def _shown(code: Any) -> str:
    """The code as a user writes it (``850152`` -> ``8501.52``; other spellings unchanged)."""
    s = str(code).strip()
    if s.isdigit() and len(s) in (4, 6, 8, 10):
        return ".".join([s[:4]] + [s[i:i + 2] for i in range(4, len(s), 2)]) if len(s) > 4 else f"{s[:2]}.{s[2:]}"
    return s


def check_bom(bom: Any, source: str, prefix: str = "") -> None:
    """Check every HS code of a :class:`usmca.origin.bom.Bom` against the nomenclature of its date.

    Checked: ``good.hs``, each material's ``hs`` (nested materials too) and the
    ``non_originating_hs`` of a ``tariff_classification`` supplier statement (UR s. 9(7)).
    """
    date = bom.good.date
    check_code(bom.good.hs, date, source, f"{prefix}good.hs")

    def walk(mats: Any, path: str) -> None:
        for i, m in enumerate(mats):
            here = f"{path}materials[{i}]"
            if m.hs is not None:
                check_code(m.hs, date, source, f"{here}.hs", min_digits=2)
            st = m.supplier_statement
            for k, c in enumerate(getattr(st, "non_originating_hs", None) or []):
                check_code(c, date, source, f"{here}.supplier_statement.non_originating_hs[{k}]", min_digits=2)
            walk(m.materials, f"{here}.")

    walk(bom.materials, prefix)
