"""Loader of the Yotov et al. (2016) ch. 2 application 2 data (removing NAFTA), read where it sits.

Source: *An Advanced Guide to Trade Policy Analysis: The Structural Gravity Model* (WTO/UNCTAD
2016), https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf ; Stata files
mirrored in https://github.com/pachadotdev/tradepolicy (``00-application-files/Chapter2/``).
Folder layout (``shared/data/yotov_nafta``): ``chapter2_application2_panel.csv`` (69 x 69 x 21
years, trade in millions of US$), ``derived_1994_trade_costs.csv`` and ``published_results/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from .csvfiles import dataset_dir, pair_matrix, pair_positions, read_csv_checked

__all__ = ["YotovCosts", "yotov_dir", "read_panel", "read_costs_1994", "read_published", "costs_from_frame",
           "NAFTA", "PANEL_COLUMNS"]

NAFTA = ("CAN", "MEX", "USA")
PANEL_COLUMNS = ("exporter", "importer", "pair_id", "year", "trade", "DIST", "CNTG", "LANG", "CLNY", "RTA")
_COST_COLUMNS = ("exporter", "importer", "trade", "RTA", "ln_tij_bar")


@dataclass(frozen=True, eq=False)
class YotovCosts:
    """The 1994 cross-section as arrays (exporter i by importer j, countries sorted)."""

    countries: tuple[str, ...]
    trade: np.ndarray
    rta: np.ndarray
    ln_tij_bar: np.ndarray

    def index(self, names: tuple[str, ...] | list[str]) -> np.ndarray:
        return np.array([self.countries.index(n) for n in names])

    def nafta_mask(self) -> np.ndarray:
        """1 on the 6 directed NAFTA pairs."""
        k = self.index(NAFTA)
        m = np.zeros_like(self.rta)
        m[np.ix_(k, k)] = 1.0
        np.fill_diagonal(m, 0.0)
        return m

    def phi(self, rta_coef: float, rta: np.ndarray | None = None) -> np.ndarray:
        """``t_ij^(1-sigma) = exp(ln_tij_bar + b RTA)``."""
        return np.exp(self.ln_tij_bar + rta_coef * (self.rta if rta is None else rta))


def yotov_dir(data: str | Path | None = None) -> Path:
    """The data folder: ``data`` if given, else ``shared/data/yotov_nafta``."""
    return dataset_dir(data, "yotov_nafta")


def read_panel(data: str | Path | None = None) -> pd.DataFrame:
    """The 99,981-row panel (trade in millions of US$), validated."""
    path = yotov_dir(data) / "chapter2_application2_panel.csv"
    df = read_csv_checked(path, PANEL_COLUMNS)
    bad = df["trade"].isna() | (df["trade"] < 0)
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        raise UserInputError(str(path), f"trade (row {k + 2})", str(df["trade"].iloc[k]), "must be a number >= 0")
    return df


def costs_from_frame(df: pd.DataFrame, source: str = "costs") -> YotovCosts:
    """Square arrays from a tidy frame with ``exporter, importer, trade, RTA, ln_tij_bar``."""
    countries = tuple(sorted(set(df["exporter"]) | set(df["importer"])))
    n = len(countries)
    if len(df) != n * n or df.duplicated(["exporter", "importer"]).any():
        raise UserInputError(source, "rows", len(df), f"need each of the {n}x{n} exporter-importer pairs once")
    i, j = pair_positions(df, countries)
    out = []
    for col in ("trade", "RTA", "ln_tij_bar"):
        vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(vals)):
            k = int(np.flatnonzero(~np.isfinite(vals))[0])
            raise UserInputError(source, f"{col} (row {k + 2})", str(df[col].iloc[k]), "must be a finite number")
        out.append(pair_matrix(i, j, vals, n))
    return YotovCosts(countries, *out)


def read_costs_1994(data: str | Path | None = None) -> YotovCosts:
    """``derived_1994_trade_costs.csv`` (pair effects of stage 1, 14 pairs filled by stage 2)."""
    path = yotov_dir(data) / "derived_1994_trade_costs.csv"
    return costs_from_frame(read_csv_checked(path, _COST_COLUMNS), str(path))


def read_published(data: str | Path | None = None) -> pd.DataFrame:
    """The book's table (``2_RTAsEffects_FULL.csv``) joined with the OMR/IMR detail, by country."""
    d = yotov_dir(data) / "published_results"
    full = read_csv_checked(d / "2_RTAsEffects_FULL.csv", ("country", "change_Xi_CDL", "change_rGDP_FULL"))
    prod = read_csv_checked(d / "2_RTAsEffects_FULL_PROD.csv", ("country",))
    cons = read_csv_checked(d / "2_RTAsEffects_FULL_CONS.csv", ("country",))
    out = full.merge(prod[["country", "change_OMR_CDL", "change_OMR_FULL"]], on="country")
    out = out.merge(cons[["country", "change_IMR_CDL"]], on="country")
    return out.set_index("country").sort_index()
