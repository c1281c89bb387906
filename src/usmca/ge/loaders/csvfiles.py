"""Shared checks of the GE loaders: where a data set sits, and a CSV read with its header checked.

Every loader of :mod:`usmca.ge.loaders` reads third-party files where they sit (by default
``usmca.paths.shared_data_dir() / <dataset>``) and turns a missing folder, file or column into a
:class:`usmca.errors.UserInputError` (exit 2 at the command line), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.paths import missing_data_hint, shared_data_dir

__all__ = ["dataset_dir", "read_csv_checked", "pair_positions", "pair_matrix"]


def dataset_dir(data: str | Path | None, dataset: str) -> Path:
    """The data folder: ``data`` if given, else ``shared_data_dir() / dataset``.

    Raises
    ------
    UserInputError
        On ``--data`` when no folder is given and the shared data folder is absent, or when the
        folder does not exist.
    """
    if data is None:
        root = shared_data_dir()
        if root is None:
            raise UserInputError("--data", "", None,
                                 f"no data folder given and no shared data folder: {missing_data_hint(dataset)}")
        data = root / dataset
    d = Path(data)
    if not d.is_dir():
        raise UserInputError("--data", "", str(d), f"not a folder; {missing_data_hint(dataset)}")
    return d


def read_csv_checked(path: Path, columns: Sequence[str] = (), **read_kw: Any) -> pd.DataFrame:
    """``pandas.read_csv(path)`` after checking the file exists, then that ``columns`` are present.

    Raises
    ------
    UserInputError
        ``file not found`` or ``not a readable CSV (...)`` (field empty), or
        ``missing column(s) ...`` (field ``header``).
    """
    if not path.is_file():
        raise UserInputError(str(path), "", path.name, "file not found")
    try:
        df = pd.read_csv(path, **read_kw)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UserInputError(str(path), "", path.name, f"not a readable CSV ({type(exc).__name__})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserInputError(str(path), "header", list(df.columns), f"missing column(s) {', '.join(missing)}")
    return df


def pair_positions(df: pd.DataFrame, countries: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Integer positions ``(i, j)`` of each row's ``exporter`` and ``importer`` in ``countries``."""
    pos = {c: k for k, c in enumerate(countries)}
    return df["exporter"].map(pos).to_numpy(), df["importer"].map(pos).to_numpy()


def pair_matrix(i: np.ndarray, j: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Scatter tidy pair values into an ``(n, n)`` array: ``M[i_r, j_r] = values_r``, zeros elsewhere.

    ``i`` and ``j`` are integer positions (exporter, importer) of each row; a pair absent from the
    rows stays 0 (callers check completeness before).
    """
    m = np.zeros((n, n))
    m[i, j] = np.asarray(values, dtype=float)
    return m
