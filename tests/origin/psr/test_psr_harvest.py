"""Rules read from harvested General Note 11 pages: committed data that must stay checked.

The harvested page texts are not in the repository (third-party text); what is committed is each
rule's verbatim legal ``text`` and its reading. These tests read every harvested rule again from
its stored text and require the same reading, a page URL of the mirror, and a registry that says
where each chapter was read from.
"""

from __future__ import annotations

import re

import pytest
import yaml

from usmca.origin import psr
from usmca.origin.psr.gn11 import parse_gn11
from usmca.origin.psr.harvest import HARVEST_KIND, HARVEST_SOURCE, committed_harvest, harvest_documents, merge_documents
from usmca.origin.psr.library import PACKAGE_LIBRARY

_URL = re.compile(r"^https://(?:www\.customsmobile\.com|checkoutapi\.com)/htsus\?general_notes=usmca&page=(\d+)$")


def _harvested():
    for f in sorted(PACKAGE_LIBRARY.glob("ch*.yaml")):
        doc = yaml.safe_load(f.read_text())
        for r in doc["rules"]:
            if r["reference"]["retrieved_from"].startswith(HARVEST_SOURCE):
                yield doc["chapter"], r


def test_there_are_harvested_rules_in_several_chapters():
    chapters = {ch for ch, _ in _harvested()}
    assert {69, 70, 71, 73, 84, 85, 97} <= chapters


@pytest.mark.parametrize("chapter,rule", list(_harvested()), ids=lambda x: x["id"] if isinstance(x, dict) else str(x))
def test_harvested_rule_reads_back_from_its_text(chapter, rule):
    dated = rule["effective_from"] is not None and not rule["reference"]["rule"].isdigit()
    header = f"Chapter {chapter}\n" + (f"Subheading rule: {rule['notes'][-1]}\n" if dated else "")
    text = parse_gn11(header + rule["text"])
    (again,) = [r for r in text.rules if r.number == rule["reference"]["rule"]]
    assert again.complete
    k = int(rule["id"].split("/")[1]) - 1 if "/" in rule["id"] else 0
    entry = again.entries[k]
    assert (entry["hs"], entry["goods"], entry["alternatives"]) == (rule["hs"], rule["goods"], rule["alternatives"])
    assert (again.effective_from, again.effective_to) == (rule["effective_from"], rule["effective_to"])


def test_every_rule_and_cut_off_carries_its_page_url():
    for f in sorted(PACKAGE_LIBRARY.glob("ch*.yaml")):
        doc = yaml.safe_load(f.read_text())
        for r in doc["rules"] + doc["notes"]:
            if r["reference"].get("verification") in ("transcription-only", "official-text-read"):
                continue  # cited to the official text (tests/origin/psr/test_psr_transcribed.py)
            if r["reference"].get("verification") == "government-page-copy":
                continue  # an Annex 4-B text read outside General Note 11 (tests/origin/psr/test_psr_annex4b.py)
            m = _URL.match(r["reference"]["url"])
            assert m, (f.name, r["id"])
            if "page" in r["reference"]:
                assert int(m.group(1)) == r["reference"]["page"], (f.name, r["id"])
        for c in doc["cut_off"]:
            if c.get("source") == HARVEST_KIND:
                assert int(_URL.match(c["url"]).group(1)) == c["page"]


def test_harvested_pages_are_not_the_shared_ones(shared_data):
    shared = {int(p.stem.split("_")[1]) for p in (shared_data / "legal" / "gn11").glob("page_*.txt")}
    pages = {r["reference"]["page"] for _, r in _harvested()}
    assert pages and not pages & shared


def test_registry_marks_the_source_of_each_chapter():
    cov = psr.coverage().set_index("chapter")
    assert cov.loc[70, ["status", "source_kind", "rules"]].tolist() == ["complete", "harvested-excerpts", 11]
    # rules the excerpts cut off are completed from the transcription (transcribed.fill_from_transcription)
    assert cov.loc[84, "source_kind"] == "shared-excerpts+harvested-excerpts+transcription"
    assert cov.loc[22, "rules_cut_off"] == 0 and cov.loc[84, "rules_cut_off"] == 0
    assert cov.loc[22, "source_kind"] == "shared-excerpts"
    assert cov.loc[65, ["status", "source_kind"]].tolist() == ["missing", ""]
    assert "page=83" in cov.loc[70, "url"] and cov.loc[71, "status"] == "partial"


def test_lookup_finds_harvested_rules():
    mirror = psr.lookup("7009.10", "2025-01-01")
    assert mirror["hs"] == "7009.10-7009.91" and mirror["rules"] == ["70-7"]
    assert mirror["alternatives"][0]["except"] == ["70.03-70.08"]
    assert mirror["reference"]["url"].endswith("page=83")
    steel = psr.lookup("7308.40", "2023-01-01")
    assert [a.get("rvc") for a in steel["alternatives"]][2] == {"tv": 65, "nc": 55}
    assert psr.lookup("7308.40", "2021-01-01") is None  # its 2020-2022 rule is on a page not harvested
    assert psr.lookup("8512.20", "2025-01-01")["alternatives"][1]["rvc"] == {"tv": 60, "nc": 50}


PAGE = ("page 900 USMCA\n(2) 50 percent where the net cost method is used.\nChapter 69\n"
        "1. A change to headings 6901 through 6914 from any other chapter.\nChapter 70\n"
        "1. A change to heading 7001 from any other heading.\n2. A change to subh")


def test_harvest_folder_round_trip(tmp_path):
    from usmca.origin.psr.build import write_library

    src = tmp_path / "harvest"
    src.mkdir()
    (src / "page_900.txt").write_text(PAGE)
    (src / "index.csv").write_text("page,file,url,first_chapter\n"
                                   "900,page_900.txt,https://checkoutapi.com/htsus?general_notes=usmca&page=900,68\n")
    docs, status = harvest_documents(src)
    assert status == {69: "complete", 70: "partial"}
    assert [r["id"] for r in docs[70]["rules"]] == ["70-1"] and docs[70]["cut_off"][0]["rule"] == "2"
    merged, mstatus = merge_documents({}, {}, docs, status)
    write_library(merged, tmp_path / "lib", status=mstatus)
    again, again_status = committed_harvest(tmp_path / "lib")
    assert again_status == status
    assert {ch: d["rules"] for ch, d in again.items()} == {ch: d["rules"] for ch, d in docs.items()}
    assert harvest_documents(src, exclude_pages={900})[0] == {}
