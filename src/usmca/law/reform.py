"""Reforms: parameter diffs ``{path: {date or range: value}}``, validated all-or-nothing.

Period keys (as in PolicyEngine's ``Reform.from_dict``):

- ``2027-07-01``: the value applies from that date on, replacing every later value;
- ``2027-07-01..2029-12-31``: the value applies on that closed range; from the next day the value
  the law had on that day applies again.

A value is either bare (it takes the reform's ``reference``) or ``{value, reference}``. Every path,
unit and type is checked against the tree before anything is applied: a reform with one bad change
changes nothing. Structural options (e.g. a cap on non-market-economy content) are parameters
under ``usmca/review/``, switched on by a reform, so that the CLI, the API and the scenarios only
ever exchange parameter diffs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from usmca.errors import LawError

from .parameter import Parameter, parse_entry
from .tree import LawTree
from .userfile import brief, load_user_yaml
from .values import Entry, Reference, load_yaml, parse_date, parse_reference, units

__all__ = ["Change", "Reform"]

REFORM_KEYS = {"description", "reference", "changes", "name"}
#: The reason given for a change of a path the law tree does not have (the API answers it with 404).
UNKNOWN_PATH = "unknown parameter path"


@dataclass(frozen=True)
class Change:
    """One change of a reform: ``value`` on ``[start, end]`` (``end`` None = from then on)."""

    path: str
    start: dt.date
    end: dt.date | None
    value: Any
    reference: Reference | None
    raw: Any = None

    def period(self) -> str:
        return self.start.isoformat() + (f"..{self.end.isoformat()}" if self.end else "..")


@dataclass(frozen=True)
class Reform:
    """A parameter diff. Build with :meth:`load` or :meth:`from_dict`; apply with :meth:`apply`."""

    description: str
    changes: tuple[Change, ...]
    reference: Reference | None = None
    source: str = "<reform>"
    name: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> "Reform":
        """Read a reform YAML file (errors name the file)."""
        p = Path(path)
        raw = load_user_yaml(p, "reform file", loader=load_yaml)
        try:
            return cls.from_dict(raw, source=p.name)
        except RecursionError:
            raise LawError(p.name, "", p.name, "the reform nests too deeply") from None

    @classmethod
    def from_dict(cls, raw: Any, source: str = "<reform>") -> "Reform":
        """Parse the mapping ``{description, reference?, changes: {path: {period: value}}}``."""
        if not isinstance(raw, Mapping):
            raise LawError(source, "", brief(raw), "a reform must be a mapping with 'changes'")
        unknown = sorted(set(raw) - REFORM_KEYS)
        if unknown:
            raise LawError(source, unknown[0], brief(raw[unknown[0]]), "unknown key in a reform")
        changes_raw = raw.get("changes")
        if not isinstance(changes_raw, Mapping) or not changes_raw:
            raise LawError(source, "changes", brief(changes_raw), "a reform needs changes {path: {date: value}}")
        reference = parse_reference(raw["reference"], source, "reference") if "reference" in raw else None
        changes: list[Change] = []
        for path, periods in changes_raw.items():
            if not isinstance(periods, Mapping) or not periods:
                raise LawError(source, f"changes.{path}", brief(periods), "each path maps periods to values")
            for key, value in periods.items():
                start, end = _period(key, source, f"changes.{path}.{key}")
                ref = None
                if isinstance(value, Mapping) and "value" in value:
                    if "reference" in value:
                        ref = parse_reference(value["reference"], source, f"changes.{path}.{key}.reference")
                    value = value["value"]
                changes.append(Change(path=str(path).strip("/"), start=start, end=end, value=value,
                                      reference=ref or reference, raw=value))
        return cls(description=str(raw.get("description", "")), changes=tuple(changes), reference=reference,
                   source=source, name=raw.get("name"))

    @staticmethod
    def compose(*reforms: "Reform") -> "Reform":
        """One reform applying ``reforms`` in order (later changes win where they overlap)."""
        if not reforms:
            raise LawError("<reform>", "", None, "compose needs at least one reform")
        return Reform(description=" + ".join(r.description for r in reforms if r.description),
                      changes=tuple(c for r in reforms for c in r.changes),
                      source=" + ".join(r.source for r in reforms))

    def __add__(self, other: "Reform") -> "Reform":
        return Reform.compose(self, other)

    def validate(self, tree: LawTree) -> list[Entry]:
        """Check every change against ``tree``; return the new entries (nothing is applied)."""
        out = []
        for c in self.changes:
            field = f"changes.{c.path}.{c.period()}"
            if c.path in tree.tables:
                raise LawError(self.source, f"changes.{c.path}", c.path, "tables cannot be changed by a reform")
            if c.path not in tree.parameters:
                raise LawError(self.source, f"changes.{c.path}", c.path, UNKNOWN_PATH)
            param = tree.parameters[c.path]
            if c.reference is None:
                raise LawError(self.source, field, c.value, "a reformed value needs a reference "
                               "(its own, or the reform's 'reference')")
            out.append(parse_entry(c.path, c.start, {"value": c.value}, units()[param.unit], self.source, field,
                                   default_reference=c.reference))
        return out

    def apply(self, tree: LawTree) -> LawTree:
        """A new tree with every change applied in order; ``tree`` is not modified."""
        new_entries = self.validate(tree)
        params: dict[str, Parameter] = dict(tree.parameters)
        for change, entry in zip(self.changes, new_entries, strict=True):
            params[change.path] = _splice(params[change.path], change, entry)
        label = self.description or self.source
        return LawTree(parameters=MappingProxyType(params), tables=tree.tables, reforms=(*tree.reforms, label))

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "source": self.source,
                "changes": [{"path": c.path, "from": c.start.isoformat(),
                             "to": c.end.isoformat() if c.end else None, "value": c.value,
                             "reference": c.reference.to_dict() if c.reference else None} for c in self.changes]}


def _splice(param: Parameter, change: Change, entry: Entry) -> Parameter:
    """Insert ``entry`` over ``[change.start, change.end]`` into the parameter's history."""
    kept = [e for e in param.entries if e.effective_from < change.start]
    new = [entry]
    if change.end is not None:
        resume = change.end + dt.timedelta(days=1)
        try:
            old = param.entry(resume)
            new.append(replace(old, effective_from=resume))
        except LawError:
            pass  # the parameter did not exist yet on the resume date
        new += [e for e in param.entries if e.effective_from > resume]
    return replace(param, entries=tuple(kept + new))


def _period(key: Any, source: str, field: str) -> tuple[dt.date, dt.date | None]:
    if isinstance(key, str) and ".." in key:
        left, right = key.split("..", 1)
        start = parse_date(left, source, field, LawError)
        end = parse_date(right, source, field, LawError) if right.strip() else None
        if end is not None and end < start:
            raise LawError(source, field, key, "the range ends before it starts")
        return start, end
    return parse_date(key, source, field, LawError), None
