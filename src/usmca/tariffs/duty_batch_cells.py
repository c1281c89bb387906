"""Parsers of one cell of an entries file (``usmca tariffs duty --file``): each returns the value the
single-line command would take, or raises :class:`~usmca.errors.UserInputError` with the reason the
row is refused (the caller names the row and column)."""

from __future__ import annotations

import re

from usmca.errors import UserInputError
from usmca.hs import HEADING_99

from .schedule import normalise_hts

__all__ = ["_claim", "_declared", "_hts"]

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0", ""}


def _hts(x: str) -> str:
    code = normalise_hts(x)
    if code.startswith("99"):
        raise UserInputError("hts", "", x, "chapter 99 headings are additional duties, not classifications: "
                             "give the chapter 1-98 code of the good")
    return code


_HEADING = re.compile(HEADING_99)


def _declared(x: str) -> frozenset[str]:
    """The chapter 99 headings of a ``declare`` cell (``--declare``): separated by spaces, commas or semicolons."""
    parts = [h for h in re.split(r"[\s,;]+", str(x).strip()) if h]
    for h in parts:
        if not _HEADING.fullmatch(h):
            raise UserInputError("declare", "", x, "chapter 99 headings such as 9903.82.06, separated by spaces")
    return frozenset(parts)


def _claim(x: str) -> bool:
    t = str(x).strip().lower()
    if t in _TRUE or t in _FALSE:
        return t in _TRUE
    raise UserInputError("usmca", "", x, "a USMCA claim is true or false (1/0, yes/no)")
