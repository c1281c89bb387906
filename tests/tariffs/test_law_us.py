"""The US measures in the law tree: every value cited, dates as in the instruments."""

from __future__ import annotations

import datetime as dt

import pytest

from usmca.law import default_tree
from usmca.tariffs.declared import STACKING_PATH, labels, measure_paths

T = default_tree()


def test_every_us_value_has_a_reference() -> None:
    paths = T.paths("us")
    assert len(paths) >= 30
    for p in paths:
        if p in T.tables:  # tables carry provenance on every row (checked by the loader on read)
            rows = T.table(p)
            assert len(rows) and rows["url"].str.startswith("https://").all(), p
            continue
        for e in T.parameter(p).entries:
            ref = e.reference
            assert ref.instrument and ref.provision, p
            assert ref.url.startswith("https://"), p


def test_every_measure_names_existing_paths() -> None:
    decls = measure_paths(T)
    assert len(decls) >= 15
    for decl in decls:
        folder = decl.rsplit("/", 1)[0]
        for e in T.parameter(decl).entries:
            spec = {"key": e.value} if isinstance(e.value, str) else e.value
            for name, where in spec.items():
                if name == "key":
                    continue
                for p in where.split():
                    path = p if "/" in p else f"{folder}/{p}"
                    table, _, kind = path.partition("@")   # table@kind: the rows of that kind of a scope table
                    assert table in T or T.paths(table), (decl, name, path)
                    if kind:
                        assert kind in set(T.tables[table].frame()["kind"]), (decl, name, path)


def test_stacking_names_known_measures() -> None:
    keys = set(labels(T))
    for e in T.parameter(STACKING_PATH).entries:
        for winner, losers in e.value.items():
            assert winner in keys
            assert set(losers) <= keys


@pytest.mark.parametrize("date, ca, mx", [
    ("2025-03-03", None, None), ("2025-03-04", 25, 25), ("2025-07-31", 25, 25),
    ("2025-08-01", 35, 25), ("2026-02-19", 35, 25), ("2026-02-20", None, None),
])
def test_ieepa_rates(date: str, ca: int | None, mx: int | None) -> None:
    got = tuple(T.get(f"us/ieepa/fentanyl/rate/{cc}", date) for cc in ("CA", "MX"))
    assert got == (ca, mx)


def test_section122_window_is_150_days() -> None:
    p = T.parameter("us/section122/rate")
    start, end = p.entries[0].effective_from, p.entries[1].effective_from
    assert p.entries[0].value == 10 and p.entries[1].value is None
    assert (end - start).days == 150
    assert start == dt.date(2026, 2, 24)


def test_steel_aluminum_steps() -> None:
    assert T.at("us/section232/steel/rate", "2025-06-03") == 25
    assert T.at("us/section232/steel/rate", "2025-06-04") == 50
    assert T.at("us/section232/aluminum/rate", "2025-03-11") == 10
    assert T.at("us/section232/aluminum/rate", "2025-03-12") == 25
    assert T.at("us/section232/aluminum/rate", "2025-06-04") == 50
    assert T.at("us/section232/steel/exempt_countries", "2025-03-11") == ["CA", "MX"]
    assert T.at("us/section232/steel/exempt_countries", "2025-03-12") == []
