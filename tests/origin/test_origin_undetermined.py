"""Undetermined is an answer: missing facts make the result undetermined, naming them (never "not originating").

Law: an alternative of Annex 4-B holds when its shift and its RVC hold (Art. 4.2(b), 4.5); a fact
it needs that the BOM does not give (a transaction value or costs for the RVC, the HS code of a
non-originating material for the shift, the figure of a supplier statement, UR s. 9) leaves it
undetermined unless what is known already fails it. A BOM with no materials is neither wholly
obtained (Art. 4.2(a), 4.3: declared as ``good.wholly_obtained``) nor produced from materials
(4.2(b)-(c)) on its face: undetermined, never originating by accident.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from usmca.origin import qualify

RULE_NC = [{"shift": "none", "rvc": {"nc": 50}}]
BASE: dict[str, Any] = {
    "good": {"description": "Pump", "hs": "8413.70", "produced_in": "MX", "date": "2025-03-01",
             "costs": {"total_cost": 100.00}, "rule": RULE_NC},
    "materials": [
        {"id": "impeller", "hs": "8413.91", "value": 40.00, "origin": "non_originating", "country": "CN"},
        {"id": "casing", "hs": "7325.99", "value": 20.00, "origin": "originating", "country": "MX"},
    ],
}


def _bom(**changes: Any) -> dict[str, Any]:
    b = copy.deepcopy(BASE)
    for k, v in changes.items():
        if v is None:
            b["good"].pop(k, None)
        else:
            b["good"][k] = v
    return b


def test_missing_costs_for_an_nc_rvc_is_undetermined_naming_them() -> None:
    # with costs: RVC(NC) = (100 - 40) / 100 = 60% >= 50%: originating
    assert qualify(_bom()).originating is True
    r = qualify(_bom(costs=None, transaction_value=120.00))
    assert r.originating is None and r.criterion is None
    assert r.status == "undetermined" and r.missing == ("good.costs",)
    d = r.to_dict()
    assert d["status"] == "undetermined" and d["originating"] is None and d["missing"] == ["good.costs"]
    assert any("missing good.costs" in s.result for s in r.trace)


def test_a_known_failure_is_not_undetermined() -> None:
    # "best" method with TV and NC thresholds, TV given and failing, NC missing: the NC method might pass
    rule = [{"shift": "none", "rvc": {"tv": 60, "nc": 50}}]
    r = qualify(_bom(costs=None, transaction_value=80.00, rule=rule))  # RVC(TV) = 50% < 60%
    assert r.originating is None and r.missing == ("good.costs",)
    # the TV method is the producer's choice: NC is not allowed, the known test fails: not originating
    r = qualify(_bom(costs=None, transaction_value=80.00, rule=rule, method="TV"))
    assert r.originating is False and r.status == "not_originating" and r.missing == ()
    # the shift fails for a material with a code: the missing costs do not matter
    shift = [{"shift": "CTH", "rvc": {"nc": 50}}]
    b = _bom(costs=None, rule=shift, hs="8413.70")
    b["materials"][0]["hs"] = "8413.50"   # same heading, 40% of ... no base for de minimis: fails
    assert qualify(b).originating is False


def test_missing_hs_code_for_the_shift_is_undetermined() -> None:
    b = _bom(rule=[{"shift": "CTH"}])
    del b["materials"][0]["hs"]
    r = qualify(b)
    assert r.originating is None and r.missing == ("materials[0].hs",)
    # another non-originating material that surely fails beyond de minimis decides: not originating
    b["materials"].append({"id": "shaft", "hs": "8413.91", "value": 30.00, "origin": "non_originating",
                           "country": "CN"})
    b["good"]["hs"] = "8413.91"
    assert qualify(b).originating is False


def test_supplier_statement_without_its_amount() -> None:
    # the impeller counted at 40 + 15 more non-originating: RVC(NC) = (100 - 55) / 100 = 45% < 50%;
    # an "amount" statement (UR s. 9(2)(b)) could lower the VNM but gives no amount: undetermined
    b = _bom()
    b["materials"].append({"id": "seal", "hs": "4016.93", "value": 15.00, "origin": "non_originating",
                           "country": "US", "supplier_statement": {"type": "amount"}})
    r = qualify(b)
    assert r.originating is None and r.missing == ("materials[2].supplier_statement.amount",)
    # with the amount: VNM NC 40 + (15 - 10) = 45: RVC 55% >= 50%: originating
    b["materials"][2]["supplier_statement"]["amount"] = 10.00
    assert qualify(b).originating is True
    # a statement without amount on a good that passes anyway: originating
    b2 = _bom()
    b2["materials"].append({"id": "seal", "hs": "4016.93", "value": 5.00, "origin": "non_originating",
                            "country": "US", "supplier_statement": {"type": "amount"}})
    assert qualify(b2).originating is True  # (100 - 45) / 100 = 55%


def test_a_bom_without_materials_is_not_originating_by_accident() -> None:
    b = _bom()
    b["materials"] = []
    r = qualify(b)
    assert r.originating is None and r.missing == ("materials (or good.wholly_obtained)",)
    b["good"]["wholly_obtained"] = "mineral"
    b["good"]["hs"] = "2530.90"
    r = qualify(b)
    assert r.originating is True and r.criterion == "A"


def test_a_set_without_value_is_undetermined() -> None:
    b = _bom(costs=None, set=True, rule=None)
    r = qualify(b)
    assert r.originating is None and r.missing == ("good.transaction_value (or good.costs)",)


def test_cli_exit_0_and_portfolio_counts_undetermined_apart(cli, tmp_path: Path) -> None:
    f = tmp_path / "one.yaml"
    f.write_text(yaml.safe_dump(_bom(costs=None, transaction_value=120.00)))
    out = cli("origin", "qualify", str(f), "--json")
    assert out.code == 0
    doc = out.json()
    assert doc["status"] == "undetermined" and doc["originating"] is None and doc["missing"] == ["good.costs"]
    many = tmp_path / "many.yaml"
    many.write_text(yaml.safe_dump({"boms": [_bom(), _bom(costs=None, transaction_value=120.00),
                                             _bom(rule=[{"shift": "none", "rvc": {"nc": 70}}])]}))
    for fast in ((), ("--fast",)):
        out = cli("origin", "qualify", str(many), "--json", *fast)
        assert out.code == 0
        s = out.json()["summary"]
        assert (s["originating"], s["not_originating"], s["undetermined"]) == (1, 1, 1), (fast, s)
