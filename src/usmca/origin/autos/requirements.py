"""The further requirements a vehicle must meet (SOR/2020-155 ss. 14, 17, 18, 19; 19 CFR 182 App. A).

Beside its product-specific rule (``automotive_rule``), a passenger vehicle or light truck is
originating only if

1. its core parts (Table A.2, column 1) are originating (s. 14(4)-(13)), each part or the
   super-core taken as one part, with ``RVC_NC = (NC - VNM) / NC x 100`` against the dated
   threshold of s. 14(13) (``usmca.origin.rvc.rvc_net_cost``);
2. it meets the labour value content of s. 18(1) (heavy and light trucks: s. 18(2)), see
   :mod:`usmca.origin.autos.lvc`;
3. at least 70% by value of the producer's Table S steel and aluminum purchases are
   originating (s. 17(1)); from 2027-07-01 steel must be melted and poured in the territories
   (s. 17(5)(b)).

A heavy truck has no core-parts requirement but meets 2 and 3. Under an approved alternative
staging regime (s. 19) the thresholds of s. 19(4) apply and core parts are exempt (s. 19(5)).
The review option ``usmca/review/us_content`` (off in the baseline) adds a US-content share.

A heavy truck may credit LVC points towards its s. 13 RVC while s. 18(22) is in force
(:mod:`.heavy_credit`); a Table F/G good for an other vehicle may trace its listed materials
(s. 20(4), :mod:`.tracing`).

Each requirement is a dict ``{"step", "result", "reference", "passed", "value", "threshold",
"gap"}``; ``passed`` is None when the BOM lacks the data to decide (the answer says so, never
guesses); ``gap`` (failing requirements only, else None) says by how much the share must rise
and what value must move (:mod:`.gaps`), and the result text repeats it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Mapping

from usmca.errors import UserInputError
from usmca.hs import normalize

from ..bom import Bom
from ..hooks import Evaluate
from ..rvc import HUNDRED, rvc_net_cost, rvc_transaction_value
from .classify import S20_USES, regime, split_use, vehicle_use
from .declared import declared_description_requirement
from .descriptions import check_description
from .gaps import describe, lvc_gap, rvc_gap, share_gap, status_gap, wage_gap
from .heavy_credit import credit_requirement
from .law import AutoLaw, appendix, auto_law
from .lvc import high_wage_points_apv, high_wage_points_nc, lvc_total, technology_credit
from .nested import as_typed_bom, bind
from .new_plant import new_plant_requirement
from .part_tables import part_table_requirement
from .rule import rule_for
from .schema import Automotive, CorePart, Lvc, parse_automotive
from .tracing import traced_rvc_requirement

__all__ = ["automotive_requirements", "requirements_for"]

_RATE = {"USD": "lvc/high_wage_rate", "CAD": "lvc/high_wage_rate_cad", "MXN": "lvc/high_wage_rate_mxn"}


def _req(step: str, result: str, reference: str, passed: bool | None,
         value: Decimal | None = None, threshold: Decimal | None = None,
         gap: dict[str, Any] | None = None) -> dict[str, Any]:
    gap = gap if passed is False else None
    return {"step": step, "result": result + describe(gap), "reference": reference, "passed": passed,
            "value": value, "threshold": threshold, "gap": gap}


def _fmt(x: Decimal) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _part_status(p: CorePart, nc_min: Decimal, tv_min: Decimal) -> tuple[bool | None, Decimal | None, str]:
    if p.originating is not None:
        return p.originating, None, "originating status given" if p.originating else "non-originating (given)"
    tests = []
    if p.net_cost is not None and p.vnm is not None:
        v = rvc_net_cost(p.net_cost, p.vnm)
        tests.append((v >= nc_min, v, f"RVC(NC) {_fmt(v)}% vs {_fmt(nc_min)}%"))
    if p.transaction_value is not None and p.vnm is not None:
        v = rvc_transaction_value(p.transaction_value, p.vnm)
        tests.append((v >= tv_min, v, f"RVC(TV) {_fmt(v)}% vs {_fmt(tv_min)}%"))
    if not tests:
        return None, None, "neither originating status nor net cost and VNM given"
    best = max(tests, key=lambda t: (t[0], t[1]))
    return best[0], best[1], "; ".join(t[2] for t in tests)


def _core_parts(law: AutoLaw, auto: Automotive, staging: bool) -> list[dict[str, Any]]:
    if staging:
        return [_req("core parts", "exempt: approved alternative staging regime", law.cite("alternative_staging/in_effect")
                     + "; SOR/2020-155 s. 19(5)", True)]
    nc_rel, tv_rel = "passenger_light_truck/core_parts_rvc_nc", "passenger_light_truck/core_parts_rvc_tv"
    nc_min, tv_min, ref = law.number(nc_rel), law.number(tv_rel), law.cite(nc_rel)
    cp = auto.core_parts
    if cp is None or not cp.parts:
        return [_req("core parts", "no core parts given (Table A.2 column 1): cannot be evaluated", ref, None)]
    cats = {c.lower(): c for c in law.table("tables/a2")["category"]}
    for i, p in enumerate(cp.parts):
        if p.category.strip().lower() not in cats:
            raise UserInputError("BOM", f"automotive.core_parts.parts[{i}].category", p.category,
                                 f"must be a Table A.2 column-1 part: {', '.join(sorted(cats.values()))}")
    basis = ("column-2 components only (s. 14(7)(b))" if cp.vnm_basis == "components"
             else "all non-originating materials (s. 14(7)(a))")
    if cp.method == "super_core":
        if any(p.net_cost is None or p.vnm is None for p in cp.parts):
            return [_req("core parts (super-core)", "each part needs net_cost and vnm to be summed", ref, None,
                         None, nc_min)]
        nc = sum((p.net_cost for p in cp.parts if p.net_cost is not None), Decimal(0))
        vnm = sum((p.vnm for p in cp.parts if p.vnm is not None), Decimal(0))
        v = rvc_net_cost(nc, vnm)
        ok = v >= nc_min
        return [_req("core parts (super-core)", f"{len(cp.parts)} parts as one: NC {nc}, VNM {vnm} ({basis}): "
                     f"RVC {_fmt(v)}% {'>=' if ok else '<'} {_fmt(nc_min)}%", ref + "; SOR/2020-155 s. 14(10)", ok, v, nc_min,
                     rvc_gap(v, nc_min, nc, vnm, "the super-core"))]
    out = []
    for p in cp.parts:
        part_ok, part_v, why = _part_status(p, nc_min, tv_min)
        name = cats[p.category.strip().lower()]
        gap = (rvc_gap(part_v, nc_min, p.net_cost, p.vnm, f"the core part ({name})")
               if part_v is not None and p.net_cost is not None and p.vnm is not None
               else status_gap(f"the core part ({name})"))
        status = "originating" if part_ok else "not originating" if part_ok is False else "undetermined"
        out.append(_req(f"core part ({name})", f"{status}: "
                        f"{why}" + (f" (VNM: {basis})" if part_v is not None else ""),
                        ref + "; SOR/2020-155 s. 14(4)-(7)", part_ok, part_v, nc_min if part_v is not None else None, gap))
    return out


def _wage_ok(law: AutoLaw, wage: Decimal, currency: str) -> tuple[bool, Decimal, str]:
    rate = law.number(_RATE[currency])
    return wage >= rate, rate, law.cite(_RATE[currency])


def _assembly_credit(law: AutoLaw, lv: Lvc, cls: str) -> tuple[Decimal, str]:
    credit = law.number("lvc/assembly_credit")
    if lv.assembly_credit is not None:
        return (credit if lv.assembly_credit else Decimal(0)), "assembly credit as declared"
    ap = lv.assembly_plant
    if ap is None:
        return Decimal(0), "no assembly credit claimed"
    pre = "passenger_light_truck" if cls != "heavy_truck" else "heavy_truck"
    cap = {k: law.number(f"lvc/assembly_plant_capacity/{pre}_{k}") for k in ("engines", "transmissions", "battery_packs")}
    capacity = (ap.engines >= cap["engines"] or ap.transmissions >= cap["transmissions"]
                or ap.battery_packs >= cap["battery_packs"])
    wage_ok, rate, _ = _wage_ok(law, ap.average_wage, ap.currency)
    contract = ap.operated_by_producer or ap.contract_years >= law.number("lvc/assembly_plant_min_contract_years")
    ok = capacity and wage_ok and contract
    why = (f"plant capacity {'meets' if capacity else 'below'} the minimum, wage {_fmt(ap.average_wage)} {ap.currency}/h "
           f"{'>=' if wage_ok else '<'} {_fmt(rate)}, "
           f"{'operated or contracted >= minimum years' if contract else 'contract too short'}")
    return (credit if ok else Decimal(0)), why


def _lvc(law: AutoLaw, auto: Automotive, cls: str, staging: bool
         ) -> tuple[list[dict[str, Any]], Decimal | None, Decimal | None]:
    """The LVC requirement(s), with the high-wage points and the LVC total (None without data)."""
    if staging:
        tot_rel, min_rel = "alternative_staging/lvc_total", "alternative_staging/lvc_high_wage_min"
    elif cls == "passenger_vehicle":
        tot_rel, min_rel = "lvc/passenger_vehicle_total", "lvc/passenger_vehicle_high_wage_min"
    else:
        tot_rel, min_rel = "lvc/truck_total", "lvc/truck_high_wage_min"
    need, need_hw, ref = law.number(tot_rel), law.number(min_rel), f"{law.cite(tot_rel)}; {law.cite(min_rel)}"
    lv = auto.lvc
    if lv is None:
        return [_req("labour value content", "no LVC data given (automotive.lvc): cannot be evaluated", ref, None, None,
                     need)], None, None
    out = []
    hwlc = lv.high_wage_labor_cost
    if lv.assembly_plant_hours is not None and lv.assembly_plant_wages is not None:
        wage = lv.assembly_plant_wages / lv.assembly_plant_hours
        ok, rate, cite = _wage_ok(law, wage, lv.currency)
        out.append(_req("high-wage vehicle assembly plant", f"average base wage {_fmt(wage)} {lv.currency}/h "
                        f"{'>=' if ok else '<'} {_fmt(rate)}" + ("" if ok else ": labour costs are not high-wage (HWLC = 0)"),
                        cite, ok, wage, rate, wage_gap(wage, rate, lv.assembly_plant_hours)))
        if not ok:
            hwlc = Decimal(0)
    if lv.formula == "net_cost":
        if lv.net_cost is None:
            raise UserInputError("BOM", "automotive.lvc.net_cost", None, "required when formula is net_cost")
        points = high_wage_points_nc(hwlc, lv.high_wage_material + lv.high_wage_transport, lv.net_cost)
        how = f"(HWLC {hwlc} + HWM {lv.high_wage_material + lv.high_wage_transport}) / NC {lv.net_cost} x 100"
        base: Decimal | None = lv.net_cost
    else:
        if lv.annual_purchase_value is None or lv.total_annual_purchase_value is None:
            fld = "annual_purchase_value" if lv.annual_purchase_value is None else "total_annual_purchase_value"
            raise UserInputError("BOM", f"automotive.lvc.{fld}", None, "required when formula is annual_purchase")
        lab = hwlc if lv.include_labor_in_apv else Decimal(0)
        points = high_wage_points_apv(lv.annual_purchase_value, lv.total_annual_purchase_value, lab)
        how = f"(APV {lv.annual_purchase_value} + HWLC {lab}) / (TAPV {lv.total_annual_purchase_value} + HWLC {lab}) x 100"
        base = lv.total_annual_purchase_value + lab
    cap = law.number("lvc/technology_credit_max")
    if lv.technology_credit is not None:
        hwtc = min(lv.technology_credit, cap)
    elif lv.rd_it_wages is not None and lv.production_wages is not None:
        hwtc = technology_credit(lv.rd_it_wages, lv.production_wages, cap)
    else:
        hwtc = Decimal(0)
    hwac, why = _assembly_credit(law, lv, cls)
    total = lvc_total(points, hwtc, hwac)
    ok = points >= need_hw and total >= need
    out.append(_req("labour value content", f"{how} = {_fmt(points)} points (min {_fmt(need_hw)}); + HWTC {_fmt(hwtc)} "
                    f"(max {_fmt(cap)}) + HWAC {_fmt(hwac)} ({why}) = LVC {_fmt(total)}% {'>=' if total >= need else '<'} "
                    f"{_fmt(need)}%", ref + "; SOR/2020-155 s. 18(6)", ok, total, need,
                    lvc_gap(points, need_hw, total, need, base, lv.formula)))
    return out, points, total


def _steel_aluminum(law: AutoLaw, auto: Automotive, staging: bool) -> list[dict[str, Any]]:
    rel = "alternative_staging/steel_aluminum_share" if staging else "steel_aluminum/purchase_share"
    share, ref = law.number(rel), law.cite(rel)
    sa = auto.steel_aluminum
    if sa is None or (sa.steel is None and sa.aluminum is None):
        return [_req("steel and aluminum purchases", "no purchase data given (automotive.steel_aluminum): cannot be "
                     "evaluated", ref, None, None, share)]
    melt = bool(law.at("steel_aluminum/melted_and_poured"))
    out = []
    for name, m in (("steel", sa.steel), ("aluminum", sa.aluminum)):
        if m is None:
            out.append(_req(f"{name} purchases", f"no {name} purchases given (0 counts as none purchased)", ref,
                            None, None, share))
            continue
        num, note = m.originating, ""
        if name == "steel" and melt:
            if m.melted_and_poured is None:
                out.append(_req("steel purchases", "steel must be melted and poured in the territories: give "
                                "steel.melted_and_poured", law.cite("steel_aluminum/melted_and_poured"), None, None, share))
                continue
            num, note = m.melted_and_poured, " (melted and poured)"
        v = num / m.total * HUNDRED
        ok = v >= share
        gap = share_gap(f"share of originating{note} {name} purchases, percentage points", v, share, num, m.total,
                        f"switch this value of {name} purchases to originating{note} {name}")
        out.append(_req(f"{name} purchases", f"originating{note} {num} / {m.total} = {_fmt(v)}% "
                        f"{'>=' if ok else '<'} {_fmt(share)}%", ref + ("; " + law.cite("steel_aluminum/melted_and_poured")
                                                                        if note else ""), ok, v, share, gap))
    return out


def _us_content(law: AutoLaw, auto: Automotive) -> list[dict[str, Any]]:
    if not law.get("usmca/review/us_content/in_effect", False):
        return []
    share, ref = law.number("usmca/review/us_content/share"), law.cite("usmca/review/us_content/share")
    uc = auto.us_content
    if uc is None:
        return [_req("US content (review option)", "no US content given (automotive.us_content)", ref, None, None, share)]
    v = uc.value / uc.net_cost * HUNDRED
    gap = share_gap("US content, percentage points of net cost", v, share, uc.value, uc.net_cost,
                    "add this value of US content (US-made materials or US labour)")
    return [_req("US content (review option)", f"{uc.value} / {uc.net_cost} = {_fmt(v)}% {'>=' if v >= share else '<'} "
                 f"{_fmt(share)}%", ref, v >= share, v, share, gap)]


def _credit_in_rule(law: AutoLaw, digits: str, use: str | None) -> bool:
    """The good's rule has the s. 18(22) floor alternative (so the credit must be checked)."""
    rule = rule_for(law, digits, use) or []
    return any("s. 18(22)" in str((a.get("reference") or {}).get("provision", "")) for a in rule)


