"""Each measure's rate equals the rate printed on its chapter 99 heading in the HTS editions in hand.

The heading of a measure (``heading``, per partner where the measure is) is a law-tree parameter;
its rate text ("The duty provided in the applicable subheading + 25%") is read from the USITC JSON
editions in ../shared and compared with the law tree's rate on a date the edition was in force.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re

import pytest

from usmca.law import default_tree
from usmca.tariffs.declared import declared

T = default_tree()
#: edition -> a date on which it was in force (2025 Revision 32: the last of 2025; 2026 Revision 10
#: carries the Section 122 heading and the 2026-04-06 metals headings, so it is in force after both)
EDITIONS = {"hts_2025_rev_32": dt.date(2025, 12, 31), "hts_2026_basic": dt.date(2026, 1, 1),
            "hts_2026_rev_10": dt.date(2026, 6, 30)}
_PCT = re.compile(r"\+\s*(?:a duty of\s*)?(\d+(?:\.\d+)?)\s*%")


def _chapter99(shared_data, edition: str) -> dict[str, str]:  # noqa: ANN001
    with gzip.open(shared_data / "us_tariffs" / "hts" / f"{edition}.json.gz") as fh:
        return {r["htsno"]: r.get("general") or "" for r in json.load(fh) if str(r.get("htsno", "")).startswith("99")}


def _pairs(date: dt.date) -> list[tuple[str, str, str, float]]:
    """(measure, partner or '*', heading, rate) of every measure with a heading on ``date``."""
    out = []
    for m in declared(T, date):
        h = m.heading
        if h is None:
            continue
        if h.by_partner is None:
            out.append((m.key, "*", str(h.uniform), float(m.rate.uniform)))
            continue
        for cc, heading in h.by_partner.items():
            rate, _ = m.rate.for_partner(cc)
            if rate is not None:
                out.append((m.key, cc, str(heading), float(rate)))
    return out


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_rates_match_the_chapter99_headings(shared_data, edition: str) -> None:  # noqa: ANN001
    lines = _chapter99(shared_data, edition)
    pairs = _pairs(EDITIONS[edition])
    assert len(pairs) >= 5
    wrong = []
    for key, cc, heading, rate in pairs:
        assert heading in lines, (edition, key, heading)
        m = _PCT.search(lines[heading])
        assert m, (edition, heading, lines[heading])
        if float(m.group(1)) != rate:
            wrong.append((key, cc, heading, rate, lines[heading]))
    assert not wrong, wrong


def test_the_check_can_fail(shared_data) -> None:  # noqa: ANN001
    lines = _chapter99(shared_data, "hts_2025_rev_32")
    assert float(_PCT.search(lines["9903.01.01"]).group(1)) != 35.0   # Mexico's heading is not Canada's rate
