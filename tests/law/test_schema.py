"""The law-tree schema: one deliberately broken fixture per rule, each rejected with its message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from usmca.errors import LawError
from usmca.law import load_tree

BROKEN = Path(__file__).parent / "fixtures" / "broken"

# fixture -> (field named in the error, words of the reason)
EXPECTED = {
    "unknown_key": ("valeus", "unknown key in a parameter file"),
    "missing_reference": ("values.2020-07-01.reference", "every value needs its reference"),
    "unordered_dates": ("values.2020-07-01", "strictly ascending"),
    "unknown_unit": ("unit", "unknown unit"),
    "no_description": ("description", "needs a description"),
    "out_of_range": ("values.2020-07-01.value", "above the maximum 100"),
    "wrong_type": ("values.2020-07-01.value", "needs a number"),
    "not_finite": ("values.2020-07-01.value", "needs a finite number"),
    "bad_url": ("values.2020-07-01.reference.url", "must start with http"),
    "reference_without_provision": ("values.2020-07-01.reference.provision", "a reference needs this field"),
    "bad_date": ("values.2020-13-01", "not a date"),
    "not_yaml": ("line", "not valid YAML"),
    "table_missing_provenance": ("line 2.url", "every row needs its provenance"),
    "table_undeclared_column": ("share", "not declared"),
}


def test_every_fixture_has_an_expectation() -> None:
    names = {p.stem for p in BROKEN.glob("*.yaml")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_is_rejected(name: str, tmp_path: Path) -> None:
    target = tmp_path / "params" / "usmca" / "test"
    target.mkdir(parents=True)
    for f in BROKEN.glob(f"{name}.*"):
        shutil.copy(f, target / f.name)
    field, reason = EXPECTED[name]
    with pytest.raises(LawError) as info:
        tree = load_tree(tmp_path / "params")
        for path in tree.tables:  # tables are validated when first read
            tree.table(path)
    message = info.value.one_line()
    assert field in message and reason in message, message
    if not name.startswith("table_"):
        assert f"usmca/test/{name}.yaml" in message, message
    assert "\n" not in message


def test_a_valid_file_loads(tmp_path: Path) -> None:
    d = tmp_path / "p" / "x"
    d.mkdir(parents=True)
    (d / "ok.yaml").write_text(
        "description: A fine parameter.\nunit: percent\nvalues:\n  2020-07-01:\n    value: 10\n"
        "    reference: {instrument: T, provision: Art. 1, url: 'https://example.org'}\n")
    assert load_tree(tmp_path / "p").at("x/ok", "2021-01-01") == 10
