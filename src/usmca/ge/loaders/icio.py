"""Loader of OECD Inter-Country Input-Output (ICIO) tables into Caliendo-Parro model inputs.

Official CSV layout (OECD ICIO, https://www.oecd.org/en/data/datasets/inter-country-input-output-tables.html):
first column the row labels; rows ``CCC_IND`` (country, industry: ``USA_C29``), then ``TLS``
(taxes less subsidies on products), ``VA`` (value added) and ``OUT`` (output); columns the same
``CCC_IND`` users, then final demand ``CCC_{HFCE,NPISH,GGFC,GFCF,INVNT,DPABR}`` and ``OUT``.
Extended editions split Mexico and China (``MX1``/``MX2``, ``CN1``/``CN2``); they are summed
into ``MEX`` and ``CHN``. Values are millions of US$ at basic prices.

Mapping to the model (CP 2015, https://doi.org/10.1093/restud/rdu035), for user
``n`` of good ``s`` from ``i``: flow :math:`T_{nis} = \\sum_k Z_{is,nk} + F_{is,n}`; expenditure
:math:`X_{ns} = \\sum_i T_{nis}(1+\\tau_{nis})`; shares :math:`\\pi_{nis} = T_{nis}(1+\\tau_{nis})/X_{ns}`;
input shares :math:`\\gamma_{nsk} = \\sum_i Z_{is,nk}/Y_{nk}`; value-added share
:math:`\\gamma_{nk} = (VA_{nk} + TLS_{nk})/Y_{nk}` (net product taxes are folded into value added
so that shares add to one; an industry without output gets :math:`\\gamma_{nk}=1`); final shares
:math:`\\alpha_{ns}` from summed final demand; deficits :math:`D_n` = imports - exports. Net final
demand that is negative for a (country, industry) (inventory drawdowns) is set to zero and
counted in ``adjustments``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from usmca.errors import UserInputError

from ..caliendo_parro.inputs import CPInputs

__all__ = ["ICIOData", "load_icio", "icio_to_inputs", "FINAL_DEMAND", "SPECIAL_ROWS", "SPLITS"]

FINAL_DEMAND: tuple[str, ...] = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
SPECIAL_ROWS: tuple[str, ...] = ("TLS", "VA", "OUT")
#: Sub-country splits of the extended editions and the country they belong to.
SPLITS: dict[str, str] = {"MX1": "MEX", "MX2": "MEX", "CN1": "CHN", "CN2": "CHN"}


@dataclass(frozen=True, eq=False)
class ICIOData:
    """Model inputs built from one ICIO table, and what the loader had to adjust."""

    inputs: CPInputs
    flows: np.ndarray = field(repr=False)   #: (N, N, J) T[n, i, s], basic prices
    adjustments: dict[str, Any] = field(default_factory=dict)


def _aggregator(codes: np.ndarray, size: int) -> sparse.csr_matrix:
    """0/1 matrix (size x len(codes)) summing entries with the same code."""
    m = len(codes)
    return sparse.csr_matrix((np.ones(m), (codes, np.arange(m))), shape=(size, m))


def _split(label: str, source: str, where: str) -> tuple[str, str]:
    if "_" not in label:
        raise UserInputError(source, where, label, "expected COUNTRY_INDUSTRY (e.g. USA_C29)")
    c, ind = label.split("_", 1)
    return SPLITS.get(c, c), ind


def icio_to_inputs(table: pd.DataFrame, *, theta: float | Sequence[float] | np.ndarray,
                   tariffs: np.ndarray | None = None, source: str = "<icio>") -> ICIOData:
    """Build :class:`CPInputs` from an ICIO table indexed by row labels (see module doc)."""
    table = table.copy()
    table.index = table.index.astype(str).str.strip()
    table.columns = table.columns.astype(str).str.strip()
    for r in SPECIAL_ROWS:
        if r not in table.index:
            raise UserInputError(source, "row", r, "missing row (ICIO layout needs TLS, VA, OUT)")
    if "OUT" not in table.columns:
        raise UserInputError(source, "column", "OUT", "missing column")
    rows = [r for r in table.index if r not in SPECIAL_ROWS]
    fd_cols = [c for c in table.columns if "_" in c and c.rsplit("_", 1)[1] in FINAL_DEMAND
               and c.split("_", 1)[1] in FINAL_DEMAND]
    z_cols = [c for c in table.columns if c not in fd_cols and c != "OUT"]
    try:
        values = table.apply(pd.to_numeric, errors="raise")
    except (ValueError, TypeError) as exc:
        raise UserInputError(source, "values", str(exc)[:60], "every cell must be a number") from None
    if values.isna().any().any():
        r, c = np.argwhere(values.isna().to_numpy())[0]
        raise UserInputError(source, f"row {values.index[r]}, column {values.columns[c]}", "", "empty cell")
    row_keys = [_split(r, source, "row") for r in rows]
    col_keys = [_split(c, source, "column") for c in z_cols]
    countries = list(dict.fromkeys(c for c, _ in row_keys))
    sectors = list(dict.fromkeys(s for _, s in row_keys))
    if set(col_keys) != set(row_keys):
        bad = sorted(set(col_keys) ^ set(row_keys))[0]
        raise UserInputError(source, "column", "_".join(bad), "intermediate rows and columns differ")
    fd_country = [c.split("_", 1)[0] for c in fd_cols]
    unknown = [c for c in fd_country if SPLITS.get(c, c) not in countries]
    if unknown:
        raise UserInputError(source, "column", unknown[0], "final demand of a country without industry rows")
    n, j = len(countries), len(sectors)
    ci = {c: k for k, c in enumerate(countries)}
    si = {s: k for k, s in enumerate(sectors)}
    r_c = np.array([ci[c] for c, _ in row_keys])
    r_s = np.array([si[s] for _, s in row_keys])
    k_c = np.array([ci[c] for c, _ in col_keys])
    k_s = np.array([si[s] for _, s in col_keys])
    zraw = values.loc[rows, z_cols].to_numpy(float)
    if (zraw < 0).any():
        r, c = np.argwhere(zraw < 0)[0]
        raise UserInputError(source, f"row {rows[r]}, column {z_cols[c]}", float(zraw[r, c]),
                             "intermediate use must be >= 0")
    agg_r = _aggregator(r_c * j + r_s, n * j)           # (NJ, rows)
    agg_k = _aggregator(k_c * j + k_s, n * j)           # (NJ, z columns)
    z = (agg_r @ (agg_k @ zraw.T).T).reshape(n, j, n, j)   # z[i, s, n, k]
    fd_c = np.array([ci[SPLITS.get(c, c)] for c in fd_country], dtype=np.intp)
    agg_f = _aggregator(fd_c, n)
    f = (agg_r @ (agg_f @ values.loc[rows, fd_cols].to_numpy(float).T).T).reshape(n, j, n)  # f[i, s, n]
    neg = f < 0
    adjustments = {"negative_final_demand_cells_zeroed": int(neg.sum()),
                   "negative_final_demand_total": float(f[neg].sum())}
    f[neg] = 0.0
    va_tls = agg_k @ (values.loc["VA", z_cols].to_numpy(float) + values.loc["TLS", z_cols].to_numpy(float))
    out = (agg_k @ values.loc["OUT", z_cols].to_numpy(float)).reshape(n, j)
    flows = np.einsum("isnk->nis", z) + np.einsum("isn->nis", f)
    tau = np.zeros((n, n, j)) if tariffs is None else np.asarray(tariffs, dtype=float)
    if tau.shape != (n, n, j):
        raise UserInputError("tariffs", "shape", tau.shape, f"must be {(n, n, j)}")
    gross = flows * (1.0 + tau)
    x = gross.sum(axis=1)
    pi = np.divide(gross, x[:, None, :], out=np.zeros_like(gross), where=x[:, None, :] > 0)
    empty = x <= 0                                   # no use at all: buy from home
    pi[empty.nonzero()[0], empty.nonzero()[0], empty.nonzero()[1]] = 1.0
    inter = np.einsum("isnk->nsk", z)
    has = out > 0
    io = np.where(has[:, None, :], inter / np.where(has, out, 1.0)[:, None, :], 0.0)
    va = np.where(has, 1.0 - io.sum(axis=1), 1.0)
    if (va < -1e-9).any():
        a, b = np.argwhere(va < -1e-9)[0]
        raise UserInputError(source, f"column {countries[a]}_{sectors[b]}", float(va[a, b]),
                             "intermediate inputs exceed output (OUT row)")
    va = np.clip(va, 0.0, None)
    fdt = f.sum(axis=(0, 1))
    if (fdt <= 0).any():
        raise UserInputError(source, "final demand", countries[int(np.argmin(fdt))], "country without final demand")
    alpha = f.sum(axis=0).T / fdt[:, None]
    imports = flows.sum(axis=(1, 2)) - np.einsum("nnj->n", flows)
    exports = flows.sum(axis=(0, 2)) - np.einsum("nnj->n", flows)
    th = np.broadcast_to(np.asarray(theta, dtype=float), (j,)).copy()
    inputs = CPInputs(countries=tuple(countries), sectors=tuple(sectors), pi=pi, tariffs=tau,
                      expenditure=x, va_share=va, io_share=io, final_share=alpha, theta=th,
                      value_added=(va * out).sum(axis=1), deficits=imports - exports, source=source)
    adjustments["tls_folded_into_value_added"] = float(values.loc["TLS", z_cols].sum())
    adjustments["value_added_row_vs_shares_gap"] = float(np.abs((va * out).sum() - va_tls.sum()))
    return ICIOData(inputs=inputs, flows=flows, adjustments=adjustments)


def load_icio(path: str | Path, *, theta: float | Sequence[float] | np.ndarray = 5.0,
              tariffs: np.ndarray | None = None) -> ICIOData:
    """Read an ICIO CSV (plain, ``.gz`` or a ``.zip`` holding one CSV) into model inputs.

    Parameters
    ----------
    path
        The CSV file in the official layout.
    theta
        Trade elasticity, one for all sectors or one per sector in the file's industry order.
        The default 5 is a round placeholder of the order of the structural-gravity estimates
        surveyed by Head and Mayer (2014, Handbook of International Economics vol. 4, ch. 3,
        https://doi.org/10.1016/B978-0-444-54314-1.00003-3); pass estimates for real work.
    tariffs
        Baseline tariffs (N, N, J) as fractions; default zero (ICIO flows are at basic prices).
    """
    p = Path(path)
    if not p.is_file():
        raise UserInputError(str(path), "", str(path), "file not found")
    try:
        table = pd.read_csv(p, index_col=0)
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UserInputError(str(path), "", p.name, f"cannot read as CSV: {exc}") from None
    return icio_to_inputs(table, theta=theta, tariffs=tariffs, source=str(path))
