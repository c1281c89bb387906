"""Chapter 99 headings declared on the entry (``--declare``): facts only the importer knows.

HTSUS 2026 Revision 10 (USITC HTS JSON export, https://hts.usitc.gov/): 9903.79.01 (+25%) applies
to semiconductor articles of U.S. note 39(b) and 9903.79.02-.09 exempt them by end use;
9903.82.01 (no aluminum, steel or copper) and 9903.82.03 (metal under 15% of the weight, except
chapters 72, 73, 74 and 76) take an article out of the metals duty. A fact not declared is never
assumed.
"""

from __future__ import annotations

import numpy as np
import pytest

from usmca.data.loaders.hts import parse_hts_records
from usmca.errors import UserInputError
from usmca.law import default_tree, parse_date
from usmca.tariffs import duty
from usmca.tariffs.measures import Goods, evaluate
from usmca.tariffs.schedule import Schedule


def _rec(htsno: str, general: str) -> dict:
    return {"htsno": htsno, "indent": "2", "description": "line", "superior": None, "units": [],
            "general": general, "special": "", "other": "", "footnotes": [], "quotaQuantity": None,
            "additionalDuties": None}


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    """Three lines as printed in HTSUS 2026 (column 1 rates of the USITC JSON export)."""
    import datetime as dt

    import pandas as pd

    recs = [_rec("8471.50.01.50", "Free"), _rec("7321.11.10", "5.7%"), _rec("8203.40.60", "Free")]
    frames = [parse_hts_records(recs, "test 2025", dt.date(2025, 1, 1)),
              parse_hts_records(recs, "test 2026", dt.date(2026, 1, 1))]
    return Schedule(pd.concat(frames, ignore_index=True), "test")


def _parts(res) -> dict[str, float]:  # noqa: ANN001
    return {c.measure: c.rate for c in res.components}


def _run(schedule, hts, origin, date, **kw):  # noqa: ANN001, ANN201
    return duty(hts, origin, date, 1000.0, schedule=schedule, **kw)


def test_semiconductor_duty_needs_the_declaration(schedule) -> None:  # noqa: ANN001
    plain = _run(schedule, "8471.50.01.50", "TW", "2026-03-01")
    assert "section232_semiconductors" not in _parts(plain)
    assert any("9903.79.01" in w for w in plain.warnings)
    met = _run(schedule, "8471.50.01.50", "TW", "2026-03-01", declared=["9903.79.01"])
    assert _parts(met)["section232_semiconductors"] == default_tree().on(parse_date("2026-03-01", "d")).get(
        "us/section232/semiconductors/rate")
    before = _run(schedule, "8471.50.01.50", "TW", "2026-01-14", declared=None)
    assert "section232_semiconductors" not in _parts(before)


@pytest.mark.parametrize("use", [f"9903.79.0{i}" for i in range(2, 10)])
def test_semiconductor_end_use_exempts(schedule, use) -> None:  # noqa: ANN001
    res = _run(schedule, "8471.50.01.50", "TW", "2026-03-01", declared=["9903.79.01", use])
    assert "section232_semiconductors" not in _parts(res)
    assert any(use in w for w in res.warnings)


def test_metals_exclusion_no_metal(schedule) -> None:  # noqa: ANN001
    base = _parts(_run(schedule, "7321.11.10", "CN", "2026-05-01"))
    assert base["section232_metals_annex_1b"] > 0
    res = _parts(_run(schedule, "7321.11.10", "CN", "2026-05-01", declared=["9903.82.01"]))
    assert "section232_metals_annex_1b" not in res


def test_metals_weight_exclusion_not_for_chapter_73(schedule) -> None:  # noqa: ANN001
    res = _parts(_run(schedule, "7321.11.10", "CN", "2026-05-01", declared=["9903.82.03"]))
    assert res["section232_metals_annex_1b"] > 0
    other = _parts(_run(schedule, "8203.40.60", "CN", "2026-05-01"))
    assert other["section232_metals_annex_1b"] > 0
    light = _parts(_run(schedule, "8203.40.60", "CN", "2026-05-01", declared=["9903.82.03"]))
    assert "section232_metals_annex_1b" not in light


def test_undeclared_facts_never_assumed_in_flows() -> None:
    goods = Goods(np.array(["8471500150", "7321111000"], dtype=object), np.array(["TW", "CN"], dtype=object))
    ev = evaluate(goods, parse_date("2026-05-01", "d"), np.array([False, False]), default_tree())
    assert float(ev.rate["section232_semiconductors"][0]) == 0.0
    assert float(ev.rate["section232_metals_annex_1b"][1]) > 0.0


def test_unknown_declaration_is_bad_input(schedule) -> None:  # noqa: ANN001
    with pytest.raises(UserInputError, match="9903.99.99"):
        _run(schedule, "8471.50.01.50", "TW", "2026-03-01", declared=["9903.99.99"])
    with pytest.raises(UserInputError, match="9903.82.01"):  # not yet in force
        _run(schedule, "7321.11.10", "CN", "2025-12-01", declared=["9903.82.01"])
