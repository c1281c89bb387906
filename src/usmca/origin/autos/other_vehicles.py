"""RVC of goods for other vehicles (SOR/2020-155 s. 20(2)-(3); 19 CFR 182 App. A s. 20).

"Despite section 13 and Schedule 1, the RVC requirement is" (net cost method only):

- s. 20(2)(h): for a good of 84.07, 84.08 or 8708.40 for use in a motor vehicle of s. 20(2)(a)-(g)
  (``use: other_vehicle_s20_2``), the threshold ``other_vehicles/rvc_nc_62_5``;
- s. 20(3)(b): the same goods for use in a motor vehicle of s. 20(3)(a)
  (``use: other_vehicle_s20_3``), ``other_vehicles/rvc_nc_60``;
- s. 20(3)(c): any other Table F good "subject to an RVC requirement", for use in either class,
  except 8482.10-8482.80, 8483.20, 8483.30 (``other_vehicles/table_f_rvc_excluded_hs``),
  ``other_vehicles/rvc_nc_60``.

Engines and gear boxes are also in Table F; (3)(c) leaves out only the goods of (3)(b), so an
engine for a vehicle of (2)(a)-(g) falls under both (2)(h) and (3)(c): the specific (2)(h) is
applied. The provisions set the RVC *requirement*: the alternatives of the rule (s. 13 or Schedule 1)
that carry an RVC get the s. 20 threshold, by the net-cost method only; alternatives without an
RVC are kept (s. 15(4) for heavy trucks says a good "must meet" the RVC; s. 20 does not). An
aftermarket part (``use: aftermarket``) keeps the s. 13 / Schedule 1 rule. With ``use: other``
the class is not known, so the s. 20 alternatives carry that condition as ``unsupported``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from usmca.errors import UserInputError
from usmca.hs import dotted
from usmca.origin.psr import lookup

from .classify import S20_USES
from .law import AutoLaw, table_codes

__all__ = ["library_alternatives", "other_vehicle_part", "s20_override", "s20_threshold"]

_UNKNOWN_USE = ("applies only to a good for use as original equipment in a vehicle of s. 20(2)(a)-(g) or (3)(a): "
                "declare good.use other_vehicle_s20_2, other_vehicle_s20_3 or aftermarket")


def _num(x: Decimal) -> int | float:
    return int(x) if x == x.to_integral_value() else float(x)


def _ref(law: AutoLaw, rel: str, provision: str) -> dict[str, str]:
    e = law.entry(rel)
    return {"instrument": e.reference.instrument, "provision": provision, "url": e.reference.url}


def _library(hs: str, date: Any) -> Mapping[str, Any] | None:
    """The Annex 4-B rule of the PSR library (``None`` when not encoded or not an HS code it knows)."""
    try:
        return lookup(hs, date)
    except UserInputError:
        return None


def library_alternatives(law: AutoLaw, digits: str, date: Any, nc: Decimal, tv: Decimal | None, mandatory: bool,
                         ref: Mapping[str, str], tv_without_library: bool = True, only_if_rvc: bool = False,
                         condition: str | None = None) -> list[dict[str, Any]] | None:
    """The Annex 4-B (PSR library) rule of a part with its RVC thresholds replaced.

    Parameters
    ----------
    nc, tv
        The Appendix thresholds (``tv`` only where the library rule offers the TV method).
    mandatory
        Drop shift-only alternatives (the RVC must be met: s. 14(2), s. 15(4)).
    only_if_rvc
        Return None when the library rule has no RVC at all (s. 20(3)(c): "subject to an RVC
        requirement"), so the Schedule 1 rule applies unchanged.
    condition
        An ``unsupported`` condition added to every alternative (a fact the BOM did not settle).
    """
    lib = _library(dotted(digits), date)
    alts: list[dict[str, Any]] = []
    if lib and lib.get("alternatives"):
        if only_if_rvc and not any(a.get("rvc") for a in lib["alternatives"]):
            return None
        for a in lib["alternatives"]:
            a = {k: v for k, v in dict(a).items() if k != "reference"}
            if a.get("rvc"):
                new = {"nc": _num(nc)}
                if tv is not None and "tv" in {str(k).lower() for k in a["rvc"]}:
                    new["tv"] = _num(tv)
                a["rvc"] = new
            elif mandatory:
                continue
            a["reference"] = dict(ref)
            alts.append(a)
    if not alts:
        with_tv = tv is not None and tv_without_library
        rvc = {"nc": _num(nc)} | ({"tv": _num(tv)} if tv is not None and with_tv else {})
        alts = [{"shift": "none", "rvc": rvc, "reference": dict(ref),
                 "unsupported": f"the Annex 4-B tariff-shift condition of the rule for {dotted(digits)} is not "
                                "encoded in the PSR library; only its RVC threshold (Appendix) is known"}]
    if condition:
        for a in alts:
            a["unsupported"] = f"{condition}; {a['unsupported']}" if a.get("unsupported") else condition
    return alts


def s20_threshold(law: AutoLaw, digits: str, cls: str | None) -> tuple[str, str] | None:
    """(law-tree path, provision) of the s. 20 RVC for a good for use in an other vehicle, or None."""
    if cls not in S20_USES:
        return None
    if law.codes("other_vehicles/engine_gearbox_hs").contains(digits):
        if cls == "other_vehicle_s20_2":
            return "other_vehicles/rvc_nc_62_5", "s. 20(2)(h)"
        return "other_vehicles/rvc_nc_60", "s. 20(3)(b)"
    if table_codes(law, "tables/f").contains(digits) and not law.codes("other_vehicles/table_f_rvc_excluded_hs").contains(digits):
        return "other_vehicles/rvc_nc_60", "s. 20(3)(c); Table F"
    return None


def s20_override(law: AutoLaw, digits: str, cls: str | None, alts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """s. 13 alternatives of a good of 87.06-87.08 with the s. 20 RVC where the use names the vehicle."""
    found = s20_threshold(law, digits, cls)
    if found is None:
        return alts
    rel, prov = found
    nc = _num(law.number(rel))
    for a in alts:
        if a.get("rvc"):
            a["rvc"] = {"nc": nc}
            a["reference"] = _ref(law, rel, prov)
            a["text"] = f"{a.get('text', 's. 13')}; RVC set by {prov} ({cls})"
    return alts


def _other_engine(law: AutoLaw) -> list[dict[str, Any]]:
    """Engines of 84.07/84.08 for an unnamed other vehicle: s. 20(2)(h) or s. 20(3)(b), each conditional."""
    out = []
    for rel, prov, cond in (("other_vehicles/rvc_nc_62_5", "s. 20(2)(h)", "s. 20(2)(a)-(g)"),
                            ("other_vehicles/rvc_nc_60", "s. 20(3)(b)", "s. 20(3)(a)")):
        out.append({"shift": "none", "rvc": {"nc": _num(law.number(rel))}, "reference": _ref(law, rel, prov),
                    "unsupported": f"applies only to an engine for use in a vehicle of {cond} (declare good.use "
                                   "other_vehicle_s20_2 or other_vehicle_s20_3); the Annex 4-B tariff-shift "
                                   "condition is not evaluated"})
    return out


def other_vehicle_part(law: AutoLaw, digits: str, cls: str | None, date: Any) -> list[dict[str, Any]] | None:
    """The rule of a part outside 87.01-87.08 for an other vehicle or the aftermarket.

    Returns None when Schedule 1 applies unchanged (aftermarket parts, the goods s. 20(3)(c)
    leaves out, goods in no s. 20 list).
    """
    if cls == "aftermarket":
        return None
    found = s20_threshold(law, digits, cls)
    if cls in S20_USES:
        if found is None:
            return None
        rel, prov = found
        return library_alternatives(law, digits, date, law.number(rel), None, False, _ref(law, rel, prov),
                                    tv_without_library=False, only_if_rvc=prov.startswith("s. 20(3)(c)"))
    if law.codes("other_vehicles/engine_gearbox_hs").contains(digits):
        return _other_engine(law)
    found = s20_threshold(law, digits, "other_vehicle_s20_3")
    if found is None:
        return None
    rel, prov = found
    return library_alternatives(law, digits, date, law.number(rel), None, False, _ref(law, rel, prov),
                                tv_without_library=False, only_if_rvc=True, condition=_UNKNOWN_USE)
