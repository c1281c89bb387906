"""HS 2017 codes printed in General Note 11(o), read on the HS 2022 nomenclature of a BOM's date.

General Note 11(o) (USMCA Annex 4-B) was written on HS 2017; some rules still print subheadings
that HS 2022 split or renumbered (9401.90, 9405.10-9405.60, 2853.00, 5703.20, 8459.40 ...). The
text stays as the law wrote it; for a bill of materials dated in the HS 2022 period the library
needs the HS 2022 subheadings that replaced the printed ones. This module gives them only where the
succession is mechanical and can be checked against the packaged HS 2022 list
(:mod:`.nomenclature`), never by guess:

* a printed subheading that still exists in HS 2022 is itself;
* ``XXXX.00`` (a heading not subdivided in HS 2017) that is gone in HS 2022 is the whole heading
  ``XX.XX`` when that heading exists (HS 2022 split 2853.00 into 2853.10 and 2853.90);
* ``XXXX.Y0`` (a one-dash subheading) that is gone in HS 2022 is the HS 2022 subheadings
  ``XXXX.Y1``-``XXXX.Y9`` of the same five-digit stem, when there are any (9401.90 -> 9401.91,
  9401.99: the HS 2022 amendment split the one-dash subheading into two-dash ones, and the new
  codes carry its stem);
* anything else (a deleted heading such as 8107 or 8803, a renumbered subheading such as 3402.11,
  a deleted two-dash subheading such as 6812.92) has no mechanical successor: ``None``, and the rule
  stays cut off with its reason.

A range ``A-B`` is read as the HS 2022 codes from the first successor of ``A`` to the last
successor of ``B`` (both ends must have one). Headings, chapters and national tariff items are kept
when their heading (tariff item: its subheading) exists in HS 2022.

>>> from usmca.origin.psr.succession import successors
>>> successors("9401.90")
['9401.91', '9401.99']
>>> successors("2853.00")
['28.53']
"""

from __future__ import annotations

import re
from typing import Any

from . import nomenclature

__all__ = ["successors", "read_code", "read_codes", "text_on_hs2022", "dated_pair"]


def _dot6(d: str) -> str:
    return f"{d[:4]}.{d[4:6]}"


def successors(code: str) -> list[str] | None:
    """The HS 2022 code(s) that replaced a printed HS 2017 subheading (see the module docstring).

    Parameters
    ----------
    code
        A subheading, dotted or digits (``"9401.90"``).

    Returns
    -------
    list of str or None
        Canonical codes (subheadings ``"9401.91"`` or a heading ``"28.53"``); ``None`` when no
        mechanical successor exists.
    """
    d = code.replace(".", "")
    if len(d) != 6 or not d.isdigit():
        raise ValueError(f"{code!r} is not a subheading")
    hs6 = nomenclature.subheadings()
    if d in hs6:
        return [_dot6(d)]
    if d.endswith("00"):
        return [f"{d[:2]}.{d[2:4]}"] if d[:4] in nomenclature.headings() else None
    if d.endswith("0"):
        new = sorted(s for s in hs6 if s[:5] == d[:5])
        return [_dot6(s) for s in new] or None
    return None


def _ends(code: str) -> tuple[str, str] | None:
    """First and last HS 2022 subheading (6 digits) replacing a printed subheading."""
    got = successors(code)
    if got is None:
        return None
    subs = sorted(s for s in nomenclature.subheadings()
                  if any(s.startswith(g.replace(".", "")) for g in got))
    return (subs[0], subs[-1]) if subs else None


def read_code(code: str) -> str | None:
    """One canonical code or range of the rule language read on HS 2022 (``None``: no successor).

    >>> read_code("9405.10-9405.40")
    '9405.11-9405.49'
    """
    if "-" in code:
        a, _, b = code.partition("-")
        da, db = a.replace(".", ""), b.replace(".", "")
        if len(da) != 6 or len(db) != 6:
            return code if all(read_code(x) == x for x in (a, b)) else None
        lo, hi = _ends(a), _ends(b)
        if lo is None or hi is None:
            return None
        return f"{_dot6(lo[0])}-{_dot6(hi[1])}"
    d = code.replace(".", "")
    if len(d) == 2:
        return code
    if len(d) == 4:
        return code if d in nomenclature.headings() else None
    if len(d) == 6:
        got = successors(code)
        if got is None:
            return None
        if len(got) == 1:
            return got[0]
        return f"{got[0]}-{got[-1]}"
    return code if d[:6] in nomenclature.subheadings() else None  # a national tariff item


