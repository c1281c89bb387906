"""HTS JSON loader: parsing, inheritance, revision dates in the store, malformed files."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from usmca.data.loaders.hts import load_hts, read_hts_json, revision_from_name
from usmca.data.store import connect
from usmca.errors import UserInputError
from usmca.tariffs.schedule import clear_cache, load_schedule


def rec(htsno: str, general: str, special: str = "", indent: str = "2") -> dict:
    return {"htsno": htsno, "indent": indent, "description": "d", "superior": None, "units": [], "general": general,
            "special": special, "other": "", "footnotes": [], "quotaQuantity": None, "additionalDuties": None}


def write(path: Path, records: list[dict]) -> Path:
    path.write_bytes(gzip.compress(json.dumps(records).encode()))
    return path


def test_revision_names() -> None:
    assert revision_from_name("hts_2025_basic.json.gz") == ("2025 Basic", dt.date(2025, 1, 1))
    assert revision_from_name("hts_2026_rev_10.json.gz") == ("2026 Revision 10", None)


def test_load_and_select_by_date(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    a = write(tmp_path / "hts_2025_basic.json.gz", [rec("8703.23.01", "2.5%", "Free (AU,S,SG)"),
                                                   rec("8703.23.01.90", "", indent="4")])
    b = write(tmp_path / "hts_2025_rev_9.json.gz", [rec("8703.23.01", "3%", "Free (AU,S,SG)")])
    with connect(store) as con:
        load_hts(a, con)
        with pytest.raises(UserInputError):
            load_hts(b, con)  # a revision needs its first day
        load_hts(b, con, effective_from=dt.date(2025, 7, 1))
        revs = con.execute("select revision, effective_from, effective_to from hts_revisions order by 2").fetchall()
    assert revs == [("2025 Basic", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
                    ("2025 Revision 9", dt.date(2025, 7, 1), dt.date(2025, 12, 31))]
    clear_cache()
    sched = load_schedule(store)
    assert sched.line("8703230190", dt.date(2025, 6, 30)).adv_pct == 2.5  # inherited from the HTS8 line
    assert sched.line("87032301", dt.date(2025, 7, 1)).adv_pct == 3.0
    assert sched.line("87032301", dt.date(2025, 7, 1)).usmca_spi == "S"
    with pytest.raises(UserInputError):
        sched.line("87032301", dt.date(2026, 1, 1))


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('[{"htsno": "0101", "indent": "0",\n "description": x}]')
    with pytest.raises(UserInputError) as err:
        read_hts_json(p)
    assert "line 2 column" in str(err.value)


def test_missing_key_is_named(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text(json.dumps([rec("0101", ""), {"htsno": "0102", "indent": "0"}]))
    with pytest.raises(UserInputError) as err:
        read_hts_json(p)
    assert "record 1" in str(err.value)


def test_sample_edition_parses(shared_data: Path) -> None:
    from usmca.data.loaders.hts import parse_hts_records

    df = parse_hts_records(read_hts_json(shared_data / "us_tariffs/hts/hts_2025_basic.json.gz"), "2025 Basic",
                           dt.date(2025, 1, 1))
    # shared README: ~7,360 printed lines carry S/S+ (statistical suffixes inherit theirs)
    printed = df[~df["inherited"] & (df["usmca_spi"] != "")]
    assert 7300 <= len(printed) <= 7400
    ch99 = df[df["chapter99"]]
    assert len(ch99) > 100
    assert (df.loc[df["rate_type"] == "ad_valorem", "adv_pct"] > 0).all()
