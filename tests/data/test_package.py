"""The package data: rebuilt byte for byte from the official files, cited, verified on read, the default."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from usmca.data import package
from usmca.data.package import FLOWS_FILE, HTS_FILES, PACKAGE_DIR, provenance, read_verified
from usmca.errors import UserInputError

FILES = (*HTS_FILES, FLOWS_FILE)


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No store, no data folder: ``USMCA_SHARED_DATA`` names an empty folder; caches cleared."""
    from usmca.tariffs.schedule import clear_cache

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("USMCA_SHARED_DATA", str(empty))
    monkeypatch.setenv("USMCA_STORE", str(tmp_path / "no-store.duckdb"))
    clear_cache()
    package._observed.cache_clear()
    yield empty
    clear_cache()
    package._observed.cache_clear()


def test_rebuild_is_byte_identical(shared_data: Path, tmp_path: Path) -> None:
    from usmca.data.package.build import build_package_data

    metas = build_package_data(shared_data, tmp_path)
    assert sorted(m["file"] for m in metas) == sorted(FILES)
    for name in FILES:
        for f in (name, f"{name}.provenance.json"):
            assert (tmp_path / f).read_bytes() == (PACKAGE_DIR / f).read_bytes(), f"{f} differs from its rebuild"


@pytest.mark.parametrize("name", FILES)
def test_every_file_is_cited(name: str) -> None:
    meta = provenance(name)
    src = meta["source"]
    assert src["url"].startswith("https://") and "usitc.gov" in src["url"]
    assert "public domain" in src["licence"]
    assert meta["built_by"] == "usmca data build-package-data"
    assert src["obtained_via_commit"] and src["input_sha256"]
    import io

    import pandas as pd

    assert meta["rows"] == len(pd.read_csv(io.BytesIO(gzip.decompress((PACKAGE_DIR / name).read_bytes())), dtype=str))


def test_package_is_small() -> None:
    total = sum(p.stat().st_size for p in PACKAGE_DIR.iterdir() if p.is_file())
    assert total < 8_000_000, f"package data grew to {total:,} bytes"


def test_defaults_come_from_the_package(fresh: Path) -> None:
    from usmca.data.package import observed_flows
    from usmca.tariffs import duty
    from usmca.tariffs.schedule import load_schedule

    sched = load_schedule()
    assert sched.data_source["kind"] == "package"
    assert sched.data_source["revisions"] == ["2025 Basic", "2026 Basic"]
    res = duty("8703.23.01", "MX", "2025-06-01", 30000.0, usmca_claim=True, us_content=0.5)
    assert res.schedule["revision"] == "2025 Basic" and res.schedule["source"].startswith("package")
    flows, src = observed_flows()
    assert src["kind"] == "package" and src["months"] == ["2025-01", "2026-02"]
    assert set(flows["partner"]) == {"CA", "MX"} and (flows["usmca_value"] <= flows["value"]).all()


def test_shared_data_takes_precedence_when_named(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from usmca.data.package import observed_flows
    from usmca.tariffs.schedule import clear_cache, load_schedule

    monkeypatch.setenv("USMCA_SHARED_DATA", str(shared_data))
    clear_cache()
    package._observed.cache_clear()
    try:
        assert load_schedule().data_source["kind"] == "shared"
        flows, src = observed_flows()
        assert src["kind"] == "shared"
        assert flows.equals(package.package_flows())   # the package holds the same facts
    finally:
        clear_cache()
        package._observed.cache_clear()


@pytest.mark.parametrize("damage", ["truncate", "flip", "sidecar", "missing"])
def test_damaged_file_is_a_user_error_naming_it(damage: str, tmp_path: Path) -> None:
    name = HTS_FILES[0]
    for f in (name, f"{name}.provenance.json"):
        shutil.copy(PACKAGE_DIR / f, tmp_path / f)
    target = tmp_path / name
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:1000])
    elif damage == "flip":
        raw = bytearray(target.read_bytes())
        raw[500] ^= 0xFF
        target.write_bytes(bytes(raw))
    elif damage == "sidecar":
        (tmp_path / f"{name}.provenance.json").write_text("{not json", encoding="utf-8")
    else:
        target.unlink()
    provenance.cache_clear()
    try:
        with pytest.raises(UserInputError) as exc:
            read_verified(name, str(tmp_path))
    finally:
        provenance.cache_clear()
    assert name in exc.value.one_line() and "build-package-data" in exc.value.reason


def test_damaged_package_makes_the_cli_exit_2(cli, fresh: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                              tmp_path: Path) -> None:
    copy = tmp_path / "package"
    copy.mkdir()
    for p in PACKAGE_DIR.iterdir():
        if p.is_file() and not p.suffix == ".py":
            shutil.copy(p, copy / p.name)
    (copy / HTS_FILES[0]).write_bytes((copy / HTS_FILES[0]).read_bytes()[:-10])
    monkeypatch.setattr(package, "PACKAGE_DIR", copy)
    provenance.cache_clear()
    try:
        r = cli("tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2025-06-01", "--value", "10")
    finally:
        provenance.cache_clear()
    assert r.code == 2, r.err
    assert r.err.startswith("error: ") and HTS_FILES[0] in r.err and "truncated" in r.err


def test_damaged_store_makes_the_cli_exit_2(cli, fresh: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                            tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database" * 100)
    monkeypatch.setenv("USMCA_STORE", str(bad))
    r = cli("tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2025-06-01", "--value", "10")
    assert r.code == 2 and r.err.startswith("error: ") and "bad.duckdb" in r.err and "DuckDB" in r.err


def test_cli_outputs_say_which_data(cli, fresh: Path) -> None:  # noqa: ANN001
    r = cli("tariffs", "etr", "--partner", "CA", "--from", "2025-07", "--to", "2025-07", "--json")
    doc = r.json()
    assert doc["data_source"]["flows"]["kind"] == "package"
    assert doc["data_source"]["flows"]["months"] == ["2025-07", "2025-07"]
    assert doc["data_source"]["schedule"]["revisions"] == ["2025 Basic", "2026 Basic"]
    r = cli("tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2026-02-01", "--value", "10")
    assert r.code == 0 and "data: HTS 2026 Basic from package (USITC HTS)" in r.out


def test_sidecars_are_sorted_json() -> None:
    for name in FILES:
        text = (PACKAGE_DIR / f"{name}.provenance.json").read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
