"""USITC HTS JSON exports into the store (table ``hts_lines``, one row per line per revision).

The USITC publishes each edition and revision of the Harmonized Tariff Schedule as JSON
(https://hts.usitc.gov/ , "Export" → JSON; REST: https://hts.usitc.gov/reststop/exportList).
Each record has ``htsno, indent, description, superior, units, general, special, other,
footnotes, quotaQuantity, additionalDuties``. Statistical suffixes (10 digits) usually print no
rate: they inherit the rate of their 8-digit subheading.

A revision is kept with its dates: ``effective_from`` (given, or 1 January for a Basic edition)
and ``effective_to`` (the day before the next loaded revision, else 31 December of its year), so
that a date selects the schedule in force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd

from usmca.data.loaders.hts_rates import parse_general, parse_special_usmca
from usmca.errors import UserInputError
from usmca.law.span import check_date
from usmca.limits import MAX_JSON_BYTES, gunzip_capped, read_capped

__all__ = ["read_hts_json", "parse_hts_records", "load_hts", "revision_from_name", "download_hts",
           "HTS_COLUMNS", "USITC_EXPORT_URL"]

USITC_EXPORT_URL = "https://hts.usitc.gov/reststop/exportList?from=0100&to=9999&format=JSON&styles=false"
HTS_COLUMNS = ("revision", "effective_from", "effective_to", "hts", "htsno", "indent", "description",
               "general", "special", "other", "adv_pct", "specific_usd", "specific_unit", "rate_type",
               "usmca_spi", "usmca_text", "usmca_adv_pct", "inherited", "chapter99", "footnotes")
_REQUIRED = ("htsno", "indent", "description", "general", "special", "other")


def revision_from_name(name: str) -> tuple[str, dt.date | None]:
    """``hts_2025_rev_32.json.gz`` -> (``2025 Revision 32``, None); Basic -> 1 January."""
    m = re.search(r"(20\d\d)[_ -]?(basic|rev(?:ision)?[_ -]?(\d+))", name.lower())
    if not m:
        return Path(name).name, None
    year = int(m.group(1))
    if m.group(2) == "basic":
        return f"{year} Basic", dt.date(year, 1, 1)
    return f"{year} Revision {int(m.group(3))}", None


def read_hts_json(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON export (plain or gzip); a malformed file raises :class:`UserInputError`.

    The file, and its expansion when gzipped, are capped at :data:`usmca.limits.MAX_JSON_BYTES`
    (a 4 MB gzip that expands to 4 GiB stops at the cap, without filling memory).
    """
    p = Path(path)
    raw = read_capped(p, "HTS JSON export", MAX_JSON_BYTES)
    if raw[:2] == b"\x1f\x8b":
        raw = gunzip_capped(raw, p.name, MAX_JSON_BYTES)
    try:
        data = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise UserInputError(p.name, f"line {exc.lineno} column {exc.colno}", None, f"not valid JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise UserInputError(p.name, "", None, "not UTF-8 text") from None
    except RecursionError:
        raise UserInputError(p.name, "", None, "the JSON nests too deeply") from None
    if not isinstance(data, list) or not data:
        raise UserInputError(p.name, "", type(data).__name__ if data else "[]",
                             "expected a non-empty JSON array of HTS records")
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise UserInputError(p.name, f"record {i}", rec, "expected an object")
        missing = [k for k in _REQUIRED if k not in rec]
        if missing:
            raise UserInputError(p.name, f"record {i}.{missing[0]}", None, "missing key of the USITC HTS export")
    return data


def parse_hts_records(records: list[dict[str, Any]], revision: str, effective_from: dt.date,
                      effective_to: dt.date | None = None) -> pd.DataFrame:
    """Records -> the ``hts_lines`` frame (rates parsed; 10-digit lines inherit their HTS8 rates).

    Lines without an HTS number (indented headers) are dropped.
    """
    df = pd.DataFrame.from_records(records)
    df = df[df["htsno"].fillna("").astype(str).str.strip() != ""].copy()
    df["htsno"] = df["htsno"].astype(str).str.strip()
    df["hts"] = df["htsno"].str.replace(".", "", regex=False)
    df["indent"] = pd.to_numeric(df["indent"], errors="coerce").fillna(0).astype(int)
    for col in ("description", "general", "special", "other"):
        df[col] = df[col].fillna("").astype(str).str.strip()
    df["footnotes"] = df.get("footnotes", pd.Series(None, index=df.index)).map(_footnote_text)
    # inherit from the 8-digit subheading when a statistical suffix prints no rate
    base = df[df["hts"].str.len() == 8].drop_duplicates("hts").set_index("hts")
    ten = (df["hts"].str.len() == 10) & (df["general"] == "")
    parent = df.loc[ten, "hts"].str[:8]
    df["inherited"] = False
    for col in ("general", "special", "other"):
        vals = parent.map(base[col]).fillna("")
        df.loc[ten, col] = vals.to_numpy()
    df.loc[ten, "inherited"] = parent.isin(base.index).to_numpy()
    df = df.reset_index(drop=True)
    g = parse_general(df["general"])
    s = parse_special_usmca(df["special"])
    u = parse_general(s["usmca_text"])
    out = pd.concat([df, g, s], axis=1)
    out["usmca_adv_pct"] = u["adv_pct"].where(s["usmca_spi"] != "")
    out["chapter99"] = out["hts"].str.startswith("99")
    out["revision"] = revision
    out["effective_from"] = pd.Timestamp(effective_from)
    out["effective_to"] = pd.Timestamp(effective_to) if effective_to else pd.Timestamp(dt.date(effective_from.year, 12, 31))
    return out[list(HTS_COLUMNS)]


def _footnote_text(notes: Any) -> str:
    if not isinstance(notes, list):
        return ""
    return " | ".join(" ".join(str(n.get("value", "")).split()) for n in notes if isinstance(n, dict))


def load_hts(path: str | Path, con: Any, *, effective_from: dt.date | None = None,
             revision: str | None = None) -> dict[str, Any]:
    """Load one export into the store; replaces a revision of the same name; re-dates revisions.

    Parameters
    ----------
    path
        The JSON export (``.json`` or ``.json.gz``).
    con
        An open DuckDB connection (see :func:`usmca.data.store.connect`).
    effective_from
        First day the revision is in force; required unless the file name says ``basic``.
    revision
        Name of the revision (default from the file name).

    Returns
    -------
    dict
        ``revision``, ``effective_from``, ``rows``, ``sha256``.
    """
    p = Path(path)
    name, default_from = revision_from_name(p.name)
    revision = revision or name
    start = effective_from or default_from
    if start is None:
        raise UserInputError(p.name, "--effective-from", None,
                             "a revision's first day in force is not in the file; give --effective-from YYYY-MM-DD")
    check_date(start, "--effective-from")
    records = read_hts_json(p)
    frame = parse_hts_records(records, revision, start)
    sha = hashlib.sha256(read_capped(p, "HTS JSON export", MAX_JSON_BYTES)).hexdigest()
    con.execute("create table if not exists hts_revisions (revision varchar primary key, effective_from date, "
                "effective_to date, source varchar, sha256 varchar, rows bigint, loaded_at timestamp)")
    con.execute("delete from hts_revisions where revision = ?", [revision])
    con.execute("insert into hts_revisions values (?, ?, ?, ?, ?, ?, current_timestamp)",
                [revision, start, dt.date(start.year, 12, 31), p.name, sha, len(frame)])
    exists = con.execute("select count(*) from information_schema.tables where table_name = 'hts_lines'").fetchall()[0][0]
    if exists:
        con.execute("delete from hts_lines where revision = ?", [revision])
        con.register("_hts_frame", frame)
        con.execute("insert into hts_lines select * from _hts_frame")
    else:
        con.register("_hts_frame", frame)
        con.execute("create table hts_lines as select * from _hts_frame")
    con.unregister("_hts_frame")
    _redate(con)
    return {"revision": revision, "effective_from": start, "rows": int(len(frame)), "sha256": sha}


def _redate(con: Any) -> None:
    """effective_to = the day before the next revision (same year), else 31 December."""
    con.execute("""
        update hts_revisions r set effective_to = coalesce(
            (select min(n.effective_from) - interval 1 day from hts_revisions n
              where n.effective_from > r.effective_from and year(n.effective_from) = year(r.effective_from)),
            make_date(year(r.effective_from), 12, 31))""")
    con.execute("update hts_lines l set effective_from = r.effective_from, effective_to = r.effective_to "
                "from hts_revisions r where l.revision = r.revision")


def download_hts(dest: str | Path, url: str = USITC_EXPORT_URL, timeout: float = 120.0) -> Path:
    """Download the current HTS JSON export from the USITC (the only network use; on request).

    The USITC REST endpoint ``reststop/exportList`` returns the current revision as a JSON array
    in the format :func:`read_hts_json` reads. The file is written to ``dest``; load it with
    ``usmca data load hts FILE --effective-from D``.
    """
    out = Path(dest)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise UserInputError("--url", "", url, "expected an http(s) URL")
    if out.is_dir() or not out.parent.is_dir():
        raise UserInputError("--out", "", str(out), "is a folder" if out.is_dir() else "its folder does not exist")
    req = urllib.request.Request(url, headers={"User-Agent": "usmca-toolkit"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) checked above
            body = resp.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise UserInputError("--url", "", url, f"download failed ({getattr(exc, 'reason', exc)})") from None
    try:
        out.write_bytes(body)
    except OSError as exc:
        raise UserInputError("--out", "", str(out), f"cannot write ({exc.strerror or type(exc).__name__})") from None
    read_hts_json(out)  # validate before the user loads it
    return out
