"""Origin determination of one good or self-produced material (USMCA Art. 4.2; UR s. 3-9).

The routes of Art. 4.2, tried in this order, give the certificate's origin criterion:

* ``A`` wholly obtained or produced entirely in the territory (Art. 4.2(a), 4.3; UR s. 3(1));
* ``C`` produced entirely in the territory exclusively from originating materials (4.2(c);
  UR s. 3(3));
* ``B`` the product-specific rule satisfied (4.2(b); UR s. 3(2)), any one alternative; sets of
  GRI 3 by the sets rule (Art. 4.17; UR s. 6);
* ``D`` the parts exception (4.2(d); UR s. 3(4)): non-originating parts classified with the good
  in the same subheading (or undivided heading), or an unassembled good classified as assembled
  by GRI 2(a), with ``RVC >= t_TV`` (TV) or ``>= t_NC`` (NC); not for Chapters 61-63;
* ``E`` (United States, 19 U.S.C. 4531(b)(1)(E); UR s. 3(7)): a Table 2.10.1 good imported from
  a USMCA country.

Automotive requirements (Appendix to Annex 4-B) and review options (a cap on non-market-economy
content) are then ANDed with the result. Materials are rolled up first (:mod:`.lines`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from usmca.hs import dotted

from .alternatives import (
    AltResult,
    Bases,
    evaluate_alternative,
    rvc_tests,
    same_subheading,
)
from .averaging import PeriodResult
from .averaging_node import averaged_bases
from .bom import Bom, Good, Material
from .context import PARTIES, Context, P
from .hooks import Requirement, Rollup, RuleChoice, RuleQuery
from .lines import Line, add_ledger, evaluate_lines
from .outcome import Criterion, Margin, Method, RvcTest
from .remanufactured import remanufactured_status
from .result import Trace, TraceStep
from .transit import check_transit

__all__ = ["NodeSpec", "NodeResult", "evaluate_node", "evaluate_bom", "rollup", "PRODUCER_PREFIX"]

ZERO = Decimal(0)
#: Key prefix of the producer's own value in the content ledger (``producer:MX``).
PRODUCER_PREFIX = "producer:"
HUNDRED = Decimal(100)
#: The margin's name of the review's non-market-economy content cap (read by the what-if).
NME_TEST = "NME content share"


@dataclass(frozen=True)
class NodeSpec:
    """What the determination needs of a good or of a self-produced material."""

    path: str
    hs: str | None
    rule: list[dict[str, Any]] | None
    tv: Decimal | None
    nc: Decimal | None
    total_cost: Decimal | None
    method: Method
    materials: list[Material]
    produced_in: str | None
    wholly_obtained: str | None = None
    weight: Decimal | None = None
    component_weight: Decimal | None = None
    is_set: bool = False
    unassembled: bool = False
    use: str | None = None
    automotive: Mapping[str, Any] | None = None
    imported_from: str | None = None
    top: bool = False
    bom: Bom | None = None
    remanufactured: bool = False
    shipment: Any = None
    averaging: Any = None
    costs_given: bool = False
    source: str = "BOM"
    importing_country: str | None = None

    @classmethod
    def from_good(cls, bom: Bom) -> "NodeSpec":
        g: Good = bom.good
        tv = g.transaction_value - g.international_shipping if g.transaction_value is not None else None
        return cls("", g.hs, g.rule, tv, g.costs.net_cost if g.costs else None,
                   g.costs.total_cost if g.costs else None, g.method, list(bom.materials), g.produced_in,
                   g.wholly_obtained, g.weight, g.component_weight, g.set, g.unassembled_gri2a, g.use,
                   bom.automotive, g.imported_from, True, bom, g.remanufactured, bom.shipment, bom.averaging,
                   g.costs is not None, bom.source, g.importing_country)

    @classmethod
    def from_material(cls, m: Material, path: str, produced_in: str | None) -> "NodeSpec":
        tv = m.transaction_value if m.transaction_value is not None else m.material_value
        nc = m.costs.net_cost if m.costs else m.material_value
        tc = m.costs.total_cost if m.costs else m.material_value
        return cls(path, m.hs, m.rule, tv, nc, tc, "best", list(m.materials), produced_in, m.wholly_obtained,
                   m.weight)


@dataclass
class NodeResult:
    """Determination of one node (internal; the public result is built in :mod:`.qualify`)."""

    originating: bool | None
    criterion: Criterion | None
    lines: list[Line]
    vnm_tv: Decimal
    vnm_nc: Decimal
    ledger: dict[str, Decimal]
    materials_value: Decimal
    bases: Bases
    steps: list[TraceStep]
    rule: RuleChoice | None = None
    alts: list[AltResult] = field(default_factory=list)
    rvc: RvcTest | None = None
    margins: list[Margin] = field(default_factory=list)
    averaging: list[PeriodResult] | None = None
    missing: list[str] = field(default_factory=list)   # facts whose absence leaves it undetermined


def evaluate_bom(bom: Bom, ctx: Context) -> NodeResult:
    """Determine the origin of the good of a BOM."""
    return evaluate_node(NodeSpec.from_good(bom), ctx)


def evaluate_node(spec: NodeSpec, ctx: Context, depth: int = 0) -> NodeResult:
    """Determine the origin of one node, rolling up its materials first."""
    trace = Trace(spec.path)

    def sub(m: Material, path: str, produced_in: str | None) -> NodeResult:
        r = evaluate_node(NodeSpec.from_material(m, path, produced_in), ctx, depth + 1)
        trace.extend(r.steps)
        return r

    reman = spec.top and remanufactured_status(spec.hs, spec.remanufactured, spec.materials, ctx, trace)
    lines = evaluate_lines(spec.materials, spec.path, spec.produced_in, ctx, trace, sub, reman)
    counted = [ln for ln in lines if ln.role in ("material", "accessory")]
    vnm_tv = sum((ln.vnm_tv for ln in counted), ZERO)
    vnm_nc = sum((ln.vnm_nc for ln in counted), ZERO)
    nc_adj = sum((ln.nc_adjust for ln in counted), ZERO)
    nc = spec.nc + nc_adj if spec.nc is not None else None
    ledger: dict[str, Decimal] = {}
    for ln in lines:
        if ln.role != "packing":
            add_ledger(ledger, ln.ledger)
    mval = sum((ln.material.material_value for ln in lines if ln.role != "packing"), ZERO)
    if spec.top:
        _producer_value(spec, ledger, mval, trace)
    apparel = spec.hs is not None and ctx.law.codes(P.DM_APPAREL_CHAPTERS).contains(spec.hs)
    weight = spec.component_weight if (apparel and spec.component_weight is not None) else spec.weight
    b = Bases(spec.tv, nc, spec.total_cost, vnm_tv, vnm_nc, spec.method, weight)
    periods = None
    if spec.top and spec.averaging is not None:
        b, periods = averaged_bases(spec, ctx, b, trace)
    if spec.top and spec.costs_given:
        trace.add("not modelled", "costs are taken as stated: their allocation to the good under Schedule 5 "
                  "(reasonable allocation of total cost; UR s. 7(11)-(12)) is not checked", "UR s. 7(11)-(12), "
                  "Schedule 5")
    trace.add("value of non-originating materials", f"VNM {vnm_tv} (TV method), {vnm_nc} (NC method)"
              + (f"; net cost adjusted by accumulation {nc_adj}" if nc_adj else ""),
              "USMCA Art. 4.5-4.7, 4.11; UR s. 7(4)-(5), s. 8, s. 9")
    res = NodeResult(None, None, lines, vnm_tv, vnm_nc, ledger, mval, b, trace.steps)
    res.averaging = periods
    _routes(spec, ctx, res, trace)
    if spec.top:
        _requirements(spec, ctx, res, trace)
        _nme_cap(spec, ctx, res, trace)
        if spec.shipment is not None:
            _transit(spec, ctx, res, trace)
    verdict = {True: "originating", False: "not originating", None: "undetermined"}[res.originating]
    trace.add("determination", verdict + (f" (criterion {res.criterion})" if res.criterion else ""),
              "USMCA Art. 4.2", res.originating)
    return res


def _producer_value(spec: NodeSpec, ledger: dict[str, Decimal], materials: Decimal, trace: Trace) -> None:
    """Add the producer's own value to the content ledger so that it sums to the good's value.

    .. math:: V_{producer} = V_{good} - \\sum_i V_i

    with ``V_good`` the transaction value adjusted to exclude international shipping (Art. 4.5.2)
    when given, else the total cost (Art. 4.5.3), and ``V_i`` the value of every material except
    packing for shipment (disregarded, Art. 4.16). It is attributed to ``produced_in`` under the
    labelled key ``producer:<country>``: the value added (labour, overhead, profit) where the good
    is produced; it may be negative when the materials cost more than the good's value.
    """
    good_value = spec.tv if spec.tv is not None else spec.total_cost
    if good_value is None:
        return
    basis = "transaction value (adjusted)" if spec.tv is not None else "total cost"
    own = good_value - materials
    ledger[PRODUCER_PREFIX + (spec.produced_in or "unknown")] = own
    trace.add("content ledger", f"producer's own value {own} = {basis} {good_value} - materials {materials}, "
              f"attributed to {spec.produced_in}", "USMCA Art. 4.5-4.6 (value of the good and of materials)")


def _transit(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    """Art. 4.18 / UR s. 10: an originating good shipped through non-Parties may lose its status."""
    if res.originating is False:
        trace.add("transit", "the good is not originating: transit not examined", "USMCA Art. 4.18; UR s. 10")
        return
    kept = check_transit(spec.shipment, spec.hs, ctx, trace)
    if kept is False:
        trace.add("transit", "originating status lost in transit: the good is entirely non-originating",
                  "UR s. 10(2)", False)
        res.originating, res.criterion = False, None
    elif kept is None and res.originating:
        res.originating, res.criterion = None, None


def _routes(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    lines = res.lines
    if spec.top and spec.produced_in not in PARTIES:
        trace.add("production in the territory", f"produced in {spec.produced_in}, outside the USMCA countries",
                  "USMCA Art. 4.2", False)
        res.originating = False
        _route_e(spec, ctx, res, trace)
        return
    if spec.wholly_obtained:
        trace.add("wholly obtained", f"category {spec.wholly_obtained}", "USMCA Art. 4.2(a), 4.3; UR s. 3(1)", True)
        res.originating, res.criterion = True, "A"
        return
    if spec.top and not spec.materials:
        trace.add("materials", "the BOM lists no materials: a good is wholly obtained (give good.wholly_obtained, "
                  "Art. 4.3) or produced from materials (Art. 4.2(b)-(c)); neither can be decided", "USMCA Art. 4.2",
                  None)
        res.originating, res.missing = None, ["materials (or good.wholly_obtained)"]
        _route_e(spec, ctx, res, trace)
        return
    if spec.is_set:
        _set_rule(spec, ctx, res, trace)
        return
    counted = [ln for ln in lines if ln.role in ("material", "accessory")]
    if counted and all(ln.originating for ln in counted):
        trace.add("exclusively originating materials", f"all {len(counted)} materials are originating",
                  "USMCA Art. 4.2(c); UR s. 3(3)", True)
        res.originating, res.criterion = True, "C"
        return
    _rule_route(spec, ctx, res, trace)


def _rule_route(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    """Criterion B (the product-specific rule, any one alternative), else D (parts exception), else E."""
    lines = res.lines
    choice = _resolve_rule(spec, ctx, trace)
    res.rule = choice
    if choice is None:
        res.originating = None
        _route_e(spec, ctx, res, trace)
        return
    ref = _cite_rule(choice)
    assert spec.hs is not None
    alts = [evaluate_alternative(ctx, i, a, spec.hs, lines, res.bases, trace, ref, spec.path or "good")
            for i, a in enumerate(choice.alternatives)]
    res.alts = alts
    for a in alts:
        for t in a.rvc_tests:
            res.margins.append(Margin.of_rvc(f"alternative {a.index + 1} RVC ({t.method})", t))
    passing = [a for a in alts if a.passed]
    if passing:
        res.originating, res.criterion = True, "B"
        res.rvc = passing[0].rvc
        return
    with_rvc = [a for a in alts if a.rvc is not None]
    if with_rvc:
        res.rvc = max(with_rvc, key=lambda a: a.rvc.margin if a.rvc else ZERO).rvc
    res.originating = None if any(a.passed is None for a in alts) else False
    res.missing = sorted({m for a in alts if a.passed is None for m in a.missing})
    if res.originating is False:
        _statement_figures(spec, res, trace)
    if res.originating is False:
        _parts_exception(spec, ctx, res, trace)
    if not res.originating:
        _route_e(spec, ctx, res, trace)


_FOUND = {"inline": "inline rule of the BOM (overrides the library)",
          "automotive": "Automotive Appendix rule for {hs}", "library": "PSR library rule for {hs}"}


def _resolve_rule(spec: NodeSpec, ctx: Context, trace: Trace) -> RuleChoice | None:
    """The rule of the first of the context's rule sources that has one (inline, automotive, library)."""
    if spec.hs is None:
        trace.add("product-specific rule", "no HS code: the rule cannot be applied", "USMCA Annex 4-B", None)
        return None
    auto = spec.top and bool(spec.use or spec.automotive)
    declared = spec.automotive.get("part_description_class") if isinstance(spec.automotive, Mapping) else None
    exporter, importer = spec.produced_in, spec.importing_country if spec.top else None
    trade = (exporter, importer) if exporter and importer and exporter != importer else None
    query = RuleQuery(spec.hs, spec.path, spec.rule, spec.use if auto else None, declared if auto else None,
                      auto, trade)
    choice = ctx.rule_for(query)
    if choice is not None:
        trace.add("product-specific rule", _FOUND[choice.source].format(hs=dotted(spec.hs)),
                  "BOM" if choice.source == "inline" else _cite_rule(choice))
        return choice
    trace.add("product-specific rule", f"the rule for {dotted(spec.hs)} is not encoded: no determination under "
              "Art. 4.2(b) (the engine does not guess)", "USMCA Annex 4-B", None)
    return None


