"""CEPII BACI (bilateral trade flows, HS6) into the store: table ``baci``.

BACI files (https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37, Etalab Open
Licence 2.0) are CSVs ``BACI_HSxx_Yyyyy_V202xxx.csv`` with columns ``t`` (year), ``i`` (exporter,
numeric ISO code), ``j`` (importer), ``k`` (HS6 product), ``v`` (value, thousands of USD) and
``q`` (quantity, metric tons; may be blank). Files are read in chunks of bounded memory (and
capped at :data:`usmca.limits.MAX_STREAM_BYTES`); a bad cell raises :class:`UserInputError`
naming the line and column. Ranges: ``t`` a year 1900-2100, ``i`` and ``j`` ISO 3166-1 numeric
codes 0-999 (so never beyond int64).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.limits import MAX_STREAM_BYTES, regular_file

__all__ = ["read_baci_chunks", "load_baci", "BACI_COLUMNS"]

BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
_RANGES = {"t": (1900, 2100, "a year 1900-2100"), "i": (0, 999, "an ISO 3166-1 numeric code 0-999"),
           "j": (0, 999, "an ISO 3166-1 numeric code 0-999")}


def _chunks(reader: Any, p: Path) -> Iterator[pd.DataFrame]:
    """The reader's chunks; a parse error met mid-file is the user's (one line naming the file)."""
    it = iter(reader)
    while True:
        try:
            chunk = next(it)
        except StopIteration:
            return
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise UserInputError(p.name, "", None, f"not a readable CSV: {exc}") from None
        yield chunk


def read_baci_chunks(path: str | Path, chunksize: int = 1_000_000):  # noqa: ANN201 - generator of DataFrames
    """Yield validated chunks (``t, i, j`` int; ``k`` 6-digit string; ``v, q`` float)."""
    p = regular_file(path, "BACI file", MAX_STREAM_BYTES)
    try:
        reader = pd.read_csv(p, dtype=str, keep_default_na=False, chunksize=chunksize)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UserInputError(p.name, "line 1", None, f"not a readable CSV: {exc}") from None
    offset = 2  # line number of the first data row
    for chunk in _chunks(reader, p):
        cols = [c.strip() for c in chunk.columns]
        chunk.columns = cols
        for c in BACI_COLUMNS:
            if c not in cols:
                raise UserInputError(p.name, f"line 1 column {c!r}", cols, "a BACI file has columns t,i,j,k,v,q")
        out = {}
        for c, (lo, hi, what) in _RANGES.items():
            vals = pd.to_numeric(chunk[c].str.strip(), errors="coerce").astype(float)
            _fail(p, ~vals.between(lo, hi) | (vals != vals.round()), chunk[c], c, offset, f"expected {what}")
            out[c] = vals.to_numpy(dtype=np.int64)
        k = chunk["k"].str.strip().str.zfill(6)
        _fail(p, ~k.str.fullmatch(r"\d{6}"), chunk["k"], "k", offset, "expected a 6-digit HS code")
        out["k"] = k.to_numpy()
        v = pd.to_numeric(chunk["v"].str.strip(), errors="coerce")
        _fail(p, v.isna() | (v < 0), chunk["v"], "v", offset, "expected a value >= 0 (thousand USD)")
        out["v"] = v.to_numpy(dtype=float)
        qraw = chunk["q"].str.strip()
        q = pd.to_numeric(qraw.replace({"NA": "", "NaN": ""}), errors="coerce")
        _fail(p, (qraw != "") & ~qraw.isin(["NA", "NaN"]) & (q.isna() | (q < 0)), chunk["q"], "q", offset,
              "expected a quantity >= 0 or blank")
        out["q"] = q.to_numpy(dtype=float)
        offset += len(chunk)
        yield pd.DataFrame(out)


def _fail(p: Path, bad: pd.Series, raw: pd.Series, col: str, offset: int, reason: str) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise UserInputError(p.name, f"line {offset + i} column {col!r}", raw.iloc[i], reason)


def load_baci(path: str | Path, con: Any, chunksize: int = 1_000_000) -> int:
    """Load a BACI file into ``baci`` (replacing the years it contains); returns rows loaded.

    Chunks are validated and inserted one at a time inside one transaction (memory stays at one
    chunk); a bad cell anywhere rolls everything back, so a bad file leaves the store as it was
    (with :func:`usmca.data.store.connect_on_use` the whole load is also one atomic file swap).
    """
    chunks = read_baci_chunks(path, chunksize)
    first = next(chunks, None)  # validate the header and first chunk before touching the store
    if first is None:
        return 0
    con.execute("create table if not exists baci (t integer, i integer, j integer, k varchar, v double, q double)")
    con.execute("begin transaction")
    try:
        seen: set[int] = set()
        n = 0
        for c in itertools.chain([first], chunks):
            for y in sorted(set(np.unique(c["t"]).tolist()) - seen):  # replace a year once, at first sight
                con.execute("delete from baci where t = ?", [y])
                seen.add(y)
            con.register("_baci", c)
            con.execute("insert into baci select t, i, j, k, v, q from _baci")
            con.unregister("_baci")
            n += len(c)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return n
