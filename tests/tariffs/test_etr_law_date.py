"""``effective_rates(..., law_date=)``: every flow under the law of one date, not its own month's days."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from usmca.errors import UserInputError
from usmca.tariffs.etr import effective_rates


def flows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["hts10", "partner", "month", "value", "usmca_value"])


# metal furniture from Canada (MFN free): IEEPA 25% from 2025-03-04; USMCA-claimed goods exempt
# from 2025-03-07 (so dutiable on 4-6 March only); nothing before 4 March. From 2025-03-12 metal furniture
# is a steel derivative (Proclamation 10896 annex; U.S. note 16): 25%, claimed or not, IEEPA first.
FURNITURE = [("9403200011", "CA", "2025-02", 3100.0, 0.0), ("9403200011", "CA", "2025-02", 3100.0, 3100.0),
             ("9403200011", "CA", "2025-03", 3100.0, 0.0), ("9403200011", "CA", "2025-03", 3100.0, 3100.0)]


def test_without_law_date_months_follow_their_own_days(schedule) -> None:  # noqa: ANN001
    out = effective_rates(flows(FURNITURE), by=("month",), schedule=schedule).set_index("month")
    assert out.loc["2025-02", "duty"] == pytest.approx(0.0)
    assert out.loc["2025-03", "duty"] == pytest.approx(3100 * 0.25 * 28 / 31 + 3100 * 0.25 * 3 / 31
                                                       + 3100 * 0.25 * 20 / 31)


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2025, 3, 15), 2 * 3100 * 0.25),          # unclaimed pays IEEPA, claimed the steel duty
    (dt.date(2025, 3, 10), 3100 * 0.25),              # unclaimed pays, claimed exempt
    ("2025-03-05", 2 * 3100 * 0.25),                  # both pay (before the USMCA exemption)
    (dt.date(2025, 2, 1), 0.0),                       # before IEEPA
])
def test_law_date_applies_one_date_to_every_month(schedule, day, expected) -> None:  # noqa: ANN001
    out = effective_rates(flows(FURNITURE), by=("month",), schedule=schedule, law_date=day).set_index("month")
    assert out.loc["2025-02", "duty"] == pytest.approx(expected)
    assert out.loc["2025-03", "duty"] == pytest.approx(expected)
    assert out.loc["2025-02", "etr"] == pytest.approx(100 * expected / 6200)


def test_law_date_errors_are_user_errors(schedule) -> None:  # noqa: ANN001
    with pytest.raises(UserInputError, match="ISO date"):
        effective_rates(flows(FURNITURE), schedule=schedule, law_date="March 2025")
    with pytest.raises(UserInputError, match="outside the HTS schedule"):
        effective_rates(flows(FURNITURE), schedule=schedule, law_date=dt.date(2030, 1, 1))
