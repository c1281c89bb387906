"""The numpy portfolio path agrees with the exact Decimal engine (status, VNM, RVC, ledger)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bomgen import random_bom  # noqa: E402


@pytest.fixture(scope="module")
def portfolio():
    from usmca.law import default_tree
    from usmca.origin.bom import parse_bom
    from usmca.origin.portfolio import compile_boms, qualify_many
    from usmca.origin.qualify import make_context, qualify_bom

    tree = default_tree()
    ctx = make_context(tree, dt.date(2025, 3, 1))
    boms = [parse_bom(random_bom(seed)) for seed in range(600)]
    res, fallback = qualify_many(boms, ctx)
    exact = [qualify_bom(b, tree=tree) for b in boms]
    return boms, res, fallback, exact, compile_boms(boms, ctx)


def test_fast_path_covers_the_generated_portfolio(portfolio) -> None:
    boms, res, fallback, exact, _ = portfolio
    assert fallback == []
    statuses = set(res.status[: len(boms)].tolist())
    assert {0, 1} <= statuses  # both outcomes occur: the comparison below is not vacuous


def test_status_and_criterion_agree(portfolio) -> None:
    boms, res, _, exact, _ = portfolio
    for i, r in enumerate(exact):
        assert res.status[i] == {True: 1, False: 0, None: -1}[r.originating], i
        assert (res.criterion[i] or None) == r.criterion, i


def test_vnm_agrees(portfolio) -> None:
    boms, res, _, exact, _ = portfolio
    tv = np.array([float(r.vnm["TV"]) for r in exact])
    nc = np.array([float(r.vnm["NC"]) for r in exact])
    np.testing.assert_allclose(res.vnm_tv[: len(boms)], tv, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.vnm_nc[: len(boms)], nc, rtol=0, atol=1e-9)


def test_rvc_of_originating_goods_agrees(portfolio) -> None:
    boms, res, _, exact, _ = portfolio
    checked = 0
    for i, r in enumerate(exact):
        if r.originating and r.criterion == "B" and r.rvc is not None:
            assert res.rvc[i] == pytest.approx(float(r.rvc["value"]), abs=1e-9), i
            checked += 1
    assert checked > 10


def test_content_by_country_agrees(portfolio) -> None:
    boms, res, _, exact, p = portfolio
    for i, r in enumerate(exact):
        got = {p.countries[j]: v for j, v in enumerate(res.content[i]) if abs(v) > 1e-12}
        # the numpy path's ledger covers materials; the producer's own value is an exact-path entry
        want = {k: float(v) for k, v in r.content_by_country.items() if v != 0 and not k.startswith("producer:")}
        assert got.keys() == want.keys(), i
        for k in want:
            assert got[k] == pytest.approx(want[k], abs=1e-9)


def test_unsupported_goods_fall_back(portfolio) -> None:
    from usmca.law import default_tree
    from usmca.origin.bom import parse_bom
    from usmca.origin.portfolio import qualify_many
    from usmca.origin.qualify import make_context

    b = random_bom(1)
    b["good"]["set"] = True
    res, fallback = qualify_many([parse_bom(b), parse_bom(random_bom(2))], make_context(default_tree(), dt.date(2025, 3, 1)))
    assert fallback == [0] and res.status[0] == -2


def test_rollup_vnm_on_a_small_tree() -> None:
    from usmca.origin.vector import rollup_vnm

    # root 0 <- 1 (self-produced, not intermediate) <- 3 (non-orig 4.0), 4 (orig 2.0)
    # root 0 <- 2 (non-orig leaf 5.0); VNM(1) = 4, VNM(0) = 4 + 5 = 9
    parent = np.array([-1, 0, 0, 1, 1])
    depth = np.array([0, 1, 1, 2, 2])
    value = np.array([0.0, 10.0, 5.0, 4.0, 2.0])
    orig = np.array([False, True, False, False, True])
    inter = np.zeros(5, dtype=bool)
    kids = np.array([True, True, False, False, False])
    vnm = rollup_vnm(parent, depth, value, orig, inter, kids)
    assert vnm[0] == 9.0 and vnm[1] == 4.0
    inter[1] = True  # designated intermediate and originating: its inputs drop out (UR s. 7(4)(b))
    assert rollup_vnm(parent, depth, value, orig, inter, kids)[0] == 5.0
