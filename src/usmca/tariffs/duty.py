"""Duty of one entry line on a date, measure by measure (``usmca tariffs duty``).

.. math::

    D = v\\,\\frac{r_{\\text{col1}}}{100} + q\\, s + \\sum_m v\\, b_m \\frac{r_m}{100},
    \\qquad \\text{rate} = 100\\, D / v

where :math:`r_{\\text{col1}}` is the column-1 general (MFN) ad valorem rate, or the USMCA special
rate (program S/S+, HTSUS General Note 11) when a valid claim is made; :math:`s` the specific
rate per unit and :math:`q` the quantity (omitted, and said so, when no quantity is given);
:math:`r_m, b_m` the rate and base share of each additional measure after the non-stacking rules
(see :mod:`usmca.tariffs.measures`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from usmca.errors import UserInputError
from usmca.law import LawTree, default_tree, parse_date
from usmca.law.countries import check_country

from .deals import apply_deals, deal_covers
from .declared import declarable_headings, entry_facts, labels
from .measures import Goods, evaluate
from .schedule import HtsLine, Schedule, load_schedule, normalise_hts

__all__ = ["duty", "DutyResult", "Component"]

HTS_URL = "https://hts.usitc.gov/"


@dataclass(frozen=True)
class Component:
    """One measure's share of the duty."""

    measure: str
    label: str
    rate: float
    base: float
    duty: float
    reference: dict[str, Any]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "label": self.label, "rate": self.rate, "base": self.base,
                "duty": self.duty, "reference": self.reference, **({"note": self.note} if self.note else {})}


