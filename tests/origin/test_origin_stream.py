"""Chunked (streaming) evaluation of a portfolio: the same results as one pass, in flat memory."""

from __future__ import annotations

import datetime as dt
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bomgen import random_bom  # noqa: E402

FIELDS = ("status", "criterion", "vnm_tv", "vnm_nc", "rvc", "content")


@pytest.fixture(scope="module")
def ctx():
    from usmca.law import default_tree
    from usmca.origin.qualify import make_context

    return make_context(default_tree(), dt.date(2025, 3, 1))


def _boms(n: int, start: int = 0):
    from usmca.origin.bom import parse_bom

    for seed in range(start, start + n):
        b = random_bom(seed)
        if seed % 37 == 5:
            b["good"]["set"] = True  # some goods take the exact path: their indices must survive chunking
        yield parse_bom(b)


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1000])
def test_chunked_equals_one_pass_bit_for_bit(ctx, chunk_size: int) -> None:
    from usmca.origin.portfolio import compile_boms, qualify_many

    boms = list(_boms(300))
    whole, fb_whole = qualify_many(boms, ctx)
    chunked, fb_chunked = qualify_many(boms, ctx, chunk_size=chunk_size)
    assert fb_chunked == fb_whole and len(fb_whole) > 3
    assert {0, 1} <= set(whole.status[:300].tolist())
    countries = compile_boms(boms, ctx).countries
    assert chunked.content.shape == (300, len(countries))
    for f in FIELDS:
        a, b = getattr(whole, f)[:300], getattr(chunked, f)
        assert a.dtype == b.dtype, f
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f  # identical, not merely close


def test_evaluate_stream_over_compiled_chunks(ctx) -> None:
    from usmca.origin.portfolio import compile_boms, iter_compiled
    from usmca.origin.vector import concat_goods, evaluate_portfolio, evaluate_stream

    boms = list(_boms(120, start=1000))
    whole = evaluate_portfolio(compile_boms(boms, ctx))
    chunks = iter_compiled(boms, ctx, 25)
    parts = list(evaluate_stream(chunks))
    assert [len(r.status) for r in parts] == [25, 25, 25, 25, 20]
    got = concat_goods(parts, whole.content.shape[1])
    for f in FIELDS:
        a = getattr(whole, f)[:120]
        assert np.array_equal(a, getattr(got, f), equal_nan=a.dtype.kind == "f"), f


def test_chunk_size_must_be_positive(ctx) -> None:
    from usmca.origin.portfolio import qualify_many

    with pytest.raises(ValueError, match="chunk_size"):
        qualify_many(list(_boms(2)), ctx, chunk_size=0)


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streaming_memory_is_flat_in_the_number_of_boms(ctx) -> None:
    from usmca.origin.portfolio import compile_boms, qualify_stream
    from usmca.origin.vector import evaluate_portfolio

    def stream(n: int) -> None:
        done = 0
        for res, _ in qualify_stream(_boms(n), ctx, chunk_size=20):
            done += len(res.status)  # the caller consumes each chunk's rows and lets them go
        assert done == n

    stream(20)  # warm the law tree's caches outside the measurement
    small, large = _peak(lambda: stream(40)), _peak(lambda: stream(200))
    # one chunk's working set (its BOMs vary in size): 5x the BOMs must not cost more than 1.5x
    assert large < 1.5 * small, (small, large)
    # the one-pass path does grow with the portfolio: the measurement can tell the difference
    one_small = _peak(lambda: evaluate_portfolio(compile_boms(list(_boms(40)), ctx)))
    one_large = _peak(lambda: evaluate_portfolio(compile_boms(list(_boms(200)), ctx)))
    assert one_large > 3 * one_small, (one_small, one_large)
