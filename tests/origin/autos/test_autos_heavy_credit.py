"""Heavy-truck LVC credit towards the RVC (SOR/2020-155 s. 18(22)) through the rule and the engine."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from usmca.law import Reform, default_tree
from usmca.origin import qualify
from usmca.origin.autos import automotive_rule

ROOT = "usmca/ch04_appendix_autos"

TRUCK = {
    "good": {"hs": "8704.23", "use": "heavy_truck", "produced_in": "MX", "method": "NC", "date": "2025-03-01",
             "costs": {"total_cost": 100000}},
    "materials": [{"id": "engine", "hs": "8408.20", "value": 20000, "origin": "originating"},
                  {"id": "axles", "hs": "8708.50", "value": 25000, "origin": "non_originating"},
                  {"id": "tires", "hs": "4011.20", "value": 13000, "origin": "non_originating"}],
    "automotive": {"lvc": {"net_cost": 100000, "high_wage_material": 30000, "high_wage_labor_cost": 4000,
                           "technology_credit": 8, "assembly_credit": True},
                   "steel_aluminum": {"steel": {"originating": 8000, "total": 10000, "melted_and_poured": 8000},
                                      "aluminum": {"originating": 800, "total": 1000}}},
}


def _floor_alternatives(rule: list[dict]) -> list[dict]:
    return [a for a in rule if "s. 18(22)" in a["reference"]["provision"]]


def test_floor_alternative_only_while_the_credit_can_matter() -> None:
    tree = default_tree()
    floor = tree.at(f"{ROOT}/lvc/heavy_truck_excess_credit_rvc_floor", "2025-03-01")
    rule = automotive_rule("8704.23", "heavy_truck", "2025-03-01", tree)
    (alt,) = _floor_alternatives(rule)
    assert alt["rvc"] == {"nc": floor} and alt["shift"] == rule[0]["shift"]
    assert _floor_alternatives(automotive_rule("8701.20", None, "2025-03-01", tree))         # HS reads heavy truck
    assert not _floor_alternatives(automotive_rule("8704.23", "heavy_truck", "2024-06-30", tree))  # 60 = floor
    assert not _floor_alternatives(automotive_rule("8704.23", "heavy_truck", "2027-07-01", tree))  # period ended
    assert not _floor_alternatives(automotive_rule("8704.23", "other", "2025-03-01", tree))        # off-road
    assert not _floor_alternatives(automotive_rule("8708.40", "heavy_truck", "2025-03-01", tree))  # parts: no credit


def test_truck_qualifies_only_with_the_credit() -> None:
    res = qualify(TRUCK)                                   # RVC 62% < 64%, credit 34 - 30 = 4 -> 66%
    assert res.originating is True
    steps = {t.step: t for t in res.trace}
    assert steps["heavy-truck RVC with LVC credit"].passed is True
    weak = copy.deepcopy(TRUCK)
    weak["automotive"]["lvc"].update(high_wage_material=27000, technology_credit=10)   # credit 1 -> 63%
    res = qualify(weak)
    assert res.originating is False
    step = {t.step: t for t in res.trace}["heavy-truck RVC with LVC credit"]
    assert step.passed is False and "to meet it: +1 points" in step.result


def test_reform_ending_the_credit_early_disqualifies() -> None:
    reform = Reform.from_dict({"description": "no heavy-truck credit from 2025",
                               "reference": {"instrument": "t", "provision": "t", "url": "https://example.org/t"},
                               "changes": {f"{ROOT}/lvc/heavy_truck_excess_credit_in_effect": {"2025-01-01": False}}})
    res = qualify(TRUCK, reform=reform)
    assert res.originating is False and res.reform["baseline"]["originating"] is True


def test_cli_reform_explains_the_gap(tmp_path: Path, cli) -> None:  # noqa: ANN001
    bom = copy.deepcopy(TRUCK)
    bom["automotive"]["us_content"] = {"value": 40000, "net_cost": 100000}
    f = tmp_path / "truck.yaml"
    f.write_text(yaml.safe_dump(bom))
    r = tmp_path / "r.yaml"
    r.write_text(yaml.safe_dump({"description": "US content 50%", "reference": {"instrument": "t", "provision": "t",
                 "url": "https://example.org/t"}, "changes": {"usmca/review/us_content/in_effect": {"2025-01-01": True},
                                                              "usmca/review/us_content/share": {"2025-01-01": 50}}}))
    out = cli("origin", "qualify", str(f), "--reform", str(r), "--json")
    assert out.code == 0, out.err
    doc = out.json()
    assert doc["originating"] is False
    step = {t["step"]: t for t in doc["trace"]}["US content (review option)"]
    # 40% < 50%: +10 points, 0.5 x 100000 - 40000 = 10000 of US content
    assert "to meet it: +10 points, value 10000" in step["result"]
