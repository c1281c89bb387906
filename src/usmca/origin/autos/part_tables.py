"""The Table D and Table E RVC of a heavy-truck part, a requirement beside its product-specific rule.

SOR/2020-155 s. 15(2): "Despite the Product Specific Rules of Origin in Schedule 1, the following
RVC thresholds apply to parts listed in Table D that are for use in a heavy truck: (a) 60% under
the net cost method or 70% under the transaction value method if the corresponding rule includes a
transaction value method, beginning on July 1, 2020 [...]"; s. 15(3) says the same of Table E
(50% / 60% from 2020). Unlike Tables B and C, whose parts originate on "the applicable change in
tariff classification requirement or the applicable RVC requirement provided in Schedule 1"
(s. 14(14), (16)), a Table D or E part for use in a heavy truck must meet the RVC **in addition**
to its Schedule 1 rule: CBP, HQ H313365 (September 30, 2021; Mitsubishi heavy-truck starters of
subheading 8511.40, assembled in Mexico and making the tariff shift of GN 11(o) chapter 85 rule
29): the starters imported for use as original equipment in new heavy trucks must also have a
regional value content of 60% (net cost) or 70% (transaction value), rising by date; the ones sold
as aftermarket parts qualify on the shift (https://rulings.cbp.gov/ruling/H313365).

So, for a good with ``good.use: heavy_truck`` (original equipment for a heavy truck; an
``aftermarket`` use does not trigger it) whose code is in Table D or E::

    RVC_NC = (NC - VNM) / NC x 100 >= t_NC    or    RVC_TV = (TV - VNM) / TV x 100 >= t_TV

with the thresholds of the date from the law tree (``heavy_truck/principal_parts_rvc_*`` for
Table D, ``heavy_truck/complementary_parts_rvc_*`` for Table E). The TV method is offered when the
Schedule 1 rule has a TV method or, as in HQ H313365, no RVC at all; not when its RVC is net cost
only. The RVC is the origin core's, under the producer's method (:data:`usmca.origin.hooks.Evaluate`);
without the costs it needs the requirement is undetermined, never failed. An engine, gear box or
chassis of s. 15(4) already carries the RVC in its rule (:mod:`.rule`) and is not tested twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from usmca.hs import dotted
from usmca.origin.psr import lookup

from .gaps import describe, rvc_gap
from .law import AutoLaw, table_codes
from .nested import Roll

__all__ = ["part_table_requirement", "TABLES"]

#: (table, NC threshold path, TV threshold path, provision) of the heavy-truck part tables.
TABLES = (
    ("tables/d", "heavy_truck/principal_parts_rvc_nc", "heavy_truck/principal_parts_rvc_tv", "s. 15(2); Table D"),
    ("tables/e", "heavy_truck/complementary_parts_rvc_nc", "heavy_truck/complementary_parts_rvc_tv",
     "s. 15(3); Table E"),
)
#: The CBP ruling that reads s. 15(2) as a requirement in addition to the Schedule 1 rule.
RULING = "CBP HQ H313365 (2021-09-30), https://rulings.cbp.gov/ruling/H313365"


def _num(x: Decimal) -> int | float:
    return int(x) if x == x.to_integral_value() else float(x)


def _fmt(x: Decimal) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _tv_offered(digits: str, law: AutoLaw) -> bool:
    """The Schedule 1 rule of the part has a TV method, or no RVC at all (HQ H313365)."""
    try:
        lib: Mapping[str, Any] | None = lookup(dotted(digits), law.date)
    except ValueError:
        lib = None
    alts = (lib or {}).get("alternatives") or []
    rvcs = [{str(k).lower() for k in a["rvc"]} for a in alts if isinstance(a, Mapping) and a.get("rvc")]
    return not rvcs or any("tv" in r for r in rvcs)


def part_table_requirement(law: AutoLaw, roll: Roll, digits: str, cls: str | None) -> list[dict[str, Any]]:
    """The s. 15(2)/(3) RVC of a Table D/E part for use in a heavy truck, or ``[]`` where it does not apply."""
    if cls != "heavy_truck" or law.codes("heavy_truck/rvc_mandatory_parts_hs").contains(digits):
        return []
    row = next((t for t in TABLES if table_codes(law, t[0]).contains(digits)), None)
    if row is None:
        return []
    _, nc_rel, tv_rel, provision = row
    nc, tv = law.number(nc_rel), law.number(tv_rel)
    rvc: dict[str, Any] = {"nc": _num(nc)}
    if _tv_offered(digits, law):
        rvc["tv"] = _num(tv)
    step = f"{provision.split('; ')[1]} RVC (heavy-truck part, original equipment)"
    ref = f"{law.cite(nc_rel)}; {law.cite(tv_rel)}; SOR/2020-155 {provision}; {RULING}"
    wanted = " or ".join(f"{v}% ({k.upper()})" for k, v in rvc.items())
    rolled = roll([{"shift": "none", "rvc": rvc, "text": f"SOR/2020-155 {provision}"}])
    test = rolled.rvc if rolled is not None else None
    if rolled is None or rolled.originating is None or (test is None and rolled.originating is not True):
        return [{"step": step, "result": f"the part's RVC cannot be computed from the BOM (needs {wanted}: the "
                 "transaction value or the net cost, and the materials)", "reference": ref, "passed": None,
                 "value": None, "threshold": nc, "gap": None}]
    if test is None:  # exclusively originating materials, or all VNM within the RVC waiver (UR s. 5(4))
        return [{"step": step, "result": f"met without an RVC test (exclusively originating materials or VNM "
                 f"within the RVC de minimis waiver); required: {wanted}", "reference": ref,
                 "passed": True, "value": None, "threshold": None, "gap": None}]
    ok = test.passed
    gap = None
    if not ok and test.method == "NC":
        gap = rvc_gap(test.value, test.threshold, test.base, test.vnm, "the part")
    result = (f"RVC ({test.method}) ({test.base} - {test.vnm}) / {test.base} x 100 = {_fmt(test.value)}% "
              f"{'>=' if ok else '<'} {_fmt(test.threshold)}% (required: {wanted}, besides the Schedule 1 rule: "
              "CBP HQ H313365)")
    return [{"step": step, "result": result + describe(gap), "reference": ref, "passed": ok, "value": test.value,
             "threshold": test.threshold, "gap": gap}]
