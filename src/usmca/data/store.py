"""The project's DuckDB store: one database file under the user's data folder.

The file is ``$USMCA_STORE`` when set, else ``$XDG_DATA_HOME/usmca/usmca.duckdb`` (default
``~/.local/share/usmca/usmca.duckdb``). Loaders write tables into it (``hts_lines``,
``hts_revisions``, ``flows``, ``dataweb``, ``census``, ``baci``); engines read them and fall back
to the shared sample data when a table is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

__all__ = ["store_path", "connect", "has_table"]


def store_path() -> Path:
    """Where the store lives (the folder is created on first write, not here)."""
    env = os.environ.get("USMCA_STORE")
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "usmca" / "usmca.duckdb"


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (created when absent unless ``read_only``).

    Parameters
    ----------
    path
        The database file; default :func:`store_path`.
    read_only
        Open without the right to write (fails when the file does not exist).
    """
    p = Path(path) if path is not None else store_path()
    if not read_only:
        p.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(p), read_only=read_only)


def has_table(path: str | Path | None, table: str) -> bool:
    """True when the store file exists and holds ``table`` (never creates the file)."""
    p = Path(path) if path is not None else store_path()
    if not p.is_file():
        return False
    with duckdb.connect(str(p), read_only=True) as con:
        rows = con.execute("select count(*) from information_schema.tables where table_name = ?", [table]).fetchall()
    return bool(rows and rows[0][0])
