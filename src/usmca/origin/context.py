"""What one determination reads from outside the BOM: the law on a date, the rule sources, the hooks.

Every threshold comes from the law tree through one :class:`usmca.law.LawView` (``ctx.law``) with
its reference; nothing legal is hard-coded here. The product-specific rule is resolved from the
context's rule sources in order (:mod:`.hooks`): the BOM's inline rule; else the Automotive
Appendix (when the good has a ``use`` or ``automotive`` data); else the PSR library; else "not
encoded". Further requirements come from the context's requirement hooks. The sources and hooks
of the law in force are wired by :func:`usmca.origin.qualify.make_context`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from usmca.hs import HsSet, dotted

from .hooks import RequirementHook, RuleChoice, RuleQuery, RuleSource, RuleSourceName
from .rules import parse_rule

if TYPE_CHECKING:
    from usmca.law import LawView

__all__ = ["Context", "RuleChoice", "InlineRule", "LibraryRule", "PARTIES", "P", "DeMinimisException"]

#: The Parties to the Agreement (USMCA Preamble and Art. 1.5, "Party"); "territory" in Chapter 4
#: means the territories of these three countries. Country codes, not legal numbers.
PARTIES = frozenset({"CA", "MX", "US"})


class P:
    """Law-tree paths read by the origin engine."""

    DM_GENERAL = "usmca/ch04/de_minimis/general"
    DM_RVC_WAIVER = "usmca/ch04/de_minimis/rvc_waiver"
    DM_TEXTILE_WEIGHT = "usmca/ch04/de_minimis/textile_weight"
    DM_ELASTOMERIC = "usmca/ch04/de_minimis/textile_elastomeric_max"
    DM_TEXTILE_CHAPTERS = "usmca/ch04/de_minimis/textile_weight_chapters"
    DM_APPAREL_CHAPTERS = "usmca/ch04/de_minimis/apparel_component_chapters"
    DM_VALUE_EXCLUDED = "usmca/ch04/de_minimis/value_test_excluded_chapters"
    DM_DIFF_SUBHEADING = "usmca/ch04/de_minimis/different_subheading_only_chapters"
    DM_EXCEPTIONS = "usmca/ch04/de_minimis/exceptions"
    PARTS_TV = "usmca/ch04/parts_exception/rvc_tv"
    PARTS_NC = "usmca/ch04/parts_exception/rvc_nc"
    PARTS_EXCLUDED = "usmca/ch04/parts_exception/excluded_chapters"
    SETS_MAX = "usmca/ch04/sets/non_originating_max"
    FUNGIBLE_METHODS = "usmca/ch04/fungible/inventory_methods"
    TABLE_2_10_1 = "usmca/ch04/table_2_10_1_goods"
    NME_IN_EFFECT = "usmca/review/nme_content_cap/in_effect"
    NME_MAX = "usmca/review/nme_content_cap/max_share"
    NME_COUNTRIES = "usmca/review/nme_content_cap/countries"
    FLOOR_IN_EFFECT = "usmca/review/psr_rvc_floor/in_effect"
    FLOOR_TV = "usmca/review/psr_rvc_floor/tv"
    FLOOR_NC = "usmca/review/psr_rvc_floor/nc"


#: A row of the Annex 4-A table in force: (item, material codes, good codes, condition).
DeMinimisException = tuple[str, HsSet, HsSet, str]


@dataclass(frozen=True)
class InlineRule:
    """The rule written in the BOM for a good or material (it overrides every other source)."""

    name: RuleSourceName = "inline"

    def find(self, query: RuleQuery, law: "LawView") -> RuleChoice | None:
        if query.inline is None:
            return None
        alts = parse_rule(query.inline, "BOM", f"{query.path + '.' if query.path else 'good.'}rule")
        return RuleChoice("inline", alts, None, query.hs)


@dataclass(frozen=True)
class LibraryRule:
    """The product-specific rules of Annex 4-B, from a library ``lookup(dotted_hs, date)``.

    ``lookup`` returns ``None`` when the good's rule is not encoded (never a guess), else a mapping
    (it is called with ``trade=(exporter, importer)`` only when the BOM names the importing country)
    with ``alternatives`` (rule language) and ``reference``. The library is not part of the law
    tree (a user may load another), so its answers are kept by the :class:`Context`, per
    determination, not on the law view.
    """

    lookup: Callable[..., Mapping[str, Any] | None]
    name: RuleSourceName = "library"

    def find(self, query: RuleQuery, law: "LawView") -> RuleChoice | None:
        hs = query.hs
        assert law.date is not None
        found = (self.lookup(dotted(hs), law.date, trade=query.trade) if query.trade
                 else self.lookup(dotted(hs), law.date))
        if not found:
            return None
        alts = parse_rule(found.get("alternatives"), "PSR library", f"psr[{dotted(hs)}]", strict=False)
        return RuleChoice("library", alts, found.get("reference"), hs)


@dataclass(frozen=True)
class Context:
    """One determination's view of the world: the law on its date, the rule sources, the hooks.

    Parameters
    ----------
    law
        The law tree on the date of the determination (``tree.on(date)``).
    rules
        Rule sources, asked in order (:class:`InlineRule` first); the first answer wins.
    requirements
        Requirement hooks ANDed with the rule's verdict for the good of a BOM.
    """

    law: "LawView"
    rules: tuple[RuleSource, ...]
    requirements: tuple[RequirementHook, ...] = ()
    _memo: dict[Any, RuleChoice | None] = field(default_factory=dict, repr=False, compare=False)

    @property
    def tree(self) -> Any:
        return self.law.tree

    @property
    def date(self) -> dt.date:
        assert self.law.date is not None
        return self.law.date

    def rule_for(self, query: RuleQuery) -> RuleChoice | None:
        """The rule of the first source that has one for ``query``."""
        for source in self.rules:
            found = self._ask(source, query)
            if found is not None:
                return found
        return None

    def library_rule(self, hs: str) -> RuleChoice | None:
        """The rule of the library sources for ``hs`` (the material-level question of UR s. 8(6))."""
        q = RuleQuery(hs, path="library")
        for source in self.rules:
            if source.name == "library":
                found = self._ask(source, q)
                if found is not None:
                    return found
        return None

    def _ask(self, source: RuleSource, query: RuleQuery) -> RuleChoice | None:
        """A source's answer; library answers are kept for the determination (asked per material)."""
        if source.name != "library":
            return source.find(query, self.law)
        key = (id(source), query.hs, query.trade)  # the source is held by this context, so its id is stable
        if key not in self._memo:
            self._memo[key] = source.find(query, self.law)
        return self._memo[key]

    def de_minimis_exceptions(self) -> list[DeMinimisException]:
        """Rows of the Annex 4-A table in force: (item, material codes, good codes, condition).

        Parsed once per law view (shared across the determinations of a day: the tree is immutable).
        """
        def build() -> list[DeMinimisException]:
            rows = []
            for row in self.law.table(P.DM_EXCEPTIONS).itertuples(index=False):
                cond = row.condition if isinstance(row.condition, str) else ""
                rows.append((str(row.item), HsSet.parse(str(row.material_hs)), HsSet.parse(str(row.good_hs)), cond))
            return rows

        return self.law.derived("dm_exceptions", build)
