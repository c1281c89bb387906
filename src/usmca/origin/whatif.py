"""What must change for a failing good to qualify (``to_qualify``).

For each alternative of the rule the engine looks for the least value of non-originating
materials to source as originating (regionally, with a certification):

* tariff shift: the failing materials must drop to the de minimis allowance
  ``sum(kept failing values) <= d/100 x base`` (Art. 4.12); all of them when de minimis is not
  available. The value switched is minimised as a covering knapsack (:mod:`.knapsack`), with
  ``need = sum(failing) - d/100 x base``.
* RVC: the VNM must fall to ``(1 - t/100) x base`` (Art. 4.5), i.e. by
  ``need = VNM - (1 - t/100) x base``; switching material ``i`` removes its VNM ``g_i`` at the
  cost of its value ``c_i``. The cheapest set (least total value, then fewest lines) is a
  covering knapsack, solved exactly up to 25 candidates and greedily beyond
  (:mod:`.knapsack`; the plan says which in ``solver``). Candidates are the top-level lines
  with VNM and, inside a self-produced sub-assembly not designated intermediate (whose VNM is
  that of its own inputs, UR s. 7(5)(a)), its non-originating inputs, recursively; a
  designated intermediate material that does not originate is a candidate as a whole.

Materials switched for the shift count toward the RVC need (sub-assemblies are switched whole
for the shift). Under a net-cost averaging election (UR s. 7(15)) the NC figures are period sums
and no NC plan is drawn. The answer lists, cheapest first, one plan per alternative: the
materials, their values, the reason and the RVC after the change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from usmca.hs import dotted

from .alternatives import AltResult, rvc_requirement
from .context import Context, P
from .determine import NME_TEST, NodeResult
from .knapsack import min_cost_cover
from .lines import Line
from .outcome import Failure
from .rules import Alternative

__all__ = ["to_qualify", "good_failures"]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
#: The name of the review's non-market-economy content cap in the plans.
NME_CAP = "non-market-economy content cap"


def _hs(code: str | None) -> str | None:
    return dotted(code) if code else None


def _top(path: str) -> str:
    return path.split(".")[0]


def to_qualify(res: NodeResult, ctx: Context) -> list[dict[str, Any]]:
    """Plans that would make a failing good originate, cheapest (by value switched) first."""
    if res.originating:
        return []
    by_path = {ln.path: ln for ln in res.lines}
    plans = []
    nme = _nme_plan(res, ctx)
    if nme is not None:
        plans.append(nme)
    if res.rule is None or any(a.passed for a in res.alts):
        return plans
    for a in res.alts:
        alt: Alternative = res.rule.alternatives[a.index]
        if alt.unsupported:
            continue
        plan = _plan(a, alt, res, by_path, ctx)
        if plan is not None:
            plans.append(plan)
    plans.sort(key=lambda p: (not p["feasible"], p["total_value"]))
    return plans


def _vnm(ln: Line, method: str) -> Decimal:
    return ln.vnm_tv if method == "TV" else ln.vnm_nc


def _plan(a: AltResult, alt: Alternative, res: NodeResult, by_path: dict[str, Line], ctx: Context
          ) -> dict[str, Any] | None:
    """The cheapest plan for one alternative: the shift first, then the RVC (see the module docstring)."""
    switch, shift_solver, shift_failure = _shift_switch(a, alt, res, ctx)
    req = rvc_requirement(ctx, alt)
    rvc_after = None
    solver = shift_solver or "exact"
    feasible = True
    if req:
        best = _rvc_switch(req, res, switch, by_path)
        if best is None:
            return None
        infeasible, _, method, extra, vnm, base, solver = best
        feasible = not infeasible
        for ln in extra:
            by_path.setdefault(ln.path, ln)
            switch.setdefault(ln.path, "RVC")
        vnm_after = vnm - sum((_vnm(ln, method) for ln in extra), ZERO)
        rvc_after = {"method": method, "value": (base - vnm_after) / base * HUNDRED, "threshold": req[method]}
    changes = [{"material": by_path[p].id, "path": p, "hs": _hs(by_path[p].material.hs),
                "value": by_path[p].value, "country": by_path[p].material.country, "reason": why}
               for p, why in switch.items() if p in by_path]
    out: dict[str, Any] = {"alternative": a.index + 1, "feasible": feasible,
                           "action": "source these materials as originating (regional supplier with a certification)",
                           "changes": changes, "total_value": sum((by_path[p].value for p in switch if p in by_path), ZERO),
                           "rvc_after": rvc_after}
    if req or shift_solver:
        out["solver"] = solver if shift_solver != "greedy" else "greedy"
    failed = ([shift_failure] if shift_failure else []) + _rvc_failure(a) + good_failures(res, ctx)
    out["failed"] = [f.to_dict() for f in failed]
    return out


def _shift_switch(a: AltResult, alt: Alternative, res: NodeResult, ctx: Context
                  ) -> tuple[dict[str, str], str | None, Failure | None]:
    """Materials to switch for the shift: keep the smallest failing lines within de minimis.

    The covering knapsack has cost = gain = value and need = total failing - cap, with the cap
    ``d/100 x base`` of Art. 4.12 (0 when the value test is not available).
    """
    switch: dict[str, str] = {}
    if a.shift_ok is not False:
        if a.shift_ok is None:
            return switch, None, Failure(f"tariff shift ({alt.shift})", "undetermined: missing "
                                         + ", ".join(a.missing), "USMCA Annex 4-B; UR s. 3(2)")
        return switch, None, None
    b = res.bases
    fail_lines: dict[str, Decimal] = {}
    for f in a.failing:
        top = _top(f.path)
        fail_lines[top] = fail_lines.get(top, ZERO) + f.value
    cap = ZERO
    base = b.tv if b.tv is not None else b.total_cost
    value_test = not (res.rule is not None and res.rule.hs and ctx.law.codes(P.DM_VALUE_EXCLUDED).contains(res.rule.hs))
    if base is not None and value_test:
        cap = ctx.law.number(P.DM_GENERAL) / HUNDRED * base
    paths = sorted(fail_lines)
    vals = [fail_lines[q] for q in paths]
    total = sum(vals, ZERO)
    picked, solver = min_cost_cover(vals, vals, total - cap)
    for i in (range(len(paths)) if picked is None else picked):
        switch[paths[i]] = "tariff shift"
    why = (f"{len(paths)} non-originating material(s) do not make the {alt.shift} shift ({', '.join(paths)}); "
           + (f"their value {total} exceeds the de minimis allowance {cap}" if value_test and base is not None
              else "de minimis (value) is not available"))
    failure = Failure(f"tariff shift ({alt.shift})", why, f"USMCA Annex 4-B; Art. 4.12 [{P.DM_GENERAL}]",
                      total, cap, total - cap)
    return switch, solver, failure


def _rvc_switch(req: dict[str, Decimal], res: NodeResult, switch: dict[str, str], by_path: dict[str, Line]
                ) -> tuple[Any, ...] | None:
    """The cheapest RVC plan over the methods allowed: (infeasible, value, method, lines, vnm, base, solver)."""
    b = res.bases
    best: tuple[bool, Decimal, str, list[Any], Decimal, Decimal, str] | None = None
    for method, thr in req.items():
        base = b.tv if method == "TV" else b.nc
        if base is None or base <= 0 or (b.method in ("TV", "NC") and b.method != method and b.method in req):
            continue
        if method == "NC" and b.averaged:
            continue
        vnm = (b.vnm_tv if method == "TV" else b.vnm_nc) - sum(
            (_vnm(by_path[p], method) for p in switch if p in by_path), ZERO)
        need = vnm - (HUNDRED - thr) / HUNDRED * base
        cands = _candidates([ln for ln in res.lines if ln.path not in switch], method)
        picked, how = min_cost_cover([ln.value for ln in cands], [_vnm(ln, method) for ln in cands], need)
        cand: tuple[bool, Decimal, str, list[Any], Decimal, Decimal, str]
        if picked is None:
            cand = (True, ZERO, method, [], vnm, base, how)  # infeasible
        else:
            extra = [cands[i] for i in picked]
            cand = (False, sum((ln.value for ln in extra), ZERO), method, extra, vnm, base, how)
        if best is None or (cand[0], cand[1]) < (best[0], best[1]):
            best = cand
    return best


def _rvc_failure(a: AltResult) -> list[Failure]:
    """The alternative's RVC test that failed (the closest one), or the facts it lacks."""
    t = a.rvc
    if t is not None and not t.passed:
        return [Failure(f"RVC ({t.method})", f"{t.value:.4f}% < {t.threshold}%", "USMCA Art. 4.5; UR s. 7(2)-(3)",
                        t.value, t.threshold, t.threshold - t.value)]
    if t is None and a.thresholds and a.missing and a.shift_ok is not None:
        return [Failure("RVC", "cannot be computed: missing " + ", ".join(a.missing), "USMCA Art. 4.5")]
    return []


