"""Compact, cited data shipped inside the package (the default when no store or data folder is given).

Each data file ``NAME.csv.gz`` sits beside a provenance sidecar ``NAME.csv.gz.provenance.json``
(source URL, release or revision, the repository through which it was obtained and its commit,
licence, the command that builds it, and the SHA-256 and size of the data file). The files are
built from the official files in ``../shared/data`` by ``usmca data build-package-data``
(:mod:`usmca.data.package.build`); the build is deterministic and a test rebuilds them and
compares byte for byte.

Files
-----
``hts_<year>_<edition>.csv.gz``
    One USITC HTS revision (every numbered line: 4-, 6-, 8- and 10-digit, description, general,
    special and column-2 rate text, and the parsed rates of :func:`usmca.data.loaders.hts.parse_hts_records`).
``us_imports_ca_mx_hts10_monthly.csv.gz``
    US imports for consumption from Canada and Mexico by HTS10 line and month, customs value and
    the value entered under the USMCA (special program indicator S/S+): USITC DataWeb.

Reading checks each file's size and SHA-256 against its sidecar: a truncated or altered file is a
:class:`usmca.errors.UserInputError` naming it (exit status 2), never a silent fallback.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from usmca.errors import UserInputError

__all__ = ["PACKAGE_DIR", "FLOWS_FILE", "HTS_FILES", "provenance", "read_verified", "hts_revision_frame",
           "hts_rows_with_prefix", "package_flows", "dated_hts_files"]

PACKAGE_DIR = Path(__file__).resolve().parent
FLOWS_FILE = "us_imports_ca_mx_hts10_monthly.csv.gz"
HTS_FILES = ("hts_2025_basic.csv.gz", "hts_2025_rev_32.csv.gz", "hts_2026_basic.csv.gz", "hts_2026_rev_10.csv.gz")

#: Column types of the HTS files (the ``hts_lines`` columns less revision and dates, which the sidecar gives).
HTS_TYPES = {"hts": str, "htsno": str, "indent": "int64", "description": str, "general": str, "special": str,
             "other": str, "adv_pct": "float64", "specific_usd": "float64", "specific_unit": str, "rate_type": str,
             "usmca_spi": str, "usmca_text": str, "usmca_adv_pct": "float64", "inherited": bool, "chapter99": bool,
             "footnotes": str}
FLOW_TYPES = {"hts10": str, "partner": str, "month": str, "value": "int64", "usmca_value": "int64"}


def _bad(path: Path, reason: str) -> UserInputError:
    return UserInputError(str(path), "", path.name, f"{reason}; the package data is damaged: reinstall usmca or "
                          "rebuild it with `usmca data build-package-data`")


@functools.lru_cache(maxsize=16)
def provenance(name: str, folder: str | None = None) -> dict[str, Any]:
    """The provenance sidecar of package file ``name`` (a dict); a missing or unreadable one is a user error."""
    side = Path(folder or PACKAGE_DIR) / f"{name}.provenance.json"
    try:
        doc = json.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _bad(side, "missing provenance sidecar") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(side, f"unreadable provenance sidecar ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or not {"sha256", "bytes", "source"} <= set(doc):
        raise _bad(side, "provenance sidecar without sha256, bytes and source")
    return doc


def read_verified(name: str, folder: str | None = None) -> bytes:
    """The decompressed bytes of package file ``name`` after checking its size and SHA-256.

    Raises
    ------
    UserInputError
        The file is missing, truncated, altered or not gzip (named, with what to do).
    """
    path = Path(folder or PACKAGE_DIR) / name
    meta = provenance(name, folder)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _bad(path, "missing package data file") from None
    if len(raw) != meta["bytes"]:
        raise _bad(path, f"size {len(raw)} bytes, the sidecar says {meta['bytes']} (truncated?)")
    if hashlib.sha256(raw).hexdigest() != meta["sha256"]:
        raise _bad(path, "SHA-256 differs from the provenance sidecar")
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise _bad(path, f"not a readable gzip file ({type(exc).__name__})") from None


def _read_csv(name: str, types: dict[str, Any], folder: str | None = None) -> Any:
    import pandas as pd  # noqa: PLC0415 - start-up time: the CLI imports this module lazily

    body = read_verified(name, folder)
    floats = [c for c, t in types.items() if t == "float64"]
    try:
        df = pd.read_csv(io.BytesIO(body), dtype=types, keep_default_na=False, na_values={c: [""] for c in floats})
    except (ValueError, pd.errors.ParserError) as exc:
        raise _bad(Path(folder or PACKAGE_DIR) / name, f"unreadable CSV ({exc})") from None
    if list(df.columns) != list(types):
        raise _bad(Path(folder or PACKAGE_DIR) / name, f"columns {list(df.columns)} differ from {list(types)}")
    return df


def dated_hts_files() -> list[tuple[str, dict[str, Any]]]:
    """The HTS files whose first day in force is known, with their sidecars, oldest first.

    A revision whose effective date the source does not state (``effective_from`` null in its
    sidecar) ships for ``usmca data load hts`` but is not part of the default schedule.
    """
    out = [(n, provenance(n)) for n in HTS_FILES]
    return sorted([(n, m) for n, m in out if m.get("effective_from")], key=lambda x: x[1]["effective_from"])


def hts_revision_frame(name: str, folder: str | None = None) -> Any:
    """One HTS revision as the ``hts_lines`` frame (columns of :data:`usmca.data.loaders.hts.HTS_COLUMNS`)."""
    import pandas as pd  # noqa: PLC0415

    from usmca.data.loaders.hts import HTS_COLUMNS  # noqa: PLC0415

    meta = provenance(name, folder)
    df = _read_csv(name, HTS_TYPES, folder)
    df["revision"] = meta["revision"]
    for col in ("effective_from", "effective_to"):   # same unit as parse_hts_records (a date -> seconds)
        day = meta.get(col)
        df[col] = pd.Timestamp(dt.date.fromisoformat(day)) if day else pd.NaT
    return df[list(HTS_COLUMNS)]


def _hts_text(name: str, folder: str | None) -> str:
    """The verified text of HTS file ``name``, kept while the file is unchanged (its path, size and time)."""
    path = Path(folder or PACKAGE_DIR) / name
    try:
        st = path.stat()
    except OSError:
        read_verified(name, folder)   # raises the error naming the file
        raise
    return _hts_text_of(name, str(path.parent), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _hts_text_of(name: str, folder: str, size: int, mtime_ns: int) -> str:
    path = Path(folder) / name
    try:
        text = read_verified(name, folder).decode("utf-8")
    except UnicodeDecodeError:
        raise _bad(path, "unreadable CSV (not UTF-8)") from None
    header = text[:text.find("\n")].split(",")
    if header != list(HTS_TYPES):
        raise _bad(path, f"columns {header} differ from {list(HTS_TYPES)}")
    return text


def hts_rows_with_prefix(name: str, prefix: str, folder: str | None = None) -> list[dict[str, str]]:
    """The rows of HTS file ``name`` whose code starts with ``prefix`` (digits), in file order, as
    the raw text of each column (the CSV cells :func:`hts_revision_frame` parses).

    For one line (``usmca tariffs duty``), without parsing the whole file into a frame (start-up
    time, issue 10): the file is checked against its sidecar as :func:`read_verified` does, then
    the rows are found by searching the text for ``\n<prefix>``; a match is a row only where it
    lies outside every quoted cell (an even number of ``"`` before it: a description may hold a
    line break).
    """
    import csv  # noqa: PLC0415

    text = _hts_text(name, folder)
    needle = "\n" + prefix
    out: list[dict[str, str]] = []
    cols = list(HTS_TYPES)
    quotes, last, at = 0, 0, text.find(needle)
    while at >= 0:
        quotes += text.count('"', last, at)
        last = at
        if quotes % 2 == 0:
            end = text.find("\n", at + 1)
            while end >= 0 and text.count('"', at + 1, end) % 2:   # a quoted cell holds a line break
                end = text.find("\n", end + 1)
            cells = next(csv.reader(io.StringIO(text[at + 1:end if end >= 0 else len(text)])), None)
            if not cells:   # the end of the text or a blank line (pandas skips those)
                at = text.find(needle, at + 1)
                continue
            if len(cells) != len(cols):
                raise _bad(Path(folder or PACKAGE_DIR) / name, f"a row of {len(cells)} cells: {cells[:2]}")
            out.append(dict(zip(cols, cells, strict=True)))
        at = text.find(needle, at + 1)
    return out


@functools.lru_cache(maxsize=1)
def package_flows() -> Any:
    """The shipped flows (``hts10, partner, month, value, usmca_value``; USMCA value capped at the value).

    Values are floats, as :func:`usmca.data.loaders.flows.read_share_file` gives them, in the
    order of the monthly source files (month, then HTS10, then partner), so that sums equal those
    of the source files bit for bit.
    """
    df = _read_csv(FLOWS_FILE, FLOW_TYPES)
    value = df["value"].astype("float64")
    df["value"] = value
    df["usmca_value"] = df["usmca_value"].astype("float64").clip(upper=value)
    return df


@functools.lru_cache(maxsize=2)
def _observed(shared: str) -> tuple[Any, dict[str, Any]]:
    if shared:
        folder = Path(shared) / "us_tariffs" / "yale_tariff_rate_tracker" / "usmca_product_shares"
        files = sorted(folder.glob("usmca_product_shares_20??_??.csv"))
        if files:
            import pandas as pd  # noqa: PLC0415

            from usmca.data.loaders.flows import read_share_file  # noqa: PLC0415

            df = pd.concat([read_share_file(f) for f in files], ignore_index=True)
            df = df[df["value"] > 0].reset_index(drop=True)
            months = sorted(df["month"].unique())
            src = "shared:usmca_product_shares (USITC DataWeb via Budget Lab)"
            return df, {"kind": "shared", "source": src, "folder": str(folder),
                        "months": [str(months[0]), str(months[-1])], "url": "https://dataweb.usitc.gov/"}
    meta = provenance(FLOWS_FILE)
    src = "package (USITC DataWeb via Budget Lab)"
    return package_flows(), {"kind": "package", "source": src, "file": FLOWS_FILE, "months": list(meta["months"]),
                             "url": meta["source"]["url"]}


def observed_flows() -> tuple[Any, dict[str, Any]]:
    """The observed flows from Canada and Mexico and where they came from.

    ``$USMCA_SHARED_DATA``'s monthly DataWeb files when that variable names a folder holding them,
    else the package file. Returns ``(frame, data_source)``; ``data_source`` has ``kind``
    (``shared`` or ``package``), ``source`` (one line), ``months`` (first and last) and ``url``.
    """
    from usmca.paths import explicit_shared_data_dir  # noqa: PLC0415

    shared = explicit_shared_data_dir()
    return _observed(str(shared) if shared else "")


def data_line(flows: dict[str, Any] | None, schedule: dict[str, Any] | None) -> str:
    """One line saying which data an answer used: ``data: flows A..B from SRC; HTS R1, R2 from SRC``."""
    parts = []
    if flows:
        parts.append(f"flows {'..'.join(flows.get('months') or [])} from {flows['source']}")
    if schedule:
        parts.append(f"HTS {', '.join(schedule.get('revisions') or [])} from {schedule['source']}")
    return "data: " + "; ".join(parts)

