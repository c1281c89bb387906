"""The producer's own value in the content ledger, and the remanufactured-good definition (Art. 4.1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest


def _q(bom: dict[str, Any]) -> Any:
    from usmca.origin import qualify

    return qualify(bom)


def _ledger_bom(**good: Any) -> dict[str, Any]:
    return {
        "good": {"hs": "8501.10", "produced_in": "MX", "date": "2025-03-01",
                 "rule": [{"shift": "none", "rvc": {"tv": 60, "nc": 50}}], **good},
        "materials": [
            {"id": "steel", "value": 30, "origin": "non_originating", "country": "CN"},
            {"id": "frame", "value": 25, "self_produced": True, "country": "US",
             "materials": [{"id": "tube", "value": 12, "origin": "non_originating", "country": "KR"}]},
            {"id": "crate", "value": 4, "flags": ["packing_for_shipment"], "country": "MX"},
        ],
    }


def test_ledger_sums_to_the_transaction_value() -> None:
    r = _q(_ledger_bom(transaction_value=110, international_shipping=10))
    led = dict(r.content_by_country)
    # materials: CN 30, KR 12, US residual 25 - 12 = 13; producer 100 - 55 (packing for shipment disregarded)
    assert led == {"CN": Decimal(30), "KR": Decimal(12), "US": Decimal(13), "producer:MX": Decimal(45)}
    assert sum(led.values()) == Decimal(100)
    assert any(s.step == "content ledger" for s in r.trace)


def test_ledger_sums_to_total_cost_without_transaction_value() -> None:
    r = _q(_ledger_bom(costs={"total_cost": 80, "excluded": {"royalties": 5}}))
    assert r.content_by_country["producer:MX"] == Decimal(25)
    assert sum(r.content_by_country.values()) == Decimal(80)
    assert any(s.step == "not modelled" and "Schedule 5" in s.reference for s in r.trace)


def test_ledger_without_a_good_value_has_no_producer_entry() -> None:
    b = _ledger_bom()
    b["good"]["rule"] = [{"shift": "CC"}]
    r = _q(b)
    assert not any(k.startswith("producer:") for k in r.content_by_country)


def test_ledger_producer_value_may_be_negative() -> None:
    r = _q(_ledger_bom(transaction_value=50))
    assert r.content_by_country["producer:MX"] == Decimal(-5)


def _reman(hs: str, flagged: bool = True, recovered: bool = True) -> dict[str, Any]:
    return {
        "good": {"hs": hs, "produced_in": "MX", "date": "2023-07-15", "method": "NC", "remanufactured": flagged,
                 "costs": {"total_cost": 1000}, "rule": [{"shift": "none", "rvc": {"nc": 70}}]},
        "materials": [{"id": "recovered", "value": 600, "recovered": recovered, "origin": "unknown", "country": "MX"},
                      {"id": "other", "value": 280, "origin": "non_originating", "country": "CN"}],
    }


@pytest.mark.parametrize("hs,in_scope", [
    ("8413.30", True),     # Chapter 84
    ("9018.90", True),     # Chapter 90
    ("9402.10", True),     # heading 94.02
    ("9403.20", False),    # Chapter 94 other than 94.02
    ("8418.10", False),    # excluded heading 84.18
    ("8703.23", False),    # excluded heading 87.03
    ("8450.11", False),    # excluded subheading
    ("8450.20", True),     # same heading, subheading not excluded
    ("7326.90", False),    # outside Chapters 84-90
])
def test_remanufactured_scope(hs: str, in_scope: bool) -> None:
    r = _q(_reman(hs))
    # recovered 600 is originating only for a remanufactured good: VNM 280 (RVC 72%) vs 880 (12%)
    assert r.vnm["NC"] == (Decimal(280) if in_scope else Decimal(880))
    assert r.originating is in_scope
    step = [s for s in r.trace if s.step == "remanufactured good"]
    assert step and step[0].passed is in_scope


def test_remanufactured_needs_recovered_materials() -> None:
    r = _q(_reman("8413.30", recovered=False))
    assert r.vnm["NC"] == Decimal(880)
    assert any(s.step == "remanufactured good" and s.passed is False for s in r.trace)


def test_recovered_materials_in_a_good_not_declared_remanufactured() -> None:
    r = _q(_reman("8413.30", flagged=False))
    assert r.vnm["NC"] == Decimal(880) and any("not declared remanufactured" in s.result for s in r.trace)


def test_rescission_of_a_non_originating_designation() -> None:
    # UR s. 8(7)(a), 8(10): a designated frame failing its own rule counts at its whole value (40) as VNM;
    # rescinding the designation counts only its non-originating input (15): RVC 60% -> 85% vs 70%
    bom = {"good": {"hs": "8712.00", "produced_in": "MX", "date": "2025-03-01", "transaction_value": 100,
                    "rule": [{"shift": "none", "rvc": {"tv": 70}}]},
           "materials": [{"id": "frame", "hs": "8714.91", "value": 40, "intermediate": True, "country": "MX",
                          "rule": [{"shift": "none", "rvc": {"tv": 80}}],
                          "materials": [{"id": "tube", "value": 15, "origin": "non_originating", "country": "CN"},
                                        {"id": "labour", "value": 20, "origin": "originating", "country": "MX"}]},
                         {"id": "seat", "value": 5, "origin": "originating", "country": "US"}]}
    r = _q(bom)
    assert r.originating is False and r.vnm["TV"] == Decimal(40)
    plan = [p for p in r.to_qualify if p.get("test") == "rescission of intermediate designation"]
    assert len(plan) == 1 and plan[0]["feasible"] is True
    assert [c["material"] for c in plan[0]["changes"]] == ["frame"]
    assert plan[0]["rvc_after"]["value"] == Decimal(85)
    # an originating designation is left alone
    bom["materials"][0]["materials"][0]["value"] = 1      # frame RVC (40 - 1) / 40 = 97.5% >= 80%
    assert not any(p.get("test") == "rescission of intermediate designation" for p in _q(bom).to_qualify)
