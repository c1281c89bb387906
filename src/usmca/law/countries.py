"""Country codes the user gives (``--origin MX``, ``produced_in: MX``, a flow's ``partner``).

A code must be an officially assigned ISO 3166-1 alpha-2 code (the ISO 3166 Maintenance Agency's
list, shipped by :mod:`pycountry`, https://www.iso.org/iso-3166-country-codes.html), or ``XK``
(Kosovo), the user-assigned code the US government uses in its country lists (US Department of
State, https://www.state.gov/independent-states-in-the-world/). User-assigned codes such as ``ZZ``
or ``QQ`` name no country, so a duty or an origin computed for them would be a guess.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from usmca.errors import UserInputError

if TYPE_CHECKING:  # numpy is imported on use: `usmca law show` starts without it (benchmarks/bench_startup.py)
    import numpy as np

__all__ = ["is_country", "check_country", "unknown_countries"]

_EXTRA = frozenset({"XK"})


@functools.lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA


def is_country(code: str) -> bool:
    """True when ``code`` (case-insensitive, stripped) is an assigned ISO 3166-1 alpha-2 code."""
    return str(code).strip().upper() in _codes()


def check_country(code: str, source: str, field: str = "") -> str:
    """The code upper-cased, or a :class:`UserInputError` naming ``source``/``field``."""
    cc = str(code).strip().upper()
    if cc not in _codes():
        raise UserInputError(source, field, code, "not an ISO 3166-1 alpha-2 country code")
    return cc


def unknown_countries(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of the entries of an array of codes that are not country codes (vectorised)."""
    import numpy as np  # noqa: PLC0415

    known = np.array(sorted(_codes()))
    return ~np.isin(np.char.upper(np.char.strip(codes.astype(str))), known)
