"""Section 232 metals scopes at the legal line level: 2025 derivative lists and the 2026 annexes.

Cases read the law tree through the vectorised engine (``usmca.tariffs.measures.evaluate`` and the
all-in rule of ``usmca.tariffs.deals``); the expected values follow from the instruments cited in
``us/section232/*/scope.csv`` and ``us/actions``, not from the engine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from usmca.law import default_tree
from usmca.tariffs.deals import apply_deals
from usmca.tariffs.measures import Goods, evaluate

T = default_tree()
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "usmca" / "data" / "package"


def _rates(hts: str, origin: str, date: str, claim: bool = False, col1: float = 0.0) -> dict[str, float]:
    goods = Goods(np.array([hts], dtype=object), np.array([origin], dtype=object))
    when = dt.date.fromisoformat(date)
    ev = evaluate(goods, when, np.array([claim]), T)
    apply_deals(ev, goods, when, T, np.array([col1]))
    return {k: float(r[0]) for k, r in ev.rate.items() if r[0] > 0}


def _rows(path: str) -> pd.DataFrame:
    return T.tables[path].frame()


@pytest.mark.parametrize(("hts", "date", "expected"), [
    ("3208100000", "2025-08-17", {}),                                   # paint: not yet a derivative
    ("3208100000", "2025-08-18", {"section232_steel": 50.0}),           # BIS inclusions round (FR 2025-15819)
    ("3208100000", "2026-04-06", {}),                                   # Annex II: removed
    ("7318154000", "2025-03-11", {}),                                   # screws: not a 2018 steel article
    ("7318154000", "2025-03-12", {"section232_steel": 25.0}),           # Proclamation 10896 annex (U.S. note 16)
    ("7318154000", "2026-05-01", {"section232_steel": 50.0}),           # Annex I-A: 50% on the full value
    ("8418100010", "2026-05-01", {"section232_metals_annex_1b": 25.0}),  # U.S. note 16(c)(vi)-(vii): 8418.10.00
    ("8516500000", "2026-05-01", {}),     # microwave ovens: a 6-digit row of the annex as transcribed, no line of note 16(c)
])
def test_derivative_lists_by_date(hts: str, date: str, expected: dict[str, float]) -> None:
    # a USMCA claim takes the IEEPA and Section 122 duties off; Section 232 metals have no USMCA exemption
    assert _rates(hts, "MX", date, claim=True) == expected


def test_a_line_on_both_lists_pays_one_metal_duty() -> None:
    # 9403.20.00 is in U.S. note 16 (steel) and note 19 (aluminum): the duties fall on disjoint contents
    assert _rates("9403200011", "CA", "2025-07-31") == {"section232_steel": 50.0}


def test_annex_three_is_an_all_in_rate_for_every_origin() -> None:
    # 8483.90.20 (Annex III): column 1 plus the duty is 15% (HTSUS 9903.82.10), claimed or not, any origin
    assert _rates("8483902000", "MX", "2026-05-01", claim=True, col1=0.0) == {"section232_metals_annex_3": 15.0}
    assert _rates("8483902000", "DE", "2026-05-01", col1=4.5) == {"section232_metals_annex_3": pytest.approx(10.5)}
    assert _rates("8483902000", "MX", "2026-05-01", col1=15.0) == {}       # 9903.82.11: no change


def test_a_provision_follows_its_list_of_the_day() -> None:
    # 8479.89.55 (trash compactors) is in U.S. note 16(c)(vii) (25%) until 2026-06-07 and in (x) (15% all-in) from
    # 2026-06-08 (Proclamation 11032, HTSUS 2026 Revision 10); 8479.89.95.99 is in (ix) on both dates; other lines
    # of 8479.89 are in no list (the 6-digit Annex III row once transcribed here was broader than the note)
    assert _rates("8479895500", "MX", "2026-06-07", claim=True) == {"section232_metals_annex_1b": 25.0}
    assert _rates("8479895500", "MX", "2026-06-08", claim=True, col1=2.8) == {"section232_metals_annex_3": pytest.approx(12.2)}
    assert _rates("8479899599", "MX", "2026-05-01", claim=True) == {"section232_metals_annex_3": 15.0}
    assert _rates("8479898000", "MX", "2026-05-01", claim=True) == {}


def test_inclusions_round_rows_and_sources() -> None:
    for path, n in (("us/section232/steel/scope", 389), ("us/section232/aluminum/scope", 120)):
        rows = _rows(path)
        aug = rows[rows["effective_from"] == "2025-08-18"]
        assert len(aug) == n
        assert set(aug["url"]) == {"https://www.govinfo.gov/content/pkg/FR-2025-08-19/html/2025-15819.htm"}


@pytest.mark.parametrize(("path", "edition"), [
    ("us/section232/steel/scope", "hts_2025_rev_32"), ("us/section232/aluminum/scope", "hts_2025_rev_32"),
    ("us/section232/annex_1b/scope", "hts_2026_rev_10"), ("us/section232/annex_3/scope", "hts_2026_rev_10"),
    ("us/section232/mobile_equipment/scope", "hts_2026_rev_10"),
])
def test_listed_lines_exist_in_the_embedded_hts(path: str, edition: str) -> None:
    lines = pd.read_csv(PACKAGE / f"{edition}.csv.gz", dtype=str, usecols=["hts"])["hts"]
    basic = pd.read_csv(PACKAGE / f"{edition[:9]}basic.csv.gz", dtype=str, usecols=["hts"])["hts"]
    prefixes = {h[:k] for h in pd.concat([lines, basic]) for k in range(4, len(h) + 1)}
    codes = [c.replace(".", "") for c in _rows(path)["hts"] if "-" not in c]
    missing = [c for c in codes if c not in prefixes]
    assert not missing, missing


@pytest.mark.parametrize(("hts", "claim", "expected"), [
    ("4011201015", False, {"section232_mhd_parts": 25.0}),      # bus and truck tyres, U.S. note 38(i)
    ("4011201015", True, {}),                                     # USMCA-eligible part: 9903.74.10
    ("8708305090", False, {"section232_mhd_parts": 25.0}),      # brakes: also an automobile part, counted once
])
def test_medium_and_heavy_duty_vehicle_parts(hts: str, claim: bool, expected: dict[str, float]) -> None:
    assert _rates(hts, "MX", "2025-12-01", claim=claim) == expected
    assert _rates(hts, "MX", "2025-10-31", claim=claim).get("section232_mhd_parts") is None
