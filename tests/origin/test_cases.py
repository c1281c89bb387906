"""YAML case runner: the worked examples of the Uniform Regulations and provision cases.

Each file under ``tests/origin/cases/**.yaml`` holds ``cases``; a case is either a BOM with
expectations (``bom`` + ``expect``) or an inventory (``kind: fungible``). Expectations:

* ``originating``, ``criterion``;
* ``rvc``: ``method``, ``threshold``, and the figure printed in the regulation, ``printed``,
  with the rounding the regulation used (``printed_rounding``: ``half_up`` by default, ``down``
  for a truncated figure) to ``printed_places`` decimals (1 by default);
* ``net_cost`` / ``base``: the base of the decisive RVC test; ``vnm``: ``{TV: x, NC: y}``;
* ``trace_contains``: substrings that must appear in the trace results;
* ``content_by_country``; ``to_qualify_materials``: ids of the cheapest plan's materials;
* ``error``: ``{field, match}`` when the BOM itself breaks a rule (a user error).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

CASES_DIR = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    params = []
    for f in sorted(CASES_DIR.rglob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for c in doc["cases"]:
            params.append(pytest.param(c, id=f"{f.parent.name}/{f.stem}:{c['name']}"))
    return params


def _dec(x: Any) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _printed(value: Decimal, places: int, mode: str) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return value.quantize(q, ROUND_DOWN if mode == "down" else ROUND_HALF_UP)


def _check_bom(case: dict[str, Any]) -> None:
    from usmca.origin import qualify

    exp = case["expect"]
    if "error" in exp:
        from usmca.errors import UserInputError

        with pytest.raises(UserInputError, match=exp["error"]["match"]) as info:
            qualify(case["bom"], date=case.get("date"))
        assert info.value.field == exp["error"]["field"]
        return
    r = qualify(case["bom"], date=case.get("date"))
    trace = "\n".join(f"{s.step}: {s.result}" for s in r.trace)
    if "originating" in exp:
        assert r.originating is exp["originating"], trace
    if "criterion" in exp:
        assert r.criterion == exp["criterion"], trace
    if "rvc" in exp:
        e = exp["rvc"]
        assert r.rvc is not None, trace
        if "method" in e:
            assert r.rvc["method"] == e["method"]
        if "threshold" in e:
            assert r.rvc["threshold"] == _dec(e["threshold"])
        if "printed" in e:
            got = _printed(r.rvc["value"], e.get("printed_places", 1), e.get("printed_rounding", "half_up"))
            assert got == _dec(e["printed"]), f"RVC {r.rvc['value']} printed as {e['printed']}"
        if "exact" in e:
            assert r.rvc["value"] == _dec(e["exact"])
    for key in ("net_cost", "base"):
        if key in exp:
            assert r.rvc is not None and r.rvc["base"] == _dec(exp[key]), trace
    if "vnm" in exp:
        for k, v in exp["vnm"].items():
            assert r.vnm[k] == _dec(v), f"VNM {k}: {r.vnm[k]} != {v}"
    for s in exp.get("trace_contains", []):
        assert s in trace, f"{s!r} not in trace:\n{trace}"
    if "content_by_country" in exp:
        assert {k: v for k, v in r.content_by_country.items()} == {k: _dec(v) for k, v in exp["content_by_country"].items()}
    if "to_qualify_materials" in exp:
        assert r.to_qualify, trace
        assert sorted(c["material"] for c in r.to_qualify[0]["changes"]) == sorted(exp["to_qualify_materials"])


def _check_fungible(case: dict[str, Any]) -> None:
    from usmca.origin.fungible import Receipt, Withdrawal, allocate, period_average_ratio

    events = []
    for e in case["inventory"]:
        if "receive" in e:
            q, cost, status = e["receive"]
            events.append(Receipt(_dec(q), _dec(cost), status == "O", str(e.get("date", ""))))
        else:
            events.append(Withdrawal(_dec(e["withdraw"]), str(e.get("date", ""))))
    if case.get("method") == "period_average":
        ratio = period_average_ratio([e for e in events if isinstance(e, Receipt)])
        exp = case["expect"]
        assert _printed(ratio * 100, 1, "half_up") == _dec(exp["ratio_percent_printed"])
        printed_ratio = _printed(ratio, 3, "half_up")
        assert _dec(exp["shipped"]) * printed_ratio == _dec(exp["originating_units"])
        return
    allocs = allocate(events, case["method"], published_rounding=case.get("published_rounding", False))
    exp = case["expect"]
    if "non_originating_value" in exp:
        places = exp.get("non_originating_value_places")
        got = [a.non_originating_value if places is None else _printed(a.non_originating_value, places, "half_up")
               for a in allocs]
        assert got == [_dec(v) for v in exp["non_originating_value"]]
    if "non_originating_units" in exp:
        assert [a.non_originating_units for a in allocs] == [_dec(v) for v in exp["non_originating_units"]]


def _check_interest(case: dict[str, Any]) -> None:
    import datetime as dt

    from usmca.law import default_tree
    from usmca.origin.interest import interest_test

    limit = default_tree().at("usmca/ch04/rvc/non_allowable_interest_spread_bp", dt.date(2024, 1, 1))
    pays = [(Decimal(i + 1), _dec(p)) for i, p in enumerate(case["principal_payments"])]
    curve = {_dec(k): _dec(v) for k, v in case["curve"].items()}
    t = interest_test(pays, _dec(case["loan"]), _dec(case["contract_rate"]), curve, _dec(limit))
    exp = case["expect"]
    assert t.wapm_years == _dec(exp["wapm_years"])
    assert t.government_rate == _dec(exp["government_rate"])
    assert t.spread_bp == _dec(exp["spread_bp"])
    assert t.non_allowable is exp["non_allowable"]


@pytest.mark.parametrize("case", _load())
def test_case(case: dict[str, Any]) -> None:
    kind = case.get("kind")
    if kind == "fungible":
        _check_fungible(case)
    elif kind == "interest":
        _check_interest(case)
    else:
        _check_bom(case)


def test_there_are_cases_for_each_topic() -> None:
    topics = {p.stem for p in (CASES_DIR / "uniform_regulations").glob("*.yaml")}
    assert {"net_cost", "accumulation", "intermediate_materials", "de_minimis", "sets", "fungibles"} <= topics