def _statement_figures(spec: NodeSpec, res: NodeResult, trace: Trace) -> None:
    """A failed RVC may pass with the figure a supplier statement left out (UR s. 9(2)-(5)): undetermined."""
    lacking = sorted({m for ln in res.lines for m in ln.missing})
    rvc_failed = any(t.passed is False for a in res.alts for t in a.rvc_tests)
    if not lacking or not rvc_failed:
        return
    trace.add("supplier statements", f"an RVC test fails with materials counted at their value, but the statements "
              f"that could lower their VNM lack figures ({', '.join(lacking)}): undetermined",
              "USMCA Art. 4.11; UR s. 9(2)-(5)", None)
    res.originating, res.missing = None, lacking


def _cite_rule(choice: RuleChoice) -> str:
    r = choice.reference
    if isinstance(r, Mapping):
        parts = [str(r.get(k)) for k in ("instrument", "provision", "url") if r.get(k)]
        if parts:
            return ", ".join(parts)
    return {"inline": "BOM inline rule", "automotive": "USMCA Appendix to Annex 4-B",
            "library": "USMCA Annex 4-B"}[choice.source]


def _parts_exception(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    assert spec.hs is not None
    if not ctx.law.has(P.PARTS_TV) or ctx.law.codes(P.PARTS_EXCLUDED).contains(spec.hs):
        return
    same = any(a.shift_ok is False and same_subheading(a.failing, spec.hs) for a in res.alts)
    if not (same or spec.unassembled):
        return
    why = ("good imported unassembled, classified as assembled under GRI 2(a)" if spec.unassembled else
           "the failing non-originating materials are parts classified in the same subheading as the good")
    trace.add("parts exception", why, "USMCA Art. 4.2(d); UR s. 3(4)")
    req = {"TV": ctx.law.number(P.PARTS_TV), "NC": ctx.law.number(P.PARTS_NC)}
    lacking: list[str] = []
    ok, decisive, tests = rvc_tests(req, res.bases, trace, f"{ctx.law.cite(P.PARTS_TV)}; {ctx.law.cite(P.PARTS_NC)}",
                                    "parts exception RVC", spec.path or "good", lacking)
    for t in tests:
        res.margins.append(Margin.of_rvc(f"parts exception RVC ({t.method})", t))
    if ok:
        res.originating, res.criterion, res.rvc = True, "D", decisive
    elif ok is None:
        res.originating, res.missing = None, sorted(set(res.missing) | set(lacking))


def _route_e(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    if not spec.top or spec.imported_from is None or spec.hs is None:
        return
    if not ctx.law.has(P.TABLE_2_10_1):
        trace.add("Table 2.10.1 goods", f"the list is not encoded in the law tree ({P.TABLE_2_10_1})",
                  "19 U.S.C. 4531(b)(1)(E); UR s. 3(7), Schedule 2", None)
        return
    listed = ctx.law.codes(P.TABLE_2_10_1).contains(spec.hs)
    ok = bool(listed) and spec.imported_from in PARTIES
    trace.add("Table 2.10.1 goods", f"{dotted(spec.hs)} {'is' if listed else 'is not'} listed; imported from "
              f"{spec.imported_from}", ctx.law.cite(P.TABLE_2_10_1), ok)
    if ok:
        res.originating, res.criterion = True, "E"


def _set_rule(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    items = [ln for ln in res.lines if ln.role in ("material", "accessory")]
    non = [ln for ln in items if not ln.originating]
    if not non:
        trace.add("set", f"all {len(items)} goods in the set are originating", "USMCA Art. 4.17; UR s. 6(2)", True)
        res.originating, res.criterion = True, "C"
        return
    b = res.bases
    value = sum((ln.vnm_tv if b.tv is not None else ln.vnm_nc for ln in non), ZERO)
    base = b.tv if b.tv is not None else b.nc
    if base is None or base <= 0:
        trace.add("set", "no value of the set given (transaction value or net cost): the share of non-originating "
                  "goods cannot be computed", "UR s. 6(4)", None)
        res.originating, res.missing = None, ["good.transaction_value (or good.costs)"]
        return
    cap = ctx.law.number(P.SETS_MAX)
    share = value / base * HUNDRED
    ok = share <= cap
    trace.add("set", f"non-originating goods {value} = {share:.4f}% of the set's value {base} "
              f"{'<=' if ok else '>'} {cap}%", ctx.law.cite(P.SETS_MAX), ok)
    res.margins.append(Margin("set non-originating share", share, cap, ok, cap - share))
    res.originating, res.criterion = (True, "B") if ok else (False, None)


def _requirements(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    """AND the verdicts of the context's requirement hooks (the Automotive Appendix) with the result."""
    bom = spec.bom
    if bom is None:
        return
    def evaluate(b: Bom, rule: list[dict[str, Any]] | None = None) -> Rollup | None:
        return rollup(b, ctx, rule)

    for hook in ctx.requirements:
        if not hook.applies(bom):
            continue
        for r in hook.check(bom, ctx.law, evaluate):
            _and_requirement(r, res, trace)


def _and_requirement(r: Requirement, res: NodeResult, trace: Trace) -> None:
    trace.add(r.step, r.result, r.reference, r.passed)
    if r.value is not None and r.threshold is not None:
        res.margins.append(Margin(r.step, r.value, r.threshold, r.passed, gap=r.gap))
    if r.passed is False and res.originating is not False:
        res.originating, res.criterion = False, None
    elif r.passed is None and res.originating:
        res.originating, res.criterion = None, None


#: The rule under which :func:`rollup` determines a good: no shift, no RVC (the roll-up only).
NEUTRAL_RULE = [{"shift": "none", "text": "neutral rule: roll-up for the automotive step"}]


def rollup(bom: Bom, ctx: Context, rule: list[dict[str, Any]] | None = None) -> Rollup | None:
    """The core's roll-up of a BOM's good for a requirement hook (:data:`.hooks.Evaluate`).

    The good is determined under ``rule`` (default :data:`NEUTRAL_RULE`) without its ``use``,
    ``automotive``, ``shipment`` and ``averaging`` data, so that no hook is re-entered; the answer
    is the adjusted net cost, the VNM under the net-cost method (UR s. 7(3)-(5), s. 8, s. 9), the
    material lines and the verdict under ``rule``. ``None`` when the BOM has no materials list to
    roll up.
    """
    good = bom.good.model_copy(update={"use": None, "rule": rule or NEUTRAL_RULE})
    bare = bom.model_copy(update={"good": good, "automotive": None, "shipment": None, "averaging": None})
    res = evaluate_bom(bare, ctx)
    return Rollup(res.bases.nc, res.vnm_nc, tuple(res.lines), res.originating, res.rvc)


def _nme_cap(spec: NodeSpec, ctx: Context, res: NodeResult, trace: Trace) -> None:
    if not ctx.law.get(P.NME_IN_EFFECT, False):
        return
    countries = [str(c).upper() for c in (ctx.law.get(P.NME_COUNTRIES, []) or [])]
    cap = ctx.law.get(P.NME_MAX)
    b = res.bases
    base = b.tv if b.tv is not None else b.nc
    if cap is None or base is None or base <= 0:
        trace.add("non-market-economy content cap", "in effect but no share or no value base", ctx.law.cite(P.NME_MAX),
                  None)
        if res.originating:
            res.originating, res.criterion = None, None
            res.missing = sorted(set(res.missing) | {"good.transaction_value (or good.costs)"})
        return
    capd = Decimal(repr(cap)) if isinstance(cap, float) else Decimal(cap)
    content = sum((res.ledger.get(c, ZERO) for c in countries), ZERO)
    share = content / base * HUNDRED
    ok = share <= capd
    trace.add("non-market-economy content cap", f"content from {', '.join(countries)} {content} = {share:.4f}% of "
              f"{base} {'<=' if ok else '>'} {capd}%", ctx.law.cite(P.NME_MAX), ok)
    res.margins.append(Margin(NME_TEST, share, capd, ok, capd - share))
    if not ok and res.originating is not False:
        res.originating, res.criterion = False, None
