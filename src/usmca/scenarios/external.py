"""Run the scenario library on another baseline: the CP2015 replication data or a user's own.

``usmca review --baseline DIR`` accepts a folder in the replication-data layout
(``model_inputs/{regions,sectors,country,country_sector,bilateral,io_shares}.csv``, read by
:func:`usmca.ge.loaders.cp2015.load_cp2015`; a user's OECD ICIO baseline can be written in that
layout). Its regions and sectors are mapped to the codes the scenario files use: regions by
name (``Mexico`` -> ``MEX``, the EU members -> ``EU27``, everything else -> ``ROW``), sectors by
the Caliendo-Parro sector map of :mod:`usmca.data.baseline.sectors`.
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
    return {k: v for k, v in groups.items() if v}


def load_external_baseline(path: str | Path) -> ExternalBaseline:
    """Read a replication-layout folder and map it to the scenario codes."""
    from usmca.ge.loaders.cp2015 import load_cp2015

    data = load_cp2015(path)
    inp = data.inputs
    rmap = dict(CP_REGION_MAP) | {c: c for c in REGIONS}
    regions = _groups(inp.countries, rmap, REGIONS, {"ROW": "Row"})
    regions["USMCA"] = [n for c in ("USA", "MEX", "CAN") for n in regions.get(c, [])]
    smap = dict(CP_SECTOR_MAP) | {s: s for s in SECTORS}
    sectors = _groups(inp.sectors, smap, SECTORS, {})
    return ExternalBaseline(cp_inputs=inp, region_groups=regions, sector_groups=sectors, source=str(data.directory),
                            meta={"description": f"baseline read from {data.directory.name} "
                                  f"({len(inp.countries)} regions x {len(inp.sectors)} sectors)"})
