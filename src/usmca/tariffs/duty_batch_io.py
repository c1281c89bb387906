"""Reading, checking and writing entry batches for :mod:`usmca.tariffs.duty_batch`.

Columns are read as text (pyarrow) and checked per *distinct* value (dates, HTS codes, origins:
a file of a million lines holds a few thousand) with the single-line path's own functions
(:func:`usmca.law.parse_date`, :func:`usmca.tariffs.schedule.normalise_hts`,
:func:`usmca.law.countries.check_country`); numbers are parsed as arrays. A row fails on the first
column that the single-line path would refuse, in its order of checks. :func:`duty_file` streams a
CSV or Parquet file block by block into a temporary file beside ``out``, renamed over ``out``
only when every block is done: a failed run leaves no output behind.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.law import LawTree, parse_date
from usmca.law.countries import check_country
from usmca.limits import MAX_STREAM_BYTES, regular_file

from .duty_batch import REJECT_COLUMNS, BatchEngine
from .duty_batch_cells import _claim, _declared, _hts
from .schedule import Schedule

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["COLUMNS", "REQUIRED", "duty_file", "run_table", "to_arrow"]

COLUMNS = ("hts", "origin", "date", "value", "usmca", "us_content", "quantity", "unit_value", "declare")
REQUIRED = ("hts", "origin", "date", "value")
ALIASES = {"usmca_claim": "usmca"}
BLOCK_BYTES = 16 * 1024**2


def _name(col: str) -> str:
    c = col.strip().lower()
    return ALIASES.get(c, c)


def to_arrow(entries: Any, source: str) -> "pa.Table":
    """A pyarrow Table of the known columns of a DataFrame, a mapping of columns or a Table."""
    import pyarrow as pa

    if isinstance(entries, pa.Table):
        table = entries
    else:
        frame = entries if isinstance(entries, pd.DataFrame) else pd.DataFrame(dict(entries))
        cols = {}
        for c in frame.columns:
            if _name(str(c)) in COLUMNS:
                s = frame[c]
                try:
                    cols[str(c)] = pa.array(s, from_pandas=True)
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    cols[str(c)] = pa.array(s.map(lambda x: None if x is None else str(x)), type=pa.string())
        table = pa.table(cols)
    names = [_name(c) for c in table.column_names]
    table = table.rename_columns(names)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise UserInputError(source, missing[0], None, f"missing column (an entries table needs {', '.join(REQUIRED)})")
    return table


def _strings(col: Any) -> tuple[np.ndarray, list[Any]]:
    """Dictionary codes (-1 for missing) and distinct values of a column, as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_timestamp(col.type):
        col = pc.cast(col, pa.date32())
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.string())
    enc = pc.dictionary_encode(col).combine_chunks() if isinstance(col, pa.ChunkedArray) else pc.dictionary_encode(col)
    idx = enc.indices.to_numpy(zero_copy_only=False)
    idx = np.where(enc.is_null().to_numpy(zero_copy_only=False), -1, idx).astype(np.int64)
    return idx, enc.dictionary.to_pylist()


