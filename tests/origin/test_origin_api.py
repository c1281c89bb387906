"""Public API and CLI contract of ``usmca.origin.qualify`` / ``usmca origin qualify``."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from usmca.errors import UserInputError

sys.path.insert(0, str(Path(__file__).parent))
from bomgen import motor_bom  # noqa: E402

RULE = [{"shift": "CTH", "except": ["85.03"]}, {"shift": "none", "rvc": {"tv": 60, "nc": 50}}]


def _bom(**good: Any) -> dict[str, Any]:
    return motor_bom(**good)


def test_result_is_immutable_and_has_the_contract_keys() -> None:
    from usmca.origin import QualificationResult, qualify

    r = qualify(_bom(rule=RULE))
    assert isinstance(r, QualificationResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.originating = False  # type: ignore[misc]
    d = r.to_dict()
    for k in ("originating", "criterion", "rule", "rvc", "trace", "content_by_country", "to_qualify"):
        assert k in d
    assert set(d["rvc"]) >= {"method", "value", "threshold"}
    assert all(set(s) >= {"step", "result", "reference"} for s in d["trace"])
    json.dumps(d, allow_nan=False)


def test_nc_rvc_of_the_motor_by_hand() -> None:
    from usmca.origin import qualify

    # CTH fails (stator of 85.03 excepted, 120 > 10% of 398); alternative 2, NC method:
    # NC = 380 - 19 = 361; VNM = 120 + 90 = 210; RVC = (361 - 210)/361 x 100 = 41.828...% < 50
    r = qualify(_bom(rule=RULE))
    assert r.originating is False
    assert r.rvc["method"] == "NC" and r.rvc["value"] == (Decimal_("361") - 210) / 361 * 100
    # cheapest fix: source the wire (90) -> VNM 120, RVC 66.8% (the stator alone, 120, also works
    # but costs more)
    plan = r.to_qualify[0]
    assert [c["material"] for c in plan["changes"]] == ["wire"] and plan["feasible"]
    assert plan["rvc_after"]["value"] == (Decimal_("361") - 120) / 361 * 100


def Decimal_(x: str):  # noqa: N802 - tiny helper
    from decimal import Decimal

    return Decimal(x)


def test_error_names_file_and_path(tmp_path: Path) -> None:
    from usmca.origin import load_bom

    b = _bom()
    b["materials"].append({"id": "x", "value": 1})
    b["materials"].append({"id": "y", "value": -5})
    f = tmp_path / "bom.yaml"
    f.write_text(yaml.safe_dump(b))
    with pytest.raises(UserInputError) as exc:
        load_bom(f)
    assert exc.value.field == "materials[4].value" and exc.value.reason == "must be >= 0"
    assert str(f) in exc.value.one_line()


def _wire(monkeypatch, *, library: Any = None, automotive: Any = None, hooks: tuple = ()) -> None:
    """Replace the rule sources and hooks that ``usmca.origin.qualify`` wires (composition, not lookup)."""
    import importlib

    from usmca.origin.context import InlineRule, LibraryRule

    wiring = importlib.import_module("usmca.origin.qualify")
    sources = (InlineRule(),) + ((automotive,) if automotive else ()) + (LibraryRule(library or (lambda hs, d: None)),)
    monkeypatch.setattr(wiring, "RULE_SOURCES", sources)
    monkeypatch.setattr(wiring, "REQUIREMENT_HOOKS", hooks)


def test_rule_not_encoded_is_undetermined_and_exit_0(monkeypatch, cli, tmp_path: Path) -> None:
    _wire(monkeypatch)
    from usmca.origin import qualify

    r = qualify(_bom())
    assert r.originating is None and r.criterion is None
    assert any("not encoded" in s.result for s in r.trace)
    f = tmp_path / "m.yaml"
    f.write_text(yaml.safe_dump(_bom()))
    out = cli("origin", "qualify", str(f), "--json")
    assert out.code == 0 and out.json()["originating"] is None


def test_library_rule_is_used_when_no_inline_rule(monkeypatch) -> None:
    calls = []

    def lookup(hs: str, date: Any) -> dict:
        calls.append(hs)
        return {"hs": hs, "alternatives": [{"shift": "none", "rvc": {"nc": 40}}],
                "reference": {"instrument": "USMCA Annex 4-B", "provision": "Chapter 85", "url": "https://ustr.gov"}}

    _wire(monkeypatch, library=lookup)
    from usmca.origin import qualify

    r = qualify(_bom())
    assert "8501.52" in calls and r.rule["source"] == "library" and r.originating is True
    assert r.rvc["threshold"] == 40


def test_inline_rule_wins_over_library(monkeypatch) -> None:
    _wire(monkeypatch, library=lambda hs, date: {"hs": hs, "alternatives": [{"shift": "none", "rvc": {"nc": 1}}]})
    from usmca.origin import qualify

    assert qualify(_bom(rule=RULE)).rule["source"] == "inline"


def test_automotive_requirements_are_anded(monkeypatch) -> None:
    from usmca.origin.hooks import Requirement, RuleChoice
    from usmca.origin.rules import parse_rule

    class AutoRule:
        name = "automotive"

        def find(self, query, law):
            return RuleChoice("automotive", parse_rule([{"shift": "none", "rvc": {"nc": 30}}]), None, query.hs) \
                if query.automotive else None

    class AutoReqs:
        name = "automotive"

        def applies(self, bom):
            return bom.good.use is not None

        def check(self, bom, law, evaluate):
            assert evaluate(bom, None).net_cost is not None  # the core's roll-up is handed in
            return [Requirement("LVC", "32% < 40%", "UR s. 18", False, 32, 40)]

    _wire(monkeypatch, automotive=AutoRule(), hooks=(AutoReqs(),))
    from usmca.origin import qualify

    r = qualify(_bom(use="passenger_vehicle"))
    assert r.rule["source"] == "automotive" and r.originating is False
    assert any(s.step == "LVC" and s.passed is False for s in r.trace)


def test_reform_nme_cap_changes_status() -> None:
    from usmca.law import Reform
    from usmca.origin import qualify

    ref = {"url": "https://international.gc.ca/trade-commerce/trade-agreements-accords-commerciaux/agr-acc/"
                  "cusma-aceum/text-texte/34.aspx?lang=eng", "instrument": "test scenario", "provision": "Art. 34.7"}
    reform = Reform.from_dict({"description": "cap CN content at 25%", "reference": ref, "changes": {
        "usmca/review/nme_content_cap/in_effect": {"2026-07-01": True},
        "usmca/review/nme_content_cap/max_share": {"2026-07-01": 25},
        "usmca/review/nme_content_cap/countries": {"2026-07-01": ["CN"]}}})
    rule = [{"shift": "none", "rvc": {"nc": 40}}]
    r = qualify(_bom(rule=rule), date="2026-08-01", reform=reform)
    # CN content 120 + 90 = 210 = 52.8% of TV 398 > 25%: originating in the baseline, not under the reform
    assert r.reform["baseline"]["originating"] is True and r.reform["reform"]["originating"] is False
    assert r.reform["changed"] is True and r.originating is False
    # to get under 25% of 398 (99.5) from 210: drop the stator (120) -> 90 <= 99.5
    plan = r.to_qualify[0]
    assert plan["test"] == "non-market-economy content cap" and plan["feasible"]
    assert [c["material"] for c in plan["changes"]] == ["stator"]
    before = qualify(_bom(rule=rule), date="2026-06-01", reform=reform)
    assert before.reform["changed"] is False


def test_reform_rvc_floor() -> None:
    from usmca.law import Reform
    from usmca.origin import qualify

    ref = {"url": "https://international.gc.ca/trade-commerce/trade-agreements-accords-commerciaux/agr-acc/"
                  "cusma-aceum/text-texte/34.aspx?lang=eng", "instrument": "test scenario", "provision": "Art. 34.7"}
    reform = Reform.from_dict({"description": "floor 75/65", "reference": ref, "changes": {
        "usmca/review/psr_rvc_floor/in_effect": {"2027-01-01": True},
        "usmca/review/psr_rvc_floor/tv": {"2027-01-01": 75},
        "usmca/review/psr_rvc_floor/nc": {"2027-01-01": 65}}})
    b = _bom(rule=[{"shift": "none", "rvc": {"nc": 50}}])
    b["materials"][2]["origin"] = "originating"  # RVC = (361 - 120)/361 = 66.76%
    r = qualify(b, date="2027-03-01", reform=reform)
    assert r.originating is True and r.rvc["threshold"] == 65
    b["materials"][1]["origin"] = "non_originating"  # RVC = (361 - 160)/361 = 55.7%: 50 ok, 65 not
    r = qualify(b, date="2027-03-01", reform=reform)
    assert r.reform["baseline"]["originating"] is True and r.originating is False


def test_date_option_overrides_the_bom_date(cli, tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(yaml.safe_dump(_bom(rule=RULE)))
    r = cli("origin", "qualify", str(f), "--date", "2024-06-30", "--json")
    assert r.code == 0 and r.json()["date"] == "2024-06-30"
    r = cli("origin", "qualify", str(f), "--date", "2019-01-01", "--json")
    assert r.code == 2  # before the law tree begins: a user error, one line
    assert len(r.err.strip().splitlines()) == 1


def test_portfolio_folder_and_multi_bom_file(cli, tmp_path: Path) -> None:
    folder = tmp_path / "boms"
    folder.mkdir()
    for i in range(3):
        (folder / f"b{i}.yaml").write_text(yaml.safe_dump(_bom(rule=RULE, id=f"g{i}")))
    multi = tmp_path / "multi.yaml"
    multi.write_text(yaml.safe_dump({"boms": [_bom(rule=RULE, id="a"), _bom(rule=[{"shift": "none"}], id="b")]}))
    r = cli("origin", "qualify", str(folder), "--json")
    assert r.code == 0 and r.json()["summary"]["goods"] == 3
    r = cli("origin", "qualify", str(multi), "--json")
    doc = r.json()
    assert r.code == 0 and [x["originating"] for x in doc["results"]] == [False, True]
    r = cli("origin", "qualify", str(multi))
    assert r.code == 0 and "Portfolio" in r.out


def test_human_output_single(cli, tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(yaml.safe_dump(_bom(rule=RULE)))
    r = cli("origin", "qualify", str(f))
    assert r.code == 0 and "not originating" in r.out and "To qualify" in r.out


def test_fast_portfolio_agrees_with_exact(cli, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from bomgen import random_bom

    f = tmp_path / "many.yaml"
    f.write_text(yaml.safe_dump({"boms": [random_bom(s) for s in range(60)]}))
    fast = cli("origin", "qualify", str(f), "--fast", "--json").json()
    exact = cli("origin", "qualify", str(f), "--json").json()
    assert [r["originating"] for r in fast["results"]] == [r["originating"] for r in exact["results"]]
    assert fast["summary"]["originating"] == exact["summary"]["originating"] > 0


def test_portfolio_reform_reports_changes_per_good(cli, tmp_path: Path) -> None:
    reform = tmp_path / "cap.yaml"
    reform.write_text(yaml.safe_dump({
        "description": "cap CN content at 25%",
        "reference": {"instrument": "test scenario", "provision": "Art. 34.7",
                      "url": "https://international.gc.ca/trade-commerce/trade-agreements-accords-commerciaux/"
                             "agr-acc/cusma-aceum/text-texte/34.aspx?lang=eng"},
        "changes": {"usmca/review/nme_content_cap/in_effect": {"2026-07-01": True},
                    "usmca/review/nme_content_cap/max_share": {"2026-07-01": 25},
                    "usmca/review/nme_content_cap/countries": {"2026-07-01": ["CN"]}}}))
    low_cn = _bom(rule=[{"shift": "none", "rvc": {"nc": 40}}], id="low")
    low_cn["materials"][2]["country"] = "MX"   # CN content 120 = 30.2% of 398: still above 25%
    low_cn["materials"][0]["value"] = 50.0     # CN content 50 = 12.6%: below the cap
    multi = tmp_path / "multi.yaml"
    multi.write_text(yaml.safe_dump({"boms": [_bom(rule=[{"shift": "none", "rvc": {"nc": 40}}], id="high"), low_cn]}))
    r = cli("origin", "qualify", str(multi), "--reform", str(reform), "--date", "2026-08-01", "--json")
    doc = r.json()
    assert r.code == 0 and doc["summary"]["changed_by_reform"] == 1
    assert [x["reform"]["changed"] for x in doc["results"]] == [True, False]
    r = cli("origin", "qualify", str(multi), "--reform", str(reform), "--date", "2026-08-01")
    assert r.code == 0 and "baseline" in r.out
