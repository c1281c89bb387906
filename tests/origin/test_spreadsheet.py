"""Spreadsheet BOMs (CSV, XLSX): twins of the YAML examples, round trips, errors naming the cell."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from usmca.errors import UserInputError
from usmca.origin.bom import load_boms, parse_bom
from usmca.origin.qualify import qualify_bom
from usmca.origin.spreadsheet import read_spreadsheet
from usmca.origin.spreadsheet_write import boms_to_yaml, write_results, write_spreadsheet

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
SS = EX / "spreadsheets"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bomgen import random_bom  # noqa: E402


def _twin(sheet: Path) -> list[Path]:
    if sheet.stem == "template":
        return [SS / "motor_bom.yaml"]
    if sheet.stem == "portfolio":
        return sorted([*EX.glob("*_bom.yaml"), SS / "motor_bom.yaml"], key=lambda p: p.name)
    return [EX / f"{sheet.stem}.yaml"]


def _result(b: Any) -> dict[str, Any]:
    """The determination; amounts in the trace's sentences spelled without trailing zeros (an XLSX
    cell stores 2300.00 as 2300, the YAML float keeps 2300.0: the same Decimal, another exponent)."""
    d = qualify_bom(b).to_dict()
    d.pop("source", None)
    d["good"].pop("id", None)
    for step in d["trace"]:
        step["result"] = re.sub(r"(\d)\.0+(?!\d)", r"\1", step["result"])
    return d


SHEETS = sorted([*SS.glob("*.csv"), *SS.glob("*.xlsx")])


def test_every_example_bom_has_spreadsheet_twins() -> None:
    stems = {p.stem for p in SHEETS}
    assert {p.stem for p in EX.glob("*_bom.yaml")} <= stems and {"template", "portfolio"} <= stems
    assert {p.suffix for p in SHEETS if p.stem == "vehicle_bom"} == {".csv", ".xlsx"}


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.name)
def test_spreadsheet_qualifies_like_its_yaml_twin(sheet: Path) -> None:
    before = hashlib.sha256(sheet.read_bytes()).hexdigest()
    got = read_spreadsheet(sheet)
    want = [b for f in _twin(sheet) for b in load_boms(f)]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.model_dump(exclude={"source", "good"}) == w.model_dump(exclude={"source", "good"})
        assert g.good.model_dump(exclude={"id"}) == w.good.model_dump(exclude={"id"})
        assert _result(g) == _result(w)
    assert hashlib.sha256(sheet.read_bytes()).hexdigest() == before  # the file is only read


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("seed", range(12))
def test_random_boms_round_trip(seed: int, suffix: str, tmp_path: Path) -> None:
    raw = random_bom(seed)
    _ids(raw["materials"], [0])
    bom = parse_bom(raw)
    out = write_spreadsheet([bom], tmp_path / f"b{suffix}")
    back = read_spreadsheet(out)[0]
    assert back.model_dump(exclude={"source"}) == bom.model_dump(exclude={"source"})
    # and back to YAML: the same BOM again
    y = tmp_path / "b.yaml"
    y.write_text(boms_to_yaml([back]))
    assert load_boms(y)[0].model_dump(exclude={"source"}) == bom.model_dump(exclude={"source"})


def _ids(mats: list[dict[str, Any]], n: list[int]) -> None:
    for m in mats:
        n[0] += 1
        m["id"] = f"m{n[0]}"
        _ids(m.get("materials", []), n)


HEAD = "good.hs,8501.52\ngood.produced_in,MX\ngood.date,2025-03-01\ngood.transaction_value,100\n" \
       'good.rule,"[{""shift"": ""CTH""}]"\n\n'
COLS = "id,parent,hs,value,origin,country\n"


def _csv(tmp_path: Path, body: str, head: str = HEAD, cols: str = COLS) -> Path:
    f = tmp_path / "bom.csv"
    f.write_text(head + cols + body)
    return f


@pytest.mark.parametrize("body,cols,field,needle", [
    ("a,,8503.00,ten,non_originating,CN\n", COLS, "row 8 column 'value' (D8)", "text in a number cell"),
    ("a,,8503.00,10,non_originating,CN\na,,8504.40,5,originating,MX\n", COLS, "row 9 column 'id' (A9)",
     "duplicate id"),
    ("a,zz,8503.00,10,non_originating,CN\n", COLS, "row 8 column 'parent' (B8)", "no material"),
    ("a,b,8503.00,10,non_originating,CN\nb,a,8503.00,10,non_originating,CN\n", COLS, "column 'parent'", "loops"),
    ("a,,8503.00,10,non_originating\n", "id,parent,hs,value,origin\n", "header", "missing column"),
    ("a,,8599.99,10,non_originating,CN\n", COLS, "row 8 column 'hs' (C8)", "does not exist"),
    ("a,,8503.00,-3,non_originating,CN\n", COLS, "row 8 column 'value' (D8)", ">= 0"),
    ("a,,8503.00,10,foreign,CN\n", COLS, "row 8 column 'origin' (E8)", "must be one of"),
    ("a,,8503.00,10,non_originating,CN,1\n", COLS.strip() + ",colour\n", "column 'colour'", "unknown column"),
])
def test_csv_errors_name_row_and_column(tmp_path: Path, body: str, cols: str, field: str, needle: str) -> None:
    f = _csv(tmp_path, body, cols=cols)
    before = f.read_bytes()
    with pytest.raises(UserInputError) as info:
        read_spreadsheet(f)
    assert field in info.value.field and needle in info.value.reason, info.value.one_line()
    assert f.read_bytes() == before


def test_good_field_error_names_its_row(tmp_path: Path) -> None:
    f = _csv(tmp_path, "a,,8503.00,10,non_originating,CN\n", head=HEAD.replace("8501.52", "0000.00"))
    with pytest.raises(UserInputError) as info:
        read_spreadsheet(f)
    assert info.value.field == "row 1 column 'hs' (B1)"


def _xlsx(tmp_path: Path, edit: Any) -> Path:
    bom = load_boms(SS / "motor_bom.yaml")
    f = write_spreadsheet(bom, tmp_path / "bom.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(f)
    edit(wb)
    wb.save(f)
    return f


@pytest.mark.parametrize("edit,field,needle", [
    (lambda wb: wb["materials"].merge_cells("A2:A3"), "sheet 'materials' cells A2:A3", "merged"),
    (lambda wb: wb["materials"].cell(2, 5, "=100+20"), "sheet 'materials' row 2 column E (E2)", "formula"),
    (lambda wb: wb["materials"].cell(3, 5, "seventy"), "sheet 'materials' row 3 column 'value' (E3)", "text in a number"),
    (lambda wb: wb["materials"].cell(4, 1, "stator"), "sheet 'materials' row 4 column 'id' (A4)", "duplicate id"),
    (lambda wb: wb["materials"].delete_cols(7), "sheet 'materials' header (row 1)", "missing column"),
    (lambda wb: wb["good"].cell(4, 2, "1234.56"), "sheet 'good' row 4 column 'hs' (B4)", "does not exist"),
    (lambda wb: wb.remove(wb["good"]), "", "no good"),
])
def test_xlsx_errors_name_sheet_row_and_column(tmp_path: Path, edit: Any, field: str, needle: str) -> None:
    f = _xlsx(tmp_path, edit)
    before = f.read_bytes()
    with pytest.raises(UserInputError) as info:
        read_spreadsheet(f)
    assert info.value.field == field and needle in info.value.reason, info.value.one_line()
    assert f.read_bytes() == before


def test_cli_qualify_convert_and_export(cli, tmp_path: Path) -> None:  # noqa: ANN001
    r = cli("origin", "qualify", str(SS / "template.xlsx"), "--json")
    want = qualify_bom(load_boms(SS / "motor_bom.yaml")[0]).to_dict()
    assert r.code == 0 and r.json()["originating"] == want["originating"] and r.json()["rvc"] == want["rvc"]
    r = cli("origin", "convert", str(SS / "template.csv"), "--to", "yaml")
    assert r.code == 0 and "8501.52" in r.out
    r = cli("origin", "convert", str(SS / "template.csv"), "--to", "csv", "--out", str(SS / "template.csv"))
    assert r.code == 2 and "never overwritten" in r.err
    out = tmp_path / "results.xlsx"
    r = cli("origin", "qualify", str(SS / "portfolio.xlsx"), "--output", str(out), "--json")
    assert r.code == 0
    import openpyxl

    ws = openpyxl.load_workbook(out)["results"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("source", "id", "description", "hs", "originating")
    assert [x[4] for x in rows[1:]] == [d["originating"] for d in r.json()["results"]]
    bad = cli("origin", "qualify", str(_csv(tmp_path, "a,,8503.00,x,non_originating,CN\n")), "--json")
    assert bad.code == 2 and "column 'value'" in bad.err and "Traceback" not in bad.err


def test_results_csv_export(tmp_path: Path) -> None:
    out = write_results([{"id": "a", "originating": True, "rvc": 61.5}, {"id": "b", "originating": None}],
                        tmp_path / "r.csv")
    assert out.read_text().splitlines() == ["id,originating,rvc", "a,True,61.5", "b,,"]
