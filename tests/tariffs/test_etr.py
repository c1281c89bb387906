"""ETR arithmetic on a hand-built flow table (rates from the law; sums done by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from usmca.errors import UserInputError
from usmca.tariffs.etr import effective_rates


def flows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["hts10", "partner", "month", "value", "usmca_value"])


def test_one_month_by_hand(schedule) -> None:  # noqa: ANN001
    f = flows([
        # car, 400 unclaimed at 2.5 + 25, 600 claimed at 0 + 25 (no US content assumed) -> 110 + 150
        ("8703230190", "MX", "2025-05", 1000.0, 600.0),
        # television, unclaimed at 3.9 + 25 -> 289
        ("8528726420", "MX", "2025-05", 1000.0, 0.0),
    ])
    out = effective_rates(f, schedule=schedule)
    assert len(out) == 1
    assert out.loc[0, "duty"] == pytest.approx(260.0 + 289.0)
    assert out.loc[0, "etr"] == pytest.approx(100 * 549.0 / 2000.0)
    assert out.loc[0, "usmca_share"] == pytest.approx(30.0)


def test_us_content_assumption(schedule) -> None:  # noqa: ANN001
    f = flows([("8703230190", "MX", "2025-05", 1000.0, 600.0)])
    out = effective_rates(f, schedule=schedule, us_content=0.5)
    assert out.loc[0, "duty"] == pytest.approx(110.0 + 600.0 * 0.25 * 0.5)


def test_month_with_changes_is_day_weighted(schedule) -> None:  # noqa: ANN001
    # March 2025, metal furniture from Canada (MFN free): IEEPA 25% from the 4th (28 of 31 days);
    # claimed goods: IEEPA 4-6 March (3 of 31 days), then the steel derivative duty 25% from the 12th
    # (20 of 31 days; Proclamation 10896 annex, no USMCA exemption).
    f = flows([("9403200011", "CA", "2025-03", 3100.0, 0.0), ("9403200011", "CA", "2025-03", 3100.0, 3100.0)])
    out = effective_rates(f, by=(), schedule=schedule)
    assert out.loc[0, "duty"] == pytest.approx(3100 * 0.25 * 28 / 31 + 3100 * 0.25 * 3 / 31 + 3100 * 0.25 * 20 / 31)


def test_grouping_and_components_add_up(schedule) -> None:  # noqa: ANN001
    f = flows([
        ("8703230190", "MX", "2025-05", 1000.0, 600.0),
        ("7208101500", "CA", "2025-07", 500.0, 100.0),
        ("0709910000", "MX", "2025-07", 200.0, 50.0),
        ("9403200011", "CA", "2025-08", 300.0, 0.0),
    ])
    total = effective_rates(f, by=(), schedule=schedule, components=True)
    by = effective_rates(f, by=("partner", "month", "section"), schedule=schedule, components=True)
    assert by["duty"].sum() == pytest.approx(total.loc[0, "duty"])
    comp = [c for c in total.columns if c.startswith("duty_")]
    assert total.loc[0, comp].sum() == pytest.approx(total.loc[0, "duty"])
    # steel 500 at 50% (claimed or not), artichokes 150 x 11.3% + 150 x 25%, furniture (a steel
    # derivative from 2025-03-12) 300 x 50%
    expected = 260.0 + 250.0 + 150 * 0.113 + 150 * 0.25 + 150.0
    assert total.loc[0, "duty"] == pytest.approx(expected)
    assert set(by["section"]) == {"II", "XV", "XVII", "XX"}


def test_rows_match_duty_api(schedule) -> None:  # noqa: ANN001
    from usmca.tariffs import duty

    f = flows([("8528726420", "MX", "2026-03", 1000.0, 0.0)])
    out = effective_rates(f, schedule=schedule)
    one = duty("8528.72.64.20", "MX", "2026-03-10", 1000.0, schedule=schedule)
    assert out.loc[0, "duty"] == pytest.approx(one.total_duty)


def test_bad_flows_rejected(schedule) -> None:  # noqa: ANN001
    with pytest.raises(UserInputError):
        effective_rates(flows([("8703230190", "MX", "2025-05", 100.0, 200.0)]), schedule=schedule)
    with pytest.raises(UserInputError):
        effective_rates(pd.DataFrame({"hts10": ["1"]}), schedule=schedule)
    with pytest.raises(UserInputError):
        effective_rates(flows([("8703230190", "MX", "2025-13", 100.0, 0.0)]), schedule=schedule)


def test_categorical_and_object_columns_agree(schedule) -> None:  # noqa: ANN001
    rng = np.random.default_rng(0)
    f = flows([(h, p, m, float(v), 0.0) for h, p, m, v in zip(
        rng.choice(["8703230190", "8528726420", "7208101500"], 60), rng.choice(["MX", "CA", "CN"], 60),
        rng.choice(["2025-02", "2025-05", "2025-09"], 60), rng.integers(1, 1000, 60), strict=True)])
    a = effective_rates(f, schedule=schedule)
    b = effective_rates(f.astype({"hts10": "category", "partner": "category", "month": "category"}), schedule=schedule)
    pd.testing.assert_frame_equal(a, b)


def test_vectorised_engine_matches_line_by_line(schedule) -> None:  # noqa: ANN001
    """Every row of a mixed table equals the one-line duty API (months without a change of law)."""
    from usmca.tariffs import duty

    codes = ["8703230190", "8708996805", "7208101500", "7601106030", "7408116000", "8528726420",
             "9403200011", "0709910000", "9401614011", "9801001000"]
    rng = np.random.default_rng(3)
    rows = []
    for h in codes:
        for p in ("CA", "MX", "CN"):
            for m in ("2025-07", "2025-09", "2025-12", "2026-05"):  # 2026-04 changes law on the 6th
                v = float(rng.integers(100, 10_000))
                rows.append((h, p, m, v, float(rng.integers(0, int(v))) if p != "CN" else 0.0))
    f = flows(rows)
    out = effective_rates(f, by=("hts10", "partner", "month"), schedule=schedule)
    merged = out.merge(f, on=["hts10", "partner", "month"], suffixes=("", "_in"))
    for r in merged.itertuples():
        day = f"{r.month}-15"
        expected = duty(r.hts10, r.partner, day, r.value - r.usmca_value, schedule=schedule).total_duty
        if r.usmca_value > 0:
            expected += duty(r.hts10, r.partner, day, r.usmca_value, usmca_claim=True, schedule=schedule).total_duty
        assert r.duty == pytest.approx(expected), (r.hts10, r.partner, r.month)
