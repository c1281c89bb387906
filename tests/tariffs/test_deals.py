"""EU, Japan and Korea deal rates: 15% all-in in place of the reciprocal and Section 232 auto duties.

Expected totals are the published rule added by hand: column 1 plus max(0, 15 - column 1) under
EO 14326 Annex I (EU, from 2025-08-07), EO 14345 (Japan: reciprocal from 2025-08-07, autos from
2025-09-16), FR Doc 2025-18660 (EU autos from 2025-08-01) and FR Doc 2025-21940 (Korea: autos from
2025-11-01, reciprocal from 2025-11-14); the reciprocal tariff ends on 2026-02-20 (Learning
Resources v. Trump). Column-1 rates are those printed in the 2025 Basic HTS (shared sample).
"""

from __future__ import annotations

import numpy as np
import pytest

from usmca.law import Reform, default_tree
from usmca.tariffs import duty
from usmca.tariffs.deals import apply_deals, partner_keys
from usmca.tariffs.measures import Goods, evaluate

NOT_ENCODED = "country-specific reciprocal rates"


@pytest.fixture(scope="module")
def sample(shared_data):  # noqa: ANN001, ANN201
    from usmca.tariffs.schedule import _sample_schedule

    return _sample_schedule()


def run(sample, hts, origin, date, **kw):  # noqa: ANN001, ANN201
    return duty(hts, origin, date, 1000.0, schedule=sample, **kw)


def parts(res) -> dict[str, float]:  # noqa: ANN001
    return {c.measure: c.rate for c in res.components if c.rate > 0}


CAR = "8703.23.01"  # column 1: 2.5%
CASES = [
    # German car: Section 232 25% until 2025-07-31, 15% all-in (232 part 12.5%) from 2025-08-01
    (CAR, "DE", "2025-07-31", 27.5, {"mfn": 2.5, "section232_autos": 25.0}),
    (CAR, "DE", "2025-08-01", 15.0, {"mfn": 2.5, "section232_autos": 12.5}),
    (CAR, "DE", "2025-08-02", 15.0, {"mfn": 2.5, "section232_autos": 12.5}),
    (CAR, "DE", "2026-03-02", 15.0, {"mfn": 2.5, "section232_autos": 12.5}),  # Section 232 survives
    # Japanese car: from 2025-09-16
    (CAR, "JP", "2025-09-15", 27.5, {"mfn": 2.5, "section232_autos": 25.0}),
    (CAR, "JP", "2025-09-16", 15.0, {"mfn": 2.5, "section232_autos": 12.5}),
    (CAR, "JP", "2025-09-17", 15.0, {"mfn": 2.5, "section232_autos": 12.5}),
    # Korean car: from 2025-11-01
    (CAR, "KR", "2025-10-31", 27.5, {"mfn": 2.5, "section232_autos": 25.0}),
    (CAR, "KR", "2025-11-01", 15.0, {"mfn": 2.5, "section232_autos": 12.5}),
    (CAR, "KR", "2025-11-02", 15.0, {"mfn": 2.5, "section232_autos": 12.5}),
    # a UK car is not covered: full Section 232
    (CAR, "GB", "2025-11-02", 27.5, {"mfn": 2.5, "section232_autos": 25.0}),
    # German auto part (column 1 2.5%)
    ("8708.99.68", "DE", "2025-07-31", 27.5, {"mfn": 2.5, "section232_auto_parts": 25.0}),
    ("8708.99.68", "DE", "2025-08-01", 15.0, {"mfn": 2.5, "section232_auto_parts": 12.5}),
    # French Roquefort, column 1 2.7%: baseline 10% until 2025-08-06, all-in 15% to 2026-02-19
    ("0406.40.20", "FR", "2025-08-06", 12.7, {"mfn": 2.7, "reciprocal": 10.0}),
    ("0406.40.20", "FR", "2025-08-07", 15.0, {"mfn": 2.7, "reciprocal": 12.3}),
    ("0406.40.20", "FR", "2025-08-08", 15.0, {"mfn": 2.7, "reciprocal": 12.3}),
    ("0406.40.20", "FR", "2026-02-19", 15.0, {"mfn": 2.7, "reciprocal": 12.3}),
    ("0406.40.20", "FR", "2026-02-20", 2.7, {"mfn": 2.7}),
    # French blue-veined cheese, column 1 20% (above 15%): no reciprocal duty under the deal
    ("0406.40.52", "FR", "2025-08-06", 30.0, {"mfn": 20.0, "reciprocal": 10.0}),
    ("0406.40.52", "FR", "2025-08-07", 20.0, {"mfn": 20.0}),
    ("0406.40.52", "FR", "2025-08-08", 20.0, {"mfn": 20.0}),
    # column 1 exactly 15%: no reciprocal duty
    ("0406.40.51", "IT", "2025-08-07", 15.0, {"mfn": 15.0}),
    # Korean television (column 1 3.9%): baseline 10% until 2025-08-06, Annex I's 15% on top of
    # column 1 until 2025-11-13, all-in from 2025-11-14
    ("8528.72.64", "KR", "2025-08-06", 13.9, {"mfn": 3.9, "reciprocal": 10.0}),
    ("8528.72.64", "KR", "2025-08-07", 18.9, {"mfn": 3.9, "reciprocal": 15.0}),
    ("8528.72.64", "KR", "2025-11-13", 18.9, {"mfn": 3.9, "reciprocal": 15.0}),
    ("8528.72.64", "KR", "2025-11-14", 15.0, {"mfn": 3.9, "reciprocal": 11.1}),
    ("8528.72.64", "KR", "2025-11-15", 15.0, {"mfn": 3.9, "reciprocal": 11.1}),
    ("8528.72.64", "KR", "2026-02-20", 3.9, {"mfn": 3.9}),
    # Japanese television: all-in from 2025-08-07 (EO 14345, retroactive)
    ("8528.72.64", "JP", "2025-08-06", 13.9, {"mfn": 3.9, "reciprocal": 10.0}),
    ("8528.72.64", "JP", "2025-08-07", 15.0, {"mfn": 3.9, "reciprocal": 11.1}),
    ("8528.72.64", "JP", "2025-08-08", 15.0, {"mfn": 3.9, "reciprocal": 11.1}),
    # other origins keep the baseline
    ("8528.72.64", "GB", "2025-11-14", 13.9, {"mfn": 3.9, "reciprocal": 10.0}),
    ("8528.72.64", "CN", "2025-11-14", 23.9, {"mfn": 3.9, "ieepa_fentanyl_china": 10.0, "reciprocal": 10.0}),
]


