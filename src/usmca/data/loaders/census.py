"""Census international trade API client (imports by HS) and loader into the store.

Endpoint ``https://api.census.gov/data/timeseries/intltrade/imports/hs``. The response is a JSON
array of arrays whose first row names the variables, e.g.::

    [["CTY_CODE","CTY_NAME","I_COMMODITY","CON_VAL_MO","CAL_DUT_MO","time","COMM_LVL"],
     ["2010","MEXICO","8703230190","123456789","0","2025-01","HS10"], ...]

``CON_VAL_MO`` is the customs value of imports for consumption, ``CAL_DUT_MO`` the calculated duty
(Census's estimate from entry lines), both USD for the month. The client uses ``urllib`` only when
called; tests pass an ``opener`` that replays recorded responses. Documentation:
https://www.census.gov/foreign-trade/reference/guides/Guide_to_International_Trade_Datasets.pdf
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

__all__ = ["CensusClient", "parse_census_response", "load_census", "collected_rates", "CENSUS_URL", "CENSUS_VARIABLES"]

CENSUS_URL = "https://api.census.gov/data/timeseries/intltrade/imports/hs"
CENSUS_VARIABLES = ("CTY_CODE", "CTY_NAME", "I_COMMODITY", "CON_VAL_MO", "CAL_DUT_MO")


def parse_census_response(body: bytes | str, source: str = "census api") -> pd.DataFrame:
    """Validate a response and return ``cty_code, cty_name, hts, month, customs_value, calculated_duty``."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise UserInputError(source, f"line {exc.lineno} column {exc.colno}", None, f"not JSON: {exc.msg}") from None
    if not isinstance(data, list) or not data or not isinstance(data[0], list):
        raise UserInputError(source, "row 0", str(data)[:60], "expected an array of arrays with a header row")
    header = [str(h) for h in data[0]]
    need = ("CTY_CODE", "I_COMMODITY", "CON_VAL_MO", "time")
    for col in need:
        if col not in header:
            raise UserInputError(source, f"row 0 column {col!r}", header, "variable missing from the response")
    width = len(header)
    for i, row in enumerate(data[1:], start=1):
        if not isinstance(row, list) or len(row) != width:
            raise UserInputError(source, f"row {i}", row, f"expected {width} values like the header")
    df = pd.DataFrame(data[1:], columns=header)
    out = pd.DataFrame({"cty_code": df["CTY_CODE"].astype(str),
                        "cty_name": df.get("CTY_NAME", pd.Series("", index=df.index)).astype(str),
                        "hts": df["I_COMMODITY"].astype(str), "month": df["time"].astype(str)})
    for src, dst in (("CON_VAL_MO", "customs_value"), ("CAL_DUT_MO", "calculated_duty")):
        if src not in df.columns:
            out[dst] = np.nan
            continue
        vals = pd.to_numeric(df[src], errors="coerce")
        bad = vals.isna() | (vals < 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise UserInputError(source, f"row {i + 1} column {src!r}", df[src].iloc[i], "expected a number >= 0")
        out[dst] = vals.to_numpy(dtype=float)
    return out


@dataclass
class CensusClient:
    """A small HTTP client for the Census imports endpoint.

    Parameters
    ----------
    key
        Census API key (optional for small queries).
    opener
        ``callable(url, timeout) -> bytes``; default uses :func:`urllib.request.urlopen`.
    """

    key: str | None = None
    base_url: str = CENSUS_URL
    timeout: float = 60.0
    opener: Callable[[str, float], bytes] | None = None

    def url(self, month: str, cty_code: str | None = None, level: str = "HS10") -> str:
        """The query URL for one month (``YYYY-MM``), optionally one partner."""
        params: dict[str, str] = {"get": ",".join(CENSUS_VARIABLES), "time": month, "COMM_LVL": level}
        if cty_code:
            params["CTY_CODE"] = cty_code
        if self.key:
            params["key"] = self.key
        return f"{self.base_url}?{urllib.parse.urlencode(params, safe=',')}"

    def fetch(self, month: str, cty_code: str | None = None, level: str = "HS10") -> pd.DataFrame:
        """Imports for one month; HTTP errors and bad bodies raise :class:`UserInputError`."""
        url = self.url(month, cty_code, level)
        try:
            body = (self.opener or _urlopen)(url, self.timeout)
        except urllib.error.HTTPError as exc:
            raise UserInputError("census api", "HTTP", exc.code, f"request refused: {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise UserInputError("census api", "network", str(exc.reason), "the Census API is unreachable") from None
        except OSError as exc:  # timeouts and connection resets are not always URLError
            raise UserInputError("census api", "network", type(exc).__name__, "the Census API is unreachable") from None
        if not body or not body.strip():
            return pd.DataFrame(columns=["cty_code", "cty_name", "hts", "month", "customs_value", "calculated_duty"])
        return parse_census_response(body, f"census api {month}")


def _urlopen(url: str, timeout: float) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "usmca-toolkit"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - https URL built above
        return resp.read()


def load_census(frame: pd.DataFrame, con: Any) -> int:
    """Upsert fetched rows into the table ``census_imports`` (key: cty_code, hts, month)."""
    con.execute("create table if not exists census_imports (cty_code varchar, cty_name varchar, hts varchar, "
                "month varchar, customs_value double, calculated_duty double)")
    con.register("_cen", frame)
    con.execute("delete from census_imports c using (select distinct cty_code, month from _cen) k "
                "where c.cty_code = k.cty_code and c.month = k.month")
    con.execute("insert into census_imports select cty_code, cty_name, hts, month, customs_value, calculated_duty from _cen")
    con.unregister("_cen")
    return int(len(frame))


def collected_rates(con: Any, *, by: tuple[str, ...] = ("cty_code", "month"), start: str | None = None,
                    end: str | None = None, level_digits: int | None = None) -> pd.DataFrame:
    """Collected effective rates from ``census_imports``: :math:`100 \\sum CAL\\_DUT / \\sum CON\\_VAL`.

    Dollars are summed over the group before dividing (research/trade-facts.md §5). Give
    ``level_digits`` (2, 4, 6 or 10) when several commodity levels were loaded, so that each
    dollar is counted once.
    """
    allowed = {"cty_code", "cty_name", "month", "year"}
    bad = [b for b in by if b not in allowed]
    if bad:
        raise UserInputError("by", "", bad[0], f"one of {sorted(allowed)}")
    cols = ", ".join("substr(month, 1, 4) as year" if b == "year" else b for b in by)
    where: list[str] = ["1=1"]
    args: list[Any] = []
    if start:
        where.append("month >= ?")
        args.append(start)
    if end:
        where.append("month <= ?")
        args.append(end)
    if level_digits:
        where.append("length(hts) = ?")
        args.append(int(level_digits))
    group = ", ".join(str(i + 1) for i in range(len(by)))
    q = (f"select {cols}, sum(customs_value) as customs_value, sum(calculated_duty) as calculated_duty "
         f"from census_imports where {' and '.join(where)} group by {group} order by {group}")
    df = con.execute(q, args).df()
    df["collected_etr"] = 100.0 * df["calculated_duty"] / df["customs_value"].where(df["customs_value"] > 0)
    return df
