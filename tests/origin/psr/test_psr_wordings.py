"""Wordings of General Note 11(o) first met on the harvested pages (one test per wording).

Each sentence is the legal text of a harvested rule (page given); the expected reading is derived
by hand from the grammar in ``usmca/origin/psr/phrases.py`` and, where it matters, checked on
materials with the rule engine's own shift test.
"""

from __future__ import annotations

from usmca.origin.psr.gn11 import parse_gn11
from usmca.origin.psr.phrases import parse_alternative
from usmca.origin.rules import parse_rule, shift_test


def _passes(alt: dict, good: str, material: str) -> bool | None:
    return shift_test(parse_rule([alt], "test", "rule", strict=False)[0], good.replace(".", ""), material)[0]


def test_rvc_with_also_is_an_rvc_not_a_foreign_condition():  # page 128, rule 85-31 (B)
    p = parse_alternative("A change to subheadings 8512.10 through 8512.40 from subheading 8512.90, whether or "
                          "not there is also a change from any other heading, provided there is also a regional "
                          "value content of not less than: (1) 60 percent where the transaction value method is "
                          "used; or (2) 50 percent where the net cost method is used.")
    (alt,) = p.alternatives
    assert p.understood and alt["rvc"] == {"tv": 60, "nc": 50} and "unsupported" not in alt


def test_typo_ofnot_is_read():  # page 108, rule 84-113 (B) writes "content ofnot less than"
    p = parse_alternative("A change to subheading 8442.30 from any other heading, provided there is a regional "
                          "value content ofnot less than: (1) 60 percent where the transaction value method is "
                          "used; or (2) 50 percent where the net cost method is used.")
    assert p.alternatives[0]["rvc"] == {"tv": 60, "nc": 50} and "unsupported" not in p.alternatives[0]


def test_other_subheading_within_the_group_or_codes_whether_or_not_heading():  # page 108, rule 84-113 (B)
    p = parse_alternative("A change to subheadings 8443.11 through 8443.19 from any other subheading within that "
                          "group or subheading 8443.91, whether or not there is also a change from any other "
                          "heading, provided there is a regional value content of not less than: (1) 60 percent "
                          "where the transaction value method is used; or (2) 50 percent where the net cost "
                          "method is used.")
    (alt,) = p.alternatives
    assert p.understood and p.target == ["8443.11-8443.19"] and alt["shift"] == "CTSH"
    allowed = {"8443.12": True, "8443.91": True, "8419.50": True, "8443.32": False, "8443.99": False,
               "8443.11": False}  # same subheading as the good: no change of subheading
    assert {m: _passes(alt, "8443.11", m) for m in allowed} == allowed


def test_other_good_within_the_subheading_whether_or_not_subheading():  # page 108, rule 84-115 (B)
    p = parse_alternative("A change to a good of subheading 8443.91 from any other good within that subheading, "
                          "whether or not there is also a change from any other subheading, provided there is a "
                          "regional value content of not less than: (1) 60 percent where the transaction value "
                          "method is used; or (2) 50 percent where the net cost method is used.")
    ctsh, same_subheading = p.alternatives
    assert p.understood and ctsh == {**ctsh, "shift": "CTSH", "rvc": {"tv": 60, "nc": 50}}
    assert "unsupported" not in ctsh and "same subheading" in same_subheading["unsupported"]


def test_no_change_whether_or_not_with_a_process_proviso():  # page 83, rule 71-2 (B)
    p = parse_alternative("No change in tariff classification to a good of subheading 7106.91, whether or not "
                          "there is also a change from another subheading, provided that the nonoriginating "
                          "materials undergo electrolytic, thermal or chemical separation oralloying.")
    (alt,) = p.alternatives
    assert p.understood and p.target == ["7106.91"] and alt["shift"] == "none"
    assert "electrolytic" in alt["unsupported"]  # a process condition: kept, never evaluated


def test_exception_naming_goods_by_description_only_is_not_sufficient():  # page 103, rule 84-57
    p = parse_alternative("A change to subheadings 8418.10 through 8418.21 from any subheading outside that group, "
                          "except from subheading 8418.91, tariff item 8418.99.40 or assemblies incorporating "
                          "more than one of the following: compressor, condenser, evaporator, connecting tubing.")
    (alt,) = p.alternatives
    assert alt["except"] == ["8418.10-8418.21", "8418.91", "8418.99.40"]
    assert "assemblies incorporating" in alt["unsupported"]  # excepting the codes alone would be too loose
    tied = parse_alternative("A change to subheadings 8467.21 through 8467.29 from any subheading outside that "
                             "group, except from housings of subheadings 8467.91 or 8467.99.")
    assert "unsupported" not in tied.alternatives[0]  # "housings of" qualifies the codes: stricter, sufficient


def test_subdivision_p_ends_the_rules():  # page 163: chapter 97 is followed by subdivision (p)
    t = parse_gn11("page 163 USMCA\nChapter 97\n1. A change to headings 9701 through 9706 from any other chapter.\n"
                   "(p) Goods that shall be deemed to be originating goods.—Notwithstanding any other provisions "
                   "of this note, the following goods ...\nDigital processing units.............8471.50\n")
    (rule,) = t.rules
    assert (rule.chapter, rule.number, rule.complete) == (97, "1", True)
    assert rule.text == "A change to headings 9701 through 9706 from any other chapter."
    assert rule.entries[0]["alternatives"][0]["shift"] == "CC"
