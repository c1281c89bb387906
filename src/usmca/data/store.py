"""The project's DuckDB store: one database file under the user's data folder.

The file is ``$USMCA_STORE`` when set, else ``$XDG_DATA_HOME/usmca/usmca.duckdb`` (default
``~/.local/share/usmca/usmca.duckdb``). Loaders write tables into it (``hts_lines``,
``hts_revisions``, ``flows``, ``dataweb``, ``census_imports``, ``baci``); engines read them and
fall back to the shared sample data when a table is absent.

Writes are atomic (copy, write, rename)
---------------------------------------
A writer never opens the live file. :func:`write_atomically` takes an exclusive ``flock`` on
``<store>.lock`` (one writer at a time), copies the store to ``<store>.new-<pid>``, hands out a
read-write connection on the copy, and on success checkpoints, ``fsync``\\ s and renames the copy
over the store (``os.replace``, atomic on POSIX) and ``fsync``\\ s the folder. On any error, a
``SIGKILL`` or a full disk the live file is untouched: the store answers exactly as before, and
the next writer deletes the stale copy. Readers (:func:`connect` with ``read_only=True``) open
the live file, which no process holds a write lock on, so a load never makes them fail with
DuckDB's "Could not set lock"; a reader that opened the store before a rename keeps reading the
complete old version (the old inode) until it closes.

Measured choice: DuckDB allows one read-write process per file and refuses read-only openers
while it runs, so a single transaction would be atomic but would block readers for the whole load;
the copy costs one sequential file copy per load (about 1 s per GB), which loads of official data
can afford.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from usmca.errors import UserInputError

if TYPE_CHECKING:  # duckdb is imported on use: `usmca tariffs duty` asks only store_path() (start-up time)
    import duckdb

__all__ = ["store_path", "connect", "connect_on_use", "has_table", "write_atomically"]

#: Bytes 8-11 of every DuckDB database file.
_MAGIC = b"DUCK"
#: Suffixes of data files a user may give by mistake where the store is meant.
_NOT_A_STORE = (".csv", ".json", ".yaml", ".yml", ".xlsx", ".xls", ".gz", ".zip", ".txt", ".parquet")


@functools.lru_cache(maxsize=8)
def _default_store(xdg_data_home: str, home: str) -> Path:
    """The default store file for an environment (cached: ``Path.home()`` costs 0.1 ms a call)."""
    base = Path(xdg_data_home) if xdg_data_home else Path.home() / ".local" / "share"
    return base / "usmca" / "usmca.duckdb"


def store_path() -> Path:
    """Where the store lives (the folder is created on first write, not here).

    Raises
    ------
    UserInputError
        ``$USMCA_STORE`` (or the default path) names a folder: reported, never silently ignored.
    """
    env = os.environ.get("USMCA_STORE")
    if env:
        p = Path(env).expanduser()
    else:
        p = _default_store(os.environ.get("XDG_DATA_HOME") or "", os.environ.get("HOME") or "")
    if p.is_dir():
        raise UserInputError("USMCA_STORE" if env else "store", "", str(p), "is a folder; the store is a DuckDB file")
    return p


def _resolve(path: str | Path | None) -> tuple[Path, str]:
    p = Path(path) if path is not None else store_path()
    where = "--store" if path is not None else "USMCA_STORE"
    return p, where


def _check(p: Path, where: str, *, must_exist: bool) -> None:
    """Refuse a folder, a device or pipe, a data file, or a file that is not a DuckDB database."""
    if p.is_dir():
        raise UserInputError(where, "", str(p), "is a folder; the store is a DuckDB file")
    if p.exists() and not p.is_file():
        raise UserInputError(where, "", str(p), "is not a regular file; the store is a DuckDB file")
    if not p.exists():
        if must_exist:
            raise UserInputError(where, "", str(p), "no such store file")
        if p.suffix.lower() in _NOT_A_STORE:
            raise UserInputError(where, "", str(p), f"a {p.suffix} file is not a store; name a .duckdb file")
        return
    try:
        with open(p, "rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise UserInputError(where, "", str(p), f"cannot open the store ({exc.strerror})") from None
    if head and head[8:12] != _MAGIC:
        raise UserInputError(where, "", str(p), "cannot open the store (not a DuckDB database file)")


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (created when absent unless ``read_only``).

    Use ``read_only=True`` to read. Writes should go through :func:`write_atomically`; a direct
    read-write connection is for tests and one-off maintenance (it blocks readers while open).

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
    p, where = _resolve(path)
    _check(p, where, must_exist=read_only)
    return _open(p, where, read_only=read_only)


def _open(p: Path, where: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    import duckdb  # noqa: PLC0415

    try:
        if not read_only:
            p.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(p), read_only=read_only)
    except (OSError, duckdb.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:120]
        raise UserInputError(where, "", str(p), f"cannot open the store ({reason})") from None


def has_table(path: str | Path | None, table: str) -> bool:
    """True when the store file exists and holds ``table`` (never creates the file).

    Raises
    ------
    UserInputError
        The store path names a folder, a device or a file that is not a DuckDB database (a
        misnamed store is reported, never silently ignored).
    """
    p, where = _resolve(path)
    _check(p, where, must_exist=False)
    if not p.is_file():
        return False
    with _open(p, where, read_only=True) as con:
        rows = con.execute("select count(*) from information_schema.tables where table_name = ?", [table]).fetchall()
    return bool(rows and rows[0][0])


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(*paths: Path) -> None:
    for q in paths:
        with contextlib.suppress(FileNotFoundError):
            q.unlink()


@contextlib.contextmanager
def write_atomically(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection whose work replaces the store in one step, or not at all.

    Usage (every loader, the certification register, anything that writes)::

        with write_atomically(store) as con:
            con.execute("create table if not exists t (...)")
            con.execute("delete from t where ...")
            con.execute("insert into t select * from frame")

    The block runs on a private copy of the store; when it ends without an exception the copy is
    checkpointed, flushed to disk and renamed over the store (``rename(2)`` is atomic), so readers
    see either the old store or the new one, never a half-written one. An exception, a ``SIGKILL``
    or a full disk leaves the store as it was. Writers are serialised by ``flock`` on
    ``<store>.lock``.

    Raises
    ------
    UserInputError
        The store path is not a DuckDB file, or the disk is full or unwritable (the store is unchanged).
    """
    import duckdb  # noqa: PLC0415

    p, where = _resolve(path)
    _check(p, where, must_exist=False)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        lock = open(p.with_name(p.name + ".lock"), "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise UserInputError(where, "", str(p), f"cannot write beside the store ({exc.strerror})") from None
    with lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        for stale in p.parent.glob(p.name + ".new-*"):  # left by a killed writer
            _remove(stale)
        tmp = p.with_name(f"{p.name}.new-{os.getpid()}")
        con: Any = None
        try:
            if p.is_file():
                if Path(str(p) + ".wal").exists():  # a legacy direct writer died: fold its log in first
                    duckdb.connect(str(p)).close()
                shutil.copyfile(p, tmp)
            con = duckdb.connect(str(tmp))
            yield con
            con.execute("checkpoint")
            con.close()
            con = None
            _fsync(tmp)
            os.replace(tmp, p)
            _fsync(p.parent)
        except (OSError, duckdb.Error) as exc:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            _remove(tmp, Path(str(tmp) + ".wal"))
            if isinstance(exc, OSError) and exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
                raise
            text = str(exc)
            if isinstance(exc, duckdb.Error) and not any(s in text.lower() for s in ("space", "disk", "write")):
                raise
            reason = getattr(exc, "strerror", None) or text.splitlines()[0][:120]
            raise UserInputError(where, "", str(p), f"nothing written, the store is unchanged ({reason})") from None
        except BaseException:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            _remove(tmp, Path(str(tmp) + ".wal"))
            raise


class _OnUse:
    """A :func:`write_atomically` connection opened on its first use (so a loader that rejects
    its input first leaves the store as it was: not created, not touched)."""

    def __init__(self, path: str | Path | None) -> None:
        self._path = path
        self._stack = contextlib.ExitStack()
        self._con: duckdb.DuckDBPyConnection | None = None

    def __getattr__(self, name: str):  # noqa: ANN204 - whatever the connection has
        if self._con is None:
            self._con = self._stack.enter_context(write_atomically(self._path))
        return getattr(self._con, name)

    def __enter__(self) -> "_OnUse":
        return self

    def __exit__(self, *exc: Any) -> bool | None:
        return self._stack.__exit__(*exc)


def connect_on_use(path: str | Path | None = None) -> "_OnUse":
    """Like :func:`write_atomically`, but the store is copied only when first used.

    Loaders read and validate the whole input before their first ``execute``; with this, a
    rejected input never creates or modifies the store, and an accepted one replaces it in one
    step when the ``with`` block ends.
    """
    return _OnUse(path)
