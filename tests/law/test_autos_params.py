"""Automotive Appendix parameters: every dated number checked against the primary text.

The thresholds are read from the XML of SOR/2020-155 (Part 6; same text as 19 CFR Part 182,
Appendix A) with regular expressions, independently of the YAML, and compared with the law tree
at, the day before, and after each phase-in date.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from usmca.errors import LawError
from usmca.law import default_tree

ROOT = "usmca/ch04_appendix_autos"
MONTHS = {m: i for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"], 1)}


def _date(text: str) -> dt.date:
    m = re.match(r"(\w+) (\d+), (\d{4})", text)
    assert m, text
    return dt.date(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))


def _txt(e: ET.Element) -> str:
    return " ".join("".join(e.itertext()).split())


@pytest.fixture(scope="module")
def part6(shared_data: Path) -> ET.Element:
    root = ET.fromstring((shared_data / "legal" / "SOR-2020-155.xml").read_bytes())
    return root.find("Body")


def _section(body: ET.Element, label: str) -> ET.Element:
    for s in body.iter("Section"):
        lab = s.find("Label")
        if lab is not None and lab.text == label:
            return s
    raise AssertionError(f"section {label} not found")


def _subsection(body: ET.Element, sec: str, sub: str) -> str:
    for s in _section(body, sec).iter("Subsection"):
        lab = s.find("Label")
        if lab is not None and lab.text == sub:
            return _txt(s)
    raise AssertionError(f"s. {sec}{sub} not found")


def _s13_row(body: ET.Element, hs: str) -> str:
    for row in _section(body, "13").iter("row"):
        cells = row.findall("entry")
        if len(cells) == 2 and _txt(cells[0]).replace("–", "-").replace(" ", "") == hs:
            return _txt(cells[1])
    raise AssertionError(f"s. 13 row {hs} not found")


def _steps(text: str, pattern: str) -> list[tuple[dt.date, tuple[Decimal, ...]]]:
    out = []
    for m in re.finditer(pattern + r",? beginning on (\w+ \d+, \d{4})", text):
        *nums, day = m.groups()
        out.append((_date(day), tuple(Decimal(n) for n in nums)))
    assert out, f"no phase-in steps found with {pattern!r}"
    return out


def _check(path: str, steps: list[tuple[dt.date, Decimal]]) -> None:
    tree = default_tree()
    for i, (day, value) in enumerate(steps):
        assert Decimal(str(tree.at(path, day))) == value, (path, day)
        later = steps[i + 1][0] - dt.timedelta(days=1) if i + 1 < len(steps) else day + dt.timedelta(days=3650)
        assert Decimal(str(tree.at(path, later))) == value, (path, later)
        if i:
            before = day - dt.timedelta(days=1)
            assert Decimal(str(tree.at(path, before))) == steps[i - 1][1], (path, before)
    with pytest.raises(LawError):
        tree.at(path, steps[0][0] - dt.timedelta(days=1))


NC_TV = r"(\d+(?:\.\d+)?)% under the net cost method or (\d+(?:\.\d+)?)% under the transaction value method[^,;]*"


@pytest.mark.parametrize("sub, group", [("(13)", "core_parts"), ("(15)", "principal_parts"), ("(17)", "complementary_parts")])
def test_passenger_light_truck_part_thresholds(part6: ET.Element, sub: str, group: str) -> None:
    steps = _steps(_subsection(part6, "14", sub), NC_TV)
    assert len(steps) == 4
    _check(f"{ROOT}/passenger_light_truck/{group}_rvc_nc", [(d, v[0]) for d, v in steps])
    _check(f"{ROOT}/passenger_light_truck/{group}_rvc_tv", [(d, v[1]) for d, v in steps])


@pytest.mark.parametrize("sub, group", [("(2)", "principal_parts"), ("(3)", "complementary_parts")])
def test_heavy_truck_part_thresholds(part6: ET.Element, sub: str, group: str) -> None:
    steps = _steps(_subsection(part6, "15", sub), NC_TV)
    assert [d.year for d, _ in steps] == [2020, 2024, 2027]
    _check(f"{ROOT}/heavy_truck/{group}_rvc_nc", [(d, v[0]) for d, v in steps])
    _check(f"{ROOT}/heavy_truck/{group}_rvc_tv", [(d, v[1]) for d, v in steps])


@pytest.mark.parametrize("row, path", [("8703.21-8703.90", "passenger_light_truck/vehicle_rvc"),
                                       ("8704.21", "passenger_light_truck/vehicle_rvc"),
                                       ("8704.31", "passenger_light_truck/vehicle_rvc"),
                                       ("8701.20", "heavy_truck/vehicle_rvc"),
                                       ("8704.22-8704.23", "heavy_truck/vehicle_rvc"),
                                       ("8704.32-8704.90", "heavy_truck/vehicle_rvc")])
def test_vehicle_rvc_phase_in(part6: ET.Element, row: str, path: str) -> None:
    text = _s13_row(part6, row)
    first = text.split("(2)")[0]    # paragraph (1): the on-road vehicle
    steps = _steps(first, r"(\d+(?:\.\d+)?)%")
    _check(f"{ROOT}/{path}", [(d, v[0]) for d, v in steps])


def test_lvc_passenger_vehicle(part6: ET.Element) -> None:
    steps = _steps(_subsection(part6, "18", "(1)"),
                   r"(\d+)%, consisting of at least (\d+) percentage points of high-wage material and labour expenditures, "
                   r"no more than (\d+) percentage points of technology expenditures and no more than (\d+) percentage "
                   r"points of high-wage assembly expenditures")
    _check(f"{ROOT}/lvc/passenger_vehicle_total", [(d, v[0]) for d, v in steps])
    _check(f"{ROOT}/lvc/passenger_vehicle_high_wage_min", [(d, v[1]) for d, v in steps])
    tree = default_tree()
    for d, v in steps:
        assert Decimal(tree.at(f"{ROOT}/lvc/technology_credit_max", d)) == v[2]
        assert Decimal(tree.at(f"{ROOT}/lvc/assembly_credit", d)) == v[3]


def test_lvc_trucks_steel_wages(part6: ET.Element) -> None:
    tree, day = default_tree(), "2026-01-01"
    m = re.search(r"LVC requirement of (\d+)%, consisting of at least (\d+) percentage points", _subsection(part6, "18", "(2)"))
    assert m
    assert Decimal(tree.at(f"{ROOT}/lvc/truck_total", day)) == Decimal(m.group(1))
    assert Decimal(tree.at(f"{ROOT}/lvc/truck_high_wage_min", day)) == Decimal(m.group(2))
    m = re.search(r"at least (\d+) percent by value", _subsection(part6, "17", "(1)"))
    assert m and Decimal(tree.at(f"{ROOT}/steel_aluminum/purchase_share", day)) == Decimal(m.group(1))
    defs = _txt(_section(part6, "12"))
    wage = re.search(r"qualifying wage-rate production plant means .*?\(a\)\s*US\$(\d+) in the United States;\s*"
                     r"\(b\)\s*CA\$([\d.]+) in Canada; and\s*\(c\)\s*MXN\$([\d.]+) in Mexico", defs)
    assert wage
    for rel, v in zip(("high_wage_rate", "high_wage_rate_cad", "high_wage_rate_mxn"), wage.groups(), strict=True):
        assert Decimal(str(tree.at(f"{ROOT}/lvc/{rel}", day))) == Decimal(v)
    assert tree.at(f"{ROOT}/lvc/high_wage_rate", day) == 16   # the brief's anchor: US$16/h


def test_melted_and_poured_date(part6: ET.Element) -> None:
    text = _subsection(part6, "17", "(5)")
    m = re.search(r"\(b\)\s*beginning on (\w+ \d+, \d{4}) the good .*? all steel manufacturing processes", text)
    assert m
    start, tree = _date(m.group(1)), default_tree()
    assert tree.at(f"{ROOT}/steel_aluminum/melted_and_poured", start) is True
    assert tree.at(f"{ROOT}/steel_aluminum/melted_and_poured", start - dt.timedelta(days=1)) is False


def test_alternative_staging(part6: ET.Element) -> None:
    text, tree = _subsection(part6, "19", "(4)"), default_tree()
    nums = [Decimal(n) for n in re.findall(r"(\d+(?:\.\d+)?) ?(?:%|percent)", text)]
    assert nums[:3] == [tree.at(f"{ROOT}/alternative_staging/{k}", "2021-01-01")
                        for k in ("vehicle_rvc", "core_parts_rvc_nc", "core_parts_rvc_tv")]
    end = _date(re.search(r"until (\w+ \d+, \d{4})", _subsection(part6, "19", "(2)")).group(1))
    assert tree.at(f"{ROOT}/alternative_staging/in_effect", end) is True
    assert tree.at(f"{ROOT}/alternative_staging/in_effect", end + dt.timedelta(days=1)) is False


def test_brief_anchor_vehicle_rvc() -> None:
    """The path other engines rely on answers 66 on entry into force, then 69/72/75."""
    tree = default_tree()
    p = f"{ROOT}/passenger_light_truck/vehicle_rvc"
    assert [tree.at(p, d) for d in ("2020-07-01", "2021-07-01", "2022-07-01", "2023-07-01")] == [66, 69, 72, 75]
    assert tree.at(p, "2023-06-30") == 72


def test_every_value_cited() -> None:
    tree = default_tree()
    params = [p for p in tree.paths(ROOT) if p in tree.parameters]
    assert len(params) >= 50
    for path in params:
        entries = tree.parameter(path).entries
        assert entries, path
        for entry in entries:
            ref = entry.reference
            assert ref.instrument and ref.provision and ref.url.startswith("https://"), path
