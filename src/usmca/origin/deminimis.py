"""De minimis (USMCA Art. 4.12 and Annex 4-A; UR s. 5).

Value test (Art. 4.12.1; UR s. 5(1)): the good still originates when the non-originating
materials that fail the tariff shift are worth at most ``d`` percent of the transaction value
(adjusted, UR s. 5(1)(a)(i)) or of the total cost (s. 5(1)(a)(ii)) of the good::

    sum(value of failing materials) / base x 100 <= d

Not available (UR s. 5(3)): for the Annex 4-A pairs (a)-(j) of material and good (a table of the
law tree); for goods of Chapters 1-27 unless the material is of a different subheading (k); for
goods of Chapters 50-63 (l), which have instead the weight test.

Weight test (Art. 4.12.3; UR s. 5(6)-(7)): goods of Chapters 50-60 and heading 96.19: the
failing materials weigh at most ``w`` percent of the good, of which elastomeric content at most
``e`` percent; goods of Chapters 61-63: the same, on the component that determines the tariff
classification. Not for sewing thread, narrow elastics, pocket-bag fabric (s. 5(10)).

All percentages (``d``, ``w``, ``e``) and code lists are read from the law tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from usmca.hs import dotted

from .context import Context, P
from .result import Trace

__all__ = ["Failing", "de_minimis"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Failing:
    """A non-originating material (or input of one) that does not make the tariff shift."""

    path: str
    code: str | None
    value: Decimal
    weight: Decimal | None
    elastomeric: bool
    textile_item: str | None
    reason: str
    part: bool = False              # provided for as a part of the good under the HS (Art. 4.2(d))
    missing: str | None = None      # the fact whose absence left the shift undetermined (``materials[2].hs``)


def _value_exception(ctx: Context, good: str, f: Failing) -> str | None:
    """The Annex 4-A / UR s. 5(3) item barring the value de minimis for ``f``, if any."""
    if f.code is None:
        return "material without HS code"
    if ctx.law.codes(P.DM_VALUE_EXCLUDED).contains(good):
        return f"good of chapters {ctx.law.codes(P.DM_VALUE_EXCLUDED)} (s. 5(3)(l))"
    if ctx.law.codes(P.DM_DIFF_SUBHEADING).contains(good) and f.code[:6] == good[:6]:
        return f"good of chapters {ctx.law.codes(P.DM_DIFF_SUBHEADING)} and material of the same subheading (s. 5(3)(k))"
    for item, materials, goods, condition in ctx.de_minimis_exceptions():
        if goods.contains(good) and materials.contains(f.code):
            cond = f"; condition: {condition}" if condition else ""
            return f"Annex 4-A exception, UR s. 5(3)({item}){cond}"
    return None


def de_minimis(ctx: Context, good: str, failing: Sequence[Failing], tv: Decimal | None, total_cost: Decimal | None,
               good_weight: Decimal | None, trace: Trace) -> bool:
    """Whether the failing materials pass under de minimis (value or weight), tracing each step.

    Parameters
    ----------
    ctx
        Law tree on the date.
    good
        HS digits of the good.
    failing
        The materials failing the shift.
    tv, total_cost
        Bases of the value test (adjusted transaction value, total cost); ``None`` when absent.
    good_weight
        Weight of the good (Ch. 50-60, 96.19) or of its classification-determining component
        (Ch. 61-63) for the weight test.
    """
    if not failing:
        return True
    ok_value = _value_test(ctx, good, failing, tv, total_cost, trace)
    if ok_value:
        return True
    return _weight_test(ctx, good, failing, good_weight, trace)


def _value_test(ctx: Context, good: str, failing: Sequence[Failing], tv: Decimal | None,
                total_cost: Decimal | None, trace: Trace) -> bool:
    ref = ctx.law.cite(P.DM_GENERAL)
    for f in failing:
        why = _value_exception(ctx, good, f)
        if why:
            trace.add("de minimis by value", f"not available for {f.path} ({_c(f.code)}): {why}", ref, False)
            return False
    d = ctx.law.number(P.DM_GENERAL)
    total = sum((f.value for f in failing), Decimal(0))
    tried = False
    for name, base in (("transaction value", tv), ("total cost", total_cost)):
        if base is None or base <= 0:
            continue
        tried = True
        share = total / base * HUNDRED
        ok = share <= d
        trace.add("de minimis by value",
                  f"failing materials {total} = {share:.4f}% of {name} {base} {'<=' if ok else '>'} {d}%", ref, ok)
        if ok:
            return True
    if not tried:
        trace.add("de minimis by value", "no transaction value or total cost given", ref, False)
    return False


def _weight_test(ctx: Context, good: str, failing: Sequence[Failing], good_weight: Decimal | None,
                 trace: Trace) -> bool:
    textile = ctx.law.codes(P.DM_TEXTILE_CHAPTERS).contains(good)
    apparel = ctx.law.codes(P.DM_APPAREL_CHAPTERS).contains(good)
    if not (textile or apparel):
        return False
    ref = ctx.law.cite(P.DM_TEXTILE_WEIGHT)
    for f in failing:
        if f.textile_item:
            trace.add("de minimis by weight", f"not available for {f.path}: {f.textile_item} (UR s. 5(10))", ref, False)
            return False
        if f.weight is None:
            trace.add("de minimis by weight", f"{f.path} has no weight", ref, False)
            return False
    if good_weight is None:
        what = "good" if textile else "classification-determining component"
        trace.add("de minimis by weight", f"no weight of the {what} given", ref, False)
        return False
    w = ctx.law.number(P.DM_TEXTILE_WEIGHT)
    e = ctx.law.number(P.DM_ELASTOMERIC)
    total = sum((f.weight for f in failing if f.weight is not None), Decimal(0))
    elast = sum((f.weight for f in failing if f.elastomeric and f.weight is not None), Decimal(0))
    share = total / good_weight * HUNDRED
    eshare = elast / good_weight * HUNDRED
    ok = share <= w and eshare <= e
    base = "good" if textile else "component"
    trace.add("de minimis by weight",
              f"failing materials weigh {share:.4f}% of the {base} (max {w}%), elastomeric {eshare:.4f}% "
              f"(max {e}%)", f"{ref}; {ctx.law.cite(P.DM_ELASTOMERIC)}", ok)
    return ok


def _c(code: str | None) -> str:
    return dotted(code) if code else "no HS code"
