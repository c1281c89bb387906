"""The scenario library: every file validates, every assumed number is cited, shocks compile right."""

from __future__ import annotations

import ast

import numpy as np
import pytest
import yaml

from usmca.errors import UserInputError
from usmca.scenarios import compile_scenario, load_library
from usmca.scenarios.expr import evaluate
from usmca.scenarios.library import library_paths
from usmca.scenarios.schema import parse_scenario

# the twelve options of the review the library must cover, (a) to (l), and the 2027 comparator (m)
REQUIRED = ["status_quo_2025", "after_ruling_2026", "termination", "current_law_2027", "auto_rvc85_us_content",
            "nme_content_cap", "lvc_wage_20", "steel_melted_poured", "two_bilaterals", "countermeasures",
            "digital_borders", "mra_electronics", "regional_sourcing"]


def test_library_covers_the_twelve_options(lib):
    assert list(lib) == REQUIRED


@pytest.mark.parametrize("path", library_paths(), ids=lambda p: p.name)
def test_every_file_validates_and_cites_every_number(path):
    raw = yaml.safe_load(path.read_text())
    s = parse_scenario(raw, path.name)
    assert s.description and s.title
    for a in (raw.get("assumptions") or {}).values():
        assert a["url"].startswith(("http://", "https://")) and len(a["source"]) > 20
    for name, ref in (raw.get("law") or {}).items():
        assert "fallback" not in ref, (path.name, name)     # every legal number comes from the law tree
    # no bare number in a shock: only 0 and 1 (structure), everything else is a cited name
    for k, sh in enumerate(raw.get("shocks") or []):
        for key in ("tariff", "set_tariff", "trade_cost"):
            if key in sh:
                consts = {n.value for n in ast.walk(ast.parse(str(sh[key]), mode="eval")) if isinstance(n, ast.Constant)}
                assert consts <= {0, 1}, (path.name, k, consts)
    if raw.get("reform"):
        ref = raw["reform"]["reference"]
        assert ref["url"].startswith("https://") and ref["provision"]


def test_reforms_validate_against_the_law_tree_where_encoded(lib):
    from usmca.law import Reform, default_tree

    tree = default_tree()
    for s in lib.values():
        if s.reform is None:
            continue
        r = Reform.from_dict(s.reform, source=s.source)
        known = Reform(description=r.description, changes=tuple(c for c in r.changes if c.path in tree),
                       reference=r.reference, source=r.source)
        if known.changes:
            known.validate(tree)


def _value(lib, scen, name, sector=None):
    a = {x.name: x for x in lib[scen].assumptions}[name]
    v = a.value
    return float(v.get(sector, v.get("default"))) if isinstance(v, dict) else float(v)


def test_status_quo_vehicle_tariff_is_s232_on_unclaimed_and_non_us_content_plus_mfn(lib, b):
    """Vehicles: 232 in full when not claimed, on non-US content when claimed; MFN when not claimed."""
    c = compile_scenario(lib["status_quo_2025"], b.countries, b.sectors, b.tariffs, b.flows)
    us, mx, veh, row = b.index("USA"), b.index("MEX"), b.sectors.index("vehicles"), b.index("ROW")
    law = {x["name"]: x["value"] for x in c.law_used}
    claim = _value(lib, "status_quo_2025", "claim_mx", "vehicles")
    u = _value(lib, "status_quo_2025", "us_content_veh")
    assert law["s232_nonus"] == 1.0        # us/section232/autos/usmca_treatment is non_us_content in 2025
    expected = law["s232_autos"] / 100 * ((1 - claim) + claim * (1 - u)) + b.tariffs[us, row, veh] * (1 - claim)
    assert c.tariffs[us, mx, veh] - b.tariffs[us, mx, veh] == pytest.approx(expected, rel=1e-12)
    assert c.tariffs[us, mx, veh] > law["s232_autos"] / 100 * (1 - claim)      # the deduction is partial
    assert (c.tariffs[mx, us] == b.tariffs[mx, us]).all()            # no one else moves


def test_termination_applies_mfn_within_usmca(lib, b):
    c = compile_scenario(lib["termination"], b.countries, b.sectors, b.tariffs, b.flows)
    mx, ca, row = b.index("MEX"), b.index("CAN"), b.index("ROW")
    g = [j for j, s in enumerate(b.sectors) if s != "services"]
    np.testing.assert_allclose(c.tariffs[mx, ca, g], b.tariffs[mx, row, g])
    assert (c.tariffs[mx, ca, g] > 0).all()


