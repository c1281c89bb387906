"""s. 20 of SOR/2020-155: RVC of goods for other vehicles, aftermarket parts, s. 20(4) tracing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from usmca.errors import UserInputError
from usmca.law import default_tree
from usmca.origin import qualify
from usmca.origin.autos import automotive_requirements, automotive_rule
from usmca.origin.qualify import evaluator

ROOT = "usmca/ch04_appendix_autos"
DAY = "2025-03-01"


def _at(rel: str) -> object:
    return default_tree().at(f"{ROOT}/{rel}", DAY)


def _rvcs(rule: list[dict] | None) -> list:
    return [a["rvc"] for a in rule or [] if a.get("rvc")]


@pytest.mark.parametrize("hs, use, rel", [
    ("8708.40", "other_vehicle_s20_2", "other_vehicles/rvc_nc_62_5"),   # s. 20(2)(h) gear box
    ("8708.40", "other_vehicle_s20_3", "other_vehicles/rvc_nc_60"),     # s. 20(3)(b)
    ("8407.34", "other_vehicle_s20_2", "other_vehicles/rvc_nc_62_5"),   # s. 20(2)(h) engine
    ("8408.20", "other_vehicle_s20_3", "other_vehicles/rvc_nc_60"),     # s. 20(3)(b) engine
    ("8708.29", "other_vehicle_s20_2", "other_vehicles/rvc_nc_60"),     # s. 20(3)(c) Table F
    ("8413.30", "other_vehicle_s20_3", "other_vehicles/rvc_nc_60"),     # s. 20(3)(c) Table F, ch. 84
])
def test_original_equipment_of_other_vehicles_gets_s20_rvc(hs: str, use: str, rel: str) -> None:
    rule = automotive_rule(hs, use, DAY, default_tree())
    rvcs = _rvcs(rule)
    assert rvcs and all(r == {"nc": _at(rel)} for r in rvcs)          # net cost only, the s. 20 number
    assert all("s. 20" in a["reference"]["provision"] for a in rule if a.get("rvc"))
    assert all(not str(a.get("unsupported", "")).startswith("applies only") for a in rule)


def test_aftermarket_keeps_s13_and_schedule_1() -> None:
    tree = default_tree()
    after = automotive_rule("8708.40", "aftermarket", DAY, tree)
    assert _rvcs(after) == [{"nc": _at("other_vehicles/parts_rvc_nc")}]   # s. 13 row 8708.40 (3)
    assert any("rvc" not in a for a in after)                              # the CTH alternative stays
    assert automotive_rule("8413.30", "aftermarket", DAY, tree) is None     # Schedule 1 (library) applies
    assert automotive_rule("8407.34", "aftermarket", DAY, tree) is None


def test_s20_3c_exclusions_and_shift_only_alternatives_kept() -> None:
    tree = default_tree()
    for hs in ("8482.10", "8483.30"):                       # s. 20(3)(c) leaves them to Schedule 1
        assert automotive_rule(hs, "other_vehicle_s20_2", DAY, tree) is None
    rule = automotive_rule("8708.29", "other_vehicle_s20_3", DAY, tree)
    assert [a["shift"] for a in rule if "rvc" not in a] == ["CTH"]          # not given an RVC by s. 20


def test_unnamed_other_vehicle_is_never_guessed() -> None:
    tree = default_tree()
    rule = automotive_rule("8413.30", "other", DAY, tree)
    assert rule and all("declare good.use" in a["unsupported"] for a in rule)
    eng = automotive_rule("8407.34", None, DAY, tree)
    assert sorted(r["nc"] for r in _rvcs(eng)) == sorted([_at("other_vehicles/rvc_nc_60"), _at("other_vehicles/rvc_nc_62_5")])
    assert all(a.get("unsupported") for a in eng)


def _s13_only(rule: list[dict]) -> list[dict]:
    return [a for a in rule if "s. 20(8)" not in a["reference"]["provision"]]


def test_bus_rows_settled_by_the_s20_use() -> None:
    tree = default_tree()
    small = _s13_only(automotive_rule("8702.10", "other_vehicle_s20_2", DAY, tree))
    large = _s13_only(automotive_rule("8702.10", "other_vehicle_s20_3", DAY, tree))
    assert _rvcs(small) == [{"nc": _at("other_vehicles/rvc_nc_62_5")}] and "unsupported" not in small[0]
    assert _rvcs(large) == [{"nc": _at("other_vehicles/rvc_nc_60")}] and "unsupported" not in large[0]


def test_reform_of_the_s20_threshold_flows_through() -> None:
    from usmca.law import Reform

    tree = default_tree().with_reform(Reform.from_dict({
        "description": "test", "reference": {"instrument": "t", "provision": "t", "url": "https://example.org/t"},
        "changes": {f"{ROOT}/other_vehicles/rvc_nc_62_5": {"2025-01-01": 66}}}))
    assert _rvcs(automotive_rule("8708.40", "other_vehicle_s20_2", DAY, tree)) == [{"nc": 66}]


def _pump_bom(nc: str) -> dict:
    # a pump of 8413.30 (Table F) for a motorhome (s. 20(2)(d)); the shaft (8483.10, Table F) is bought
    # non-originating for 300, but only 100 of non-originating material went into it
    return {"good": {"hs": "8413.30", "use": "other_vehicle_s20_2", "produced_in": "MX", "method": "NC",
                     "costs": {"total_cost": nc}, "date": DAY},
            "materials": [
                {"id": "shaft", "hs": "8483.10", "value": 300, "origin": "non_originating", "self_produced": False,
                 "materials": [{"id": "bar", "hs": "7228.40", "value": 100, "origin": "non_originating"},
                               {"id": "bearing", "hs": "8482.10", "value": 120, "origin": "originating"}]},
                {"id": "screws", "hs": "7318.15", "value": 100, "origin": "non_originating"},
                {"id": "housing", "hs": "8413.91", "value": 200, "origin": "originating"}]}


def test_s20_4_tracing_of_listed_materials() -> None:
    tree = default_tree()
    reqs = automotive_requirements(_pump_bom("900"), DAY, tree, evaluator(tree, DAY))
    (r,) = [r for r in reqs if r["step"] == "RVC with s. 20(4) tracing"]
    # traced VNM = min(300, 100) for the listed shaft + 100 screws = 200; RVC = (900 - 200) / 900 x 100
    assert r["value"] == (Decimal(900) - Decimal(200)) / Decimal(900) * 100
    assert r["threshold"] == Decimal(str(_at("other_vehicles/rvc_nc_60"))) and r["passed"] is True
    assert "untraced 400" in r["result"]
    # the core's rule uses the untraced VNM (400): (900 - 400) / 900 = 55.6% < 60, so the good does not
    # qualify there; the traced step never turns that into a pass
    res = qualify(_pump_bom("900"), date=DAY)
    assert res.originating is not True
    assert res.vnm["NC"] == Decimal(400)


def test_s20_4_tracing_fails_and_gives_the_gap() -> None:
    reqs = automotive_requirements(_pump_bom("450"), DAY, default_tree(), evaluator(default_tree(), DAY))
    (r,) = [r for r in reqs if r["step"] == "RVC with s. 20(4) tracing"]
    # traced VNM 200, NC 450: RVC 55.56% < 60; VNM must fall to 0.4 x 450 = 180, by 20
    assert r["passed"] is False and r["gap"]["value"] == Decimal(20)


def test_no_tracing_for_the_vehicle_itself_or_aftermarket() -> None:
    tree = default_tree()
    bom = _pump_bom("900")
    bom["good"]["use"] = "aftermarket"
    assert automotive_requirements(bom, DAY, tree, evaluator(tree, DAY)) == []
    bus = _pump_bom("900")
    bus["good"].update(hs="8702.10")                                     # s. 20(5): no tracing for vehicles
    assert "RVC with s. 20(4) tracing" not in {r["step"] for r in automotive_requirements(bus, DAY, tree, evaluator(tree, DAY))}


def test_unknown_use_is_a_user_error() -> None:
    with pytest.raises(UserInputError, match="good.use"):
        automotive_rule("8708.40", "other_vehicle_s20_9", DAY, default_tree())
