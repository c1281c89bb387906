"""What one determination reads from outside the BOM: the law tree on a date, and the rules.

Every threshold comes from the law tree (``usmca.law``) with its reference; nothing legal is
hard-coded here. The product-specific rule is resolved in the order fixed by the project
contract: the BOM's inline ``rule``; else the automotive rule (``usmca.origin.autos``, when the
good has a ``use`` or ``automotive`` data); else the PSR library (``usmca.origin.psr.lookup``);
else "not encoded". The psr and autos modules are imported lazily so that this engine works
before they exist.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

from usmca.errors import LawError, UserInputError

from usmca.hs import HsSet, dotted
from .rules import Alternative, parse_rule

__all__ = ["Context", "RuleChoice", "PARTIES", "P"]

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


@dataclass(frozen=True)
class RuleChoice:
    """The product-specific rule that applies to one good, and where it came from."""

    source: str                      # inline | automotive | library
    alternatives: tuple[Alternative, ...]
    reference: Mapping[str, Any] | None = None
    hs: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"source": self.source, "hs": dotted(self.hs) if self.hs else None,
                             "alternatives": [a.to_dict() for a in self.alternatives]}
        if self.reference is not None:
            d["reference"] = dict(self.reference)
        return d


@dataclass
class Context:
    """The law tree on one date, with cached parameter reads and rule look-ups."""

    tree: Any
    date: dt.date
    _cache: dict[str, Any] = field(default_factory=dict)

    # -- law tree ---------------------------------------------------------------------------
    def has(self, path: str) -> bool:
        return path in self.tree

    def entry(self, path: str) -> Any:
        key = "e:" + path
        if key not in self._cache:
            self._cache[key] = self.tree.entry(path, self.date)
        return self._cache[key]

    def value(self, path: str) -> Any:
        return self.entry(path).value

    def percent(self, path: str) -> Decimal:
        """A percent parameter as an exact Decimal (from its YAML spelling)."""
        v = self.value(path)
        if v is None:
            raise LawError("law", path, None, f"not in force on {self.date}")
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)

    def cite(self, path: str) -> str:
        try:
            return f"{self.entry(path).reference.cite()} [{path}]"
        except UserInputError:
            return path

    def codes(self, path: str) -> HsSet:
        key = "c:" + path
        if key not in self._cache:
            self._cache[key] = HsSet.parse(self.value(path) or [])
        return self._cache[key]

    def table(self, path: str) -> Any:
        key = "t:" + path
        if key not in self._cache:
            self._cache[key] = self.tree.table(path, self.date)
        return self._cache[key]

    def de_minimis_exceptions(self) -> list[tuple[str, HsSet, HsSet, str]]:
        """Rows of the Annex 4-A table in force: (item, material codes, good codes, condition).

        Parsed once per tree and date (shared across determinations: the tree is immutable).
        """
        per_tree = _shared_for(self.tree)
        key = ("dm_exceptions", self.date)
        if key not in per_tree:
            rows = []
            for row in self.table(P.DM_EXCEPTIONS).itertuples(index=False):
                cond = row.condition if isinstance(row.condition, str) else ""
                rows.append((str(row.item), HsSet.parse(str(row.material_hs)), HsSet.parse(str(row.good_hs)), cond))
            per_tree[key] = rows
        return per_tree[key]

    def optional(self, path: str, default: Any = None) -> Any:
        """The value of an optional parameter (review options); ``default`` if absent or not in force."""
        return self.tree.get(path, self.date, default)

    # -- rules ------------------------------------------------------------------------------
    def library_rule(self, hs: str) -> RuleChoice | None:
        """The rule of the PSR library for ``hs`` (``usmca.origin.psr.lookup``), if encoded."""
        key = "psr:" + hs
        if key in self._cache:
            return self._cache[key]
        lookup = _optional_callable("usmca.origin.psr", "lookup")
        choice = None
        if lookup is not None:
            found = lookup(dotted(hs), self.date)
            if found:
                alts = parse_rule(found.get("alternatives"), "PSR library", f"psr[{dotted(hs)}]", strict=False)
                choice = RuleChoice("library", alts, found.get("reference"), hs)
        self._cache[key] = choice
        return choice

    def automotive_rule(self, hs: str, use: str | None, description: str | None = None) -> RuleChoice | None:
        """The Automotive Appendix rule (``usmca.origin.autos.automotive_rule``), if any.

        ``description`` is the declared description class of the part
        (``automotive.part_description_class``), which settles the description-limited rows of s. 13.
        """
        fn = _optional_callable("usmca.origin.autos", "automotive_rule")
        if fn is None:
            return None
        extra = {"description": description} if description is not None else {}
        found = fn(dotted(hs), use, self.date, self.tree, **extra)
        if not found:
            return None
        alts = parse_rule(found, "automotive rule", f"autos[{dotted(hs)}]", strict=False)
        ref = None
        first = found[0] if isinstance(found, list) and found else None
        if isinstance(first, Mapping) and isinstance(first.get("reference"), Mapping):
            ref = first["reference"]
        return RuleChoice("automotive", alts, ref, hs)

    def automotive_requirements(self, bom: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        fn = _optional_callable("usmca.origin.autos", "automotive_requirements")
        if fn is None:
            return None
        return list(fn(bom, self.date, self.tree))


_SHARED: dict[int, tuple[Any, dict[Any, Any]]] = {}


def _shared_for(tree: Any) -> dict[Any, Any]:
    """A cache tied to one (immutable, unhashable) law tree, by identity and a weak reference."""
    entry = _SHARED.get(id(tree))
    if entry is None or entry[0]() is not tree:
        try:
            ref = weakref.ref(tree)
        except TypeError:
            return {}
        entry = (ref, {})
        _SHARED[id(tree)] = entry
    return entry[1]


@functools.lru_cache(maxsize=None)
def _optional_callable(module: str, name: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    return getattr(mod, name, None)
