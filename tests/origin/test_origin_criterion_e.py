"""Criterion E: Table 2.10.1 goods imported from a USMCA country (19 U.S.C. 4531(b)(1)(E);
Uniform Regulations s. 3(7) and Schedule 2; worked example s. 3(9) Example 5).

The list is not yet in the law tree (path ``usmca/ch04/table_2_10_1_goods``); the test adds it to
a copy of the tree, with the Schedule 2 codes of SOR/2020-155, to show the route works once the
parameter exists, and that without it the answer says so instead of guessing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SCHEDULE_2 = """description: Goods of Table 2.10.1 of Chapter 2 (ADP machines, units, parts, power supplies)
  originating when imported from a USMCA country.
unit: hs_codes
values:
  2020-07-01:
    value: ["8471.30", "8471.41", "8471.49", "8471.50", "8471.60", "8471.70", "8471.80", "8443.99", "8473.30",
            "8517.70", "8528.42", "8528.52", "8528.62", "8529.90.10", "8529.90.50", "8529.90.90", "8504.40.30",
            "8504.40.90", "8504.90.10", "8504.90.20", "8504.90.90"]
    reference:
      instrument: CUSMA Rules of Origin Regulations (Uniform Regulations), SOR/2020-155
      provision: s. 3(7), Schedule 2
      url: https://laws-lois.justice.gc.ca/eng/regulations/SOR-2020-155/FullText.html
"""

STORAGE_UNITS = {
    # s. 3(9) Example 5: storage units of 8471.70 imported by a wholesaler in country A from outside
    # the territories and resold, without production, to a buyer in country B.
    "good": {"description": "Storage units", "hs": "8471.70", "produced_in": "CN", "imported_from": "MX",
             "date": "2024-01-15", "transaction_value": 100.00},
    "materials": [],
}


@pytest.fixture(scope="module")
def tree_with_table(tmp_path_factory):
    from usmca.law import PARAMS_ROOT, load_tree

    root = tmp_path_factory.mktemp("params") / "params"
    shutil.copytree(PARAMS_ROOT, root)
    (root / "usmca" / "ch04" / "table_2_10_1_goods.yaml").write_text(SCHEDULE_2)
    return load_tree(root)


def test_storage_units_imported_from_a_cusma_country_are_originating_e(tree_with_table) -> None:
    from usmca.origin import qualify

    r = qualify(STORAGE_UNITS, tree=tree_with_table)
    assert r.originating is True and r.criterion == "E"


def test_not_from_a_cusma_country_or_not_listed(tree_with_table) -> None:
    from usmca.origin import qualify

    b = {**STORAGE_UNITS, "good": {**STORAGE_UNITS["good"], "imported_from": "CN"}}
    assert qualify(b, tree=tree_with_table).originating is False
    b = {**STORAGE_UNITS, "good": {**STORAGE_UNITS["good"], "hs": "8501.52"}}
    assert qualify(b, tree=tree_with_table).criterion != "E"


def test_without_the_table_the_trace_says_not_encoded() -> None:
    from usmca.law import default_tree
    from usmca.origin import qualify

    if "usmca/ch04/table_2_10_1_goods" in default_tree():
        pytest.skip("the table is now in the law tree")
    r = qualify(STORAGE_UNITS)
    assert r.originating is False
    assert any("not encoded" in s.result for s in r.trace if s.step == "Table 2.10.1 goods")
