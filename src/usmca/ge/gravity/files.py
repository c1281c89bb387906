"""File inputs of ``usmca ge solve --model gravity``: a tidy trade file and a trade-cost change file.

Trade file (CSV; ``--data FILE``, or a folder holding ``trade.csv``; default: the 1994
cross-section of Yotov et al. 2016 in ``shared/data/yotov_nafta``): columns ``exporter,
importer, trade`` (values >= 0, every exporter-importer pair once, intra-national flows
included). Optional ``ln_phi`` gives the baseline ``ln t_ij^(1-sigma)``; without it the
baseline is calibrated to the data, ``phi_ij = X_ij / (Y_i E_j)``, which the model fits exactly
(``Omega = Phi = 1``), so pairs that do not trade stay at zero.

Cost change file (CSV; ``--tariffs FILE``): ``exporter, importer`` and one of ``cost_change``
(``t'_ij / t_ij > 0``, the change of the iceberg cost factor) or ``tariff`` (an ad-valorem
fraction added to a zero baseline: ``t'/t = 1 + tariff``; tariff revenue is not modelled in
the one-sector model). ``*`` in either column means every partner other than the other side.
Later rows override earlier ones. Then ``phi'_ij = phi_ij (t'_ij / t_ij)^(1-sigma)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.paths import missing_data_hint, shared_data_dir

from ..loaders.csvfiles import pair_matrix, pair_positions, read_csv_checked
from .model import solve_baseline, solve_counterfactual
from .results import GravityCounterfactual

__all__ = ["read_trade_file", "read_cost_change_file", "solve_files", "DEFAULT_SIGMA"]

DEFAULT_SIGMA = 7.0
"""Yotov et al. (2016), ch. 2, application 2 (sigma = 7), used when the caller gives none."""


def _trade_path(data: str | Path | None) -> Path:
    if data is None:
        root = shared_data_dir()
        if root is None:
            raise UserInputError("--data", "", None, "give a trade CSV (exporter, importer, trade); the default "
                                 f"{missing_data_hint('yotov_nafta')}")
        return root / "yotov_nafta" / "derived_1994_trade_costs.csv"
    p = Path(data)
    return p / "trade.csv" if p.is_dir() else p


def read_trade_file(data: str | Path | None) -> tuple[tuple[str, ...], np.ndarray, np.ndarray | None]:
    """Countries (sorted), the trade matrix ``X[i, j]`` and the optional ``ln_phi`` matrix.

    ``X[i, j]`` is exporter ``i``'s shipment to importer ``j`` (intra-national on the diagonal),
    so that ``Y_i = sum_j X_ij`` and ``E_j = sum_i X_ij`` (see the module docstring).

    Raises
    ------
    UserInputError
        Missing file or column, a duplicate or missing pair, a negative or non-numeric value
        (named by ``file:line``).
    """
    path = _trade_path(data)
    src = str(path)
    df = read_csv_checked(path)
    missing = [c for c in ("exporter", "importer", "trade") if c not in df.columns]
    if missing:
        raise UserInputError(f"{src}:1", "header", list(df.columns), f"missing column(s) {', '.join(missing)}")
    df["exporter"], df["importer"] = df["exporter"].astype(str).str.strip(), df["importer"].astype(str).str.strip()
    countries = tuple(sorted(set(df["exporter"]) | set(df["importer"])))
    n = len(countries)
    dup = df.duplicated(["exporter", "importer"]).to_numpy()
    if dup.any():
        k = int(np.flatnonzero(dup)[0])
        pair = f"{df['exporter'].iloc[k]},{df['importer'].iloc[k]}"
        raise UserInputError(f"{src}:{k + 2}", "exporter,importer", pair, "duplicate pair")
    if len(df) != n * n:
        raise UserInputError(src, "rows", len(df), f"need all {n}x{n} exporter-importer pairs (intra-national included)")
    i, j = pair_positions(df, countries)
    mats: list[np.ndarray | None] = []
    for col, lower in (("trade", 0.0), ("ln_phi", None)):
        if col not in df.columns:
            mats.append(None)
            continue
        vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(vals) | ((vals < lower) if lower is not None else False)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            why = "must be a finite number" + (" >= 0" if lower is not None else "")
            raise UserInputError(f"{src}:{k + 2}", col, _py(df[col].iloc[k]), why)
        mats.append(pair_matrix(i, j, vals, n))
    assert mats[0] is not None
    return countries, mats[0], mats[1]


def read_cost_change_file(path: str | Path, countries: tuple[str, ...]) -> np.ndarray:
    """The matrix of ``t'_ij / t_ij`` (ones where the file says nothing).

    A ``cost_change`` row sets ``t'_ij / t_ij`` directly, a ``tariff`` row sets ``1 + tariff``;
    ``*`` expands to every partner other than the other side; later rows win. The caller forms
    ``phi'_ij = phi_ij (t'_ij / t_ij)^(1-sigma)``.
    """
    p, src = Path(path), str(path)
    df = read_csv_checked(p, dtype=str, keep_default_na=False)
    df.columns = [c.strip().lower() for c in df.columns]
    kind = "cost_change" if "cost_change" in df.columns else "tariff" if "tariff" in df.columns else None
    if kind is None or not {"exporter", "importer"} <= set(df.columns):
        raise UserInputError(f"{src}:1", "header", list(df.columns), "need exporter, importer and cost_change or tariff")
    if "sector" in df.columns and (df["sector"].str.strip().replace("", "*") != "*").any():
        raise UserInputError(src, "sector", df["sector"].iloc[0], "the one-sector gravity model takes no sectors")
    pos = {c.upper(): k for k, c in enumerate(countries)}
    n = len(countries)
    hat = np.ones((n, n))
    for k, row in enumerate(df.itertuples(index=False), start=2):
        where = f"{src}:{k}"
        rows = _side(row.exporter, pos, n, where, "exporter")
        cols = _side(row.importer, pos, n, where, "importer")
        try:
            v = float(getattr(row, kind))
        except ValueError:
            raise UserInputError(where, kind, getattr(row, kind), "not a number") from None
        t = v if kind == "cost_change" else 1.0 + v
        if not np.isfinite(v) or t <= 0 or (kind == "tariff" and v < 0):
            raise UserInputError(where, kind, v, "must be > 0" if kind == "cost_change" else "must be >= 0")
        block = np.zeros((n, n), dtype=bool)
        block[np.ix_(rows, cols)] = True
        if row.exporter.strip() == "*" or row.importer.strip() == "*":
            np.fill_diagonal(block, False)
        hat[block] = t
    return hat


def _py(v: Any) -> Any:
    """A numpy scalar as a plain Python value (for error messages)."""
    return v.item() if hasattr(v, "item") else v


def _side(value: str, pos: dict[str, int], n: int, where: str, field: str) -> np.ndarray:
    v = str(value).strip()
    if v == "*":
        return np.arange(n)
    if v.upper() not in pos:
        raise UserInputError(where, field, v, "unknown country")
    return np.array([pos[v.upper()]])


def solve_files(data_dir: str | Path | None, tariffs_csv: str | Path, **opts: Any) -> GravityCounterfactual:
    """Registry entry of ``usmca ge solve --model gravity`` (options: ``sigma``, ``reference``).

    Other option names (e.g. ``hold_deficits``) are accepted and ignored.
    """
    sigma = float(opts.get("sigma") or DEFAULT_SIGMA)
    countries, x, ln_phi = read_trade_file(data_dir)
    y, e = x.sum(axis=1), x.sum(axis=0)
    src = str(_trade_path(data_dir))
    if np.any(y <= 0) or np.any(e <= 0):
        k = int(np.argmin(np.minimum(y, e)))
        raise UserInputError(src, "trade", countries[k], "every country needs positive output and expenditure")
    phi = np.exp(ln_phi) if ln_phi is not None else x / np.outer(y, e)
    reference = opts.get("reference") or countries[int(np.argmax(y))]
    base = solve_baseline(countries, phi, y, e, reference=str(reference), source=src)
    hat = read_cost_change_file(tariffs_csv, countries)
    return solve_counterfactual(base, phi * hat ** (1.0 - sigma), sigma, source=str(tariffs_csv))