def _numbers(col: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values with NaN where missing, given mask, unparsable mask)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    given = ~col.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_boolean(col.type):
        return np.full(len(col), np.nan), given, given.copy()
    try:
        x = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
        return x, given, np.zeros(len(col), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        s = pd.Series(col.to_pylist(), dtype=object)
        x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        text = s.astype(str).str.strip().str.lower()
        bad = given & np.isnan(x) & ~text.isin(["nan", "+nan", "-nan"]).to_numpy()
        return x, given, bad


def _per_unique(values: list[Any], check: Any) -> tuple[list[Any], np.ndarray]:
    """``check`` on each distinct value: results (None on failure) and the reasons ("" when fine)."""
    out: list[Any] = []
    why = np.full(len(values), "", dtype=object)
    for j, x in enumerate(values):
        try:
            out.append(check(x))
        except UserInputError as exc:
            out.append(None)
            why[j] = exc.reason
    return out, why


class _Faults:
    """The first failing column and its reason, per row."""

    def __init__(self, n: int) -> None:
        self.column = np.full(n, -1, dtype=np.int8)
        self.names: list[str] = []
        self.reason = np.full(n, None, dtype=object)

    def add(self, column: str, bad: np.ndarray, reason: Any) -> None:
        m = bad & (self.column < 0)
        if m.any():
            if column not in self.names:
                self.names.append(column)
            self.column[m] = self.names.index(column)
            self.reason[m] = reason[m] if isinstance(reason, np.ndarray) else reason

    @property
    def ok(self) -> np.ndarray:
        return self.column < 0

    def name(self, i: int) -> str:
        return self.names[int(self.column[i])]


def _codes(table: "pa.Table", name: str, check: Any, faults: _Faults) -> tuple[np.ndarray, list[Any]]:
    idx, uni = _strings(table.column(name))
    parsed, why = _per_unique(uni, check)
    faults.add(name, idx < 0, "missing value")
    faults.add(name, (idx >= 0) & (why[np.maximum(idx, 0)] != "") if len(uni) else idx < -1,
               why[np.maximum(idx, 0)] if len(uni) else "")
    return idx, parsed


def run_table(engine: BatchEngine, table: "pa.Table", row0: int, source: str, skip_bad: bool,
              components: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Duties of one block of rows (``row0`` rows came before it): (duties, rejects)."""
    tab = _check_table(engine, table, row0, source, skip_bad, components)
    return tab[0].to_pandas(date_as_object=False), tab[1]


def _check_table(engine: BatchEngine, table: "pa.Table", row0: int, source: str,
                 skip_bad: bool, components: bool = True) -> tuple["pa.Table", pd.DataFrame]:
    import pyarrow as pa

    n = table.num_rows
    faults = _Faults(n)
    date_i, date_u = _codes(table, "date", lambda x: parse_date(x, "date"), faults)
    hts_i, hts_u = _codes(table, "hts", _hts, faults)
    org_i, org_u = _codes(table, "origin", lambda x: check_country(x, "origin"), faults)
    v, v_given, v_bad = _numbers(table.column("value"))
    faults.add("value", ~v_given | v_bad, "expected a number")
    faults.add("value", ~np.isfinite(v) | (v < 0), "a customs value is a finite number >= 0")
    opt: dict[str, np.ndarray] = {}
    for name, test, reason in (("us_content", lambda x: ~((x >= 0) & (x <= 1)), "US content is a fraction between 0 and 1"),
                               ("quantity", lambda x: ~np.isfinite(x) | (x < 0), "a quantity is a finite number >= 0"),
                               ("unit_value", lambda x: ~np.isfinite(x) | (x <= 0), "a unit value is a finite number > 0")):
        if name in table.column_names:
            x, given, bad = _numbers(table.column(name))
            faults.add(name, bad, "expected a number")
            with np.errstate(invalid="ignore"):
                faults.add(name, given & test(x), reason)
            opt[name] = np.where(given, x, np.nan)
        else:
            opt[name] = np.full(n, np.nan)
    claim = np.zeros(n, dtype=bool)
    if "usmca" in table.column_names:
        col = table.column("usmca")
        if pa.types.is_boolean(col.type):
            claim = col.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
        else:
            c_i, c_u = _strings(col)
            parsed, why = _per_unique(c_u, _claim)
            if len(c_u):
                faults.add("usmca", (c_i >= 0) & (why[np.maximum(c_i, 0)] != ""), why[np.maximum(c_i, 0)])
                claim = (c_i >= 0) & np.array([p is True for p in parsed], dtype=bool)[np.maximum(c_i, 0)]
    decl_i = np.zeros(n, dtype=np.int64)
    decl_u: list[frozenset[str]] = [frozenset()]
    if "declare" in table.column_names:
        d_i, d_u = _strings(table.column("declare"))
        parsed_d, why_d = _per_unique(d_u, _declared)
        if len(d_u):
            faults.add("declare", (d_i >= 0) & (why_d[np.maximum(d_i, 0)] != ""), why_d[np.maximum(d_i, 0)])
            decl_u = [frozenset()] + [p if p is not None else frozenset() for p in parsed_d]
            decl_i = np.where(d_i >= 0, d_i + 1, 0)
    hts_norm = [h if h is not None else "" for h in hts_u]
    days_u = np.array([np.datetime64(d, "D") if d is not None else np.datetime64("NaT") for d in date_u],
                      dtype="datetime64[D]")
    ok = faults.ok
    res = engine.resolve(hts_norm, hts_i, date_u, date_i, ok)
    derr = res["date_error"]
    faults.add("date", ok & (date_i >= 0) & (derr[np.maximum(date_i, 0)] != "") if len(date_u) else ok & False,
               derr[np.maximum(date_i, 0)] if len(date_u) else "")
    names = res["names"]
    bad_line = faults.ok & (res["row"] < 0)
    if bad_line.any():
        rev_names = np.array(names + [""], dtype=object)[res["rev"]]
        faults.add("hts", bad_line, np.array([f"not an 8- or 10-digit line of the HTS {r}" for r in rev_names],
                                             dtype=object))
    if len(decl_u) > 1:   # a heading no measure in force on the line's date reads (as the single-line path refuses)
        pair_i, pair_u = pd.factorize(decl_i * (len(date_u) + 1) + np.maximum(date_i, 0))
        why = np.array([engine.undeclarable(decl_u[int(pu) // (len(date_u) + 1)], date_u[int(pu) % (len(date_u) + 1)])
                        for pu in pair_u], dtype=object)
        faults.add("declare", faults.ok & (decl_i > 0) & (why[pair_i] != ""), why[pair_i])
    good = np.flatnonzero(faults.ok)
    org_cc = np.array([o if o is not None else "" for o in org_u], dtype=object)
    days = days_u[date_i[good]] if len(date_u) else np.zeros(0, dtype="datetime64[D]")
    out = engine.compute(hts_i[good], hts_norm, org_i[good], org_cc, days, claim[good], v[good],
                         opt["us_content"][good], opt["quantity"][good], opt["unit_value"][good],
                         res["rev"][good], res["row"][good], names, components, decl_i[good], decl_u)
    inf = np.zeros(n, dtype=bool)
    inf[good] = ~np.isfinite(out["total_duty"])
    if inf.any():
        faults.add("value", inf, "too large: the duty is not a finite number")
    keep = ~inf[good]
    rejected = np.flatnonzero(~faults.ok)
    if len(rejected) and not skip_bad:
        i = int(rejected[0])
        col = faults.name(i)
        raise UserInputError(source, f"row {row0 + i + 1}.{col}", table.column(col)[i].as_py(), str(faults.reason[i]))
    rejects = pd.DataFrame({"row": row0 + rejected + 1, "column": [faults.name(int(i)) for i in rejected],
                            "value": [_text(table.column(faults.name(int(i)))[int(i)].as_py()) for i in rejected],
                            "reason": faults.reason[rejected]}, columns=list(REJECT_COLUMNS))
    g = good[keep]
    cols: dict[str, Any] = {"row": pa.array(row0 + g + 1, type=pa.int64()),
                            "hts": _dict(out["line"][keep], out["htsno"]),
                            "origin": _dict(org_i[g], org_cc),
                            "date": pa.array(days[keep].astype("int64").astype("int32"), type=pa.int32()).cast(pa.date32()),
                            "value": v[g], "usmca_claim": pa.array(claim[g]), "usmca_valid": pa.array(out["usmca_valid"][keep]),
                            "us_content": pa.array(opt["us_content"][g], from_pandas=True),
                            "quantity": pa.array(opt["quantity"][g], from_pandas=True),
                            "unit_value": pa.array(opt["unit_value"][g], from_pandas=True),
                            "declared": _dict(decl_i[g], np.array([" ".join(sorted(d)) for d in decl_u], dtype=object)),
                            "revision": _dict(res["rev"][g], np.array(names, dtype=object)),
                            "column1": _dict(out["pref"][keep].astype(np.int32), np.array(["mfn", "usmca_preference"]))}
    for k in output_schema(engine, components).names[len(cols):]:
        cols[k] = out[k][keep]
    return pa.table(cols, schema=output_schema(engine, components)), rejects


def _text(x: Any) -> str:
    return "" if x is None else str(x)


def _dict(index: np.ndarray, labels: np.ndarray) -> "pa.DictionaryArray":
    import pyarrow as pa

    li, lu = pd.factorize(np.asarray(labels, dtype=object))  # distinct labels (codes may share one)
    idx = li[np.asarray(index)] if len(li) else np.asarray(index)
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32), type=pa.int32()),
                                          pa.array(np.asarray(lu, dtype=object), type=pa.string()))


def output_schema(engine: BatchEngine, components: bool = True) -> "pa.Schema":
    """The columns of the duties table (fixed by the law tree's measures, so every block has them)."""
    import pyarrow as pa

    d = pa.dictionary(pa.int32(), pa.string())
    fields = [("row", pa.int64()), ("hts", d), ("origin", d), ("date", pa.date32()), ("value", pa.float64()),
              ("usmca_claim", pa.bool_()), ("usmca_valid", pa.bool_()), ("us_content", pa.float64()),
              ("quantity", pa.float64()), ("unit_value", pa.float64()), ("declared", d), ("revision", d), ("column1", d),
              ("rate_column1", pa.float64()), ("duty_column1", pa.float64()), ("duty_additional", pa.float64()),
              *((f"duty_{m}", pa.float64()) for m in (engine.keys if components else ())),
              ("total_rate", pa.float64()), ("total_duty", pa.float64())]
    return pa.schema(fields)


def _header(path: Path, source: str) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline(1024 * 1024)
    header = next(csv.reader([first]), [])
    names = [_name(c) for c in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise UserInputError(source, missing[0], None, f"missing column (an entries file needs {', '.join(REQUIRED)})")
    return header


def _blocks(path: Path, source: str, invalid: list[tuple[int, str, str]]) -> Any:
    """Record batches of the known columns (text), read block by block."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        keep = [c for c in pf.schema_arrow.names if _name(c) in COLUMNS]
        yield from pf.iter_batches(batch_size=1 << 18, columns=keep)
        return
    header = _header(path, source)
    keep = [c for c in header if _name(c) in COLUMNS]

    def bad_row(row: Any) -> str:
        invalid.append((int(row.number) - 1 if row.number is not None else -1, row.text,
                        f"expected {row.expected_columns} columns, got {row.actual_columns}"))
        return "skip"

    reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
                           parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=bad_row),
                           convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in keep},
                                                               include_columns=keep, strings_can_be_null=True,
                                                               null_values=[""], quoted_strings_can_be_null=True))
    yield from reader


def _numbering(rows: int, skipped: list[int], done: int) -> np.ndarray:
    """Input row numbers (1-based) of ``rows`` parsed rows after ``done`` ones, around ``skipped`` rows."""
    s = np.array(sorted(x for x in skipped if x > 0), dtype=np.int64)
    k = done + 1 + np.arange(rows, dtype=np.int64)
    return k + np.searchsorted(s - np.arange(len(s)), k, side="right")


def duty_file(path: str | Path, out: str | Path, *, fmt: str | None = None, skip_bad: bool = False,
              rejects: str | Path | None = None, components: bool = False, tree: LawTree | None = None,
              schedule: Schedule | None = None) -> dict[str, Any]:
    """Duties of every line of an entries file (CSV or Parquet), streamed to ``out`` (CSV or Parquet).

    Blocks of rows are read, computed and handed to DuckDB's writer one at a time (memory stays
    that of a block), into a temporary file beside ``out`` that is renamed over ``out`` only when
    the last block is written.

    Parameters
    ----------
    path
        The entries file; columns as :func:`usmca.tariffs.duty_batch.duty_batch`.
    out
        The duties file.
    fmt
        ``csv`` or ``parquet`` (default: from ``out``'s suffix, else CSV).
    skip_bad
        Write refused rows to ``rejects`` (default ``<out>.rejects.csv``) instead of stopping.
    components
        Add one ``duty_<measure>`` column per measure of the law tree.

    Returns
    -------
    dict
        ``rows`` read, ``written``, ``rejected``, ``out`` and ``rejects`` (the files written).

    Raises
    ------
    UserInputError
        A bad row without ``skip_bad`` (naming its row and column), a file larger than
        :data:`usmca.limits.MAX_STREAM_BYTES`, a missing column; nothing is left at ``out``.
    """
    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pcsv

    src = Path(path)
    source = str(path)
    regular_file(src, "entries file", MAX_STREAM_BYTES, source)
    dst = Path(out)
    kind = (fmt or ("parquet" if dst.suffix.lower() == ".parquet" else "csv")).lower()
    if kind not in ("csv", "parquet"):
        raise UserInputError("--format", "", fmt, "csv or parquet")
    rej_path = Path(rejects) if rejects is not None else dst.with_name(dst.name + ".rejects.csv")
    engine = BatchEngine(tree, schedule)
    schema = output_schema(engine, components)
    invalid: list[tuple[int, str, str]] = []
    count = {"read": 0, "written": 0, "rejected": 0}
    failure: list[BaseException] = []
    tmp = _temp(dst)
    tmp_rej = _temp(rej_path) if skip_bad else None
    rej_writer = pcsv.CSVWriter(tmp_rej, _reject_schema()) if tmp_rej is not None else None

    def batches() -> Any:
        try:
            blocks = _blocks(src, source, invalid)
            while True:
                seen = len(invalid)
                try:
                    batch = next(blocks)
                except StopIteration:
                    batch = None
                except pa.ArrowInvalid as exc:
                    raise UserInputError(source, "", src.name, f"not a readable entries file ({exc})") from None
                bad = pd.DataFrame({"row": [r for r, _, _ in invalid[seen:]], "column": "",
                                    "value": [t for _, t, _ in invalid[seen:]],
                                    "reason": [w for _, _, w in invalid[seen:]]}, columns=list(REJECT_COLUMNS))
                if batch is not None:
                    table = pa.Table.from_batches([batch]).rename_columns([_name(c) for c in batch.schema.names])
                    duties, rej = _check_table(engine, table, 0, source, True, components)
                    numbers = _numbering(table.num_rows, [r for r, _, _ in invalid], count["read"])
                    rej["row"] = numbers[rej["row"].to_numpy(dtype=np.int64) - 1]
                    bad = pd.concat([bad, rej], ignore_index=True).sort_values("row", kind="stable") if len(bad) else rej
                    duties = duties.set_column(0, "row", pa.array(numbers[duties.column("row").to_numpy() - 1]))
                if len(bad) and not skip_bad:
                    first = bad.iloc[0]
                    field = f"row {int(first['row'])}" + (f".{first['column']}" if first["column"] else "")
                    raise UserInputError(source, field, first["value"], str(first["reason"]))
                if rej_writer is not None and len(bad):
                    rej_writer.write_table(pa.Table.from_pandas(bad, schema=_reject_schema(), preserve_index=False))
                count["rejected"] += len(bad)
                if batch is None:
                    return
                count["read"] += table.num_rows
                count["written"] += duties.num_rows
                yield from duties.to_batches()
        except BaseException as exc:
            failure.append(exc)
            raise

    try:
        reader = pa.RecordBatchReader.from_batches(schema, batches())
        options = "FORMAT parquet" if kind == "parquet" else "FORMAT csv, HEADER true"
        con = duckdb.connect()
        try:
            con.execute("SET threads = 1")
            con.execute("SET preserve_insertion_order = true")
            con.register("duties", reader)
            con.execute(f"COPY (SELECT * FROM duties) TO '{_sql_path(tmp)}' ({options})")
        except duckdb.Error:
            if failure:
                raise failure[0] from None
            raise
        finally:
            con.close()
        if failure:
            raise failure[0]
        if rej_writer is not None:
            rej_writer.close()
            rej_writer = None
            assert tmp_rej is not None
            os.replace(tmp_rej, rej_path)
        os.replace(tmp, dst)
    except BaseException:
        if rej_writer is not None:
            rej_writer.close()
        for t in (tmp, tmp_rej):
            if t is not None and os.path.exists(t):
                os.unlink(t)
        raise
    return {"file": source, "rows": count["read"] + len(invalid), "written": count["written"],
            "rejected": count["rejected"], "out": str(dst), "format": kind,
            "rejects": str(rej_path) if skip_bad else None}


def _sql_path(p: str) -> str:
    return p.replace("'", "''")


def _reject_schema() -> "pa.Schema":
    import pyarrow as pa

    return pa.schema([("row", pa.int64()), ("column", pa.string()), ("value", pa.string()), ("reason", pa.string())])


def _temp(dst: Path) -> str:
    if dst.parent and not dst.parent.is_dir():
        raise UserInputError("--out", "", str(dst), "the folder does not exist")
    fd, name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".partial", dir=dst.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)  # the mode of a file opened for writing, not mkstemp's private 0600
    return name
