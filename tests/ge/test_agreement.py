"""The agreement's PPML trade effect: cited package data, rebuilt from the panel, validated."""

from __future__ import annotations

import json

import numpy as np
import pytest

from usmca.errors import UserInputError
from usmca.ge.agreement import AGREEMENT_PATH, estimate_agreement_effect, load_agreement_effect, log_trade_cost


def test_packaged_estimate_is_cited_and_positive() -> None:
    d = load_agreement_effect()
    assert d["coefficient"] > 0 and d["se"] > 0 and d["sigma"] > 1
    assert d["url"].startswith("https://") and "PPML" in d["specification"] and d["nobs"] > 0


def test_trade_cost_nets_out_the_preference_margin() -> None:
    share = np.zeros((2, 2, 1))
    share[0, 1, 0] = 1.0
    margin = np.full((2, 2, 1), 0.05)
    out = log_trade_cost(share, margin, np.array([0.6, 0.0]), 7.0)
    assert out[0, 0, 1, 0] == pytest.approx(0.1 - 0.05)
    assert out[1, 0, 1, 0] == 0.0 and out[0, 1, 0, 0] == 0.0     # floored at zero; unselected cells untouched


def test_rebuild_matches_the_packaged_estimate(shared_data) -> None:
    new = estimate_agreement_effect(shared_data)
    old = json.loads(AGREEMENT_PATH.read_text())
    assert new["coefficient"] == pytest.approx(old["coefficient"], abs=1e-5)
    assert new["se"] == pytest.approx(old["se"], abs=1e-5)


@pytest.mark.parametrize("field, value", [("se", -0.1), ("coefficient", float("nan")), ("sigma", 1.0),
                                          ("url", "none")])
def test_bad_agreement_file_is_a_user_error(tmp_path, field, value) -> None:
    d = json.loads(AGREEMENT_PATH.read_text())
    d[field] = value
    p = tmp_path / "a.json"
    p.write_text(json.dumps(d))
    with pytest.raises(UserInputError) as e:
        load_agreement_effect(p)
    assert e.value.field == field
