"""Turn a scenario into model shocks on a baseline: new tariffs and trade-cost changes.

For a baseline with tariffs :math:`\\tau_{nij}` (importer n, exporter i, sector j) the shocks are
applied in file order to a copy :math:`\\tau'`:

- ``tariff: e`` adds :math:`e` on the selected block (ad valorem, fraction);
- ``set_tariff: e`` replaces the block by :math:`e` (e.g. ``mfn``, the importer's
  non-preferential rate, read from its tariff on ROW);
- ``trade_cost: e`` multiplies the iceberg cost: :math:`\\hat d_{nij} \\mathrel{*}= 1 + e`;
- ``agreement: s`` removes the share ``s`` of the agreement's own trade effect on the block; the
  solver turns it into an iceberg change with the cited PPML estimate and the sector's theta
  (:func:`usmca.ge.agreement.log_trade_cost`), net of the preference margin
  :math:`\\ln((1+\\tau^{MFN}_{nj})/(1+\\tau_{nij}))` recorded here;
- ``mirror: {of: USA, scale: s, lift_below: t}`` sets a countermeasure of the selected importers
  c on the selected exporters (the US), dollar for dollar: the uniform rate
  :math:`r_c = s \\sum_j \\Delta\\tau_{US,c,j} Z_{US,c,j} / \\sum_{j \\in S} Z_{c,US,j}` so that the
  duty it raises equals :math:`s` times the extra US duty on c's goods at baseline flows; it is
  lifted (set to zero) when the trade-weighted extra US tariff on c falls below :math:`t`
  (the de-escalation trigger).

Law parameters are read from the law tree on the scenario's date, after its reform; a parameter
the tree does not (yet) encode uses the scenario's cited fallback (user files only: the library has
none), and the result says which. A ``calibration`` array (an additive adjustment, NaN where
none: the gap between the tariff engine's statutory rates and the law-derived tariffs of the
scenario that declared ``calibrate``, :mod:`usmca.scenarios.calibrate`) is added to its cells
after the tariff shocks and before any ``mirror`` shock, so countermeasures answer the
calibrated tariffs and a variant that changes an assumption moves from the calibrated level;
a cell the adjustment would push below zero is set to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from usmca.errors import UserInputError

from .expr import evaluate
from .schema import UNITS, Scenario

__all__ = ["CompiledScenario", "compile_scenario", "select"]

_GROUPS = {"USMCA": ("USA", "MEX", "CAN")}


@dataclass(frozen=True)
class CompiledScenario:
    """What the model runs: new tariffs and :math:`\\hat d`, with the provenance of every number."""

    name: str
    tariffs: np.ndarray
    trade_cost_hat: np.ndarray
    law_used: list[dict[str, Any]]
    reform_status: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    agreement_share: np.ndarray | None = None
    """(N, N, J) share of the agreement's effect removed (``agreement`` shocks), None if none."""
    agreement_margin: np.ndarray | None = None
    """(N, N, J) baseline preference margin :math:`\\ln((1+\\tau^{MFN})/(1+\\tau))`, floored at 0."""

    def added_tariff(self, base: np.ndarray) -> np.ndarray:
        return self.tariffs - base


def _expand(codes: tuple[str, ...], countries: tuple[str, ...], src: str, fld: str,
            groups: Mapping[str, Sequence[str]] | None = None) -> np.ndarray:
    mask = np.zeros(len(countries), bool)
    groups = groups or {}
    for c in codes:
        if c in groups:
            mask |= np.isin(countries, list(groups[c]))
        elif c == "all":
            mask[:] = True
        elif c in _GROUPS:
            mask |= np.isin(countries, _GROUPS[c])
        elif c == "non_USMCA":
            mask |= ~np.isin(countries, _GROUPS["USMCA"])
            for member in _GROUPS["USMCA"]:
                if member in groups:
                    mask &= ~np.isin(countries, list(groups[member]))
        elif c in countries:
            mask[countries.index(c)] = True
        else:
            raise UserInputError(src, fld, c, f"unknown region; one of {', '.join(countries)}, all, USMCA, non_USMCA")
    return mask


def _sectors(spec: Any, sectors: tuple[str, ...], src: str, fld: str,
             groups: Mapping[str, Sequence[str]] | None = None) -> np.ndarray:
    groups = groups or {}

    def members(name: str) -> list[str]:
        if name in groups:
            return list(groups[name])
        if name in sectors:
            return [name]
        raise UserInputError(src, fld, name, f"unknown sector; one of {', '.join(groups or sectors)}")

    services = members("services") if ("services" in groups or "services" in sectors) else []
    goods = ~np.isin(sectors, services)
    if spec in (None, "goods"):
        return goods
    if spec == "all":
        return np.ones(len(sectors), bool)
    if isinstance(spec, dict) and "except" in spec:
        return goods & ~_sectors(spec["except"], sectors, src, fld, groups)
    names = [spec] if isinstance(spec, str) else spec
    if not isinstance(names, list):
        raise UserInputError(src, fld, spec, "sectors: goods, all, a list, or {except: [...]}")
    return np.isin(sectors, [m for n in names for m in members(n)])


