"""Every chapter of the library re-reads from its legal text; verification and party-specific rules."""

from __future__ import annotations

import pytest
import yaml

from usmca.origin import psr
from usmca.origin.psr.coverage_table import CHAPTERS_IN_USE, coverage_summary
from usmca.origin.psr.gn11 import parse_gn11
from usmca.origin.psr.library import PACKAGE_LIBRARY
from usmca.origin.psr.transcribed import (
    TEXTS,
    VERIFICATION_LEVELS,
    adapt_to_hs2022,
    read_on_hs2022,
    trade_entries,
    transcribed_documents,
    verification_of,
)

CHAPTER_FILES = sorted(PACKAGE_LIBRARY.glob("ch*.yaml"))


@pytest.mark.parametrize("path", CHAPTER_FILES, ids=lambda p: p.stem)
def test_every_rule_round_trips_through_the_importer(path) -> None:  # noqa: ANN001
    """Each stored rule's legal text, read again by the importer, gives the stored alternatives."""
    doc = yaml.safe_load(path.read_text())
    checked = 0
    for r in doc["rules"]:
        if "SOR/2020-155" in r["reference"]["provision"]:
            continue  # a regulation's sentence, not a General Note 11 rule (checked below)
        if "preamble" in r["reference"]:  # a rule for one trade (texts/gn11_o_trade.yaml)
            again = {e["goods"]: e["alternatives"] for e in trade_entries(doc["chapter"], r["hs"][0], r["text"])}
            assert again.get(r["goods"]) == r["alternatives"], r["id"]
            checked += 1
            continue
        text = r["text"]
        if not text[:1].isdigit():  # dated subheading rules keep only the rule's own lines
            text = "1. " + text
        parsed = parse_gn11(f"Chapter {doc['chapter']}\n{text}")
        found = {}
        for rule in parsed.rules:
            for e in rule.entries:
                hs, alts = e["hs"], e["alternatives"]
                if str(r["reference"].get("nomenclature", "")).startswith("HS 2022"):  # succession.py
                    read = read_on_hs2022(doc["chapter"], {**r, "hs": hs, "alternatives": alts}, "")
                    hs, alts = read["hs"], read["alternatives"]
                elif verification_of(r) == "transcription-only":  # the HS 2022 reading of texts/provenance.yaml
                    hs, alts, _ = adapt_to_hs2022(doc["chapter"], str(r["reference"]["rule"]), hs, alts)
                found[(tuple(hs), e["goods"])] = alts
        assert found.get((tuple(r["hs"]), r["goods"])) == r["alternatives"], r["id"]
        checked += 1
    assert checked == sum(1 for r in doc["rules"] if "SOR/2020-155" not in r["reference"]["provision"])


@pytest.mark.parametrize("path", CHAPTER_FILES, ids=lambda p: p.stem)
def test_every_rule_cites_chapter_rule_and_verification(path) -> None:  # noqa: ANN001
    doc = yaml.safe_load(path.read_text())
    for r in doc["rules"]:
        ref = r["reference"]
        assert ref["chapter"] == doc["chapter"] and str(ref["rule"]) and ref["url"], r["id"]
        assert f"chapter {doc['chapter']}" in ref["provision"] or "SOR/2020-155" in ref["provision"]
        assert verification_of(r) in VERIFICATION_LEVELS


def test_transcribed_chapters_are_the_packaged_text() -> None:
    docs, status = transcribed_documents()
    assert sorted(docs) == [*range(1, 22), *range(24, 30), *range(32, 64), 68, 71, 72, *range(74, 77),
                            *range(78, 85), 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96]
    assert set(status.values()) == {"transcribed"}
    mirror = {32, 71, 84, 85, 86, 87, 90}  # read in mirror excerpts: the transcription fills their cut-off rules
    for ch, d in docs.items():
        packaged = yaml.safe_load((PACKAGE_LIBRARY / f"ch{ch:02d}.yaml").read_text())
        ids = [r["id"] for r in packaged["rules"]]
        if ch in mirror:
            assert ids[-len(d["rules"]):] == [r["id"] for r in d["rules"]], ch
            assert "transcription" in packaged["source"]["kinds"]
            continue
        assert ids == [r["id"] for r in d["rules"]]
        assert all(r["reference"]["verification"] in ("transcription-only", "official-text-read")
                   for r in packaged["rules"])
    prov = yaml.safe_load((TEXTS / "provenance.yaml").read_text())
    assert prov["verification"] == "transcription-only" and len(prov["transcription"]["commit"]) == 40


