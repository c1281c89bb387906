"""Caliendo-Parro model inputs from an economy in levels (a SAM-style set of tidy tables).

The shares of the model (CP 2015, https://doi.org/10.1093/restud/rdu035) follow from levels:
gross output :math:`Y_{nj} = VA_{nj} + \\sum_k Z_{nkj}`; value-added share
:math:`\\gamma_{nj} = VA_{nj}/Y_{nj}`; input shares :math:`\\gamma_{nkj} = Z_{nkj}/Y_{nj}`;
final shares :math:`\\alpha_{nj} = F_{nj}/\\sum_j F_{nj}`; expenditure gross of tariffs
:math:`X_{nj} = \\sum_i T_{nij}(1+\\tau_{nij})`; shares :math:`\\pi_{nij} = T_{nij}(1+\\tau_{nij})/X_{nj}`;
value added :math:`w_nL_n = \\sum_j VA_{nj}`; deficits given or imports minus exports. A sector
without output gets :math:`\\gamma_{nj} = 1`; a sector nobody buys is sourced at home.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from .inputs import CPInputs

__all__ = ["inputs_from_levels"]


def _codes(frame: pd.DataFrame, col: str, table: dict[str, int], source: str) -> np.ndarray:
    if col not in frame:
        raise UserInputError(source, "column", col, "missing column")
    codes = frame[col].astype(str).map(table)
    if codes.isna().any():
        raise UserInputError(source, col, frame.loc[codes.isna(), col].iloc[0], "unknown name")
    return codes.to_numpy(dtype=np.intp)


def _values(frame: pd.DataFrame, source: str, *, allow_negative: bool = False) -> np.ndarray:
    if "value" not in frame:
        raise UserInputError(source, "column", "value", "missing column")
    v = pd.to_numeric(frame["value"], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(v) | ((v < 0) & (not allow_negative))
    if bad.any():
        k = int(np.argmax(bad))
        raise UserInputError(source, f"row {k + 2}: value", frame["value"].iloc[k], "must be a number >= 0")
    return v


def inputs_from_levels(trade: pd.DataFrame, intermediate: pd.DataFrame, final: pd.DataFrame,
                       value_added: pd.DataFrame, theta: pd.DataFrame, *,
                       deficits: pd.DataFrame | None = None, countries: list[str] | None = None,
                       source: str = "<levels>") -> CPInputs:
    """Build :class:`CPInputs` from tables in levels (one currency unit throughout).

    Parameters
    ----------
    trade
        ``importer, exporter, sector, value, tariff``: flows net of tariffs (domestic sales on
        the diagonal) and ad-valorem tariffs as fractions.
    intermediate
        ``region, input, sector, value``: input ``input`` used by ``sector`` in ``region``
        (small negative entries are accepted: CP's own IO table has one).
    final, value_added
        ``region, sector, value``.
    theta
        ``sector, value`` in model order (defines the sector order).
    deficits
        ``region, value`` (imports - exports); default computed from ``trade``.
    countries
        Region order; default the order of first appearance in ``value_added``.
    """
    sectors = [str(s) for s in theta["sector"]]
    regs = list(countries) if countries is not None else list(dict.fromkeys(value_added["region"].astype(str)))
    n, j = len(regs), len(sectors)
    ci = {c: k for k, c in enumerate(regs)}
    si = {s: k for k, s in enumerate(sectors)}
    a, b, c = (_codes(trade, col, tab, f"{source}:trade") for col, tab in
               (("importer", ci), ("exporter", ci), ("sector", si)))
    flows = np.zeros((n, n, j))
    tau = np.zeros((n, n, j))
    flows[a, b, c] = _values(trade, f"{source}:trade")
    tau[a, b, c] = pd.to_numeric(trade["tariff"], errors="coerce").to_numpy(float) if "tariff" in trade else 0.0
    if not np.all(np.isfinite(tau)) or (tau < 0).any():
        raise UserInputError(f"{source}:trade", "tariff", "negative or missing", "tariffs must be fractions >= 0")
    z = np.zeros((n, j, j))
    z[_codes(intermediate, "region", ci, f"{source}:intermediate"),
      _codes(intermediate, "input", si, f"{source}:intermediate"),
      _codes(intermediate, "sector", si, f"{source}:intermediate")] = _values(
        intermediate, f"{source}:intermediate", allow_negative=True)
    mats = {}
    for name, frame in (("final", final), ("value_added", value_added)):
        m = np.zeros((n, j))
        m[_codes(frame, "region", ci, f"{source}:{name}"), _codes(frame, "sector", si, f"{source}:{name}")] = \
            _values(frame, f"{source}:{name}")
        mats[name] = m
    va, fd = mats["value_added"], mats["final"]
    y = va + z.sum(axis=1)
    has = y > 0
    ysafe = np.where(has, y, 1.0)
    va_share = np.where(has, va / ysafe, 1.0)
    io = np.where(has[:, None, :], z / ysafe[:, None, :], 0.0)
    gross = flows * (1.0 + tau)
    x = gross.sum(axis=1)
    pi = np.divide(gross, x[:, None, :], out=np.zeros_like(gross), where=x[:, None, :] > 0)
    none = np.argwhere(x <= 0)
    pi[none[:, 0], none[:, 0], none[:, 1]] = 1.0
    fdt = fd.sum(axis=1)
    if (fdt <= 0).any():
        raise UserInputError(f"{source}:final", "region", regs[int(np.argmin(fdt))], "no final demand")
    if deficits is None:
        dom = np.einsum("nnj->n", flows)
        d = (flows.sum(axis=(1, 2)) - dom) - (flows.sum(axis=(0, 2)) - dom)
    else:
        d = np.zeros(n)
        col = "value" if "value" in deficits else "D"
        d[_codes(deficits, "region", ci, f"{source}:deficits")] = pd.to_numeric(deficits[col]).to_numpy(float)
    return CPInputs(countries=tuple(regs), sectors=tuple(sectors), pi=pi, tariffs=tau, expenditure=x,
                    va_share=va_share, io_share=io, final_share=fd / fdt[:, None],
                    theta=pd.to_numeric(theta["value"]).to_numpy(float), value_added=va.sum(axis=1),
                    deficits=d, source=source)
