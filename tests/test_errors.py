"""A broken file the package ships is a bug (exit 1, named as such), a user's broken file exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from usmca.errors import LawError, ShippedDataError, UserInputError


def test_shipped_data_error_is_not_a_user_error() -> None:
    e = ShippedDataError("law", LawError("a/b.yaml", "unit", "parsec", "unknown unit"))
    assert not isinstance(e, UserInputError)
    assert e.one_line() == "the shipped law is broken: a/b.yaml: unit = 'parsec': unknown unit"


@pytest.fixture
def broken_law(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - yields nothing
    from usmca.law import tree

    (tmp_path / "usmca").mkdir()
    (tmp_path / "usmca" / "rate.yaml").write_text(
        "description: A rate.\nunit: parsec\nvalues:\n  2020-07-01:\n    value: 1\n"
        "    reference: {instrument: X, provision: Art. 1, url: https://example.org}\n", encoding="utf-8")
    monkeypatch.setattr(tree, "PARAMS_ROOT", tmp_path)
    tree.default_tree.cache_clear()
    yield
    tree.default_tree.cache_clear()


@pytest.mark.usefixtures("broken_law")
def test_a_defect_in_the_shipped_law_is_reported_as_a_bug(cli) -> None:  # noqa: ANN001 - the cli fixture
    from usmca.law import default_tree

    with pytest.raises(ShippedDataError) as e:
        default_tree()
    assert e.value.error.source == "src/usmca/law/params/usmca/rate.yaml" and e.value.error.field == "unit"
    r = cli("law", "list")
    assert r.code == 1, r.err
    assert r.err.startswith("internal error (a bug in usmca, please report): the shipped law is broken: "
                            "src/usmca/law/params/usmca/rate.yaml: unit = 'parsec'")
    assert r.err.count("\n") == 1 and "Traceback" not in r.err


def test_a_users_law_folder_with_the_same_defect_stays_a_user_error(tmp_path: Path) -> None:
    from usmca.law import load_tree

    (tmp_path / "rate.yaml").write_text("description: A rate.\nunit: parsec\nvalues: {}\n", encoding="utf-8")
    with pytest.raises(LawError, match="parsec"):
        load_tree(tmp_path)


def test_a_broken_embedded_baseline_is_a_bug_and_a_users_is_their_error(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from usmca.data.baseline import model

    bad = tmp_path / "baseline.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(UserInputError, match="not a baseline file"):
        model.load_baseline(bad)
    monkeypatch.setattr(model, "BASELINE_PATH", bad)
    with pytest.raises(ShippedDataError, match="the shipped baseline is broken: baseline.json"):
        model.load_baseline()
