"""Run the scenario library on another baseline: the CP2015 replication data or a user's own.

``usmca review --baseline PATH`` accepts

- a folder in the replication-data layout (``model_inputs/*.csv``, read by
  :func:`usmca.ge.loaders.cp2015.load_cp2015`), e.g. ``../shared/data/cp2015``;
- an OECD ICIO table (``.csv``, ``.csv.gz`` or ``.zip``, read by
  :func:`usmca.ge.loaders.icio.load_icio`), with each industry's trade elasticity taken from the
  embedded baseline's sector group (Caliendo and Parro 2015 values aggregated) and zero tariffs
  (ICIO flows are at basic prices);

Regions and sectors are mapped to the codes the scenario files use: regions by name or ISO code
(``Mexico``/``MEX`` -> ``MEX``, EU members -> ``EU27``, everything else -> ``ROW``), sectors by the
Caliendo-Parro sector map of :mod:`usmca.data.baseline.sectors` or by ISIC Rev.4 division of the
ICIO industry code (:func:`icio_sector_group`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from usmca.data.baseline.sectors import CP_REGION_MAP, CP_SECTOR_MAP, REGIONS, SECTORS

__all__ = ["ExternalBaseline", "load_external_baseline"]


@dataclass(frozen=True, eq=False)
class ExternalBaseline:
    """A baseline read from a folder, with the maps from scenario codes to its regions/sectors."""

    cp_inputs: Any
    region_groups: dict[str, list[str]]
    sector_groups: dict[str, list[str]]
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    cell_status: None = None

    @property
    def countries(self) -> tuple[str, ...]:
        return self.cp_inputs.countries

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.cp_inputs.sectors

    @property
    def tariffs(self) -> np.ndarray:
        return self.cp_inputs.tariffs

    @property
    def flows(self) -> np.ndarray:
        return self.cp_inputs.imports()

    def status_table(self) -> dict[str, int]:
        return {}


def _groups(names: tuple[str, ...], table: dict[str, str], codes: tuple[str, ...], first: dict[str, str]
            ) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {c: [] for c in codes}
    for n in names:
        g = table.get(n, table.get(n.upper(), "ROW" if "ROW" in codes else None))
        if g is not None:
            groups[g].append(n)
    for code, lead in first.items():   # put the representative region first (e.g. CP's "Row" for mfn)
        if lead in groups.get(code, []):
            groups[code].remove(lead)
            groups[code].insert(0, lead)
    return groups   # empty groups kept: a shock on a region or sector the baseline lacks is a no-op


#: EU member states (ISO 3166-1 alpha-3), for grouping ICIO countries into EU27.
EU27_ISO3 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
             "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE")


def icio_sector_group(code: str) -> str:
    """The baseline's sector group of an ICIO industry code (ISIC Rev.4 divisions).

    A01-A03 and C10-C12 agri_food; B05-B09 and C19 energy_minerals; C20-C21 chem_pharma; C22
    plastics_rubber; C24-C25 metals; C28 machinery; C26-C27 electrical (C26 also holds computers,
    HS 84 in the baseline's grouping); C29 vehicles; other C divisions other_manuf; the rest
    services.
    """
    c = code.upper()
    if c.startswith("A") or c.startswith("C10"):
        return "agri_food"
    if c.startswith("B") or c.startswith("C19"):
        return "energy_minerals"
    if c[:3] in ("C20", "C21"):
        return "chem_pharma"
    if c.startswith("C22"):
        return "plastics_rubber"
    if c[:3] in ("C24", "C25"):
        return "metals"
    if c.startswith("C28"):
        return "machinery"
    if c[:3] in ("C26", "C27"):
        return "electrical"
    if c.startswith("C29"):
        return "vehicles"
    if c.startswith("C"):
        return "other_manuf"
    return "services"


def _load_icio(path: Path) -> tuple[Any, str]:
    import pandas as pd

    from usmca.data.baseline import load_baseline
    from usmca.ge.loaders.icio import load_icio

    head = pd.read_csv(path, index_col=0, nrows=0)
    inds = list(dict.fromkeys(c.split("_", 1)[1] for c in head.columns if "_" in c
                              and c.split("_", 1)[1] not in ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")))
    emb = load_baseline()
    theta_of = dict(zip(emb.sectors, emb.theta, strict=True))
    theta = np.array([theta_of[icio_sector_group(i)] for i in inds])
    return load_icio(path, theta=theta).inputs, str(path)


def load_external_baseline(path: str | Path) -> ExternalBaseline:
    """Read a replication-layout folder or an ICIO table and map it to the scenario codes."""
    p = Path(path)
    if p.is_file():
        inp, src = _load_icio(p)
        rmap = {c: c for c in REGIONS} | {c: "EU27" for c in EU27_ISO3}
        smap = {s: icio_sector_group(s) for s in inp.sectors}
        return _wrap(inp, rmap, smap, src, f"OECD ICIO table {p.name}")
    from usmca.ge.loaders.cp2015 import load_cp2015

    data = load_cp2015(path)
    inp = data.inputs
    rmap = dict(CP_REGION_MAP) | {c: c for c in REGIONS}
    smap = dict(CP_SECTOR_MAP) | {s: s for s in SECTORS}
    return _wrap(inp, rmap, smap, str(data.directory), f"replication data {data.directory.name}")


def _wrap(inp: Any, rmap: dict[str, str], smap: dict[str, str], source: str, what: str) -> ExternalBaseline:
    regions = _groups(inp.countries, rmap, REGIONS, {"ROW": "Row"})
    regions["USMCA"] = [n for c in ("USA", "MEX", "CAN") for n in regions.get(c, [])]
    sectors = _groups(inp.sectors, smap, SECTORS, {})
    return ExternalBaseline(cp_inputs=inp, region_groups=regions, sector_groups=sectors, source=source,
                            meta={"description": f"{what} ({len(inp.countries)} regions x {len(inp.sectors)} sectors)"})
