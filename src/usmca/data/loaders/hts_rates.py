"""Rates of duty as printed in the HTS, parsed into numbers.

A column-1 rate is ``Free``, ad valorem (``2.5%``), specific (``1.9¢/kg``, ``$1.05/doz.``) or
compound (``2.5% + 1.9¢/kg``). For a line with ad valorem part :math:`a` (percent) and specific part
:math:`s` (USD per unit), the ad valorem equivalent at unit value :math:`u` (USD per unit) is

.. math:: \\mathrm{AVE} = a + 100\\, s / u .

Without a unit value the specific part cannot be expressed as a share of value: the line is
flagged (``rate_type`` ``specific`` or ``compound``) and only :math:`a` enters ad valorem sums.
The special column lists preference programs in parentheses (``Free (A+,AU,...,S,SG)``); ``S``
and ``S+`` are USMCA (HTSUS General Note 11).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["parse_general", "parse_special_usmca", "ave", "RATE_COLUMNS"]

RATE_COLUMNS = ("adv_pct", "specific_usd", "specific_unit", "rate_type")
_ADV = r"(\d+(?:\.\d+)?)\s*%"
_CENTS = r"(\d+(?:\.\d+)?)\s*¢\s*/\s*([A-Za-z0-9. ]+?)(?=\s*(?:\+|$|\(|on|of|less))"
_DOLLARS = r"\$\s*(\d+(?:\.\d+)?)\s*/\s*([A-Za-z0-9. ]+?)(?=\s*(?:\+|$|\(|on|of|less))"


def parse_general(text: pd.Series) -> pd.DataFrame:
    """Parse column-1 (or column-2) rate texts, vectorised.

    Parameters
    ----------
    text
        Rate texts (``""`` when the line prints no rate).

    Returns
    -------
    DataFrame
        ``adv_pct`` (sum of the ad valorem parts, percent; NaN when no rate), ``specific_usd``
        (first specific part in USD per unit, 0 when none), ``specific_unit`` and ``rate_type``:
        ``free``, ``ad_valorem``, ``specific``, ``compound``, ``other`` (text without a number, e.g.
        chapter 99 "The duty provided in the applicable subheading + 25%" counts as ad valorem
        additional) or ``none``.
    """
    t = text.fillna("").astype(str).str.replace("\u00a0", " ").str.strip()
    adv_parts = t.str.extractall(_ADV)[0].astype(float).groupby(level=0).sum()
    adv = pd.Series(np.nan, index=t.index)
    adv.loc[adv_parts.index] = adv_parts
    cents = t.str.extract(_CENTS)
    dollars = t.str.extract(_DOLLARS)
    spec = cents[0].astype(float) / 100.0
    spec = spec.fillna(dollars[0].astype(float))
    unit = cents[1].fillna(dollars[1]).str.strip()
    free = t.str.lower().str.startswith("free")
    has_adv = adv.notna()
    has_spec = spec.notna()
    rate_type = np.select(
        [t == "", free, has_adv & has_spec, has_spec, has_adv],
        ["none", "free", "compound", "specific", "ad_valorem"], default="other")
    adv = adv.where(~free, 0.0)
    adv = adv.where(has_adv | free | ~has_spec, 0.0)
    return pd.DataFrame({"adv_pct": adv, "specific_usd": spec.fillna(0.0), "specific_unit": unit.fillna(""),
                         "rate_type": rate_type}, index=t.index)


def parse_special_usmca(text: pd.Series) -> pd.DataFrame:
    """The USMCA rate of the special column, vectorised.

    Returns
    -------
    DataFrame
        ``usmca_spi`` (``S``, ``S+`` or ``""``) and ``usmca_text`` (the rate printed before the
        parenthesis that lists S/S+; ``""`` when the line lists neither).
    """
    t = text.fillna("").astype(str).str.replace("\u00a0", " ")
    groups = t.str.extractall(r"(?P<rate>[^()]*?)\s*\((?P<codes>[^)]*)\)")
    if groups.empty:
        return pd.DataFrame({"usmca_spi": "", "usmca_text": ""}, index=t.index)
    codes = groups["codes"].str.replace(" ", "").str.split(",")
    spi = codes.map(lambda cs: "S+" if "S+" in cs else ("S" if "S" in cs else ""))
    hit = groups.assign(spi=spi)[spi != ""]
    hit = hit[~hit.index.get_level_values(0).duplicated()]
    out = pd.DataFrame({"usmca_spi": "", "usmca_text": ""}, index=t.index)
    idx = hit.index.get_level_values(0)
    out.loc[idx, "usmca_spi"] = hit["spi"].to_numpy()
    out.loc[idx, "usmca_text"] = hit["rate"].str.strip().to_numpy()
    return out


def ave(adv_pct: np.ndarray, specific_usd: np.ndarray, unit_value: np.ndarray | float) -> np.ndarray:
    """Ad valorem equivalent in percent, :math:`a + 100 s / u`; NaN where ``u`` is not positive."""
    u = np.asarray(unit_value, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        spec = np.where(u > 0, 100.0 * np.asarray(specific_usd, dtype=float) / u, np.nan)
    spec = np.where(np.asarray(specific_usd, dtype=float) == 0, 0.0, spec)
    return np.asarray(adv_pct, dtype=float) + spec