def select(shock: Any, countries: tuple[str, ...], sectors: tuple[str, ...], src: str, k: int,
           region_groups: Mapping[str, Sequence[str]] | None = None,
           sector_groups: Mapping[str, Sequence[str]] | None = None) -> np.ndarray:
    """(N, N, J) boolean mask of a shock's block (importer, exporter, sector); never the diagonal.

    ``region_groups`` / ``sector_groups`` map the scenario's codes (e.g. ``EU27``, ``metals``) to
    the baseline's own regions and sectors when they differ (e.g. the 31 x 40 replication data).
    """
    imp = _expand(shock.importers, countries, src, f"shocks[{k}].importers", region_groups)
    exp_ = _expand(shock.exporters, countries, src, f"shocks[{k}].exporters", region_groups)
    sec = _sectors(shock.sectors, sectors, src, f"shocks[{k}].sectors", sector_groups)
    m = imp[:, None, None] & exp_[None, :, None] & sec[None, None, :]
    m[np.arange(len(countries)), np.arange(len(countries)), :] = False
    return m


def _assumption_value(a: Any, sectors: tuple[str, ...], src: str,
                      sector_groups: Mapping[str, Sequence[str]] | None = None) -> Any:
    scale = UNITS[a.unit]
    if not isinstance(a.value, dict):
        return float(a.value) * scale
    names = list(sector_groups) if sector_groups else list(sectors)
    if "default" not in a.value:
        missing = [s for s in names if s not in a.value]
        if missing:
            raise UserInputError(src, f"assumptions.{a.name}.value", missing[0], "sector missing and no default")
    unknown = [k for k in a.value if k != "default" and k not in names]
    if unknown:
        raise UserInputError(src, f"assumptions.{a.name}.value", unknown[0], "unknown sector")
    group_of = {m: g for g, ms in (sector_groups or {}).items() for m in ms}
    values: dict[str, Any] = a.value
    return np.array([float(values.get(group_of.get(s, s), values.get("default", 0.0))) for s in sectors]) * scale


def _law_env(s: Scenario) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    from usmca.law import Reform, default_tree

    tree = default_tree()
    status: dict[str, Any] = {"reform": None}
    if s.reform is not None:
        reform = Reform.from_dict(s.reform, source=s.source)
        tree = tree.with_reform(reform)  # validated all-or-nothing: an unknown path is the user's error
        status = {"reform": "applied", "changes": [c.path for c in reform.changes]}
    env: dict[str, Any] = {}
    used = []
    for ref in s.law:
        if ref.path in tree:
            e = tree.entry(ref.path, s.date)
            val, unit, cite, origin = e.value, tree.parameter(ref.path).unit, e.reference.to_dict(), "law tree"
            if ref.equals is not None:          # a code turned into an indicator
                val, unit, origin = float(val == ref.equals), "number", f"law tree ({e.value!r} == {ref.equals!r})"
            elif isinstance(val, Mapping):
                if ref.key not in val:
                    raise UserInputError(s.source, f"law.{ref.name}.key", ref.key,
                                         f"{ref.path} on {s.date} has entries {', '.join(map(str, val))}")
                val = val[ref.key]
            if val is None:             # repealed or not in force on the date: no additional duty
                val, origin = 0, "law tree (not in force on this date)"
        elif ref.fallback is not None:
            val, unit, cite, origin = ref.fallback["value"], ref.fallback["unit"], dict(ref.fallback["reference"]), \
                "scenario fallback (path not in the law tree)"
        else:
            raise UserInputError(s.source, f"law.{ref.name}.path", ref.path, "not in the law tree and no fallback")
        if not isinstance(val, (int, float)) or isinstance(val, bool):
            raise UserInputError(s.source, f"law.{ref.name}", val, "law parameter is not a number")
        env[ref.name] = float(val) * UNITS.get(unit, 1.0)
        used.append({"name": ref.name, "path": ref.path + (f"[{ref.key}]" if ref.key else ""), "value": val,
                     "effective_from": str(tree.entry(ref.path, s.date).effective_from) if ref.path in tree else None,
                     "unit": unit, "origin": origin, "reference": cite, "date": s.date.isoformat()})
    return env, used, status


