"""The Automotive Appendix part tables: rebuilt from the XML identically, provenance on every row."""

from __future__ import annotations

from pathlib import Path

import pytest

from usmca.hs import HsSet
from usmca.law import default_tree
from usmca.law.build_auto_tables import TABLES, build_tables, tables_dir

ROOT = "usmca/ch04_appendix_autos"


def test_rebuild_is_identical(shared_data: Path) -> None:
    built = build_tables(shared_data / "legal" / "SOR-2020-155.xml")
    assert set(built) == set(TABLES.values())
    for name, text in built.items():
        assert (tables_dir() / f"{name}.csv").read_text(encoding="utf-8") == text, f"{name}.csv is stale: rebuild it"


@pytest.mark.parametrize("name", sorted(TABLES.values()) + ["s13_rules"])
def test_rows_have_provenance_and_valid_codes(name: str) -> None:
    df = default_tree().table(f"{ROOT}/{name}" if name == "s13_rules" else f"{ROOT}/tables/{name}", "2025-01-01")
    assert len(df) > 0
    for col in ("effective_from", "instrument", "provision", "url"):
        assert (df[col].str.strip() != "").all(), col
    assert df["url"].str.startswith("https://laws-lois.justice.gc.ca/").all()
    assert df["instrument"].str.contains("SOR/2020-155").all()
    codes = df["hs6"] if "hs6" in df else df["hs"]
    for c in codes:
        HsSet.parse([c])        # raises on a malformed code


def test_counts_match_the_research_notes() -> None:
    """Independent counts (research notes, section 3): 17 Table A.1 lines; Table S: 54 steel
    subheadings plus two stampings, 6 aluminum headings plus the same two stampings."""
    tree = default_tree()
    a1 = tree.table(f"{ROOT}/tables/a1")
    assert a1["seq"].nunique() == 17
    s = tree.table(f"{ROOT}/tables/s")
    steel = s[s["category"] == "steel"]
    assert (~steel["hs6"].str.startswith("8708")).sum() == 54
    assert sorted(steel[steel["hs6"].str.startswith("8708")]["hs6"]) == ["8708.29", "8708.99"]
    alu = s[s["category"] == "aluminum"]
    assert sorted(alu["hs6"]) == ["76.01", "76.02", "76.04", "76.05", "76.06", "76.08", "8708.29", "8708.99"]
    a2 = tree.table(f"{ROOT}/tables/a2")
    assert list(dict.fromkeys(a2["category"])) == ["Engines", "Transmissions", "Body and chassis", "Axles",
                                                    "Suspension systems", "Steering systems", "Advanced batteries"]
    assert (a2["ex"] == "true").all()     # every Table A.2 code is "ex"


def test_s13_rules_cover_every_row_of_the_s13_table(shared_data: Path) -> None:
    """Each HS row of the s. 13 table (XML) has alternatives in s13_rules for some vehicle class."""
    import re
    import xml.etree.ElementTree as ET

    body = ET.fromstring((shared_data / "legal" / "SOR-2020-155.xml").read_bytes()).find("Body")
    sec = next(s for s in body.iter("Section") if s.find("Label") is not None and s.find("Label").text == "13")
    rows = [" ".join("".join(r.findall("entry")[0].itertext()).split()) for r in sec.iter("row")]
    codes = [c for c in rows if re.match(r"\d{2}", c) and not re.search(r"\.[a-z]{2}$", c)]
    assert len(codes) >= 25
    rules = default_tree().table(f"{ROOT}/s13_rules", "2025-01-01")
    sets = [HsSet.parse(h.split()) for h in rules["hs"]]
    for c in codes:
        first = re.split(r"\s*[-–]\s*", c)[0]
        digits = first.replace(".", "")
        assert any(s.contains(digits) for s in sets), f"s. 13 row {c} has no encoded alternative"
