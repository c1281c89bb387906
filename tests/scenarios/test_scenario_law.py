"""Scenarios read every legal number from the law tree: deal rates, Section 301, 232 treatment."""

from __future__ import annotations

import numpy as np
import pytest

from usmca.errors import UserInputError
from usmca.law import default_tree
from usmca.scenarios import compile_scenario
from usmca.scenarios.schema import parse_scenario


def _compiled(lib, b, name):
    return compile_scenario(lib[name], b.countries, b.sectors, b.tariffs, b.flows)


def test_no_library_scenario_uses_a_fallback_and_every_path_is_in_the_tree(lib, b):
    tree = default_tree()
    for s in lib.values():
        for ref in s.law:
            assert ref.fallback is None, (s.name, ref.name)
            assert ref.path in tree, (s.name, ref.path)
        used = _compiled(lib, b, s.name).law_used
        assert all(u["origin"].startswith("law tree") for u in used), s.name


@pytest.mark.parametrize("name, path, key, date", [
    ("recip_eu", "us/reciprocal/deal_all_in", "EU", "2025-10-01"),
    ("recip_kr", "us/reciprocal/deal_all_in", "KR", "2025-10-01"),
    ("auto_jp", "us/reciprocal/deal_autos_all_in", "JP", "2025-10-01"),
    ("ieepa_cn", "us/ieepa/fentanyl_china/rate", "CN", "2025-10-01"),
])
def test_status_quo_reads_deal_and_china_rates_from_the_tree(lib, b, name, path, key, date):
    used = {u["name"]: u for u in _compiled(lib, b, "status_quo_2025").law_used}
    assert used[name]["value"] == default_tree().at(f"{path}/{key}", date)
    assert used[name]["reference"]["url"].startswith("https://")


def test_deal_rates_end_with_ieepa_but_the_auto_deal_stays(lib, b):
    tree = default_tree()
    assert tree.at("us/reciprocal/deal_all_in/EU", "2026-03-01") is None
    used = {u["name"]: u["value"] for u in _compiled(lib, b, "after_ruling_2026").law_used}
    assert used["auto_kr"] == tree.at("us/reciprocal/deal_autos_all_in/KR", "2026-03-01")
    assert tree.get("us/reciprocal/deal_autos_all_in/KR", "2025-10-01") is None   # Korea's deal from 2025-11-01


def test_eu_vehicles_pay_the_all_in_rate_net_of_the_base(lib, b):
    c = _compiled(lib, b, "status_quo_2025")
    us, eu, veh = b.index("USA"), b.index("EU27"), b.sectors.index("vehicles")
    rate = default_tree().at("us/reciprocal/deal_autos_all_in/EU", "2025-10-01") / 100
    assert c.tariffs[us, eu, veh] == pytest.approx(max(rate, b.tariffs[us, eu, veh]))


def test_baseline_us_tariff_on_china_adds_section_301_from_the_tree(b):
    us, cn, eu = b.index("USA"), b.index("CHN"), b.index("EU27")
    s301 = default_tree().at("us/section301/china/average_rate", "2024-07-01") / 100
    goods = [j for j, s in enumerate(b.sectors) if s != "services"]
    np.testing.assert_allclose(b.tariffs[us, cn, goods] - b.tariffs[us, eu, goods], s301, rtol=1e-9)
    assert b.meta["bilateral_measures"][0]["path"] == "us/section301/china/average_rate"


def test_mfn_applies_to_goods_not_claiming_and_termination_does_not_double_it(lib, b):
    us, mx, row, agri = b.index("USA"), b.index("MEX"), b.index("ROW"), b.sectors.index("agri_food")
    mfn = b.tariffs[us, row, agri]
    claim = {a.name: a for a in lib["after_ruling_2026"].assumptions}["claim_mx"].value["default"]
    s122 = default_tree().at("us/section122/rate", "2026-03-01") / 100
    now = _compiled(lib, b, "after_ruling_2026").tariffs[us, mx, agri]
    assert now == pytest.approx((mfn + s122) * (1 - claim), rel=1e-12)
    term = _compiled(lib, b, "termination").tariffs[us, mx, agri]
    assert term == pytest.approx(mfn + s122, rel=1e-12)          # MFN once, at zero claims


def test_equals_turns_a_code_into_an_indicator_and_follows_a_reform(lib, b):
    raw = dict(lib["after_ruling_2026"].raw)
    raw["reform"] = {"description": "test: USMCA vehicles fully exempt from 232",
                     "reference": {"instrument": "test", "provision": "test", "url": "https://example.org/t"},
                     "changes": {"us/section232/autos/usmca_treatment": {"2026-01-01": "exempt"}}}
    s = parse_scenario(raw, "t.yaml")
    c = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows)
    assert {u["name"]: u["value"] for u in c.law_used}["s232_nonus"] == 0.0
    base = _compiled(lib, b, "after_ruling_2026")
    us, mx, veh = b.index("USA"), b.index("MEX"), b.sectors.index("vehicles")
    assert c.tariffs[us, mx, veh] < base.tariffs[us, mx, veh]


@pytest.mark.parametrize("law, field", [
    ({"x": {"path": "us/section232/autos/usmca_treatment", "equals": "a", "key": "MX"}}, "law.x.equals"),
    ({"x": {"path": "us/section232/autos/rate", "colour": 1}}, "law.x.colour"),
])
def test_bad_law_entries_are_user_errors(law, field):
    raw = {"name": "x", "title": "t", "description": "d", "model": "caliendo-parro", "date": "2026-01-01",
           "law": law, "shocks": [{"importers": ["USA"], "exporters": ["MEX"], "tariff": "x"}]}
    with pytest.raises(UserInputError) as e:
        parse_scenario(raw, "bad.yaml")
    assert e.value.field == field


def test_melted_and_poured_moves_metals_only_and_says_why_vehicles_do_not(lib, b):
    g, m = _compiled(lib, b, "steel_melted_poured"), _compiled(lib, b, "current_law_2027")
    us, mx = b.index("USA"), b.index("MEX")
    diff = g.tariffs[us, mx] - m.tariffs[us, mx]
    assert diff[b.sectors.index("metals")] > 0            # MFN on the metals that stop claiming
    assert np.count_nonzero(diff) == 1
    assert "70%" in lib["steel_melted_poured"].description and "cited" in lib["steel_melted_poured"].notes
