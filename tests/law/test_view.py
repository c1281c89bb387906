"""The law on a date (``LawTree.on`` / ``LawView``): path and attribute reads, errors, caching."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from usmca.errors import LawError
from usmca.hs import HsSet
from usmca.law import LawView, Reform, default_tree

TREE = default_tree()
DM = "usmca/ch04/de_minimis/general"
VEHICLE = "usmca/ch04_appendix_autos/passenger_light_truck/vehicle_rvc"


def test_path_and_attribute_access_agree_with_the_tree() -> None:
    law = TREE.on("2025-03-01")
    assert law[DM] == TREE.at(DM, "2025-03-01")
    assert law.usmca.ch04.de_minimis.general == TREE.at(DM, "2025-03-01")
    assert law.sub("usmca/ch04/de_minimis")["general"] == TREE.at(DM, "2025-03-01")
    assert isinstance(law.usmca.ch04, LawView) and law.usmca.ch04.prefix == "usmca/ch04"


def test_entry_carries_the_reference_in_force() -> None:
    e = TREE.on("2025-03-01").entry(VEHICLE)
    assert e == TREE.entry(VEHICLE, dt.date(2025, 3, 1))
    assert e.reference.url.startswith("https://")
    assert TREE.on("2025-03-01").cite(VEHICLE).endswith(f"[{VEHICLE}]")


def test_dates_phase_in() -> None:
    """The passenger-vehicle RVC rises by date (UR s. 11): the view follows the tree's history."""
    firsts = [e.effective_from for e in TREE.parameter(VEHICLE).entries]
    values = [e.value for e in TREE.parameter(VEHICLE).entries]
    assert len(set(values)) > 1
    for start, value in zip(firsts, values, strict=True):
        assert TREE.on(start)[VEHICLE] == value


def test_vectorised_view_over_dates() -> None:
    starts = [e.effective_from.isoformat() for e in TREE.parameter(VEHICLE).entries]
    dates = np.array(starts, dtype="datetime64[D]")
    got = TREE.on(dates)[VEHICLE]
    assert list(got) == [TREE.at(VEHICLE, d) for d in starts]
    np.testing.assert_array_equal(got, TREE.at_many(VEHICLE, dates))


def test_optional_parameters_default() -> None:
    law = TREE.on("2025-03-01")
    assert law.get("usmca/no/such/option", "fallback") == "fallback"
    assert law.get(DM, "fallback") == TREE.at(DM, "2025-03-01")
    before = TREE.on("2019-01-01")
    assert before.get(DM, "not yet") == "not yet"


def test_a_miss_names_the_path_and_the_date() -> None:
    law = TREE.on("2025-03-01")
    with pytest.raises(LawError) as exc:
        law["usmca/ch04/no_such_parameter"]
    assert "usmca/ch04/no_such_parameter" in str(exc.value) and "2025-03-01" in str(exc.value)
    with pytest.raises(LawError) as exc:
        _ = law.usmca.ch04.no_such_folder
    assert "usmca/ch04/no_such_folder" in str(exc.value) and "2025-03-01" in str(exc.value)
    with pytest.raises(LawError) as exc:
        TREE.on("2019-01-01")[DM]
    assert DM in str(exc.value) and "2019-01-01" in str(exc.value)
    with pytest.raises(LawError) as exc:
        law.table(DM)
    assert DM in str(exc.value) and "2025-03-01" in str(exc.value)


def test_tables_and_code_sets() -> None:
    law = TREE.on("2025-03-01")
    table = "usmca/ch04/de_minimis/exceptions"
    assert law.table(table).equals(TREE.table(table, "2025-03-01"))
    assert law[table].equals(law.table(table))
    codes = law.codes("usmca/ch04/parts_exception/excluded_chapters")
    raw = TREE.at("usmca/ch04/parts_exception/excluded_chapters", "2025-03-01")
    assert raw and codes == HsSet.parse(raw) and law.codes("usmca/ch04/parts_exception/excluded_chapters") is codes


def test_exact_numbers() -> None:
    law = TREE.on("2025-03-01")
    assert law.number(DM) == TREE.at(DM, "2025-03-01")
    with pytest.raises(LawError):
        law.number("usmca/ch04/parts_exception/excluded_chapters")


def test_views_are_cached_per_tree_and_day_and_reads_on_the_view() -> None:
    law = TREE.on("2025-03-01")
    assert TREE.on(dt.date(2025, 3, 1)) is law
    assert TREE.on("2025-03-02") is not law
    assert law.table("usmca/ch04/de_minimis/exceptions") is law.table("usmca/ch04/de_minimis/exceptions")
    calls = []
    built = law.derived("probe", lambda: calls.append(1) or len(calls))
    assert law.derived("probe", lambda: calls.append(1) or len(calls)) == built and calls == [1]
    assert law.sub("usmca/ch04_appendix_autos") is not law  # a folder view shares the cache
    assert law.sub("usmca/ch04_appendix_autos").derived("p", lambda: object()) is \
        law.sub("usmca/ch04_appendix_autos").derived("p", lambda: object())


def test_a_reformed_tree_has_its_own_views() -> None:
    reform = Reform.from_dict({"description": "test", "reference": {"instrument": "t", "provision": "p",
                                                                     "url": "https://example.org"},
                               "changes": {DM: {"2025-01-01": 12}}})
    other = TREE.with_reform(reform)
    assert other.on("2025-03-01")[DM] == 12 and TREE.on("2025-03-01")[DM] == TREE.at(DM, "2025-03-01") != 12


def test_folder_views_take_relative_and_absolute_paths() -> None:
    law = TREE.on("2025-03-01")
    autos = law.sub("usmca/ch04_appendix_autos")
    assert autos["passenger_light_truck/vehicle_rvc"] == TREE.at(VEHICLE, "2025-03-01")
    assert autos[DM] == TREE.at(DM, "2025-03-01")  # a path from a top-level folder passes through
    assert autos.get("usmca/no/such/option", 7) == 7
    with pytest.raises(LawError) as exc:
        autos["no_such_parameter"]
    assert "usmca/ch04_appendix_autos/no_such_parameter" in str(exc.value)