def automotive_requirements(bom: Bom | Mapping[str, Any], date: dt.date | str, tree: Any,
                            evaluate: Evaluate) -> list[dict[str, Any]]:
    """The Automotive Appendix requirements a vehicle must meet besides its rule.

    Parameters
    ----------
    bom
        The BOM (a :class:`usmca.origin.bom.Bom`, or a mapping with ``good.hs``, ``good.use`` and
        the optional ``automotive`` mapping, schema in :mod:`usmca.origin.autos.schema`).
    date
        Date of the determination (selects the phase-in steps).
    tree
        The law tree (possibly reformed).
    evaluate
        The origin core's roll-up (:data:`usmca.origin.hooks.Evaluate`), for the checks that need
        the good's RVC (:func:`usmca.origin.qualify.evaluator` gives the one of the law in force).

    Returns
    -------
    list of dict
        ``{"step", "result", "reference", "passed", "value", "threshold", "gap"}`` per
        requirement (``gap`` on failing ones, :mod:`.gaps`). For a part: the verdict under a
        declared description (:mod:`.declared`) and the s. 20(4) traced RVC (:mod:`.tracing`)
        where they apply, else empty (other vehicles have no further requirements). The
        checks that mirror the rule read ``good.use``, as the origin core does when it asks
        for the rule (``automotive.vehicle_class`` serves the vehicle requirements only).

    Raises
    ------
    UserInputError
        For a malformed ``automotive`` mapping, naming the field.
    """
    return requirements_for(bom, auto_law(tree, date), evaluate)


