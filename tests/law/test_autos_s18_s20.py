"""Automotive Appendix parameters of s. 18(22) and s. 20 checked against the XML of SOR/2020-155.

The numbers and HS codes are read from the primary text with regular expressions, independently
of the YAML (same text in 19 CFR Part 182, Appendix A).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from usmca.hs import HsSet
from usmca.law import default_tree

ROOT = "usmca/ch04_appendix_autos"
MONTHS = {m: i for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"], 1)}


def _txt(e: ET.Element) -> str:
    return " ".join(" ".join(e.itertext()).split())


@pytest.fixture(scope="module")
def body(shared_data: Path) -> ET.Element:
    return ET.fromstring((shared_data / "legal" / "SOR-2020-155.xml").read_bytes()).find("Body")


def _sub(body: ET.Element, sec: str, sub: str) -> str:
    for s in body.iter("Section"):
        lab = s.find("Label")
        if lab is not None and lab.text == sec:
            for x in s.iter("Subsection"):
                xl = x.find("Label")
                if xl is not None and xl.text == sub:
                    return _txt(x)
    raise AssertionError(f"s. {sec}{sub} not found")


def _num(path: str, day: str = "2025-03-01") -> Decimal:
    return Decimal(str(default_tree().at(f"{ROOT}/{path}", day)))


def test_s18_22_numbers_and_period(body: ET.Element) -> None:
    text = _sub(body, "18", "(22)")
    m = re.search(r"For the period ending (\w+) (\d+), (\d{4}), .* higher than (\d+)% .* above (\d+) percentage "
                  r"points, .* not below (\d+)%", text)
    assert m, text
    end = dt.date(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
    assert _num("lvc/heavy_truck_excess_credit_lvc_above") == Decimal(m.group(4))
    assert _num("lvc/heavy_truck_excess_credit_points_above") == Decimal(m.group(5))
    assert _num("lvc/heavy_truck_excess_credit_rvc_floor") == Decimal(m.group(6))
    tree = default_tree()
    path = f"{ROOT}/lvc/heavy_truck_excess_credit_in_effect"
    assert tree.at(path, end - dt.timedelta(days=1)) is True
    assert tree.at(path, end) is False     # "the period ending July 1, 2027": the credit is not used from then


def test_s20_thresholds_and_codes(body: ET.Element) -> None:
    two, three = _sub(body, "20", "(2)"), _sub(body, "20", "(3)")
    assert _num("other_vehicles/rvc_nc_62_5") == Decimal(re.search(r"RVC requirement is ([\d.]+)%", two).group(1))
    assert _num("other_vehicles/rvc_nc_60") == Decimal(re.search(r"RVC requirement is ([\d.]+)%", three).group(1))
    h = re.search(r"\(h\) a good of heading (\d\d\.\d\d) or (\d\d\.\d\d) or subheading (\d{4}\.\d\d)", two)
    assert h, two
    eg = default_tree().at(f"{ROOT}/other_vehicles/engine_gearbox_hs", "2025-03-01")
    assert sorted(eg) == sorted(h.groups())
    c = re.search(r"subheading (\d{4}\.\d\d) through (\d{4}\.\d\d), (\d{4}\.\d\d) or (\d{4}\.\d\d), a good in Table F",
                  three)
    assert c, three
    excluded = HsSet.parse(default_tree().at(f"{ROOT}/other_vehicles/table_f_rvc_excluded_hs", "2025-03-01"))
    for code in (c.group(1), "848250", c.group(2), c.group(3), c.group(4)):
        assert excluded.contains(code.replace(".", "")), code
    for code in ("848310", "848340", "848290"):
        assert not excluded.contains(code), code


def test_s20_4_and_5_wording_the_engine_relies_on(body: ET.Element) -> None:
    four, five = _sub(body, "20", "(4)"), _sub(body, "20", "(5)")
    assert "at the choice of the producer" in four
    assert "(i) the value of such material that is non-originating" in four
    assert "(ii) the VNM used in the production of such material" in four
    assert "the value of any other non-originating material used by the producer that is not listed" in four
    assert "despite subsection (4)" in five and "sum of the values of all non-originating materials" in five


def test_s13_description_limits_match_the_rows() -> None:
    t = default_tree().table(f"{ROOT}/s13_rules", "2025-03-01")
    limited = t[t["applies_to"].fillna("") != ""]
    assert set(limited["hs"]) == {"8702.10-8702.90", "8708.29", "8708.91", "8708.92", "8708.99"}
    # every limited row states the limit as a condition in words, so it stays unsupported without a declaration
    assert (limited["unsupported"].fillna("") != "").all()


def test_s20_8_reduced_rvc_and_periods(body: ET.Element) -> None:
    text = _sub(body, "20", "(8)")
    m = re.search(r"\(a\) (\d+)% for (\w+) years after .* \(b\) (\d+)% for (\w+) years after", text)
    assert m, text
    words = {"two": 2, "five": 5}
    assert _num("other_vehicles/new_plant_rvc") == Decimal(m.group(1)) == Decimal(m.group(3))
    assert _num("other_vehicles/new_plant_years") == words[m.group(2)]
    assert _num("other_vehicles/refit_years") == words[m.group(4)]
    scope = HsSet.parse(default_tree().at(f"{ROOT}/other_vehicles/motor_vehicle_hs", "2025-03-01"))
    two, three = _sub(body, "20", "(2)"), _sub(body, "20", "(3)")
    # every subheading or heading of 87.xx named for a motor vehicle in s. 20(2)(a)-(g), (3)(a)(i)-(v)
    named = set(re.findall(r"(87\d\d\.\d\d|87\.0\d)", two.split("(h)")[0] + " " + three.split("(vi)")[0]))
    assert named and all(scope.contains(c.replace(".", "")) for c in named), named
    assert not scope.contains("870600") and not scope.contains("870840")
