"""The HS codes of the US measures' scopes exist in the HTS, and cross-checks with the Budget Lab's lists.

A scope code that names no HTS line (e.g. 8701.20, the road-tractor subheading before the 2022 HS
amendment) silently leaves goods out of a measure. The Budget Lab at Yale's tariff-rate-tracker
lists of the Section 232 copper (9903.78.01) and automobile-parts products are read from
../shared as an independent check of the law tree's scopes (they are never copied into it).
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd

from usmca.law import default_tree
from usmca.tariffs.measures import Goods

T = default_tree()
EDITIONS = ("hts_2025_basic", "hts_2025_rev_32", "hts_2026_basic", "hts_2026_rev_10")


def _lines(shared_data) -> set[str]:  # noqa: ANN001
    out: set[str] = set()
    for ed in EDITIONS:
        with gzip.open(shared_data / "us_tariffs" / "hts" / f"{ed}.json.gz") as fh:
            out |= {str(r["htsno"]).replace(".", "") for r in json.load(fh) if r.get("htsno")}
    return out


#: the first day after the latest HTS edition in hand (2026 Revision 10 covers entries to 2026-06-30)
AFTER_EDITIONS = "2026-07-01"


def _scope_codes() -> list[tuple[str, str]]:
    """(path, code) of every scope code; a table row in force only after the editions in hand names a
    statistical number they cannot show (e.g. the split pharmaceutical lines of 2026-09-29): its
    8-digit subheading is checked instead."""
    out = []
    for p in T.paths("us"):
        if p in T.tables and "hts" in T.tables[p].columns:
            rows = T.table(p)
            late = rows["effective_from"] >= AFTER_EDITIONS if "effective_from" in rows.columns else [False] * len(rows)
            for c, after in zip(rows["hts"], late, strict=True):
                code = str(c).replace(".", "")
                out.append((p, code[:8] if after and "-" not in code else code))
        if p in T.parameters and T.parameter(p).unit == "hs_codes":
            for e in T.parameter(p).entries:
                values = e.value.values() if isinstance(e.value, dict) else [e.value or []]
                for codes in values:
                    for c in codes:
                        out.append((p, str(c).replace(".", "")))
    return out


def test_every_scope_code_names_an_hts_line(shared_data) -> None:  # noqa: ANN001
    lines = _lines(shared_data)
    prefixes = {ln[:k] for ln in lines for k in range(2, len(ln) + 1)}
    def names_a_line(code: str) -> bool:
        if "-" not in code:
            return code in prefixes
        lo, hi = code.split("-")
        return any(lo <= ln[: len(lo)] <= hi for ln in lines if len(ln) >= len(lo))

    missing = [(p, c) for p, c in _scope_codes() if not names_a_line(c)]
    assert not missing, missing


def test_road_tractors_are_medium_and_heavy_duty_vehicles(schedule) -> None:  # noqa: ANN001
    goods = Goods(["8701210015", "8701290080", "8701300000"], ["MX", "MX", "MX"])
    scope = T.at("us/section232/mhd_trucks/scope", "2025-11-01")
    assert list(goods.in_scope(scope)) == [True, True, False]


def _in_scope(path: str, date: str, codes: list[str]) -> np.ndarray:
    return Goods(codes, ["CN"] * len(codes)).in_scope(T.at(path, date))


def test_copper_scope_covers_the_budget_lab_list(shared_data) -> None:  # noqa: ANN001
    yale = pd.read_csv(shared_data / "us_tariffs" / "yale_tariff_rate_tracker" / "s232_copper_products.csv",
                       dtype=str)
    codes = yale["hts10"].str.strip().tolist()
    inside = _in_scope("us/section232/copper/scope", "2025-08-01", codes)
    assert inside.all(), [c for c, ok in zip(codes, inside, strict=True) if not ok]


def test_auto_parts_scope_against_the_budget_lab_list(shared_data) -> None:  # noqa: ANN001
    # the law tree's list is U.S. note 33(g) (130 provisions); the Budget Lab's has 130 lines of Annex I: every line
    # of theirs falls under a provision here, and every provision here has one of their lines under or above it
    path = shared_data / "us_tariffs" / "yale_tariff_rate_tracker" / "s232_auto_parts.txt"
    codes = [ln.strip() for ln in path.read_text().splitlines() if ln.strip().isdigit()]
    assert len(codes) == 130
    inside = _in_scope("us/section232/auto_parts/scope", "2025-05-03", codes)
    assert inside.all(), [c for c, ok in zip(codes, inside, strict=True) if not ok]
    ours = [c.replace(".", "") for c in T.at("us/section232/auto_parts/scope", "2025-05-03")]
    assert len(ours) == 130
    assert all(any(c.startswith(p) or p.startswith(c) for c in codes) for p in ours)
    # the chassis of 8706 are parts (33(g)), not automobiles (33(b))
    assert not _in_scope("us/section232/autos/scope", "2025-05-03", ["8706000340"]).any()


#: chapters of the critical minerals of U.S. note 2(k) (HTSUS 9903.01.13) that the law tree's Canadian
#: energy scope does not list (a documented gap: they pay 25%/35% instead of 10% here)
CRITICAL_MINERAL_CHAPTERS = {"25", "26", "28", "29", "32", "36", "38", "68", "71", "72", "74", "75", "76", "78",
                             "79", "80", "81", "85"}


def test_energy_and_potash_scopes_against_the_budget_lab_list(shared_data) -> None:  # noqa: ANN001
    y = pd.read_csv(shared_data / "us_tariffs" / "yale_tariff_rate_tracker" / "fentanyl_carveout_products.csv",
                    dtype=str)
    for category, cc, date in (("energy_ca", "CA", "2025-03-04"), ("potash_ca", "CA", "2025-03-07"),
                               ("potash_mx", "MX", "2025-03-07")):
        codes = y.loc[y["category"] == category, "hts8"].tolist()
        assert codes, category
        inside = Goods(codes, [cc] * len(codes)).in_scope(T.at(f"us/ieepa/fentanyl/energy_potash_scope/{cc}", date))
        outside = {c for c, ok in zip(codes, inside, strict=True) if not ok}
        assert not any(c.startswith("27") for c in outside), category      # every energy line is in
        assert {c[:2] for c in outside} <= CRITICAL_MINERAL_CHAPTERS, category
        if category.startswith("potash"):
            assert not outside, category


def test_truck_lists_are_the_notes_provisions() -> None:
    # U.S. note 38(b), (c) and (i): 25 truck provisions, 10 bus provisions, 182 parts provisions (the parts list is the
    # Budget Lab's transcription, checked against the note text line by line)
    assert len(T.at("us/section232/mhd_trucks/scope", "2025-11-01")) == 25
    assert len(T.at("us/section232/buses/scope", "2025-11-01")) == 10
    assert len(T.table("us/section232/mhd_parts/scope")) == 182
    # works trucks, concrete mixers and chassis are vehicles of 38(b); a chassis pays the truck duty only (the
    # automobile-parts list also names it)
    assert _in_scope("us/section232/mhd_trucks/scope", "2025-11-01", ["8709110010", "8705400000", "8706000340"]).all()
