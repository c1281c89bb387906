"""Model inputs of the Caliendo-Parro (2015) multi-sector model: one frozen, validated object.

Index convention (the paper's, Caliendo and Parro 2015, *Review of Economic Studies* 82(1),
https://doi.org/10.1093/restud/rdu035): ``n`` importer / destination, ``i`` exporter / source,
``j, k`` sectors. Arrays are ``[n, i, j]`` for bilateral objects and ``[n, k, j]`` for the
input-output shares (input ``k`` used by sector ``j`` in country ``n``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

__all__ = ["CPInputs", "TOL_SHARE"]

#: Tolerance on adding-up constraints of shares (CP's own IO.txt adds up to within 4e-7).
TOL_SHARE = 1e-5


def _ro(a: Any, dtype: type = float) -> np.ndarray:
    arr: np.ndarray = np.array(a, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class CPInputs:
    """Baseline data of the Caliendo-Parro model (shares, tariffs, value added, deficits).

    Attributes
    ----------
    countries : tuple of str
        ``N`` region names (order of every country axis).
    sectors : tuple of str
        ``J`` sector names.
    pi : ndarray, shape (N, N, J)
        Expenditure shares :math:`\\pi_{nij}`: share of country ``n``'s spending on sector-``j``
        goods bought from ``i``; :math:`\\sum_i \\pi_{nij} = 1`.
    tariffs : ndarray, shape (N, N, J)
        Ad-valorem tariffs :math:`\\tau_{nij}` as fractions (importer ``n`` on goods from ``i``).
    expenditure : ndarray, shape (N, J)
        Total expenditure :math:`X_{nj}` (gross of tariffs), currency units.
    va_share : ndarray, shape (N, J)
        Value-added share of gross output :math:`\\gamma_{nj}`.
    io_share : ndarray, shape (N, J, J)
        Input-output shares :math:`\\gamma_{nkj}` (input ``k`` in sector ``j``'s output);
        :math:`\\gamma_{nj} + \\sum_k \\gamma_{nkj} = 1`.
    final_share : ndarray, shape (N, J)
        Final-demand shares :math:`\\alpha_{nj}`, :math:`\\sum_j \\alpha_{nj} = 1`.
    theta : ndarray, shape (J,)
        Trade elasticities :math:`\\theta_j > 0`.
    value_added : ndarray, shape (N,)
        Value added :math:`w_n L_n`.
    deficits : ndarray, shape (N,)
        Trade deficits :math:`D_n` (imports minus exports), held fixed in a solve unless
        ``balanced=True``.
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    pi: np.ndarray
    tariffs: np.ndarray
    expenditure: np.ndarray
    va_share: np.ndarray
    io_share: np.ndarray
    final_share: np.ndarray
    theta: np.ndarray
    value_added: np.ndarray
    deficits: np.ndarray
    source: str = "<arrays>"

    def __post_init__(self) -> None:
        object.__setattr__(self, "countries", tuple(str(c) for c in self.countries))
        object.__setattr__(self, "sectors", tuple(str(s) for s in self.sectors))
        for name in ("pi", "tariffs", "expenditure", "va_share", "io_share", "final_share",
                     "theta", "value_added", "deficits"):
            object.__setattr__(self, name, _ro(getattr(self, name)))
        self._validate()

    # ------------------------------------------------------------------ validation
    @property
    def shape(self) -> tuple[int, int]:
        """``(N, J)``."""
        return len(self.countries), len(self.sectors)

    def _fail(self, field: str, value: Any, reason: str) -> None:
        raise UserInputError(self.source, field, value, reason)

    def _validate(self) -> None:
        n, j = self.shape
        if len(set(self.countries)) != n or n < 2:
            self._fail("countries", self.countries[:5], "need >= 2 distinct names")
        if len(set(self.sectors)) != j or j < 1:
            self._fail("sectors", self.sectors[:5], "need >= 1 distinct names")
        shapes = {"pi": (n, n, j), "tariffs": (n, n, j), "expenditure": (n, j),
                  "va_share": (n, j), "io_share": (n, j, j), "final_share": (n, j),
                  "theta": (j,), "value_added": (n,), "deficits": (n,)}
        for name, shp in shapes.items():
            arr = getattr(self, name)
            if arr.shape != shp:
                self._fail(name, arr.shape, f"shape must be {shp}")
            if not np.all(np.isfinite(arr)):
                self._fail(name, "non-finite", "all entries must be finite")
        for name in ("pi", "tariffs", "expenditure", "va_share", "final_share", "value_added"):
            arr = getattr(self, name)
            if np.any(arr < 0):
                idx = tuple(int(x) for x in np.argwhere(arr < 0)[0])
                self._fail(f"{name}{list(idx)}", float(arr[idx]), "must be >= 0")
        if np.any(self.theta <= 0):
            self._fail("theta", float(self.theta.min()), "trade elasticities must be > 0")
        if np.any(self.value_added <= 0):
            self._fail("value_added", float(self.value_added.min()), "must be > 0")
        rows = self.pi.sum(axis=1)
        bad = np.abs(rows - 1) > TOL_SHARE
        if bad.any():
            a, b = np.argwhere(bad)[0]
            self._fail(f"pi[{self.countries[a]}, :, {self.sectors[b]}]", float(rows[a, b]),
                       "import shares must sum to 1 over exporters")
        adding = self.va_share + self.io_share.sum(axis=1)
        bad = np.abs(adding - 1) > TOL_SHARE
        if bad.any():
            a, b = np.argwhere(bad)[0]
            self._fail(f"va_share + io_share[{self.countries[a]}, {self.sectors[b]}]",
                       float(adding[a, b]), "value-added and input shares must sum to 1")
        fd = self.final_share.sum(axis=1)
        bad = np.abs(fd - 1) > TOL_SHARE
        if bad.any():
            a = int(np.argmax(bad))
            self._fail(f"final_share[{self.countries[a]}]", float(fd[a]), "must sum to 1 over sectors")

    # ------------------------------------------------------------------ helpers
    def country_index(self, name: str, source: str = "country") -> int:
        """Position of a region by name or, failing that, case-insensitively."""
        k = _position(self.countries, name)
        if k is None:
            raise UserInputError(source, "country", name,
                                 f"unknown region (known: {', '.join(self.countries[:8])}, ...)")
        return k

    def sector_index(self, name: str, source: str = "sector") -> int:
        """Position of a sector by name (case-insensitive fallback)."""
        k = _position(self.sectors, name)
        if k is None:
            raise UserInputError(source, "sector", name, "unknown sector")
        return k

    def imports(self) -> np.ndarray:
        """Baseline imports net of tariffs :math:`M_{nij} = \\pi_{nij} X_{nj} / (1+\\tau_{nij})`."""
        return self.pi * self.expenditure[:, None, :] / (1.0 + self.tariffs)

    def with_(self, **changes: Any) -> "CPInputs":
        """A copy with some fields replaced (validated again); the original is unchanged."""
        return replace(self, **changes)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_frames(cls, bilateral: pd.DataFrame, country_sector: pd.DataFrame,
                    io: pd.DataFrame, country: pd.DataFrame, sectors: pd.DataFrame,
                    *, source: str = "<frames>", countries: list[str] | None = None) -> "CPInputs":
        """Build inputs from tidy tables.

        Parameters
        ----------
        bilateral
            Columns ``importer, exporter, sector, pi, tariff`` (``pi`` may instead be a
            ``flow`` column of imports net of tariffs; shares are then computed from it).
        country_sector
            ``region, sector, expenditure, va_share, final_share``.
        io
            ``region, input_sector, output_sector, io_share``.
        country
            ``region, value_added, deficit``.
        sectors
            ``sector, theta`` in model order.
        countries
            Region order; default: order of first appearance in ``country``.
        """
        regs = list(countries) if countries is not None else list(dict.fromkeys(country["region"]))
        secs = list(sectors["sector"])
        n, j = len(regs), len(secs)
        ci = {c: k for k, c in enumerate(regs)}
        si = {s: k for k, s in enumerate(secs)}

        def idx(frame: pd.DataFrame, col: str, table: dict[str, int], name: str) -> np.ndarray:
            codes = frame[col].map(table)
            if codes.isna().any():
                bad = frame.loc[codes.isna(), col].iloc[0]
                raise UserInputError(f"{source}:{name}", col, bad, "unknown name")
            return codes.to_numpy(dtype=np.intp)

        b_n, b_i, b_j = (idx(bilateral, c, t, "bilateral") for c, t in
                         (("importer", ci), ("exporter", ci), ("sector", si)))
        tau = np.zeros((n, n, j))
        tau[b_n, b_i, b_j] = bilateral["tariff"].to_numpy(float)
        pi = np.zeros((n, n, j))
        if "pi" in bilateral:
            pi[b_n, b_i, b_j] = bilateral["pi"].to_numpy(float)
        else:
            pi[b_n, b_i, b_j] = bilateral["flow"].to_numpy(float) * (1 + tau[b_n, b_i, b_j])
            tot = pi.sum(axis=1, keepdims=True)
            pi = np.divide(pi, tot, out=np.zeros_like(pi), where=tot > 0)
        cs_n, cs_j = idx(country_sector, "region", ci, "country_sector"), idx(country_sector, "sector", si, "country_sector")
        mats = {}
        for col in ("expenditure", "va_share", "final_share"):
            m = np.zeros((n, j))
            m[cs_n, cs_j] = country_sector[col].to_numpy(float)
            mats[col] = m
        io_n, io_k, io_j = (idx(io, c, t, "io") for c, t in
                            (("region", ci), ("input_sector", si), ("output_sector", si)))
        g = np.zeros((n, j, j))
        g[io_n, io_k, io_j] = io["io_share"].to_numpy(float)
        c_n = idx(country, "region", ci, "country")
        va = np.zeros(n)
        va[c_n] = country["value_added"].to_numpy(float)
        d = np.zeros(n)
        if "deficit" in country:
            d[c_n] = country["deficit"].to_numpy(float)
        return cls(countries=tuple(regs), sectors=tuple(secs), pi=pi, tariffs=tau,
                   expenditure=mats["expenditure"], va_share=mats["va_share"], io_share=g,
                   final_share=mats["final_share"], theta=sectors["theta"].to_numpy(float),
                   value_added=va, deficits=d, source=source)


def _position(names: tuple[str, ...], name: str) -> int | None:
    """Index of ``name`` in ``names``: exact match first, then the first case-insensitive one."""
    if name in names:
        return names.index(name)
    low = [c.lower() for c in names]
    return low.index(name.lower()) if name.lower() in low else None
