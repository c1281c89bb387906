"""Rescission of an intermediate-material designation (USMCA Art. 4.8; UR s. 8(10)).

A self-produced material designated intermediate that turns out non-originating counts at its
whole value as VNM (UR s. 8(7)(a)). When the customs administration of the importing country
determines this in a verification and notifies the producer in writing before its determination,
the producer may rescind the designation: the RVC of the good is then calculated as though the
material had not been designated, i.e. with the VNM of the material's own production
(UR s. 7(5)(a)) instead of its whole value.

:func:`rescission_plan` re-evaluates a failing good with every such designation (at any tier)
rescinded and reports the outcome as a ``to_qualify`` entry; it changes nothing in the result
of the determination itself (the rescission is the producer's choice, in a verification).
"""

from __future__ import annotations

from typing import Any

from usmca.hs import dotted

from .bom import Bom, parse_bom
from .context import Context
from .determine import NodeResult, evaluate_bom
from .lines import Line

__all__ = ["rescission_plan"]

REF = "USMCA Art. 4.8; UR s. 8(10)"


def _non_originating_designations(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for ln in lines:
        if ln.sub is None:
            continue
        if ln.material.intermediate and ln.self_produced and not ln.originating:
            out.append(ln)
        out += _non_originating_designations(ln.sub.lines)
    return out


def _undesignate(raw: dict[str, Any], path: str) -> None:
    node: Any = raw
    for part in path.split("."):
        name, idx = part[:-1].split("[")
        node = node[name][int(idx)]
    node["intermediate"] = False


def rescission_plan(bom: Bom, res: NodeResult, ctx: Context) -> dict[str, Any] | None:
    """The determination with non-originating intermediate designations rescinded, as a plan.

    Parameters
    ----------
    bom
        The validated BOM.
    res
        Its determination (nothing is done when it originates or has no such designation).
    ctx
        The same law tree and date.

    Returns
    -------
    dict or None
        ``{"test": "rescission of intermediate designation", "feasible": originating after,
        "changes": [...], "total_value": 0, "rvc_after": ...}``.
    """
    if res.originating:
        return None
    found = _non_originating_designations(res.lines)
    if not found:
        return None
    raw = bom.model_dump(mode="python")
    for ln in found:
        _undesignate(raw, ln.path)
    after = evaluate_bom(parse_bom(raw, bom.source), ctx)
    rvc = None
    if after.rvc is not None:
        rvc = {"method": after.rvc.method, "value": after.rvc.value, "threshold": after.rvc.threshold}
    changes = [{"material": ln.id, "path": ln.path, "hs": dotted(ln.material.hs) if ln.material.hs else None,
                "value": ln.material.material_value, "country": ln.material.country,
                "reason": "rescind the intermediate designation (non-originating)"} for ln in found]
    return {"alternative": None, "test": "rescission of intermediate designation", "feasible": after.originating is True,
            "action": "rescind the designation when the customs administration notifies, in a verification, that "
                      f"the intermediate material is non-originating ({REF})",
            "changes": changes, "total_value": 0, "rvc_after": rvc}
