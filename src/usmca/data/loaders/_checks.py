"""Schema checks shared by the trade-data loaders: a bad cell is named by line and column."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

__all__ = ["require_columns", "check_numeric", "check_codes"]


def require_columns(df: pd.DataFrame, columns: Mapping[str, str] | tuple[str, ...], source: str) -> None:
    """Every required column is present (header is line 1)."""
    for col in columns:
        if col not in df.columns:
            raise UserInputError(source, f"line 1 column {col!r}", list(df.columns)[:8], "required column missing")


def check_numeric(df: pd.DataFrame, col: str, source: str, *, header_lines: int = 1, minimum: float = 0.0) -> np.ndarray:
    """Column ``col`` as floats >= ``minimum``; the first bad cell is reported with its line."""
    raw = df[col]
    vals = pd.to_numeric(raw.astype(str).str.replace(",", "", regex=False).str.strip(), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(vals) | (vals < minimum)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise UserInputError(source, f"line {i + header_lines + 1} column {col!r}", raw.iloc[i],
                             f"expected a number >= {minimum:g}")
    return vals


def check_codes(df: pd.DataFrame, col: str, source: str, lengths: tuple[int, ...], *, header_lines: int = 1) -> pd.Series:
    """Column ``col`` as digit strings of one of ``lengths`` (dots removed)."""
    codes = df[col].astype(str).str.strip().str.replace(".", "", regex=False)
    ok = codes.str.fullmatch(r"\d+") & codes.str.len().isin(lengths)
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise UserInputError(source, f"line {i + header_lines + 1} column {col!r}", df[col].iloc[i],
                             f"expected a code of {' or '.join(map(str, lengths))} digits")
    return codes
