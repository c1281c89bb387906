"""Evaluation of one alternative of a product-specific rule on one good (USMCA Art. 4.2(b)).

An alternative holds when every part present holds (AND):

1. tariff shift on each non-originating material (Annex 4-B; UR s. 3(2)), with de minimis for
   the failing ones (Art. 4.12; UR s. 5(1), (6)-(7));
2. regional value content (Art. 4.5): ``RVC_TV = (TV - VNM)/TV x 100 >= t_TV`` or
   ``RVC_NC = (NC - VNM)/NC x 100 >= t_NC`` (compared unrounded); the net-cost method only when
   the rule has no TV threshold (UR s. 7(6)); waived when ``VNM <= w`` percent of TV or total
   cost (UR s. 5(4));
3. no condition the engine cannot evaluate (``unsupported``): else the result is undetermined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, Sequence

from .context import Context, P
from .deminimis import Failing, de_minimis
from .lines import Line, shift_failures
from .outcome import Method, RvcMethod, RvcTest
from .result import Trace
from .rules import Alternative
from .rvc import rvc_net_cost, rvc_transaction_value

__all__ = ["Bases", "AltResult", "evaluate_alternative", "rvc_requirement", "rvc_tests"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Bases:
    """Value bases of one good: adjusted TV, net cost, total cost, VNM by method, weights."""

    tv: Decimal | None
    nc: Decimal | None
    total_cost: Decimal | None
    vnm_tv: Decimal
    vnm_nc: Decimal
    method: Method
    weight: Decimal | None = None     # weight for the textile de minimis (good or component)
    averaged: bool = False            # nc / vnm_nc are sums over an averaging period (UR s. 7(15))


@dataclass
class AltResult:
    """Outcome of one alternative."""

    index: int
    passed: bool | None
    failing: list[Failing] = field(default_factory=list)
    shift_ok: bool | None = True
    rvc: RvcTest | None = None
    rvc_tests: list[RvcTest] = field(default_factory=list)
    thresholds: dict[str, Decimal] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)   # facts whose absence leaves it undetermined


def rvc_requirement(ctx: Context, alt: Alternative) -> dict[str, Decimal]:
    """The RVC thresholds of ``alt``, raised to the review floor when that option is in effect."""
    req = dict(alt.rvc or {})
    if req and ctx.law.get(P.FLOOR_IN_EFFECT, False):
        for m, path in (("TV", P.FLOOR_TV), ("NC", P.FLOOR_NC)):
            floor = ctx.law.get(path)
            if m in req and floor is not None:
                req[m] = max(req[m], Decimal(repr(floor)) if isinstance(floor, float) else Decimal(floor))
    return req


def rvc_tests(req: dict[str, Decimal], b: Bases, trace: Trace, reference: str, label: str = "RVC",
              where: str = "good", missing: list[str] | None = None
              ) -> tuple[bool | None, RvcTest | None, list[RvcTest]]:
    """Run the RVC test(s) the producer may use; pass when any allowed method passes (UR s. 7(1)).

    A method whose base is not given (no transaction value, no costs) cannot be tested: when no
    test passes and some allowed method could not be tested, the answer is undetermined
    (``None``) and the fact is appended to ``missing`` (``good.transaction_value``,
    ``good.costs``; ``where`` names the node), never "fails".

    Returns
    -------
    (passed, decisive, tests)
        ``decisive`` is the passing test, else the one with the largest margin.
    """
    allowed = _allowed_methods(req, b, trace, label)
    tests: list[RvcTest] = []
    lacking: list[str] = []
    for m in allowed:
        base, vnm = (b.tv, b.vnm_tv) if m == "TV" else (b.nc, b.vnm_nc)
        if base is None or base <= 0:
            fact = f"{where}.transaction_value" if m == "TV" else f"{where}.costs"
            trace.add(f"{label} ({m})", f"no {'transaction value' if m == 'TV' else 'net cost'} given: "
                      f"cannot compute (missing {fact})", reference, None)
            lacking.append(fact)
            continue
        value = rvc_transaction_value(base, vnm) if m == "TV" else rvc_net_cost(base, vnm)
        thr = req[m]
        ok = value >= thr
        tests.append(RvcTest(m, value, thr, value - thr, ok, base, vnm))
        formula = "(TV - VNM) / TV" if m == "TV" else "(NC - VNM) / NC"
        trace.add(f"{label} ({m})", f"{formula} x 100 = ({base} - {vnm}) / {base} x 100 = {value:.6f}% "
                  f"{'>=' if ok else '<'} {thr}%", reference, ok)
    passing = [t for t in tests if t.passed]
    if lacking and not passing and missing is not None:
        missing.extend(lacking)
    if not tests:
        return (None if lacking else False), None, tests
    decisive = passing[0] if passing else max(tests, key=lambda t: t.margin)
    return (True if passing else None if lacking else False), decisive, tests


def _allowed_methods(req: dict[str, Decimal], b: Bases, trace: Trace, label: str) -> list[RvcMethod]:
    """The RVC methods the producer may use: its choice when the rule has it, else the rule's (UR s. 7(1), (6))."""
    allowed: list[RvcMethod] = [m for m in ("TV", "NC") if m in req]
    if b.method in ("TV", "NC") and b.method in allowed:
        return [b.method]
    if b.method == "TV" and "TV" not in allowed:
        trace.add(label, "the rule has no transaction-value threshold: the net-cost method is required",
                  "USMCA Art. 4.5.4; UR s. 7(6)")
    return allowed


