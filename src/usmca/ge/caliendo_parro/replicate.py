"""Replication of Caliendo and Parro (2015), Table 2: welfare effects of NAFTA's tariff cuts.

Experiment (CP 2015, Section 5.1, https://doi.org/10.1093/restud/rdu035): baseline = 1993
tariffs with trade deficits removed (:math:`D_n = 0`); counterfactual = 2005 tariffs on the nine
NAFTA importer x exporter pairs, 1993 tariffs elsewhere, :math:`D_n = 0`. Reported: welfare
(= terms of trade + volume of trade, % of income), its two parts, the real wage, and imports
from NAFTA partners (the paper's "intra-bloc trade": +118 / +11 / +41 % for MEX / CAN / USA).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from ..loaders.cp2015 import NAFTA, load_cp2015
from .results import CPResults
from .solve import solve
from .uncertainty import theta_montecarlo

__all__ = ["replicate_cp2015", "TABLE2_COLUMNS"]

TABLE2_COLUMNS = ("welfare_pct", "tot_pct", "vot_pct", "real_wage_pct")


def _reference(directory: Path, regions: dict[str, dict[str, float]]) -> dict[str, Any] | None:
    path = directory / "reference_results" / "table2_welfare_nafta.csv"
    if not path.is_file():
        return None
    ref = pd.read_csv(path)
    out: dict[str, Any] = {"file": str(path.relative_to(directory.parent)), "by_source": {}}
    for source, grp in ref.groupby("source", sort=False):
        diffs = [abs(regions[r.region][c] - float(getattr(r, c))) for r in grp.itertuples() for c in TABLE2_COLUMNS]
        out["by_source"][source] = {
            "values": {r.region: {c: float(getattr(r, c)) for c in TABLE2_COLUMNS} for r in grp.itertuples()},
            "max_abs_diff_pp": float(np.max(diffs)),
        }
    return out


def replicate_cp2015(data_dir: str | Path | None = None, *, draws: int = 0, theta_cv: float = 0.0,
                     seed: int = 0, workers: int = 1,
                     on_progress: Callable[[int], None] | None = None) -> tuple[dict[str, Any], CPResults]:
    """Run the NAFTA experiment and return (JSON-ready summary, full results).

    The summary holds, for every region, ``welfare_pct, tot_pct, vot_pct, real_wage_pct,
    imports_from_nafta_pct`` (imports from the NAFTA members other than itself), the solver
    diagnostics, and, when the data folder carries ``reference_results/``, the published and
    replicated Table 2 with the largest absolute difference in percentage points.

    With ``draws > 0``, adds ``bands``: 5th / 50th / 95th percentiles of the measures over
    ``draws`` log-normal draws of :math:`\theta_j` with standard deviation ``theta_cv`` x
    :math:`\theta_j` (see :mod:`.uncertainty`).
    """
    data = load_cp2015(data_dir)
    res = solve(data.inputs, data.tariffs_nafta, balanced=True)
    table = res.countries.set_index("country")
    regions: dict[str, dict[str, float]] = {}
    for name in res.country_names:
        row = {c: float(table.loc[name, c]) for c in TABLE2_COLUMNS}
        row["imports_from_nafta_pct"] = res.imports_from(name, NAFTA)
        regions[name] = row
    summary: dict[str, Any] = {
        "model": "caliendo-parro",
        "replication": "Caliendo and Parro (2015), Table 2: welfare effects of NAFTA's tariff reductions",
        "paper": "https://doi.org/10.1093/restud/rdu035",
        "experiment": "baseline 1993 tariffs, D=0; counterfactual 2005 tariffs on NAFTA pairs, D=0",
        "regions": regions,
        "diagnostics": res.diagnostics,
    }
    if draws > 0:
        if not theta_cv > 0:
            raise UserInputError("--theta-cv", "", theta_cv, "must be > 0 when --draws > 0")
        mc = theta_montecarlo(data.inputs, data.tariffs_nafta, theta_se=theta_cv * data.inputs.theta,
                              n=draws, seed=seed, balanced=True, workers=workers, on_progress=on_progress)
        summary["bands"] = {
            "draws": draws, "failed": len(mc.montecarlo.failed), "seed": seed, "theta_cv": theta_cv,
            "seconds": mc.montecarlo.seconds,
            "regions": {c: {r.metric: {"p5": r.p5, "p50": r.p50, "p95": r.p95}
                            for r in grp.itertuples()} for c, grp in mc.frame.groupby("country", sort=False)},
        }
    ref = _reference(data.directory, regions)
    if ref is not None:
        summary["reference"] = ref
    return summary, res