def test_transcribed_scopes_exist_in_hs2022() -> None:
    """A transcription could carry codes of an older HS edition: every scope must exist today."""
    from usmca.origin.psr import nomenclature

    docs, _ = transcribed_documents()
    for d in docs.values():
        for r in d["rules"]:
            if str(r["reference"].get("nomenclature", "")).startswith("HS 2017"):
                assert r["effective_to"] == "2022-01-01", r["id"]  # as printed, for BOMs before HS 2022 only
                continue
            for scope in r["hs"]:
                for end in scope.split("-"):
                    digits = end.replace(".", "")
                    known = nomenclature.headings() if len(digits) == 4 else nomenclature.subheadings()
                    assert digits[:6] in known, (r["id"], scope)  # national tariff items: their HS6


def test_1517_10_is_party_specific() -> None:
    general = psr.lookup("1517.10", "2025-03-01")
    assert general["rules"] == ["15-1"] and general["alternatives"][0]["shift"] == "CC"
    assert general["party_rules"] == ["15-1517.10/CA-US"]
    ca_us = psr.lookup("1517.10", "2025-03-01", trade=("US", "CA"))
    assert ca_us["rules"] == ["15-1517.10/CA-US"] and ca_us["verification"] == "official-text-read"
    alt = ca_us["alternatives"][0]
    assert alt["shift"] == "CTH" and "15.11" not in " ".join(alt["except"])
    assert psr.lookup("1517.10", "2025-03-01", trade="MX,US")["rules"] == ["15-1"]
    assert psr.lookup("1517.90", "2025-03-01", trade="CA,US")["rules"] == ["15-1"]  # only 1517.10


def test_1517_10_rule_applies_to_materials() -> None:
    from usmca.hs import normalize
    from usmca.origin.rules import parse_rule

    alt = parse_rule(psr.lookup("1517.10", "2025-03-01", trade="CA,US")["alternatives"])[0]
    from usmca.origin.rules import shift_test

    good = normalize("1517.10")
    ok = {"1511.10": True, "1207.40": True, "1507.10": False, "1517.90": False}
    for mat, want in ok.items():
        assert shift_test(alt, good, normalize(mat))[0] is want, mat


def test_coverage_summary_counts() -> None:
    s = coverage_summary()
    assert s["chapters_in_use"] == 96 == len(CHAPTERS_IN_USE) and 77 not in CHAPTERS_IN_USE
    assert set(s["chapters_encoded"]).isdisjoint(s["chapters_not_encoded"])
    assert len(s["chapters_encoded"]) + len(s["chapters_not_encoded"]) == 96
    assert s["rules"] == sum(s["rules_by_verification"].values())
    assert s["rules_by_verification"]["official-text-read"] == 1
    assert s["party_specific"][0] == "15-1517.10/CA-US" and len(s["party_specific"]) == 18
    assert {"57-5703.20-5703.30/MX-US/HS2017", "57-5703.20-5703.30/MX-US"} <= set(s["party_specific"])
    assert {p.split("/")[1] for p in s["party_specific"][1:]} == {"CA-US", "MX-US"}  # textiles 51-61
    assert s["chapters_not_encoded"] == [65, 66, 67]  # 64: only 64.01-64.05 (test_psr_annex4b)
    polymer = [x for x in s["inexpressible"] if x["rule"] == "39-1"]
    assert polymer and "50 percent by weight" in polymer[0]["reason"]


def test_cli_psr_coverage(cli) -> None:  # noqa: ANN001
    r = cli("data", "psr-coverage", "--json")
    assert r.code == 0 and r.json()["chapters_in_use"] == 96
    r = cli("data", "psr-coverage", "--inexpressible")
    assert r.code == 0 and "39-1" in r.out and "/96 HS chapters in use" in r.out
    r = cli("data", "psr-rule", "1517.10", "--date", "2025-03-01", "--between", "CA,US", "--json")
    assert r.code == 0 and r.json()["parties"] == ["CA", "US"]


