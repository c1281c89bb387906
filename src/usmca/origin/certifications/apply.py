"""Qualifying BOMs with the certification register: dependencies, expiries and the renewal what-if.

How the register enters a BOM on a date ``D`` (for each material, nested ones too, that some
certification covers by its id or HS code):

* a **certificate of origin** in force on ``D`` (Art. 5.2) makes the material originating;
* else a **producer statement** in force on ``D`` (Art. 4.11; UR s. 9) becomes the material's
  ``supplier_statement`` (the material stays non-originating; the statement's figures count);
* else, the certifications covering it having lapsed or not yet begun, the material is
  non-originating without a statement: a producer without the supporting certification cannot
  claim the material's originating status or accumulate its value (UR s. 7(21): any material may
  be treated as non-originating).

Materials no certification covers keep what the BOM declares. A determination **depends** on a
certification when removing that one certification turns an originating good into a
non-originating or undetermined one. :func:`expiring` finds the certifications whose blanket
period ends within ``N`` days, the goods that stop qualifying once they lapse, and for each such
good the cheapest renewal that keeps it originating (by ``renewal_cost``; unknown costs rank after
known ones, then the smaller value of materials covered).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Sequence

from ..bom import Bom, Material
from ..qualify import qualify_bom
from .register import Certification

__all__ = ["apply_register", "dependencies", "expiring"]


def _pick(valid: list[Certification]) -> Certification:
    coo = [c for c in valid if c.type == "certificate_of_origin"]
    pool = coo or valid
    return sorted(pool, key=lambda c: (c.signed, c.id))[-1]


def apply_register(bom: Bom, certs: Sequence[Certification], day: dt.date,
                   exclude: Iterable[str] = ()) -> tuple[Bom, dict[str, list[str]]]:
    """The BOM as the register supports it on ``day`` (certifications in ``exclude`` treated as absent).

    Returns
    -------
    (Bom, dict)
        The adjusted BOM, and ``{certification id: [material paths it was applied to]}``.
    """
    skip = set(exclude)
    used: dict[str, list[str]] = {}

    def fix(m: Material, path: str) -> Material:
        subs = [fix(s, f"{path}.{s.id or i}") for i, s in enumerate(m.materials)]
        update: dict[str, Any] = {"materials": subs} if m.materials else {}
        covering = [c for c in certs if c.covers(m.id, m.hs)]
        if covering:
            valid = [c for c in covering if c.id not in skip and c.valid_on(day)]
            if valid:
                c = _pick(valid)
                used.setdefault(c.id, []).append(path)
                if c.type == "certificate_of_origin":
                    update.update(origin="originating", supplier_statement=None)
                else:
                    update.update(origin="non_originating", supplier_statement=c.statement())
            else:
                update.update(origin="non_originating", supplier_statement=None)
        if not update:
            return m
        data = m.model_dump(exclude={"materials"}) | {"materials": [s.model_dump() for s in subs]} | {
            k: v for k, v in update.items() if k != "materials"}
        return Material.model_validate(data)

    mats = [fix(m, m.id or str(i)) for i, m in enumerate(bom.materials)]
    return bom.model_copy(update={"materials": mats}), used


def _status(bom: Bom, certs: Sequence[Certification], day: dt.date, exclude: Iterable[str] = ()
            ) -> tuple[bool | None, dict[str, list[str]]]:
    b, used = apply_register(bom, certs, day, exclude)
    return qualify_bom(b, date=day).originating, used


def _name(bom: Bom) -> str:
    return bom.good.id or bom.good.description or bom.source


def dependencies(boms: Sequence[Bom], certs: Sequence[Certification], day: dt.date) -> list[dict[str, Any]]:
    """Per good: its status on ``day`` with the register, the certifications applied, and those it depends on."""
    out = []
    for b in boms:
        status, used = _status(b, certs, day)
        dep = [cid for cid in sorted(used) if status is True and _status(b, certs, day, {cid})[0] is not True]
        out.append({"good": _name(b), "source": b.source, "hs": b.good.hs, "originating": status,
                    "certifications_used": {k: v for k, v in sorted(used.items())}, "depends_on": dep})
    return out


def _covered_value(bom: Bom, cid: str, used: dict[str, list[str]]) -> Decimal:
    paths = set(used.get(cid, []))
    total = Decimal(0)

    def walk(ms: Sequence[Material], pre: str) -> None:
        nonlocal total
        for i, m in enumerate(ms):
            p = f"{pre}{m.id or i}"
            if p in paths:
                total += m.material_value
            walk(m.materials, p + ".")

    walk(bom.materials, "")
    return total


def expiring(boms: Sequence[Bom], certs: Sequence[Certification], as_of: dt.date, within_days: int
             ) -> dict[str, Any]:
    """Certifications lapsing within ``within_days`` of ``as_of`` and the goods that stop qualifying.

    A certification lapses after the last day of its blanket period; the goods are qualified on
    ``as_of`` with and without the lapsing certifications (the same rules, only the evidence changes).
    """
    horizon = as_of + dt.timedelta(days=within_days)
    lapsing = [c for c in certs if c.valid_on(as_of) and c.blanket_to <= horizon]
    ids = {c.id for c in lapsing}
    by_id = {c.id: c for c in certs}
    goods = []
    for b in boms:
        before, used = _status(b, certs, as_of)
        mine = sorted(ids & set(used))
        if not mine:
            continue
        after, _ = _status(b, certs, as_of, ids)
        row: dict[str, Any] = {"good": _name(b), "source": b.source, "hs": b.good.hs, "originating_now": before,
                               "originating_after": after, "lapsing_certifications": mine,
                               "stops_qualifying": before is True and after is not True}
        if row["stops_qualifying"]:
            row["renewal"] = _cheapest(b, certs, as_of, ids, mine, by_id, used)
        goods.append(row)
    return {"as_of": as_of.isoformat(), "within_days": within_days, "until": horizon.isoformat(),
            "expiring": [{"id": c.id, "supplier": c.supplier, "type": c.type, "blanket_to": c.blanket_to.isoformat(),
                          "days_left": (c.blanket_to - as_of).days,
                          "renewal_cost": None if c.renewal_cost is None else float(c.renewal_cost),
                          "goods": sorted(g["good"] for g in goods if c.id in g["lapsing_certifications"])}
                         for c in sorted(lapsing, key=lambda c: (c.blanket_to, c.id))],
            "goods": goods,
            "stop_qualifying": sorted(g["good"] for g in goods if g["stops_qualifying"])}


def _cheapest(bom: Bom, certs: Sequence[Certification], day: dt.date, lapsing: set[str], mine: list[str],
              by_id: dict[str, Certification], used: dict[str, list[str]]) -> dict[str, Any]:
    """The cheapest single renewal that keeps the good originating, else renewing all it uses."""
    options = []
    for cid in mine:
        if _status(bom, certs, day, lapsing - {cid})[0] is True:
            c = by_id[cid]
            options.append({"renew": [cid], "supplier": c.supplier,
                            "cost": None if c.renewal_cost is None else float(c.renewal_cost),
                            "material_value": float(_covered_value(bom, cid, used))})
    if options:
        options.sort(key=lambda o: (o["cost"] is None, o["cost"] or 0.0, o["material_value"], o["renew"]))
        return {"cheapest": options[0], "options": options}
    keeps = _status(bom, certs, day, lapsing - set(mine))[0] is True
    costs = [by_id[c].renewal_cost for c in mine]
    known = [x for x in costs if x is not None]
    total = float(sum(known, Decimal(0))) if len(known) == len(costs) else None
    return {"cheapest": {"renew": mine, "cost": total, "keeps_originating": keeps}, "options": []}
