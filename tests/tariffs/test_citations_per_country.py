"""Every (measure, country, date) of the US measures cites that country's own instrument.

``data/expected_instruments.csv`` lists, for each partner-specific value of a measure component
(a per-partner leaf such as ``us/ieepa/fentanyl/rate/MX``, or a country named in a country list
such as ``exempt_countries``), the instrument its reference must name, with the source that says
so. The walk starts from the measure declarations, so a new by-partner value without a row here
fails, and so does a row that no longer matches a value.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from usmca.law import default_tree
from usmca.tariffs.declared import measure_paths, partner_leaves

T = default_tree()
DATA = Path(__file__).parent / "data" / "expected_instruments.csv"
_COMPONENTS = ("rate", "scope", "exempt_countries", "usmca_treatment", "full_value_scope", "heading")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _expected() -> dict[tuple[str, str, dt.date], str]:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        assert r["source"].startswith("https://"), r
    return {(r["path"], r["country"], dt.date.fromisoformat(r["effective_from"])): r["instrument"] for r in rows}


def _component_paths() -> set[str]:
    """Every component path named by a measure declaration, on any of its dates."""
    out: set[str] = set()
    for decl in measure_paths(T):
        folder = decl.rsplit("/", 1)[0]
        for e in T.parameter(decl).entries:
            spec = {"key": e.value} if isinstance(e.value, str) else dict(e.value)
            names = {k: spec.get(k, k) for k in _COMPONENTS} | {k: v for k, v in spec.items() if k in ("deal", "deal_additive")}
            out |= {v if "/" in v else f"{folder}/{v}" for v in names.values()}
    return out


def _walk() -> list[tuple[str, str, dt.date, str]]:
    """(component path, country, effective date, instrument) of every partner-specific value."""
    found = []
    for comp in sorted(_component_paths()):
        for cc, leaf in sorted(partner_leaves(T, comp).items()):
            for e in T.parameter(leaf).entries:
                found.append((comp, cc, e.effective_from, e.reference.instrument))
        if comp in T.parameters and T.parameter(comp).unit in ("country_codes", "codes"):
            for e in T.parameter(comp).entries:
                for cc in e.value or []:
                    if _COUNTRY.match(str(cc)):
                        found.append((comp, str(cc), e.effective_from, e.reference.instrument))
    return found


def test_every_partner_value_cites_its_own_instrument() -> None:
    expected = _expected()
    walked = _walk()
    assert len(walked) >= 40
    missing = [(p, c, str(d)) for p, c, d, _ in walked if (p, c, d) not in expected]
    assert not missing, f"no expected instrument for {missing[:5]}"
    wrong = [(p, c, str(d), got) for p, c, d, got in walked if expected[(p, c, d)] not in got]
    assert not wrong, wrong
    stale = set(expected) - {(p, c, d) for p, c, d, _ in walked}
    assert not stale, sorted(stale)[:5]


@pytest.mark.parametrize("path, country, date, instrument", [
    ("us/ieepa/fentanyl/rate", "MX", "2025-06-01", "Executive Order 14194"),
    ("us/ieepa/fentanyl/rate", "CA", "2025-09-01", "Executive Order 14325"),
    ("us/reciprocal/deal_autos_all_in", "EU", "2025-10-01", "U.S.-EU Framework"),
])
def test_the_cases_of_the_issue(path: str, country: str, date: str, instrument: str) -> None:
    ref = T.entry(f"{path}/{country}", date).reference
    assert instrument in ref.instrument
    assert "14193" not in ref.instrument if country == "MX" else True
    assert "14345" not in ref.instrument if country == "EU" else True


def test_no_value_under_us_is_shared_by_several_countries() -> None:
    """A mapping keyed by country codes would carry one reference for all of them: not allowed."""
    shared = []
    for p in T.paths("us"):
        if p not in T.parameters:
            continue
        for e in T.parameter(p).entries:
            if isinstance(e.value, dict) and any(_COUNTRY.match(str(k)) for k in e.value):
                shared.append((p, str(e.effective_from)))
    assert not shared, shared
