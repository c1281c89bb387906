"""Statutory rates per good class (``etr_rates``) and the DuckDB join (``etr_duckdb``) against the direct path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from usmca.errors import UserInputError
from usmca.law import default_tree
from usmca.tariffs.etr import _segments, effective_rates
from usmca.tariffs.etr_duckdb import effective_rates_file
from usmca.tariffs.etr_rates import reference_rates, statutory_rates

from .conftest import RECORDS

PARTNERS = ["MX", "CA", "CN", "DE", "FR", "JP", "KR", "BR", "GB", "IN", "VN"]


def goods(schedule) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    codes = sorted({r["htsno"].replace(".", "") for r in RECORDS if len(r["htsno"].replace(".", "")) >= 8})
    codes10 = [c if len(c) == 10 else c + "00" for c in codes]
    h = np.repeat(np.array(codes10, dtype=object), len(PARTNERS))
    p = np.tile(np.array(PARTNERS, dtype=object), len(codes10))
    return h, p


MONTHS = ["2025-02", "2025-03", "2025-04", "2025-06", "2025-08", "2025-10", "2026-02", "2026-03"]


def law_dates(schedule) -> list:  # noqa: ANN001
    return _segments(pd.PeriodIndex([pd.Period(m, freq="M") for m in MONTHS]), default_tree(), schedule)[0]


@pytest.mark.parametrize("us_content", [0.0, 0.4])
def test_class_rates_equal_direct_evaluation(schedule, us_content: float) -> None:  # noqa: ANN001
    h, p = goods(schedule)
    dates = law_dates(schedule)
    fast = statutory_rates(h, p, dates, schedule=schedule, us_content=us_content)
    ref = reference_rates(h, p, dates, schedule=schedule, us_content=us_content)
    for key in ("unclaimed", "claimed"):
        assert fast[key].shape == (len(dates), len(h))
        np.testing.assert_allclose(fast[key], ref[key], rtol=1e-12, atol=1e-12)
    assert (ref["unclaimed"] > ref["unclaimed"].min()).any()  # the measures vary over goods and dates


def test_components_add_up(schedule) -> None:  # noqa: ANN001
    h, p = goods(schedule)
    dates = law_dates(schedule)
    r = statutory_rates(h, p, dates, schedule=schedule, components=True)
    for key in ("unclaimed", "claimed"):
        parts = sum(v for k, v in r.items() if k.endswith(f":{key}"))
        np.testing.assert_allclose(parts, r[key], rtol=1e-12, atol=1e-12)
    assert len([k for k in r if k.endswith(":unclaimed")]) > 4


def flows(schedule, n: int = 3000, seed: int = 2) -> pd.DataFrame:  # noqa: ANN001
    rng = np.random.default_rng(seed)
    h, p = goods(schedule)
    pick = rng.integers(0, len(h), n)
    value = np.round(rng.lognormal(9, 2, n), 0)
    share = np.where(np.isin(p[pick], ["CA", "MX"]), rng.random(n), 0.0)
    return pd.DataFrame({"hts10": h[pick], "partner": p[pick], "month": rng.choice(MONTHS, n), "value": value,
                         "usmca_value": np.round(value * share, 0)})


@pytest.mark.parametrize("by", [("partner", "month"), ("year", "hs2", "section")])
def test_duckdb_join_equals_in_memory(schedule, tmp_path: Path, by: tuple[str, ...]) -> None:  # noqa: ANN001
    f = flows(schedule)
    path = tmp_path / "flows.parquet"
    f.to_parquet(path)
    a = effective_rates(f, by=by, schedule=schedule)
    b = effective_rates_file(path, by=by, schedule=schedule)
    assert list(b.columns[:len(by)]) == list(by) and len(a) == len(b)
    for g in by:
        assert a[g].astype(str).tolist() == b[g].astype(str).tolist()
    for col in ("value", "usmca_value", "duty", "etr", "usmca_share"):
        np.testing.assert_allclose(b[col].to_numpy(dtype=float), a[col].to_numpy(dtype=float), rtol=1e-12)
    csv = tmp_path / "flows.csv"
    f.to_csv(csv, index=False)
    c = effective_rates_file(csv, by=by, schedule=schedule)
    np.testing.assert_allclose(c["duty"].to_numpy(dtype=float), a["duty"].to_numpy(dtype=float), rtol=1e-12)


def test_duckdb_law_date(schedule, tmp_path: Path) -> None:  # noqa: ANN001
    f = flows(schedule, 500)
    path = tmp_path / "flows.parquet"
    f.to_parquet(path)
    a = effective_rates(f, schedule=schedule, law_date="2026-03-02")
    b = effective_rates_file(path, schedule=schedule, law_date="2026-03-02")
    np.testing.assert_allclose(b["duty"].to_numpy(dtype=float), a["duty"].to_numpy(dtype=float), rtol=1e-12)


@pytest.mark.parametrize("column, value, field", [("value", -1.0, "row 7.value"), ("hts10", "87032301", "row 7.hts10"),
                                                  ("usmca_value", 1e12, "row 7.usmca_value")])
def test_duckdb_bad_row_named(schedule, tmp_path: Path, column: str, value: object, field: str) -> None:  # noqa: ANN001
    f = flows(schedule, 50)
    f[column] = f[column].astype(object)
    f.loc[7, column] = value
    path = tmp_path / "flows.parquet"
    f.to_parquet(path)
    with pytest.raises(UserInputError, match=field):
        effective_rates_file(path, schedule=schedule)


def test_class_rates_apply_an_all_in_rate_for_every_origin() -> None:
    # The 2026 metals Annex III brings the total duty of its goods to one all-in rate whatever the
    # origin (a deal without partners). The class path once applied only per-partner deals and
    # charged a Canadian line of Annex III 20.7% on 2026-05-01 where the direct path gives the 15%
    # (8207.30.60.62, metal forming dies: U.S. note 16(c)(x)).
    import datetime as dt

    h = np.array(["8207306062"] * 3 + ["7326908688"] * 3, dtype=object)
    p = np.array(["CA", "MX", "CN"] * 2, dtype=object)
    dates = [dt.date(2026, 3, 1), dt.date(2026, 5, 1)]
    fast, ref = statutory_rates(h, p, dates), reference_rates(h, p, dates)
    for key in ("unclaimed", "claimed"):
        np.testing.assert_allclose(fast[key], ref[key], rtol=1e-12, atol=1e-12)
    assert ref["unclaimed"][1, 0] == pytest.approx(15.0)


def test_merged_segments_weigh_the_same_rates(schedule) -> None:  # noqa: ANN001
    """Months' first days without a change of law are evaluated on the last change before them:
    fewer dates, the same month-weighted rates as evaluating every cut (a change point that
    ``_segments`` missed would make them differ)."""
    h, p = goods(schedule)
    months = pd.PeriodIndex([pd.Period(f"2025-{m:02d}", freq="M") for m in range(1, 13)]
                            + [pd.Period(m, freq="M") for m in ("2026-02", "2026-03")])
    tree = default_tree()
    d_all, w_all = _segments(months, tree, schedule, merge=False)
    d_m, w_m = _segments(months, tree, schedule)
    assert len(d_m) < len(d_all)
    np.testing.assert_allclose(w_m.sum(axis=1), 1.0, rtol=1e-15)
    full = statutory_rates(h, p, d_all, schedule=schedule)
    merged = statutory_rates(h, p, d_m, schedule=schedule)
    for key in ("unclaimed", "claimed"):
        np.testing.assert_allclose(w_m @ merged[key], w_all @ full[key], rtol=1e-12, atol=1e-12)
