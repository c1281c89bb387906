"""Sector keys of HTS codes: HS chapter (``hs2``), HS section, GTAP sector.

HS sections group chapters (Harmonized System nomenclature, section titles I-XXI; WCO,
https://www.wcoomd.org/en/topics/nomenclature/instrument-and-tools/hs-nomenclature-2022-edition/hs-nomenclature-2022-edition.aspx).
The chapter ranges are read from ``hs_sections.csv`` beside this module. GTAP sectors come from
the HTS10 -> GTAP concordance in the shared data (Budget Lab tariff-rate-tracker,
``yale_tariff_rate_tracker/hs10_gtap_crosswalk.csv``); codes missing there map to ``""``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.paths import shared_data_dir

__all__ = ["add_sector_columns", "hs_sections", "gtap_crosswalk"]

_HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def hs_sections() -> pd.DataFrame:
    """Sections with their first and last chapter (``section, title, first, last, url``)."""
    return pd.read_csv(_HERE / "hs_sections.csv", dtype={"section": str})


def tracker_file(name: str, option: str, value: str, what: str) -> Path:
    """A file of the Yale Budget Lab tracker in ../shared/data, or a :class:`UserInputError`.

    ``option``/``value`` name what the user asked for (e.g. ``--by gtap``); ``what`` says what is missing.
    """
    base = shared_data_dir()
    p = None if base is None else base / "us_tariffs" / "yale_tariff_rate_tracker" / name
    if p is None or not p.is_file():
        raise UserInputError(option, "", value, f"{what} is not in ../shared/data")
    return p


@functools.lru_cache(maxsize=1)
def gtap_crosswalk() -> pd.Series:
    """HTS10 -> GTAP sector code, from the shared concordance."""
    p = tracker_file("hs10_gtap_crosswalk.csv", "--by", "gtap", "the HTS10-GTAP crosswalk")
    cw = pd.read_csv(p, dtype=str, usecols=["hs10", "gtap_code"])
    return cw.drop_duplicates("hs10").set_index("hs10")["gtap_code"]


def add_sector_columns(hts10: pd.Series, kind: str) -> np.ndarray:
    """Sector of each code: ``hs2`` (chapter), ``section`` (Roman numeral) or ``gtap``."""
    codes = hts10.astype(str)
    if kind == "hs2":
        return codes.str[:2].to_numpy()
    if kind == "section":
        sec = hs_sections()
        lookup = np.full(100, "", dtype=object)
        for s, a, b in zip(sec["section"], sec["first"], sec["last"], strict=True):
            lookup[int(a): int(b) + 1] = s
        ch = pd.to_numeric(codes.str[:2], errors="coerce").fillna(0).astype(int).to_numpy()
        return lookup[ch]
    if kind == "gtap":
        cw = gtap_crosswalk()
        u, inv = np.unique(codes.to_numpy(), return_inverse=True)
        return pd.Series(u).map(cw).fillna("").to_numpy()[inv]
    raise UserInputError("--by", "", kind, "unknown sector kind")
