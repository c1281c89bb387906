"""Reforms: parameter diffs, validated all-or-nothing, composable, never mutating the base tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from usmca.errors import LawError, UserInputError
from usmca.law import Reform, default_tree

TREE = default_tree()
DM = "usmca/ch04/de_minimis/general"
SETS = "usmca/ch04/sets/non_originating_max"
REF = {"instrument": "Review proposal (test)", "provision": "para 1", "url": "https://example.org/proposal"}


def test_open_ended_change_applies_from_its_date() -> None:
    r = Reform.from_dict({"description": "dm 15", "reference": REF, "changes": {DM: {"2027-07-01": 15}}})
    new = TREE.with_reform(r)
    assert new.at(DM, "2027-06-30") == 10
    assert new.at(DM, "2027-07-01") == 15
    assert new.at(DM, "2040-01-01") == 15
    assert new.entry(DM, "2027-07-01").reference.instrument == "Review proposal (test)"
    assert TREE.at(DM, "2040-01-01") == 10, "the base tree must not change"
    assert new.reforms == ("dm 15",)


def test_bounded_range_restores_the_law_after_it() -> None:
    r = Reform.from_dict({"reference": REF, "changes": {DM: {"2027-01-01..2027-12-31": 12}}})
    new = TREE.with_reform(r)
    assert new.at(DM, "2026-12-31") == 10
    assert new.at(DM, "2027-01-01") == 12
    assert new.at(DM, "2027-12-31") == 12
    assert new.at(DM, "2028-01-01") == 10
    assert new.entry(DM, "2028-01-01").reference == TREE.entry(DM, "2028-01-01").reference


def test_value_with_its_own_reference() -> None:
    own = {**REF, "instrument": "Own source"}
    r = Reform.from_dict({"changes": {DM: {"2027-07-01": {"value": 8, "reference": own}}}})
    assert TREE.with_reform(r).entry(DM, "2028-01-01").reference.instrument == "Own source"


def test_reforms_compose_in_order() -> None:
    a = Reform.from_dict({"description": "a", "reference": REF, "changes": {DM: {"2027-07-01": 15}}})
    b = Reform.from_dict({"description": "b", "reference": REF,
                          "changes": {DM: {"2028-07-01": 20}, SETS: {"2027-07-01": 5}}})
    new = TREE.with_reform(a + b)
    assert [new.at(DM, d) for d in ("2027-07-01", "2028-07-01")] == [15, 20]
    assert new.at(SETS, "2030-01-01") == 5
    assert TREE.with_reform(b).with_reform(a).at(DM, "2028-07-01") == 15  # a, applied last, wins


@pytest.mark.parametrize("changes, words", [
    ({"usmca/ch04/nope": {"2027-01-01": 1}}, "unknown parameter path"),
    ({DM: {"2027-01-01": 150}}, "above the maximum"),
    ({DM: {"2027-01-01": "ten"}}, "needs a number"),
    ({DM: {"2027-01-01": float("nan")}}, "needs a finite number"),
    ({DM: {"2027-02-30": 10}}, "not a date"),
    ({DM: {"2028-01-01..2027-01-01": 10}}, "ends before it starts"),
    ({"usmca/ch04/de_minimis/exceptions": {"2027-01-01": 1}}, "tables cannot be changed"),
])
def test_bad_change_is_rejected(changes: dict, words: str) -> None:
    with pytest.raises(LawError, match=words):
        TREE.with_reform(Reform.from_dict({"reference": REF, "changes": changes}))


def test_all_or_nothing() -> None:
    r = Reform.from_dict({"reference": REF, "changes": {DM: {"2027-01-01": 12}, "usmca/x": {"2027-01-01": 1}}})
    with pytest.raises(LawError):
        TREE.with_reform(r)
    assert TREE.at(DM, "2028-01-01") == 10


def test_value_without_any_reference_is_rejected() -> None:
    with pytest.raises(LawError, match="needs a reference"):
        TREE.with_reform(Reform.from_dict({"changes": {DM: {"2027-01-01": 12}}}))


def test_unknown_reform_key_is_rejected() -> None:
    with pytest.raises(LawError, match="unknown key in a reform"):
        Reform.from_dict({"changs": {}})


def test_reform_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="reform file not found"):
        Reform.load(tmp_path / "missing.yaml")
    f = tmp_path / "r.yaml"
    f.write_text(f"reference: {REF}\nchanges:\n  {DM}:\n    2027-01-01: 200\n")
    with pytest.raises(LawError, match="r.yaml"):
        TREE.with_reform(Reform.load(f))
