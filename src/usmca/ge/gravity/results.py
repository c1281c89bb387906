"""Immutable results of the one-sector structural gravity solves, with tidy DataFrames.

Percent changes are counterfactual relative to baseline, ``100 (x_cf / x_bl - 1)``. The
multilateral resistances are reported as price indices, ``P_j = Phi_j^(1/(1-sigma))`` and
``Pi_i = Omega_i^(1/(1-sigma))``; real GDP is ``Y_i / P_i`` (Yotov et al. 2016, ch. 2, Stata
code of application 2). :func:`effect_of` converts a change into the book's convention, the
effect *of* the policy that the counterfactual removes, ``(BLN - CFL) / CFL``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .kernels import gravity_flows

__all__ = ["SolveDiagnostics", "GravityBaseline", "GravityCounterfactual", "effect_of", "pct"]


def pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """``100 (new / old - 1)``."""
    return 100.0 * (np.asarray(new) / np.asarray(old) - 1.0)


def effect_of(change_pct: Any) -> Any:
    """Turn a counterfactual change ``x`` (%) into the effect of the removed policy (%).

    ``(BLN - CFL) / CFL * 100 = (1 / (1 + x/100) - 1) * 100``, the convention of Yotov et al.
    (2016), ch. 2, application 2 ("effects of NAFTA").
    """
    x = change_pct if isinstance(change_pct, (pd.Series, pd.DataFrame, np.ndarray)) else np.asarray(change_pct, dtype=float)
    return (1.0 / (1.0 + x / 100.0) - 1.0) * 100.0


@dataclass(frozen=True)
class SolveDiagnostics:
    """One solve: iterations, last step (relative change), equilibrium residual, wall time.

    ``residual`` is the largest relative violation of market clearing,
    ``max(|sum_j X_ij / Y_i - 1|, |sum_i X_ij / E_j - 1|)``, computed after the solve.
    """

    iterations: int
    step: float
    residual: float
    seconds: float
    converged: bool

    def to_dict(self) -> dict[str, Any]:
        return {"outer_iterations": self.iterations, "step": self.step, "residual": self.residual,
                "seconds": self.seconds, "converged": self.converged}


@dataclass(frozen=True, eq=False)
class GravityBaseline:
    """The baseline equilibrium: data, costs and multilateral resistances (``Phi_ref = 1``)."""

    countries: tuple[str, ...]
    reference: str
    phi: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    e: np.ndarray = field(repr=False)
    omr: np.ndarray = field(repr=False)
    imr: np.ndarray = field(repr=False)
    diagnostics: SolveDiagnostics

    @property
    def ref(self) -> int:
        return self.countries.index(self.reference)

    @property
    def flows(self) -> np.ndarray:
        """Fitted flows ``X_ij`` (exporter i, importer j)."""
        return gravity_flows(self.phi, self.y, self.e, self.omr, self.imr)


def _exports(x: np.ndarray) -> np.ndarray:
    """Total exports (intra-national flow excluded): ``sum_{j != i} X_ij``."""
    return x.sum(axis=-1) - np.diagonal(x, axis1=-2, axis2=-1)


def _imports(x: np.ndarray) -> np.ndarray:
    return x.sum(axis=-2) - np.diagonal(x, axis1=-2, axis2=-1)


@dataclass(frozen=True, eq=False)
class GravityCounterfactual:
    """Conditional and exact full-endowment counterfactual against a baseline.

    Attributes
    ----------
    baseline : GravityBaseline
    phi_cf : ndarray (N, N)
        Counterfactual ``t_ij^(1-sigma)``.
    sigma : float
    omr_cdl, imr_cdl : ndarray
        Conditional resistances (output and expenditure held at baseline).
    price, y_full, e_full, omr_full, imr_full : ndarray
        Full endowment: factory-gate price changes ``p_i`` and levels.
    diagnostics : dict of SolveDiagnostics
        ``baseline``, ``conditional``, ``full``.
    """

    baseline: GravityBaseline
    phi_cf: np.ndarray = field(repr=False)
    sigma: float
    omr_cdl: np.ndarray = field(repr=False)
    imr_cdl: np.ndarray = field(repr=False)
    price: np.ndarray = field(repr=False)
    y_full: np.ndarray = field(repr=False)
    e_full: np.ndarray = field(repr=False)
    omr_full: np.ndarray = field(repr=False)
    imr_full: np.ndarray = field(repr=False)
    diagnostics: dict[str, SolveDiagnostics]

    @property
    def flows_cdl(self) -> np.ndarray:
        b = self.baseline
        return gravity_flows(self.phi_cf, b.y, b.e, self.omr_cdl, self.imr_cdl)

    @property
    def flows_full(self) -> np.ndarray:
        return gravity_flows(self.phi_cf, self.y_full, self.e_full, self.omr_full, self.imr_full)

    def countries(self) -> pd.DataFrame:
        """One row per country; percent changes counterfactual vs baseline.

        Columns: ``exports_cdl_pct``, ``exports_full_pct``, ``imports_full_pct``,
        ``factory_price_pct``, ``output_pct``, ``real_gdp_pct`` (``Y/P``), ``imr_cdl_pct``,
        ``imr_full_pct`` (``P``), ``omr_cdl_pct``, ``omr_full_pct`` (``Pi``), and the baseline
        levels ``output_baseline``, ``exports_baseline``.
        """
        b, inv = self.baseline, 1.0 / (1.0 - self.sigma)
        xb, xc, xf = b.flows, self.flows_cdl, self.flows_full
        p_b, p_c, p_f = b.imr ** inv, self.imr_cdl ** inv, self.imr_full ** inv
        pi_b, pi_c, pi_f = b.omr ** inv, self.omr_cdl ** inv, self.omr_full ** inv
        return pd.DataFrame({
            "country": list(b.countries),
            "exports_cdl_pct": pct(_exports(xc), _exports(xb)),
            "exports_full_pct": pct(_exports(xf), _exports(xb)),
            "imports_full_pct": pct(_imports(xf), _imports(xb)),
            "factory_price_pct": pct(self.price, 1.0),
            "output_pct": pct(self.y_full, b.y),
            "real_gdp_pct": pct(self.y_full / p_f, b.y / p_b),
            "imr_cdl_pct": pct(p_c, p_b), "imr_full_pct": pct(p_f, p_b),
            "omr_cdl_pct": pct(pi_c, pi_b), "omr_full_pct": pct(pi_f, pi_b),
            "output_baseline": b.y, "exports_baseline": _exports(xb),
        })

    def bilateral(self) -> pd.DataFrame:
        """Tidy exporter x importer flows: baseline, conditional, full, and percent change."""
        b = self.baseline
        n = len(b.countries)
        names = np.asarray(b.countries)
        xb, xf = b.flows.reshape(-1), self.flows_full.reshape(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(xb > 0, pct(xf, np.where(xb > 0, xb, 1.0)), np.nan)
        return pd.DataFrame({"exporter": np.repeat(names, n), "importer": np.tile(names, n),
                             "baseline": xb, "conditional": self.flows_cdl.reshape(-1),
                             "full": xf, "full_pct": change})

    def to_dict(self) -> dict[str, Any]:
        """``{"model": "gravity", "regions": {country: {metric: value}}, "diagnostics": {...}}``.

        ``diagnostics`` has ``baseline``, ``conditional``, ``full`` and ``counterfactual`` (= ``full``,
        the key the shared ``ge solve`` display reads)."""
        frame = self.countries().set_index("country")
        keep = ["real_gdp_pct", "factory_price_pct", "exports_cdl_pct", "exports_full_pct",
                "imports_full_pct", "imr_full_pct", "omr_full_pct"]
        regions = {c: {k: float(v) for k, v in row.items()} for c, row in frame[keep].iterrows()}
        return {"model": "gravity", "sigma": self.sigma, "reference": self.baseline.reference,
                "regions": regions,
                "diagnostics": {**{k: d.to_dict() for k, d in self.diagnostics.items()},
                                "counterfactual": self.diagnostics["full"].to_dict()}}
