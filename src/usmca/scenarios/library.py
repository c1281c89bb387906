"""The scenario library: load every file, resolve ``extends``, check names and citations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from usmca.errors import UserInputError

from .expr import names_in
from .schema import BUILTINS, LIBRARY_DIR, Scenario, load_scenario

__all__ = ["load_library", "resolve", "library_paths", "scenario_names", "load_user_scenario",
           "calibrate_through_comparator"]


def library_paths(directory: Path | None = None) -> list[Path]:
    """The scenario files of the library, in file-name order (``_*.yaml`` are bases, not run)."""
    d = directory or LIBRARY_DIR
    return sorted(p for p in d.glob("*.yaml"))


def _merge(parent: Scenario, child: Scenario) -> Scenario:
    law = {x.name: x for x in parent.law} | {x.name: x for x in child.law}
    ass = {x.name: x for x in parent.assumptions} | {x.name: x for x in child.assumptions}
    return replace(child, law=tuple(law.values()), assumptions=tuple(ass.values()),
                   shocks=parent.shocks + child.shocks, calibrate=child.calibrate or parent.calibrate,
                   calibrate_from=None if child.calibrate else (parent.calibrate_from or
                                                                (parent if parent.calibrate else None)),
                   reform=child.reform if child.reform is not None else parent.reform,
                   closure=child.closure or parent.closure)


def resolve(name: str, scenarios: dict[str, Scenario], _seen: tuple[str, ...] = ()) -> Scenario:
    """The scenario ``name`` with its ``extends`` chain merged (child wins; shocks are appended)."""
    if name not in scenarios:
        raise UserInputError("--scenario", "", name, f"unknown scenario; one of {', '.join(sorted(scenarios))}")
    if name in _seen:
        raise UserInputError(scenarios[name].source, "extends", name, "circular extends")
    s = scenarios[name]
    if not s.extends:
        return s
    if s.extends not in scenarios:
        raise UserInputError(s.source, "extends", s.extends, "no scenario of that name in the library")
    return _merge(resolve(s.extends, scenarios, (*_seen, name)), s)


def calibrate_through_comparator(s: Scenario, resolved: dict[str, Scenario]) -> Scenario:
    """Calibrate ``s`` through its comparator when it inherits a calibration and compares to a
    calibrated scenario of the same date (e.g. the review options (d)-(h) through (m)).

    The calibration gap :math:`\\tau^{engine} - \\tau^{law}` is then that of the comparator, so
    :math:`\\tau'_s - \\tau'_{cmp} = \\tau^{law}_s - \\tau^{law}_{cmp}` (cells floored at zero aside):
    the difference the briefing shows is the option's own (its assumptions and reform), on the comparator's
    calibrated level. A scenario that declares ``calibrate`` itself is calibrated on itself.
    """
    cmp_ = resolved.get(s.compare_to or "")
    if s.calibrate_from is None or cmp_ is None or not cmp_.calibrate or cmp_.date != s.date:
        return s
    return replace(s, calibrate_from=cmp_.calibrate_from or cmp_)


def _check_names(s: Scenario) -> None:
    declared = {x.name for x in s.law} | {x.name for x in s.assumptions} | BUILTINS
    for k, sh in enumerate(s.shocks):
        rules = [sh.rule] if sh.kind != "mirror" else [sh.rule.get("scale"), sh.rule.get("lift_below", 0)]
        for rule in rules:
            for n in names_in(rule, s.source, f"shocks[{k}].{sh.kind}"):
                if n not in declared:
                    raise UserInputError(s.source, f"shocks[{k}].{sh.kind}", n,
                                         "uses a number that is neither a law parameter nor a cited assumption")


def load_library(directory: Path | None = None) -> dict[str, Scenario]:
    """Every scenario of the library, resolved and checked, keyed by name (bases excluded)."""
    raw: dict[str, Scenario] = {}
    for p in library_paths(directory):
        s = load_scenario(p)
        if s.name in raw:
            raise UserInputError(p.name, "name", s.name, f"duplicate scenario name (also in {raw[s.name].source})")
        raw[s.name] = s
    resolved = {}
    for name, s in raw.items():
        r = resolve(name, raw)
        _check_names(r)
        if r.compare_to and r.compare_to not in raw:
            raise UserInputError(s.source, "compare_to", r.compare_to, "no scenario of that name")
        resolved[name] = r
    return {name: calibrate_through_comparator(r, resolved) for name, r in resolved.items()
            if not raw[name].source.startswith("_")}


def scenario_names(directory: Path | None = None) -> list[str]:
    """Names of the runnable scenarios of the library."""
    return list(load_library(directory))


def load_user_scenario(path: Path, library: dict[str, Scenario] | None = None) -> Scenario:
    """A scenario file outside the library; its ``extends`` may name a library scenario."""
    lib = library if library is not None else load_library()
    s = load_scenario(path)
    if s.extends:
        if s.extends not in lib:
            raise UserInputError(s.source, "extends", s.extends, f"no library scenario of that name; one of {', '.join(lib)}")
        s = _merge(lib[s.extends], s)
    _check_names(s)
    return calibrate_through_comparator(s, lib)
