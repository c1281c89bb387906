"""What must change for a failing vehicle requirement to be met (the ``gap`` of a requirement).

Each failing requirement of :func:`usmca.origin.autos.automotive_requirements` carries a
``gap`` mapping ``{"measure", "shortfall", "value", "action"}``: the shortfall in the unit of
the test (percentage points, or currency per hour) and, where the BOM gives the base, the
amount that must move. With ``s`` the share reached and ``t`` the threshold (percent):

- share of a base ``B`` (steel/aluminum purchases, s. 17(1); US content, review option):
  ``shortfall = t - s``, ``value = t/100 x B - numerator`` (purchases to switch to originating);
- RVC by net cost of a core part (s. 14(4), (13)): ``shortfall = t - RVC``,
  ``value = VNM - (1 - t/100) x NC`` (VNM to source as originating), from
  ``(NC - VNM')/NC x 100 >= t``;
- LVC (s. 18(6)): ``shortfall = max(t_total - LVC, t_hw - P)`` points of high-wage material and
  labour; ``value = shortfall/100 x NC`` (net-cost formula) or ``shortfall/100 x (TAPV + HWLC)``
  (annual-purchase formula: high-wage purchases replacing others inside TAPV);
- high-wage assembly plant (s. 12 'qualifying wage-rate vehicle assembly plant'):
  ``shortfall = rate - wage`` per hour, ``value = shortfall x hours``.

The functions only compute; the requirement text and thresholds come from the caller.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = ["share_gap", "rvc_gap", "lvc_gap", "wage_gap", "status_gap", "describe"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def _gap(measure: str, shortfall: Decimal | None, value: Decimal | None, action: str) -> dict[str, Any]:
    return {"measure": measure, "shortfall": shortfall, "value": value, "action": action}


def share_gap(measure: str, share: Decimal, threshold: Decimal, numerator: Decimal, base: Decimal,
              action: str) -> dict[str, Any]:
    """Gap of a share test ``numerator / base x 100 >= threshold``."""
    need = threshold / HUNDRED * base - numerator
    return _gap(measure, threshold - share, max(need, ZERO), action)


def rvc_gap(rvc: Decimal, threshold: Decimal, net_cost: Decimal, vnm: Decimal, what: str) -> dict[str, Any]:
    """Gap of an RVC (net cost) test: VNM to source as originating."""
    need = vnm - (HUNDRED - threshold) / HUNDRED * net_cost
    return _gap(f"RVC (net cost) of {what}, percentage points", threshold - rvc, max(need, ZERO),
                f"lower the VNM of {what} by this value (source materials as originating)")


def lvc_gap(points: Decimal, need_hw: Decimal, total: Decimal, need: Decimal, base: Decimal | None,
            formula: str) -> dict[str, Any]:
    """Gap of the LVC test: high-wage points to add (they raise both the minimum and the total)."""
    short = max(need - total, need_hw - points, ZERO)
    value = short / HUNDRED * base if base is not None else None
    where = "net cost" if formula == "net_cost" else "annual purchases"
    return {**_gap("LVC, percentage points of high-wage material and labour", short, value,
                   f"add this value of high-wage material, labour or transport (share of the {where})"),
            "lvc_shortfall": max(need - total, ZERO), "high_wage_shortfall": max(need_hw - points, ZERO)}


def wage_gap(wage: Decimal, rate: Decimal, hours: Decimal) -> dict[str, Any]:
    """Gap of the high-wage vehicle assembly plant test (average base wage per hour)."""
    return _gap("average base hourly wage of direct production workers", rate - wage, (rate - wage) * hours,
                "raise the base wages of the assembly plant by this amount over its hours")


def status_gap(what: str) -> dict[str, Any]:
    """Gap of a part declared non-originating: its origin must change."""
    return _gap(f"originating status of {what}", None, None, f"source {what} as originating")


def describe(gap: dict[str, Any] | None) -> str:
    """One line for the trace: ``to meet it: +4.5 points (value 1350): action``."""
    if not gap:
        return ""
    parts = []
    if gap.get("shortfall") is not None:
        parts.append(f"+{_fmt(gap['shortfall'])} {'points' if 'percentage' in gap['measure'] else ''}".rstrip())
    if gap.get("value") is not None:
        parts.append(f"value {_fmt(gap['value'])}")
    head = ", ".join(parts)
    return f"; to meet it: {head + ': ' if head else ''}{gap['action']}"


def _fmt(x: Decimal) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")
