"""Remanufactured goods (USMCA Art. 4.1 definition, Art. 4.4; UR s. 1(1), s. 4).

A *remanufactured good* is a good classified in Chapters 84 through 90 or heading 94.02, except
the headings and subheadings listed in the definition, entirely or partially composed of
recovered materials, with a life expectancy, performance and factory warranty similar to the good
when new (Art. 4.1). Recovered materials derived in the territory and incorporated into such a
good are treated as originating (Art. 4.4; UR s. 4(1)). The HS scope is read from the law tree:

* ``usmca/ch04/remanufactured/chapters``: the chapters and headings of the definition;
* ``usmca/ch04/remanufactured/excluded``: the excluded headings and subheadings.

The good qualifies as remanufactured when (i) the BOM flags it (``good.remanufactured``: the
producer declares the life-expectancy, performance and warranty conditions (a)-(b)), (ii) its HS
code is in scope and not excluded, and (iii) at least one material is flagged ``recovered``.
"""

from __future__ import annotations

from typing import Any, Sequence

from usmca.hs import dotted

from .result import Trace

__all__ = ["SCOPE", "EXCLUDED", "remanufactured_status"]

SCOPE = "usmca/ch04/remanufactured/chapters"
EXCLUDED = "usmca/ch04/remanufactured/excluded"


def remanufactured_status(hs: str | None, flagged: bool, materials: Sequence[Any], ctx: Any,
                          trace: Trace) -> bool:
    """Whether the good is a remanufactured good under Art. 4.1 (and Art. 4.4 applies).

    Parameters
    ----------
    hs
        The good's HS code (digits), or ``None``.
    flagged
        ``good.remanufactured`` of the BOM: the producer's declaration of conditions (a)-(b).
    materials
        The good's top-level materials (``recovered`` flags are read).
    ctx
        The :class:`usmca.origin.context.Context` (law tree on the date).
    trace
        Steps are appended when the good is flagged or uses recovered materials.

    Returns
    -------
    bool
        True only when the good is flagged, in the HS scope, and composed of recovered materials.
    """
    recovered = [m for m in materials if getattr(m, "recovered", False)]
    if not flagged and not recovered:
        return False
    step = "remanufactured good"
    if not ctx.law.has(SCOPE) or not ctx.law.has(EXCLUDED):
        trace.add(step, f"the definition's HS scope is not encoded in the law tree ({SCOPE})",
                  "USMCA Art. 4.1, 4.4", None if flagged else False)
        return False
    cite = f"{ctx.law.cite(SCOPE)}; {ctx.law.cite(EXCLUDED)}"
    code = dotted(hs) if hs else "no HS code"
    in_scope = hs is not None and ctx.law.codes(SCOPE).contains(hs) is True
    excluded = hs is not None and ctx.law.codes(EXCLUDED).contains(hs) is not False
    if not flagged:
        trace.add(step, f"{len(recovered)} recovered material(s) in a good not declared remanufactured "
                  f"({code}{' is in scope' if in_scope and not excluded else ' is outside the scope'}): "
                  "recovered materials follow the general rules", cite)
        return False
    if not in_scope or excluded:
        why = ("is an excluded heading or subheading" if in_scope else
               f"is outside Chapters/headings {ctx.law.codes(SCOPE)}") if hs else "cannot be placed"
        trace.add(step, f"{code} {why}: not a remanufactured good; recovered materials are not treated as "
                  "originating under Art. 4.4", cite, False)
        return False
    if not recovered:
        trace.add(step, f"{code} is in scope but no material is flagged recovered: not a remanufactured good "
                  "(it must be entirely or partially composed of recovered materials)", cite, False)
        return False
    trace.add(step, f"{code} is in scope, not excluded, and composed of {len(recovered)} recovered material(s); "
              "life expectancy, performance and warranty as declared by the producer", cite, True)
    return True
