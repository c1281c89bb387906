"""The one HS code-set type (``usmca.hs``): parsing, tri-state membership, vectorised forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from usmca.hs import HsRange, HsSet, codes_to_int, dotted, normalize, scope_of


def test_spellings() -> None:
    assert normalize("8501.52") == "850152" and normalize(85) == "85" and dotted("85015210") == "8501.52.10"
    with pytest.raises(ValueError):
        normalize("851")
    with pytest.raises(ValueError):
        HsRange.parse("84.09-84.07")


def test_membership_is_tri_state_for_short_codes() -> None:
    s = HsSet.parse(["84.07-84.09", "8501.52"])
    assert s.contains("840810") is True and s.contains("8410") is False
    assert s.contains("84") is None  # a chapter is partly inside
    assert HsSet.parse(["84"]).contains("8407") is True


LINES = ["8703230190", "87032301", "7206100000", "7229900500", "7230000000", "2512050060", "25120500", "27", "0101210000"]
SCOPE = ["27", "8703.21-8703.90", "7206-7229", "2512.05.00.60"]


def _reference(codes: list[str], line: str) -> bool:
    """Membership by definition: a prefix of the code's level lies in [lo, hi], the line long enough."""
    for c in codes:
        r = HsRange.parse(c)
        if len(line) >= r.level and r.lo <= line[:r.level] <= r.hi:
            return True
    return False


def test_contains_many_matches_the_definition_and_contains() -> None:
    s = scope_of(SCOPE)
    assert s is not None
    got = s.contains_many(pd.Series(LINES, dtype=object))
    want = np.array([_reference(SCOPE, x) for x in LINES])
    np.testing.assert_array_equal(got, want)
    assert want.any() and not want.all()
    np.testing.assert_array_equal(s.contains_many(np.array(LINES, dtype=object)), want)
    # the scalar form agrees where it is determined; the short 8-digit line is undetermined there
    assert [s.contains(x) is True for x in LINES] == list(want)
    assert s.contains("25120500") is None and not s.contains_many(["25120500"])[0]


def test_contains_array_counts_undetermined_as_member() -> None:
    s = HsSet.parse(SCOPE)
    codes = ["870323", "8703", "2512", "7230", "27"]
    ints, lens = codes_to_int(codes)
    got = s.contains_array(ints, lens)
    assert list(got) == [s.contains(c) is not False for c in codes]


def test_scope_of() -> None:
    assert scope_of(None) is None
    assert scope_of(SCOPE) is scope_of(list(SCOPE))  # parsed once per list
    assert not scope_of([]).contains_many(["27"]).any()


def test_contains_many_integer_path_agrees_with_contains_code_by_code() -> None:
    """Ten-digit lines take the integer path; each answer equals the scalar ``contains`` (True only)."""
    import random

    rng = random.Random(7)
    scope = HsSet.parse(["72", "73.01-73.06", "8708.29", "8708.80-8708.99", "9401.61.60", "3926.90.99.90",
                         "0101-0106", "8544.42.90.90"])
    prefixes = ["72", "73", "8708", "9401", "3926", "0101", "0107", "8544", "2203"]
    codes = [rng.choice(prefixes) + "".join(rng.choice("0123456789") for _ in range(10 - 4)) for _ in range(3000)]
    codes = [c[:10].ljust(10, "0") for c in codes] + ["8708990000", "7306000000", "7307000000", "3926909990"]
    got = scope.contains_many(codes)
    want = [scope.contains(c) is True for c in codes]
    assert got.tolist() == want
    assert any(want) and not all(want)