def _waiver(ctx: Context, b: Bases, trace: Trace) -> bool:
    """RVC de minimis waiver (UR s. 5(4)): all VNM <= w% of TV or total cost."""
    w = ctx.law.number(P.DM_RVC_WAIVER)
    ref = ctx.law.cite(P.DM_RVC_WAIVER)
    for name, base, vnm in (("transaction value", b.tv, b.vnm_tv), ("total cost", b.total_cost, b.vnm_nc)):
        if base is not None and base > 0:
            share = vnm / base * HUNDRED
            if share <= w:
                trace.add("RVC waiver", f"all VNM {vnm} = {share:.4f}% of {name} {base} <= {w}%: the RVC "
                          "requirement need not be met", ref, True)
                return True
    return False


def evaluate_alternative(ctx: Context, i: int, alt: Alternative, good: str, lines: Sequence[Line], b: Bases,
                         trace: Trace, rule_ref: str, where: str = "good") -> AltResult:
    """Evaluate alternative ``i`` of a rule on a good.

    The alternative passes (True), fails (False), or is undetermined (None) when a fact it needs is
    missing and what is known does not already fail it: a material without an HS code (or with one
    too short) for the shift, a transaction value or costs for the RVC. ``missing`` names them.
    """
    res = AltResult(i, None)
    label = f"alternative {i + 1}"
    trace.add(label, _describe(alt), rule_ref)
    # 1. tariff shift on each non-originating material
    failing = _shift_part(ctx, label, alt, good, lines, trace)
    res.failing = failing
    shift_ok = _shift_verdict(ctx, good, failing, b, trace, res.missing)
    res.shift_ok = shift_ok
    # 2. regional value content
    rvc_ok: bool | None = True
    req = rvc_requirement(ctx, alt)
    res.thresholds = req
    if req:
        if req != dict(alt.rvc or {}):
            trace.add(f"{label}: RVC", f"review floor raises the thresholds to {_fmt(req)}", ctx.law.cite(P.FLOOR_TV))
        if _waiver(ctx, b, trace):
            rvc_ok = True
        else:
            rvc_ok, decisive, tests = rvc_tests(req, b, trace, "USMCA Art. 4.5; UR s. 7(2)-(3)", f"{label}: RVC",
                                                where, res.missing)
            res.rvc, res.rvc_tests = decisive, tests
    # 3. conditions outside the engine
    if shift_ok and rvc_ok and alt.unsupported:
        trace.add(f"{label}: condition", f"cannot be evaluated by the engine: {alt.unsupported}",
                  "USMCA Annex 4-B", None)
        res.passed = None
        return res
    if shift_ok is False or rvc_ok is False:
        res.passed = False
        res.missing.clear()  # what is known already fails the alternative
    else:
        res.passed = None if (shift_ok is None or rvc_ok is None) else True
    return res


