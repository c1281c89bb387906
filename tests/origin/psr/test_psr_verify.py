"""Word-for-word comparison of the library with another copy of General Note 11(o) (verify.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from usmca.origin.psr.library import PACKAGE_LIBRARY
from usmca.origin.psr.verify import canonical, compare_text, verify_pages, verify_text


def _library() -> dict[int, dict]:
    return {d["chapter"]: d for d in (yaml.safe_load(f.read_text()) for f in PACKAGE_LIBRARY.glob("ch*.yaml"))}


def test_canonical_drops_layout_not_words() -> None:
    assert canonical("page 114 USMCA\n(1)  60 percent [Compiler's note: x] ") == "(1) 60 percent"
    assert canonical("group,except from (A)A change") == "group, except from (A) A change"
    assert canonical("8501.32, or") != canonical("8501.32,")


def test_compare_statuses() -> None:
    assert compare_text("A change to heading 8449 from any other heading.",
                        "A change to heading 8449 from any other heading.")["status"] == "same"
    cut = compare_text("A change to subheading 8405.90 from any other heading.", "A change to subheading 8405.90 "
                       "from any other h", theirs_complete=False)
    assert cut == {"status": "agrees-so-far", "agree_chars": 47}
    diff = compare_text("(3) subheadings 8501.32 or 8501.52, (4)", "(3) subheadings 8501.32 or 8501.52, or (4)")
    assert diff["status"] == "differs" and diff["theirs"].startswith("or (4)")


def test_a_changed_word_is_found_in_the_library() -> None:
    lib = _library()
    text = "Chapter 84\n8. A change to subheading 8404.90 from any other chapter.\n"  # the law says heading
    (f,) = verify_text(text, lib, source="test")
    assert f["status"] == "differs" and f["ids"] == ["84-8"] and f["ours"].startswith("heading")
    (g,) = verify_text("Chapter 84\n8. A change to subheading 8404.90 from any other heading.\n", lib)
    assert g["status"] == "same" and g["verification"] == "mirror-excerpt"
    (h,) = verify_text("Chapter 64\n1. A change to heading 6601 from any other heading.\n", {})
    assert h["status"] == "not-in-library"


def test_transcribed_rules_agree_with_the_excerpts_that_cut_them(shared_data: Path) -> None:
    """The rules typed from the transcription where a mirror page was cut off agree with the page
    as far as it goes; every rule read from a page is the page's text."""
    findings = verify_pages(shared_data / "legal" / "gn11", _library())
    mirror = [f for f in findings if f["verification"] == "mirror-excerpt"]
    assert mirror and all(f["status"] == "same" for f in mirror)
    typed = [f for f in findings if f["verification"] == "transcription-only"]
    assert len(typed) >= 15 and all(f["status"] == "agrees-so-far" for f in typed), typed


def test_packaged_rules_carry_their_cross_check() -> None:
    doc = yaml.safe_load((PACKAGE_LIBRARY / "ch84.yaml").read_text())
    checked = {r["id"]: r["reference"]["cross_check"] for r in doc["rules"] if "cross_check" in r["reference"]}
    assert {"84-10", "84-153/HS2017", "84-153", "84-157"} <= set(checked)
    assert checked["84-10"]["status"] == "agrees-so-far" and checked["84-10"]["against"].endswith("page=98")
    assert all(r["reference"]["verification"] == "transcription-only" for r in doc["rules"] if r["id"] in checked)


def test_cli_psr_verify(cli, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "gn11.txt"
    f.write_text("Chapter 84\n8. A change to subheading 8404.90 from any other chapter.\n")
    r = cli("data", "psr-verify", str(f), "--json")
    assert r.code == 0 and r.json()["by_status"]["differs"] == 1
    bad = cli("data", "psr-verify", str(tmp_path))
    assert bad.code == 2 and "index.csv" in bad.err


@pytest.mark.parametrize("rule", ["84-153"])
def test_the_mirror_wording_is_kept_where_the_transcription_differs(rule: str) -> None:
    """84-153 (A)(3): the mirror prints '8501.52, or'; the transcription had no 'or': the mirror's wording
    was typed (texts/provenance.yaml)."""
    doc = yaml.safe_load((PACKAGE_LIBRARY / "ch84.yaml").read_text())
    (r,) = [x for x in doc["rules"] if x["id"] == rule]
    assert canonical(r["text"]).count("8501.32 or 8501.52, or") == 2
