"""The register in the project's DuckDB store (table ``certifications``).

Writes go through :func:`usmca.data.store.connect` in one explicit transaction (all rows of an
import or none). Figures are kept as text so that decimals come back exactly.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from usmca.data.store import connect, has_table, write_atomically

from .register import Certification

__all__ = ["TABLE", "save_register", "load_register"]

TABLE = "certifications"
_DDL = (f"create table if not exists {TABLE} (id varchar primary key, supplier varchar not null, "
        "type varchar not null, blanket_from date not null, blanket_to date not null, signed date not null, "
        "parts varchar not null, hs varchar not null, figures varchar not null, renewal_cost varchar, "
        "note varchar, source varchar, imported_at timestamp)")


def _figures(f: dict[str, Any]) -> str:
    return json.dumps({k: (str(v) if isinstance(v, Decimal) else v) for k, v in f.items()}, sort_keys=True)


def save_register(certs: Sequence[Certification], source: str, store: str | Path | None = None, *,
                  replace: bool = False) -> dict[str, int]:
    """Insert or update ``certs`` by id (``replace``: the register becomes exactly ``certs``).

    Returns
    -------
    dict
        ``{"inserted": n, "updated": m, "removed": k}``.
    """
    with write_atomically(store) as con:  # a private copy renamed over the store: atomic, readers never blocked
        con.execute("begin transaction")
        con.execute(_DDL)
        existing = {r[0] for r in con.execute(f"select id from {TABLE}").fetchall()}
        ids = [c.id for c in certs]
        removed = 0
        if replace:
            removed = len(existing - set(ids))
            con.execute(f"delete from {TABLE}")
        else:
            con.executemany(f"delete from {TABLE} where id = ?", [[i] for i in ids])
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        con.executemany(
            f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[c.id, c.supplier, c.type, c.blanket_from, c.blanket_to, c.signed, json.dumps(list(c.parts)),
              json.dumps(list(c.hs)), _figures(c.figures), None if c.renewal_cost is None else str(c.renewal_cost),
              c.note, source, now] for c in certs])
        con.execute("commit")
    upd = len(existing & set(ids))
    return {"inserted": len(ids) - upd, "updated": upd, "removed": removed}


def load_register(store: str | Path | None = None) -> list[Certification]:
    """Every certification in the store (empty when there is no register yet)."""
    if not has_table(store, TABLE):
        return []
    con = connect(store, read_only=True)
    try:
        rows = con.execute(f"select id, supplier, type, blanket_from, blanket_to, signed, parts, hs, figures, "
                           f"renewal_cost, note from {TABLE} order by id").fetchall()
    finally:
        con.close()
    out = []
    for r in rows:
        fig = {k: (Decimal(v) if isinstance(v, str) and k != "non_originating_hs" else v)
               for k, v in json.loads(r[8]).items()}
        out.append(Certification(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])), tuple(json.loads(r[7])),
                                 fig, None if r[9] is None else Decimal(r[9]), r[10] or ""))
    return out
