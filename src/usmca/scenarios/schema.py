"""Scenario files: what a scenario says, validated with errors that name the file and field.

A scenario (YAML) is a parameter diff of the law (``reform``, see AGENTS.md) and/or tariff and
trade-cost shocks by importer, exporter and sector, the model to run (a name of
:data:`usmca.ge.registry.MODELS`: ``caliendo-parro`` or ``gravity``), a description, and a
citation for every assumed number::

    name: status_quo_2025
    title: 2025 status quo
    description: ...
    model: caliendo-parro
    date: 2025-10-01                 # the law is read on this date (after the reform)
    extends: other_scenario          # optional: inherit law, assumptions and shocks
    compare_to: other_scenario       # optional: the briefing also shows the difference
    reform: {description, reference, changes}   # optional, a usmca.law.Reform mapping
    law:                             # law parameters used by the shocks
      ieepa_mx: {path: us/ieepa/fentanyl/rate/MX}     # a by-partner rate: one leaf per partner
      nonus: {path: us/section232/autos/usmca_treatment, equals: non_us_content}   # 1 if equal, else 0
    calibrate: tariff_engine         # optional: US-MEX/CAN goods wedges from usmca.tariffs.etr when
                                     # the shared flow data is present (see usmca.scenarios.calibrate)
    assumptions:                     # every assumed number, each with its citation
      claim_mx: {value: 0.679, unit: fraction, source: "...", url: https://...}
    shocks:
      - {description, importers: [USA], exporters: [MEX], sectors: goods,
         tariff: "ieepa_mx * (1 - claim_mx)"}   # or set_tariff / trade_cost / mirror / agreement
    closure: deficit_share           # optional: deficit_share | deficits_removed (see usmca.ge.caliendo_parro.adapter)

A shock ``agreement: s`` removes the share ``s`` (1 = all) of the agreement's own trade effect on
the selected block: its non-tariff part, from the cited PPML estimate (:mod:`usmca.ge.agreement`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from usmca.errors import UserInputError
from usmca.ge.registry import CLOSURES, get_model
from usmca.law.userfile import read_user_text
from usmca.limits import check_yaml_depth

from .expr import names_in

__all__ = ["Scenario", "Shock", "Assumption", "LawRef", "load_scenario", "LIBRARY_DIR", "BUILTINS",
           "SHOCK_KINDS", "UNITS", "CLOSURES"]

LIBRARY_DIR = Path(__file__).with_name("library")
BUILTINS = {"mfn", "base"}
SHOCK_KINDS = ("tariff", "set_tariff", "trade_cost", "mirror", "agreement")
UNITS = {"fraction": 1.0, "percent": 0.01, "number": 1.0, "days": 1.0, "percent_per_day": 0.01}
_TOP = {"name", "title", "description", "model", "date", "extends", "compare_to", "reform", "law", "assumptions",
        "shocks", "origin_whatif", "notes", "calibrate", "closure"}
CALIBRATIONS = ("tariff_engine",)
_SHOCK = {"description", "importers", "exporters", "sectors", *SHOCK_KINDS}


@dataclass(frozen=True)
class Assumption:
    """An assumed number with its citation; ``value`` is a float or a {sector: float, default: ...} map."""

    name: str
    value: Any
    unit: str
    source: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class LawRef:
    """A law parameter used by the shocks.

    ``key`` picks an entry of a by-partner mapping; ``equals`` turns a code into an indicator (1.0
    when the parameter equals it, else 0.0). ``fallback`` (a cited number used while the tree
    lacks the path) is still accepted for user files, but no library scenario may use one
    (tests/scenarios check it): every legal number of the library comes from the law tree.
    """

    name: str
    path: str
    fallback: Mapping[str, Any] | None
    key: str | None = None
    equals: str | None = None


@dataclass(frozen=True)
class Shock:
    """One block of the shock: importers x exporters x sectors, and what happens to it."""

    description: str
    importers: tuple[str, ...]
    exporters: tuple[str, ...]
    sectors: Any
    kind: str
    rule: Any


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file (before inheritance from ``extends`` is resolved)."""

    name: str
    title: str
    description: str
    model: str
    date: dt.date
    source: str
    extends: str | None = None
    compare_to: str | None = None
    reform: Mapping[str, Any] | None = None
    law: tuple[LawRef, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    shocks: tuple[Shock, ...] = ()
    origin_whatif: bool = False
    notes: str = ""
    calibrate: str | None = None
    closure: str | None = None
    calibrate_from: Any = field(default=None, repr=False)   # the resolved ancestor that declared ``calibrate``
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def _err(src: str, fld: str, value: Any, reason: str) -> UserInputError:
    return UserInputError(src, fld, value, reason)


def _url(v: Any) -> bool:
    return isinstance(v, str) and v.startswith(("http://", "https://"))


def _assumption(src: str, name: str, raw: Any) -> Assumption:
    f = f"assumptions.{name}"
    if not isinstance(raw, Mapping):
        raise _err(src, f, raw, "an assumption is {value, unit, source, url}")
    for key in ("value", "unit", "source", "url"):
        if key not in raw:
            raise _err(src, f"{f}.{key}", None, "required: every assumed number carries its citation")
    if not _url(raw["url"]):
        raise _err(src, f"{f}.url", raw["url"], "must be an http(s) URL")
    if raw["unit"] not in UNITS:
        raise _err(src, f"{f}.unit", raw["unit"], f"unit must be one of {', '.join(UNITS)}")
    v = raw["value"]
    vals = list(v.values()) if isinstance(v, Mapping) else [v]
    if not vals or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in vals):
        raise _err(src, f"{f}.value", v, "must be a number or a {sector: number} mapping")
    return Assumption(name, v, raw["unit"], str(raw["source"]), raw["url"], str(raw.get("note", "")))


