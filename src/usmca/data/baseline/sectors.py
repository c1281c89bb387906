"""Regions and sector groups of the embedded baseline, and their maps from other classifications.

Sector groups follow HS 2022 chapters (``shared/data/facts`` README): agri_food 01-24,
energy_minerals 25-27, chem_pharma 28-38, plastics_rubber 39-40, metals 72-83, machinery 84,
electrical 85, vehicles 87, other_manuf all other chapters; plus services (not traded in the
model, as in Caliendo and Parro 2015).
"""

from __future__ import annotations

import numpy as np

__all__ = ["REGIONS", "SECTORS", "GOODS", "USMCA", "CP_SECTOR_MAP", "CP_REGION_MAP", "SECTOR_LABELS", "hs2_sector"]

REGIONS: tuple[str, ...] = ("USA", "MEX", "CAN", "CHN", "EU27", "JPN", "KOR", "ROW")
GOODS: tuple[str, ...] = ("agri_food", "energy_minerals", "chem_pharma", "plastics_rubber", "metals",
                          "machinery", "electrical", "vehicles", "other_manuf")
SECTORS: tuple[str, ...] = GOODS + ("services",)
USMCA: tuple[str, ...] = ("USA", "MEX", "CAN")
SECTOR_LABELS = {
    "agri_food": "Agri-food", "energy_minerals": "Energy and minerals", "chem_pharma": "Chemicals and pharma",
    "plastics_rubber": "Plastics and rubber", "metals": "Metals (incl. steel, aluminum)",
    "machinery": "Machinery", "electrical": "Electrical and electronics", "vehicles": "Vehicles and parts",
    "other_manuf": "Other manufactures", "services": "Services",
}

# Caliendo-Parro (2015) 40 sectors -> the ten groups (HS correspondence of their ISIC Rev.3 sectors).
_CP = {
    "agri_food": ["Agriculture", "Food"],
    "energy_minerals": ["Mining", "Petroleum"],
    "chem_pharma": ["Chemicals"],
    "plastics_rubber": ["Plastic"],
    "metals": ["Basic metals", "Metal products"],
    "machinery": ["Machinery n.e.c", "Office"],
    "electrical": ["Electrical", "Communication"],
    "vehicles": ["Auto"],
    "other_manuf": ["Textile", "Wood", "Paper", "Minerals", "Medical", "Other Transport", "Other"],
    "services": ["Electricity", "Construction", "Retail", "Hotels", "Land Transport", "Water Transport",
                 "Air Transport", "Aux Transport", "Post", "Finance", "Real State", "Renting Mach", "Computer",
                 "R&D", "Other Business", "Public", "Education", "Health", "Other services", "Private"],
}
CP_SECTOR_MAP = {cp: g for g, cps in _CP.items() for cp in cps}
_EU = ["Austria", "Denmark", "Finland", "France", "Germany", "Greece", "Hungary", "Ireland", "Italy",
       "Netherlands", "Portugal", "Spain", "Sweden"]
CP_REGION_MAP = {"USA": "USA", "Mexico": "MEX", "Canada": "CAN", "China": "CHN", "Japan": "JPN", "Korea": "KOR",
                 **{c: "EU27" for c in _EU},
                 **{c: "ROW" for c in ["Argentina", "Australia", "Brazil", "Chile", "India", "Indonesia",
                                       "New Zealand", "Norway", "South Africa", "Turkey", "UK", "Row"]}}

# HS 2022 chapter -> sector group (the definition above); chapters 98-99 (special provisions) have none.
_HS_GROUPS = {"agri_food": (1, 24), "energy_minerals": (25, 27), "chem_pharma": (28, 38), "plastics_rubber": (39, 40),
              "metals": (72, 83), "machinery": (84, 84), "electrical": (85, 85), "vehicles": (87, 87)}


def hs2_sector(chapters: np.ndarray | list[str]) -> np.ndarray:
    """Sector group of each HS chapter (``"01"``..``"97"``); ``""`` for 98, 99 and unparsable codes.

    Vectorised: a 100-entry lookup table indexed by the chapter number.
    """
    table = np.full(100, "other_manuf", dtype=object)
    for g, (a, b) in _HS_GROUPS.items():
        table[a: b + 1] = g
    table[[0, 98, 99]] = ""
    ch = np.asarray(chapters, dtype=object).astype(str)
    num = np.array([int(c) if c.isdigit() and 0 < int(c) < 100 else 0 for c in ch], dtype=int) if ch.size else \
        np.zeros(0, dtype=int)
    return table[num]
