"""The General Note 11(o) importer on every page excerpt under shared/data/legal/gn11.

Expected counts were read off the page texts by hand: rules whose text is whole ("complete"),
the last rule cut mid-word ("incomplete"), and the tail of a rule begun on an earlier page.
"""

from __future__ import annotations

import csv

import pytest

from usmca.origin.psr.gn11 import parse_gn11

# page: (complete, incomplete, tails)
EXPECTED = {
    58: (11, 1, 1), 62: (9, 1, 1), 88: (6, 0, 1), 98: (7, 1, 0), 107: (9, 1, 0), 112: (3, 1, 1),
    113: (3, 1, 1), 117: (6, 1, 0), 118: (6, 1, 0), 123: (5, 0, 0), 132: (11, 1, 1), 133: (3, 1, 0),
    137: (7, 1, 1), 142: (3, 1, 1), 143: (3, 1, 0), 148: (2, 0, 1), 152: (4, 1, 1), 153: (5, 1, 1),
    158: (5, 1, 0),
}


def _pages(shared_data):
    gn = shared_data / "legal" / "gn11"
    with open(gn / "index.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"].startswith("PSR")]
    return {int(r["page"]): (gn / r["file"], int(r["chapters"].split()[0])) for r in rows}


def _parse(shared_data, page):
    path, ch = _pages(shared_data)[page]
    return parse_gn11(path.read_text(encoding="utf-8"), first_page=page, first_chapter=ch)


def _rule(parsed, chapter, number):
    return next(r for r in parsed.rules if r.chapter == chapter and r.number == number)


def test_every_psr_page_is_covered(shared_data):
    assert set(_pages(shared_data)) == set(EXPECTED)


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_rule_counts_per_page(shared_data, page):
    counts = _parse(shared_data, page).count_by_page()[page]
    assert (counts["complete"], counts["incomplete"], counts["tails"]) == EXPECTED[page]


def test_chapter_22_exceptions_and_ranges(shared_data):
    p = _parse(shared_data, 58)
    r7 = _rule(p, 22, "7").entries[0]
    assert r7["hs"] == ["22.03-22.07"]
    assert r7["alternatives"][0]["shift"] == "CTH"
    assert r7["alternatives"][0]["except"] == ["22.03-22.07", "2106.90.12", "2106.90.15", "2106.90.18",
                                              "22.08-22.09"]
    r5 = _rule(p, 22, "5").entries[0]
    assert r5["hs"] == ["2202.90.10", "2202.90.22", "2202.90.24", "2202.90.28"]
    assert r5["alternatives"][0]["shift"] == "CC" and "04" in r5["alternatives"][0]["except"]
    r9 = _rule(p, 22, "9").entries[0]  # alcohol-content proviso: kept, flagged, never evaluated
    assert r9["alternatives"][0]["shift"] == "none" and "alcoholic" in r9["alternatives"][0]["unsupported"]
    assert _rule(p, 23, "1").entries[0]["alternatives"][0]["shift"] == "CC"
    assert not _rule(p, 24, "1").complete


def test_chapter_84_rvc_alternatives(shared_data):
    p = _parse(shared_data, 98)
    alts = _rule(p, 84, "3").entries[0]["alternatives"]
    assert [a["shift"] for a in alts] == ["CTH", "CTSH"]
    assert alts[1]["rvc"] == {"tv": 60, "nc": 50}
    # from 8402.90 or any other heading == change of subheading except from the rest of 84.02
    assert alts[1]["except"] == ["8402.00-8402.89", "8402.91-8402.99"]
    no_change = _rule(p, 84, "4").entries[0]["alternatives"][1]
    assert no_change["shift"] == "none" and no_change["rvc"] == {"tv": 60, "nc": 50}


def test_more_than_one_of_the_following(shared_data):
    alts = _rule(_parse(shared_data, 112), 84, "151").entries[0]["alternatives"]
    assert alts[0]["except"] == ["8413.50-8413.60", "8466.93.15", "8466.93.30", "8466.93.53", "8501.32",
                                 "8501.52", "8537.10"]
    assert "at most one" in alts[1]["unsupported"]
    assert alts[2] == {**alts[2], "shift": "CTH", "rvc": {"tv": 60, "nc": 50}}


def test_dated_steel_rules_of_chapter_73(shared_data):
    p = _parse(shared_data, 88)
    dated = [r for r in p.rules if r.effective_from]
    assert [(r.effective_from, r.effective_to) for r in dated] == [
        ("2023-01-01", None), ("2020-07-01", "2023-07-01"), ("2023-07-01", None), ("2020-07-01", "2023-07-01")]
    alts = dated[0].entries[0]["alternatives"]
    assert alts[2]["rvc"] == {"tv": 75, "nc": 65}
    assert alts[1]["from_only"] == ["72.08-72.29", "73.01-73.26"] and "by weight" in alts[1]["unsupported"]


def test_goods_qualifiers_and_net_cost_only(shared_data):
    p = _parse(shared_data, 142)
    r22, r23 = _rule(p, 87, "22"), _rule(p, 87, "23")
    assert r22.entries[0]["goods"] == "for use in a passenger vehicle, light truck or heavy truck"
    assert r22.entries[0]["alternatives"][1]["rvc"] == {"nc": 70}
    assert r23.entries[0]["alternatives"][1]["rvc"] == {"nc": 50}
    p118 = _parse(shared_data, 118)
    goods = [e["goods"] for e in _rule(p118, 84, "198").entries]
    assert goods == ["word-processing machines", "any other good"]


def test_description_sources_are_not_guessed(shared_data):
    r28 = _rule(_parse(shared_data, 143), 87, "28")
    unread = [a for e in r28.entries for a in e["alternatives"] if "not read by the importer" in a.get("unsupported", "")]
    assert len(unread) == 2 and not r28.understood


def test_chapter_notes_and_subheading_notes(shared_data):
    p = _parse(shared_data, 123)
    notes = p.chapter_notes[85]
    assert [n["id"] for n in notes] == ["chapter rule 1", "chapter rule 2"]
    assert notes[0]["complete"] and not notes[1]["complete"]
    assert "8483.30" in _rule(p, 84, "250").notes[0]


def test_missing_pages_between_excerpts_cut_the_rule(shared_data):
    pages = _pages(shared_data)
    text = pages[98][0].read_text() + "\n" + pages[107][0].read_text()
    p = parse_gn11(text, first_chapter=84)
    assert not _rule(p, 84, "10").complete  # its end was on page 99, which is missing
    assert _rule(p, 84, "99").complete
