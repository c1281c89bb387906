"""The supplier-certification register: import, store, dependencies and the expiry question."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from usmca.errors import UserInputError
from usmca.origin.bom import load_boms
from usmca.origin.certifications import (
    apply_register,
    dependencies,
    expiring,
    load_register,
    read_register,
    save_register,
)
from usmca.origin.qualify import qualify_bom

ROOT = Path(__file__).resolve().parents[2]
REGISTER = ROOT / "examples" / "certifications" / "register.csv"
AS_OF = dt.date(2026, 11, 1)


def _portfolio() -> list:
    return [b for f in sorted((ROOT / "examples").glob("*.yaml")) for b in load_boms(f)]


def _names(boms: list) -> dict[str, str]:
    return {Path(b.source).stem: (b.good.id or b.good.description) for b in boms}


def test_expiry_question_on_the_example_portfolio() -> None:
    boms = _portfolio()
    names = _names(boms)
    out = expiring(boms, read_register(REGISTER, 12), AS_OF, 90)
    assert [c["id"] for c in out["expiring"]] == ["COO-2026-MB", "COO-2026-AXL", "COO-2026-CASE", "COO-2026-SEAT",
                                                  "COO-2026-CLUTCH"]
    assert sorted(out["stop_qualifying"]) == sorted([names["vehicle_bom"], names["auto_part_bom"]])
    by = {g["good"]: g for g in out["goods"]}
    assert by[names["electronics_bom"]]["stops_qualifying"] is False     # a tariff shift needs no certificate
    car = by[names["vehicle_bom"]]["renewal"]
    # seats (1,800) alone restores the vehicle's RVC; the cheaper axles (1,500) would not
    assert car["cheapest"]["renew"] == ["COO-2026-SEAT"] and car["cheapest"]["cost"] == 900.0
    assert [o["renew"] for o in car["options"]] == [["COO-2026-SEAT"]]
    box = by[names["auto_part_bom"]]["renewal"]["cheapest"]
    assert box["renew"] == ["COO-2026-CASE", "COO-2026-CLUTCH"] and box["cost"] == 370.0 and box["keeps_originating"]
    # 30 days: only the main board lapses, and nothing stops qualifying
    assert expiring(boms, read_register(REGISTER, 12), AS_OF, 30)["stop_qualifying"] == []


def test_the_vehicle_arithmetic_behind_the_answer() -> None:
    car = load_boms(ROOT / "examples" / "vehicle_bom.yaml")[0]
    reg = read_register(REGISTER, 12)
    lapsed, _ = apply_register(car, reg, AS_OF, {"COO-2026-AXL", "COO-2026-SEAT"})
    renewed, _ = apply_register(car, reg, AS_OF, {"COO-2026-AXL"})
    nc = Decimal("31000") - Decimal("2000")
    vnm_base = sum(m.value for m in car.materials if m.origin == "non_originating")
    r_lapsed = qualify_bom(lapsed, date=AS_OF).rvc
    r_renewed = qualify_bom(renewed, date=AS_OF).rvc
    assert Decimal(str(r_lapsed["value"])).quantize(Decimal("0.0001")) == \
        ((nc - vnm_base - 3300) / nc * 100).quantize(Decimal("0.0001"))
    assert r_lapsed["value"] < r_lapsed["threshold"] <= r_renewed["value"]


def test_dependencies() -> None:
    boms = _portfolio()
    names = _names(boms)
    rows = {r["good"]: r for r in dependencies(boms, read_register(REGISTER, 12), AS_OF)}
    assert rows[names["electronics_bom"]]["depends_on"] == []
    assert set(rows[names["electronics_bom"]]["certifications_used"]) == {"COO-2026-MB", "COO-2026-SSD"}
    assert "COO-2026-AXL" not in rows[names["vehicle_bom"]]["depends_on"]      # 1,500 fits in the slack
    assert "COO-2026-SEAT" in rows[names["vehicle_bom"]]["depends_on"]
    # the clutch-pack certification covers by HS (8708.93)
    assert rows[names["auto_part_bom"]]["certifications_used"]["COO-2026-CLUTCH"] == ["clutch_packs"]


def test_statement_certification_becomes_the_supplier_statement(tmp_path: Path) -> None:
    motor = load_boms(ROOT / "examples" / "spreadsheets" / "motor_bom.yaml")[0]
    f = tmp_path / "reg.yaml"
    f.write_text(yaml.safe_dump({"certifications": [
        {"id": "S1", "supplier": "Acme Stators Inc.", "parts": ["stator"], "type": "nc_vnm", "net_cost": 110,
         "vnm": 40, "blanket_from": dt.date(2025, 1, 1), "blanket_to": dt.date(2025, 12, 31),
         "signed": dt.date(2024, 12, 20)}]}))
    reg = read_register(f, 12)
    on, used = apply_register(motor, reg, dt.date(2025, 3, 1))
    assert used == {"S1": ["stator"]} and on.materials[0].supplier_statement.vnm == Decimal(40)
    off, used = apply_register(motor, reg, dt.date(2026, 3, 1))
    assert used == {} and off.materials[0].supplier_statement is None
    assert off.materials[0].origin == "non_originating"
    v_on = qualify_bom(on, date="2025-03-01").rvc["value"]
    v_off = qualify_bom(off, date="2025-03-01").rvc["value"]
    assert v_on > v_off


def test_store_round_trip_update_and_replace(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    reg = read_register(REGISTER, 12)
    assert save_register(reg, "r.csv", store) == {"inserted": 10, "updated": 0, "removed": 0}
    assert load_register(store) == sorted(reg, key=lambda c: c.id)
    assert save_register(reg[:3], "r.csv", store) == {"inserted": 0, "updated": 3, "removed": 0}
    assert save_register(reg[:3], "r.csv", store, replace=True) == {"inserted": 0, "updated": 3, "removed": 7}
    assert len(load_register(store)) == 3


BASE = "id,supplier,parts,hs,type,blanket_from,blanket_to,signed,vnm,net_cost\n"


@pytest.mark.parametrize("row,field,needle", [
    ("C1,X,case,,certificate_of_origin,2026-01-01,2027-01-01,2025-12-01,,", "column 'blanket_to'", "12 months"),
    ("C1,X,case,,gift,2026-01-01,2026-06-01,2025-12-01,,", "column 'type'", "must be one of"),
    ("C1,X,,,certificate_of_origin,2026-01-01,2026-06-01,2025-12-01,,", "column 'id'", "covers no material"),
    ("C1,X,case,,nc_vnm,2026-01-01,2026-06-01,2025-12-01,,100", "column 'vnm'", "needs vnm"),
    ("C1,X,case,,certificate_of_origin,2026-01-01,2026-06-31,2025-12-01,,", "column 'blanket_to'", "not a date"),
    ("C1,X,case,,tv_vnm,2026-01-01,2026-06-01,2025-12-01,lots,", "column 'vnm'", "text in a number cell"),
    ("C1,X,case,,certificate_of_origin,2026-06-01,2026-01-01,2025-12-01,,", "column 'blanket_to'", "ends before"),
])
def test_register_errors_name_row_and_column(tmp_path: Path, row: str, field: str, needle: str) -> None:
    f = tmp_path / "r.csv"
    f.write_text(BASE + row + "\n")
    with pytest.raises(UserInputError) as info:
        read_register(f, 12)
    assert "row 2" in info.value.field and field in info.value.field and needle in info.value.reason, \
        info.value.one_line()


def test_duplicate_id_and_missing_column(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    row = "C1,X,case,,certificate_of_origin,2026-01-01,2026-06-01,2025-12-01,,\n"
    f.write_text(BASE + row + row)
    with pytest.raises(UserInputError) as info:
        read_register(f, 12)
    assert info.value.field == "row 3 column 'id' (A3)" and "duplicate" in info.value.reason
    f.write_text("id,supplier,parts,type\nC1,X,case,certificate_of_origin\n")
    with pytest.raises(UserInputError) as info:
        read_register(f, 12)
    assert "missing column" in info.value.reason and "blanket_from" in str(info.value.value)


def test_cli_import_and_expiring(cli, tmp_path: Path) -> None:  # noqa: ANN001
    store = tmp_path / "s.duckdb"
    r = cli("origin", "certifications", "import", str(REGISTER), "--store", str(store), "--json")
    assert r.code == 0 and r.json()["inserted"] == 10
    r = cli("origin", "certifications", "expiring", "--within", "90", "--as-of", "2026-11-01", "--bom-dir",
            str(ROOT / "examples"), "--store", str(store), "--json")
    assert r.code == 0 and len(r.json()["stop_qualifying"]) == 2
    r = cli("origin", "certifications", "expiring", "--within", "90", "--store", str(tmp_path / "none.duckdb"))
    assert r.code == 2 and "no certification register" in r.err
    bad = tmp_path / "bad.csv"
    bad.write_text(BASE + "C1,X,case,,certificate_of_origin,2026-01-01,2027-03-01,2025-12-01,,\n")
    r = cli("origin", "certifications", "import", str(bad), "--store", str(tmp_path / "new.duckdb"))
    assert r.code == 2 and "12 months" in r.err and not (tmp_path / "new.duckdb").exists()
