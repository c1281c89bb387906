"""The US measures of July-September 2026 on the HTS lines printed in the package's 2026 edition.

Section 301 country rates (USTR notice, 91 FR 47318; HTSUS U.S. note 52, headings 9903.05.20-9903.06.21,
from 2026-07-24) and the Section 338 duties on Canada (Proclamations 11046-11048; U.S. note 51, headings
9903.03.12-9903.03.16, from 2026-08-22, modified 2026-09-15). Each case is a line as a broker would
enter it; the arithmetic is the column-1 rate of the HTS line plus each measure's rate in percent.
"""

from __future__ import annotations

import pytest

from usmca.tariffs import duty

CASES = [
    # Section 301 country rates (U.S. note 52) from 2026-07-24: Mexico and Canada 10% unless entered under USMCA,
    # China 12.5%, the EU 10% including column 1 (a 16.5% T-shirt pays nothing more, a free good pays 10%)
    ("8528.72.64", "MX", "2026-07-24", {"usmca_claim": True}, 0.0, set()),
    ("6109.10.00.12", "CA", "2026-08-01", {}, 26.5, {"mfn", "section301_country_rates"}),
    ("6109.10.00.12", "CN", "2026-08-01", {}, 29.0, {"mfn", "section301_country_rates"}),
    ("6109.10.00.12", "DE", "2026-08-01", {}, 16.5, {"mfn"}),
    ("9403.89.60", "DE", "2026-08-01", {}, 10.0, {"section301_country_rates"}),
    ("6802.93.00", "DE", "2026-08-01", {}, 10.0, {"mfn", "section301_country_rates"}),  # 3.7% topped up to 10%
    ("0901.11.00.15", "VN", "2026-08-01", {}, 0.0, set()),                   # note 52(b): listed provision
    ("7308.90.30", "MX", "2026-08-01", {}, 50.0, {"section232_steel"}),       # note 52(f): a Section 232 article
    # Section 338 on Canada (U.S. note 51) from 2026-08-22, also on USMCA goods; Section 232 articles exempt until
    # 2026-09-14, then only on the dairy list
    ("2204.21.20", "CA", "2026-08-21", {"usmca_claim": True}, 0.0, set()),
    ("2204.21.20", "CA", "2026-08-22", {"usmca_claim": True}, 50.0, {"section338_alcoholic_beverages"}),
    ("2204.21.20", "MX", "2026-08-22", {"usmca_claim": True}, 0.0, set()),       # Canada only
    ("0402.10.05", "CA", "2026-10-01", {"usmca_claim": True}, 50.0, {"section338_dairy"}),
    ("0406.10.64", "CA", "2026-09-14", {"usmca_claim": True}, 0.0, set()),
    ("0406.10.64", "CA", "2026-09-15", {"usmca_claim": True}, 50.0, {"section338_alcoholic_beverages"}),
    ("7308.90.30", "CA", "2026-09-14", {"usmca_claim": True}, 50.0, {"section232_steel"}),
    ("7308.90.30", "CA", "2026-09-15", {"usmca_claim": True}, 100.0, {"section232_steel", "section338_motor_vehicles"}),
    ("2501.00.00", "CA", "2026-09-14", {"usmca_claim": True}, 50.0, {"section338_motor_vehicles"}),
    ("2501.00.00", "CA", "2026-09-15", {"usmca_claim": True}, 0.0, set()),    # salt left list 51(b)(3)
]


@pytest.mark.parametrize("hts, origin, date, kw, total, measures", CASES)
def test_summer_2026_measures(hts: str, origin: str, date: str, kw: dict, total: float, measures: set) -> None:
    res = duty(hts, origin, date, 10_000.0, **kw)
    assert res.total_rate == pytest.approx(total)
    assert {c.measure for c in res.components if c.rate > 0} == measures


def test_a_declared_civil_aircraft_part_leaves_section338() -> None:
    plain = duty("8525.81.00", "CA", "2026-10-01", 10_000.0, usmca_claim=True)
    declared = duty("8525.81.00", "CA", "2026-10-01", 10_000.0, usmca_claim=True, declared=["9903.03.16"])
    assert plain.total_rate == pytest.approx(50.0) and declared.total_rate == pytest.approx(0.0)


def test_the_etr_table_of_the_docs_is_what_the_engine_gives() -> None:
    """docs/etr.md: February 2026 flows under the law of one day, before and after the two actions."""
    import re
    from pathlib import Path

    from usmca.data.package import package_flows
    from usmca.tariffs.etr import effective_rates

    flows = package_flows()
    flows = flows[flows["month"].astype(str) == "2026-02"]
    doc = (Path(__file__).parents[2] / "docs" / "etr.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (2026-\d\d-\d\d) \| ([\d.]+) \| .*? \| ([\d.-]+) \| ([\d.]+) \|", doc, flags=re.M)
    assert len(rows) == 4
    for day, ca, s338, mx in rows:
        r = effective_rates(flows, by=("partner",), law_date=day, components=True).set_index("partner")
        assert round(float(r.loc["CA", "etr"]), 2) == float(ca), day
        assert round(float(r.loc["MX", "etr"]), 2) == float(mx), day
        got = sum(float(r.loc["CA", c]) for c in r.columns if c.startswith("duty_section338"))
        assert round(100 * got / float(r.loc["CA", "value"]), 2) == (0.0 if s338 == "-" else float(s338)), day


@pytest.mark.parametrize("hts, origin, declare, total, measures", [
    # U.S. note 43 (Proclamation 11055, from 2026-09-03): a large drone + 100%, also under a USMCA claim
    ("8806.24.00", "MX", [], 100.0, {"section232_uas"}),
    # a small drone + 25% (9903.08.22), + 100% with thermal imaging declared (9903.08.21); China's 12.5% country rate stacks
    ("8806.22.00", "CN", [], 37.5, {"section232_uas_small", "section301_country_rates"}),
    ("8806.22.00", "CN", ["9903.08.21"], 112.5, {"section232_uas_thermal", "section301_country_rates"}),
    # an onshoring plan (9903.08.25) removes it
    ("8806.22.00", "CN", ["9903.08.25"], 12.5, {"section301_country_rates"}),
    # aircraft parts of 8807: + 100% only when declared for a system over 25 kg (the provision holds other parts)
    ("8807.30.00", "MX", [], 0.0, set()),
    ("8807.30.00", "MX", ["9903.08.21"], 100.0, {"section232_uas_parts"}),
])
def test_unmanned_aircraft(hts: str, origin: str, declare: list, total: float, measures: set) -> None:
    res = duty(hts, origin, "2026-09-10", 10_000.0, usmca_claim=origin == "MX", declared=declare)
    assert res.total_rate == pytest.approx(total)
    assert {c.measure for c in res.components if c.rate > 0} == measures
    assert duty(hts, origin, "2026-09-02", 10_000.0, usmca_claim=origin == "MX").total_rate < 100.0