def _lawref(src: str, name: str, raw: Any) -> LawRef:
    f = f"law.{name}"
    if isinstance(raw, str):
        raw = {"path": raw}
    if not isinstance(raw, Mapping) or "path" not in raw:
        raise _err(src, f, raw, "a law entry is {path, fallback?}")
    fb = raw.get("fallback")
    if fb is not None:
        ref = fb.get("reference") if isinstance(fb, Mapping) else None
        if not isinstance(fb, Mapping) or "value" not in fb or fb.get("unit") not in UNITS:
            raise _err(src, f"{f}.fallback", fb, "fallback is {value, unit, reference}")
        if not isinstance(ref, Mapping) or not _url(ref.get("url")) or not ref.get("provision"):
            raise _err(src, f"{f}.fallback.reference", ref, "needs instrument, provision and an http(s) url")
    key = raw.get("key")
    eq = raw.get("equals")
    if eq is not None and (key is not None or not isinstance(eq, str)):
        raise _err(src, f"{f}.equals", eq, "equals is a code (string) and excludes key")
    unknown = sorted(set(raw) - {"path", "key", "fallback", "equals"})
    if unknown:
        raise _err(src, f"{f}.{unknown[0]}", raw[unknown[0]], "unknown key in a law entry")
    return LawRef(name, str(raw["path"]).strip("/"), fb, str(key) if key is not None else None, eq)


def _codes(src: str, f: str, v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
        raise _err(src, f, v, "a list of region codes or groups (all, USMCA, non_USMCA)")
    return tuple(v)


def _shock(src: str, k: int, raw: Any) -> Shock:
    f = f"shocks[{k}]"
    if not isinstance(raw, Mapping):
        raise _err(src, f, raw, "a shock is a mapping")
    unknown = sorted(set(raw) - _SHOCK)
    if unknown:
        raise _err(src, f"{f}.{unknown[0]}", raw[unknown[0]], "unknown key")
    kinds = [x for x in SHOCK_KINDS if x in raw]
    if len(kinds) != 1:
        raise _err(src, f, sorted(raw), f"exactly one of {', '.join(SHOCK_KINDS)}")
    kind = kinds[0]
    rule = raw[kind]
    if kind == "mirror":
        if not isinstance(rule, Mapping) or "of" not in rule or "scale" not in rule:
            raise _err(src, f"{f}.mirror", rule, "mirror is {of: IMPORTER, scale: NAME, lift_below: NAME?}")
    else:
        names_in(rule, src, f"{f}.{kind}")
    return Shock(str(raw.get("description", "")), _codes(src, f"{f}.importers", raw.get("importers")),
                 _codes(src, f"{f}.exporters", raw.get("exporters")), raw.get("sectors", "goods"), kind, rule)


def parse_scenario(raw: Any, source: str) -> Scenario:
    """Validate a scenario mapping; every name a shock uses must be declared and cited."""
    if not isinstance(raw, Mapping):
        raise _err(source, "", raw, "a scenario file is a mapping")
    unknown = sorted(set(raw) - _TOP)
    if unknown:
        raise _err(source, unknown[0], raw[unknown[0]], "unknown key in a scenario")
    for key in ("name", "title", "description", "model", "date"):
        if not raw.get(key):
            raise _err(source, key, raw.get(key), "required")
    get_model(str(raw["model"]), source, "model")   # a model of usmca.ge.registry, or a user error
    try:
        date = raw["date"] if isinstance(raw["date"], dt.date) else dt.date.fromisoformat(str(raw["date"]))
    except ValueError:
        raise _err(source, "date", raw["date"], "not an ISO date") from None
    if raw.get("reform") is not None:
        from usmca.law import Reform

        Reform.from_dict(raw["reform"], source=source)   # syntax; paths are checked against the tree later
    law = tuple(_lawref(source, n, v) for n, v in (raw.get("law") or {}).items())
    assumptions = tuple(_assumption(source, n, v) for n, v in (raw.get("assumptions") or {}).items())
    shocks = tuple(_shock(source, k, s) for k, s in enumerate(raw.get("shocks") or []))
    cal = raw.get("calibrate")
    if cal is not None and cal not in CALIBRATIONS:
        raise _err(source, "calibrate", cal, f"calibrate must be one of {', '.join(CALIBRATIONS)}")
    closure = raw.get("closure")
    if closure is not None and closure not in CLOSURES:
        raise _err(source, "closure", closure, f"closure must be one of {', '.join(CLOSURES)}")
    if not shocks and not raw.get("extends") and raw.get("reform") is None:
        raise _err(source, "shocks", None, "a scenario needs a reform, shocks, or extends")
    return Scenario(name=str(raw["name"]), title=str(raw["title"]), description=str(raw["description"]).strip(),
                    model=raw["model"], date=date, source=source, extends=raw.get("extends"),
                    compare_to=raw.get("compare_to"), reform=raw.get("reform"), law=law, assumptions=assumptions,
                    shocks=shocks, origin_whatif=bool(raw.get("origin_whatif", False)),
                    notes=str(raw.get("notes", "")), calibrate=cal, closure=closure, raw=dict(raw))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario YAML file."""
    p = Path(path)
    if not p.is_file():
        raise _err(str(path), "", str(path), "scenario file not found")
    text = read_user_text(p, "scenario file")
    check_yaml_depth(text, p.name)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _err(p.name, "", None, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return parse_scenario(raw, p.name)
