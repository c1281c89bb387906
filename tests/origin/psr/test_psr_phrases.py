"""Code lists, complements and the sentence grammar of General Note 11(o)."""

from __future__ import annotations

import pytest

from usmca.hs import HsSet
from usmca.origin.psr.codes import complement_within, parse_code_list
from usmca.origin.psr.phrases import parse_alternative
from usmca.origin.rules import parse_rule


def test_code_list_levels_and_ranges():
    assert parse_code_list("chapter 4 or tariff items 1901.90.32, 1901.90.33") == ["04", "1901.90.32", "1901.90.33"]
    assert parse_code_list("headings 7208 through 7229 or 7301 through 7326") == ["72.08-72.29", "73.01-73.26"]
    with pytest.raises(ValueError):
        parse_code_list("housings of subheadings 8467.91")


def test_complement_is_exact():
    rest = HsSet.parse(complement_within("8467", ["8467.91", "8467.92"]))
    for sub in range(0, 100):
        code = f"8467{sub:02d}"
        assert bool(rest.contains(code)) == (sub not in (91, 92))


def test_unknown_sentence_is_flagged_not_guessed():
    p = parse_alternative("A change to subheading 8548.90 from electronic microassemblies of subheading 8548.90.")
    assert not p.understood
    assert p.alternatives[0]["shift"] == "none" and "not read" in p.alternatives[0]["unsupported"]


def test_output_is_valid_rule_language():
    import yaml

    from usmca.origin.psr.library import PACKAGE_LIBRARY

    for f in sorted(PACKAGE_LIBRARY.glob("ch*.yaml")):
        for rule in yaml.safe_load(f.read_text())["rules"]:
            parse_rule(rule["alternatives"], f.name, rule["id"])  # raises on any invalid alternative


def test_descriptive_exception_reads_stricter_plus_flag():
    p = parse_alternative("A change to headings 0401 through 0410 from any other chapter, except from dairy "
                          "preparations containing over 10 percent by weight of milk solids of subheading 1901.90.")
    strict, rest = p.alternatives
    assert strict["shift"] == "CC" and strict["except"] == ["1901.90"] and "unsupported" not in strict
    assert "only some goods of 1901.90" in rest["unsupported"]


def test_section_and_heading_rules_do_not_leak_into_rules():
    from usmca.origin.psr.gn11 import parse_gn11

    t = parse_gn11("Section VI\nSection VI rule 1: Chemical reaction origin applies.\nChapter 28\n"
                   "1. A change to subheading 2801.10 from any other subheading.\n"
                   "Heading rule: a note on heading 2802.\n2. A change to heading 2802 from any other heading.\n")
    assert [(r.chapter, r.number, r.complete) for r in t.rules] == [(28, "1", True), (28, "2", True)]
    assert t.rules[0].text == "A change to subheading 2801.10 from any other subheading."
    assert t.rules[1].notes == ["a note on heading 2802."]
    assert t.chapter_notes[0][0]["id"] == "section VI rule 1"


def test_from_any_heading_without_other_is_reported_not_read_as_cth():
    """51-3 prints "from any heading, except ..." (no "other"): never read as a change of heading."""
    for level in ("heading", "chapter"):
        p = parse_alternative(f"A change to heading 5111 from any {level}, except from headings 5106 through 5110.")
        assert not p.understood
        (alt,) = p.alternatives
        assert alt["shift"] == "none" and f"'from any {level}' as printed, without 'other'" in alt["unsupported"]
    assert parse_alternative("A change to heading 5111 from any other heading.").alternatives[0]["shift"] == "CTH"
