"""Description-limited s. 13 alternatives settled by a declared description class."""

from __future__ import annotations

import pytest

from usmca.errors import UserInputError
from usmca.law import default_tree
from usmca.origin.autos import automotive_requirements, automotive_rule
from usmca.origin.autos.descriptions import description_classes, resolve
from usmca.origin.autos.law import auto_law
from usmca.origin.qualify import evaluator

ROOT = "usmca/ch04_appendix_autos"
DAY = "2025-03-01"


def _at(rel: str) -> object:
    return default_tree().at(f"{ROOT}/{rel}", DAY)


def test_without_a_declaration_the_limits_stay_unsupported() -> None:
    rule = automotive_rule("8708.29", "passenger_vehicle", DAY, default_tree())
    assert len(rule) == 3 and all(a.get("unsupported") for a in rule)


def test_body_stamping_gets_the_core_part_rule_only() -> None:
    tree = default_tree()
    for kw in ({"use": "passenger_vehicle:body_stamping"}, {"use": "passenger_vehicle", "description": "body_stamping"}):
        rule = automotive_rule("8708.29", kw["use"], DAY, tree, description=kw.get("description"))
        assert len(rule) == 1 and "unsupported" not in rule[0]
        assert rule[0]["rvc"] == {"nc": _at("passenger_light_truck/core_parts_rvc_nc")} and rule[0]["shift"] == "none"


def test_other_goods_get_the_two_other_alternatives() -> None:
    rule = automotive_rule("8708.29", "light_truck:other", DAY, default_tree())
    assert [a["shift"] for a in rule] == ["CTH", "none"]
    assert rule[1]["rvc"] == {"nc": _at("passenger_light_truck/principal_parts_rvc_nc")}
    assert not any(a.get("unsupported") for a in rule)


@pytest.mark.parametrize("hs, use, desc, n", [
    ("8708.99", "passenger_vehicle", "chassis_frame", 1),
    ("8708.99", "passenger_vehicle", "other", 2),
    ("8708.99", "heavy_truck", "chassis", 1),
    ("8708.91", "heavy_truck", "radiator", 2),       # (a) CTH for radiators + the RVC alternative for all
    ("8708.91", "heavy_truck", "other", 1),
    ("8708.92", "other_vehicle_s20_3", "silencer_or_exhaust_pipe", 2),
])
def test_each_limit_is_settled(hs: str, use: str, desc: str, n: int) -> None:
    rule = automotive_rule(hs, f"{use}:{desc}", DAY, default_tree())
    assert len(rule) == n and not any(a.get("unsupported") for a in rule)


def test_resolve_truth_table() -> None:
    assert resolve("", None, None) is True
    assert resolve("body_stamping", None, "passenger_vehicle") is None
    assert resolve("body_stamping", "body_stamping", None) is True
    assert resolve("body_stamping", "radiator", None) is False
    assert resolve("!body_stamping", None, None) is None
    assert resolve("!body_stamping", "other", None) is True
    assert resolve("!body_stamping", "body_stamping", None) is False
    assert resolve("transport_15_or_fewer other_vehicle_s20_2", None, "other_vehicle_s20_3") is False


def test_classes_come_from_the_table_and_bad_ones_are_user_errors() -> None:
    tree = default_tree()
    assert {"body_stamping", "chassis_frame", "radiator", "other"} <= set(description_classes(auto_law(tree, DAY)))
    with pytest.raises(UserInputError, match="good.use"):
        automotive_rule("8708.29", "passenger_vehicle:wing_mirror", DAY, tree)
    with pytest.raises(UserInputError, match="part_description_class"):
        automotive_rule("8708.29", "passenger_vehicle:body_stamping", DAY, tree, description="chassis_frame")
    with pytest.raises(UserInputError, match="automotive.part_description_class"):
        automotive_requirements({"good": {"hs": "8708.29", "use": "passenger_vehicle"},
                                 "automotive": {"part_description_class": "wing_mirror"}}, DAY, tree, evaluator(tree, DAY))


def test_body_stamping_through_the_origin_engine() -> None:
    from usmca.origin import qualify

    bom = {"good": {"hs": "8708.29", "use": "passenger_vehicle", "produced_in": "MX", "method": "NC",
                    "costs": {"total_cost": 1000}, "date": DAY},
           "materials": [{"id": "coil", "hs": "7208.51", "value": 200, "origin": "non_originating"}]}
    assert qualify(bom).originating is None                  # the limit is not settled: undetermined
    bom["good"]["use"] = "passenger_vehicle:body_stamping"
    res = qualify(bom)                                        # RVC (1000 - 200) / 1000 = 80% >= 75%
    assert res.originating is True and res.rvc["threshold"] == _at("passenger_light_truck/core_parts_rvc_nc")
    bom["materials"][0]["value"] = 300                        # 70% < 75%
    assert qualify(bom).originating is False


def test_declaration_in_the_automotive_mapping() -> None:
    from usmca.origin import qualify

    bom = {"good": {"hs": "8708.29", "use": "passenger_vehicle", "produced_in": "MX", "method": "NC",
                    "costs": {"total_cost": 1000}, "date": DAY},
           "materials": [{"id": "coil", "hs": "7208.51", "value": 300, "origin": "non_originating"}],
           "automotive": {"part_description_class": "body_stamping"}}
    res = qualify(bom)                                        # settled rule: RVC 70% < 75%: a definite no
    step = {t.step: t for t in res.trace}["s. 13 rule for the declared description"]
    assert step.passed is False and res.originating is False
    bom["materials"][0]["value"] = 200                        # 80% >= 75%: the step passes ...
    res = qualify(bom)
    step = {t.step: t for t in res.trace}["s. 13 rule for the declared description"]
    assert step.passed is True
    assert res.originating is True                            # ... and the core applies the settled rule
    bom["good"]["use"] = "passenger_vehicle:body_stamping"    # same declaration in both places: consistent
    assert qualify(bom).originating is True
    bom["good"]["use"] = "passenger_vehicle:other"
    with pytest.raises(UserInputError, match="contradicts"):
        qualify(bom)
