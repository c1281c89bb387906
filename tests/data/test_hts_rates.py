"""Parsing of HTS rate texts and the ad valorem equivalent."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from usmca.data.loaders.hts_rates import ave, parse_general, parse_special_usmca


@pytest.mark.parametrize("text, adv, spec, kind", [
    ("Free", 0.0, 0.0, "free"),
    ("2.5%", 2.5, 0.0, "ad_valorem"),
    ("1.9¢/kg", 0.0, 0.019, "specific"),
    ("2.5% + 1.9¢/kg", 2.5, 0.019, "compound"),
    ("$1.05/doz. + 4.9%", 4.9, 1.05, "compound"),
    ("10.6¢/kg + 26.2%", 26.2, 0.106, "compound"),
    ("The duty provided in the applicable subheading + 25%", 25.0, 0.0, "ad_valorem"),
])
def test_general_rates(text: str, adv: float, spec: float, kind: str) -> None:
    row = parse_general(pd.Series([text])).iloc[0]
    assert row["rate_type"] == kind
    assert row["adv_pct"] == pytest.approx(adv)
    assert row["specific_usd"] == pytest.approx(spec)


def test_blank_rate_is_none() -> None:
    row = parse_general(pd.Series([""])).iloc[0]
    assert row["rate_type"] == "none" and math.isnan(row["adv_pct"])


def test_ave_of_compound_duty() -> None:
    # 2.5% + 1.9 cents/kg at 1.90 USD/kg: 2.5 + 100 * 0.019 / 1.9 = 3.5 percent
    assert ave(np.array([2.5]), np.array([0.019]), 1.9)[0] == pytest.approx(3.5)
    assert math.isnan(ave(np.array([2.5]), np.array([0.019]), 0.0)[0])
    assert ave(np.array([2.5]), np.array([0.0]), 0.0)[0] == pytest.approx(2.5)


def test_special_column_usmca() -> None:
    out = parse_special_usmca(pd.Series(["Free (A+,AU,S, SG)", "Free (A,S+) 1.2% (KR)", "5% (S)", "Free (KR)", ""]))
    assert out["usmca_spi"].tolist() == ["S", "S+", "S", "", ""]
    assert out["usmca_text"].tolist() == ["Free", "Free", "5%", "", ""]
