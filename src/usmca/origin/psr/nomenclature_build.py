"""Build the packaged HS nomenclature (HS6 subheadings) from the USITC HTS JSON exports.

The Harmonized System is the international six-digit nomenclature (WCO HS Convention, Art. 3):
the first six digits of an HTSUS, Mexican TIGIE or Canadian Customs Tariff line are the same HS
subheading in all three USMCA countries, so an HS6 list read from the HTSUS is the list of valid
subheadings for every party. The USITC publishes each HTS revision as JSON (public domain,
17 U.S.C. 105); every revision of the HS 2022 edition's years lists the same subheadings, up to
lines the export omits, so the union of the revisions read is the edition's list.

Output (package data, ``origin/psr/nomenclature/``):

* ``hs2022_hs6.csv``: one column ``hs6`` (digits), chapters 01-97 only (chapters 98 and 99 are
  US national provisions, not HS);
* ``provenance.yaml``: the edition, the period it is in force, and every file read (name, SHA-256,
  number of subheadings, URL of the USITC release).

Command: ``usmca data hs-nomenclature --build`` (reads ``shared/data/us_tariffs/hts``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

__all__ = ["PACKAGE_DIR", "EDITION", "build_nomenclature", "hs6_of_export"]

PACKAGE_DIR = Path(__file__).resolve().parent / "nomenclature"
#: The HS edition the packaged list is, with the dates it is in force (WCO, HS Convention Art. 16
#: recommendations of 2019 / 2024). These dates are facts about the data set, cited in the sidecar.
EDITION = {
    "edition": "HS 2022",
    "in_force_from": "2022-01-01",
    "in_force_until": "2027-12-31",
    "reference": {
        "instrument": "WCO Harmonized System Nomenclature, 2022 edition (HS 2022); HTSUS as amended by "
                      "Proclamation 10326 (HS 2022 changes effective 2022-01-01)",
        "url": "https://www.wcoomd.org/en/topics/nomenclature/instrument-and-tools/hs-nomenclature-2022-edition.aspx",
        "note": "HS 2028 enters into force on 2028-01-01 (WCO Council recommendation of 2024); it is not packaged.",
    },
}
_RELEASE_URL = "https://hts.usitc.gov/ (USITC HTS archive, JSON export of the revision named by the file)"
_DIGITS = re.compile(r"\D")


def hs6_of_export(path: Path) -> set[str]:
    """HS6 subheadings (digits) of one USITC HTS JSON export (``.json`` or ``.json.gz``).

    A line's ``htsno`` of at least six digits contributes its first six; chapters 98-99 are dropped.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        rows = json.load(fh)
    out = set()
    for r in rows:
        d = _DIGITS.sub("", str(r.get("htsno") or ""))
        if len(d) >= 6 and "01" <= d[:2] <= "97":
            out.add(d[:6])
    return out


def build_nomenclature(hts_dir: Path, out: Path | None = None) -> dict[str, Any]:
    """Write ``hs2022_hs6.csv`` and ``provenance.yaml`` from every HTS JSON export in ``hts_dir``.

    Parameters
    ----------
    hts_dir
        Folder of USITC HTS JSON exports (``hts_YYYY_*.json[.gz]``) of the HS 2022 years.
    out
        Target folder (default: the package's ``nomenclature`` folder).

    Returns
    -------
    dict
        The provenance written (files read, subheading counts).
    """
    target = out or PACKAGE_DIR
    files = sorted(p for p in hts_dir.glob("hts_*.json*") if p.is_file())
    if not files:
        raise FileNotFoundError(f"no HTS JSON export (hts_*.json[.gz]) in {hts_dir}")
    union: set[str] = set()
    read = []
    for f in files:
        codes = hs6_of_export(f)
        union |= codes
        read.append({"file": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest(),
                     "hs6_subheadings": len(codes), "source": _RELEASE_URL})
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "hs2022_hs6.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("hs6\n" + "".join(f"{c}\n" for c in sorted(union)))
    prov = {**EDITION, "hs6_subheadings": len(union), "built": dt.date.today().isoformat(),
            "built_by": "usmca data hs-nomenclature --build (usmca.origin.psr.nomenclature_build)",
            "method": "union of the HS6 prefixes of every line of the HTS revisions read, chapters 01-97",
            "files": read}
    with open(target / "provenance.yaml", "w", encoding="utf-8") as fh:
        fh.write("# Provenance of hs2022_hs6.csv (generated; do not edit by hand).\n")
        yaml.safe_dump(prov, fh, sort_keys=False, width=110)
    return prov
