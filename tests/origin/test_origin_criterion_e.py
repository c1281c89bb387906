"""Criterion E: Table 2.10.1 goods imported from a USMCA country (19 U.S.C. 4531(b)(1)(E);
Uniform Regulations s. 3(7) and Schedule 2; worked example s. 3(9) Example 5).

The list is the law parameter ``usmca/ch04/table_2_10_1_goods`` (Schedule 2 of SOR/2020-155). A
tree without it must say "not encoded" instead of guessing.
"""

from __future__ import annotations

import shutil

import pytest

STORAGE_UNITS = {
    # s. 3(9) Example 5: storage units of 8471.70 imported by a wholesaler in country A from outside
    # the territories and resold, without production, to a buyer in country B.
    "good": {"description": "Storage units", "hs": "8471.70", "produced_in": "CN", "imported_from": "MX",
             "date": "2024-01-15", "transaction_value": 100.00},
    "materials": [],
}


@pytest.fixture(scope="module")
def tree_with_table():
    from usmca.law import default_tree

    return default_tree()


@pytest.fixture(scope="module")
def tree_without_table(tmp_path_factory):
    from usmca.law import PARAMS_ROOT, load_tree

    root = tmp_path_factory.mktemp("params") / "params"
    shutil.copytree(PARAMS_ROOT, root)
    (root / "usmca" / "ch04" / "table_2_10_1_goods.yaml").unlink()
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


def test_without_the_table_the_trace_says_not_encoded(tree_without_table) -> None:
    from usmca.origin import qualify

    r = qualify(STORAGE_UNITS, tree=tree_without_table)
    assert r.originating is False
    assert any("not encoded" in s.result for s in r.trace if s.step == "Table 2.10.1 goods")
