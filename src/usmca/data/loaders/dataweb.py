"""USITC DataWeb exports (imports for consumption) into the store: tables ``dataweb`` and ``flows``.

DataWeb (https://dataweb.usitc.gov/) exports a query as CSV: one row per country x HTS number x
period with the measures chosen ("Customs Value", "Calculated Duties"), and, when the query is
broken down by program, a "Special Import Program" column (``S``/``S+`` = USMCA). Header names
are matched case-insensitively to these fields:

=================  =============================================================
field              accepted headers
=================  =============================================================
country            Country, Country Name
hts10              HTS Number, HTS10, HTS Code, Commodity
year               Year
month              Month (1-12 or a month name); absent for annual queries
customs_value      Customs Value, Customs Value (USD), General Customs Value
calculated_duties  Calculated Duties (optional)
program            Special Import Program, Rate Provision/SPI, CSC (optional)
=================  =============================================================

The export is read whole, so it is capped at :data:`usmca.limits.MAX_TABLE_BYTES` (about 1.5
million rows; split a larger query by year). Values may carry thousands separators.
A bad cell raises :class:`UserInputError` naming the line
and column. Rows of programs S/S+ make ``usmca_value`` in the flow table.
"""

from __future__ import annotations

import calendar
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from usmca.errors import UserInputError
from usmca.limits import MAX_TABLE_BYTES, regular_file

from ._checks import check_codes, check_numeric

__all__ = ["read_dataweb", "load_dataweb", "COUNTRY_ISO2"]

_FIELDS = {
    "country": ("country", "country name"),
    "hts10": ("hts number", "hts10", "hts code", "commodity"),
    "year": ("year",),
    "month": ("month",),
    "customs_value": ("customs value", "customs value (usd)", "general customs value"),
    "calculated_duties": ("calculated duties", "calculated duties (usd)"),
    "program": ("special import program", "rate provision/spi", "csc", "special program indicator"),
}
_REQUIRED = ("country", "hts10", "year", "customs_value")
# DataWeb country names of the partners the toolkit reports on (ISO 3166-1 alpha-2)
COUNTRY_ISO2 = {"canada": "CA", "mexico": "MX", "china": "CN", "japan": "JP", "germany": "DE",
                "korea, south": "KR", "south korea": "KR", "vietnam": "VN", "taiwan": "TW", "india": "IN",
                "united kingdom": "GB", "european union": "EU", "european union (eu)": "EU"}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | \
          {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}


def read_dataweb(path: str | Path) -> pd.DataFrame:
    """Read and validate a DataWeb CSV export.

    Returns
    -------
    DataFrame
        ``country, partner, hts10, month (YYYY-MM or YYYY), customs_value, calculated_duties,
        program, usmca`` (bool: program S or S+).
    """
    p = regular_file(path, "DataWeb export", MAX_TABLE_BYTES)
    header_line, df = _read(p)
    cols = {c.strip().lower(): c for c in df.columns}
    found: dict[str, str] = {}
    for field, names in _FIELDS.items():
        for n in names:
            if n in cols:
                found[field] = cols[n]
                break
    for field in _REQUIRED:
        if field not in found:
            raise UserInputError(p.name, f"line {header_line} column {field!r}", list(df.columns)[:8],
                                 f"a DataWeb export needs a {field} column ({' / '.join(_FIELDS[field])})")
    h = header_line
    hts = check_codes(df, found["hts10"], p.name, (2, 4, 6, 8, 10), header_lines=h)
    year = check_numeric(df, found["year"], p.name, header_lines=h, minimum=1989).astype(int)
    value = check_numeric(df, found["customs_value"], p.name, header_lines=h)
    duties = check_numeric(df, found["calculated_duties"], p.name, header_lines=h) \
        if "calculated_duties" in found else np.full(len(df), np.nan)
    if "month" in found:
        raw = df[found["month"]].astype(str).str.strip().str.lower()
        num = pd.to_numeric(raw, errors="coerce").fillna(raw.map(_MONTHS))
        bad = num.isna() | (num < 1) | (num > 12)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise UserInputError(p.name, f"line {i + h + 1} column {found['month']!r}", df[found["month"]].iloc[i],
                                 "a month is 1-12 or a month name")
        month = pd.Series(year).astype(str) + "-" + num.astype(int).map("{:02d}".format).to_numpy()
    else:
        month = pd.Series(year).astype(str)
    country = df[found["country"]].astype(str).str.strip()
    program = df[found["program"]].astype(str).str.strip() if "program" in found else pd.Series("", index=df.index)
    usmca = program.str.upper().str.replace(" ", "").str.fullmatch(r"S\+?|S\+?:.*|.*\(S\+?\).*")
    return pd.DataFrame({"country": country.to_numpy(), "partner": country.str.lower().map(COUNTRY_ISO2).fillna("").to_numpy(),
                         "hts10": hts.to_numpy(), "month": month.to_numpy(), "customs_value": value,
                         "calculated_duties": duties, "program": program.to_numpy(), "usmca": usmca.fillna(False).to_numpy()})


def _read(p: Path) -> tuple[int, pd.DataFrame]:
    """Skip DataWeb's title lines: the header is the first line naming a country column."""
    try:
        with open(p, encoding="utf-8-sig") as fh:
            lines = [line for _, line in zip(range(30), fh, strict=False)]
    except UnicodeDecodeError:
        raise UserInputError(p.name, "", None, "not UTF-8 text (export the query as CSV)") from None
    for i, line in enumerate(lines):
        if "country" in line.lower() and "," in line:
            try:
                df = pd.read_csv(p, dtype=str, keep_default_na=False, skiprows=i, encoding="utf-8-sig")
            except (pd.errors.ParserError, UnicodeDecodeError) as exc:
                raise UserInputError(p.name, "", None, f"not a readable CSV: {str(exc)[:120]}") from None
            return i + 1, df
    raise UserInputError(p.name, "line 1", lines[0][:60] if lines else "", "no header line with a Country column")


def load_dataweb(path: str | Path, con: Any) -> dict[str, Any]:
    """Append an export to ``dataweb`` and rebuild ``flows`` (HTS10 x partner x month) from it."""
    df = read_dataweb(path)
    con.execute("create table if not exists dataweb (country varchar, partner varchar, hts10 varchar, month varchar, "
                "customs_value double, calculated_duties double, program varchar, usmca boolean, source varchar)")
    con.register("_dw", df.assign(source=Path(path).name))
    con.execute("delete from dataweb where source = ?", [Path(path).name])
    con.execute("insert into dataweb select country, partner, hts10, month, customs_value, calculated_duties, program, "
                "usmca, source from _dw")
    con.unregister("_dw")
    con.execute("""create or replace table flows as
        select hts10, partner, month, sum(customs_value) as value,
               sum(case when usmca then customs_value else 0 end) as usmca_value,
               sum(calculated_duties) as calculated_duties
        from dataweb where length(hts10) = 10 and length(month) = 7 and partner <> ''
        group by hts10, partner, month""")
    n = con.execute("select count(*) from flows").fetchall()[0][0]
    return {"rows": int(len(df)), "flows_rows": int(n),
            "unmapped_countries": sorted(set(df.loc[df["partner"] == "", "country"]))[:10]}
