"""Values, dates, units and references of the law tree, and their validation.

Every value of a parameter carries its own :class:`Reference` (the instrument, the provision and
the URL), because thresholds phase in through different instruments (OpenFisca-France style).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any, Mapping

from usmca.errors import LawError, UserInputError

__all__ = ["Reference", "Entry", "Unit", "units", "parse_date", "check_value", "parse_reference", "load_yaml", "load_yaml_all"]


@functools.lru_cache(maxsize=1)
def _loader() -> Any:
    """Safe YAML loader that leaves dates as strings, so that a bad date is our error, not YAML's.

    Built on first use: PyYAML is imported only when a YAML text is read (start-up time of
    ``usmca law show``, which reads the law tree from its cache, :mod:`usmca.law.cache`).
    """
    import yaml  # noqa: PLC0415

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    return _Loader


def load_yaml(text: str) -> Any:
    """Parse YAML safely; dates stay ISO strings (validated by :func:`parse_date`)."""
    import yaml  # noqa: PLC0415

    return yaml.load(text, Loader=_loader())


def load_yaml_all(text: str) -> list[Any]:
    """Every document of a YAML stream, parsed as :func:`load_yaml` does (dates stay strings)."""
    import yaml  # noqa: PLC0415

    return list(yaml.load_all(text, Loader=_loader()))

REFERENCE_KEYS = {"instrument", "provision", "url", "published", "note"}
REQUIRED_REFERENCE_KEYS = ("instrument", "provision", "url")


@dataclass(frozen=True)
class Reference:
    """Where a value comes from: instrument, provision (article/section/paragraph), URL."""

    instrument: str
    provision: str
    url: str
    published: dt.date | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"instrument": self.instrument, "provision": self.provision, "url": self.url}
        if self.published is not None:
            out["published"] = self.published.isoformat()
        if self.note:
            out["note"] = self.note
        return out

    def cite(self) -> str:
        """A one-line citation: ``instrument, provision``."""
        return f"{self.instrument}, {self.provision}"


@dataclass(frozen=True)
class Entry:
    """One dated value of a parameter: in force from ``effective_from`` until the next entry."""

    path: str
    effective_from: dt.date
    value: Any
    unit: str
    reference: Reference

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "effective_from": self.effective_from.isoformat(), "value": self.value,
                "unit": self.unit, "reference": self.reference.to_dict()}


@dataclass(frozen=True)
class Unit:
    """A unit of the registry (``units.yaml``): its kind and numeric bounds."""

    name: str
    kind: str
    description: str
    min: float | None = None
    max: float | None = None


@functools.lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    """The unit registry, read from ``usmca/law/units.yaml``."""
    import yaml  # noqa: PLC0415

    text = resources.files("usmca.law").joinpath("units.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {name: Unit(name=name, kind=spec["kind"], description=spec.get("description", ""),
                       min=spec.get("min"), max=spec.get("max")) for name, spec in raw.items()}


def parse_date(value: Any, source: str = "date", field: str = "",
               exc: type[UserInputError] = UserInputError) -> dt.date:
    """A ``datetime.date`` from a date, a datetime or an ISO string ``YYYY-MM-DD``.

    Raises
    ------
    UserInputError
        When the value is not a valid calendar date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy.datetime64
        return parse_date(str(value)[:10], source, field, exc)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise exc(source, field, value, "not a date (expected YYYY-MM-DD)")


def check_value(value: Any, unit: Unit, source: str, field: str) -> Any:
    """Validate ``value`` against ``unit`` and return it normalised.

    ``None`` (expired or repealed) is always valid. A mapping is a breakdown: each of its values
    is validated against the unit.
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        if not value:
            raise LawError(source, field, value, "an empty breakdown")
        return {str(k): check_value(v, unit, source, f"{field}.{k}") for k, v in value.items()}
    kind = unit.kind
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LawError(source, field, value, f"unit {unit.name} needs a number")
        if not math.isfinite(value):
            raise LawError(source, field, value, f"unit {unit.name} needs a finite number")
        if unit.min is not None and value < unit.min:
            raise LawError(source, field, value, f"below the minimum {unit.min} of unit {unit.name}")
        if unit.max is not None and value > unit.max:
            raise LawError(source, field, value, f"above the maximum {unit.max} of unit {unit.name}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise LawError(source, field, value, "unit bool needs true or false")
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise LawError(source, field, value, f"unit {unit.name} needs a string")
        return value
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise LawError(source, field, value, f"unit {unit.name} needs a list of codes")
        if unit.name == "country_codes":
            from .countries import is_country

            bad = [v for v in value if not is_country(str(v))]
            if bad:
                raise LawError(source, field, bad[0], "not an ISO 3166-1 alpha-2 country code")
        return [str(v) for v in value]
    if kind == "date":
        return parse_date(value, source, field, LawError)
    raise LawError(source, field, value, f"unit {unit.name} takes no scalar values")


def parse_reference(raw: Any, source: str, field: str) -> Reference:
    """Validate a reference mapping: instrument, provision and an http(s) URL are required."""
    if not isinstance(raw, Mapping):
        raise LawError(source, field, raw, "a reference must be a mapping with instrument, provision, url")
    unknown = sorted(set(raw) - REFERENCE_KEYS)
    if unknown:
        raise LawError(source, f"{field}.{unknown[0]}", raw[unknown[0]], "unknown key in a reference")
    for key in REQUIRED_REFERENCE_KEYS:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise LawError(source, f"{field}.{key}", raw.get(key), "a reference needs this field")
    if not raw["url"].startswith(("http://", "https://")):
        raise LawError(source, f"{field}.url", raw["url"], "a reference URL must start with http(s)://")
    published = raw.get("published")
    return Reference(
        instrument=raw["instrument"].strip(),
        provision=str(raw["provision"]).strip(),
        url=raw["url"].strip(),
        published=parse_date(published, source, f"{field}.published", LawError) if published is not None else None,
        note=raw.get("note"),
    )
