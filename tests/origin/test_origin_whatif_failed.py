"""The what-if names the rule that failed in every plan, with its figures (issue 16 item 6)."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from usmca.law import Reform
from usmca.origin import qualify

sys.path.insert(0, str(Path(__file__).parent))
from bomgen import motor_bom  # noqa: E402

REF = {"url": "https://international.gc.ca/trade-commerce/trade-agreements-accords-commerciaux/agr-acc/"
              "cusma-aceum/text-texte/34.aspx?lang=eng", "instrument": "test scenario", "provision": "Art. 34.7"}


def _bom(rule: list[dict[str, Any]]) -> dict[str, Any]:
    return motor_bom(rule=rule, date="2026-08-01")


def test_each_alternative_plan_names_its_failed_tests_and_margins() -> None:
    rule = [{"shift": "CTH", "except": ["85.03"]}, {"shift": "none", "rvc": {"tv": 60, "nc": 50}}]
    r = qualify(_bom(rule))
    assert r.originating is False
    plans = {p["alternative"]: p for p in r.to_qualify}
    # alternative 1: the stator (85.03, excepted) fails the shift; 120 > 10% of the adjusted TV 398 = 39.8
    shift = plans[1]["failed"]
    assert [f["test"] for f in shift] == ["tariff shift (CTH)"]
    assert shift[0]["value"] == Decimal(120) and shift[0]["threshold"] == Decimal("39.8")
    assert shift[0]["by"] == Decimal("80.2")
    # alternative 2: RVC (NC) = (361 - 210) / 361 x 100 = 41.83% < 50%: short by 8.17 points
    rvc = plans[2]["failed"]
    assert [f["test"] for f in rvc] == ["RVC (NC)"]
    want = Decimal(50) - (Decimal(361) - 210) / 361 * 100
    assert rvc[0]["by"] == want and rvc[0]["threshold"] == 50
    assert json.dumps(r.to_dict(), allow_nan=False)  # plain JSON


def test_under_an_nme_cap_the_plan_names_the_cap_and_by_how_much() -> None:
    reform = Reform.from_dict({"description": "cap CN content at 25%", "reference": REF, "changes": {
        "usmca/review/nme_content_cap/in_effect": {"2026-07-01": True},
        "usmca/review/nme_content_cap/max_share": {"2026-07-01": 25},
        "usmca/review/nme_content_cap/countries": {"2026-07-01": ["CN"]}}})
    r = qualify(_bom([{"shift": "none", "rvc": {"nc": 40}}]), reform=reform)
    # the RVC passes (41.8% >= 40%), the cap fails: CN content 210 = 52.76% of TV 398 > 25%
    assert r.originating is False and r.rvc["value"] >= 40
    plan = r.to_qualify[0]
    assert plan["test"] == "non-market-economy content cap"
    failed = plan["failed"]
    assert failed[0]["test"] == "non-market-economy content cap"
    share = Decimal(210) / Decimal(398) * 100
    assert failed[0]["value"] == share and failed[0]["threshold"] == 25 and failed[0]["by"] == share - 25
    assert "usmca/review/nme_content_cap/max_share" in failed[0]["reference"]
    # an alternative failing too carries the cap among its failures (fixing the RVC alone is not enough)
    r2 = qualify(_bom([{"shift": "none", "rvc": {"nc": 50}}]), reform=reform)
    alt = [p for p in r2.to_qualify if p["alternative"] == 1][0]
    assert [f["test"] for f in alt["failed"]] == ["RVC (NC)", "non-market-economy content cap"]