def test_countermeasures_are_dollar_for_dollar(lib, b):
    c = compile_scenario(lib["countermeasures"], b.countries, b.sectors, b.tariffs, b.flows)
    us = b.index("USA")
    for code in ("CAN", "MEX"):
        k = b.index(code)
        us_extra = ((c.tariffs[us, k] - b.tariffs[us, k]) * b.flows[us, k]).sum()
        counter = ((c.tariffs[k, us] - b.tariffs[k, us]) * b.flows[k, us]).sum()
        assert counter == pytest.approx(us_extra, rel=1e-10)
        assert counter > 0


def test_countermeasures_lift_below_the_trigger(lib, b):
    raw = dict(lib["countermeasures"].raw)
    raw.pop("extends")
    raw["shocks"] = [{"importers": ["USA"], "exporters": ["CAN"], "tariff": "small"}] + raw["shocks"]
    raw["assumptions"] = dict(raw["assumptions"]) | {
        "small": {"value": 0.005, "unit": "fraction", "source": "test: a US tariff below the 1% trigger",
                  "url": "https://example.org/test"}}
    s = parse_scenario(raw, "test.yaml")
    c = compile_scenario(s, b.countries, b.sectors, b.tariffs, b.flows)
    us, ca = b.index("USA"), b.index("CAN")
    assert (c.tariffs[ca, us] == b.tariffs[ca, us]).all()
    assert any("lifted" in n for n in c.notes)


def test_trade_cost_scenario_uses_cited_numbers(lib, b):
    c = compile_scenario(lib["digital_borders"], b.countries, b.sectors, b.tariffs, b.flows)
    cut = _value(lib, "digital_borders", "days_saved") * _value(lib, "digital_borders", "cost_per_day") / 100
    us, mx, chn = b.index("USA"), b.index("MEX"), b.index("CHN")
    assert c.trade_cost_hat[us, mx, 0] == pytest.approx(1 - cut)
    assert c.trade_cost_hat[us, chn, 0] == 1.0
    assert c.trade_cost_hat[us, mx, b.sectors.index("services")] == 1.0


@pytest.mark.parametrize("raw, field", [
    ({"name": "x", "title": "t", "description": "d", "model": "caliendo-parro", "date": "2026-01-01",
      "shocks": [{"importers": ["USA"], "exporters": ["MEX"], "tariff": "r"}],
      "assumptions": {"r": {"value": 0.1, "unit": "fraction", "source": "no url"}}}, "assumptions.r.url"),
    ({"name": "x", "title": "t", "description": "d", "model": "no-such-model", "date": "2026-01-01"}, "model"),
    ({"name": "x", "title": "t", "description": "d", "model": "caliendo-parro", "date": "2026-01-01", "colour": 1},
     "colour"),
])
def test_bad_files_are_user_errors_naming_the_field(raw, field):
    with pytest.raises(UserInputError) as e:
        parse_scenario(raw, "bad.yaml")
    assert e.value.field == field and e.value.source == "bad.yaml"


def test_uncited_name_is_rejected(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("name: x\ntitle: t\ndescription: d\nmodel: caliendo-parro\ndate: 2026-01-01\n"
                 "shocks: [{importers: [USA], exporters: [MEX], tariff: secret_rate}]\n")
    with pytest.raises(UserInputError, match="secret_rate"):
        load_library(tmp_path)


def test_expressions_cannot_escape():
    for bad in ("__import__('os')", "a.b", "[1][0]", "lambda: 1", "open('x')"):
        with pytest.raises(UserInputError):
            evaluate(bad, {"a": 1.0})
    assert evaluate("max(a - 1, 0) + 2 * b", {"a": 3.0, "b": 0.5}) == 3.0


def test_law_values_follow_the_date_and_expire(lib, b):
    """Section 122 is read from the law tree: 10% in March 2026, expired (0) by July 2027."""
    from usmca.law import default_tree

    if "us/section122/rate" not in default_tree():
        pytest.skip("the tariff engineer's us/section122 parameters are not in this tree")
    now = {x["name"]: x for x in compile_scenario(lib["after_ruling_2026"], b.countries, b.sectors, b.tariffs,
                                                   b.flows).law_used}
    later = {x["name"]: x for x in compile_scenario(lib["current_law_2027"], b.countries, b.sectors, b.tariffs,
                                                     b.flows).law_used}
    assert now["s122"]["value"] == default_tree().at("us/section122/rate", "2026-03-01") and now["s122"]["value"] > 0
    assert later["s122"]["value"] == 0 and "not in force" in later["s122"]["origin"]


def test_current_law_2027_is_labelled_by_what_it_is(lib):
    from usmca.report.summary import short_title

    m = lib["current_law_2027"]
    assert "Comparator" not in short_title(m.title) and "2027-07-01" in short_title(m.title)
    text = " ".join(m.description.split())
    assert "US measures encoded on 2027-07-01" in text and "the law of 2027-07-01" not in text
