"""The on-disk cache of the default law tree (usmca.law.cache): same tree, invalidated by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from usmca.errors import ShippedDataError
from usmca.law import cache, load_tree, tree

RATE = ("description: A rate.\nunit: percent\nvalues:\n  2020-07-01:\n    value: {v}\n"
        "    reference: {{instrument: X, provision: Art. 1, url: https://example.org}}\n")


@pytest.fixture
def small_law(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - yields the tree folder
    root = tmp_path / "params"
    (root / "usmca").mkdir(parents=True)
    (root / "usmca" / "rate.yaml").write_text(RATE.format(v=10), encoding="utf-8")
    monkeypatch.setattr(tree, "PARAMS_ROOT", root)
    monkeypatch.setenv("USMCA_CACHE_DIR", str(tmp_path / "cache"))
    tree.default_tree.cache_clear()
    yield root
    tree.default_tree.cache_clear()


def _cached_files(root: Path) -> list[Path]:
    return sorted((root.parent / "cache").glob("law-tree-*.pickle"))


def test_the_cached_default_tree_is_the_tree_read_from_yaml() -> None:
    tree.default_tree.cache_clear()
    try:
        first = tree.default_tree()
        tree.default_tree.cache_clear()
        again = tree.default_tree()   # from the cache when the folder is writable
    finally:
        tree.default_tree.cache_clear()
    assert again == first == load_tree()
    assert again.at("usmca/ch04/de_minimis/general", "2025-03-01") == 10


def test_an_unchanged_tree_is_not_read_again(small_law: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tree.default_tree().at("usmca/rate", "2021-01-01") == 10
    assert len(_cached_files(small_law)) == 1

    def no_read(root: Path) -> None:
        raise AssertionError(f"read {root} again")

    monkeypatch.setattr(tree, "load_tree", no_read)
    tree.default_tree.cache_clear()
    assert tree.default_tree().at("usmca/rate", "2021-01-01") == 10   # a hit
    (small_law / "usmca" / "rate.yaml").write_text(RATE.format(v=11), encoding="utf-8")
    tree.default_tree.cache_clear()
    with pytest.raises(AssertionError, match="read"):
        tree.default_tree()


def test_a_changed_file_is_read_again(small_law: Path) -> None:
    assert tree.default_tree().at("usmca/rate", "2021-01-01") == 10
    (small_law / "usmca" / "rate.yaml").write_text(RATE.format(v=12), encoding="utf-8")
    tree.default_tree.cache_clear()
    assert tree.default_tree().at("usmca/rate", "2021-01-01") == 12
    (small_law / "usmca" / "new.yaml").write_text(RATE.format(v=3), encoding="utf-8")
    tree.default_tree.cache_clear()
    assert tree.default_tree().at("usmca/new", "2021-01-01") == 3


def test_a_damaged_cache_file_is_a_miss(small_law: Path) -> None:
    tree.default_tree()
    (path,) = _cached_files(small_law)
    for junk in (b"", b"not a pickle", path.read_bytes()[:100]):
        path.write_bytes(junk)
        tree.default_tree.cache_clear()
        assert tree.default_tree().at("usmca/rate", "2021-01-01") == 10
        assert path.stat().st_size > 100   # rewritten


def test_a_broken_shipped_file_is_never_cached(small_law: Path) -> None:
    tree.default_tree()
    (small_law / "usmca" / "rate.yaml").write_text(RATE.format(v=10).replace("percent", "parsec"), encoding="utf-8")
    for _ in range(2):
        tree.default_tree.cache_clear()
        with pytest.raises(ShippedDataError) as e:
            tree.default_tree()
        assert e.value.error.field == "unit"


def test_the_cache_can_be_turned_off(small_law: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USMCA_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert tree.default_tree().at("usmca/rate", "2021-01-01") == 10
    assert _cached_files(small_law) == []


def test_an_unwritable_cache_folder_means_no_cache(small_law: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = small_law.parent / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("USMCA_CACHE_DIR", str(blocker / "cache"))   # a folder inside a file: cannot exist
    assert tree.default_tree().at("usmca/rate", "2021-01-01") == 10
