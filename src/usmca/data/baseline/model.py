"""The embedded baseline as an immutable object: load, inspect, convert to model inputs.

>>> from usmca.data.baseline import load_baseline
>>> b = load_baseline()
>>> b.countries[:3]
('USA', 'MEX', 'CAN')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from usmca.errors import ShippedDataError, UserInputError
from usmca.limits import MAX_JSON_BYTES, read_capped

from .build import BASELINE_PATH, STATUS_CODES

__all__ = ["Baseline", "load_baseline"]


@dataclass(frozen=True)
class Baseline:
    """A multi-sector world economy in levels (USD bn), in the Caliendo-Parro (2015) layout.

    Attributes
    ----------
    countries, sectors : names (N regions, J sectors).
    flows : (N, N, J) trade flows net of tariffs, ``[importer, exporter, sector]``; the diagonal
        holds domestic sales.
    tariffs : (N, N, J) ad-valorem tariffs as fractions, same order.
    va_share : (N, J) value added / gross output (:math:`\\gamma_{nj}`).
    io_share : (N, J, J) input k per unit of gross output of sector j, ``[n, k, j]``.
    final_share : (N, J) final-demand shares (:math:`\\alpha_{nj}`), rows sum to one.
    theta : (J,) trade elasticities.
    value_added : (N,) value added (= GDP), :math:`w_n L_n`.
    deficits : (N,) goods imports minus exports, :math:`D_n`.
    cell_status : (N, N, J) provenance code of each flow (see ``status_codes``).
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    flows: np.ndarray
    tariffs: np.ndarray
    va_share: np.ndarray
    io_share: np.ndarray
    final_share: np.ndarray
    theta: np.ndarray
    value_added: np.ndarray
    deficits: np.ndarray
    cell_status: np.ndarray | None = None
    source: str = "embedded 2024 baseline"
    meta: dict[str, Any] = field(default_factory=dict)
    elasticities: Any = None
    """:class:`usmca.data.baseline.elasticities.Elasticities` behind ``theta`` (with standard errors)."""

    # -- derived quantities -------------------------------------------------------------------
    @property
    def expenditure(self) -> np.ndarray:
        """(N, J) absorption gross of tariffs, :math:`X_{nj} = \\sum_i Z_{nij}(1+\\tau_{nij})`."""
        return (self.flows * (1.0 + self.tariffs)).sum(axis=1)

    @property
    def shares(self) -> np.ndarray:
        """(N, N, J) expenditure shares :math:`\\pi_{nij}`; rows over exporters sum to one."""
        x = self.expenditure
        return self.flows * (1.0 + self.tariffs) / np.where(x > 0, x, 1.0)[:, None, :]

    def exports(self) -> np.ndarray:
        """(N,) goods exports by exporter (off-diagonal flows)."""
        off = self.flows * (1 - np.eye(len(self.countries)))[:, :, None]
        return off.sum(axis=(0, 2))

    def imports(self) -> np.ndarray:
        """(N,) goods imports by importer, net of tariffs."""
        off = self.flows * (1 - np.eye(len(self.countries)))[:, :, None]
        return off.sum(axis=(1, 2))

    def index(self, country: str) -> int:
        """Position of a country code, or a :class:`UserInputError`."""
        try:
            return self.countries.index(country)
        except ValueError:
            raise UserInputError(self.source, "country", country, f"not one of {', '.join(self.countries)}") from None

    def status_table(self) -> dict[str, int]:
        """Number of bilateral goods cells (off-diagonal) by provenance, keyed by description."""
        if self.cell_status is None:
            return {}
        off = ~np.eye(len(self.countries), dtype=bool)
        codes = self.cell_status[off]
        goods = self.flows[off] >= 0
        return {STATUS_CODES.get(int(c), str(c)): int(((codes == c) & goods).sum()) for c in np.unique(codes)}


def load_baseline(path: Path | str | None = None, elasticities: Path | str | None = None) -> Baseline:
    """Load the embedded baseline (default) or a baseline JSON file written by the builder.

    ``theta`` comes from the cited elasticity table (:mod:`.elasticities`; ``elasticities`` names
    another table) whenever the baseline's sectors are all in it; the file's own ``theta`` only
    otherwise.
    """
    p = Path(path) if path else BASELINE_PATH
    if not p.is_file():
        raise UserInputError(str(p), "", str(p), "baseline file not found (run: usmca data build-baseline)")
    try:
        d = json.loads(read_capped(p, "baseline file", MAX_JSON_BYTES))
        arr = {k: np.asarray(d[k], dtype=float) for k in ("flows", "tariffs", "va_share", "io_share", "final_share",
                                                            "theta", "value_added", "deficits")}
    except (KeyError, ValueError) as exc:
        bad = UserInputError(p.name, "", None, f"not a baseline file: {exc}")
        raise (bad if path else ShippedDataError("baseline", bad)) from None
    status = np.asarray(d["cell_status"], dtype=int) if "cell_status" in d else None
    meta = {k: d[k] for k in ("description", "year", "unit", "final_share_adjustments", "domestic_floor",
                              "bilateral_measures", "status_codes", "tariff_sources") if k in d}
    el = None
    from .elasticities import load_elasticities  # noqa: PLC0415

    sectors = tuple(d["sectors"])
    if elasticities is not None or set(sectors) <= set(_default_sectors()):
        el = load_elasticities(elasticities, sectors)
        arr["theta"] = el.theta.copy()
    return Baseline(countries=tuple(d["countries"]), sectors=sectors, cell_status=status,
                    source=p.name, meta=meta, elasticities=el, **arr)


def _default_sectors() -> tuple[str, ...]:
    from .sectors import SECTORS  # noqa: PLC0415

    return SECTORS