def read_codes(codes: list[str]) -> tuple[list[str], list[str]] | None:
    """A list of codes read on HS 2022, with one note per code that changed (``None``: unmappable)."""
    out: list[str] = []
    changed: list[str] = []
    for c in codes:
        new = read_code(c)
        if new is None:
            return None
        if new != c:
            changed.append(f"{c} -> {new}")
        out.append(new)
    return out, changed


_RANGE = re.compile(r"\b(\d{4}\.\d{2}) through (\d{4}\.\d{2})\b(?!\.\d)")
_CODE = re.compile(r"(?<![\d.])(\d{4}\.\d{2})(?![\d.]\d)")


def text_on_hs2022(text: str) -> tuple[str, list[str]] | None:
    """A rule's legal text with each printed subheading missing from HS 2022 replaced by its successors.

    ``"from subheading 9401.90"`` -> ``"from subheading 9401.91 through 9401.99"``; a range
    ``"9405.10 through 9405.40"`` -> ``"9405.11 through 9405.49"``. The text is then read by the
    same importer as every other rule, so the rule's scope, its exceptions and the complements of
    "from X, whether or not ..." follow the HS 2022 codes. ``None`` when a code has no successor.

    Returns
    -------
    tuple or None
        ``(text, changes)`` with one ``"printed -> read"`` note per replaced code.
    """
    hs6 = nomenclature.subheadings()
    changes: list[str] = []
    missing: list[str] = []

    def ends(code: str) -> tuple[str, str] | None:
        got = _ends(code)
        if got is None:
            missing.append(code)
        return got

    def rng(m: re.Match[str]) -> str:
        a, b = m.groups()
        if a.replace(".", "") in hs6 and b.replace(".", "") in hs6:
            return m.group(0)
        lo, hi = ends(a), ends(b)
        if lo is None or hi is None:
            return m.group(0)
        new = f"{_dot6(lo[0])} through {_dot6(hi[1])}"
        changes.append(f"{a}-{b} -> {new.replace(' through ', '-')}")
        return new

    def one(m: re.Match[str]) -> str:
        c = m.group(1)
        if c.replace(".", "") in hs6:
            return c
        e = ends(c)
        if e is None:
            return c
        new = _dot6(e[0]) if e[0] == e[1] else f"{_dot6(e[0])} through {_dot6(e[1])}"
        changes.append(f"{c} -> {new.replace(' through ', '-')}")
        return new

    out = _CODE.sub(one, _RANGE.sub(rng, text))
    return None if missing else (out, changes)


def dated_pair(printed: dict[str, Any], read: dict[str, Any]) -> list[dict[str, Any]]:
    """The two library entries of a rule printed with HS 2017 codes.

    ``printed`` (the codes as the law wrote them) applies to a BOM dated before the packaged HS 2022
    edition entered into force (``nomenclature/provenance.yaml``: 2022-01-01), ``read`` (the HS 2022
    successors, :func:`text_on_hs2022`) from that date: a lookup follows the nomenclature of the BOM's date.
    """
    start = str(nomenclature.edition()["in_force_from"])
    if printed.get("effective_from") or printed.get("effective_to"):
        raise ValueError(f"{printed['id']}: a dated rule cannot also be split by nomenclature")
    old = dict(printed, id=f"{printed['id']}/HS2017", effective_to=start,
               reference=dict(printed["reference"], nomenclature="HS 2017 (codes as printed)"))
    new = dict(read, effective_from=start,
               reference=dict(read["reference"], nomenclature="HS 2022 (successors of the printed codes)"))
    return [old, new]
