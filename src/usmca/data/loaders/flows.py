"""Flow tables (HTS10 x partner x month, customs value, USMCA-claimed value) for the ETR engine.

Sources, in order: the store table ``flows`` (written by the DataWeb and Census loaders), else the
DataWeb-derived monthly files in ``$USMCA_SHARED_DATA``
(``yale_tariff_rate_tracker/usmca_product_shares/usmca_product_shares_YYYY_MM.csv``: imports for
consumption, customs value, special program indicator S/S+; USITC DataWeb via Budget Lab at Yale),
else the same facts shipped in the package (:mod:`usmca.data.package`).
Census partner codes: Schedule C (https://www.census.gov/foreign-trade/schedules/c/countrycode.html).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from usmca.errors import UserInputError
from usmca.law.countries import unknown_countries
from usmca.limits import MAX_TABLE_BYTES, regular_file

from ._checks import check_codes, check_numeric, require_columns

__all__ = ["read_share_file", "read_flow_csv", "shared_flows", "load_flows", "CENSUS_TO_ISO2"]

# Census Schedule C codes of the USMCA partners (the monthly share files cover only these two)
CENSUS_TO_ISO2 = {"1220": "CA", "2010": "MX"}
_SHARE_COLS = ("hts10", "cty_code", "total_value", "usmca_value")


def read_share_file(path: str | Path) -> pd.DataFrame:
    """One ``usmca_product_shares_YYYY_MM.csv`` -> flows (``hts10, partner, month, value, usmca_value``)."""
    p = Path(path)
    m = re.search(r"(\d{4})_(\d{2})\.csv$", p.name)
    if not m:
        raise UserInputError(p.name, "", p.name, "expected a monthly file named ..._YYYY_MM.csv")
    df = pd.read_csv(regular_file(p, "flow file", MAX_TABLE_BYTES), dtype=str, keep_default_na=False)
    require_columns(df, _SHARE_COLS, p.name)
    hts = check_codes(df, "hts10", p.name, (10,))
    value = check_numeric(df, "total_value", p.name)
    claimed = check_numeric(df, "usmca_value", p.name)
    partner = df["cty_code"].str.strip().map(CENSUS_TO_ISO2)
    if partner.isna().any():
        i = int(partner.isna().to_numpy().nonzero()[0][0])
        raise UserInputError(p.name, f"line {i + 2} column 'cty_code'", df["cty_code"].iloc[i],
                             "not Canada (1220) or Mexico (2010)")
    return pd.DataFrame({"hts10": hts.to_numpy(), "partner": partner.to_numpy(), "month": f"{m.group(1)}-{m.group(2)}",
                         "value": value, "usmca_value": claimed.clip(max=value)})


def _all_shared() -> pd.DataFrame:
    """The observed monthly flows: ``$USMCA_SHARED_DATA``'s DataWeb files, else the package's copy
    (:func:`usmca.data.package.observed_flows`, which says which)."""
    from usmca.data.package import observed_flows  # noqa: PLC0415

    return observed_flows()[0]


def shared_flows(partner: str | None = None, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """The observed monthly flows (see :func:`_all_shared`), filtered by partner (ISO2) and month range ``YYYY-MM``."""
    df = _all_shared()
    mask = pd.Series(True, index=df.index)
    if partner:
        mask &= df["partner"] == partner
    if start:
        mask &= df["month"] >= start
    if end:
        mask &= df["month"] <= end
    return df[mask].reset_index(drop=True)


def load_flows(con, partner: str | None = None, start: str | None = None, end: str | None = None) -> pd.DataFrame | None:  # noqa: ANN001
    """Flows from the store table ``flows`` (None when the store has none)."""
    has = con.execute("select count(*) from information_schema.tables where table_name = 'flows'").fetchall()[0][0]
    if not has:
        return None
    cols = {r[0] for r in con.execute("select column_name from information_schema.columns where table_name = 'flows'").fetchall()}
    extra = ", calculated_duties" if "calculated_duties" in cols else ""
    q = f"select hts10, partner, month, value, usmca_value{extra} from flows where 1=1"
    args: list = []
    if partner:
        q += " and partner = ?"
        args.append(partner)
    if start:
        q += " and month >= ?"
        args.append(start)
    if end:
        q += " and month <= ?"
        args.append(end)
    df = con.execute(q, args).df()
    return df if len(df) else None


def read_flow_csv(path: str | Path) -> pd.DataFrame:
    """A flow CSV with the columns ``hts10, partner, month, value, usmca_value`` (validated).

    Read whole, so capped at :data:`usmca.limits.MAX_TABLE_BYTES` before reading.
    """
    p = regular_file(path, "flow CSV", MAX_TABLE_BYTES)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise UserInputError(p.name, "", None, "the CSV is empty (no header line)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UserInputError(p.name, "", None, f"not a readable CSV: {exc}") from None
    require_columns(df, ("hts10", "partner", "month", "value", "usmca_value"), p.name)
    hts = check_codes(df, "hts10", p.name, (10,))
    value = check_numeric(df, "value", p.name)
    claimed = check_numeric(df, "usmca_value", p.name)
    bad = claimed > value
    if bad.any():
        i = int(bad.nonzero()[0][0])
        raise UserInputError(p.name, f"line {i + 2} column 'usmca_value'", df["usmca_value"].iloc[i], "exceeds value")
    months = df["month"].str.strip()
    okm = months.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if not okm.all():
        i = int((~okm).to_numpy().nonzero()[0][0])
        raise UserInputError(p.name, f"line {i + 2} column 'month'", df["month"].iloc[i], "a month is YYYY-MM")
    partner = df["partner"].str.strip().str.upper()
    badp = unknown_countries(partner.to_numpy())
    if badp.any():
        i = int(badp.nonzero()[0][0])
        raise UserInputError(p.name, f"line {i + 2} column 'partner'", df["partner"].iloc[i],
                             "not an ISO 3166-1 alpha-2 country code")
    return pd.DataFrame({"hts10": hts.to_numpy(), "partner": partner.to_numpy(), "month": months.to_numpy(),
                         "value": value, "usmca_value": claimed})
