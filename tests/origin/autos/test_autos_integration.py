"""The automotive engine through the origin engine and the command line, and its input errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml

from usmca.errors import UserInputError
from usmca.law import Reform, default_tree
from usmca.origin.autos import automotive_requirements
from usmca.origin.autos.lvc import high_wage_points_nc, high_wage_points_nc_array
from usmca.origin.qualify import evaluator
from usmca.paths import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"
ROOT = "usmca/ch04_appendix_autos"


def _reform(changes: dict) -> Reform:
    return Reform.from_dict({"description": "test", "changes": changes,
                             "reference": {"instrument": "test", "provision": "test", "url": "https://example.org/t"}})


def test_vehicle_example_qualifies_with_every_requirement(cli) -> None:  # noqa: ANN001
    res = cli("origin", "qualify", str(EXAMPLES / "vehicle_bom.yaml"), "--json")
    assert res.code == 0, res.err
    out = res.json()
    steps = {t["step"]: t for t in out["trace"]}
    for s in ("core part (Engines)", "labour value content", "steel purchases", "aluminum purchases"):
        assert s in steps
    assert out["originating"] is True
    tree = default_tree()
    assert out["rvc"]["threshold"] == tree.at(f"{ROOT}/passenger_light_truck/vehicle_rvc", "2025-03-01")


def test_vehicle_fails_when_steel_share_is_raised(tmp_path: Path, cli) -> None:  # noqa: ANN001
    reform = tmp_path / "r.yaml"
    reform.write_text(yaml.safe_dump({"description": "steel 80%", "reference": {"instrument": "t", "provision": "t",
                      "url": "https://example.org/t"}, "changes": {f"{ROOT}/steel_aluminum/purchase_share": {"2025-01-01": 80}}}))
    out = cli("origin", "qualify", str(EXAMPLES / "vehicle_bom.yaml"), "--reform", str(reform), "--json")
    assert out.code == 0, out.err
    assert out.json()["originating"] is False      # steel 76% < 80%


def test_part_example_and_core_parts_reform(tmp_path: Path, cli) -> None:  # noqa: ANN001
    base = cli("origin", "qualify", str(EXAMPLES / "auto_part_bom.yaml"), "--json")
    assert base.code == 0, base.err
    assert base.json()["originating"] is True
    reform = tmp_path / "r.yaml"
    reform.write_text(yaml.safe_dump({"description": "core parts 85%", "reference": {"instrument": "t", "provision": "t",
                      "url": "https://example.org/t"},
                      "changes": {f"{ROOT}/passenger_light_truck/core_parts_rvc_nc": {"2025-01-01": 85}}}))
    out = cli("origin", "qualify", str(EXAMPLES / "auto_part_bom.yaml"), "--reform", str(reform), "--json")
    assert out.code == 0 and out.json()["originating"] is False      # 77.05% < 85%


def test_bad_automotive_field_is_one_line_error(tmp_path: Path, cli) -> None:  # noqa: ANN001
    bom = yaml.safe_load((EXAMPLES / "vehicle_bom.yaml").read_text())
    bom["automotive"]["lvc"]["high_wage_labor_cost"] = -5
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(bom))
    res = cli("origin", "qualify", str(f), "--json")
    assert res.code == 2
    assert "automotive.lvc.high_wage_labor_cost" in res.err and "Traceback" not in res.err


@pytest.mark.parametrize("auto, field", [
    ({"lvc": {"high_wage_labor_cost": -1}}, "automotive.lvc.high_wage_labor_cost"),
    ({"core_parts": {"parts": [{"category": "Wheels", "originating": True}]}}, "automotive.core_parts.parts[0].category"),
    ({"steel_aluminum": {"steel": {"originating": 5, "total": 4}}}, "automotive.steel_aluminum.steel"),
    ({"lvc": {"formula": "net_cost"}}, "automotive.lvc.net_cost"),
    ({"colour": "red"}, "automotive.colour"),
])
def test_user_errors_name_the_field(auto: dict, field: str) -> None:
    with pytest.raises(UserInputError) as exc:
        automotive_requirements({"good": {"hs": "8703.23", "use": "passenger_vehicle"}, "automotive": auto},
                                "2025-01-01", default_tree(), evaluator(default_tree(), "2025-01-01"))
    assert exc.value.field == field


def test_parts_and_other_vehicles_have_no_vehicle_requirements() -> None:
    tree = default_tree()
    ev = evaluator(tree, "2025-01-01")
    assert automotive_requirements({"good": {"hs": "8708.40", "use": "passenger_vehicle"}}, "2025-01-01", tree, ev) == []
    assert automotive_requirements({"good": {"hs": "8703.23", "use": "other"}}, "2025-01-01", tree, ev) == []
    reqs = automotive_requirements({"good": {"hs": "8703.23", "use": "passenger_vehicle"}}, "2025-01-01", tree, ev)
    assert reqs and all(r["passed"] is None for r in reqs)     # no data: undetermined, never guessed


def test_lvc_array_matches_scalar() -> None:
    rng = np.random.default_rng(7)
    hwlc, hwm, nc = rng.uniform(0, 5e3, 200), rng.uniform(0, 2e4, 200), rng.uniform(1e3, 5e4, 200)
    nc[3] = 0.0
    arr = high_wage_points_nc_array(hwlc, hwm, nc)
    assert np.isnan(arr[3])
    for i in (0, 17, 199):
        exact = high_wage_points_nc(*(Decimal(str(float(a[i]))) for a in (hwlc, hwm, nc)))
        assert arr[i] == pytest.approx(float(exact), rel=1e-12)