def test_chapter_and_subheading_rules_that_condition_origin_are_flagged() -> None:
    peaches = psr.lookup("2008.50", "2025-03-01")  # apricots: the wholly-obtained subheading rule of ch. 20
    assert any("peaches, pears, or apricots" in c for c in peaches["conditions"])
    assert all("not evaluated by the engine" in a["unsupported"] for a in peaches["alternatives"])
    pigments = psr.lookup("3206.11", "2025-03-01")  # chapter 32 rule 1 (pigments disregarded)
    assert pigments["conditions"] and all(a.get("unsupported") for a in pigments["alternatives"])
    boiler = psr.lookup("8402.90", "2025-03-01")  # only automotive underscoring notes: informative
    assert boiler["conditions"] == [] and not any(a.get("unsupported") for a in boiler["alternatives"])


def test_rules_with_pre_hs2022_codes_are_counted_as_cut_off() -> None:
    """A transcribed rule naming an HS 2017 code without a mechanical HS 2022 successor stays cut off."""
    docs, _ = transcribed_documents()
    assert {c["rule"] for c in docs[74]["cut_off"]} == {"13", "14", "15"}
    assert all("HS 20" in c["reason"] for ch in (34, 68, 74, 81, 88) for c in docs[ch]["cut_off"])
    assert not docs[28]["cut_off"] and not docs[94]["cut_off"] and not docs[38]["cut_off"]
    assert [c["rule"] for c in docs[81]["cut_off"]] == ["3"]  # heading 8107 deleted: no successor
    assert psr.lookup("7419.80", "2025-03-01") is None  # no rule: not encoded
    assert psr.lookup("7418.10", "2025-03-01")["rules"] == ["74-12"]


def test_unread_alternative_stays_with_the_rules_scope() -> None:
    """74-1(B) (a change from heading 7404 with an RVC) is not read, but is kept on 7401-7403, flagged."""
    parsed = parse_gn11("Chapter 74\n1. (A) A change to headings 7401 through 7403 from any other heading, including "
                        "another heading within that group, except from heading 7404; or\n(B) A change to headings "
                        "7401 through 7403 from heading 7404, whether or not there is also a change from any other "
                        "heading, including another heading within that group, provided there is a regional value "
                        "content of not less than:\n(1) 60 percent where the transaction value method is used; or\n"
                        "(2) 50 percent where the net cost method is used.")
    (entry,) = parsed.rules[0].entries
    assert entry["hs"] == ["74.01-74.03"] and len(entry["alternatives"]) == 2
    assert entry["alternatives"][0]["shift"] == "CTH" and entry["alternatives"][1]["unsupported"]


def test_rvc_thresholds_lettered_a_b_stay_in_their_sentence() -> None:
    """Chapter 91 rules 3-8 letter their thresholds (A)/(B): one alternative, a shift with an RVC."""
    strap = psr.lookup("9113.10", "2025-03-01")
    assert strap["rules"] == ["91-8"]
    (alt,) = strap["alternatives"]
    assert alt["shift"] == "CTH" and alt["rvc"] == {"tv": 60, "nc": 50} and not alt.get("unsupported")


def test_unread_rule_keeps_the_scope_its_target_names() -> None:
    """A rule whose source is not read still answers for its goods, flagged (41-14: heading 4107; 24-1)."""
    for code, rule in (("4107.11", "41-14"), ("2402.20", "24-1")):
        found = psr.lookup(code, "2025-03-01")
        assert found["rules"] == [rule] and all(a.get("unsupported") for a in found["alternatives"]), code


