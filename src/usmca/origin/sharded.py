"""Portfolio qualification in shards of BOMs, on this process or a Ray cluster, streamed to a table.

A portfolio (a folder of BOM files, or one file of many BOMs) is cut into shards: groups of files
(each shard reads its own files, so parsing is shared out too) or, for one multi-BOM file, groups
of :data:`BOMS_PER_SHARD` BOMs. Each shard is qualified by :func:`portfolio_rows`: the numpy
portfolio path (:func:`usmca.origin.portfolio.qualify_many`, USMCA Chapter 4: tariff shift,
regional value content Art. 4.5, de minimis Art. 4.12) with the exact engine
(:func:`usmca.origin.qualify.qualify_bom`) for the goods the numpy path does not model; the rows
are the same whether the BOMs are qualified together or in shards, serially or on the cluster,
because each good's determination depends on that good only.

Results stream back in shard order (:meth:`usmca.execute.Executor.imap_shards`) into a staging
DuckDB file beside the output, and become the Parquet or CSV file in one rename at the end
(:func:`usmca.execute.atomic_output`): memory stays bounded by a window of shards, and an
interrupted run leaves no file presented as complete.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from usmca.execute import Executor, atomic_output

__all__ = ["portfolio_rows", "qualify_shard", "shards_of", "stream_to_table", "COLUMNS", "BOMS_PER_SHARD",
           "FILES_PER_SHARD"]

BOMS_PER_SHARD = 2000
"""BOMs per shard of a multi-BOM file: the numpy path's chunk (:func:`usmca.origin.portfolio.qualify_many`)."""
FILES_PER_SHARD = 200
"""BOM files per shard of a folder."""
COLUMNS = {"source": "VARCHAR", "id": "VARCHAR", "hs": "VARCHAR", "date": "VARCHAR", "originating": "BOOLEAN",
           "criterion": "VARCHAR", "rvc": "DOUBLE", "path": "VARCHAR"}


def portfolio_rows(boms: Sequence[Any], date: str | None, tree: Any) -> list[dict[str, Any]]:
    """One row per BOM (``COLUMNS``): numpy path, exact engine for the goods it does not model.

    ``date`` (ISO) overrides each BOM's own date (else today's when a BOM has none).
    """
    from usmca.law import parse_date

    from .portfolio import qualify_many
    from .qualify import make_context, qualify_bom

    groups: dict[dt.date, list[int]] = {}
    for i, b in enumerate(boms):
        d = parse_date(date, "--date") if date else (b.good.date or dt.date.today())
        groups.setdefault(d, []).append(i)
    rows: list[dict[str, Any]] = [{} for _ in boms]
    for d, idx in groups.items():
        res, fallback = qualify_many([boms[i] for i in idx], make_context(tree, d), chunk_size=2000)
        for j, i in enumerate(idx):
            st = int(res.status[j])
            rvc = float(res.rvc[j]) if res.rvc[j] == res.rvc[j] else None
            rows[i] = {"source": boms[i].source, "id": boms[i].good.id, "hs": boms[i].good.hs, "date": d.isoformat(),
                       "originating": {1: True, 0: False, -1: None}.get(st), "criterion": str(res.criterion[j]) or None,
                       "rvc": rvc, "path": "numpy"}
        for j in fallback:
            i = idx[j]
            r = qualify_bom(boms[i], date=d, tree=tree).to_dict()
            rows[i].update(originating=r["originating"], criterion=r["criterion"],
                           rvc=(r["rvc"] or {}).get("value"), path="exact")
    return rows


def qualify_shard(date: str | None, shard: Sequence[Any]) -> list[dict[str, Any]]:
    """A shard's rows: ``shard`` is a list of BOMs, or of BOM files (read here, on the worker)."""
    from usmca.law import default_tree

    from .spreadsheet import load_boms_any

    boms = [b for item in shard for b in (load_boms_any(item) if isinstance(item, (str, Path)) else [item])]
    return portfolio_rows(boms, date, default_tree())


def shards_of(items: Sequence[Any], size: int) -> list[list[Any]]:
    """Consecutive groups of ``size`` items (BOMs or files), in input order."""
    return [list(items[a:a + size]) for a in range(0, len(items), size)]


def stream_to_table(results: Iterable[list[dict[str, Any]]], out: Path,
                    on_shard: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write the rows of each shard, as they come, to ``out`` (.parquet or .csv) atomically.

    Returns counts by status (goods, originating, not_originating, undetermined, exact_fallback).
    """
    import duckdb
    import pandas as pd

    counts = {"goods": 0, "originating": 0, "not_originating": 0, "undetermined": 0, "exact_fallback": 0}
    fmt = "format csv, header true" if out.suffix.lower() == ".csv" else "format parquet"
    with tempfile.TemporaryDirectory(prefix=".usmca-stage-", dir=out.parent) as stage, atomic_output(out) as tmp:
        con = duckdb.connect(os.path.join(stage, "rows.duckdb"))
        try:
            con.execute("create table r (" + ", ".join(f'"{c}" {t}' for c, t in COLUMNS.items()) + ")")
            for rows in results:
                frame = pd.DataFrame(rows, columns=list(COLUMNS))
                frame["originating"] = frame["originating"].astype("boolean")
                frame["rvc"] = pd.to_numeric(frame["rvc"], errors="coerce").astype(float)
                for c in ("source", "id", "hs", "date", "criterion", "path"):
                    frame[c] = frame[c].astype("string")
                con.register("shard", frame)
                con.execute("insert into r select * from shard")
                con.unregister("shard")
                o = frame["originating"]
                counts["goods"] += len(frame)
                counts["originating"] += int((o == True).sum())  # noqa: E712 - nullable boolean
                counts["not_originating"] += int((o == False).sum())  # noqa: E712
                counts["undetermined"] += int(o.isna().sum())
                counts["exact_fallback"] += int((frame["path"] == "exact").sum())
                if on_shard is not None:
                    on_shard(len(frame))
            con.execute(f"copy r to '{str(tmp).replace(chr(39), chr(39) * 2)}' ({fmt})")
        finally:
            con.close()
    return counts


def run_portfolio(executor: Executor, shards: Sequence[Sequence[Any]], date: str | None, out: Path,
                  on_shard: Callable[[int], None] | None = None) -> dict[str, int]:
    """Qualify ``shards`` on ``executor`` and stream the rows to ``out``; see the module docstring."""
    return stream_to_table(executor.imap_shards(qualify_shard, shards, shared=date), out, on_shard)
