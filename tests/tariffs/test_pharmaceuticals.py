"""Section 232 pharmaceuticals, HTSUS U.S. note 40 (from 2026-07-31; modified 2026-09-29).

Whether an article of the listed provisions is a patented pharmaceutical, a generic, or imported for a company with
an agreement is a fact the HTS code does not show: the duty is charged when the entry declares heading 9903.04.60
(or 9903.04.62 for Japan, the EU, Korea, Switzerland and Liechtenstein), and the other headings of the note remove
it. Each case is a line of the package's HTS 2026 edition; the arithmetic is in the comments.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from usmca.errors import UserInputError
from usmca.law import default_tree
from usmca.tariffs import duty
from usmca.tariffs.measures import Goods, evaluate

T = default_tree()
API = "2918.99.30.00"   # column 1 6.5%


@pytest.mark.parametrize(("origin", "declare", "claim", "total", "measures"), [
    # 40(d): 100% including column 1, 6.5% + 93.5%; the country rate of India is off (52(f)(8))
    ("IN", ["9903.04.60"], False, 100.0, {"mfn", "section232_pharmaceuticals"}),
    # 40(f): Germany 15% including column 1, 6.5% + 8.5%
    ("DE", ["9903.04.62"], False, 15.0, {"mfn", "section232_pharmaceuticals"}),
    # 40(g): the United Kingdom + 0% (Revision 15); its country rate is off too (52(f)(8))
    ("GB", ["9903.04.63"], False, 6.5, {"mfn"}),
    # 40(b): a USMCA claim does not remove it: column 1 0% under USMCA, + 100%
    ("CA", ["9903.04.60"], True, 100.0, {"section232_pharmaceuticals"}),
    # a generic (9903.04.67): no Section 232 duty; Canada's 10% country rate applies without a USMCA claim
    ("CA", ["9903.04.67"], False, 16.5, {"mfn", "section301_country_rates"}),
    # a company with an onshoring plan (9903.04.64): + 20%
    ("MX", ["9903.04.64"], False, 26.5, {"mfn", "section232_pharma_onshoring"}),
])
def test_pharmaceutical_entries(origin: str, declare: list, claim: bool, total: float, measures: set) -> None:
    res = duty(API, origin, "2026-08-10", 10_000.0, declared=declare, usmca_claim=claim)
    assert res.total_rate == pytest.approx(total)
    assert {c.measure for c in res.components if c.rate > 0} == measures


def test_an_undeclared_line_is_not_charged_and_the_broker_is_told() -> None:
    res = duty(API, "CA", "2026-08-10", 10_000.0, usmca_claim=True)
    assert res.total_rate == pytest.approx(0.0)
    assert any(w.startswith("section232_pharmaceuticals not applied: it applies only when the entry declares 9903.04.60")
               for w in res.warnings)


def test_the_headings_exist_only_from_their_dates() -> None:
    with pytest.raises(UserInputError):
        duty(API, "IN", "2026-07-30", 10_000.0, declared=["9903.04.60"])
    with pytest.raises(UserInputError):          # 9903.04.70 (clinical trials) from 2026-09-29
        duty(API, "IN", "2026-09-28", 10_000.0, declared=["9903.04.70"])
    assert duty(API, "IN", "2026-09-30", 10_000.0, declared=["9903.04.70"]).total_rate == pytest.approx(16.5)


@pytest.mark.parametrize(("hts", "day", "charged"), [
    ("3004200083", "2026-09-28", True),     # removed from the list by Revision 20
    ("3004200083", "2026-09-29", False),
    ("3004200042", "2026-09-28", False),    # added by Revision 20
    ("3004200042", "2026-09-29", True),
    ("2922190910", "2026-09-29", True),     # 2922.19.09.00 split into .10 and .90
])
def test_the_list_of_revision_20(hts: str, day: str, charged: bool) -> None:
    goods = Goods(np.array([hts], dtype=object), np.array(["IN"], dtype=object))
    ev = evaluate(goods, dt.date.fromisoformat(day), np.array([False]), T, declared_headings=frozenset({"9903.04.60"}))
    assert bool(ev.rate["section232_pharmaceuticals"][0] > 0) is charged


def test_the_list_counts() -> None:
    table = T.tables["us/section232/pharmaceuticals/scope"]
    assert (len(table.rows_at("2026-08-01")), len(table.rows_at("2026-09-29"))) == (131, 149)
