"""automotive_rule: the Appendix's rule by HS code, vehicle class and date (SOR/2020-155 ss. 13-15, 20)."""

from __future__ import annotations

import datetime as dt

import pytest

from usmca.errors import UserInputError
from usmca.law import Reform, default_tree
from usmca.origin.autos import automotive_rule

ROOT = "usmca/ch04_appendix_autos"


def _steps(path: str) -> list[tuple[dt.date, object]]:
    return [(e.effective_from, e.value) for e in default_tree().parameter(path).entries]


def _nc(rule: list[dict]) -> list:
    return [a.get("rvc", {}).get("nc") for a in rule]


@pytest.mark.parametrize("hs, use, path", [
    ("8703.23", "passenger_vehicle", "passenger_light_truck/vehicle_rvc"),
    ("8704.21", "light_truck", "passenger_light_truck/vehicle_rvc"),
    ("8704.23", "heavy_truck", "heavy_truck/vehicle_rvc"),
    ("8701.20", None, "heavy_truck/vehicle_rvc"),
    ("8708.40", "passenger_vehicle", "passenger_light_truck/core_parts_rvc_nc"),
    ("8706.00", "heavy_truck", "heavy_truck/principal_parts_rvc_nc"),
])
def test_vehicle_and_87_rules_follow_each_phase_in_step(hs: str, use: str | None, path: str) -> None:
    tree = default_tree()
    for i, (day, value) in enumerate(_steps(f"{ROOT}/{path}")):
        rule = automotive_rule(hs, use, day, tree)
        assert rule is not None and value in _nc(rule), (hs, day)
        if i:
            before = automotive_rule(hs, use, day - dt.timedelta(days=1), tree)
            assert value not in _nc(before), (hs, day)
        assert all(a["reference"]["url"].startswith("https://") for a in rule)


def test_vehicle_rule_requires_a_change_of_heading() -> None:
    rule = automotive_rule("870323", "passenger_vehicle", "2025-03-01", default_tree())
    assert [a["shift"] for a in rule] == ["CTH"] and set(rule[0]["rvc"]) == {"nc"}


def test_off_road_and_other_vehicles() -> None:
    tree = default_tree()
    other = tree.at(f"{ROOT}/other_vehicles/rvc_nc_62_5", "2025-01-01")
    assert _nc(automotive_rule("8703.23", "other", "2025-01-01", tree)) == [other]
    assert _nc(automotive_rule("8704.21", "other", "2025-01-01", tree)) == [other]
    buses = automotive_rule("8702.10", None, "2025-01-01", tree)
    assert len(buses) == 2 and all(a.get("unsupported") for a in buses)   # seats decide: never a guess


@pytest.mark.parametrize("hs, use, nc_path, tv_path", [
    ("8413.30", "passenger_vehicle", "passenger_light_truck/principal_parts_rvc_nc",
     "passenger_light_truck/principal_parts_rvc_tv"),
    ("8501.10", "light_truck", "passenger_light_truck/complementary_parts_rvc_nc",
     "passenger_light_truck/complementary_parts_rvc_tv"),
    ("8407.34", "passenger_vehicle", "passenger_light_truck/core_parts_rvc_nc", "passenger_light_truck/core_parts_rvc_tv"),
    ("8413.50", "heavy_truck", "heavy_truck/complementary_parts_rvc_nc", None),
])
def test_listed_parts_get_appendix_thresholds(hs: str, use: str, nc_path: str, tv_path: str | None) -> None:
    tree = default_tree()
    for day, value in _steps(f"{ROOT}/{nc_path}"):
        rule = automotive_rule(hs, use, day, tree)
        rvcs = [a["rvc"] for a in rule if "rvc" in a]
        assert rvcs and all(r["nc"] == value for r in rvcs)
        if tv_path is None:
            if any("tv" in r for r in rvcs):
                tv = tree.at(f"{ROOT}/heavy_truck/complementary_parts_rvc_tv", day)
                assert all(r["tv"] == tv for r in rvcs)
        else:
            tv = tree.at(f"{ROOT}/{tv_path}", day)
            assert all(r.get("tv", tv) == tv for r in rvcs)


def test_not_automotive_and_traction_battery() -> None:
    tree = default_tree()
    assert automotive_rule("8471.30", "passenger_vehicle", "2025-01-01", tree) is None   # not in any table
    assert automotive_rule("8413.30", "other", "2025-01-01", tree) is not None            # Table F
    assert automotive_rule("8507.60", "passenger_vehicle", "2025-01-01", tree) is None    # s. 14(3): Schedule 1 rule


def test_reform_raises_vehicle_rvc() -> None:
    tree = default_tree()
    reform = Reform.from_dict({"description": "Review proposal: vehicle RVC 85% from 2027-07-01",
                               "reference": {"instrument": "test", "provision": "scenario", "url": "https://example.org"},
                               "changes": {f"{ROOT}/passenger_light_truck/vehicle_rvc": {"2027-07-01": 85}}})
    reformed = tree.with_reform(reform)
    assert _nc(automotive_rule("8703.23", "passenger_vehicle", "2027-07-01", reformed)) == [85]
    before = tree.at(f"{ROOT}/passenger_light_truck/vehicle_rvc", "2027-06-30")
    assert _nc(automotive_rule("8703.23", "passenger_vehicle", "2027-06-30", reformed)) == [before]


def test_bad_inputs_are_user_errors() -> None:
    tree = default_tree()
    with pytest.raises(UserInputError, match="good.use"):
        automotive_rule("8703.23", "spaceship", "2025-01-01", tree)
    with pytest.raises(UserInputError, match="good.hs"):
        automotive_rule("87x", "passenger_vehicle", "2025-01-01", tree)


def test_engine_for_other_vehicles_names_both_conditions() -> None:
    tree = default_tree()
    rule = automotive_rule("8407.34", "other", "2025-01-01", tree)
    assert sorted(_nc(rule)) == sorted([tree.at(f"{ROOT}/other_vehicles/rvc_nc_60", "2025-01-01"),
                                        tree.at(f"{ROOT}/other_vehicles/rvc_nc_62_5", "2025-01-01")])
    assert all("unsupported" in a for a in rule)
