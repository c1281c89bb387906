"""Heavy trucks: LVC points above the minimum credited towards the RVC (SOR/2020-155 s. 18(22)).

"For the period ending July 1, 2027, if a producer certifies an LVC for a heavy truck that is
higher than 45% by increasing the amount of high wage material and manufacturing expenditures
above 30 percentage points, the producer may use the points above 30 percentage points as a
credit towards the RVC percentages under section 13, provided that the RVC percentage is not
below 60%." (same text in 19 CFR Part 182, Appendix A, s. 18(22)).

Read literally, with ``P`` the high-wage material and labour points of s. 18(6), ``LVC`` the
certified total, ``t`` the s. 13 heavy-truck threshold on the date and ``f`` the floor::

    credit = P - 30   if LVC > 45 and P > 30, else 0
    RVC requirement met  iff  RVC >= t  or  (RVC >= f and RVC + credit >= t)

The literal reading credits all points above 30, even those that bring the LVC up to 45; a
narrower reading (only the LVC points above 45) would credit ``min(P - 30, LVC - 45)``: the text
says "the points above 30 percentage points", so the literal one is implemented. All four
numbers (45, 30, f, the end of the period) are law-tree parameters under ``lvc/``.
The s. 13 rule of a heavy truck gains a second alternative with the floor as its threshold
while the credit is in force (:mod:`usmca.origin.autos.rule`); this requirement then checks
that the credit covers the shortfall, with the vehicle's RVC rolled up by the origin core.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .gaps import describe
from .law import AutoLaw
from .nested import Roll

__all__ = ["STEP", "credit_in_force", "excess_credit", "credit_requirement"]

STEP = "heavy-truck RVC with LVC credit"


def _fmt(x: Decimal) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _gap(points: Decimal, net_cost: Decimal | None) -> dict[str, Any]:
    """Shortfall in RVC points and the VNM to source as originating: ``points / 100 x NC``."""
    value = points / Decimal(100) * net_cost if net_cost is not None else None
    return {"measure": "RVC (net cost), percentage points", "shortfall": points, "value": value,
            "action": "lower the VNM by this value (source materials as originating) or, while the credit is in "
                      "force, raise the high-wage points by the same shortfall"}


def credit_in_force(law: AutoLaw) -> bool:
    """The s. 18(22) credit is in force and can matter (floor below the s. 13 threshold)."""
    if not law.get("lvc/heavy_truck_excess_credit_in_effect", False):
        return False
    return law.number("lvc/heavy_truck_excess_credit_rvc_floor") < law.number("heavy_truck/vehicle_rvc")


def excess_credit(law: AutoLaw, points: Decimal | None, total: Decimal | None) -> tuple[Decimal, str]:
    """The credit of s. 18(22) in RVC percentage points, with the reason.

    .. math:: c = P - P_{min} \\text{ if } LVC > L_{min} \\wedge P > P_{min}, \\text{ else } 0
    """
    p_min = law.number("lvc/heavy_truck_excess_credit_points_above")
    l_min = law.number("lvc/heavy_truck_excess_credit_lvc_above")
    if points is None or total is None:
        return Decimal(0), "no LVC data (automotive.lvc): no credit"
    if not total > l_min:
        return Decimal(0), f"LVC {_fmt(total)}% is not higher than {_fmt(l_min)}%: no credit"
    if not points > p_min:
        return Decimal(0), f"high-wage points {_fmt(points)} are not above {_fmt(p_min)}: no credit"
    return points - p_min, f"LVC {_fmt(total)}% > {_fmt(l_min)}%, high-wage points {_fmt(points)} - {_fmt(p_min)}"


def credit_requirement(law: AutoLaw, roll: Roll, points: Decimal | None, total: Decimal | None
                       ) -> list[dict[str, Any]]:
    """The s. 18(22) check of a heavy truck, or ``[]`` when the credit is not in force.

    Returns
    -------
    list of dict
        One requirement ``{"step", "result", "reference", "passed", "value", "threshold",
        "gap"}``: ``value`` is the RVC plus the credit used, ``gap`` the RVC points still
        missing (None when met).
    """
    if not credit_in_force(law):
        return []
    thr, floor = law.number("heavy_truck/vehicle_rvc"), law.number("lvc/heavy_truck_excess_credit_rvc_floor")
    ref = f"{law.cite('lvc/heavy_truck_excess_credit_in_effect')}; {law.cite('heavy_truck/vehicle_rvc')}"
    base = {"step": STEP, "reference": ref, "threshold": thr}
    rolled = roll()
    rvc = rolled.rvc_nc if rolled is not None else None
    if rolled is None or rvc is None:
        return [{**base, "result": "the vehicle's RVC cannot be computed from the BOM (good.costs.net_cost and "
                 "materials are needed)", "passed": None, "value": None, "gap": None}]
    if rvc >= thr:
        return [{**base, "result": f"RVC {_fmt(rvc)}% >= {_fmt(thr)}%: no credit needed", "passed": True,
                 "value": rvc, "gap": None}]
    credit, why = excess_credit(law, points, total)
    if rvc < floor:
        gap = _gap(max(floor - rvc, thr - rvc - credit), rolled.net_cost)
        return [{**base, "result": f"RVC {_fmt(rvc)}% is below the floor of {_fmt(floor)}%: the LVC credit cannot "
                 "be used" + describe(gap), "passed": False, "value": rvc, "gap": gap}]
    total_rvc = rvc + credit
    ok = total_rvc >= thr
    gap_total = None if ok else _gap(thr - total_rvc, rolled.net_cost)
    return [{**base, "result": f"RVC {_fmt(rvc)}% + credit {_fmt(credit)} ({why}) = {_fmt(total_rvc)}% "
             f"{'>=' if ok else '<'} {_fmt(thr)}%" + describe(gap_total), "passed": ok, "value": total_rvc,
             "gap": gap_total}]
