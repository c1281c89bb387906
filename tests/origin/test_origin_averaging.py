"""Net-cost averaging (UR s. 7(15)-(20)): period structure, period sums, year-end analysis.

The regulation has no numeric averaging example: the tests check each rule of the text with
figures chosen so that the averaged and the per-unit determinations differ.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from usmca.errors import UserInputError

RULE = [{"shift": "none", "rvc": {"nc": 50}}]


def _bom(averaging: dict[str, Any] | None, date: str = "2025-05-15", method: str = "NC") -> dict[str, Any]:
    # per unit: NC 100, VNM 55 -> RVC 45% < 50%
    b: dict[str, Any] = {
        "good": {"hs": "8501.10", "produced_in": "MX", "date": date, "method": method,
                 "costs": {"total_cost": 100}, "rule": RULE},
        "materials": [{"id": "rotor", "hs": "7326.90", "value": 55, "origin": "non_originating", "country": "CN"},
                      {"id": "wire", "value": 20, "origin": "originating", "country": "US"}],
    }
    if averaging is not None:
        b["averaging"] = averaging
    return b


def _av(months: int, starts: list[str], sums: list[tuple[int, int]] | None = None, **extra: Any) -> dict[str, Any]:
    sums = sums or [(1000, 400)] * len(starts)
    return {"fiscal_year_start": "2025-01-01", "period_months": months,
            "periods": [{"start": s, "net_cost": nc, "vnm": v, **extra} for s, (nc, v) in zip(starts, sums, strict=True)]}


def test_period_sums_replace_unit_figures() -> None:
    from usmca.origin import qualify

    unit = qualify(_bom(None))
    assert unit.originating is False and unit.rvc["value"] == Decimal(45)
    # s. 7(15)(b): sums over the period (NC 1,000, VNM 400) -> RVC 60% for every unit of the period
    r = qualify(_bom(_av(3, ["2025-04-01", "2025-07-01", "2025-10-01"], [(1000, 400), (900, 500), (1000, 450)])))
    assert r.originating is True
    assert r.rvc["method"] == "NC" and r.rvc["base"] == Decimal(1000) and r.rvc["value"] == Decimal(60)
    assert [p["rvc"] for p in r.averaging] == [Decimal(60), (Decimal(400) / 900 * 100), Decimal(55)]
    # a unit produced in the second period (sums 900 / 500 -> 44.4%) does not qualify (s. 7(16))
    assert qualify(_bom(r_av := _av(3, ["2025-04-01", "2025-07-01"], [(1000, 400), (900, 500)]),
                        date="2025-08-20")).originating is False
    assert r_av["period_months"] == 3


def test_production_lots_are_summed() -> None:
    from usmca.origin import qualify

    av = {"fiscal_year_start": "2025-01-01", "period_months": 1,
          "periods": [{"start": "2025-05-01", "production": [{"units": 100, "net_cost": 100, "vnm": 55},
                                                             {"units": 300, "net_cost": 110, "vnm": 44}]}]}
    r = qualify(_bom(av))
    nc, vnm = Decimal(100 * 100 + 300 * 110), Decimal(100 * 55 + 300 * 44)
    assert r.rvc["base"] == nc and r.averaging[0]["vnm"] == vnm
    assert r.rvc["value"] == (nc - vnm) / nc * 100 and r.originating is True


@pytest.mark.parametrize("months,start,ok", [
    (3, "2025-04-01", True),    # 9 months remain, divisible by 3
    (3, "2025-02-01", False),   # 11 months remain: s. 7(15)(a)(ii) fails
    (6, "2025-07-01", True),    # 6 remain
    (6, "2025-04-01", False),   # 9 remain, not divisible by 6
    (12, "2025-01-01", True),   # the fiscal year, s. 7(15)(a)(iii)
    (12, "2025-02-01", False),  # a 12-month period not being the fiscal year
    (1, "2025-05-01", True),    # any one-month period
    (2, "2025-05-01", False),   # not a period of the law tree
])
def test_allowed_periods(months: int, start: str, ok: bool) -> None:
    from usmca.origin import qualify

    bom = _bom(_av(months, [start]), date=start)
    if ok:
        assert qualify(bom).averaging[0]["start"] == start
    else:
        with pytest.raises(UserInputError) as info:
            qualify(bom)
        assert info.value.field in ("averaging.period_months", "averaging.periods[0].start")


def test_periods_follow_each_other_with_the_same_length() -> None:
    from usmca.origin import qualify

    # s. 7(18): a 3-month choice is a choice of 3-month periods for the rest of the fiscal year
    with pytest.raises(UserInputError, match="s. 7\\(18\\)") as info:
        qualify(_bom(_av(3, ["2025-04-01", "2025-08-01"])))
    assert info.value.field == "averaging.periods[1].start"
    with pytest.raises(UserInputError, match="fiscal year"):
        qualify(_bom(_av(6, ["2025-01-01", "2025-07-01", "2026-01-01"])))


def test_date_inside_the_election_needs_its_period() -> None:
    from usmca.origin import qualify

    # s. 7(19): the election binds to the end of the fiscal year: a later unit needs its period's figures
    with pytest.raises(UserInputError, match="7\\(18\\)"):
        qualify(_bom(_av(1, ["2025-04-01"]), date="2025-05-15"))
    # before the election, the unit's own figures apply
    r = qualify(_bom(_av(1, ["2025-04-01"]), date="2025-02-10"))
    assert r.rvc["value"] == Decimal(45) and any("outside the elected periods" in s.result for s in r.trace)


def test_year_end_analysis_of_actual_costs() -> None:
    from usmca.origin import qualify

    # s. 7(20): estimated 60% passes; the actual costs (NC 1,000, VNM 520 -> 48%) decide
    av = _av(12, ["2025-01-01"], estimated=True)
    est = qualify(_bom(av))
    assert est.originating is True and any("analyse the actual costs" in s.result for s in est.trace)
    av["periods"][0]["actual"] = {"net_cost": 1000, "vnm": 520}
    act = qualify(_bom(av))
    assert act.originating is False and act.rvc["value"] == Decimal(48)
    assert act.averaging[0]["basis"] == "actual" and act.averaging[0]["estimated_rvc"] == Decimal(60)
    with pytest.raises(UserInputError, match="estimated"):
        qualify(_bom(_av(12, ["2025-01-01"], actual={"net_cost": 1, "vnm": 0})))


def test_tv_method_and_automotive_goods_are_refused() -> None:
    from usmca.origin import qualify

    with pytest.raises(UserInputError, match="net cost method") as info:
        qualify(_bom(_av(12, ["2025-01-01"]), method="TV"))
    assert info.value.field == "good.method"
    auto = _bom(_av(12, ["2025-01-01"]))
    auto["good"]["use"] = "passenger_vehicle"
    with pytest.raises(UserInputError, match="s. 16"):
        qualify(auto)


def test_averaged_goods_take_the_exact_path() -> None:
    import datetime as dt

    from usmca.law import default_tree
    from usmca.origin.bom import parse_bom
    from usmca.origin.portfolio import qualify_many
    from usmca.origin.qualify import make_context

    boms = [parse_bom(_bom(_av(12, ["2025-01-01"]))), parse_bom(_bom(None))]
    res, fallback = qualify_many(boms, make_context(default_tree(), dt.date(2025, 5, 15)))
    assert fallback == [0]
