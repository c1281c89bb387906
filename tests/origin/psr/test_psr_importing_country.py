"""The BOM's importing country selects a party-specific rule (1517.10 between Canada and the United States)."""

from __future__ import annotations

import pytest

from usmca.errors import UserInputError
from usmca.origin import qualify
from usmca.origin.spreadsheet import read_spreadsheet


def _margarine(importing_country: str | None) -> dict:
    """Margarine (1517.10) made in Canada from non-originating palm oil (1511.10), 60% of its value.

    General rule (chapter 15 rule 1): a change from any other chapter: the palm oil, of chapter 15,
    fails it, and at 60% of the value de minimis cannot help. Canada-United States (SOR/2020-155,
    Schedule 1, s. 1): "a change from heading 15.11 or any other Chapter": the palm oil passes.
    """
    good = {"description": "Margarine", "hs": "1517.10", "produced_in": "CA", "date": "2025-03-01",
            "transaction_value": 100}
    if importing_country is not None:
        good["importing_country"] = importing_country
    return {"good": good, "materials": [
        {"id": "palm", "description": "Palm oil, crude", "hs": "1511.10", "value": 60, "origin": "non_originating",
         "country": "MY"},
        {"id": "milk", "description": "Skimmed milk", "hs": "0402.10", "value": 10, "origin": "originating",
         "country": "CA"}]}


def test_importing_country_selects_the_canada_us_rule() -> None:
    us = qualify(_margarine("US"))
    assert us.originating is True and us.rule["reference"]["rule"] == "1517.10 (CA-US)"
    assert us.rule["reference"]["verification"] == "official-text-read"


@pytest.mark.parametrize("importer", [None, "MX", "CA"])
def test_other_trade_keeps_the_general_rule(importer: str | None) -> None:
    """No importing country (the behaviour before the field), Mexico, or a domestic sale: chapter 15 rule 1."""
    r = qualify(_margarine(importer))
    assert r.originating is False and r.rule["reference"]["rule"] == "1"


def test_importing_country_is_validated_and_read_from_a_csv_bom(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(UserInputError, match="importing_country"):
        qualify(_margarine("ZZ"))
    lines = ["good.description,Margarine", "good.hs,1517.10", "good.produced_in,CA", "good.date,2025-03-01",
             "good.transaction_value,100", "good.importing_country,US", "",
             "id,parent,description,hs,value,origin,country",
             "palm,,Palm oil,1511.10,60,non_originating,MY", "milk,,Skimmed milk,0402.10,10,originating,CA"]
    path = tmp_path / "margarine.csv"
    path.write_text("\n".join(lines) + "\n")
    (bom,) = read_spreadsheet(path)
    assert bom.good.importing_country == "US"
    assert qualify(bom).rule["reference"]["rule"] == "1517.10 (CA-US)"
