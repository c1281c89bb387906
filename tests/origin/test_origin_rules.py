"""HS codes and the rule language: spellings, ranges, tariff shift (scalar and vectorised)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usmca.errors import UserInputError
from usmca.hs import HsSet, codes_to_int, dotted, normalize
from usmca.origin.rules import parse_rule, shift_test, shift_test_array


@pytest.mark.parametrize("raw,digits", [("85", "85"), ("85.03", "8503"), ("8501.52", "850152"),
                                        ("850152", "850152"), ("8501.52.10", "85015210"),
                                        ("8501.52.10.00", "8501521000"), (72, "72")])
def test_spellings(raw, digits) -> None:
    assert normalize(raw) == digits
    assert normalize(dotted(digits)) == digits


@pytest.mark.parametrize("bad", ["8501.5", "85015", "85.0", "abc", "", "8501-52", "8501.52.1"])
def test_bad_spellings(bad) -> None:
    with pytest.raises(ValueError):
        normalize(bad)


def test_ranges_and_short_codes() -> None:
    s = HsSet.parse(["84.07-84.09", "72", "8504.40"])
    assert s.contains("840810") is True and s.contains("8410") is False
    assert s.contains("720851") is True and s.contains("8504") is None  # heading 85.04: part of it only
    assert s.contains("850440") is True and s.contains("850490") is False
    with pytest.raises(ValueError):
        HsSet.parse(["84.09-84.07"])
    with pytest.raises(ValueError):
        HsSet.parse(["84-84.09"])


def test_shift_levels_and_except() -> None:
    alt = parse_rule([{"shift": "CTH", "except": ["85.03"]}])[0]
    assert shift_test(alt, "850152", "850300")[0] is False       # excepted
    assert shift_test(alt, "850152", "850110")[0] is False       # same heading
    assert shift_test(alt, "850152", "732690")[0] is True
    assert shift_test(alt, "850152", None)[0] is None            # no code: undetermined
    cti = parse_rule([{"shift": "CTI"}])[0]
    assert shift_test(cti, "850152", "850152")[0] is None        # 6 digits cannot show an item change
    assert shift_test(cti, "85015210", "85015290")[0] is True
    only = parse_rule([{"shift": "CTH", "from_only": ["15.11"]}])[0]
    assert shift_test(only, "151710", "151110")[0] is True and shift_test(only, "151710", "120810")[0] is False


@pytest.mark.parametrize("rule,field", [([], "rule"), ([{"shift": "XX"}], "rule[0].shift"),
                                        ([{"rvc": {"tv": 101}}], "rule[0].rvc.tv"),
                                        ([{"rvc": {"xx": 50}}], "rule[0].rvc.xx"),
                                        ([{"shift": "CTH", "except": "85.0"}], "rule[0].except"),
                                        ([{"shift": "CTH", "bogus": 1}], "rule[0].bogus")])
def test_rule_errors_name_the_field(rule, field) -> None:
    with pytest.raises(UserInputError) as exc:
        parse_rule(rule)
    assert exc.value.field == field


codes = st.sampled_from(["85", "8501", "850152", "85015210", "8503", "850300", "7208", "720851", "84", "8407",
                         "840820", "8409", "840991", "1511", "151110", "1517", "151710", "9999"])
rules = st.sampled_from([
    [{"shift": "CC"}], [{"shift": "CTH", "except": ["85.03", "72"]}], [{"shift": "CTSH"}],
    [{"shift": "CTI"}], [{"shift": "CTH", "except": ["84.07-84.09"]}], [{"shift": "CC", "from_only": ["15.11"]}],
    [{"shift": "none"}],
])


@settings(max_examples=300, deadline=None)
@given(rules, st.lists(st.tuples(codes, codes), min_size=1, max_size=20))
def test_vectorised_shift_matches_scalar(rule, pairs) -> None:
    alt = parse_rule(rule)[0]
    g, m = zip(*pairs, strict=True)
    gi, gl = codes_to_int(list(g))
    mi, ml = codes_to_int(list(m))
    vec = shift_test_array(alt, gi, gl, mi, ml)
    scalar = np.array([shift_test(alt, a, b)[0] is True for a, b in pairs])
    assert (vec == scalar).all()


def test_library_rules_with_unknown_keys_are_undetermined_not_errors() -> None:
    alt = parse_rule([{"shift": "CTH", "process": "chemical reaction"}], strict=False)[0]
    assert alt.unsupported and "process" in alt.unsupported
    with pytest.raises(UserInputError):
        parse_rule([{"shift": "CTH", "process": "chemical reaction"}])
