"""The product-specific rule of an automotive good (Automotive Appendix; SOR/2020-155 ss. 13-15, 20).

For a good of headings 87.01-87.08 the Appendix sets the whole rule (s. 13): the alternatives of
the ``s13_rules`` table for the good's vehicle class, with the dated RVC thresholds read from the
law tree. For a part of another chapter listed in Tables A.1, B, C (passenger vehicles and light
trucks), D, E (heavy trucks) or F (other vehicles), the Annex 4-B rule (PSR library) applies with
its RVC thresholds replaced by the Appendix's (ss. 14(13), (15), (17); 15(2)-(4); 20(2)-(3)); a
core part (Table A.1, s. 14(2)) and a heavy-truck engine (s. 15(4)) must meet the RVC, so their
shift-only alternatives are dropped. When the library does not encode the Annex 4-B rule the RVC
alternative is returned with an ``unsupported`` note for the tariff-shift part: never a guess.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any, Mapping

from usmca.errors import UserInputError

from ..hs import HsSet, dotted, normalize
from .classify import regime
from .law import AutoLaw, auto_law

__all__ = ["automotive_rule"]

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
    "other": (("tables/f", "other_vehicles/rvc_nc_60", None, False),),
}
_TABLE_NAME = {"tables/a1": "Table A.1", "tables/b": "Table B", "tables/c": "Table C", "tables/d": "Table D",
               "tables/e": "Table E", "tables/f": "Table F"}
_PROVISION = {"tables/a1": "s. 14(2), (13)", "tables/b": "s. 14(14)-(15)", "tables/c": "s. 14(16)-(17)",
              "tables/d": "s. 15(2)", "tables/e": "s. 15(3)", "tables/f": "s. 20(3)(c)"}


def _num(x: Decimal) -> int | float:
    return int(x) if x == x.to_integral_value() else float(x)


def _ref(law: AutoLaw, provision: str, url: str | None = None) -> dict[str, str]:
    e = law.entry("passenger_light_truck/vehicle_rvc")
    return {"instrument": e.reference.instrument, "provision": provision, "url": url or e.reference.url}


def _s13(law: AutoLaw, digits: str, reg: str) -> list[dict[str, Any]] | None:
    t = law.table("s13_rules")
    hit = t[[bool(c.contains(digits)) for c in law.row_codes("s13_rules")]]
    if hit.empty:
        return None
    rows = hit[hit["vehicle_class"] == reg]
    if rows.empty:
        rows = hit[hit["vehicle_class"] == "any"]
    if rows.empty:
        return None
    out = []
    for r in rows.to_dict("records"):
        alt: dict[str, Any] = {"shift": r["shift"]}
        if r["except"]:
            alt["except"] = r["except"].split()
        if r["from_only"]:
            alt["from_only"] = r["from_only"].split()
        rvc = {m: _num(law.number(r[f"rvc_{m}"])) for m in ("nc", "tv") if r[f"rvc_{m}"]}
        if rvc:
            alt["rvc"] = rvc
        if r["unsupported"]:
            alt["unsupported"] = r["unsupported"]
        if r["note"]:
            alt["note"] = r["note"]
        alt["text"] = f"{r['provision']} ({r['vehicle_class']})"
        alt["reference"] = {"instrument": r["instrument"], "provision": r["provision"], "url": r["url"]}
        out.append(alt)
    return out


def _library(hs: str, date: Any) -> Mapping[str, Any] | None:
    try:
        from usmca.origin.psr import lookup
    except ImportError:
        return None
    try:
        return lookup(hs, date)
    except UserInputError:
        return None


def _other_engine(law: AutoLaw) -> list[dict[str, Any]]:
    """Engines of 84.07/84.08 for other vehicles: s. 20(2)(h) (62.5%) or s. 20(3)(b) (60%).

    The class ``other`` does not say which other vehicle (or an aftermarket use, where Schedule 1
    alone applies), so each alternative carries its condition as ``unsupported``.
    """
    out = []
    for rel, prov, cond in (("other_vehicles/rvc_nc_62_5", "s. 20(2)(h)", "s. 20(2)(a)-(g)"),
                            ("other_vehicles/rvc_nc_60", "s. 20(3)(b)", "s. 20(3)(a)")):
        out.append({"shift": "none", "rvc": {"nc": _num(law.number(rel))}, "reference": _ref(law, prov),
                    "unsupported": f"applies only to an engine for use in a vehicle of {cond}; the Annex 4-B "
                                   "tariff-shift condition is not evaluated"})
    return out


def _part(law: AutoLaw, digits: str, reg: str, date: Any) -> list[dict[str, Any]] | None:
    if reg == "other" and digits[:4] in ("8407", "8408"):
        return _other_engine(law)
    for table, nc_path, tv_path, mandatory in _PART_TABLES[reg]:
        if not law.table_codes(table).contains(digits):
            continue
        if table == "tables/a1" and digits.startswith("850760"):
            return None  # s. 14(3), (6): traction batteries keep their Schedule 1 rule
        heavy_engine = reg == "heavy_truck" and digits[:4] in ("8407", "8408")
        mandatory = mandatory or heavy_engine
        nc = law.number(nc_path)
        tv = law.number(tv_path) if tv_path else None
        ref = _ref(law, f"{_PROVISION[table]}{'; s. 15(4)' if heavy_engine else ''}; {_TABLE_NAME[table]}")
        lib = _library(dotted(digits), date)
        alts: list[dict[str, Any]] = []
        if lib and lib.get("alternatives"):
            for a in lib["alternatives"]:
                a = {k: v for k, v in dict(a).items() if k != "reference"}
                if a.get("rvc"):
                    new = {"nc": _num(nc)}
                    if tv is not None and "tv" in {str(k).lower() for k in a["rvc"]}:
                        new["tv"] = _num(tv)
                    a["rvc"] = new
                elif mandatory:
                    continue
                a["reference"] = ref
                alts.append(a)
        if not alts:
            # heavy trucks: TV only "if the corresponding rule includes" it (s. 15(2)-(3)): unknown here
            with_tv = tv is not None and reg != "heavy_truck"
            rvc = {"nc": _num(nc)} | ({"tv": _num(tv)} if with_tv else {})
            alts = [{"shift": "none", "rvc": rvc, "reference": ref,
                     "unsupported": f"the Annex 4-B tariff-shift condition of the rule for {dotted(digits)} is not "
                                    "encoded in the PSR library; only its RVC threshold (Appendix) is known"}]
        return alts
    return None


def _cached(law: AutoLaw, key: str, build: Any) -> list[dict[str, Any]] | None:
    if key not in law._cache:
        law._cache[key] = build()
    found = law._cache[key]
    return copy.deepcopy(found) if found is not None else None


def automotive_rule(hs: str, use: str | None, date: dt.date | str, tree: Any) -> list[dict[str, Any]] | None:
    """The Automotive Appendix rule of a good, or ``None`` when the good is not automotive.

    Parameters
    ----------
    hs
        HS code of the good (dotted or digits, 6 digits or more).
    use
        Vehicle class the good is, or is for: ``passenger_vehicle``, ``light_truck``,
        ``heavy_truck``, ``other`` (other vehicles, aftermarket) or ``None`` (read as ``other``).
    date
        Date the rule must be in force on (selects the RVC phase-in step).
    tree
        The law tree (:func:`usmca.law.default_tree` or a reformed tree).

    Returns
    -------
    list of dict or None
        Alternatives in the rule language (any one suffices), each with its ``reference``
        (SOR/2020-155 Part 6 provision); thresholds are the dated values, e.g. for a passenger
        vehicle ``[{"shift": "CTH", "rvc": {"nc": 75}, ...}]`` from 2023-07-01 (s. 13).

    Raises
    ------
    UserInputError
        When ``hs`` is not an HS code or ``use`` not a known class.
    """
    try:
        digits = normalize(hs)
    except ValueError as exc:
        raise UserInputError("BOM", "good.hs", hs, str(exc)) from None
    reg = regime(use)
    law = auto_law(tree, date)
    if law.codes("definitions/automotive_headings_hs").contains(digits):
        return _cached(law, f"s13:{digits}:{reg}", lambda: _s13(law, digits, reg))
    return _cached(law, f"part:{digits}:{reg}", lambda: _part(law, digits, reg, date))
