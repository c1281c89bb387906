"""A description class declared in ``automotive.part_description_class`` (SOR/2020-155 s. 13).

The rule of the good is chosen by the origin core from ``good.use``
(``automotive_rule(hs, use, date, tree)``). When the BOM declares the description class only in
``automotive.part_description_class`` (not as ``good.use: "<class>:<description>"``), the
description-limited alternatives of the core's rule stay ``unsupported``. This requirement
determines the good under the rule the declaration settles (rolled up by the core,
:mod:`.nested`) and reports that verdict:

- not originating under the settled rule: ``passed = False`` (the core's undetermined answer
  becomes a definite "no");
- originating: ``passed = True``; the core's answer stays undetermined until it passes the
  declaration to ``automotive_rule(..., description=...)`` (the text says so).

Consistency: every alternative the core could pass without a condition has no description limit
and is kept in the settled rule, so the step never contradicts a definite answer of the core.
"""

from __future__ import annotations

from typing import Any

from .law import AutoLaw
from .nested import Roll
from .rule import rule_for

__all__ = ["STEP", "declared_description_requirement"]

STEP = "s. 13 rule for the declared description"


def declared_description_requirement(law: AutoLaw, roll: Roll, digits: str, use: str | None,
                                     description: str | None) -> list[dict[str, Any]]:
    """The verdict under the s. 13 rule settled by the declared description, or ``[]``."""
    if description is None or not law.codes("definitions/automotive_headings_hs").contains(digits):
        return []
    base = rule_for(law, digits, use) or []
    if not any(a.get("unsupported") for a in base):
        return []
    settled = rule_for(law, digits, use, description)
    if not settled or any(a.get("unsupported") for a in settled):
        return []
    rolled = roll(settled)
    if rolled is None:
        return []
    ok = rolled.originating
    word = {True: "originating", False: "not originating", None: "undetermined"}[ok]
    result = (f"declared description '{description}' settles the rule to {len(settled)} alternative(s): {word}"
              + ("; the core's rule was chosen from good.use without it: write good.use as "
                 f"'<class>:{description}' to apply it there" if ok else ""))
    refs = sorted({a["reference"]["provision"] for a in settled if a.get("reference")})
    ref = f"SOR/2020-155, Part 6, {'; '.join(refs)}" if refs else "SOR/2020-155, Part 6, s. 13"
    return [{"step": STEP, "result": result, "reference": ref, "passed": ok, "value": None, "threshold": None,
             "gap": None}]
