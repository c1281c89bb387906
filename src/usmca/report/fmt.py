"""Values in words and units for the briefing: no Python literals, no expressions, no paths.

A law parameter or an assumption is shown as its value with its unit (``25%``, ``US$20.00/h``,
``0.27 (27%)``); a mapping by sector or country becomes ``Vehicles and parts 86%; Machinery 56%;
other sectors 68%``; a list becomes a comma-separated list.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from usmca.data.baseline.sectors import SECTOR_LABELS

__all__ = ["value_text", "origin_text", "law_rows", "assumption_rows", "signed"]

_UNIT_WORDS = {"days": "days", "months": "months", "years": "years", "usd": "US$", "count": "",
               "number": "", "percent_per_day": "% per day", "usd_per_hour": "US$/h"}


def signed(v: float | None, digits: int = 2) -> str:
    """``+1.23`` / ``-0.40`` / ``n/a``."""
    return "n/a" if v is None else f"{v:+.{digits}f}"


def _num(v: float, unit: str) -> str:
    if unit == "fraction":
        return f"{100 * v:.3g}%"
    if unit == "percent":
        return f"{v:g}%"
    if unit == "usd_per_hour":
        return f"US${v:,.2f}/h"
    if unit == "usd":
        return f"US${v:,.0f}"
    if unit == "bool":
        return "yes" if v else "no"
    word = _UNIT_WORDS.get(unit, unit)
    return f"{v:g} {word}".strip() if word and not word.startswith("%") else f"{v:g}{word}"


def _key(k: Any) -> str:
    k = str(k)
    if k == "default":
        return "other sectors"
    return SECTOR_LABELS.get(k, k.replace("_", " "))


def value_text(value: Any, unit: str) -> str:
    """``value`` in ``unit`` as a reader would write it (see the module docstring)."""
    if value is None:
        return "not in force"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return _num(float(value), unit)
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: kv[0] == "default")
        return "; ".join(f"{_key(k)} {value_text(v, unit)}" for k, v in items)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v, unit) if isinstance(v, (int, float)) else str(v) for v in value)
    return str(value)


_EXPR = re.compile(r"\s*\(.*==.*\)\s*$")


def origin_text(origin: str) -> str:
    """Where a value comes from, without the matching expression the compiler records."""
    return _EXPR.sub("", origin or "")


def law_rows(law_used: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Law parameters used by a scenario, one row per (path, value): duplicates merged, names joined."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for item in law_used:
        text = value_text(item.get("value"), str(item.get("unit", "")))
        key = (str(item.get("path")), text)
        if key in rows:
            continue
        ref = item.get("reference") or {}
        rows[key] = {"parameter": item.get("path"), "value": text,
                     "in force from": item.get("effective_from") or "", "origin": origin_text(item.get("origin", "")),
                     "instrument": ref.get("instrument", ""), "provision": ref.get("provision", ""),
                     "url": ref.get("url", "")}
    return list(rows.values())


def assumption_rows(assumptions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Cited assumptions of a scenario, values in words with their unit."""
    return [{"assumption": a["name"].replace("_", " "), "value": value_text(a["value"], a["unit"]),
             "source": a["source"], "url": a["url"], "note": a.get("note") or ""} for a in assumptions]
