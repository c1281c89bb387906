"""HS code lists as written in the legal text, turned into the rule language's code sets.

General Note 11(o) writes code lists in prose: ``"tariff items 2106.90.12, 2106.90.15 or
2106.90.18 or headings 2208 through 2209"``, ``"chapter 4"``, ``"subheadings 8501.32 or 8501.52"``.
This module reads such a phrase into canonical dotted codes and ranges of the rule language
(``"2106.90.12"``, ``"22.08-22.09"``, ``"04"``): the level of each code follows from its number of
digits (2 chapter, 4 heading, 6 subheading, 8 tariff item), a bare one- or two-digit number is a
chapter only after the word "chapter(s)", and ``A through B`` is the inclusive range ``A-B``
(both ends at the same level, as the HS ranges of Annex 4-B, Section A, always are).

It also computes, for the "from X, whether or not there is also a change from any other Y" form,
the complement of a set of codes inside the good's group (see :func:`complement_within`).
"""

from __future__ import annotations

import re

from usmca.hs import dotted

__all__ = ["parse_code_list", "canonical", "digits_of", "complement_within", "is_code_list"]

_TOKEN = re.compile(
    r"(?P<sep>,|;|\bor\b|\band\b|\(\d\)|\d\)(?!\d))"
    r"|(?P<word>chapters?|headings?|subheadings?|tariff\s+items?)"
    r"|(?P<code>\d{1,4}(?:\.\d{2}){0,3})"
    r"|(?P<through>through|to|-|–)"
    r"|(?P<space>\s+)"
)


def digits_of(code: str) -> str:
    """The digits of a code as written in the text (``"2208"`` -> ``"2208"``, ``"4"`` -> ``"04"``)."""
    d = code.replace(".", "")
    return "0" + d if len(d) == 1 else d


def canonical(code: str) -> str:
    """Canonical dotted spelling of a code's digits (``"2208"`` -> ``"22.08"``)."""
    return dotted(digits_of(code))


def is_code_list(text: str) -> bool:
    """Whether ``text`` consists only of level words, codes, "through", commas and "or"."""
    return _scan(text) is not None


def _scan(text: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    pos = 0
    t = text.strip().rstrip(".;:,")
    while pos < len(t):
        m = _TOKEN.match(t, pos)
        if m is None or m.end() == pos:
            return None
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "space":
            out.append((kind, m.group(0)))
    return out


def parse_code_list(text: str) -> list[str]:
    """Codes and ranges of a prose code list, canonical and in the order written.

    Parameters
    ----------
    text
        A phrase such as ``"headings 7208 through 7229 or 7301 through 7326"``.

    Returns
    -------
    list of str
        ``["72.08-72.29", "73.01-73.26"]``.

    Raises
    ------
    ValueError
        If the phrase holds anything but codes, level words, "through", commas and "or"
        (for example a description of goods: "housings of subheading 8467.91").
    """
    tokens = _scan(text)
    if not tokens:
        raise ValueError(f"not a list of HS codes: {text!r}")
    word = ""
    codes: list[str] = []
    pending_range = False
    for kind, tok in tokens:
        if kind == "word":
            word = tok.split()[0].lower().rstrip("s")
        elif kind == "through":
            if not codes or pending_range:
                raise ValueError(f"dangling 'through' in {text!r}")
            pending_range = True
        elif kind == "code":
            d = tok.replace(".", "")
            if len(d) <= 2 and word != "chapter":
                raise ValueError(f"{tok!r} is not an HS code in {text!r}")
            if len(digits_of(tok)) not in (2, 4, 6, 8, 10):
                raise ValueError(f"{tok!r} is not an HS code in {text!r}")
            c = canonical(tok)
            if pending_range:
                lo = codes.pop()
                if len(digits_of(lo)) != len(digits_of(c)):
                    raise ValueError(f"range {lo} through {c} mixes levels in {text!r}")
                codes.append(f"{lo}-{c}")
                pending_range = False
            else:
                codes.append(c)
    if pending_range or not codes:
        raise ValueError(f"incomplete code list: {text!r}")
    return codes


def _bounds(item: str) -> tuple[str, str]:
    lo, _, hi = item.partition("-")
    return digits_of(lo), digits_of(hi or lo)


def complement_within(prefix: str, points: list[str]) -> list[str] | None:
    """Codes of the group ``prefix`` at the level of ``points``, minus ``points``, as ranges.

    Used for the rule form "A change to X from Y, whether or not there is also a change from any
    other heading": a non-originating material passes when it comes from another heading OR from
    ``Y``. When ``Y`` lies inside the good's own heading ``P``, this equals a change of the level
    of ``Y`` except from the rest of ``P``::

        pass(m) = [m_4 != P] or [m in Y]  =  [m_k != g_k] and [m not in P \\ Y]   (k = level of Y)

    Parameters
    ----------
    prefix
        The digits of the good's group (``"8402"``).
    points
        Canonical codes or ranges inside the group, all at one level (``["8402.90"]``).

    Returns
    -------
    list of str or None
        Canonical ranges covering ``P \\ Y`` (``["8402.00-8402.89", "8402.91-8402.99"]``), or
        ``None`` when ``points`` mix levels or leave the group.
    """
    spans = sorted(_bounds(p) for p in points)
    levels = {len(lo) for lo, _ in spans}
    if len(levels) != 1:
        return None
    k = levels.pop()
    extra = k - len(prefix)
    if extra <= 0 or any(not lo.startswith(prefix) or not hi.startswith(prefix) for lo, hi in spans):
        return None
    width = 10 ** extra
    base = int(prefix) * width
    out: list[str] = []
    cursor = base
    for lo, hi in spans:
        a, b = int(lo), int(hi)
        if a > cursor:
            out.append(_range(cursor, a - 1, k))
        cursor = max(cursor, b + 1)
    if cursor <= base + width - 1:
        out.append(_range(cursor, base + width - 1, k))
    return out


def _range(a: int, b: int, k: int) -> str:
    lo, hi = dotted(str(a).zfill(k)), dotted(str(b).zfill(k))
    return lo if lo == hi else f"{lo}-{hi}"
