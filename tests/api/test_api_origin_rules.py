"""``GET /origin/rule`` and ``GET /origin/coverage``: the product-specific-rule library over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from .checks import assert_user_error

pytest.importorskip("usmca.origin.psr.library")

DATE = "2025-03-01"


def _encoded_codes(k: int = 5) -> list[str]:
    """HS codes the package library encodes (the first scope of its first rules)."""
    from usmca.origin.psr.library import PACKAGE_LIBRARY

    codes = []
    for f in sorted(PACKAGE_LIBRARY.glob("ch[0-9][0-9].yaml")):
        for rule in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("rules", []):
            scope = (rule.get("hs") or [""])[0]
            if "-" not in scope and len(scope.replace(".", "")) >= 6:
                codes.append(scope)
                break
        if len(codes) == k:
            break
    return codes


def test_rule_is_the_library_lookup(client):
    from usmca.jsonable import to_jsonable
    from usmca.origin import psr

    codes = _encoded_codes()
    if not codes:
        pytest.skip("the package PSR library encodes no chapter yet")
    for hs in codes:
        doc = client.get("/origin/rule", params={"hs": hs, "date": DATE}).json()
        expected = psr.lookup(hs, DATE)
        assert doc["encoded"] is (expected is not None)
        assert doc["rule"] == to_jsonable(expected)
        if expected is not None:
            assert doc["rule"]["reference"]["url"].startswith(("http://", "https://"))


def test_a_rule_not_encoded_says_so(client):
    from usmca.origin import psr

    rows = psr.coverage()
    missing = rows[rows["status"] == "missing"]["chapter"].tolist()
    if not missing:
        pytest.skip("every chapter is encoded")
    hs = f"{int(missing[0]):02d}01.10"
    doc = client.get("/origin/rule", params={"hs": hs, "date": DATE}).json()
    assert doc == {"hs": hs, "date": DATE, "encoded": False, "rule": None}


@pytest.mark.parametrize("params, field", [({"hs": "85x"}, "hs"), ({"hs": "8501.52", "date": "2025-13-01"}, "date"),
                                           ({}, "hs")])
def test_bad_rule_queries_are_422(client, params, field):
    assert_user_error(client.get("/origin/rule", params=params), "query", field)


def test_coverage_has_one_row_per_chapter(client):
    from usmca.origin import psr

    doc: dict[str, Any] = client.get("/origin/coverage").json()
    rows = psr.coverage()
    assert [r["chapter"] for r in doc["chapters"]] == rows["chapter"].tolist()
    assert [r["status"] for r in doc["chapters"]] == rows["status"].tolist()
