"""Loader of the Caliendo-Parro (2015) NAFTA replication data (31 regions x 40 sectors, 1993).

Reads ``model_inputs/`` of the extracted replication package (see the data folder's README:
CP's ``Data_and_Codes_CP.zip`` as ported by ``paulofelipe/cp2015-jax``, and deficits from the R
package ``paulofelipe/cp2015``) into :class:`usmca.ge.caliendo_parro.CPInputs`. The files are
read from the shared data folder (``usmca.paths.shared_data_dir() / "cp2015"``), never copied.

Caliendo, L. and Parro, F. (2015), *Review of Economic Studies* 82(1): 1-44,
https://doi.org/10.1093/restud/rdu035.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from usmca.errors import UserInputError
from usmca.paths import missing_data_hint, shared_data_dir

from ..caliendo_parro.inputs import CPInputs
from .csvfiles import read_csv_checked

__all__ = ["CP2015Data", "load_cp2015", "load_cp2015_levels", "resolve_cp2015_dir", "NAFTA"]

#: The three NAFTA members as named in the data set.
NAFTA: tuple[str, ...] = ("Canada", "Mexico", "USA")

_FILES = ("regions.csv", "sectors.csv", "country.csv", "country_sector.csv", "bilateral.csv", "io_shares.csv")


@dataclass(frozen=True, eq=False)
class CP2015Data:
    """The replication data: baseline inputs (1993 tariffs, data deficits) and tariff sets.

    Attributes
    ----------
    inputs : CPInputs
        Baseline with 1993 tariffs and ``deficits`` = data deficits (imports - exports).
    tariffs_2005 : ndarray (N, N, J)
        2005 tariffs everywhere.
    tariffs_nafta : ndarray (N, N, J)
        The paper's NAFTA counterfactual: 2005 tariffs on the 9 NAFTA importer x exporter pairs,
        1993 tariffs elsewhere.
    directory : Path
    aliases : dict
        ISO3 code -> region name (``MEX`` -> ``Mexico``), for scenario files.
    """

    inputs: CPInputs
    tariffs_2005: np.ndarray
    tariffs_nafta: np.ndarray
    directory: Path
    aliases: dict[str, str]


def resolve_cp2015_dir(data_dir: str | Path | None = None) -> Path:
    """The folder holding ``model_inputs/``: ``data_dir`` itself, ``data_dir/cp2015``, or the
    shared data folder's ``cp2015`` when ``data_dir`` is ``None``."""
    if data_dir is None:
        root = shared_data_dir()
        if root is None:
            raise UserInputError("--data", "", None,
                                 f"no data folder given and no shared data folder: {missing_data_hint('cp2015')}")
        data_dir = root / "cp2015"
    d = Path(data_dir)
    for cand in (d, d / "cp2015"):
        if (cand / "model_inputs" / "bilateral.csv").is_file():
            return cand
    raise UserInputError("--data", "", str(d),
                         f"not a cp2015 folder (needs model_inputs/bilateral.csv); {missing_data_hint('cp2015')}")


def load_cp2015(data_dir: str | Path | None = None) -> CP2015Data:
    """Read the CP2015 model inputs.

    Parameters
    ----------
    data_dir
        The ``cp2015`` folder (or its parent); default the shared data folder.
    """
    d = resolve_cp2015_dir(data_dir)
    mi = d / "model_inputs"
    regions = read_csv_checked(mi / "regions.csv").sort_values("region_index")
    sectors = read_csv_checked(mi / "sectors.csv").sort_values("sector_index")
    country = read_csv_checked(mi / "country.csv").rename(columns={"wL_n": "value_added", "D_n_data": "deficit"})
    cs = read_csv_checked(mi / "country_sector.csv").rename(
        columns={"X_nj": "expenditure", "gamma_nj": "va_share", "alpha_nj": "final_share"})
    bil = read_csv_checked(mi / "bilateral.csv").rename(columns={"pi_nij": "pi", "tau_1993": "tariff"})
    io = read_csv_checked(mi / "io_shares.csv").rename(columns={"gamma_nkj": "io_share"})
    src = str(mi)
    inputs = CPInputs.from_frames(bil, cs, io, country, sectors, source=src,
                                  countries=list(regions["region"]))
    n, j = inputs.shape
    ci = {c: k for k, c in enumerate(inputs.countries)}
    si = {s: k for k, s in enumerate(inputs.sectors)}
    a = bil["importer"].map(ci).to_numpy()
    b = bil["exporter"].map(ci).to_numpy()
    c = bil["sector"].map(si).to_numpy()
    t05 = np.zeros((n, n, j))
    t05[a, b, c] = bil["tau_2005"].to_numpy(float)
    tn = np.zeros((n, n, j))
    tn[a, b, c] = bil["tau_cfl_nafta"].to_numpy(float)
    for arr in (t05, tn):
        arr.setflags(write=False)
    aliases = dict(zip(regions["iso3"].astype(str), regions["region"].astype(str), strict=True)) if "iso3" in regions else {}
    return CP2015Data(inputs=inputs, tariffs_2005=t05, tariffs_nafta=tn, directory=d, aliases=aliases)


def load_cp2015_levels(data_dir: str | Path | None = None) -> CPInputs:
    """The same economy built from ``levels/`` (the R package's SAM-style tables, US$) via
    :func:`usmca.ge.caliendo_parro.levels.inputs_from_levels`; 1993 tariffs, data deficits."""
    from ..caliendo_parro.levels import inputs_from_levels

    d = resolve_cp2015_dir(data_dir) / "levels"
    regions = read_csv_checked(d.parent / "model_inputs" / "regions.csv").sort_values("region_index")
    t = {name: read_csv_checked(d / f"{name}.csv") for name in
         ("trade", "intermediate_consumption", "final_consumption", "value_added", "theta", "deficit")}
    return inputs_from_levels(t["trade"], t["intermediate_consumption"], t["final_consumption"],
                              t["value_added"], t["theta"], deficits=t["deficit"],
                              countries=list(regions["region"]), source=str(d))
