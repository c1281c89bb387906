"""Annex 4-B rules read outside General Note 11 (chapter 64): the text, its reading, its verification."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import yaml

from usmca.hs import normalize
from usmca.origin import psr
from usmca.origin.psr.annex4b import ANNEX_TEXT, annex_documents, merge_annex
from usmca.origin.psr.coverage_table import coverage, coverage_summary
from usmca.origin.psr.library import PACKAGE_LIBRARY
from usmca.origin.rules import parse_rule, shift_test

FOOTWEAR = "64-64.01-64.05"


def test_footwear_rule_reads_as_a_heading_change_with_net_cost_rvc() -> None:
    docs, status = annex_documents()
    assert sorted(docs) == [64] and status == {64: "partial"}
    (rule,) = docs[64]["rules"]
    assert rule["id"] == FOOTWEAR and rule["hs"] == ["64.01-64.05"]
    (alt,) = rule["alternatives"]
    assert alt["shift"] == "CTH" and alt["except"] == ["64.01-64.05", "6406.10"] and alt["rvc"] == {"nc": 55}
    ref = rule["reference"]
    assert ref["chapter"] == 64 and ref["rule"] == "64.01-64.05" and "chapter 64" in ref["provision"]
    assert ref["verification"] == "government-page-copy" and ref["checked_against"] and ref["verified_how"]
    assert "6406" in docs[64]["source"]["not_found"]


def test_packaged_chapter_64_is_the_annex_text() -> None:
    """The shipped ch64.yaml is what the reader makes of texts/annex4b_extra.yaml (rebuilt, not edited)."""
    packaged = yaml.safe_load((PACKAGE_LIBRARY / "ch64.yaml").read_text())
    docs, _ = annex_documents()
    assert packaged["rules"] == docs[64]["rules"]
    assert packaged["source"]["not_found"] == docs[64]["source"]["not_found"]
    row = coverage().set_index("chapter").loc[64]
    assert row["status"] == "partial" and row["source_kind"] == "annex4b-text" and row["verification"] == "government-page-copy:1"


def test_lookup_footwear_and_parts_not_encoded() -> None:
    got = psr.lookup("6403.99", "2025-03-01")
    assert got is not None and got["rules"] == [FOOTWEAR] and got["verification"] == "government-page-copy"
    assert psr.lookup("6406.10", "2025-03-01") is None  # parts of footwear: no readable text
    assert psr.lookup("6505.00", "2025-03-01") is None


def test_footwear_rule_applied_to_materials() -> None:
    alt = parse_rule(psr.lookup("6403.99", "2025-03-01")["alternatives"])[0]
    good = normalize("6403.99")
    want = {"4107.12": True, "6406.20": True, "6406.90": True, "3901.10": True,
            "6406.10": False, "6402.19": False, "6403.91": False}
    for mat, ok in want.items():
        assert shift_test(alt, good, normalize(mat))[0] is ok, mat
    assert alt.rvc is not None


def test_general_note_text_wins_over_the_annex_text() -> None:
    gn = {64: {"chapter": 64, "rules": [{"id": "64-1"}]}}
    docs, status = merge_annex(gn, {64: "complete"})
    assert docs[64]["rules"] == [{"id": "64-1"}] and status[64] == "complete"
    docs, status = merge_annex({}, {})
    assert docs[64]["rules"][0]["id"] == FOOTWEAR and status[64] == "partial"


def test_coverage_counts_chapter_64() -> None:
    s = coverage_summary()
    assert 64 in s["chapters_encoded"] and 64 not in s["chapters_not_encoded"]


def test_official_passage_checked_against_is_in_the_regulation(shared_data) -> None:  # noqa: ANN001
    """The Uniform Regulations passage the rule was checked against is quoted word for word."""
    spec = yaml.safe_load(ANNEX_TEXT.read_text())
    root = ET.parse(shared_data / "legal" / "SOR-2020-155.xml").getroot()
    text = " ".join(" ".join(root.itertext()).split())
    text = re.sub(r"\s+([.,;])", r"\1", text)
    for r in spec["rules"]:
        for c in r["checked_against"]:
            assert " ".join(c["passage"].split()) in text, c["instrument"]
