"""Build the package data from the official files (``usmca data build-package-data``).

Inputs (in the shared data folder, ``../shared/data`` or ``$USMCA_SHARED_DATA``):

- ``us_tariffs/hts/hts_<year>_<edition>.json.gz``: the USITC HTS JSON exports (2025 Basic,
  2025 Revision 32, 2026 Basic, 2026 Revision 10), parsed by
  :func:`usmca.data.loaders.hts.parse_hts_records`;
- ``us_tariffs/yale_tariff_rate_tracker/usmca_product_shares/usmca_product_shares_YYYY_MM.csv``:
  USITC DataWeb imports for consumption by HTS10 from Canada (Census code 1220) and Mexico
  (2010), customs value and USMCA-claimed value, read by
  :func:`usmca.data.loaders.flows.read_share_file`; lines with zero value are dropped.

The output is deterministic: CSV with ``\\n`` line ends, gzip level 9 with a zero timestamp and
no file name, sidecars as sorted JSON. Nothing in a sidecar depends on the build time.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from usmca.errors import UserInputError

from . import FLOW_TYPES, FLOWS_FILE, HTS_FILES, HTS_TYPES, PACKAGE_DIR

__all__ = ["build_package_data", "HTS_SOURCES", "FLOW_SOURCE"]

COMMAND = "usmca data build-package-data"
_VIA_REPO = "https://github.com/arifshehab/tariff-rate-tracker (fork of https://github.com/Budget-Lab-Yale/tariff-rate-tracker)"
_VIA_COMMIT = "9919812fe16ad61d72318dc7b96d387cc6c226da"
_VIA_DATE = "2026-06-29"
_RETRIEVED = ("2026-06-29: the commit of the repository copy obtained (kept unchanged in shared/data/us_tariffs, "
              "whose README gives repository, commit and licence)")

#: Package file -> (revision, first day in force or None, input file, note on the date).
HTS_SOURCES: dict[str, tuple[str, str | None, str, str]] = {
    "hts_2025_basic.csv.gz": ("2025 Basic", "2025-01-01", "hts_2025_basic.json.gz",
                              "A Basic edition is in force from 1 January of its year (USITC, HTS Basic Edition)."),
    "hts_2025_rev_32.csv.gz": ("2025 Revision 32", None, "hts_2025_rev_32.json.gz",
                               "The export carries no effective date; load it with `usmca data load hts` and "
                               "--effective-from from the USITC revision notice to use it."),
    "hts_2026_basic.csv.gz": ("2026 Basic", "2026-01-01", "hts_2026_basic.json.gz",
                              "A Basic edition is in force from 1 January of its year (USITC, HTS Basic Edition)."),
    "hts_2026_rev_10.csv.gz": ("2026 Revision 10", None, "hts_2026_rev_10.json.gz",
                               "The export carries no effective date; load it with `usmca data load hts` and "
                               "--effective-from from the USITC revision notice to use it."),
}

FLOW_SOURCE = {
    "publisher": "U.S. International Trade Commission, DataWeb (U.S. Census Bureau statistics)",
    "url": "https://dataweb.usitc.gov/",
    "dataset": "U.S. imports for consumption, customs value, by HTS10, partner and month, with the value entered "
               "under special program indicator S/S+ (USMCA)",
    "obtained_via": _VIA_REPO,
    "obtained_via_commit": _VIA_COMMIT,
    "obtained_via_commit_date": _VIA_DATE,
    "retrieved": _RETRIEVED,
    "citation": "The Budget Lab at Yale, Tariff Rate Tracker (https://budgetlab.yale.edu/, "
                "https://github.com/Budget-Lab-Yale/tariff-rate-tracker)",
    "licence": "U.S. government statistics, public domain (17 U.S.C. 105); the repository through which they were "
               "obtained is MIT-licensed, Copyright (c) 2025-2026 The Budget Lab at Yale",
}


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(out: Path, name: str, frame: Any, meta: dict[str, Any]) -> dict[str, Any]:
    body = _gz(frame.to_csv(index=False, lineterminator="\n"))
    (out / name).write_bytes(body)
    meta = {**meta, "file": name, "rows": int(len(frame)), "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(), "built_by": COMMAND}
    (out / f"{name}.provenance.json").write_text(json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
    return meta


def _hts(shared: Path, out: Path) -> list[dict[str, Any]]:
    from usmca.data.loaders.hts import parse_hts_records, read_hts_json  # noqa: PLC0415

    metas = []
    for name in HTS_FILES:
        revision, start, source, note = HTS_SOURCES[name]
        src = shared / "us_tariffs" / "hts" / source
        if not src.is_file():
            raise UserInputError("--shared", "", str(src), "missing official HTS export")
        day = dt.date.fromisoformat(start) if start else dt.date(int(revision[:4]), 1, 1)
        frame = parse_hts_records(read_hts_json(src), revision, day)[list(HTS_TYPES)]
        end = dt.date(day.year, 12, 31).isoformat() if start else None
        metas.append(_write(out, name, frame, {
            "title": f"Harmonized Tariff Schedule of the United States, {revision}",
            "revision": revision, "effective_from": start, "effective_to": end, "effective_note": note,
            "columns": {c: HTS_COLUMN_DOC[c] for c in HTS_TYPES},
            "source": {"publisher": "U.S. International Trade Commission", "url": "https://hts.usitc.gov/",
                       "export": "https://hts.usitc.gov/reststop/exportList (JSON)", "release": revision,
                       "input_file": f"us_tariffs/hts/{source}", "input_sha256": _sha(src),
                       "obtained_via": f"{_VIA_REPO}, data/hts_archives/", "obtained_via_commit": _VIA_COMMIT,
                       "obtained_via_commit_date": _VIA_DATE, "retrieved": _RETRIEVED,
                       "licence": "U.S. government work, public domain (17 U.S.C. 105)"},
        }))
    return metas


def _flows(shared: Path, out: Path) -> dict[str, Any]:
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415

    from usmca.data.loaders.flows import read_share_file  # noqa: PLC0415

    folder = shared / "us_tariffs" / "yale_tariff_rate_tracker" / "usmca_product_shares"
    files = sorted(folder.glob("usmca_product_shares_20??_??.csv"))
    if not files:
        raise UserInputError("--shared", "", str(folder), "no monthly DataWeb files usmca_product_shares_YYYY_MM.csv")
    df = pd.concat([read_share_file(f) for f in files], ignore_index=True)
    df = df[df["value"] > 0].reset_index(drop=True)
    for col in ("value", "usmca_value"):
        v = df[col].to_numpy()
        if not np.array_equal(v, np.round(v)):
            raise UserInputError(str(folder), col, None, "expected whole dollars")
        df[col] = v.astype("int64")
    months = sorted(df["month"].unique())
    return _write(out, FLOWS_FILE, df[list(FLOW_TYPES)], {
        "title": "U.S. imports for consumption from Canada and Mexico by HTS10 and month, with the USMCA-claimed value",
        "months": [str(months[0]), str(months[-1])], "partners": ["CA", "MX"],
        "columns": {"hts10": "HTS statistical reporting number (10 digits)",
                    "partner": "ISO 3166-1 alpha-2 (Census Schedule C 1220 -> CA, 2010 -> MX)",
                    "month": "YYYY-MM", "value": "customs value, USD (imports for consumption)",
                    "usmca_value": "customs value entered under special program indicator S/S+ (USMCA), USD, "
                                   "capped at the value"},
        "source": {**FLOW_SOURCE, "input_files": [f"us_tariffs/yale_tariff_rate_tracker/usmca_product_shares/{f.name}"
                                                  for f in files],
                   "input_sha256": {f.name: _sha(f) for f in files}},
        "processing": "lines with zero customs value dropped; order of the monthly files kept",
    })


HTS_COLUMN_DOC = {
    "hts": "HTS number, digits only", "htsno": "HTS number as printed", "indent": "indent level of the line",
    "description": "article description", "general": "column 1 general rate (text)",
    "special": "column 1 special rates (text; program S = USMCA)", "other": "column 2 rate (text)",
    "adv_pct": "general rate, ad valorem part, percent", "specific_usd": "general rate, specific part, USD per unit",
    "specific_unit": "unit of the specific part", "rate_type": "free, ad_valorem, specific, compound or none",
    "usmca_spi": "USMCA special program indicator found in the special rates (S, S+ or empty)",
    "usmca_text": "the USMCA rate text", "usmca_adv_pct": "USMCA rate, ad valorem, percent",
    "inherited": "a 10-digit line that prints no rate and takes its 8-digit subheading's rates",
    "chapter99": "a chapter 99 line", "footnotes": "footnotes, joined by ' | '",
}


def build_package_data(shared: Path, out: Path | None = None) -> list[dict[str, Any]]:
    """Build every package file from ``shared`` into ``out`` (default: the package folder).

    Returns the provenance of each file written.
    """
    target = Path(out) if out is not None else PACKAGE_DIR
    if not target.is_dir():
        raise UserInputError("--out", "", str(target), "not a folder")
    return [*_hts(shared, target), _flows(shared, target)]
