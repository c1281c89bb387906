"""The Automotive Appendix as a rule source and a requirement hook of the origin core (:mod:`..hooks`).

:class:`AutomotiveRules` answers the core's rule query for a good with a ``use`` or ``automotive``
data (SOR/2020-155 ss. 13-15, 20; :func:`.rule.rule_for`); :class:`AutomotiveRequirements` gives
the further requirements of the Appendix (core parts, LVC, steel and aluminum, the heavy-truck LVC
credit, the s. 20(4) tracing...; :func:`.requirements.requirements_for`), with the core's
evaluator for the checks that need the good's RVC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from usmca.hs import dotted
from usmca.law import LawView

from ..bom import Bom
from ..hooks import Evaluate, Requirement, RuleChoice, RuleQuery, RuleSourceName
from ..rules import parse_rule
from .requirements import requirements_for
from .rule import rule_for

__all__ = ["AutomotiveRules", "AutomotiveRequirements"]


@dataclass(frozen=True)
class AutomotiveRules:
    """Rule source: the Automotive Appendix rule of a good declared automotive (``use``/``automotive``)."""

    name: RuleSourceName = "automotive"

    def find(self, query: RuleQuery, law: LawView) -> RuleChoice | None:
        if not (query.top and query.automotive):
            return None
        found = rule_for(law, dotted(query.hs), query.use, query.description)
        if not found:
            return None
        alts = parse_rule(found, "automotive rule", f"autos[{dotted(query.hs)}]", strict=False)
        first: Any = found[0] if isinstance(found, list) and found else None
        ref = first["reference"] if isinstance(first, Mapping) and isinstance(first.get("reference"), Mapping) else None
        return RuleChoice("automotive", alts, ref, query.hs)


@dataclass(frozen=True)
class AutomotiveRequirements:
    """Requirement hook: the Appendix's further requirements of a good declared automotive."""

    name: str = "automotive"

    def applies(self, bom: Bom) -> bool:
        return bool(bom.good.use or bom.automotive)

    def check(self, bom: Bom, law: LawView, evaluate: Evaluate) -> list[Requirement]:
        return [Requirement.from_mapping(r) for r in requirements_for(bom, law, evaluate)]
