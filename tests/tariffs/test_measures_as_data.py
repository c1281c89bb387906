"""A new Section 232 action is YAML only: a fixture folder added to a copy of the law tree gets its duty.

The fixture (``data/extra_action/us/section232/test_widgets``) declares a fictitious action: 30% on
HTS 8528.72.64 from 2026-01-01, USMCA-claimed goods exempt, with its scope as a law-tree table.
No Python names the action; the duty engine finds it by walking the tree.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from usmca.law import PARAMS_ROOT, load_tree
from usmca.tariffs import duty
from usmca.tariffs.declared import declared, labels
from usmca.tariffs.measures import Goods, evaluate

FIXTURE = Path(__file__).parent / "data" / "extra_action"
KEY = "section232_test_widgets"


@pytest.fixture(scope="module")
def tree_with_action(tmp_path_factory):  # noqa: ANN001, ANN201
    root = tmp_path_factory.mktemp("law") / "params"
    shutil.copytree(PARAMS_ROOT, root)
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    return load_tree(root)


def test_the_action_is_found_by_walking_the_tree(tree_with_action) -> None:  # noqa: ANN001
    assert KEY in labels(tree_with_action)
    assert labels(tree_with_action)[KEY] == "Section 232 test widgets"
    assert KEY not in labels(load_tree(PARAMS_ROOT))
    assert KEY not in {m.key for m in declared(tree_with_action, dt.date(2025, 12, 31))}
    assert KEY in {m.key for m in declared(tree_with_action, dt.date(2026, 1, 1))}


def test_the_action_gets_its_duty(tree_with_action, schedule) -> None:  # noqa: ANN001
    before = duty("8528.72.64", "CN", "2026-03-01", 1000.0, schedule=schedule)
    after = duty("8528.72.64", "CN", "2026-03-01", 1000.0, schedule=schedule, tree=tree_with_action)
    comp = {c.measure: c for c in after.components}
    assert KEY not in {c.measure for c in before.components}
    assert comp[KEY].rate == 30.0
    assert comp[KEY].duty == pytest.approx(300.0)
    assert comp[KEY].reference["url"] == "https://example.org/section232-test-widgets"
    assert after.total_duty == pytest.approx(before.total_duty + 300.0)


def test_usmca_treatment_and_dated_scope_rows_come_from_the_fixture(tree_with_action) -> None:  # noqa: ANN001
    goods = Goods(["8528726400", "8528726400", "9403200000", "9403200000"], ["MX", "MX", "CN", "CN"])
    claim = np.array([False, True, False, False])
    spring = evaluate(goods, dt.date(2026, 3, 1), claim, tree_with_action)
    np.testing.assert_array_equal(spring.rate[KEY], [30.0, 0.0, 30.0, 30.0])
    autumn = evaluate(goods, dt.date(2026, 7, 1), claim, tree_with_action)  # the 9403 row ends 2026-06-15
    np.testing.assert_array_equal(autumn.rate[KEY], [30.0, 0.0, 0.0, 0.0])


def test_a_scope_row_ending_inside_a_month_splits_the_month(tree_with_action, schedule) -> None:  # noqa: ANN001
    from usmca.tariffs.etr import effective_rates

    flows = pd.DataFrame({"hts10": ["9403200000"], "partner": ["CN"], "month": ["2026-06"],
                          "value": [3000.0], "usmca_value": [0.0]})
    base = effective_rates(flows, schedule=schedule, components=True)
    new = effective_rates(flows, schedule=schedule, components=True, tree=tree_with_action)
    # the fixture's 9403 row is in force 2026-01-01..2026-06-15: half of June's 30 days
    assert new["duty_section232_test_widgets"].iloc[0] == pytest.approx(3000.0 * 0.30 * 15 / 30)
    july = effective_rates(flows.assign(month="2026-07"), schedule=schedule, components=True, tree=tree_with_action)
    assert "duty_section232_test_widgets" not in july.columns or july["duty_section232_test_widgets"].iloc[0] == 0.0
    assert new["duty"].iloc[0] > base["duty"].iloc[0]


def _with_exempt_scopes(root: Path, scopes: str) -> None:
    """The fixture's declaration with ``exempt_scopes`` from 2026-08-01."""
    decl = root / "us" / "section232" / "test_widgets" / "measure.yaml"
    decl.write_text(decl.read_text() + f"""  2026-08-01:
    value: {{key: section232_test_widgets, exempt_scopes: {scopes}}}
    reference: *ref
""")


def test_exempt_scopes_expand_a_law_paths_list_and_refuse_an_unknown_path(tmp_path) -> None:  # noqa: ANN001
    from usmca.errors import LawError

    root = tmp_path / "params"
    shutil.copytree(PARAMS_ROOT, root)
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    # a list of scopes (unit law_paths) that names the fixture's own scope: every good of it is exempt
    (root / "us" / "section232" / "test_widgets" / "exempt_lists.yaml").write_text("""description: test list
label: test list
unit: law_paths
values:
  2026-08-01:
    value: [us/section232/test_widgets/scope]
    reference: {instrument: Test fixture, provision: cl. 2, url: https://example.org/section232-test-widgets}
""")
    _with_exempt_scopes(root, "us/section232/test_widgets/exempt_lists")
    tree = load_tree(root)
    goods = Goods(["8528726400"], ["CN"])
    assert evaluate(goods, dt.date(2026, 3, 1), np.array([False]), tree).rate[KEY][0] == 30.0
    assert evaluate(goods, dt.date(2026, 8, 1), np.array([False]), tree).rate[KEY][0] == 0.0

    bad = tmp_path / "bad"
    shutil.copytree(PARAMS_ROOT, bad / "params")
    shutil.copytree(FIXTURE, bad / "params", dirs_exist_ok=True)
    _with_exempt_scopes(bad / "params", "us/section232/no_such_scope")
    with pytest.raises(LawError, match="no_such_scope"):
        declared(load_tree(bad / "params"), dt.date(2026, 8, 1))
