"""One parameter of the law tree: a value history keyed by effective date, each value cited.

A parameter file (YAML) has the keys ``description``, ``unit``, ``values`` and optionally
``label``, ``notes``, ``last_verified_on``; a table parameter has ``unit: table``, ``table`` (the
CSV beside it) and ``columns``. Anything else is an error naming the file and the key.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from usmca.errors import LawError

from .userfile import brief
from .values import Entry, Reference, Unit, check_value, parse_date, parse_reference, units

if TYPE_CHECKING:  # numpy is imported on use: `usmca law show` starts without it (benchmarks/bench_startup.py)
    import numpy as np

__all__ = ["Parameter", "parse_parameter", "LEAF_KEYS", "TABLE_KEYS"]

LEAF_KEYS = {"description", "label", "unit", "values", "notes", "last_verified_on"}
TABLE_KEYS = {"description", "label", "unit", "table", "columns", "notes", "last_verified_on"}
VALUE_KEYS = {"value", "reference", "note"}


@dataclass(frozen=True)
class Parameter:
    """A dated, cited legal parameter.

    Attributes
    ----------
    path
        Slash-separated path mirroring the legal hierarchy (``usmca/ch04/de_minimis/general``).
    entries
        The history, ascending by ``effective_from``; entry *k* is in force from its date until
        the day before entry *k+1*'s. A ``None`` value means expired or repealed.
    """

    path: str
    description: str
    unit: str
    entries: tuple[Entry, ...]
    label: str | None = None
    notes: str | None = None
    last_verified_on: dt.date | None = None
    source_file: str = ""
    _ordinals: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ordinals", tuple(e.effective_from.toordinal() for e in self.entries))

    def entry(self, date: Any) -> Entry:
        """The entry in force on ``date``.

        Raises
        ------
        LawError
            When ``date`` is before the first effective date.
        """
        d = parse_date(date)
        k = bisect.bisect_right(self._ordinals, d.toordinal()) - 1
        if k < 0:
            raise LawError("date", self.path, d.isoformat(),
                           f"no value in force: the parameter starts on {self.entries[0].effective_from}")
        return self.entries[k]

    def at(self, date: Any) -> Any:
        """The value in force on ``date`` (``None`` when expired or repealed)."""
        return self.entry(date).value

    def indices(self, dates: Any) -> np.ndarray:
        """Vectorised: the index of the entry in force for each date (-1 before the first)."""
        import numpy as np  # noqa: PLC0415

        try:
            d = np.asarray(dates, dtype="datetime64[D]")
        except (ValueError, TypeError):
            raise LawError("dates", self.path, brief(dates), "not dates (expected YYYY-MM-DD)") from None
        if np.isnat(d).any():
            raise LawError("dates", self.path, "NaT", "a missing date has no law in force")
        starts = np.array([e.effective_from.isoformat() for e in self.entries], dtype="datetime64[D]")
        return np.searchsorted(starts, d, side="right") - 1

    def at_many(self, dates: Any) -> np.ndarray:
        """Vectorised lookup: the value in force on each of ``dates`` (an object array).

        Raises
        ------
        LawError
            When any date is before the first effective date.
        """
        import numpy as np  # noqa: PLC0415

        idx = self.indices(dates)
        if (idx < 0).any():
            bad = np.asarray(dates, dtype="datetime64[D]")[idx < 0][0]
            raise LawError("dates", self.path, str(bad),
                           f"no value in force: the parameter starts on {self.entries[0].effective_from}")
        values = np.empty(len(self.entries), dtype=object)
        values[:] = [e.value for e in self.entries]
        return values[idx]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "description": self.description, "unit": self.unit, "label": self.label,
                "history": [e.to_dict() for e in self.entries]}


def parse_parameter(path: str, raw: Any, source: str) -> Parameter:
    """Validate the YAML mapping of a (non-table) parameter file and build the :class:`Parameter`.

    Rules: only the known keys; a description; a unit of the registry; at least one value; dates
    strictly ascending; every value a mapping ``{value, reference}`` whose reference is complete;
    every value valid for the unit.
    """
    if not isinstance(raw, Mapping):
        raise LawError(source, "", type(raw).__name__, "a parameter file must be a YAML mapping")
    unknown = sorted(set(raw) - LEAF_KEYS)
    if unknown:
        raise LawError(source, unknown[0], raw[unknown[0]], "unknown key in a parameter file")
    unit = _unit(raw, source)
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise LawError(source, "description", description, "a parameter needs a description")
    values = raw.get("values")
    if not isinstance(values, Mapping) or not values:
        raise LawError(source, "values", values, "a parameter needs values keyed by effective date")
    entries: list[Entry] = []
    for key, item in values.items():
        date = parse_date(key, source, f"values.{key}", LawError)
        field_name = f"values.{date.isoformat()}"
        if entries and date <= entries[-1].effective_from:
            raise LawError(source, field_name, key, "effective dates must be strictly ascending")
        entries.append(parse_entry(path, date, item, unit, source, field_name))
    last = raw.get("last_verified_on")
    return Parameter(
        path=path, description=" ".join(description.split()), unit=unit.name, entries=tuple(entries),
        label=raw.get("label"), notes=raw.get("notes"),
        last_verified_on=parse_date(last, source, "last_verified_on", LawError) if last is not None else None,
        source_file=source,
    )


def parse_entry(path: str, date: dt.date, item: Any, unit: Unit, source: str, field_name: str,
                default_reference: Reference | None = None) -> Entry:
    """Validate one dated value ``{value, reference}``; a bare value takes ``default_reference``."""
    if not isinstance(item, Mapping) or "value" not in item:
        if default_reference is None:
            raise LawError(source, field_name, item, "each value must be a mapping {value, reference}")
        item = {"value": item}
    unknown = sorted(set(item) - VALUE_KEYS)
    if unknown:
        raise LawError(source, f"{field_name}.{unknown[0]}", item[unknown[0]], "unknown key in a value")
    if "reference" in item:
        reference = parse_reference(item["reference"], source, f"{field_name}.reference")
    elif default_reference is not None:
        reference = default_reference
    else:
        raise LawError(source, f"{field_name}.reference", None, "every value needs its reference")
    value = check_value(item["value"], unit, source, f"{field_name}.value")
    return Entry(path=path, effective_from=date, value=value, unit=unit.name, reference=reference)


def _unit(raw: Mapping[str, Any], source: str) -> Unit:
    name = raw.get("unit")
    registry = units()
    if name not in registry:
        raise LawError(source, "unit", name, f"unknown unit (known: {', '.join(sorted(registry))})")
    return registry[name]
