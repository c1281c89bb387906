"""HS codes are validated against the nomenclature of the BOM's date (issue 16, item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from usmca.errors import UserInputError
from usmca.origin.bom import parse_bom
from usmca.origin.psr import nomenclature


def _bom(good_hs: str = "8501.52", mat_hs: str = "8503.00", date: str = "2025-03-01", **extra: Any) -> dict:
    mat = {"id": "stator", "hs": mat_hs, "value": 10, "origin": "non_originating", "country": "CN", **extra}
    return {"good": {"hs": good_hs, "produced_in": "MX", "date": date, "transaction_value": 100,
                     "rule": [{"shift": "CTH"}]}, "materials": [mat]}


def test_packaged_edition_is_hs2022_with_its_subheadings() -> None:
    ed = nomenclature.edition()
    assert ed["edition"] == "HS 2022" and ed["hs6_subheadings"] == len(nomenclature.subheadings())
    # the WCO HS 2022 nomenclature has 5,612 subheadings
    assert len(nomenclature.subheadings()) == 5612
    assert all(len(c) == 6 and "01" <= c[:2] <= "97" and c[:2] != "77" for c in nomenclature.subheadings())


@pytest.mark.parametrize("code", ["0000.00", "9999.99", "84", "85.01", "7701.00", "9801.00", "8548.90"])
def test_unknown_or_short_good_code_names_the_field(code: str) -> None:
    with pytest.raises(UserInputError) as info:
        parse_bom(_bom(good_hs=code), "bom.yaml")
    assert info.value.field == "good.hs" and info.value.source == "bom.yaml"


@pytest.mark.parametrize("code", ["0000.00", "9999.99", "99", "85.49.99"])
def test_unknown_material_code_names_the_field(code: str) -> None:
    with pytest.raises(UserInputError) as info:
        parse_bom(_bom(mat_hs=code))
    assert info.value.field == "materials[0].hs"


def test_material_may_be_coded_at_chapter_or_heading_level() -> None:
    assert parse_bom(_bom(mat_hs="85")).materials[0].hs == "85"
    assert parse_bom(_bom(mat_hs="85.03")).materials[0].hs == "8503"


def test_statement_codes_and_nested_materials_are_checked() -> None:
    st = {"type": "tariff_classification", "non_originating_hs": ["52.03", "9999.99"],
          "produced_entirely_in_territory": True}
    with pytest.raises(UserInputError) as info:
        parse_bom(_bom(supplier_statement=st))
    assert info.value.field == "materials[0].supplier_statement.non_originating_hs[1]"
    b = _bom()
    b["materials"][0]["materials"] = [{"id": "wire", "hs": "0000.00", "value": 1}]
    with pytest.raises(UserInputError) as info:
        parse_bom(b)
    assert info.value.field == "materials[0].materials[0].hs"


def test_hs2017_code_passes_before_hs2022_but_not_after() -> None:
    # 8548.90 (HS 2017) became 8548.00 in HS 2022 (in force 2022-01-01)
    assert parse_bom(_bom(good_hs="8548.90", date="2021-06-01")).good.hs == "854890"
    assert nomenclature.is_subheading("8548.00", "2025-01-01")
    assert not nomenclature.is_subheading("8548.90", "2025-01-01")
    # before HS 2022 only length and chapter are checked: 0000.00 still fails
    assert not nomenclature.is_subheading("0000.00", "2021-06-01")


def test_cli_exit_2_names_the_field(cli, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "bom.yaml"
    f.write_text(yaml.safe_dump(_bom(good_hs="9999.99")))
    before = f.read_bytes()
    r = cli("origin", "qualify", str(f), "--json")
    assert r.code == 2 and "good.hs" in r.err and "9999.99" in r.err and "Traceback" not in r.err
    assert f.read_bytes() == before


def test_packaged_list_is_rebuilt_from_the_hts(shared_data: Path, tmp_path: Path) -> None:
    from usmca.origin.psr.nomenclature_build import build_nomenclature

    prov = build_nomenclature(shared_data / "us_tariffs" / "hts", tmp_path)
    rebuilt = (tmp_path / "hs2022_hs6.csv").read_text().split()[1:]
    assert frozenset(rebuilt) == nomenclature.subheadings()
    assert {f["file"] for f in prov["files"]} == {f["file"] for f in nomenclature.edition()["files"]}
