"""The Section 232 metals lists of HTSUS U.S. note 16(c), before and after Proclamation 11032 (2026-06-08).

Each list is a table of the law tree (``us/section232/{steel,aluminum,copper,annex_1b,annex_3,mobile_equipment}``)
transcribed from the note text of HTSUS 2026 Revision 9 and Revision 10. The counts below are the note's: (vi) 105,
(vii) 301, (viii) 4 provisions with 22 listed twice, so 388 distinct under heading 9903.82.09 until 2026-06-07; on
2026-06-08 62 provisions leave (vii) for (x) and the new (xi), four leave (vi) for (ix), 8708.29.21 is split between
(ix) and (x), and four enter (vi)-(vii). The duty cases are lines of the package's HTS 2026 edition as a broker would
enter them, with the arithmetic in the comments.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from usmca.errors import UserInputError
from usmca.law import default_tree
from usmca.tariffs import duty
from usmca.tariffs.deals import apply_deals
from usmca.tariffs.measures import Goods, evaluate

T = default_tree()
METALS = ("section232_steel", "section232_aluminum", "section232_copper", "section232_metals_annex_1b",
          "section232_metals_annex_3", "section232_metals_xi")


def _codes(path: str, day: str) -> set[str]:
    return set(T.tables[path].rows_at(day)["hts"])


@pytest.mark.parametrize(("path", "before", "after"), [
    ("us/section232/annex_1b/scope", 388, 326),        # (vi)-(viii): 9903.82.09, 25%
    ("us/section232/annex_3/scope", 47, 86),           # (ix)-(x): 9903.82.10-.11, 15% all-in
    ("us/section232/mobile_equipment/scope", 0, 28),   # (xi): new on 2026-06-08
    ("us/section232/steel/scope", 178, 178),           # (iii)-(iv): 9903.82.02, 50%
    ("us/section232/aluminum/scope", 26, 26),          # (i)-(ii): 9903.82.02, 50%
])
def test_the_lists_hold_the_notes_provisions(path: str, before: int, after: int) -> None:
    assert len(_codes(path, "2026-05-01")) == before
    assert len(_codes(path, "2026-06-08")) == after


def test_the_moves_of_proclamation_11032() -> None:
    b1_before, b1_after = (_codes("us/section232/annex_1b/scope", d) for d in ("2026-06-07", "2026-06-08"))
    a3_before, a3_after = (_codes("us/section232/annex_3/scope", d) for d in ("2026-06-07", "2026-06-08"))
    xi = _codes("us/section232/mobile_equipment/scope", "2026-06-08")
    left = b1_before - b1_after
    assert len(left) == 66 and b1_after - b1_before == {"3701.30.00", "9403.20.00.75", "9403.20.00.82", "9403.99.90.40"}
    assert not (a3_before - a3_after) and len(a3_after - a3_before) == 39
    # every provision that left (vi)-(viii) is in (ix)-(xi) from that day, 8708.29.21 at its two statistical lines
    assert left - a3_after - xi == {"8708.29.21"} and {"8708.29.21.20", "8708.29.21.30"} <= a3_after
    assert xi <= left


@pytest.mark.parametrize("day", ["2026-05-01", "2026-06-08", "2026-10-01"])
def test_no_article_falls_under_two_metals_headings(day: str) -> None:
    # U.S. note 16(a): the headings are mutually exclusive. 7614.10.10 and 7308.20.00.35 are on the aluminum and the
    # steel lists (the same heading 9903.82.02): the steel duty is charged once (us/stacking/excludes)
    codes = set()
    for leaf in ("steel", "aluminum", "annex_1b", "annex_3", "mobile_equipment"):
        codes |= _codes(f"us/section232/{leaf}/scope", day)
    codes |= set(T.get("us/section232/copper/scope", dt.date.fromisoformat(day)))
    hts = np.array(sorted(c.replace(".", "").ljust(10, "0") for c in codes), dtype=object)
    goods = Goods(hts, np.array(["CN"] * len(hts), dtype=object))
    ev = evaluate(goods, dt.date.fromisoformat(day), np.zeros(len(hts), dtype=bool), T)
    charged = sum((ev.rate[k] > 0).astype(int) for k in METALS if k in ev.rate)
    assert charged.max() == 1
    # a listed line without a metals duty is a vehicle or vehicle part: the automobile, parts and truck duties take
    # the place of the metals duties (us/stacking/excludes)
    vehicles = ("section232_autos", "section232_auto_parts", "section232_mhd_trucks", "section232_mhd_parts",
                "section232_buses")
    other = sum((ev.rate[k] > 0).astype(int) for k in vehicles if k in ev.rate)
    assert ((charged == 1) | (other > 0)).all()


def _rates(hts: str, origin: str, date: str, claim: bool = False, col1: float = 0.0,
           us_content: float | None = None) -> tuple[dict[str, float], dict[str, float]]:
    goods = Goods(np.array([hts], dtype=object), np.array([origin], dtype=object))
    when = dt.date.fromisoformat(date)
    usc = None if us_content is None else np.array([us_content])
    ev = evaluate(goods, when, np.array([claim]), T, us_content=usc)
    apply_deals(ev, goods, when, T, np.array([col1]))
    rates = {k: float(r[0]) for k, r in ev.rate.items() if r[0] > 0 and k in METALS}
    return rates, {k: float(ev.base[k][0]) for k in rates}


def test_a_forklift_moves_to_list_xi() -> None:
    # 8427.20.80.90 (self-propelled works trucks) is in (vii) until 2026-06-07: 25% on the full value, claimed or not
    assert _rates("8427208090", "MX", "2026-06-07", claim=True, us_content=0.5) == (
        {"section232_metals_annex_1b": 25.0}, {"section232_metals_annex_1b": 1.0})
    # from 2026-06-08, (xi): a Chinese forklift pays 25% of the full value (9903.82.09)
    assert _rates("8427208090", "CN", "2026-06-10") == ({"section232_metals_xi": 25.0}, {"section232_metals_xi": 1.0})
    # a German one 15% including column 1 (Free): 15% (9903.82.22)
    assert _rates("8427208090", "DE", "2026-06-10")[0] == {"section232_metals_xi": 15.0}
    # a Mexican one eligible under USMCA with 50% US content: 25% on 1 - min(0.50, 0.40) = 0.60 of the value
    # (9903.82.20 on the non-US content and on US content above 40%; 9903.82.21 free on the first 40%)
    assert _rates("8427208090", "MX", "2026-06-10", claim=True, us_content=0.5)[1] == {"section232_metals_xi": pytest.approx(0.6)}
    # with 30% US content the whole US content is free: 0.70 of the value
    assert _rates("8427208090", "MX", "2026-06-10", claim=True, us_content=0.3)[1] == {"section232_metals_xi": pytest.approx(0.7)}
    # not entered under USMCA: the full value
    assert _rates("8427208090", "MX", "2026-06-10", us_content=0.5)[1] == {"section232_metals_xi": 1.0}


def test_the_broker_sees_the_forklift_duty() -> None:
    # $100,000 Mexican forklift, USMCA claimed, 50% US content, entered 2026-06-10: column 1 Free, USMCA takes the
    # Section 122 surcharge off; Section 232 25% x $60,000 = $15,000
    res = duty("8427.20.80.90", "MX", "2026-06-10", 100_000.0, usmca_claim=True, us_content=0.5)
    assert res.total_duty == pytest.approx(15_000.0)
    (xi,) = [c for c in res.components if c.measure == "section232_metals_xi"]
    assert xi.base == pytest.approx(60_000.0) and xi.reference["instrument"].startswith("Proclamation 11032")


@pytest.mark.parametrize(("hts", "origin", "date", "col1", "expected"), [
    # automotive air-conditioner parts, (vi) until 2026-06-07, (ix) from 2026-06-08: 15% less column 1 (1.4%)
    ("8415908045", "MX", "2026-06-07", 1.4, {"section232_metals_annex_1b": 25.0}),
    ("8415908045", "MX", "2026-06-08", 1.4, {"section232_metals_annex_3": pytest.approx(13.6)}),
    # steel furniture 9403.20.00.82: no list from 2026-04-06 (its 2025 derivative line ended), (vii) from 2026-06-08
    ("9403200082", "CN", "2026-06-07", 0.0, {}),
    ("9403200082", "CN", "2026-06-08", 0.0, {"section232_metals_annex_1b": 25.0}),
    # parts of forklifts 8431.20.00 move from (vii) to (xi); track-laying tractors 8701.30.10 to (x), 8701.30.50 to (xi)
    ("8431200000", "JP", "2026-06-07", 0.0, {"section232_metals_annex_1b": 25.0}),
    ("8431200000", "JP", "2026-06-08", 0.0, {"section232_metals_xi": 15.0}),
    ("8701301000", "JP", "2026-06-08", 0.0, {"section232_metals_annex_3": 15.0}),
    ("8701305000", "JP", "2026-06-08", 0.0, {"section232_metals_xi": 15.0}),
])
def test_provisions_on_the_day_of_the_moves(hts: str, origin: str, date: str, col1: float, expected: dict) -> None:
    assert _rates(hts, origin, date, claim=origin == "MX", col1=col1)[0] == expected


# The alternatives that turn on facts only the importer knows (U.S. note 16(e) and (k)): charged only when the
# entry declares their heading, in place of the list's own heading (16(a)); never in an ETR over trade flows.
@pytest.mark.parametrize(("hts", "origin", "date", "declare", "total", "measures"), [
    # machine screws 7318.15.40 (list (iv), 50%): 85%/95% US-melted steel declared, + 10% (9903.82.06)
    ("7318.15.40.00", "CN", "2026-05-01", [], 50.0, {"section232_steel"}),
    ("7318.15.40.00", "CN", "2026-05-01", ["9903.82.06"], 10.0, {"section232_metals_us_content"}),
    # trash compactors in (x) from 2026-06-08 (column 1 2.8%): 15% all-in, or 10% all-in under 9903.82.07
    ("8479.89.55.00", "DE", "2026-06-10", [], 15.0, {"mfn", "section232_metals_annex_3"}),
    ("8479.89.55.00", "DE", "2026-06-10", ["9903.82.07"], 10.0, {"mfn", "section232_metals_us_content_all_in"}),
    # a forklift of list (xi) from China, US-melted steel: + 10% instead of 25%
    ("8427.20.80.90", "CN", "2026-06-10", ["9903.82.06"], 10.0, {"section232_metals_us_content"}),
    # telescoping hydraulic cylinders 8412.21.00.45 (list (vii), 25%, column 1 Free) for a tractor plant (16(k)):
    # 15% all-in (9903.82.25), 10% all-in with US-melted steel (9903.82.23), from 2026-06-08 only
    ("8412.21.00.45", "JP", "2026-06-10", [], 25.0, {"section232_metals_annex_1b"}),
    ("8412.21.00.45", "JP", "2026-06-10", ["9903.82.25"], 15.0, {"section232_metals_equipment_parts"}),
    ("8412.21.00.45", "JP", "2026-06-10", ["9903.82.23"], 10.0, {"section232_metals_equipment_parts_us_content"}),
])
def test_declared_alternatives(hts: str, origin: str, date: str, declare: list, total: float, measures: set) -> None:
    res = duty(hts, origin, date, 10_000.0, declared=declare)
    assert res.total_rate == pytest.approx(total)
    assert {c.measure for c in res.components if c.rate > 0} == measures


def test_the_equipment_parts_rule_is_not_for_general_note_3b_countries() -> None:
    # 16(k): headings 9903.82.23-9903.82.26 do not apply to products of Belarus, Cuba, North Korea or Russia
    measures = {c.measure for c in duty("8412.21.00.45", "RU", "2026-06-10", 10_000.0, declared=["9903.82.25"]).components
                if c.rate > 0}
    assert "section232_metals_annex_1b" in measures and "section232_metals_equipment_parts" not in measures
    # and 9903.82.25 is not a heading an entry can declare before 2026-06-08
    with pytest.raises(UserInputError):
        duty("8412.21.00.45", "JP", "2026-06-07", 10_000.0, declared=["9903.82.25"])


def test_a_declaration_that_does_not_fit_the_line_says_so() -> None:
    # flat-rolled steel 7208.39.00 is an article of steel (iii): 16(e) does not cover it, the 50% stays
    res = duty("7208.39.00.90", "CN", "2026-05-01", 10_000.0, declared=["9903.82.06"])
    assert res.total_rate == pytest.approx(50.0)
    assert any(w.startswith("declared 9903.82.06 does not change the duty") for w in res.warnings)
    # a part of chapter 73 is outside 16(k): 9903.82.25 leaves the 25% of list (vii)
    res = duty("7326.90.86.60", "JP", "2026-06-10", 10_000.0, declared=["9903.82.25"])
    assert {c.measure for c in res.components if c.rate > 0} >= {"section232_metals_annex_1b"}
    assert any(w.startswith("declared 9903.82.25 does not change the duty") for w in res.warnings)
    # without a declaration, the broker is told which declaration would change the duty and on what fact
    plain = duty("7318.15.40.00", "CN", "2026-05-01", 10_000.0)
    assert any("9903.82.06 (the metal content meets U.S. note 16(e)" in w for w in plain.warnings)


def test_the_broker_is_told_what_the_line_can_declare() -> None:
    # a part of list (vii) in chapter 84 on 2026-06-10: the exclusions 9903.82.01/.03, 16(e) and 16(k)
    res = duty("8412.21.00.45", "JP", "2026-06-10", 10_000.0)
    assert set(res.declarable) == {"9903.82.01", "9903.82.03", "9903.82.06", "9903.82.23", "9903.82.24",
                                   "9903.82.25", "9903.82.26"}
    assert res.to_dict()["declarable"] == list(res.declarable)
    # a line outside every measure that reads a declaration has none
    assert duty("0901.11.00.15", "BR", "2026-06-10", 10_000.0).declarable == ()