def good_failures(res: NodeResult, ctx: Context) -> list[Failure]:
    """The good-level tests that failed besides the rule (review caps, the set rule, requirement hooks)."""
    out = []
    for m in res.margins:
        if m.passed is not False or m.test.startswith(("alternative ", "parts exception")):
            continue
        by = -m.margin if m.margin is not None else (m.threshold - m.value if m.value is not None else None)
        nme = m.test == NME_TEST
        cap = nme or m.test == "set non-originating share"
        word = "above the cap of" if cap else "below the required"
        out.append(Failure(NME_CAP if nme else m.test, f"{m.value:.4f} {word} {m.threshold}",
                           ctx.law.cite(P.NME_MAX) if nme else "", m.value, m.threshold, by))
    return out


def _candidates(lines: list[Line], method: str) -> list[Line]:
    """Lines whose switch to originating lowers the VNM, sub-assembly inputs expanded (UR s. 7(5)(a))."""
    out: list[Line] = []
    for ln in lines:
        if ln.role not in ("material", "accessory") or _vnm(ln, method) <= 0:
            continue
        if ln.self_produced and ln.sub is not None and not ln.material.intermediate:
            out += _candidates(ln.sub.lines, method)
        else:
            out.append(ln)
    return out


def _nme_plan(res: NodeResult, ctx: Context) -> dict[str, Any] | None:
    """Materials to source outside the capped countries when the review's NME content cap fails.

    Content of the capped countries must fall to ``cap/100 x base``; each top-level line carries
    its traced content from those countries; the largest are switched first.
    """
    failed = [m for m in res.margins if m.test == NME_TEST and m.passed is False]
    if not failed:
        return None
    countries = [str(c).upper() for c in (ctx.law.get(P.NME_COUNTRIES, []) or [])]
    share, cap = failed[0].value, failed[0].threshold
    content = sum((res.ledger.get(c, ZERO) for c in countries), ZERO)
    base = content / share * HUNDRED if share else ZERO
    need = content - cap / HUNDRED * base
    lines = sorted(res.lines, key=lambda ln: -sum((ln.ledger.get(c, ZERO) for c in countries), ZERO))
    changes, cut = [], ZERO
    for ln in lines:
        if cut >= need:
            break
        v = sum((ln.ledger.get(c, ZERO) for c in countries), ZERO)
        if v <= 0:
            break
        cut += v
        changes.append({"material": ln.id, "path": ln.path, "hs": _hs(ln.material.hs), "value": v,
                        "country": ln.material.country, "reason": "non-market-economy content cap"})
    fail = Failure(NME_CAP, f"content from {', '.join(countries)} is {share:.4f}% of the "
                   f"good's value, {share - cap:.4f} points above the cap of {cap}%", ctx.law.cite(P.NME_MAX),
                   share, cap, share - cap)
    return {"alternative": None, "test": "non-market-economy content cap", "feasible": cut >= need,
            "action": f"source these inputs outside {', '.join(countries)}", "changes": changes,
            "total_value": cut, "rvc_after": None,
            "failed": [fail.to_dict()] + [f.to_dict() for f in good_failures(res, ctx) if f.test != NME_CAP]}
