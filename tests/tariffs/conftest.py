"""A small HTS schedule in the USITC JSON record shape, built here (no shared data needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from usmca.data.loaders.hts import parse_hts_records
from usmca.tariffs.schedule import Schedule

S = "Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)"


def rec(htsno: str, general: str, special: str = "", indent: str = "2", description: str = "line") -> dict:
    return {"htsno": htsno, "indent": indent, "description": description, "superior": None, "units": [],
            "general": general, "special": special, "other": "", "footnotes": [], "quotaQuantity": None,
            "additionalDuties": None}


# rates as printed in the 2025 Basic edition for these lines
RECORDS = [
    rec("8703", "", indent="0", description="Motor cars"),
    rec("8703.23.01", "2.5%", S, description="Cars 1,500-3,000 cc"),
    rec("8703.23.01.90", "", "", indent="4", description="Used"),
    rec("8708.99.68", "2.5%", S, description="Other parts for power trains"),
    rec("7208.10.15.00", "Free", "", indent="3", description="Flat-rolled steel, pickled"),
    rec("7601.10.60", "Free", "", description="Unwrought aluminum, not alloyed"),
    rec("7408.11.60.00", "3%", S, indent="3", description="Refined copper wire"),
    rec("8528.72.64", "3.9%", S, description="Colour television receivers"),
    rec("8517.13.00.00", "Free", "", indent="3", description="Smartphones"),
    rec("9403.20.00", "Free", "", description="Other metal furniture"),
    rec("2709.00.20", "10.5¢/bbl", S, description="Crude petroleum, >= 25 degrees API"),
    rec("0709.91.00.00", "11.3%", S, indent="3", description="Globe artichokes"),
    rec("0804.40.00", "11.2¢/kg", S, description="Avocados"),
    rec("9401.61.40.11", "Free", "", indent="3", description="Upholstered wooden seats, household"),
    rec("9801.00.10", "Free", "", description="Products of the United States returned"),
]


@pytest.fixture(scope="session")
def schedule() -> Schedule:
    frames = [parse_hts_records(RECORDS, "test 2025", dt.date(2025, 1, 1)),
              parse_hts_records(RECORDS, "test 2026", dt.date(2026, 1, 1))]
    import pandas as pd

    return Schedule(pd.concat(frames, ignore_index=True), "test")
