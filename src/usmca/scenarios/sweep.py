"""Sweep specifications: one scenario, some of its parameters varied over grids or distributions.

A sweep file (YAML)::

    scenario: auto_rvc85_us_content     # a library scenario, or a scenario YAML file
    draws: 0                            # Monte Carlo draws of the elasticities per point (default 0)
    seed: 0                             # seed of the distributions' samples and of the draws
    samples: 20                         # points drawn from the distributions (needed if any is given)
    reference: {instrument: ..., provision: ..., url: https://...}   # cites the swept law values
    parameters:
      usmca/ch04_appendix_autos/passenger_light_truck/vehicle_rvc:    # a law parameter path
        values: [75, 80, 85]                                          # a grid
      assumptions.drop_mx:                                            # an assumption of the scenario
        uniform: [0.0, 0.15]                                          # or normal: [mean, sd]

The points are the Cartesian product of the grids; with distributions, each grid point is paired
with ``samples`` draws (point ``k`` draws from its own generator, spawned from
``SeedSequence(seed)``, so a point's values do not depend on how the sweep is split). A law path
becomes a change of the scenario's reform on the scenario's date (``usmca.law.Reform``, cited by
``reference``); ``assumptions.NAME`` replaces that assumption's value. Everything is checked before
any point is solved: an unknown path, an empty grid, a bad distribution or a missing ``samples``
is a :class:`~usmca.errors.UserInputError`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from usmca.errors import UserInputError

from .schema import Scenario

__all__ = ["SweepSpec", "Parameter", "load_sweep", "parse_sweep", "MAX_POINTS", "DISTRIBUTIONS"]

MAX_POINTS = 100_000
"""Most points a sweep may have (a cap on a typo's cost: 10 grids of 4 values are already 1,048,576)."""
DISTRIBUTIONS = ("uniform", "normal")
_KEYS = {"scenario", "draws", "seed", "samples", "reference", "parameters", "closure", "description"}


@dataclass(frozen=True)
class Parameter:
    """One swept parameter: a law ``path`` or ``assumptions.NAME``; a grid or a distribution."""

    path: str
    values: tuple[Any, ...] = ()
    distribution: str | None = None
    args: tuple[float, float] = (0.0, 0.0)

    @property
    def is_assumption(self) -> bool:
        return self.path.startswith("assumptions.")


@dataclass(frozen=True)
class SweepSpec:
    """A checked sweep: the base scenario, the parameters and the points (see the module docstring)."""

    source: str
    scenario: Scenario
    parameters: tuple[Parameter, ...]
    points: tuple[dict[str, Any], ...]
    draws: int
    seed: int
    closure: str | None
    reference: Mapping[str, Any] | None

    def scenario_at(self, point: Mapping[str, Any]) -> Scenario:
        """The base scenario with ``point``'s values: law paths in its reform, assumptions replaced."""
        return apply_point(self.scenario, point, self.reference, self.source)


def apply_point(s: Scenario, point: Mapping[str, Any], reference: Mapping[str, Any] | None, source: str
                ) -> Scenario:
    """``s`` with the values of ``point`` (``{path: value}``) applied; see :class:`SweepSpec`."""
    law = {p: v for p, v in point.items() if not p.startswith("assumptions.")}
    assumed = {p.split(".", 1)[1]: v for p, v in point.items() if p.startswith("assumptions.")}
    out = s
    if assumed:
        out = replace(out, assumptions=tuple(replace(a, value=assumed[a.name]) if a.name in assumed else a
                                             for a in s.assumptions))
    if law:
        base = dict(s.reform or {"description": f"sweep {source}"})
        changes = {k: dict(v) for k, v in (base.get("changes") or {}).items()}
        for p, v in law.items():
            changes[p] = {s.date.isoformat(): v if reference is None else {"value": v, "reference": dict(reference)}}
        out = replace(out, reform={**base, "changes": changes})
    return out


def _number(v: Any, src: str, fld: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
        raise UserInputError(src, fld, v, "must be a finite number")
    return float(v)


def _int(raw: Mapping[str, Any], key: str, default: int, low: int, src: str) -> int:
    v = raw.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise UserInputError(src, key, v, f"must be an integer >= {low}")
    return v


def _parameter(path: Any, raw: Any, src: str, s: Scenario, law_paths: set[str]) -> Parameter:
    fld = f"parameters.{path}"
    if not isinstance(path, str):
        raise UserInputError(src, "parameters", path, "a parameter path must be a string")
    if path.startswith("assumptions."):
        names = [a.name for a in s.assumptions]
        if path.split(".", 1)[1] not in names:
            raise UserInputError(src, fld, path, f"unknown assumption of scenario {s.name}; one of "
                                 f"{', '.join(names) or '(none)'}")
    elif path not in law_paths:
        raise UserInputError(src, fld, path, "unknown path: not a law parameter (usmca law list) nor "
                             "assumptions.<name> of the scenario")
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise UserInputError(src, fld, raw, f"give exactly one of values: [...], {', '.join(DISTRIBUTIONS)}: [a, b]")
    (kind, val), = raw.items()
    if kind == "values":
        if not isinstance(val, list) or not val:
            raise UserInputError(src, f"{fld}.values", val, "the grid is empty: give a non-empty list of values")
        return Parameter(path, values=tuple(val))
    if kind in DISTRIBUTIONS:
        if not isinstance(val, list) or len(val) != 2:
            raise UserInputError(src, f"{fld}.{kind}", val, "give two numbers: [low, high] or [mean, sd]")
        a, b = (_number(x, src, f"{fld}.{kind}") for x in val)
        if (kind == "uniform" and not a < b) or (kind == "normal" and b < 0):
            raise UserInputError(src, f"{fld}.{kind}", val, "uniform needs low < high; normal needs sd >= 0")
        return Parameter(path, distribution=kind, args=(a, b))
    raise UserInputError(src, fld, kind, f"unknown kind; one of values, {', '.join(DISTRIBUTIONS)}")


def _points(params: tuple[Parameter, ...], samples: int, seed: int, src: str) -> tuple[dict[str, Any], ...]:
    grid = [p for p in params if p.distribution is None]
    dist = [p for p in params if p.distribution is not None]
    if dist and samples < 1:
        raise UserInputError(src, "samples", samples, "distributions need samples >= 1 (points drawn from them)")
    n = math.prod(len(p.values) for p in grid) * (samples if dist else 1)
    if n > MAX_POINTS:
        raise UserInputError(src, "parameters", n, f"too many points (at most {MAX_POINTS:,})")
    combos = list(itertools.product(*(p.values for p in grid)))
    reps = samples if dist else 1
    seeds = np.random.SeedSequence(seed).spawn(len(combos) * reps) if dist else []
    points: list[dict[str, Any]] = []
    for i, combo in enumerate(combos):
        for r in range(reps):
            pt: dict[str, Any] = {p.path: v for p, v in zip(grid, combo, strict=True)}
            if dist:
                rng = np.random.default_rng(seeds[i * reps + r])
                for p in dist:
                    a, b = p.args
                    pt[p.path] = float(rng.uniform(a, b) if p.distribution == "uniform" else rng.normal(a, b))
            points.append(pt)
    return tuple(points)


def parse_sweep(raw: Any, source: str, library: Mapping[str, Scenario] | None = None) -> SweepSpec:
    """Check a sweep mapping (see the module docstring) and list its points; nothing is solved."""
    from usmca.law import Reform, default_tree

    from .review import select_scenarios

    if not isinstance(raw, Mapping):
        raise UserInputError(source, "", type(raw).__name__, "a sweep file must be a mapping")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise UserInputError(source, unknown[0], raw[unknown[0]], f"unknown key; one of {', '.join(sorted(_KEYS))}")
    if not isinstance(raw.get("scenario"), str):
        raise UserInputError(source, "scenario", raw.get("scenario"), "name a library scenario or a scenario YAML file")
    try:
        (scenario,) = select_scenarios([raw["scenario"]], library)
    except UserInputError as exc:
        raise UserInputError(source, "scenario", exc.value, exc.reason) from None
    params_raw = raw.get("parameters")
    if not isinstance(params_raw, Mapping) or not params_raw:
        raise UserInputError(source, "parameters", params_raw, "give at least one parameter path with its values")
    law_paths = set(default_tree().paths())
    params = tuple(_parameter(p, v, source, scenario, law_paths) for p, v in params_raw.items())
    draws, seed = _int(raw, "draws", 0, 0, source), _int(raw, "seed", 0, 0, source)
    samples = _int(raw, "samples", 0, 0, source)
    reference = raw.get("reference")
    spec = SweepSpec(source=source, scenario=scenario, parameters=params,
                     points=_points(params, samples, seed, source), draws=draws, seed=seed,
                     closure=raw.get("closure"), reference=reference if isinstance(reference, Mapping) else None)
    tree = default_tree()
    for p in params:                                          # every law value is checked now, not mid-sweep
        if p.is_assumption:
            continue
        for v in (p.values if p.distribution is None else (spec.points[0][p.path],)):
            s = apply_point(scenario, {p.path: v}, spec.reference, source)
            try:
                tree.with_reform(Reform.from_dict(s.reform, source=source))
            except UserInputError as exc:
                raise UserInputError(source, f"parameters.{p.path}", v, exc.reason) from None
    return spec


def load_sweep(path: Path) -> SweepSpec:
    """Read and check a sweep file (size and depth capped: :func:`usmca.law.userfile.load_user_yaml`)."""
    from usmca.law.userfile import load_user_yaml

    return parse_sweep(load_user_yaml(path, "sweep file"), str(path))
