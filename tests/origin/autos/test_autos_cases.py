"""Runner of the automotive YAML cases (tests/origin/autos/cases/*.yaml).

A case gives ``date``, ``good`` (hs, use), ``automotive`` (the BOM mapping) and optionally a
``reform`` (``{path: {date: value}}``); ``expect`` lists requirements by ``step`` with ``passed``,
``value`` (compared exactly, or rounded half-up to ``places`` decimals), ``threshold`` and ``gap``
(keys of the requirement's gap), or ``absent: true``. A case may give ``materials`` (and
``good.produced_in``, ``good.costs``) when the requirement needs the core's roll-up.
``kind: averaging`` cases check the s. 16(4) period.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from usmca.law import Reform, default_tree
from usmca.origin.autos import automotive_requirements
from usmca.origin.autos.averaging import first_averaging_period
from usmca.origin.qualify import evaluator

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    out = []
    for f in sorted(CASES.glob("*.yaml")):
        for c in yaml.safe_load(f.read_text(encoding="utf-8"))["cases"]:
            out.append(pytest.param(c, id=f"{f.stem}:{c['name']}"))
    return out


def _dec(x: Any) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _tree(case: dict) -> Any:
    tree = default_tree()
    if case.get("reform"):
        changes = {p: {str(d): v for d, v in c.items()} for p, c in case["reform"].items()}
        tree = tree.with_reform(Reform.from_dict({"description": case["name"], "changes": changes,
                                                  "reference": {"instrument": "test case", "provision": case["name"],
                                                                "url": "https://example.org/test"}}))
    return tree


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict) -> None:
    if case.get("kind") == "averaging":
        got = first_averaging_period(case["fiscal_year_start"], default_tree())
        exp = case["expect"]
        if exp is None:
            assert got is None
            return
        assert got == (exp["start"], exp["end"])
        months = (got[1].year - got[0].year) * 12 + got[1].month - got[0].month + 1
        assert months == exp["months"]
        return
    bom = {"good": case["good"], "automotive": case.get("automotive")}
    if "materials" in case:
        bom["materials"] = case["materials"]
    reqs = automotive_requirements(bom, case["date"], _tree(case), evaluator(_tree(case), case["date"]))
    by_step = {r["step"]: r for r in reqs}
    for exp in case["expect"]:
        if exp.get("absent"):
            assert exp["step"] not in by_step
            continue
        r = by_step[exp["step"]]
        assert r["passed"] is exp["passed"], r["result"]
        assert r["reference"]
        if "value" in exp:
            v = r["value"]
            if "places" in exp:
                v = v.quantize(Decimal(1).scaleb(-exp["places"]), rounding=ROUND_HALF_UP)
            assert v == _dec(exp["value"]), r["result"]
        if "threshold" in exp:
            assert r["threshold"] == _dec(exp["threshold"])
        if "gap" in exp:
            for k, want in exp["gap"].items():
                got = r["gap"][k]
                if "places" in exp:
                    got = got.quantize(Decimal(1).scaleb(-exp["places"]), rounding=ROUND_HALF_UP)
                assert got == _dec(want), (k, r["gap"])
        elif "passed" in exp and exp["passed"] is not False:
            assert r.get("gap") is None
