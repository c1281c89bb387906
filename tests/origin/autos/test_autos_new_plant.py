"""Reduced RVC of s. 20(8) (new plant or refit) for other vehicles, through the rule and the engine."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from usmca.errors import UserInputError
from usmca.law import default_tree
from usmca.origin import qualify
from usmca.origin.autos import automotive_requirements, automotive_rule
from usmca.origin.qualify import evaluator

ROOT = "usmca/ch04_appendix_autos"
DAY = "2025-03-01"
STEP = "s. 20(8) new plant or refit"

# a motorhome (s. 20(2)(d)) of 8703.24: NC 100,000, VNM 45,000 -> RVC 55% (< 62.5%, >= 50%)
HOME = {"good": {"hs": "8703.24", "use": "other_vehicle_s20_2", "produced_in": "CA", "method": "NC", "date": DAY,
                 "costs": {"total_cost": 100000}},
        "materials": [{"id": "chassis", "hs": "8706.00", "value": 45000, "origin": "non_originating"},
                      {"id": "body", "hs": "8707.10", "value": 30000, "origin": "originating"}],
        "automotive": {"new_plant": {"basis": "new_plant", "first_prototype": "2021-04-01", "new_vehicle": True,
                                     "new_building": True, "new_machinery": True}}}


def _at(rel: str, day: str = DAY) -> object:
    return default_tree().at(f"{ROOT}/{rel}", day)


def _step(res) -> object:  # noqa: ANN001
    return {t.step: t for t in res.trace}[STEP]


def test_rule_gains_the_reduced_alternative_for_s20_vehicles_only() -> None:
    tree = default_tree()
    rule = automotive_rule("8703.24", "other_vehicle_s20_2", DAY, tree)
    assert sorted(a["rvc"]["nc"] for a in rule) == sorted([_at("other_vehicles/new_plant_rvc"),
                                                           _at("other_vehicles/rvc_nc_62_5")])
    assert all(a["shift"] == "CTH" for a in rule)
    for hs, use in (("8703.24", "other"), ("8703.24", "passenger_vehicle"), ("8708.40", "other_vehicle_s20_2"),
                    ("8706.00", "other_vehicle_s20_3")):
        got = automotive_rule(hs, use, DAY, tree) or []
        assert not any("s. 20(8)" in a["reference"]["provision"] for a in got), (hs, use)


def test_new_plant_within_five_years_qualifies_at_the_reduced_rvc() -> None:
    res = qualify(HOME)
    assert res.originating is True and _step(res).passed is True
    late = copy.deepcopy(HOME)
    late["good"]["date"] = "2026-04-01"          # 2021-04-01 + 5 years: the period is over
    res = qualify(late)
    assert res.originating is False
    assert _step(res).passed is False and "outside the 5 years" in _step(res).result


def test_refit_period_and_missing_conditions() -> None:
    refit = copy.deepcopy(HOME)
    refit["automotive"]["new_plant"] = {"basis": "refit", "first_prototype": "2023-03-02", "new_vehicle": True}
    assert qualify(refit).originating is True                       # 2023-03-02 + 2 years > 2025-03-01
    refit["automotive"]["new_plant"]["first_prototype"] = "2023-03-01"
    assert qualify(refit).originating is False                      # 2025-03-01 is the first day after
    used = copy.deepcopy(HOME)
    used["automotive"]["new_plant"]["new_machinery"] = False
    res = qualify(used)
    assert res.originating is False and "substantially all new machinery" in _step(res).result


def test_without_a_claim_the_normal_rvc_applies_with_its_gap() -> None:
    bare = copy.deepcopy(HOME)
    del bare["automotive"]
    reqs = automotive_requirements(bare, DAY, default_tree(), evaluator(default_tree(), DAY))
    (r,) = [r for r in reqs if r["step"] == STEP]
    # 55% < 62.5%: VNM must fall to 37.5% of 100,000, by 7,500
    assert r["passed"] is False and r["gap"]["value"] == Decimal(7500)
    assert qualify(bare).originating is False


def test_rvc_at_the_normal_threshold_needs_no_claim() -> None:
    rich = copy.deepcopy(HOME)
    del rich["automotive"]
    rich["materials"][0]["value"] = 30000           # RVC 70%
    res = qualify(rich)
    assert res.originating is True and _step(res).passed is True


def test_bad_claim_is_a_user_error() -> None:
    bad = copy.deepcopy(HOME)
    bad["automotive"]["new_plant"]["basis"] = "greenfield"
    with pytest.raises(UserInputError, match="automotive.new_plant.basis"):
        qualify(bad)
