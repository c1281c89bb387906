"""The project's DuckDB store: one database file under the user's data folder.

The file is ``$USMCA_STORE`` when set, else ``$XDG_DATA_HOME/usmca/usmca.duckdb`` (default
``~/.local/share/usmca/usmca.duckdb``). Loaders write tables into it (``hts_lines``,
``hts_revisions``, ``flows``, ``dataweb``, ``census``, ``baci``); engines read them and fall back
to the shared sample data when a table is absent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from usmca.errors import UserInputError

__all__ = ["store_path", "connect", "connect_on_use", "has_table"]


def store_path() -> Path:
    """Where the store lives (the folder is created on first write, not here)."""
    env = os.environ.get("USMCA_STORE")
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "usmca" / "usmca.duckdb"


if TYPE_CHECKING:  # imported on use: `usmca tariffs duty` without a store never loads duckdb (start-up time)
    import duckdb


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (created when absent unless ``read_only``).

    Parameters
    ----------
    path
        The database file; default :func:`store_path`.
    read_only
        Open without the right to write (fails when the file does not exist).

    Raises
    ------
    UserInputError
        The path is a folder, not a DuckDB file, or cannot be created or opened.
    """
    import duckdb  # noqa: PLC0415

    p = Path(path) if path is not None else store_path()
    where = "--store" if path is not None else "USMCA_STORE"
    if p.is_dir():
        raise UserInputError(where, "", str(p), "is a folder; the store is a DuckDB file")
    try:
        if not read_only:
            p.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(p), read_only=read_only)
    except (OSError, duckdb.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:120]
        raise UserInputError(where, "", str(p), f"cannot open the store ({reason})") from None


def has_table(path: str | Path | None, table: str) -> bool:
    """True when the store file exists and holds ``table`` (never creates the file)."""
    p = Path(path) if path is not None else store_path()
    if not p.is_file():
        return False
    import duckdb  # noqa: PLC0415

    with duckdb.connect(str(p), read_only=True) as con:
        rows = con.execute("select count(*) from information_schema.tables where table_name = ?", [table]).fetchall()
    return bool(rows and rows[0][0])


class _OnUse:
    """A DuckDB connection opened on its first use (so a loader that rejects its input first
    leaves the store as it was: not created, not touched)."""

    def __init__(self, path: str | Path | None) -> None:
        self._path = path
        self._con: duckdb.DuckDBPyConnection | None = None

    def __getattr__(self, name: str):  # noqa: ANN204 - whatever the connection has
        if self._con is None:
            self._con = connect(self._path)
        return getattr(self._con, name)

    def __enter__(self) -> "_OnUse":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._con is not None:
            self._con.close()


def connect_on_use(path: str | Path | None = None) -> "_OnUse":
    """Like :func:`connect` (read-write), but the file is opened only when first used.

    Loaders read and validate the whole input before their first ``execute``; with this, a
    rejected input never creates or modifies the store.
    """
    return _OnUse(path)
