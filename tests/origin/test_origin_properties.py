"""Property tests (hypothesis): RVC bounds and monotonicity, roll-up, sourcing changes."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from bomgen import random_bom  # noqa: E402

from usmca.origin.rvc import rvc_net_cost, rvc_transaction_value  # noqa: E402

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e9"), places=2, allow_nan=False,
                    allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2, allow_nan=False,
                       allow_infinity=False)


@given(positive, money)
def test_rvc_is_at_most_100(base: Decimal, vnm: Decimal) -> None:
    assert rvc_transaction_value(base, vnm) <= 100
    assert rvc_net_cost(base, vnm) <= 100


@given(positive, money, money)
def test_rvc_is_monotone_decreasing_in_vnm(base: Decimal, a: Decimal, b: Decimal) -> None:
    lo, hi = min(a, b), max(a, b)
    assert rvc_transaction_value(base, lo) >= rvc_transaction_value(base, hi)
    assert rvc_net_cost(base, lo) >= rvc_net_cost(base, hi)
    if lo < hi:
        assert rvc_net_cost(base, lo) > rvc_net_cost(base, hi)


@given(positive)
def test_rvc_is_100_without_non_originating_materials(base: Decimal) -> None:
    assert rvc_transaction_value(base, 0) == 100


def _flat_vnm(bom: dict) -> Decimal:
    """VNM with no roll-up: every top-level material at full value, except acquired originating ones."""
    return sum((Decimal(repr(m["value"])) for m in bom["materials"]
                if not (m.get("origin") == "originating" and not m.get("materials"))), Decimal(0))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_rollup_never_raises_vnm(seed: int) -> None:
    from usmca.origin import qualify

    bom = random_bom(seed)
    r = qualify(bom)
    flat = _flat_vnm(bom)
    assert r.vnm["TV"] <= flat and r.vnm["NC"] <= flat


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=50))
def test_sourcing_a_material_as_originating_never_hurts(seed: int, pick: int) -> None:
    """Declaring one more top-level leaf originating never lowers RVC nor loses origin."""
    from usmca.origin import qualify

    bom = random_bom(seed)
    leaves = [m for m in bom["materials"] if "materials" not in m]
    if not leaves:
        return
    before = qualify(bom)
    leaves[pick % len(leaves)]["origin"] = "originating"
    after = qualify(bom)
    assert after.vnm["TV"] <= before.vnm["TV"] and after.vnm["NC"] <= before.vnm["NC"]
    if before.originating is True:
        assert after.originating is True