def test_hs2017_codes_follow_the_nomenclature_of_the_date() -> None:
    """A rule printed with HS 2017 codes answers as printed before HS 2022 and on their successors after."""
    chem = psr.lookup("2853.10", "2025-03-01")  # 2853.00 (HS 2017) is heading 2853 in HS 2022
    assert chem["hs"] == "2801.10-2853.90" and chem["rules"] == ["28-1"]
    assert "2853.00" in chem["text"] and "2853.00 -> 2801.10-2853.90" in chem["reference"]["hs2022"]
    assert psr.lookup("2853.00", "2021-06-01")["rules"] == ["28-1/HS2017"]
    seats = psr.lookup("9401.61", "2025-03-01")
    assert seats["alternatives"][0]["shift"] == "CC" and not any(a.get("unsupported") for a in seats["alternatives"])
    parts = seats["alternatives"][1]  # (B) a change from 9401.90 = 9401.91-9401.99 in HS 2022, with an RVC
    assert "from subheading 9401.90" in parts["text"] and parts["rvc"] == {"tv": 60, "nc": 50}
    assert parts["except"] == ["9400.00-9401.90", "9402.00-9499.99"]  # only 9401.91-9401.99 within chapter 94
    assert psr.lookup("9401.91", "2025-03-01")["rules"] == ["94-2"]
    assert psr.lookup("9401.91", "2021-06-01") is None  # not a subheading before 2022
    assert psr.lookup("9401.90", "2021-06-01")["rules"] == ["94-2/HS2017"]
    lamps = psr.lookup("9405.42", "2025-03-01")
    assert lamps["hs"] == "9405.11-9405.49" and lamps["alternatives"][0]["except"] == ["9405.11-9405.49"]
    assert psr.lookup("5703.21", "2025-03-01")["rules"] == ["57-5703.20-5703.30/other"]
    assert psr.lookup("5703.21", "2025-03-01", trade="MX,US")["rules"] == ["57-5703.20-5703.30/MX-US"]
    assert psr.lookup("8459.41", "2025-03-01")["rules"] == ["84-153"]


def test_textile_rules_for_one_trade() -> None:
    """5112.11 between Canada and the United States has its own rule; other trade takes the general one."""
    other = psr.lookup("5112.11", "2025-03-01")
    assert other["rules"] == ["51-5112.11/other"] and other["alternatives"][0]["shift"] == "CTH"
    assert "51.13" in other["alternatives"][0]["except"] and "51.12" not in other["alternatives"][0]["except"]
    assert other["party_rules"] == ["51-5112.11/CA-US/1", "51-5112.11/CA-US/2"]
    assert psr.lookup("5112.11", "2025-03-01", trade=("MX", "US"))["rules"] == ["51-5112.11/other"]
    ca_us = psr.lookup("5112.11", "2025-03-01", trade="US,CA")
    assert ca_us["parties"] == ["CA", "US"] and len(ca_us["alternatives"]) == 2
    assert all(a.get("unsupported") for a in ca_us["alternatives"])  # goods by description (combed fabrics)
    sweaters = psr.lookup("6110.30", "2025-03-01", trade=("MX", "US"))
    assert sweaters["rules"] == ["61-6110.30/MX-US/1", "61-6110.30/MX-US/2"]
    assert psr.lookup("6110.30", "2025-03-01")["rules"] == ["61-6110.30/other"]


def test_apparel_process_and_chapter_rules_are_reported_not_evaluated() -> None:
    """Cut-and-sewn provisos and the chapter 61 component/thread/pocket rules flag every alternative."""
    shirts = psr.lookup("6109.10", "2025-03-01")
    assert shirts["rules"] == ["61-15"] and shirts["alternatives"][0]["shift"] == "CC"
    assert "54" in shirts["alternatives"][0]["except"] and "60.01-60.06" in shirts["alternatives"][0]["except"]
    assert all("cut" in a["unsupported"] or "only some goods" in a["unsupported"] for a in shirts["alternatives"])
    assert len(shirts["conditions"]) == 4 and "pocket bag" in shirts["conditions"][3]
    fabric = psr.lookup("5208.11", "2025-03-01")  # a fabric rule the engine evaluates in full
    assert fabric["conditions"] == [] and not any(a.get("unsupported") for a in fabric["alternatives"])
    assert psr.lookup("5703.29", "2025-03-01")["hs"] == "5703.21-5703.39"  # the HS 2022 successors
