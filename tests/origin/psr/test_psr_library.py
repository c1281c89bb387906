"""Lookup (most specific scope wins, dates, not encoded), coverage registry, and the CLI loader."""

from __future__ import annotations

import pytest
import yaml

from usmca.origin import psr
from usmca.origin.psr.library import PACKAGE_LIBRARY


def test_most_specific_scope_wins():
    item = psr.lookup("2202.90.10", "2025-01-01")
    sub = psr.lookup("2202.90.99", "2025-01-01")
    assert item["hs"] == "2202.90.10" and item["rules"] == ["22-5"]
    assert sub["hs"] == "2202.90" and sub["rules"] == ["22-6"]
    assert all("unsupported" not in a for a in sub["alternatives"])


def test_short_code_with_narrower_rules_is_not_decided():
    r = psr.lookup("2202.90", "2025-01-01")
    assert r["narrower_rules"][:2] == ["2202.90.10", "2202.90.22"]
    assert all("narrower scope" in a["unsupported"] for a in r["alternatives"])


def test_range_scope_and_reference():
    r = psr.lookup("840212", "2025-01-01")
    assert r["hs"] == "8402.11-8402.20"
    assert r["reference"]["instrument"] == "HTSUS General Note 11(o)"
    assert r["reference"]["url"].endswith("page=98") and r["reference"]["rule"] == "3"
    assert "8402.11 through 8402.20" in r["text"]


def test_dated_rules_follow_the_date():
    before = psr.lookup("7313.00", "2022-01-01")
    after = psr.lookup("7313.00", "2024-01-01")
    assert [a["shift"] for a in before["alternatives"]] == ["CTH"]
    assert after["alternatives"][2]["rvc"] == {"tv": 75, "nc": 65}
    assert psr.lookup("7312.10", "2021-06-01") is None  # the pre-2023 rule is cut off in the source


def test_goods_qualified_rules_are_flagged():
    r = psr.lookup("8469.00", "2025-01-01")
    assert len(r["rules"]) == 2
    assert all("described as" in a["unsupported"] for a in r["alternatives"])


def test_not_encoded_is_none_and_bad_code_is_user_error():
    assert psr.lookup("6406.10", "2025-01-01") is None
    assert psr.lookup("6601.10", "2025-01-01") is None  # chapters 65-67 (and 6406): no source read
    assert psr.lookup("8536.50", "2025-01-01")["rules"] == ["85-85"]  # filled from the transcription
    from usmca.errors import UserInputError

    with pytest.raises(UserInputError):
        psr.lookup("85x", "2025-01-01")


def test_coverage_registry_matches_library():
    cov = psr.coverage()
    assert list(cov["chapter"]) == list(range(1, 98))
    for f in PACKAGE_LIBRARY.glob("ch*.yaml"):
        doc = yaml.safe_load(f.read_text())
        row = cov[cov["chapter"] == doc["chapter"]].iloc[0]
        assert row["entries"] == len(doc["rules"])
        assert row["rules_cut_off"] == len(doc["cut_off"])
    assert cov.loc[cov["chapter"] == 23, "status"].item() == "complete"
    assert cov.loc[cov["chapter"] == 65, "status"].item() == "missing"
    assert cov.loc[cov["chapter"] == 64, "status"].item() == "partial"  # 64.01-64.05 only (annex4b)


def test_packaged_library_is_what_the_importer_builds(shared_data, tmp_path):
    """The excerpts in shared/data plus the committed harvested rules rebuild the library exactly."""
    from usmca.origin.psr.sources import build_from_fragments

    build_from_fragments(shared_data, tmp_path, harvest=PACKAGE_LIBRARY)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in PACKAGE_LIBRARY.iterdir()
                                                                if p.name != "README.md")
    for f in [*PACKAGE_LIBRARY.glob("ch*.yaml"), PACKAGE_LIBRARY / "registry.csv"]:
        assert (tmp_path / f.name).read_text() == f.read_text(), f.name


def test_fragment_rules_come_from_shared_data_alone(shared_data, tmp_path):
    """Every rule not marked as harvested is rebuilt, identical, from shared/data without the harvest."""
    from usmca.origin.psr.harvest import HARVEST_SOURCE
    from usmca.origin.psr.sources import build_from_fragments

    build_from_fragments(shared_data, tmp_path)
    for f in PACKAGE_LIBRARY.glob("ch*.yaml"):
        packaged = [r for r in yaml.safe_load(f.read_text())["rules"]
                    if not r["reference"]["retrieved_from"].startswith(HARVEST_SOURCE)]
        rebuilt = yaml.safe_load((tmp_path / f.name).read_text())["rules"] if (tmp_path / f.name).exists() else []
        assert packaged == rebuilt, f.name


def test_cli_load_writes_user_library(shared_data, tmp_path, cli, monkeypatch):
    gn = shared_data / "legal" / "gn11"
    src = tmp_path / "gn11.txt"
    src.write_text("Chapter 84\n" + (gn / "page_117.txt").read_text())
    out = tmp_path / "lib"
    res = cli("data", "load", "psr", str(src), "--out", str(out), "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["chapters"] == [84] and doc["cut_off"] == 1
    monkeypatch.setenv("USMCA_PSR_LIBRARY", str(out))
    psr.clear_cache()
    r = psr.lookup("8464.10", "2025-01-01")
    assert r["library"] == "user" and r["alternatives"][0]["except"] == ["8466.91"]
    assert psr.lookup("8402.90", "2025-01-01") is None  # user chapter 84 replaces the packaged one
    bad = cli("data", "load", "psr", str(tmp_path / "missing.txt"))
    assert bad.code == 2 and "no such file" in bad.err


def test_cli_rule_lookup(cli):
    found = cli("data", "psr-rule", "8402.90", "--date", "2025-01-01", "--json")
    assert found.code == 0 and found.json()["rules"] == ["84-4"]
    missing = cli("data", "psr-rule", "6505.00", "--json")
    doc = missing.json()
    assert missing.code == 0 and doc["encoded"] is False and doc["chapter_status"] == "missing"
    bad = cli("data", "psr-rule", "01x")
    assert bad.code == 2


def test_html_source_is_read_as_text(tmp_path):
    from usmca.origin.psr.sources import read_source

    page = tmp_path / "p.html"
    page.write_text("<html><body><p>Chapter 84</p><p>252. A change to heading 8484 from any other heading.</p>"
                    "</body></html>")
    text = read_source(str(page))
    rules = psr.parse_gn11(text).complete_rules()
    assert [(r.chapter, r.number) for r in rules] == [(84, "252")]
    assert rules[0].entries[0]["alternatives"][0]["shift"] == "CTH"
