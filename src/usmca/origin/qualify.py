"""Public entry point: ``qualify(bom, *, date=None, tree=None, reform=None)``.

Determines whether the good of a bill of materials originates under USMCA Chapter 4 on a date,
under the law in force (``tree``, default :func:`usmca.law.default_tree`) or under a review
scenario (``reform``: a :class:`usmca.law.Reform`, a path to a reform YAML, or a mapping). With
a reform, the result is the reformed determination and its ``reform`` entry compares it with the
baseline (status, criterion and RVC per good).

This module wires the origin core: :func:`make_context` gives a determination its law view, its
rule sources (the BOM's inline rule, the Automotive Appendix, the PSR library of Annex 4-B, in
that order) and its requirement hooks (the Automotive Appendix); :func:`evaluator` gives the
core's roll-up to callers of the automotive engine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from usmca.errors import UserInputError
from usmca.hs import dotted
from usmca.law import LawTree, Reform, default_tree, parse_date
from usmca.origin.psr import lookup as psr_lookup

from .autos import AutomotiveRequirements, AutomotiveRules
from .bom import AnyBom, Bom, as_bom
from .context import Context, InlineRule, LibraryRule
from .determine import NodeResult, evaluate_bom, rollup
from .hooks import Evaluate, Rollup
from .rescission import rescission_plan
from .result import QualificationResult
from .whatif import good_failures, to_qualify

__all__ = ["qualify", "qualify_bom", "load_reform", "make_context", "evaluator"]

#: The rule sources of the law in force, asked in this order (the project contract).
RULE_SOURCES = (InlineRule(), AutomotiveRules(), LibraryRule(psr_lookup))
#: The requirement hooks ANDed with the rule's verdict.
REQUIREMENT_HOOKS = (AutomotiveRequirements(),)


def make_context(tree: LawTree, date: Any) -> Context:
    """The context of a determination on ``date`` under ``tree``: its law view, sources and hooks."""
    return Context(tree.on(date), RULE_SOURCES, REQUIREMENT_HOOKS)


def evaluator(tree: LawTree, date: Any) -> Evaluate:
    """The core's roll-up on ``date`` (:func:`usmca.origin.determine.rollup`), for the automotive engine."""
    ctx = make_context(tree, date)

    def evaluate(bom: Bom, rule: list[dict[str, Any]] | None = None) -> Rollup | None:
        return rollup(bom, ctx, rule)

    return evaluate


def load_reform(reform: Any) -> Reform | None:
    """A :class:`usmca.law.Reform` from a Reform, a path or a mapping (``None`` passes through)."""
    if reform is None:
        return None
    if isinstance(reform, Reform):
        return reform
    if isinstance(reform, (str, Path)):
        return Reform.load(reform)
    if isinstance(reform, Mapping):
        return Reform.from_dict(dict(reform), "<reform>")
    raise UserInputError("--reform", "", type(reform).__name__, "a reform is a path, a mapping or a Reform")


def _date(date: Any, bom: Bom) -> dt.date:
    if date is not None:
        return parse_date(date, "--date")
    if bom.good.date is not None:
        return bom.good.date
    return dt.date.today()


def _result(res: NodeResult, ctx: Context, bom: Bom, date: dt.date) -> QualificationResult:
    rvc = res.rvc.summary() if res.rvc is not None else None
    rule = res.rule.to_dict() if res.rule is not None else None
    if rule is not None:
        sat = [a.index + 1 for a in res.alts if a.passed]
        rule["satisfied_alternative"] = sat[0] if sat else None
    g = bom.good
    good = {"description": g.description, "hs": dotted(g.hs), "produced_in": g.produced_in, "id": g.id}
    margins = tuple(m.to_dict() for m in res.margins)
    return QualificationResult(
        originating=res.originating, criterion=res.criterion if res.originating else None, rule=rule, rvc=rvc,
        trace=tuple(res.steps), content_by_country=res.ledger, to_qualify=_plans(res, ctx, bom),
        good=good, date=date.isoformat(), vnm={"TV": res.vnm_tv, "NC": res.vnm_nc}, margins=margins,
        source=bom.source,
        averaging=tuple(r.to_dict() for r in res.averaging) if res.averaging is not None else None,
        missing=tuple(res.missing) if res.originating is None else ())


def _plans(res: NodeResult, ctx: Context, bom: Bom) -> tuple[dict[str, Any], ...]:
    """``to_qualify`` plans (sourcing, :mod:`.whatif`), then the rescission of designations (UR s. 8(10))."""
    plans = list(to_qualify(res, ctx))
    failures = {f.test: f for f in good_failures(res, ctx)}
    plans += [{"test": m.test, "feasible": True, "action": str(m.gap.get("action", "")), "changes": [],
               "total_value": m.gap.get("value"), "gap": dict(m.gap), "solver": "automotive requirement gap",
               "failed": [failures[m.test].to_dict()] if m.test in failures else []}
              for m in res.margins if m.passed is False and m.gap]
    resc = rescission_plan(bom, res, ctx)
    if resc is not None:
        plans.append(resc)
    return tuple(plans)


def qualify_bom(bom: Bom, *, date: Any = None, tree: Any = None, reform: Any = None,
                baseline_tree: Any = None) -> QualificationResult:
    """:func:`qualify` for a validated :class:`Bom` (used by portfolio mode)."""
    d = _date(date, bom)
    base_tree = tree if tree is not None else (baseline_tree or default_tree())
    ref = load_reform(reform)
    run_tree = base_tree.with_reform(ref) if ref is not None else base_tree
    ctx = make_context(run_tree, d)
    out = _result(evaluate_bom(bom, ctx), ctx, bom, d)
    if ref is None:
        return out
    base_ctx = make_context(base_tree, d)
    base = _result(evaluate_bom(bom, base_ctx), base_ctx, bom, d)
    info = {
        "description": getattr(ref, "description", ""),
        "baseline": {"originating": base.originating, "criterion": base.criterion, "rvc": _plain_rvc(base.rvc)},
        "reform": {"originating": out.originating, "criterion": out.criterion, "rvc": _plain_rvc(out.rvc)},
        "changed": base.originating != out.originating,
    }
    return QualificationResult(**{**out.__dict__, "reform": info})


def _plain_rvc(rvc: Mapping[str, Any] | None) -> Any:
    if rvc is None:
        return None
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in rvc.items()}


def qualify(bom: AnyBom, *, date: Any = None, tree: Any = None, reform: Any = None) -> QualificationResult:
    """Determine whether the good of ``bom`` is originating (USMCA Art. 4.2).

    Parameters
    ----------
    bom
        Path to a BOM file (YAML/JSON), a mapping in the BOM format, or a :class:`Bom`.
    date
        Date of the determination (selects the law in force); default the BOM's ``good.date``,
        else today.
    tree
        The law tree (default :func:`usmca.law.default_tree`).
    reform
        A review scenario (:class:`usmca.law.Reform`, path, or mapping); the result then carries
        a ``reform`` comparison with the baseline.

    Returns
    -------
    QualificationResult
        Immutable; ``.to_dict()`` gives the JSON document of ``usmca origin qualify --json``.

    Raises
    ------
    UserInputError
        For a malformed BOM, date or reform (naming file, field and value).
    """
    return qualify_bom(as_bom(bom), date=date, tree=tree, reform=reform)
