"""Loader of gegravity's sample data set (30 countries, 2006) and its reference results.

``sample_data_set.csv`` is ``examples/sample_data_set.dlm`` of https://github.com/peter-herman/gegravity
(v0.3, MIT); its trade comes from Yotov et al. (2016) ``1_TradeWithoutBorder.dta``. ``Y`` and ``E``
are totals of the full 69-country world, so the model runs on output and expenditure *shares*
within the sample (``Y_i / sum Y``, ``E_j / sum E``), as gegravity does. The cost coefficients of
the upstream example (ppmlhdfe, exporter and importer FE) are in the folder's README.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from .csvfiles import dataset_dir, pair_matrix, pair_positions, read_csv_checked

__all__ = ["GegravitySample", "read_sample", "read_reference_country", "EXAMPLE_COEFFICIENTS", "EXAMPLE_SIGMA"]

EXAMPLE_COEFFICIENTS: dict[str, tuple[float, float]] = {
    # name: (estimate, standard error): the example of gegravity 0.3's documentation,
    # https://pypi.org/project/gegravity/ and https://gist.github.com/peter-herman/faeea8ec032c4c2c13bcbc9c400cca9b
    "lndist": (-0.3898623, 0.0729915),
    "contiguity": (0.891577, 0.1327354),
    "common_language": (0.0326249, 0.0840702),
    "pta": (0.4711383, 0.1076578),
    "international": (-3.412584, 0.2151235),
}
EXAMPLE_SIGMA = 5.0
_COLUMNS = ("exporter", "importer", "trade", "Y", "E", *EXAMPLE_COEFFICIENTS)


@dataclass(frozen=True, eq=False)
class GegravitySample:
    """Arrays of the sample (exporter i by importer j); ``y`` and ``e`` are shares summing to 1."""

    countries: tuple[str, ...]
    y: np.ndarray
    e: np.ndarray
    variables: dict[str, np.ndarray]

    def log_costs(self, coefficients: dict[str, float]) -> np.ndarray:
        """``ln t_ij^(1-sigma) = sum_k beta_k x_ijk`` (the constant drops out of the model)."""
        from usmca.ge.gravity.costs import phi_from_coefficients

        return np.log(phi_from_coefficients(self.variables, coefficients))


def read_sample(data: str | Path | None = None) -> GegravitySample:
    """Validated arrays of ``sample_data_set.csv``.

    Output and expenditure become shares of the sample's totals, ``y_i = Y_i / sum_k Y_k`` and
    ``e_j = E_j / sum_k E_k`` (as gegravity does, see the module docstring), and each cost
    variable an ``(N, N)`` array ``x_ijk`` (exporter i, importer j).

    Raises
    ------
    UserInputError
        Missing folder, file or column, an incomplete ``N x N`` square, or ``Y``/``E`` <= 0.
    """
    path = dataset_dir(data, "gegravity_sample") / "sample_data_set.csv"
    df = read_csv_checked(path, _COLUMNS)
    countries = tuple(sorted(set(df["exporter"])))
    n = len(countries)
    if len(df) != n * n or set(df["importer"]) != set(countries):
        raise UserInputError(str(path), "rows", len(df), f"need all {n}x{n} pairs")
    i, j = pair_positions(df, countries)
    mats = {col: pair_matrix(i, j, df[col].to_numpy(dtype=float), n) for col in EXAMPLE_COEFFICIENTS}
    y = df.groupby("exporter")["Y"].first().reindex(countries).to_numpy(dtype=float)
    e = df.groupby("importer")["E"].first().reindex(countries).to_numpy(dtype=float)
    if np.any(~np.isfinite(y)) or np.any(y <= 0) or np.any(~np.isfinite(e)) or np.any(e <= 0):
        raise UserInputError(str(path), "Y/E", "non-positive", "output and expenditure must be > 0")
    return GegravitySample(countries, y / y.sum(), e / e.sum(), mats)


def read_reference_country(data: str | Path | None = None) -> pd.DataFrame:
    """gegravity 0.3's country results of the CAN-JPN PTA example, indexed by country."""
    path = dataset_dir(data, "gegravity_sample") / "reference_results" / "can_jpn_pta_country_results.csv"
    return read_csv_checked(path, ("country",)).set_index("country").sort_index()
