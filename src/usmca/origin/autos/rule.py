"""The product-specific rule of an automotive good (Automotive Appendix; SOR/2020-155 ss. 13-15, 20).

For a good of headings 87.01-87.08 the Appendix sets the whole rule (s. 13): the alternatives of
the ``s13_rules`` table for the good's vehicle class, with the dated RVC thresholds read from the
law tree. For a part of another chapter listed in Tables A.1, B, C (passenger vehicles and light
trucks), D, E (heavy trucks) or F (other vehicles), the Annex 4-B rule (PSR library) applies with
its RVC thresholds replaced by the Appendix's (ss. 14(13), (15), (17); 15(2)-(4); 20(2)-(3)); a
core part (Table A.1, s. 14(2)) and a heavy-truck engine (s. 15(4)) must meet the RVC, so their
shift-only alternatives are dropped. When the library does not encode the Annex 4-B rule the RVC
alternative is returned with an ``unsupported`` note for the tariff-shift part: never a guess.

Further, from this module's helpers:

- description-limited s. 13 alternatives are settled by a declared description class
  (:mod:`.descriptions`), else keep their ``unsupported`` condition;
- a heavy truck gains, while s. 18(22) is in force, an alternative at the RVC floor whose credit
  is checked among the vehicle requirements (:mod:`.heavy_credit`);
- a good for use as original equipment in an other vehicle of s. 20(2)(a)-(g) or (3)(a) gets the
  RVC of s. 20(2)(h), (3)(b) or (3)(c) (:mod:`.other_vehicles`); an aftermarket part keeps the
  s. 13 / Schedule 1 rule.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from usmca.errors import UserInputError
from usmca.hs import normalize

from .classify import regime, split_use
from .descriptions import check_description, resolve
from .heavy_credit import credit_in_force
from .law import AutoLaw, appendix, auto_law, row_codes, table_codes
from .new_plant import new_plant_alternative
from .other_vehicles import library_alternatives, other_vehicle_part, s20_override

__all__ = ["automotive_rule", "rule_for"]

# Part tables by regime: (table, nc path, tv path, rvc mandatory).
_PART_TABLES: dict[str, tuple[tuple[str, str, str | None, bool], ...]] = {
    "passenger_light_truck": (
        ("tables/a1", "passenger_light_truck/core_parts_rvc_nc", "passenger_light_truck/core_parts_rvc_tv", True),
        ("tables/b", "passenger_light_truck/principal_parts_rvc_nc", "passenger_light_truck/principal_parts_rvc_tv", False),
        ("tables/c", "passenger_light_truck/complementary_parts_rvc_nc",
         "passenger_light_truck/complementary_parts_rvc_tv", False),
    ),
    "heavy_truck": (
        ("tables/d", "heavy_truck/principal_parts_rvc_nc", "heavy_truck/principal_parts_rvc_tv", False),
        ("tables/e", "heavy_truck/complementary_parts_rvc_nc", "heavy_truck/complementary_parts_rvc_tv", False),
    ),
}
_TABLE_NAME = {"tables/a1": "Table A.1", "tables/b": "Table B", "tables/c": "Table C", "tables/d": "Table D",
               "tables/e": "Table E"}
_PROVISION = {"tables/a1": "s. 14(2), (13)", "tables/b": "s. 14(14)-(15)", "tables/c": "s. 14(16)-(17)",
              "tables/d": "s. 15(2)", "tables/e": "s. 15(3)"}


def _num(x: Any) -> int | float:
    return int(x) if x == x.to_integral_value() else float(x)


def _ref(law: AutoLaw, provision: str, url: str | None = None) -> dict[str, str]:
    e = law.entry("passenger_light_truck/vehicle_rvc")
    return {"instrument": e.reference.instrument, "provision": provision, "url": url or e.reference.url}


def _credit_alt(law: AutoLaw, alt: dict[str, Any]) -> dict[str, Any]:
    """The s. 18(22) alternative: the same shift with the floor as threshold (credit checked later)."""
    floor = law.number("lvc/heavy_truck_excess_credit_rvc_floor")
    out = {k: v for k, v in alt.items() if k not in ("rvc", "text", "reference")}
    out["rvc"] = {"nc": _num(floor)}
    out["text"] = "s. 13 with the s. 18(22) LVC credit (heavy truck)"
    out["note"] = ("the RVC may be below the s. 13 threshold by the LVC credit, never below this floor; the credit "
                   "is checked among the vehicle requirements ('heavy-truck RVC with LVC credit')")
    e = law.entry("lvc/heavy_truck_excess_credit_rvc_floor")
    out["reference"] = {"instrument": e.reference.instrument, "provision": e.reference.provision, "url": e.reference.url}
    return out


def _s13(law: AutoLaw, digits: str, reg: str, cls: str | None, desc: str | None) -> list[dict[str, Any]] | None:
    t = law.table("s13_rules")
    hit = t[[bool(c.contains(digits)) for c in row_codes(law, "s13_rules")]]
    if hit.empty:
        return None
    rows = hit[hit["vehicle_class"] == reg]
    if rows.empty:
        rows = hit[hit["vehicle_class"] == "any"]
    if rows.empty:
        return None
    out = []
    heavy_vehicle = law.codes("definitions/heavy_truck_hs").contains(digits) and cls in (None, "heavy_truck")
    for r in rows.to_dict("records"):
        applies = resolve(r.get("applies_to") or "", desc, cls)
        if applies is False:
            continue
        alt: dict[str, Any] = {"shift": r["shift"]}
        if r["except"]:
            alt["except"] = r["except"].split()
        if r["from_only"]:
            alt["from_only"] = r["from_only"].split()
        rvc = {m: _num(law.number(r[f"rvc_{m}"])) for m in ("nc", "tv") if r[f"rvc_{m}"]}
        if rvc:
            alt["rvc"] = rvc
        if r["unsupported"] and applies is None:
            alt["unsupported"] = r["unsupported"]
        note = [r["note"]] if r["note"] else []
        if r["unsupported"] and applies:
            note.append(f"limit '{r['unsupported']}' settled by the declared description or use")
        if note:
            alt["note"] = "; ".join(note)
        alt["text"] = f"{r['provision']} ({r['vehicle_class']})"
        alt["reference"] = {"instrument": r["instrument"], "provision": r["provision"], "url": r["url"]}
        out.append(alt)
        if heavy_vehicle and r["rvc_nc"] == "heavy_truck/vehicle_rvc" and credit_in_force(law):
            out.append(_credit_alt(law, alt))
    if not out:
        return None
    return new_plant_alternative(law, digits, cls, s20_override(law, digits, cls, out))


def _part(law: AutoLaw, digits: str, reg: str, cls: str | None, date: Any) -> list[dict[str, Any]] | None:
    if reg == "other":
        return other_vehicle_part(law, digits, cls, date)
    for table, nc_path, tv_path, mandatory in _PART_TABLES[reg]:
        if not table_codes(law, table).contains(digits):
            continue
        if table == "tables/a1" and law.codes("passenger_light_truck/propulsion_battery_hs").contains(digits):
            return None  # s. 14(3), (6): traction batteries keep their Schedule 1 rule
        # s. 15(4): engines, gear boxes and chassis for heavy trucks must meet the RVC (no shift-only route)
        heavy_engine = reg == "heavy_truck" and law.codes("heavy_truck/rvc_mandatory_parts_hs").contains(digits)
        ref = _ref(law, f"{_PROVISION[table]}{'; s. 15(4)' if heavy_engine else ''}; {_TABLE_NAME[table]}")
        # heavy trucks: TV only "if the corresponding rule includes" it (s. 15(2)-(3)): unknown without the rule
        return library_alternatives(law, digits, date, law.number(nc_path),
                                    law.number(tv_path) if tv_path else None, bool(mandatory or heavy_engine), ref,
                                    tv_without_library=reg != "heavy_truck")
    return None


def _cached(law: AutoLaw, key: str, build: Any) -> list[dict[str, Any]] | None:
    found = law.derived(("automotive_rule", key), build)
    return copy.deepcopy(found) if found is not None else None


def automotive_rule(hs: str, use: str | None, date: dt.date | str, tree: Any,
                    description: str | None = None) -> list[dict[str, Any]] | None:
    """The Automotive Appendix rule of a good, or ``None`` when the good is not automotive.

    Parameters
    ----------
    hs
        HS code of the good (dotted or digits, 6 digits or more).
    use
        Vehicle class the good is, or is for (:data:`usmca.origin.autos.classify.USES`):
        ``passenger_vehicle``, ``light_truck``, ``heavy_truck``, ``other_vehicle_s20_2``,
        ``other_vehicle_s20_3`` (original equipment of an other vehicle of s. 20(2)(a)-(g) /
        (3)(a)), ``aftermarket``, ``other`` (not said which) or ``None`` (read as ``other``);
        optionally followed by ``:<description class>`` (``passenger_vehicle:body_stamping``).
    date
        Date the rule must be in force on (selects the RVC phase-in step).
    tree
        The law tree (:func:`usmca.law.default_tree` or a reformed tree).
    description
        The declared description class (``automotive.part_description_class``), settling the
        description-limited alternatives of s. 13; same as the ``use`` qualifier.

    Returns
    -------
    list of dict or None
        Alternatives in the rule language (any one suffices), each with its ``reference``
        (SOR/2020-155 Part 6 provision); thresholds are the dated values, e.g. for a passenger
        vehicle ``[{"shift": "CTH", "rvc": {"nc": 75}, ...}]`` from 2023-07-01 (s. 13).

    Raises
    ------
    UserInputError
        When ``hs`` is not an HS code, ``use`` not a known class or the description unknown or
        contradicting the one in ``use``.
    """
    return rule_for(auto_law(tree, date), hs, use, description)


def rule_for(law: AutoLaw, hs: str, use: str | None, description: str | None = None) -> list[dict[str, Any]] | None:
    """:func:`automotive_rule` on the law of a date (a :class:`usmca.law.LawView`)."""
    try:
        digits = normalize(hs)
    except ValueError as exc:
        raise UserInputError("BOM", "good.hs", hs, str(exc)) from None
    cls, in_use = split_use(use)
    reg = regime(cls)
    law = appendix(law)
    desc = check_description(law, description)
    in_use = check_description(law, in_use, field="good.use")
    if desc is not None and in_use is not None and desc != in_use:
        raise UserInputError("BOM", "automotive.part_description_class", description,
                             f"contradicts the description in good.use ({in_use})")
    desc = desc or in_use
    if law.codes("definitions/automotive_headings_hs").contains(digits):
        return _cached(law, f"s13:{digits}:{cls}:{desc}", lambda: _s13(law, digits, reg, cls, desc))
    return _cached(law, f"part:{digits}:{cls}", lambda: _part(law, digits, reg, cls, law.date))