@dataclass(frozen=True)
class DutyResult:
    """The duty of an entry line: total, and one component per measure with its reference."""

    hts: str
    description: str
    origin: str
    date: dt.date
    value: float
    usmca_claim: bool
    us_content: float | None
    total_rate: float
    total_duty: float
    components: tuple[Component, ...]
    schedule: dict[str, Any]
    warnings: tuple[str, ...] = field(default_factory=tuple)
    declared: tuple[str, ...] = field(default_factory=tuple)
    declarable: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``usmca tariffs duty --json``."""
        return {"hts": self.hts, "description": self.description, "origin": self.origin,
                "date": self.date.isoformat(), "value": self.value, "usmca_claim": self.usmca_claim,
                "us_content": self.us_content, "total_rate": self.total_rate, "total_duty": self.total_duty,
                "declared": list(self.declared), "declarable": list(self.declarable),
                "components": [c.to_dict() for c in self.components],
                "schedule": self.schedule, "warnings": list(self.warnings)}

    def to_frame(self) -> Any:
        """The main table of this result as a pandas DataFrame of floats (:mod:`usmca.frames`)."""
        from usmca.frames import result_frame

        return result_frame(self)

    def to_frames(self) -> Any:
        """Every table of this result as pandas DataFrames of floats (:mod:`usmca.frames`)."""
        from usmca.frames import result_frames

        return result_frames(self)


@functools.lru_cache(maxsize=4096)
def _line(schedule: Schedule, hts: str, date: dt.date) -> HtsLine:
    return schedule.line(hts, date)


def _number(x: Any, option: str) -> float:
    """``x`` as a float, or a :class:`UserInputError` naming ``option`` (bools are not numbers)."""
    if isinstance(x, bool):
        raise UserInputError(option, "", x, "expected a number")
    try:
        return float(x)
    except (TypeError, ValueError):
        raise UserInputError(option, "", x, "expected a number") from None


def duty(hts: str, origin: str, date: Any, value: float, *, usmca_claim: bool = False,
         us_content: float | None = None, tree: LawTree | None = None, quantity: float | None = None,
         unit_value: float | None = None, usmca: bool | None = None,
         schedule: Schedule | None = None, declared: Any = None) -> DutyResult:
    """Duty owed on one entry line.

    Parameters
    ----------
    hts
        HTS code, 8 or 10 digits (dots optional).
    origin
        Country of origin, ISO 3166-1 alpha-2.
    date
        Date of entry (``YYYY-MM-DD`` or a date).
    value
        Customs value in USD (>= 0).
    usmca_claim
        A USMCA claim is made (valid for origins in ``us/general_note_11/parties``).
    us_content
        US content as a fraction of value, for measures that tax only non-US content.
    tree
        The law tree (default: the law in force); pass a reformed tree for scenarios.
    quantity
        Quantity in the line's specific-rate unit, for specific and compound duties.
    unit_value
        Value per unit of that quantity (USD); without a quantity, the specific part is taken as
        its ad valorem equivalent :math:`100 s / u` (:func:`usmca.tariffs.rates.ave`).
    usmca
        Alias of ``usmca_claim`` (the HTTP API's name).
    schedule
        The HTS schedule (default: the store, else the shared sample editions).
    declared
        Chapter 99 headings the entry declares (``9903.82.01``, ``9903.79.03``, ...): facts only
        the importer knows (no metal content; an end use). Each must be named by the
        ``entry_facts`` of a measure in force on the date (:mod:`.declared`); none is assumed.

    Raises
    ------
    UserInputError
        Unknown HTS code, bad country code, negative value, date outside the schedule data.
    """
    claim = bool(usmca_claim or usmca)
    when = parse_date(date, "--date")
    code = normalise_hts(hts)
    if code.startswith("99"):
        raise UserInputError("--hts", "", hts, "chapter 99 headings are additional duties, not classifications: "
                             "give the chapter 1-98 code of the good")
    cc = check_country(origin, "--origin")
    v = _number(value, "--value")
    if not math.isfinite(v) or v < 0:
        raise UserInputError("--value", "", value, "a customs value is a finite number >= 0")
    if us_content is not None and not (0.0 <= _number(us_content, "--us-content") <= 1.0):
        raise UserInputError("--us-content", "", us_content, "US content is a fraction between 0 and 1")
    if quantity is not None and (not math.isfinite(_number(quantity, "--quantity")) or float(quantity) < 0):
        raise UserInputError("--quantity", "", quantity, "a quantity is a finite number >= 0")
    if unit_value is not None and (not math.isfinite(_number(unit_value, "--unit-value")) or float(unit_value) <= 0):
        raise UserInputError("--unit-value", "", unit_value, "a unit value is a finite number > 0")
    law = tree if tree is not None else default_tree()
    sched = schedule if schedule is not None else load_schedule()
    line = _line(sched, code, when)
    goods = Goods.one(line.hts, cc)
    facts = frozenset(str(h).strip() for h in ([declared] if isinstance(declared, str) else declared or ()))
    ev = evaluate(goods, when, np.array([claim]), law,
                  None if us_content is None else np.array([float(us_content)]), explain=True,
                  declared_headings=facts)
    _check_declared(facts, ev.measures.values(), when)
    valid = bool(ev.claim[0])
    warnings: list[str] = []
    comps = [_column1(line, v, valid, quantity, unit_value, warnings)]
    deal = apply_deals(ev, goods, when, law, np.array([comps[0].rate]))
    if claim and not valid:
        warnings.append(f"USMCA claim ignored: origin {cc} is not a USMCA party")
    if deal_covers(cc, law, when):
        warnings.append(f"origin {cc}: deal product exemptions (e.g. civil aircraft, generic pharmaceuticals) "
                        "and FTA column-1 special rates are not encoded")
    elif not ev.origin_is_party[0]:
        warnings.append(f"origin {cc}: Section 301, country-specific reciprocal rates and other origin-specific "
                        "measures outside us/ are not encoded; the duty may be understated")
    names = labels(law)
    for key, r in ev.rate.items():
        rate = float(r[0])
        if rate <= 0:
            continue
        b = float(ev.base[key][0])
        entry = ev.entry(key, cc)
        note = ""
        if key in deal.mask and deal.mask[key][0]:
            entry = deal.entry(key, cc, law, when)
            a = f"{float(entry.value):g}"
            add = ev.measures[key].deal_additive
            where = add.entry.path if add is not None and add.entry is not None else "deal_additive"
            note = (f"deal rate {a}% added to column 1 ({where})"
                    if comps[0].rate > 0 and rate == float(a) else f"deal all-in rate {a}% less column 1")
        if b < 1.0:
            note = (note + "; " if note else "") + f"applies to non-US content ({b:.4g} of value)"
        elif valid and us_content is None and ev.non_us_content[key][0]:
            warnings.append(f"{key}: no --us-content given; the rate is applied to the full value")
        full = ev.measures[key].full_value_scope
        if full is not None and not goods.in_scope(full.uniform)[0]:
            note = (note + "; " if note else "") + "derivative: the legal base is the metal content"
        comps.append(Component(key, names.get(key, key), rate, v * b, v * b * rate / 100.0,
                               entry.reference.to_dict() if entry is not None else {}, note))
    for key, hit in deal.mask.items():
        if hit[0] and float(ev.rate[key][0]) <= 0:
            warnings.append(f"{key} not applied: column 1 ({comps[0].rate:.4g}%) is at or above the deal's "
                            f"all-in rate ({deal.entry(key, cc, law, when).reference.url})")
        if hit[0] and line.rate_type in ("specific", "compound") and quantity is None and unit_value is None:
            warnings.append(f"{key}: deal all-in rate measured against the ad valorem part of column 1 only")
    for m in ev.measures.values():
        f = entry_facts(m)
        need = f.requires if f is not None else ()
        if need and not facts.intersection(need) and (m.scope is None or goods.in_scope(m.scope.uniform)[0]):
            why = f" ({f.when})" if f is not None and f.when else ""
            warnings.append(f"{m.key} not applied: it applies only when the entry declares {' or '.join(need)}{why}")
    warnings += _unused_declarations(facts, ev, line.htsno, cc, when)
    for key, who in ev.excluded_by.items():
        if who[0] and str(who[0]).startswith("declared "):
            facts_at = ev.measures[key].entry_facts
            where = facts_at.entry.path if facts_at is not None and facts_at.entry is not None else ev.measures[key].path
            warnings.append(f"{key} not applied: {who[0]} on the entry ({where})")
        elif who[0]:
            warnings.append(f"{key} not applied: excluded by {who[0]} (us/stacking/excludes)")
    total = sum(c.duty for c in comps)
    if not math.isfinite(total):
        raise UserInputError("--value", "", value, "too large: the duty is not a finite number")
    return DutyResult(
        hts=line.htsno, description=line.description, origin=cc, date=when, value=v, usmca_claim=claim,
        us_content=None if us_content is None else float(us_content),
        total_rate=100.0 * total / v if v > 0 else sum(c.rate for c in comps),
        total_duty=total, components=tuple(comps),
        schedule={"revision": line.revision, "source": line.source, "effective_from": line.effective_from.isoformat(),
                  "effective_to": line.effective_to.isoformat()},
        warnings=tuple(warnings), declared=tuple(sorted(facts)), declarable=_declarable(ev, goods, cc))


def _declarable(ev: Any, goods: Goods, cc: str) -> tuple[str, ...]:
    """The chapter 99 headings an entry of this line could declare: those read by the ``entry_facts``
    of a measure in force whose product scope holds the line (on the date, for its origin)."""
    out: set[str] = set()
    for m in ev.measures.values():
        f = entry_facts(m)
        if f is None:
            continue
        codes = m.scope.for_partner(cc)[0] if m.scope is not None else None
        if m.scope is None or (codes is not None and goods.in_scope(codes)[0]):
            out |= f.headings
    return tuple(sorted(out))


def _unused_declarations(facts: frozenset[str], ev: Any, htsno: str, cc: str, when: dt.date) -> list[str]:
    """A warning per declared heading that changed nothing on this line (no measure it concerns
    covers the good, e.g. 9903.82.06 on an article of steel of U.S. note 16(c)(iii))."""
    out = []
    for h in sorted(facts):
        used = any(float(ev.rate[k][0]) > 0 or k in ev.excluded_by
                   for k, m in ev.measures.items() if (f := entry_facts(m)) is not None and h in f.requires)
        used = used or any(str(who[0]) == f"declared {h}" for who in ev.excluded_by.values())
        if not used:
            out.append(f"declared {h} does not change the duty: no measure it concerns applies to {htsno} "
                       f"of {cc} on {when}")
    return out


def _check_declared(facts: frozenset[str], measures: Any, when: dt.date) -> None:
    """Every declared chapter 99 heading must be one the ``entry_facts`` of a measure in force on
    ``when`` names (a heading no measure reads would be silently ignored)."""
    if not facts:
        return
    known = declarable_headings(measures)
    for code in sorted(facts - known):
        raise UserInputError("--declare", "", code, "not a chapter 99 heading that an entry can declare on "
                             f"{when} (known: {', '.join(sorted(known)) or 'none'})")


def _column1(line: HtsLine, v: float, valid: bool, quantity: float | None, unit_value: float | None,
             warnings: list[str]) -> Component:
    ref = {"instrument": f"HTSUS {line.revision}", "provision": f"{line.htsno}, column 1", "url": HTS_URL}
    if valid and line.usmca_spi:
        ref = {"instrument": f"HTSUS {line.revision}; General Note 11 (USMCA)",
               "provision": f"{line.htsno}, column 1 special, program {line.usmca_spi}", "url": HTS_URL}
        rate = 0.0 if math.isnan(line.usmca_adv_pct) else line.usmca_adv_pct
        return Component("usmca_preference", "USMCA preferential rate", rate, v, v * rate / 100.0, ref,
                         f"in lieu of column 1 general {line.general!r}")
    if valid and not line.usmca_spi and line.rate_type not in ("free", "none"):
        warnings.append(f"line {line.htsno} lists no USMCA program (S/S+): column 1 general applies")
    adv = 0.0 if math.isnan(line.adv_pct) else line.adv_pct
    d = v * adv / 100.0
    note = ""
    if line.rate_type in ("specific", "compound"):
        if quantity is not None:
            d += float(quantity) * line.specific_usd
            note = f"specific part {line.specific_usd:g} USD/{line.specific_unit} x {float(quantity):g}"
        elif unit_value is not None:
            d += v * line.specific_usd / float(unit_value)
            note = f"specific part as ad valorem equivalent at {float(unit_value):g} USD/{line.specific_unit}"
        else:
            warnings.append(f"specific duty {line.general!r} not computed: give a quantity in {line.specific_unit}")
    elif line.rate_type in ("none", "other"):
        warnings.append(f"column 1 rate {line.general!r} could not be read as ad valorem")
    return Component("mfn", "Column 1 general (MFN)", 100.0 * d / v if v > 0 else adv, v, d, ref, note)
