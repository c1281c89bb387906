"""The shipped law tree: every value cited, lookups by date around every change."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from usmca.errors import LawError
from usmca.law import default_tree
from usmca.law.parameter import Parameter

TREE = default_tree()
PARAMS = sorted(TREE.parameters)


def test_tree_is_not_empty() -> None:
    assert len(PARAMS) >= 20
    assert {p.split("/")[0] for p in PARAMS} >= {"usmca"}


@pytest.mark.parametrize("path", PARAMS)
def test_every_value_has_a_complete_reference(path: str) -> None:
    param = TREE.parameter(path)
    assert param.description.strip()
    for entry in param.entries:
        ref = entry.reference
        assert ref.instrument.strip() and ref.provision.strip(), (path, entry.effective_from)
        assert ref.url.startswith(("http://", "https://")), (path, entry.effective_from)


@pytest.mark.parametrize("path", sorted(TREE.tables))
def test_every_table_row_has_provenance(path: str) -> None:
    frame = TREE.table(path)
    assert len(frame) > 0
    for col in ("effective_from", "instrument", "provision", "url"):
        assert (frame[col].str.strip() != "").all(), (path, col)


def _changes(param: Parameter) -> list[tuple[dt.date, object, object]]:
    """(date of change, value the day before, value on the day) for every change after the first."""
    out = []
    for prev, cur in itertools.pairwise(param.entries):
        out.append((cur.effective_from, prev.value, cur.value))
    return out


@pytest.mark.parametrize("path", PARAMS)
def test_lookups_at_before_and_after_each_change(path: str) -> None:
    param = TREE.parameter(path)
    first = param.entries[0]
    day = dt.timedelta(days=1)
    with pytest.raises(LawError, match="no value in force"):
        param.at(first.effective_from - day)
    assert param.at(first.effective_from) == first.value
    for when, before, after in _changes(param):
        assert param.at(when - day) == before
        assert param.at(when) == after
        assert param.at(when + day) == after
        assert param.entry(when).reference == param.entries[[e.effective_from for e in param.entries].index(when)].reference


@pytest.mark.parametrize("path", PARAMS)
def test_vectorised_lookup_agrees_with_scalar(path: str) -> None:
    param = TREE.parameter(path)
    starts = [e.effective_from for e in param.entries]
    dates = sorted({d + dt.timedelta(days=k) for d in starts for k in (0, 1, 200)} | {dt.date(2026, 11, 23)})
    got = TREE.at_many(path, np.array([d.isoformat() for d in dates], dtype="datetime64[D]"))
    assert list(got) == [TREE.at(path, d) for d in dates]


def test_vectorised_lookup_rejects_dates_before_the_law() -> None:
    with pytest.raises(LawError, match="no value in force"):
        TREE.at_many("usmca/ch04/de_minimis/general", np.array(["2019-01-01", "2021-01-01"], dtype="datetime64[D]"))


def test_chapter_4_general_values() -> None:
    d = "2025-03-01"
    assert TREE.at("usmca/ch04/de_minimis/general", d) == 10
    assert TREE.at("usmca/ch04/de_minimis/textile_elastomeric_max", d) == 7
    assert TREE.at("usmca/ch04/parts_exception/rvc_tv", d) == 60
    assert TREE.at("usmca/ch04/parts_exception/rvc_nc", d) == 50
    assert TREE.at("usmca/ch04/sets/non_originating_max", d) == 10
    assert TREE.at("usmca/ch05/blanket_period_max", d) == 12


def test_unknown_path_names_the_path() -> None:
    with pytest.raises(LawError, match="usmca/ch04/de_minimis/genral"):
        TREE.at("usmca/ch04/de_minimis/genral", "2025-01-01")


def test_dotted_path_is_accepted() -> None:
    assert TREE.at("usmca.ch04.de_minimis.general", "2025-01-01") == 10


def test_passenger_vehicle_rvc_phase_in() -> None:
    path = "usmca/ch04_appendix_autos/passenger_light_truck/vehicle_rvc"
    assert TREE.at(path, "2020-07-01") == 66
    assert [TREE.at(path, d) for d in ("2021-07-01", "2022-07-01", "2023-07-01")] == [69, 72, 75]


def test_get_gives_the_default_for_absent_not_yet_in_force_or_expired() -> None:
    path = "usmca/ch04/de_minimis/general"
    assert TREE.get(path, "2025-01-01", 99) == 10
    assert TREE.get(path, "2019-01-01", 99) == 99          # before the first value
    assert TREE.get("usmca/review/none_such", "2025-01-01", 99) == 99
    assert TREE.get("usmca/review/us_content/in_effect", "2025-01-01", None) is False  # False is a value
    assert TREE.get("us/ieepa/fentanyl/rate/MX", "2026-06-01", 0) == 0                # expired (null) on 2026-02-20
    assert TREE.get("us/ieepa/fentanyl/rate/MX", "2025-06-01", 0) == 25
