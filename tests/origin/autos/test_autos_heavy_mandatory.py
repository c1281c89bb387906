"""SOR/2020-155 s. 15(4): an engine (84.07/84.08), a gear box (8708.40) or a chassis (8708.99) for a
heavy truck is originating only if it meets the Table D RVC: no shift-only alternative.

Gear boxes and chassis are goods of 87.08, whose rules come from the s. 13 table; engines come from
the PSR library with the Appendix threshold, the shift-only alternatives dropped (the list of codes
is the law parameter ``heavy_truck/rvc_mandatory_parts_hs``)."""

from __future__ import annotations

import pytest

from usmca.law import default_tree
from usmca.origin.autos import automotive_rule

TREE = default_tree()
DAY = "2025-01-01"


@pytest.mark.parametrize("hs", ["8708.40"])
def test_heavy_truck_gear_box_has_only_rvc_alternatives(hs: str) -> None:
    alts = automotive_rule(hs, "heavy_truck", DAY, TREE)
    assert alts, "8708.40 is in Table D"
    assert all(a.get("rvc") for a in alts), alts
    # the threshold is the Table D net-cost RVC in force on the day (64% from 2024-07-01)
    assert {a["rvc"]["nc"] for a in alts} == {TREE.at("usmca/ch04_appendix_autos/heavy_truck/principal_parts_rvc_nc", DAY)}


def test_other_table_d_parts_keep_their_shift_alternative() -> None:
    alts = automotive_rule("8708.30", "heavy_truck", DAY, TREE)
    assert any(a.get("rvc") is None and a.get("shift") not in (None, "none") for a in alts)


def test_the_list_is_the_law_parameter() -> None:
    assert TREE.at("usmca/ch04_appendix_autos/heavy_truck/rvc_mandatory_parts_hs", DAY) == [
        "84.07", "84.08", "8708.40", "8708.99"]
