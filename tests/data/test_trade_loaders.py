"""DataWeb, Census API and BACI loaders on small fixtures written here (no network)."""

from __future__ import annotations

import json
import urllib.error
from pathlib import Path

import pytest

from usmca.data.loaders.baci import load_baci
from usmca.data.loaders.census import CensusClient, load_census, parse_census_response
from usmca.data.loaders.dataweb import load_dataweb, read_dataweb
from usmca.data.loaders.flows import load_flows
from usmca.data.store import connect
from usmca.errors import UserInputError

DATAWEB = """Imports for consumption, customs value and calculated duties
Query run 2026-01-16
Data Type,Country,HTS Number,Year,Month,Special Import Program,Customs Value,Calculated Duties
Imports,Mexico,8703230190,2025,5,S,"1,000",0
Imports,Mexico,8703230190,2025,5,No program claimed,500,137.5
Imports,Canada,7208101500,2025,June,No program claimed,200,0
"""


def test_dataweb_to_flows(tmp_path: Path, shared_data: Path) -> None:
    f = tmp_path / "dw.csv"
    f.write_text(DATAWEB)
    df = read_dataweb(f)
    assert df["usmca"].tolist() == [True, False, False]
    assert df["month"].tolist() == ["2025-05", "2025-05", "2025-06"]
    with connect(tmp_path / "s.duckdb") as con:
        info = load_dataweb(f, con)
        flows = load_flows(con, "MX")
    assert info["flows_rows"] == 2
    row = flows.iloc[0]
    assert (row["value"], row["usmca_value"]) == (1500.0, 1000.0)
    from usmca.tariffs.etr import effective_rates

    out = effective_rates(flows, by=("partner",))
    # calculated duty 137.5 on 1500 of customs value: the collected rate beside the statutory one
    assert out.loc[0, "collected_etr"] == pytest.approx(100 * 137.5 / 1500)
    assert out.loc[0, "etr"] > 0


def test_dataweb_bad_cell_names_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "dw.csv"
    f.write_text(DATAWEB.replace("200,0", "n/a,0"))
    with pytest.raises(UserInputError) as err:
        read_dataweb(f)
    assert "line 6 column 'Customs Value'" in str(err.value)


def test_dataweb_missing_column(tmp_path: Path) -> None:
    f = tmp_path / "dw.csv"
    f.write_text("Country,HTS Number,Year\nMexico,8703230190,2025\n")
    with pytest.raises(UserInputError) as err:
        read_dataweb(f)
    assert "customs_value" in str(err.value)


CENSUS_BODY = json.dumps([
    ["CTY_CODE", "CTY_NAME", "I_COMMODITY", "CON_VAL_MO", "CAL_DUT_MO", "time", "COMM_LVL"],
    ["2010", "MEXICO", "8703230190", "1000000", "25000", "2025-05", "HS10"],
    ["2010", "MEXICO", "8528726420", "500000", "125000", "2025-05", "HS10"],
])


def test_census_client_replays(tmp_path: Path) -> None:
    seen: list[str] = []

    def opener(url: str, timeout: float) -> bytes:
        seen.append(url)
        return CENSUS_BODY.encode()

    client = CensusClient(key="K", opener=opener)
    df = client.fetch("2025-05", "2010")
    assert "time=2025-05" in seen[0] and "CTY_CODE=2010" in seen[0] and "key=K" in seen[0]
    assert "get=CTY_CODE,CTY_NAME,I_COMMODITY,CON_VAL_MO,CAL_DUT_MO" in seen[0]
    assert df["calculated_duty"].sum() == 150000.0
    with connect(tmp_path / "s.duckdb") as con:
        assert load_census(df, con) == 2
        assert load_census(df, con) == 2  # same month replaced, not duplicated
        n = con.execute("select count(*), sum(customs_value) from census_imports").fetchall()[0]
    assert n == (2, 1500000.0)
    from usmca.data.loaders.census import collected_rates

    with connect(tmp_path / "s.duckdb") as con:
        out = collected_rates(con, by=("cty_code", "year"))
    # (25,000 + 125,000) / 1,500,000: dollars summed before dividing
    assert out.loc[0, "collected_etr"] == pytest.approx(10.0)


def test_census_errors() -> None:
    bad = json.dumps([["CTY_CODE", "I_COMMODITY", "CON_VAL_MO", "time"], ["2010", "8703230190", "-5", "2025-05"]])
    with pytest.raises(UserInputError) as err:
        parse_census_response(bad)
    assert "row 1 column 'CON_VAL_MO'" in str(err.value)
    with pytest.raises(UserInputError):
        parse_census_response("<html>error</html>")

    def refused(url: str, timeout: float) -> bytes:
        raise urllib.error.HTTPError(url, 400, "error: unknown variable", None, None)

    with pytest.raises(UserInputError) as err:
        CensusClient(opener=refused).fetch("2025-05")
    assert "400" in str(err.value)


BACI = "t,i,j,k,v,q\n2023,484,842,870323,1234.5,10.2\n2023,124,842,720810,55.0,NA\n2023,124,842,10121,1.0,\n"


def test_baci_load(tmp_path: Path) -> None:
    f = tmp_path / "BACI_HS22_Y2023_V202501.csv"
    f.write_text(BACI)
    with connect(tmp_path / "s.duckdb") as con:
        assert load_baci(f, con, chunksize=2) == 3
        rows = con.execute("select k, v from baci order by v").fetchall()
    assert rows[0] == ("010121", 1.0)


def test_baci_bad_line_rejected_whole(tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_text(BACI + "2023,124,842,720810,-3,1\n")
    store = tmp_path / "s.duckdb"
    with connect(store) as con:
        with pytest.raises(UserInputError) as err:
            load_baci(f, con, chunksize=2)
        assert "line 5 column 'v'" in str(err.value)
        assert con.execute("select count(*) from information_schema.tables where table_name='baci'").fetchall()[0][0] in (0, 1)
        if con.execute("select count(*) from information_schema.tables where table_name='baci'").fetchall()[0][0]:
            assert con.execute("select count(*) from baci").fetchall()[0][0] == 0


def test_cli_load_dataweb_into_store(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("USMCA_STORE", str(tmp_path / "store.duckdb"))
    f = tmp_path / "dw.csv"
    f.write_text(DATAWEB)
    r = cli("data", "load", "dataweb", str(f), "--json")
    assert r.code == 0, r.err
    assert r.json()["flows_rows"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(DATAWEB.replace("8703230190,2025,5,S", "87X3230190,2025,5,S"))
    r = cli("data", "load", "dataweb", str(bad), "--json")
    assert r.code == 2 and "line 4 column 'HTS Number'" in r.err


def test_cli_load_hts_into_store(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Path) -> None:  # noqa: ANN001
    monkeypatch.setenv("USMCA_STORE", str(tmp_path / "store.duckdb"))
    r = cli("data", "load", "hts", str(shared_data / "us_tariffs/hts/hts_2026_basic.json.gz"), "--json")
    assert r.code == 0, r.err
    assert r.json()["revision"] == "2026 Basic"
    r = cli("tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2026-03-02", "--value", "100", "--json")
    assert r.code == 0, r.err
    assert r.json()["schedule"]["source"].startswith("store:")
    r = cli("tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2025-03-02", "--value", "100", "--json")
    assert r.code == 2  # the store holds only 2026
    from usmca.tariffs.schedule import clear_cache

    clear_cache()
