"""The seams of the origin core: where a product-specific rule comes from, and further requirements.

The core (:mod:`.determine`) resolves a good's rule from an ordered tuple of **rule sources**
(the BOM's inline rule, the Automotive Appendix, the PSR library of Annex 4-B) and then ANDs the
answers of **requirement hooks** (the Appendix's vehicle and part requirements). Both are plain
typed objects handed to the :class:`usmca.origin.context.Context`; :mod:`usmca.origin.qualify`
wires the ones of the law in force. A hook that needs the good's regional value content asks the
core through the :data:`Evaluate` callable it receives (the core's own roll-up of the materials,
UR s. 7-9), so no engine imports the core back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Protocol

from usmca.hs import dotted

from .outcome import RvcTest
from .rules import Alternative
from .rvc import rvc_net_cost

if TYPE_CHECKING:
    from usmca.law import LawView

    from .bom import Bom

__all__ = ["RuleSourceName", "RuleChoice", "RuleQuery", "RuleSource", "Rollup", "Evaluate", "Requirement",
           "RequirementHook"]

#: Where the rule applied to a good came from.
RuleSourceName = Literal["inline", "automotive", "library"]


@dataclass(frozen=True)
class RuleChoice:
    """The product-specific rule that applies to one good, and where it came from."""

    source: RuleSourceName
    alternatives: tuple[Alternative, ...]
    reference: Mapping[str, Any] | None = None
    hs: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"source": self.source, "hs": dotted(self.hs) if self.hs else None,
                             "alternatives": [a.to_dict() for a in self.alternatives]}
        if self.reference is not None:
            d["reference"] = dict(self.reference)
        return d


@dataclass(frozen=True)
class RuleQuery:
    """What a rule source is asked about one good or self-produced material.

    Attributes
    ----------
    hs
        The good's HS digits.
    path
        ``""`` for the good of the BOM, else the material's path (``materials[2]``).
    inline
        The rule written in the BOM for this node, if any (rule-language mappings).
    use
        ``good.use``: the vehicle class the good is, or is for (top level only).
    description
        ``automotive.part_description_class`` (top level only).
    automotive
        Whether the BOM carries ``automotive`` data (top level only).
    trade
        The two countries the good is traded between (``good.produced_in`` and
        ``good.importing_country``, top level only), or ``None``: a library then returns the
        party-specific rule for that trade where there is one (Annex 4-B as adapted, e.g. 1517.10
        between Canada and the United States).
    """

    hs: str
    path: str = ""
    inline: list[dict[str, Any]] | None = None
    use: str | None = None
    description: str | None = None
    automotive: bool = False
    trade: tuple[str, str] | None = None

    @property
    def top(self) -> bool:
        return self.path == ""


class RuleSource(Protocol):
    """A source of product-specific rules; sources are asked in order, the first answer wins."""

    @property
    def name(self) -> RuleSourceName:
        """Which source answered (reported with the rule)."""

    def find(self, query: RuleQuery, law: "LawView") -> RuleChoice | None:
        """The rule of the good, or ``None`` when this source has none for it."""


@dataclass(frozen=True)
class Rollup:
    """The core's roll-up of a good: adjusted net cost, VNM (NC method), the material lines and the
    core's verdict under the rule it was given.

    .. math:: RVC_{NC} = (NC - VNM_{NC}) / NC \\times 100

    with NC the net cost adjusted for accumulation statements (UR s. 9) and VNM_NC the value of
    non-originating materials under the net-cost method (UR s. 7(4)-(5)).
    """

    net_cost: Decimal | None
    vnm_nc: Decimal
    lines: tuple[Any, ...]
    originating: bool | None = None
    rvc: RvcTest | None = None

    @property
    def rvc_nc(self) -> Decimal | None:
        """``(NC - VNM) / NC x 100``, or None without a positive net cost."""
        if self.net_cost is None or self.net_cost <= 0:
            return None
        return rvc_net_cost(self.net_cost, self.vnm_nc)


#: The core's evaluator handed to hooks: roll the BOM's materials up under ``rule`` (default: a
#: neutral rule, no shift and no RVC), ignoring its automotive data; ``None`` when the BOM cannot
#: be rolled up.
Evaluate = Callable[["Bom", "list[dict[str, Any]] | None"], "Rollup | None"]


@dataclass(frozen=True)
class Requirement:
    """A further requirement of the good, with its verdict.

    ``passed`` is ``None`` when the BOM lacks the data to decide; ``gap`` (failing requirements
    only) says what must change (:mod:`usmca.origin.autos.gaps`).
    """

    step: str
    result: str
    reference: str
    passed: bool | None
    value: Decimal | None = None
    threshold: Decimal | None = None
    gap: Mapping[str, Any] | None = None

    @classmethod
    def from_mapping(cls, r: Mapping[str, Any]) -> "Requirement":
        return cls(str(r.get("step", "automotive requirement")), str(r.get("result", "")),
                   str(r.get("reference", "USMCA Appendix to Annex 4-B")), r.get("passed"), r.get("value"),
                   r.get("threshold"), r.get("gap") or None)

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "result": self.result, "reference": self.reference, "passed": self.passed,
                "value": self.value, "threshold": self.threshold, "gap": dict(self.gap) if self.gap else None}


class RequirementHook(Protocol):
    """Further requirements ANDed with the product-specific rule (e.g. the Automotive Appendix)."""

    @property
    def name(self) -> str:
        """The hook's name."""

    def applies(self, bom: "Bom") -> bool:
        """Whether the hook has anything to say about this BOM's good."""

    def check(self, bom: "Bom", law: "LawView", evaluate: Evaluate) -> list[Requirement]:
        """The requirements and their verdicts (in the order they are reported)."""