def _shift_part(ctx: Context, label: str, alt: Alternative, good: str, lines: Sequence[Line], trace: Trace
                ) -> list[Failing]:
    """The non-originating materials failing the alternative's shift (Annex 4-B; UR s. 3(2)); in a
    good of Ch. 61-63 only those of the component that determines its classification (UR s. 5(9))."""
    failing: list[Failing] = []
    notes: list[str] = []
    tested = [ln for ln in lines if ln.tested]
    if any(ln.material.component for ln in lines) and ctx.law.codes(P.DM_APPAREL_CHAPTERS).contains(good):
        others = [ln for ln in tested if not ln.material.component]
        tested = [ln for ln in tested if ln.material.component]
        if others:
            trace.add(f"{label}: tariff shift", f"{len(others)} non-originating materials outside the component that "
                      "determines the classification are disregarded", "UR s. 5(9); Schedule 1, Ch. 61 Note 2, "
                      "Ch. 62 Note 2, Ch. 63 Note 2")
    if alt.level > 0:
        for ln in tested:
            f, n = shift_failures(ln, alt, good)
            failing += f
            notes += n
        for note in notes:
            trace.add(f"{label}: tariff shift", f"undetermined: {note}", "UR s. 3(2)", None)
        if failing:
            trace.add(f"{label}: tariff shift", "fails for " + "; ".join(f"{f.path} ({f.reason})" for f in failing),
                      "USMCA Annex 4-B; UR s. 3(2)", False)
        else:
            trace.add(f"{label}: tariff shift", f"all {len(tested)} non-originating materials make the "
                      f"{alt.shift} shift", "USMCA Annex 4-B; UR s. 3(2)", True)
    return failing


def _shift_verdict(ctx: Context, good: str, failing: list[Failing], b: Bases, trace: Trace,
                   missing: list[str]) -> bool | None:
    """The shift with de minimis (Art. 4.12): True, False, or None when only materials whose shift
    could not be tested (``Failing.missing``) keep it from passing."""
    if not failing or de_minimis(ctx, good, failing, b.tv, b.total_cost, b.weight, trace):
        return True
    unknown = [f for f in failing if f.missing]
    known = [f for f in failing if not f.missing]
    if not unknown or (known and not de_minimis(ctx, good, known, b.tv, b.total_cost, b.weight, Trace())):
        return False
    missing.extend(sorted({f.missing for f in unknown if f.missing}))
    return None


def _describe(alt: Alternative) -> str:
    parts = []
    if alt.level:
        parts.append(alt.shift + (f" except from {alt.except_}" if alt.except_ else "")
                     + (f" only from {alt.from_only}" if alt.from_only else ""))
    else:
        parts.append("no change in tariff classification required")
    if alt.rvc:
        parts.append("RVC " + _fmt(alt.rvc))
    if alt.unsupported:
        parts.append(f"and: {alt.unsupported}")
    return "; ".join(parts) + (f" — {alt.text}" if alt.text else "")


def _fmt(req: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{k} >= {v}%" for k, v in req.items())


def same_subheading(failing: Sequence[Failing], good: str) -> bool:
    """All failing materials are parts of the good classified in its subheading (or undivided heading)."""
    return bool(failing) and all(f.part and f.code is not None and len(f.code) >= 6 and f.code[:6] == good[:6]
                                 for f in failing)
