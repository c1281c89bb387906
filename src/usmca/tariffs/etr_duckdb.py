"""Effective tariff rates of a flow file of any size, joined inside DuckDB in bounded memory.

The same statutory rates as :func:`usmca.tariffs.etr.effective_rates` (same formula, same
month weights), for flows that need not fit in memory: DuckDB reads the distinct (HTS10,
partner) pairs and months of the file, the rates are computed once per pair, law date and month
(:func:`usmca.tariffs.etr_rates.statutory_rates`, then the day weights of each month) into a
table of :math:`K` rows, one per pair, holding the :math:`M` monthly rates as fixed-size lists (an
Arrow table, not copied), and one query streams the file through a hash join on the pair, picks
the month's element of each list and sums

.. math::

    \\text{duty}_g = \\sum_{i \\in g} \\big[(v_i - c_i)\\,\\bar r^{u}_{k(i)m(i)} + c_i\\,\\bar r^{c}_{k(i)m(i)}\\big] / 100

by group. Memory is that of the rate table and DuckDB's join (``memory_limit``), not of the flows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.law import LawTree, default_tree
from usmca.limits import MAX_STREAM_BYTES, regular_file

from .etr import FLOW_COLUMNS, _segments
from .etr_rates import statutory_rates
from .schedule import Schedule, load_schedule
from .sectors import add_sector_columns

__all__ = ["effective_rates_file"]

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _scan(path: Path) -> str:
    p = str(path).replace("'", "''")
    if path.suffix.lower() == ".parquet":
        return f"read_parquet('{p}')"
    return (f"read_csv('{p}', header = true, types = {{'hts10': 'VARCHAR', 'partner': 'VARCHAR', "
            f"'month': 'VARCHAR', 'value': 'DOUBLE', 'usmca_value': 'DOUBLE'}})")


def effective_rates_file(path: str | Path, *, by: Sequence[str] = ("partner", "month"), tree: LawTree | None = None,
                         schedule: Schedule | None = None, us_content: float = 0.0,
                         law_date: dt.date | str | None = None, memory_limit: str = "1GB",
                         threads: int = 1, month_range: tuple[str, str] | None = None,
                         partner: str | None = None) -> pd.DataFrame:
    """Statutory effective tariff rates of a flow file (Parquet or CSV), streamed through DuckDB.

    Parameters
    ----------
    path
        Columns ``hts10``, ``partner``, ``month`` (``YYYY-MM``), ``value``, ``usmca_value``.
    by
        Grouping: any of ``partner``, ``month``, ``year``, ``hs2``, ``section``, ``gtap``.
    memory_limit, threads
        DuckDB's settings for the query (the join spills beyond the limit).
    month_range, partner
        Keep only the rows of months ``month_range[0]..month_range[1]`` (``YYYY-MM``, inclusive) and of
        ``partner`` (ISO alpha-2); every row of the file is still validated.

    Other parameters are those of :func:`usmca.tariffs.etr.effective_rates`, whose output this
    reproduces (columns ``value``, ``usmca_value``, ``usmca_share``, ``duty``, ``etr``).
    """
    import duckdb

    src = Path(path)
    regular_file(src, "flow file", MAX_STREAM_BYTES, str(path))
    if not 0.0 <= float(us_content) <= 1.0:
        raise UserInputError("us_content", "", us_content, "a fraction between 0 and 1")
    law = tree if tree is not None else default_tree()
    sched = schedule if schedule is not None else load_schedule()
    unknown = [b for b in by if b not in ("partner", "month", "year", "hs2", "section", "gtap")]
    if unknown:
        raise UserInputError("--by", "", unknown[0], "unknown grouping column")
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET preserve_insertion_order = false")
        scan = raw = _scan(src)
        try:
            cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
        except duckdb.Error as exc:
            raise UserInputError(str(path), "", src.name, f"not a readable flow file ({type(exc).__name__})") from None
        missing = [c for c in FLOW_COLUMNS if c not in cols]
        if missing:
            raise UserInputError(str(path), missing[0], None, f"a flow table needs the columns {', '.join(FLOW_COLUMNS)}")
        pairs = con.execute(f"SELECT hts10, partner FROM {scan} GROUP BY ALL").df()
        months = sorted(str(m) for (m,) in con.execute(f"SELECT DISTINCT month FROM {scan}").fetchall())
        _check_codes(con, scan, str(path), pairs, months)
        if month_range is not None or partner is not None:
            scan, pairs, months = _keep(con, scan, pairs, months, month_range, partner)
            if not months:
                raise UserInputError(str(path), "month", None, "no flows in the months and partner asked for")
        m_uni = pd.PeriodIndex([pd.Period(m, freq="M") for m in months])
        if law_date is None:
            dates, w = _segments(m_uni, law, sched)
        else:
            day = law_date if isinstance(law_date, dt.date) else dt.date.fromisoformat(str(law_date))
            dates, w = [day], np.ones((len(m_uni), 1))
        rates = statutory_rates(pairs["hts10"], pairs["partner"], dates,
                                tree=law, schedule=sched, us_content=us_content)
        m = len(months)
        import pyarrow as pa  # noqa: PLC0415 - zero-copy columns: no (pairs x months)-row table is built

        def per_pair(r: np.ndarray) -> pa.FixedSizeListArray:  # (M, K) month-weighted rates -> K lists of M
            return pa.FixedSizeListArray.from_arrays(pa.array((r.T @ w.T).ravel()), m)  # (K, M), C order

        keys = pa.Table.from_pandas(pairs[["hts10", "partner"]], preserve_index=False)
        keys = keys.append_column("ru", per_pair(rates["unclaimed"])).append_column("rc", per_pair(rates["claimed"]))
        del rates
        month_keys = pd.DataFrame({"month": months, "m": np.arange(1, m + 1, dtype=np.int32)})
        con.register("pair_rates", keys)
        con.register("month_keys", month_keys)
        groups, joins = _groups(con, by, pairs)
        select = ", ".join(f"{expr} AS {name}" for name, expr in groups)
        sql = f"""
            SELECT {select + ',' if select else ''}
                   sum(f.value) AS value, sum(f.usmca_value) AS usmca_value,
                   sum(((f.value - f.usmca_value) * p.ru[mk.m] + f.usmca_value * p.rc[mk.m]) / 100.0) AS duty,
                   count_if(f.value IS NULL OR NOT isfinite(f.value) OR f.value < 0 OR f.usmca_value IS NULL
                            OR NOT isfinite(f.usmca_value) OR f.usmca_value < 0
                            OR f.usmca_value > f.value * (1 + 1e-9) + 1e-6) AS bad
            FROM {scan} f
            JOIN pair_rates p ON f.hts10 = p.hts10 AND f.partner = p.partner
            JOIN month_keys mk ON f.month = mk.month
            {joins}
            {'GROUP BY ALL' if groups else ''}"""
        out = con.execute(sql).df()
        if int(out["bad"].sum()):
            _first_bad_value(con, raw, str(path))
    finally:
        con.close()
    out = out.drop(columns="bad")
    if groups:
        out = out.sort_values([g for g, _ in groups], kind="stable").reset_index(drop=True)
    out["usmca_share"] = 100.0 * out["usmca_value"] / out["value"].where(out["value"] > 0)
    out["etr"] = 100.0 * out["duty"] / out["value"].where(out["value"] > 0)
    return out


def _keep(con: object, scan: str, pairs: pd.DataFrame, months: list[str], months_range: tuple[str, str] | None,
          partner: str | None) -> tuple[str, pd.DataFrame, list[str]]:
    """The scan, pairs and months restricted to a month range and a partner (validated values only)."""
    a, b = months_range if months_range is not None else (months[0] if months else "", months[-1] if months else "")
    for m in (a, b):
        if not pd.Series([m]).str.fullmatch(_MONTH).iloc[0]:
            raise UserInputError("--from", "", m, "a month is YYYY-MM")
    if partner is not None and not pd.Series([partner]).str.fullmatch(r"[A-Z]{2}").iloc[0]:
        raise UserInputError("--partner", "", partner, "an ISO 3166-1 alpha-2 code")
    cond = f"month >= '{a}' AND month <= '{b}'" + (f" AND partner = '{partner}'" if partner else "")
    keep = pairs["partner"] == partner if partner else np.ones(len(pairs), dtype=bool)
    kept = [m for m in months if a <= m <= b]
    return f"(SELECT * FROM {scan} WHERE {cond})", pairs[keep].reset_index(drop=True), kept


def _groups(con: object, by: Sequence[str], pairs: pd.DataFrame) -> tuple[list[tuple[str, str]], str]:
    """(name, SQL expression) per grouping column, and the join of a sector table when needed."""
    out: list[tuple[str, str]] = []
    sectors = [b for b in by if b in ("hs2", "section", "gtap")]
    for b in by:
        if b == "partner":
            out.append((b, "f.partner"))
        elif b == "month":
            out.append((b, "f.month"))
        elif b == "year":
            out.append((b, "CAST(substr(f.month, 1, 4) AS BIGINT)"))
        else:
            out.append((b, f"s.{b}"))
    if not sectors:
        return out, ""
    codes = pd.Series(pairs["hts10"].drop_duplicates().to_numpy(dtype=object))
    table = pd.DataFrame({"hts10": codes})
    for b in sectors:
        table[b] = np.asarray(add_sector_columns(codes, b), dtype=object)
    con.register("sector_keys", table)  # type: ignore[attr-defined]
    return out, "JOIN sector_keys s ON f.hts10 = s.hts10"


def _check_codes(con: object, scan: str, source: str, pairs: pd.DataFrame, months: list[str]) -> None:
    """Distinct codes and months checked as :func:`usmca.tariffs.etr.effective_rates` checks rows."""
    hts = pairs["hts10"].astype(str)
    bad = pairs["hts10"].isna().to_numpy() | ~hts.str.fullmatch(r"\d{10}").to_numpy(dtype=bool)
    if bad.any():
        value = pairs["hts10"].iloc[int(np.flatnonzero(bad)[0])]
        raise UserInputError(source, f"row {_row_of(con, scan, 'hts10', value)}.hts10", value, "an HTS code of 10 digits")
    if pairs["partner"].isna().any():
        raise UserInputError(source, f"row {_row_of(con, scan, 'partner', None)}.partner", None, "missing values")
    wrong = [m for m in months if not pd.Series([m]).str.fullmatch(_MONTH).iloc[0]]
    if wrong:
        raise UserInputError(source, f"row {_row_of(con, scan, 'month', wrong[0])}.month", wrong[0], "months are YYYY-MM")


def _row_of(con: object, scan: str, column: str, value: object) -> int:
    """Row (0-based, as in ``effective_rates``) of the first row whose ``column`` is ``value``."""
    cond = f"{column} IS NULL" if value is None else f"{column} = ?"
    q = (f"SELECT n FROM (SELECT row_number() OVER () - 1 AS n, {column} FROM {scan}) WHERE {cond} "
         "ORDER BY n LIMIT 1")
    con.execute("SET preserve_insertion_order = true")  # type: ignore[attr-defined]
    row = con.execute(q, [] if value is None else [value]).fetchone()  # type: ignore[attr-defined]
    return int(row[0]) if row else -1


def _first_bad_value(con: object, scan: str, source: str) -> None:
    con.execute("SET preserve_insertion_order = true")  # type: ignore[attr-defined]
    q = (f"SELECT n, value, usmca_value FROM (SELECT row_number() OVER () - 1 AS n, value, usmca_value FROM {scan}) "
         "WHERE value IS NULL OR NOT isfinite(value) OR value < 0 OR usmca_value IS NULL OR NOT isfinite(usmca_value) "
         "OR usmca_value < 0 OR usmca_value > value * (1 + 1e-9) + 1e-6 ORDER BY n LIMIT 1")
    n, v, c = con.execute(q).fetchone()  # type: ignore[attr-defined]
    if v is None or not np.isfinite(v) or v < 0:
        raise UserInputError(source, f"row {n}.value", v, "a customs value is a number >= 0")
    raise UserInputError(source, f"row {n}.usmca_value", c, "values must be >= 0 with usmca_value <= value")
