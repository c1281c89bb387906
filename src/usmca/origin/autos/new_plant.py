"""Reduced RVC for other vehicles from a new plant or a refit (SOR/2020-155 s. 20(8)).

"The RVC requirement for a motor vehicle identified in subsection (2) or (3) is (a) 50% for five
years after the date on which the first motor vehicle prototype is produced in a plant by a motor
vehicle assembler, if (i) it is a motor vehicle of a class or marque or, except for a motor
vehicle identified in subsection (3), size category and underbody, not previously produced by
the motor vehicle assembler in the territory of any of the CUSMA countries, (ii) the plant
consists of a new building ..., and (iii) the plant contains substantially all new machinery
...; or (b) 50% for two years after the date on which the first motor vehicle prototype is
produced at a plant following a refit, if it is a different motor vehicle ..."

The BOM claims it in ``automotive.new_plant`` (``basis: new_plant | refit``, ``first_prototype``,
``new_vehicle``, ``new_building``, ``new_machinery``). The rule of a motor vehicle named as an
s. 20(2)/(3) vehicle (``use: other_vehicle_s20_2 | other_vehicle_s20_3``) gains an alternative
at the reduced threshold; this requirement then checks the claim, with the period

.. math:: d_0 \\le d < d_0 + n \\text{ years}

(``d_0`` the first prototype, ``n`` = ``other_vehicles/new_plant_years`` or ``refit_years``), and
with the vehicle's RVC rolled up by the origin core (:mod:`.nested`). Numbers: law tree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .classify import S20_USES
from .gaps import describe, rvc_gap
from .law import AutoLaw
from .nested import Roll
from .schema import Automotive

__all__ = ["STEP", "PROVISION", "new_plant_alternative", "new_plant_requirement"]

STEP = "s. 20(8) new plant or refit"
PROVISION = "s. 20(8)"


def _num(x: Decimal) -> int | float:
    return int(x) if x == x.to_integral_value() else float(x)


def _fmt(x: Decimal) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _plus_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # February 29
        return d.replace(year=d.year + years, day=28)


def new_plant_alternative(law: AutoLaw, digits: str, cls: str | None, alts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``alts`` plus the s. 20(8) alternative (same shift, reduced RVC) for an s. 20 motor vehicle."""
    if cls not in S20_USES or not law.codes("other_vehicles/motor_vehicle_hs").contains(digits):
        return alts
    with_rvc = [a for a in alts if a.get("rvc", {}).get("nc") is not None]
    reduced = law.number("other_vehicles/new_plant_rvc")
    if not with_rvc or all(Decimal(str(a["rvc"]["nc"])) <= reduced for a in with_rvc):
        return alts
    first = with_rvc[0]
    e = law.entry("other_vehicles/new_plant_rvc")
    alt = {k: v for k, v in first.items() if k not in ("rvc", "text", "reference", "note")}
    alt["rvc"] = {"nc": _num(reduced)}
    alt["text"] = "s. 13 with the reduced RVC of s. 20(8) (new plant or refit)"
    alt["note"] = "the new-plant or refit claim is checked among the requirements ('s. 20(8) new plant or refit')"
    alt["reference"] = {"instrument": e.reference.instrument, "provision": e.reference.provision, "url": e.reference.url}
    return alts + [alt]


def _claim(law: AutoLaw, auto: Automotive, date: dt.date) -> tuple[bool, str]:
    np = auto.new_plant
    if np is None:
        return False, "no new-plant or refit claim (automotive.new_plant)"
    rel = "other_vehicles/new_plant_years" if np.basis == "new_plant" else "other_vehicles/refit_years"
    years = int(law.number(rel))
    end = _plus_years(np.first_prototype, years)
    missing = [name for name, ok in (("a class or marque not previously produced" if np.basis == "new_plant"
                                      else "a different vehicle than before the refit", np.new_vehicle),
                                     ("a new building", np.new_building or np.basis == "refit"),
                                     ("substantially all new machinery", np.new_machinery or np.basis == "refit"))
               if not ok]
    if missing:
        return False, f"{np.basis.replace('_', ' ')} claim lacks: {', '.join(missing)}"
    if not np.first_prototype <= date < end:
        return False, (f"{date} is outside the {years} years from the first prototype ({np.first_prototype} to "
                       f"{end - dt.timedelta(days=1)})")
    return True, f"{np.basis.replace('_', ' ')}: first prototype {np.first_prototype}, reduced RVC until {end}"


def new_plant_requirement(law: AutoLaw, roll: Roll, rule: list[dict[str, Any]], auto: Automotive
                          ) -> list[dict[str, Any]]:
    """The s. 20(8) check when the rule carries the reduced alternative, else ``[]``."""
    if not any(PROVISION in str((a.get("reference") or {}).get("provision", "")) for a in rule):
        return []
    normal = [Decimal(str(a["rvc"]["nc"])) for a in rule if a.get("rvc", {}).get("nc") is not None
              and PROVISION not in str((a.get("reference") or {}).get("provision", ""))]
    thr, reduced = min(normal), law.number("other_vehicles/new_plant_rvc")
    ref = f"{law.cite('other_vehicles/new_plant_rvc')}; SOR/2020-155 s. 20(8)"
    rolled = roll()
    rvc = rolled.rvc_nc if rolled is not None else None
    base = {"step": STEP, "reference": ref, "threshold": thr}
    if rvc is None:
        return [{**base, "result": "the vehicle's RVC cannot be computed from the BOM", "passed": None,
                 "value": None, "gap": None}]
    if rvc >= thr:
        return [{**base, "result": f"RVC {_fmt(rvc)}% >= {_fmt(thr)}%: the reduced RVC is not needed", "passed": True,
                 "value": rvc, "gap": None}]
    assert law.date is not None  # the Appendix is read on a date
    eligible, why = _claim(law, auto, law.date)
    need = reduced if eligible else thr
    ok = eligible and rvc >= reduced
    assert rolled is not None and rolled.net_cost is not None
    gap = None if ok else rvc_gap(rvc, need, rolled.net_cost, rolled.vnm_nc, "the vehicle")
    text = (f"RVC {_fmt(rvc)}% < {_fmt(thr)}%; {why}; " + (f"RVC {_fmt(rvc)}% {'>=' if ok else '<'} reduced "
            f"{_fmt(reduced)}%" if eligible else "the reduced RVC does not apply"))
    return [{**base, "threshold": need, "result": text + describe(gap), "passed": ok, "value": rvc, "gap": gap}]
