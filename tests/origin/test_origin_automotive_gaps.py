"""A vehicle failing an automotive requirement under a reform: the gap reaches ``to_qualify``."""

from __future__ import annotations

from pathlib import Path

from usmca.law import Reform, default_tree
from usmca.origin import qualify

VEHICLE = Path(__file__).resolve().parents[2] / "examples" / "vehicle_bom.yaml"
STEEL = "usmca/ch04_appendix_autos/steel_aluminum/purchase_share"


def test_steel_share_raised_to_80_fails_with_the_value_to_switch() -> None:
    reform = Reform.from_dict({"reference": {"instrument": "test", "provision": "p", "url": "https://example.org"},
                               "changes": {STEEL: {"2026-01-01": 80}}})
    base = qualify(VEHICLE, date="2026-06-01")
    assert base.originating is True
    res = qualify(VEHICLE, date="2026-06-01", reform=reform)
    assert res.originating is False
    gaps = {p["test"]: p for p in res.to_dict()["to_qualify"] if p.get("solver") == "automotive requirement gap"}
    steel = gaps["steel purchases"]
    # the example buys 10,000 of steel, 7,600 originating (76%; melted-and-poured applies only from
    # 2027-07-01): 80% of 10,000 = 8,000, so 400 of purchases must switch to originating steel
    assert default_tree().with_reform(reform).at(STEEL, "2026-06-01") == 80
    assert steel["gap"]["value"] == 400 and steel["feasible"] is True