def compile_scenario(s: Scenario, countries: tuple[str, ...], sectors: tuple[str, ...], base_tariffs: np.ndarray,
                     flows: np.ndarray, region_groups: Mapping[str, Sequence[str]] | None = None,
                     sector_groups: Mapping[str, Sequence[str]] | None = None,
                     calibration: np.ndarray | None = None) -> CompiledScenario:
    """Compile a resolved scenario on a baseline (tariffs and flows in importer, exporter, sector order).

    ``calibration``: optional (N, N, J) adjustment added to the tariffs, NaN where none.
    """
    env, used, status = _law_env(s)
    for a in s.assumptions:
        env[a.name] = _assumption_value(a, sectors, s.source, sector_groups)
    row_name = "ROW" if "ROW" in countries else next(iter((region_groups or {}).get("ROW", [])), None)
    if row_name not in countries:
        raise UserInputError("--baseline", "countries", countries[:8], "the baseline needs a ROW region (for mfn)")
    row = countries.index(row_name)
    env["base"] = base_tariffs
    env["mfn"] = np.broadcast_to(base_tariffs[:, row : row + 1, :], base_tariffs.shape)
    tau = base_tariffs.astype(float).copy()
    dhat = np.ones_like(tau)
    share = np.zeros_like(tau)
    notes: list[str] = []
    pending = calibration
    for k, sh in enumerate(s.shocks):
        m = select(sh, countries, sectors, s.source, k, region_groups, sector_groups)
        fld = f"shocks[{k}].{sh.kind}"
        if sh.kind == "mirror":
            tau, pending = _calibrate(tau, pending, notes), None
            tau = _mirror(sh, m, tau, base_tariffs, flows, env, countries, s.source, k, notes, region_groups)
            continue
        v = np.broadcast_to(np.asarray(evaluate(sh.rule, env, s.source, fld), dtype=float), tau.shape)
        if sh.kind == "tariff":
            tau = np.where(m, tau + v, tau)
        elif sh.kind == "set_tariff":
            tau = np.where(m, v, tau)
        elif sh.kind == "agreement":
            if np.any((v < 0) | (v > 1)):
                raise UserInputError(s.source, fld, sh.rule, "the share of the agreement removed is in [0, 1]")
            share = np.where(m, v, share)
        else:
            dhat = np.where(m, dhat * (1.0 + v), dhat)
    tau = _calibrate(tau, pending, notes)
    if np.any(tau < 0) or np.any(dhat <= 0) or not (np.isfinite(tau).all() and np.isfinite(dhat).all()):
        raise UserInputError(s.source, "shocks", None, "the shocks give a negative tariff or a non-positive trade cost")
    margin = None
    if share.any():
        margin = np.maximum(np.log1p(env["mfn"]) - np.log1p(base_tariffs), 0.0)
        notes.append("agreement removed: its non-tariff trade cost (PPML estimate, usmca.ge.agreement) on "
                     f"{int((share > 0).sum())} importer x exporter x sector cells")
    return CompiledScenario(s.name, tau, dhat, used, status, notes, share if share.any() else None, margin)


def _calibrate(tau: np.ndarray, cal: np.ndarray | None, notes: list[str]) -> np.ndarray:
    """Add the calibration adjustment ``cal`` where it is finite, floored at zero (see compile_scenario)."""
    if cal is None:
        return tau
    cal = np.asarray(cal, dtype=float)
    if cal.shape != tau.shape:
        raise UserInputError("calibration", "shape", cal.shape, f"expected {tau.shape}")
    ok = np.isfinite(cal)
    out = np.where(ok, tau + np.where(ok, cal, 0.0), tau)
    floored = int((out < 0).sum())
    notes.append(f"{int(ok.sum())} importer x exporter x sector tariffs calibrated to the tariff engine"
                 + (f" ({floored} floored at zero)" if floored else ""))
    return np.maximum(out, 0.0)


def _mirror(sh: Any, m: np.ndarray, tau: np.ndarray, base: np.ndarray, flows: np.ndarray, env: dict[str, Any],
            countries: tuple[str, ...], src: str, k: int, notes: list[str],
            groups: Mapping[str, Sequence[str]] | None = None) -> np.ndarray:
    of = sh.rule["of"]
    if groups and of in groups and len(groups[of]) == 1:
        of = list(groups[of])[0]
    if of not in countries:
        raise UserInputError(src, f"shocks[{k}].mirror.of", of, "unknown region (must be one region)")
    u = countries.index(of)
    scale = float(evaluate(sh.rule["scale"], env, src, f"shocks[{k}].mirror.scale"))
    lift = float(evaluate(sh.rule.get("lift_below", 0), env, src, f"shocks[{k}].mirror.lift_below"))
    added = tau - base                                     # extra tariffs so far
    out = tau.copy()
    for c in np.flatnonzero(m.any(axis=(1, 2))):           # few countermeasure-takers (not a hot path)
        sel = m[c, u, :]
        if not sel.any():
            continue
        duty = float((added[u, c, :] * flows[u, c, :]).sum())
        exposure = float(flows[u, c, :].sum())
        avg = duty / exposure if exposure > 0 else 0.0
        if avg < lift:
            notes.append(f"{countries[c]}: countermeasures lifted (extra {of} tariff {avg:.2%} < trigger {lift:.2%})")
            continue
        rate = scale * duty / float(flows[c, u, sel].sum())
        out[c, u, sel] = tau[c, u, sel] + rate
        notes.append(f"{countries[c]}: countermeasure {rate:.2%} on imports from {of} "
                     f"(dollar-for-dollar x{scale:g}; extra {of} tariff on {countries[c]} {avg:.2%})")
    return out
