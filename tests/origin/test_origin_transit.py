"""Transit and transshipment (USMCA Art. 4.18; UR s. 10), one test per paragraph."""

from __future__ import annotations

from typing import Any

import pytest

from usmca.errors import UserInputError


def _bom(route: list[dict[str, Any]] | None, hs: str = "8501.10", **shipment: Any) -> dict[str, Any]:
    b: dict[str, Any] = {
        "good": {"hs": hs, "produced_in": "MX", "date": "2025-03-01", "transaction_value": 100,
                 "rule": [{"shift": "none", "rvc": {"tv": 60}}]},
        "materials": [{"id": "steel", "value": 30, "origin": "non_originating", "country": "CN", "hs": "7208.51"}],
    }
    if route is not None:
        b["shipment"] = {"route": route, **shipment}
    return b


def _q(bom: dict[str, Any]) -> Any:
    from usmca.origin import qualify

    return qualify(bom)


def test_baseline_good_is_originating() -> None:
    assert _q(_bom(None)).originating is True


def test_route_inside_the_territories_keeps_status() -> None:
    r = _q(_bom([{"country": "US", "operations": ["assembly"]}, {"country": "CA"}]))
    assert r.originating is True and any(s.step == "transit" and s.passed for s in r.trace)


def test_s10_1_permitted_operations_under_customs_control_keep_status() -> None:
    # s. 10(1)(b): unloading, storing, reloading, and preservation operations (i)-(vii)
    r = _q(_bom([{"country": "PA", "operations": ["unloading", "storing", "ventilation", "reloading"],
                  "customs_control": True}]))
    assert r.originating is True and r.criterion == "B"


def test_s10_1_b_further_operation_loses_status_entirely() -> None:
    # s. 10(1)(b) and (2): an operation beyond the list makes the good entirely non-originating
    r = _q(_bom([{"country": "PA", "operations": ["unloading", "painting"], "customs_control": True}]))
    assert r.originating is False and r.criterion is None
    assert any("painting" in s.result for s in r.trace)
    assert any(s.reference == "UR s. 10(2)" for s in r.trace)


def test_s10_1_b_reclassification_abroad_loses_status() -> None:
    r = _q(_bom([{"country": "PA", "operations": ["storing"], "customs_control": True, "hs_after": "8503.00"}]))
    assert r.originating is False


def test_s10_1_a_leaving_customs_control_loses_status() -> None:
    r = _q(_bom([{"country": "PA", "operations": ["storing"], "customs_control": False}]))
    assert r.originating is False


def test_s10_1_a_customs_control_not_stated_is_undetermined() -> None:
    r = _q(_bom([{"country": "PA", "operations": ["storing"]}]))
    assert r.originating is None


def test_non_originating_good_is_unchanged() -> None:
    b = _bom([{"country": "PA", "operations": ["storing"], "customs_control": True}])
    b["materials"][0]["value"] = 50   # RVC 50% < 60%
    r = _q(b)
    assert r.originating is False and any("transit not examined" in s.result for s in r.trace)


def test_s10_3_b_semiconductors_within_the_group() -> None:
    # s. 10(3)(b): 8542.31 tested abroad and still in 8541.10-8541.60 / 8542.31-8542.39: s. 10(1) does not apply
    route = [{"country": "MY", "operations": ["testing", "marking"], "hs_after": "8542.39"}]
    assert _q(_bom(route, hs="8542.31")).originating is True
    # the same route for a good outside the groups loses status
    assert _q(_bom(route, hs="8501.10")).originating is False


def test_s10_3_b_semiconductor_leaving_the_group() -> None:
    route = [{"country": "MY", "operations": ["assembly"], "hs_after": "8543.70", "customs_control": True}]
    r = _q(_bom(route, hs="8542.31"))
    assert r.originating is False and any("outside the group" in s.result for s in r.trace)


def test_s10_3_a_smart_card_needs_its_condition() -> None:
    # s. 10(3)(a): a smart card of 8523.52 containing a single integrated circuit
    route = [{"country": "SG", "operations": ["personalisation"], "hs_after": "8523.52"}]
    assert _q(_bom(route, hs="8523.52", exception_condition_met=True)).originating is True
    assert _q(_bom(route, hs="8523.52")).originating is False
    # a change to any other subheading takes the card out of the exception
    moved = [{"country": "SG", "operations": ["personalisation"], "hs_after": "8523.59", "customs_control": True}]
    assert _q(_bom(moved, hs="8523.52", exception_condition_met=True)).originating is False


@pytest.mark.parametrize(("hs", "date"), [("8543.90", "2025-03-01"), ("8548.90", "2021-06-01"),
                                         ("8548.00", "2025-03-01")])
def test_s10_3_c_d_electronic_microassemblies(hs: str, date: str) -> None:
    # 8548.90 is the regulation's HS 2017 subheading; from 2022-01-01 the group reads 8548.00 (HS 2022)
    route = [{"country": "TW", "operations": ["testing"], "hs_after": hs}]
    yes, no = _bom(route, hs=hs, exception_condition_met=True), _bom(route, hs=hs, exception_condition_met=False)
    yes["good"]["date"] = no["good"]["date"] = date
    assert _q(yes).originating is True
    assert _q(no).originating is False


def test_bad_leg_is_a_user_error() -> None:
    with pytest.raises(UserInputError) as info:
        _q(_bom([{"country": "Panama"}]))
    assert info.value.field == "shipment.route[0].country"


def test_transit_goods_take_the_exact_path() -> None:
    import datetime as dt

    from usmca.law import default_tree
    from usmca.origin.bom import parse_bom
    from usmca.origin.portfolio import qualify_many
    from usmca.origin.qualify import make_context

    boms = [parse_bom(_bom(None)), parse_bom(_bom([{"country": "PA", "customs_control": True}]))]
    _, fallback = qualify_many(boms, make_context(default_tree(), dt.date(2025, 3, 1)))
    assert fallback == [1]
