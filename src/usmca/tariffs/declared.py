"""The US measures declared in the law tree, read on a date.

A measure is declared by a parameter named ``measure`` (or ``<name>_measure``) under ``us/``; its
folder holds the measure's other parameters. The declaration's value is the measure key (a
string) or a mapping with ``key`` and the location of any component that does not sit at its
default name in the folder:

=====================  ==========================  ==============================================
component              default                     meaning
=====================  ==========================  ==============================================
``rate``               ``<folder>/rate``           percent of customs value (required)
``scope``              ``<folder>/scope``          HS codes covered (absent: every product); a table,
                                                   ``table@kind`` (its rows of that kind) or a
                                                   ``law_paths`` list of such scopes (their union)
``exempt_countries``   ``<folder>/exempt_countries``  origins outside the measure
``usmca_treatment``    ``<folder>/usmca_treatment``   ``none``, ``exempt`` or ``non_us_content``
``full_value_scope``   ``<folder>/full_value_scope``  lines taxed on full value (others: content)
``heading``            ``<folder>/heading``        the HTSUS chapter 99 heading that carries the rate
``exempt_scopes``      (none)                      space-separated paths of HS-code parameters (or of
                                                   a ``law_paths`` list of them)
``deal``               (none)                      all-in rates of deal partners (:mod:`.deals`)
``deal_additive``      (none)                      deal partners whose rate adds to column 1
``deal_other``         (none)                      all-in rate of the origins without a partner
                                                   value in ``deal`` (e.g. 100% beside 15%)
``entry_facts``        (none)                      chapter 99 headings the entry declares (below)
``us_content_cap``     (none)                      percent of value: under ``non_us_content``, US
                                                   content above it is taxed (U.S. note 16(j))
=====================  ==========================  ==============================================

``entry_facts`` is a mapping with ``applies_if_declared`` (headings one of which the entry must
declare for the measure to apply, e.g. the semiconductor duty of HTSUS 9903.79.01, whose scope
depends on technical parameters that the HTS code does not show) and ``exempt_if_declared``
(heading -> chapters where that declaration does not count, e.g. 9903.82.03, not for chapters 72,
73, 74 and 76), and optionally ``when``: what the required declaration asserts, in words, for the
warning of an entry that does not declare it. These are facts of the entry that only the importer knows: a fact not declared is
never assumed, so an ETR over trade flows charges no ``applies_if_declared`` measure and applies
no ``exempt_if_declared`` exemption.

A component name without ``/`` is relative to the folder; with ``/`` it is a law-tree path. Any
component may be *by partner*: a folder of one parameter per partner (``rate/CA``, ``rate/MX``),
each with its own dated values and references, so that every country's value cites that
country's instrument. A scope may also be a table (``unit: table``) with an ``hts`` column whose
rows carry their own provenance. Adding a measure (e.g. a new Section 232 action) is adding such
a folder: no Python changes. Nothing legal is written here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from usmca.errors import LawError
from usmca.law import LawTree
from usmca.law.values import Entry
from usmca.law.view import LawView

__all__ = ["Component", "Declared", "EntryFacts", "entry_facts", "declarable_headings", "declared", "measure_paths",
           "partner_leaves",
           "ROOT", "STACKING_PATH", "PARTIES_PATH"]

ROOT = "us"
PARTIES_PATH = "us/general_note_11/parties"
STACKING_PATH = "us/stacking/excludes"
_DEFAULTS = {"rate": "rate", "scope": "scope", "exempt_countries": "exempt_countries",
             "usmca_treatment": "usmca_treatment", "full_value_scope": "full_value_scope", "heading": "heading"}
_OPTIONAL = ("exempt_scopes", "deal", "deal_additive", "deal_other", "entry_facts", "us_content_cap")
_PARTNER = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Component:
    """A component's value on a date: ``uniform`` (every origin) or ``by_partner``.

    Attributes
    ----------
    uniform
        The value for every origin (``None`` when the component is by partner).
    entry
        The law-tree entry of ``uniform``.
    by_partner
        Partner code -> value, only for partners in force on the date (non-null).
    entries
        Partner code -> law-tree entry (the partner's own reference).
    """

    uniform: Any = None
    entry: Entry | None = None
    by_partner: Mapping[str, Any] | None = None
    entries: Mapping[str, Entry] = field(default_factory=dict)

    def for_partner(self, code: str) -> tuple[Any, Entry | None]:
        """The value and entry that apply to goods of ``code`` (``(None, None)`` when none)."""
        if self.by_partner is None:
            return self.uniform, self.entry
        return self.by_partner.get(code), self.entries.get(code)


@dataclass(frozen=True)
class Declared:
    """A measure in force on a date, with its components resolved."""

    key: str
    label: str
    path: str
    rate: Component
    scope: Component | None
    exempt_countries: Component | None
    usmca_treatment: Component | None
    full_value_scope: Component | None
    heading: Component | None
    exempt_scopes: tuple[Any, ...]
    deal: Component | None
    deal_additive: Component | None
    entry_facts: Component | None = None
    us_content_cap: Component | None = None
    deal_other: Component | None = None
    #: ``entry_facts`` parsed once, when the measure is declared for a date (see :func:`entry_facts`)
    facts: EntryFacts | None = None


@dataclass(frozen=True)
class EntryFacts:
    """A measure's ``entry_facts`` read (see the module docstring).

    Attributes
    ----------
    requires
        Headings one of which the entry must declare for the measure to apply (may be empty).
    exempts
        Heading -> chapters where declaring it does not count (empty: every chapter).
    """

    requires: tuple[str, ...]
    exempts: Mapping[str, tuple[str, ...]]
    when: str = ""

    @property
    def headings(self) -> frozenset[str]:
        """Every heading an entry may declare for this measure."""
        return frozenset(self.requires) | frozenset(self.exempts)


def entry_facts(m: Declared) -> EntryFacts | None:
    """The ``entry_facts`` of measure ``m`` on its date, or None when it has none."""
    return m.facts


def _parse_facts(c: Component | None) -> EntryFacts | None:
    """An ``entry_facts`` component's value read as :class:`EntryFacts` (None when it has none)."""
    raw = c.uniform if c is not None else None
    if not raw:
        return None
    return EntryFacts(tuple(str(raw.get("applies_if_declared") or "").split()),
                      {str(h): tuple(str(ch or "").split()) for h, ch in dict(raw.get("exempt_if_declared") or {}).items()},
                      str(raw.get("when") or ""))


def declarable_headings(measures: Any) -> frozenset[str]:
    """Every chapter 99 heading the ``entry_facts`` of ``measures`` (in force on a date) read: the
    headings an entry of that date may declare."""
    return frozenset().union(*(f.headings for m in measures if (f := entry_facts(m)) is not None))


def measure_paths(tree: LawTree) -> list[str]:
    """Paths of the measure declarations under ``us/`` (sorted; computed once per tree)."""
    return tree.derived("us.measure_paths", lambda: [
        p for p in tree.paths(ROOT) if p.rsplit("/", 1)[-1] == "measure" or p.endswith("_measure")])


def _leaf_index(tree: LawTree) -> dict[str, dict[str, str]]:
    """Folder -> {partner code -> parameter path}, in one pass over the tree's parameters."""
    index: dict[str, dict[str, str]] = {}
    for p in tree.parameters:
        folder, _, leaf = p.rpartition("/")
        if folder.startswith(ROOT + "/") and _PARTNER.match(leaf):
            index.setdefault(folder, {})[leaf] = p
    return index


def _leaves(law: LawView) -> dict[str, dict[str, str]]:
    return law.tree.derived("us.partner_leaves", lambda: _leaf_index(law.tree))


def partner_leaves(tree: LawTree | LawView, path: str) -> dict[str, str]:
    """Partner code -> parameter path of a by-partner component folder (empty if not one)."""
    index = _leaves(tree) if isinstance(tree, LawView) else tree.derived("us.partner_leaves", lambda: _leaf_index(tree))
    return dict(index.get(path, {}))


def _entry(law: LawView, path: str) -> Entry | None:
    """The entry in force, or None when absent, not yet in force or expired (null)."""
    if path not in law.tree.parameters:
        return None
    try:
        e = law.entry(path)
    except LawError:
        return None
    return None if e.value is None else e


def _table_codes(law: LawView, path: str, kind: str | None = None) -> list[str] | None:
    """The ``hts`` codes of a scope table's rows in force on the view's date (None when no row is),
    only the rows whose ``kind`` is ``kind`` when given."""
    def build() -> list[str] | None:
        rows = law.tree.tables[path].records()   # not frame(): `usmca tariffs duty` starts without pandas
        if kind is not None:
            rows = [r for r in rows if r.get("kind") == kind]
            if not rows:
                raise LawError(path, "kind", kind, "no row of the table has this kind")
        start = np.array([r["effective_from"] for r in rows], dtype="datetime64[D]")
        end = np.array([r["effective_to"] or "9999-12-31" for r in rows], dtype="datetime64[D]")
        d = np.datetime64(law.date, "D")
        codes = np.array([r["hts"] for r in rows], dtype=object)[(start <= d) & (d <= end)]
        return [str(c) for c in codes] if len(codes) else None
    return law.derived(("us.scope_table", path, kind), build)


def _union(law: LawView, path: str, e: Entry) -> Component | None:
    """A ``law_paths`` parameter used as a scope: the codes of every scope it lists, on the date."""
    codes: list[str] = []
    for p in e.value:
        c = component(law, str(p))
        if c is None and str(p).split("@")[0] not in law.tree:
            raise LawError(path, "value", p, "not a parameter or table of the law tree")
        if c is not None and c.uniform:
            codes += [str(x) for x in c.uniform]
    return Component(uniform=codes, entry=e) if codes else None


def component(law: LawView, path: str) -> Component | None:
    """A component at ``path`` on the view's date: a parameter, a table of HS codes (``table@kind``:
    its rows of that ``kind``), a ``law_paths`` list of scopes (their union), or a partner folder."""
    table, _, kind = path.partition("@")
    if table in law.tree.tables:
        codes = _table_codes(law, table, kind or None)
        return None if codes is None else Component(uniform=codes)
    if path in law.tree.parameters:
        e = _entry(law, path)
        if e is not None and law.tree.parameter(path).unit == "law_paths":
            return _union(law, path, e)
        return None if e is None else Component(uniform=e.value, entry=e)
    found = {cc: e for cc, p in partner_leaves(law, path).items() if (e := _entry(law, p)) is not None}
    if not found:
        return None
    return Component(by_partner={cc: e.value for cc, e in found.items()}, entries=found)


def _where(folder: str, name: str) -> str:
    return name if "/" in name else f"{folder}/{name}"


def _exempt_paths(law: LawView, decl: str, spec: Mapping[str, Any]) -> list[str]:
    """The HS-code parameters of ``exempt_scopes``; a parameter of unit ``law_paths`` (e.g.
    ``us/section232/articles``, the scopes that make a good a Section 232 article) stands for the
    paths it lists on the date. A path the tree does not have is a defect of the tree, not a silent
    no-op."""
    out: list[str] = []
    for p in str(spec.get("exempt_scopes", "")).split():
        if p in law.tree.parameters and law.tree.parameter(p).unit == "law_paths":
            e = _entry(law, p)
            out += [] if e is None else [str(x) for x in e.value]
        else:
            out.append(p)
    for p in out:
        if p not in law.tree.parameters and p not in law.tree.tables and not partner_leaves(law, p):
            raise LawError(decl, "exempt_scopes", p, "not a parameter or table of the law tree")
    return out


def _declared_one(law: LawView, decl: str) -> Declared | None:
    e = _entry(law, decl)
    if e is None:
        return None
    spec = {"key": e.value} if isinstance(e.value, str) else dict(e.value)
    folder = decl.rsplit("/", 1)[0]
    names = {**_DEFAULTS, **{k: v for k, v in spec.items() if k in _DEFAULTS}}
    comps = {k: component(law, _where(folder, v)) for k, v in names.items()}
    rate = comps["rate"]
    if rate is None:
        return None
    declared_scope = _where(folder, names["scope"])
    if comps["scope"] is None and (declared_scope.partition("@")[0] in law.tree or partner_leaves(law, declared_scope)):
        return None  # the scope is not (or no longer) in force: neither is the measure
    exempt = []
    for p in _exempt_paths(law, decl, spec):
        c = component(law, p)
        if c is not None and c.uniform:
            exempt.append(c.uniform)
    opt = {k: component(law, _where(folder, spec[k])) if k in spec else None
           for k in ("deal", "deal_additive", "deal_other", "entry_facts", "us_content_cap")}
    label = law.tree.parameter(decl).label or spec["key"]
    return Declared(key=str(spec["key"]), label=label, path=folder, rate=rate, scope=comps["scope"],
                    exempt_countries=comps["exempt_countries"], usmca_treatment=comps["usmca_treatment"],
                    full_value_scope=comps["full_value_scope"], heading=comps["heading"],
                    exempt_scopes=tuple(exempt), facts=_parse_facts(opt["entry_facts"]), **opt)


def _build(law: LawView) -> tuple[Declared, ...]:
    out = [d for p in measure_paths(law.tree) if (d := _declared_one(law, p)) is not None]
    keys = [d.key for d in out]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise LawError(ROOT, "measure", dup[0], "two measure declarations in force give the same key")
    return tuple(out)


def declared(tree: LawTree | LawView, date: dt.date | None = None) -> tuple[Declared, ...]:
    """The measures in force on a date (declaration, rate and scope in force).

    Parameters
    ----------
    tree
        The law tree (then ``date`` is required) or the law on a date (:meth:`LawTree.on`).

    Raises
    ------
    LawError
        When two declarations in force give the same key (a defect of the law tree).
    """
    law = tree if isinstance(tree, LawView) else tree.on(date)
    return law.derived(("us.measures",), lambda: _build(law))


def labels(tree: LawTree) -> dict[str, str]:
    """Measure key -> label, over every declaration and every date of the tree."""
    out: dict[str, str] = {}
    for p in measure_paths(tree):
        param = tree.parameter(p)
        for e in param.entries:
            if e.value is not None:
                k = e.value if isinstance(e.value, str) else e.value["key"]
                out[str(k)] = param.label or str(k)
    return out


def rate_path(tree: LawTree, key: str, date: dt.date, origin: str) -> str:
    """The law-tree path of the parameter that gives measure ``key``'s rate for ``origin`` on ``date``.

    Raises
    ------
    LawError
        When no measure with that key is in force on ``date`` for that origin.
    """
    for m in declared(tree, date):
        if m.key != key:
            continue
        value, entry = m.rate.for_partner(origin)
        if entry is not None:
            return entry.path
    raise LawError(ROOT, "measure", key, f"no rate in force on {date} for origin {origin}")
