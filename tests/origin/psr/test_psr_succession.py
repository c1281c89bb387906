"""HS 2017 codes printed in General Note 11(o) read on their HS 2022 successors (succession.py)."""

from __future__ import annotations

import pytest

from usmca.origin import psr
from usmca.origin.psr import nomenclature
from usmca.origin.psr.succession import read_code, successors, text_on_hs2022


@pytest.mark.parametrize("printed,expected", [
    ("9401.90", ["9401.91", "9401.99"]),    # one-dash subheading split into two-dash ones
    ("9405.60", ["9405.61", "9405.69"]),
    ("2853.00", ["28.53"]),                 # a heading not subdivided in HS 2017
    ("8501.52", ["8501.52"]),               # unchanged
])
def test_mechanical_successors(printed: str, expected: list[str]) -> None:
    got = successors(printed)
    assert got == expected
    for code in got:  # every successor exists in the packaged HS 2022 list
        digits = code.replace(".", "")
        assert (digits in nomenclature.headings()) if len(digits) == 4 else (digits in nomenclature.subheadings())


@pytest.mark.parametrize("printed", ["3402.11", "6812.92", "7419.91", "8107.20", "8803.30"])
def test_no_guess_where_the_succession_is_not_mechanical(printed: str) -> None:
    """Renumbered or deleted codes have no successor: the rule stays cut off."""
    assert printed.replace(".", "") not in nomenclature.subheadings()
    assert successors(printed) is None
    assert read_code(printed) is None


def test_ranges_and_texts() -> None:
    assert read_code("9405.10-9405.40") == "9405.11-9405.49"
    assert read_code("2801.10-2853.00") == "2801.10-2853.90"
    assert read_code("94.01") == "94.01" and read_code("88.03") is None
    text, changes = text_on_hs2022("A change to subheadings 9401.10 through 9401.80 from subheading 9401.90, "
                                   "except from tariff items 8466.93.15 or 8466.93.30.")
    assert "from subheading 9401.91 through 9401.99" in text and "8466.93.15" in text
    assert changes == ["9401.90 -> 9401.91-9401.99"]
    assert text_on_hs2022("A change to subheadings 3402.11 through 3404.90 from any other heading.") is None


def test_lookup_follows_the_date_of_the_bom() -> None:
    """The printed rule answers before HS 2022 entered into force, its HS 2022 reading after."""
    start = str(nomenclature.edition()["in_force_from"])
    before, after = "2021-12-31", start
    old = psr.lookup("9405.10", before)
    assert old["rules"] == ["94-8/HS2017"] and old["hs"] == "9405.10-9405.40"
    assert old["reference"]["nomenclature"].startswith("HS 2017")
    assert psr.lookup("9405.10", after) is None  # not an HS 2022 subheading
    new = psr.lookup("9405.11", after)
    assert new["rules"] == ["94-8"] and new["reference"]["nomenclature"].startswith("HS 2022")
    assert new["text"] == old["text"]  # the legal text stays as printed
    assert "9405.10-9405.40 -> 9405.11-9405.49" in new["reference"]["hs2022"]


def test_shift_exception_is_read_on_the_successors() -> None:
    """94-8: 'from any subheading outside that group' excepts the HS 2022 group, so a material of
    9405.42 (an HS 2022 code inside the successor group) does not make the shift for 9405.11."""
    from usmca.origin.rules import parse_rule, shift_test

    rule = psr.lookup("9405.11", "2025-03-01")
    (alt,) = parse_rule(rule["alternatives"], strict=False)
    assert shift_test(alt, "940511", "940542")[0] is False
    assert shift_test(alt, "940511", "940591")[0] is True