def requirements_for(bom: Bom | Mapping[str, Any], law: AutoLaw, evaluate: Evaluate) -> list[dict[str, Any]]:
    """:func:`automotive_requirements` on the law of a date (a :class:`usmca.law.LawView`)."""
    law = appendix(law)
    hs: str | None
    rule_use: str | None
    raw_auto: Any
    if isinstance(bom, Bom):
        hs, rule_use, raw_auto = bom.good.hs, bom.good.use, bom.automotive
    else:
        good = bom.get("good") or {}
        hs, rule_use, raw_auto = good.get("hs"), good.get("use"), bom.get("automotive")
    auto = parse_automotive(raw_auto)
    use = rule_use or auto.vehicle_class
    regime(use)
    if hs is None:
        return []
    try:
        digits = normalize(hs)
    except ValueError as exc:
        raise UserInputError("BOM", "good.hs", hs, str(exc)) from None
    desc = check_description(law, auto.part_description_class)
    _, use_desc = split_use(use)
    use_desc = check_description(law, use_desc, field="good.use")
    if desc is not None and use_desc is not None and desc != use_desc:
        raise UserInputError("BOM", "automotive.part_description_class", desc,
                             f"contradicts the description in good.use ({use_desc})")
    roll = bind(as_typed_bom(bom), evaluate)
    cls = vehicle_use(law, digits, use)
    if cls is None:
        rule_cls, _ = split_use(rule_use)
        if rule_cls in S20_USES and law.codes("other_vehicles/motor_vehicle_hs").contains(digits):
            return new_plant_requirement(law, roll, rule_for(law, digits, rule_use) or [], auto)
        declared = declared_description_requirement(law, roll, digits, rule_use, desc if use_desc is None else None)
        return (declared + traced_rvc_requirement(law, roll, digits, rule_cls, auto)
                + part_table_requirement(law, roll, digits, rule_cls))
    staging = auto.alternative_staging and cls != "heavy_truck" and bool(law.get("alternative_staging/in_effect", False))
    out: list[dict[str, Any]] = []
    if cls in ("passenger_vehicle", "light_truck"):
        out += _core_parts(law, auto, staging)
    lvc_reqs, points, total = _lvc(law, auto, cls, staging)
    out += lvc_reqs
    if cls == "heavy_truck" and _credit_in_rule(law, digits, rule_use):
        out += credit_requirement(law, roll, points, total)
    out += _steel_aluminum(law, auto, staging)
    out += _us_content(law, auto)
    return out