@pytest.mark.parametrize(("hts", "origin", "date", "total", "expected"), CASES)
def test_deal_rates(sample, hts, origin, date, total, expected) -> None:  # noqa: ANN001
    res = run(sample, hts, origin, date)
    assert res.total_rate == pytest.approx(total)
    assert parts(res) == pytest.approx(expected)


def test_deal_component_cites_the_deal(sample) -> None:  # noqa: ANN001
    res = run(sample, "0406.40.20", "FR", "2025-08-07")
    rec = next(c for c in res.components if c.measure == "reciprocal")
    assert "2025-15010" in rec.reference["url"]
    assert "all-in" in rec.note
    car = next(c for c in run(sample, CAR, "KR", "2025-11-01").components if c.measure == "section232_autos")
    assert "2025-21940" in car.reference["url"]
    kr = next(c for c in run(sample, "8528.72.64", "KR", "2025-11-13").components if c.measure == "reciprocal")
    assert "added to column 1" in kr.note


@pytest.mark.parametrize(("origin", "date", "warned"), [
    ("FR", "2025-08-06", True), ("FR", "2025-08-07", False), ("FR", "2026-03-02", False),
    ("JP", "2025-08-07", False), ("KR", "2025-08-06", True), ("KR", "2025-11-13", False), ("KR", "2025-11-14", False),
    ("CN", "2025-11-14", True), ("GB", "2025-11-14", True),
])
def test_not_encoded_warning_only_for_uncovered(sample, origin, date, warned) -> None:  # noqa: ANN001
    res = run(sample, "8528.72.64", origin, date)
    assert any(NOT_ENCODED in w for w in res.warnings) is warned


def test_rates_come_from_the_law_tree(sample) -> None:  # noqa: ANN001
    ref = {"instrument": "test", "provision": "test", "url": "https://example.org/"}
    tree = default_tree().with_reform(Reform.from_dict({
        "description": "EU all-in at 12%", "reference": ref,
        "changes": {"us/reciprocal/deal_all_in/EU": {"2025-08-07": 12}}}))
    res = duty("0406.40.20", "FR", "2025-09-01", 1000.0, schedule=sample, tree=tree)
    assert res.total_rate == pytest.approx(12.0)
    assert run(sample, "0406.40.20", "FR", "2025-09-01").total_rate == pytest.approx(15.0)


def test_apply_deals_vectorised() -> None:
    tree = default_tree()
    date = np.datetime64("2025-11-14").astype(object)  # Korea all-in from this day
    origins = np.array(["FR", "DE", "KR", "CN", "GB", "JP"], dtype=object)
    assert list(partner_keys(origins, tree, date)) == ["EU", "EU", "KR", "CN", "GB", "JP"]
    goods = Goods(np.array(["8528726400"] * 6, dtype=object), origins)
    ev = evaluate(goods, date, np.zeros(6, dtype=bool), tree)
    mfn = np.array([3.9, 16.0, 0.0, 3.9, 3.9, 15.0])
    applied = apply_deals(ev, goods, date, tree, mfn)
    assert ev.rate["reciprocal"] == pytest.approx([11.1, 0.0, 15.0, 10.0, 10.0, 0.0])
    assert list(applied.mask["reciprocal"]) == [True, True, True, False, False, True]


def test_statutory_rates_apply_the_deals(schedule) -> None:  # noqa: ANN001
    """The ETR path (vectorised over goods and dates) gives the same deal rates as ``duty``."""
    import datetime as dt

    from usmca.tariffs.etr import statutory_rates

    hts = ["8703230190", "8528726400", "8528726400", "8528726400", "8703230190"]
    origin = ["DE", "KR", "FR", "CN", "JP"]
    dates = [dt.date(2025, 7, 31), dt.date(2025, 8, 7), dt.date(2025, 11, 14)]
    out = statutory_rates(hts, origin, dates, schedule=schedule)["unclaimed"]
    assert out[0] == pytest.approx([27.5, 13.9, 13.9, 33.9, 27.5])  # before the deals (CN: fentanyl 20 + 10)
    assert out[1] == pytest.approx([15.0, 18.9, 15.0, 33.9, 27.5])  # EU all-in; KR additive; JP autos later
    assert out[2] == pytest.approx([15.0, 15.0, 15.0, 23.9, 15.0])  # CN fentanyl 10 from 2025-11-10


def test_column1_at_or_above_the_deal_rate_is_explained(sample) -> None:  # noqa: ANN001
    res = run(sample, "0406.40.52", "FR", "2025-08-07")
    assert any(w.startswith("reciprocal not applied: column 1 (20%)") for w in res.warnings)
    assert not any("not applied" in w for w in run(sample, "0406.40.20", "FR", "2025-08-07").warnings)
