"""Tracing of Table F/G materials in the net-cost VNM for other vehicles (SOR/2020-155 s. 20(4)-(5)).

s. 20(4): for the RVC (net cost method) of a good listed in Table F for use as original equipment
in a motor vehicle of s. 20(2)(a)-(g) (``use: other_vehicle_s20_2``), or of a component listed
in Table G for use as original equipment in a motor vehicle of s. 20(3)(a)
(``use: other_vehicle_s20_3``), the VNM is

.. math:: VNM = \\sum_{m \\in F \\cup G} \\min\\big(v_m^{(i)},\\, v_m^{(ii)}\\big) + \\sum_{m \\notin F \\cup G} VNM_m

with, at the producer's choice for each listed material ``m`` (taken here as the lower),
``v^{(i)}`` the value of the material if non-originating (0 if originating, "whether or not
produced by the producer") and ``v^{(ii)}`` the VNM used in its production (known when the
BOM gives its own materials); other materials count by s. 7 as usual (the core's roll-up).
A material is listed when its HS code is in Table F or Table G, or when the BOM names it in
``automotive.table_g_materials`` (Table G column 2 lists materials by name: cast block, ...).

s. 20(5): for the motor vehicle itself the VNM is the sum of all non-originating materials, so
there is no tracing for vehicles. The traced RVC is reported as a requirement only where every
alternative of the good's rule carries an RVC (the RVC is then necessary, and the step can be
ANDed with the core's determination); it never turns a failing determination into a pass.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..rvc import rvc_net_cost
from .gaps import describe, rvc_gap
from .law import AutoLaw, table_codes
from .nested import Roll, Rollup
from .other_vehicles import s20_threshold
from .rule import rule_for
from .schema import Automotive

__all__ = ["STEP", "traced_vnm", "traced_rvc_requirement"]

STEP = "RVC with s. 20(4) tracing"
ZERO = Decimal(0)


def _fmt(x: Decimal) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def traced_vnm(law: AutoLaw, roll: Rollup, named: set[str]) -> tuple[Decimal, int]:
    """The s. 20(4) VNM of a rolled-up good and the number of listed materials.

    Parameters
    ----------
    law
        The Appendix on the date (Tables F and G).
    roll
        The core's roll-up of the good (:func:`usmca.origin.determine.rollup`).
    named
        Ids of materials the BOM declares as listed in Table G column 2.
    """
    f, g = table_codes(law, "tables/f"), table_codes(law, "tables/g")
    total, listed = ZERO, 0
    for ln in roll.lines:
        if ln.role not in ("material", "accessory"):
            continue
        hs = ln.material.hs
        is_listed = ln.id in named or (hs is not None and bool(f.contains(hs) or g.contains(hs)))
        if not is_listed:
            total += ln.vnm_nc
            continue
        listed += 1
        options = [ZERO if ln.originating else ln.vnm_nc]
        if ln.sub is not None:
            options.append(ln.sub.vnm_nc)
        total += min(options)
    return total, listed


def _applies(law: AutoLaw, digits: str, cls: str | None) -> bool:
    if cls == "other_vehicle_s20_2":
        return bool(table_codes(law, "tables/f").contains(digits))
    if cls == "other_vehicle_s20_3":
        return bool(table_codes(law, "tables/g").contains(digits))
    return False


def traced_rvc_requirement(law: AutoLaw, roll: Roll, digits: str, cls: str | None, auto: Automotive
                           ) -> list[dict[str, Any]]:
    """The s. 20(4) RVC of a Table F/G good for an other vehicle, or ``[]`` where it does not apply."""
    if not _applies(law, digits, cls):
        return []
    found = s20_threshold(law, digits, cls)
    if found is None:
        return []
    rule = rule_for(law, digits, cls) or []
    if not rule or not all(a.get("rvc") for a in rule):
        return []
    rolled = roll()
    if rolled is None or rolled.net_cost is None or rolled.net_cost <= 0:
        return []
    rel, prov = found
    thr = law.number(rel)
    vnm, listed = traced_vnm(law, rolled, set(auto.table_g_materials))
    rvc = rvc_net_cost(rolled.net_cost, vnm)
    ok = rvc >= thr
    gap = None if ok else rvc_gap(rvc, thr, rolled.net_cost, vnm, "the good (after tracing)")
    result = (f"VNM {vnm} with {listed} Table F/G material(s) traced (untraced {rolled.vnm_nc}): "
              f"({rolled.net_cost} - {vnm}) / {rolled.net_cost} x 100 = {_fmt(rvc)}% {'>=' if ok else '<'} {_fmt(thr)}%")
    if ok and rolled.rvc_nc is not None and rolled.rvc_nc < thr:
        result += ("; the rule's RVC test uses the untraced VNM: the s. 20(4) election lets the producer meet "
                   "the RVC with the traced VNM")
    ref = f"SOR/2020-155, Part 6, s. 20(4); {law.cite(rel)} ({prov})"
    return [{"step": STEP, "result": result + describe(gap), "reference": ref, "passed": ok, "value": rvc,
             "threshold": thr, "gap": gap}]
