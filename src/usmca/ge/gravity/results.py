"""Immutable results of the one-sector structural gravity solves, with tidy DataFrames.

The public surface matches :class:`usmca.ge.caliendo_parro.CPResults`: ``.countries`` and
``.bilateral`` (DataFrames), ``.country_names``, ``.diagnostics`` (per solve: ``baseline``,
``conditional``, ``full``; each readable as ``d.residual`` or ``d["residual"]``) and
``.to_dict()`` (``{"model", "regions", "diagnostics"}``).

Percent changes are counterfactual relative to baseline, ``100 (x_cf / x_bl - 1)``. The
multilateral resistances are reported as price indices, ``P_j = Phi_j^(1/(1-sigma))`` and
``Pi_i = Omega_i^(1/(1-sigma))``; real GDP is ``Y_i / P_i`` (Yotov, Piermartini, Monteiro and
Larch 2016, ch. 2, Stata code of application 2,
https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf). :func:`effect_of`
converts a change into the book's convention, the effect *of* the policy that the counterfactual
removes, ``(BLN - CFL) / CFL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..changes import pct, pct_where_positive
from .kernels import gravity_flows

__all__ = ["SolveDiagnostics", "GravityBaseline", "GravityCounterfactual", "effect_of", "pct"]


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
        """``outer_iterations``, ``step``, ``residual``, ``seconds``, ``converged``: the keys shared
        with the Caliendo-Parro diagnostics (all but ``step``), also carried by :class:`ConvergenceError`."""
        return {"outer_iterations": self.iterations, "step": self.step, "residual": self.residual,
                "seconds": self.seconds, "converged": self.converged}

    def __getitem__(self, key: str) -> Any:
        """``d["residual"]``: the :meth:`to_dict` view, as the Caliendo-Parro diagnostics are read."""
        return self.to_dict()[key]


@dataclass(frozen=True, eq=False, repr=False)
class GravityBaseline:
    """The baseline equilibrium: data, costs and multilateral resistances (``Phi_ref = 1``).

    Attributes
    ----------
    countries : tuple of str
    reference : str
        The numeraire country, ``Phi_reference = 1`` (Yotov et al. 2016: ``P_ref = 1``).
    phi : ndarray (N, N)
        ``t_ij^(1-sigma)``, exporter i by importer j.
    y, e : ndarray (N,)
        Output ``Y_i`` and expenditure ``E_j``.
    omr, imr : ndarray (N,)
        Outward ``Omega_i = Pi_i^(1-sigma)`` and inward ``Phi_j = P_j^(1-sigma)`` resistances.
    diagnostics : SolveDiagnostics
    """

    countries: tuple[str, ...]
    reference: str
    phi: np.ndarray
    y: np.ndarray
    e: np.ndarray
    omr: np.ndarray
    imr: np.ndarray
    diagnostics: SolveDiagnostics

    def __repr__(self) -> str:
        return f"GravityBaseline({len(self.countries)} countries, reference={self.reference!r})"

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
    """Total imports (intra-national flow excluded): ``sum_{i != j} X_ij``."""
    return x.sum(axis=-2) - np.diagonal(x, axis1=-2, axis2=-1)


@dataclass(frozen=True, eq=False, repr=False)
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
    countries : DataFrame
        One row per country (see the property).
    bilateral : DataFrame
        Exporter x importer flows (see the property).
    """

    baseline: GravityBaseline
    phi_cf: np.ndarray
    sigma: float
    omr_cdl: np.ndarray
    imr_cdl: np.ndarray
    price: np.ndarray
    y_full: np.ndarray
    e_full: np.ndarray
    omr_full: np.ndarray
    imr_full: np.ndarray
    diagnostics: dict[str, SolveDiagnostics]

    def __repr__(self) -> str:
        return f"GravityCounterfactual({len(self.country_names)} countries, sigma={self.sigma})"

    @property
    def flows_cdl(self) -> np.ndarray:
        """Conditional flows ``X'_ij = phi'_ij Y_i E_j / (Omega^c_i Phi^c_j)`` (``Y``, ``E`` at baseline)."""
        b = self.baseline
        return gravity_flows(self.phi_cf, b.y, b.e, self.omr_cdl, self.imr_cdl)

    @property
    def flows_full(self) -> np.ndarray:
        """Full-endowment flows ``X'_ij = phi'_ij Y'_i E'_j / (Omega'_i Phi'_j)``, ``Y'_i = p_i Y_i``."""
        return gravity_flows(self.phi_cf, self.y_full, self.e_full, self.omr_full, self.imr_full)

    @property
    def country_names(self) -> tuple[str, ...]:
        """The countries in array order (as ``CPResults.country_names``)."""
        return self.baseline.countries

    @cached_property
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

    @cached_property
    def bilateral(self) -> pd.DataFrame:
        """Tidy exporter x importer flows: baseline, conditional, full, and ``full_pct`` (``NaN``
        where the baseline flow is 0)."""
        b = self.baseline
        n = len(b.countries)
        names = np.asarray(b.countries)
        xb, xf = b.flows.reshape(-1), self.flows_full.reshape(-1)
        change = pct_where_positive(xf, xb)
        return pd.DataFrame({"exporter": np.repeat(names, n), "importer": np.tile(names, n),
                             "baseline": xb, "conditional": self.flows_cdl.reshape(-1),
                             "full": xf, "full_pct": change})

    def to_dict(self, *, bilateral: bool = False) -> dict[str, Any]:
        """``{"model": "gravity", "regions": {country: {metric: value}}, "diagnostics": {...}}``.

        ``diagnostics`` has ``baseline``, ``conditional``, ``full`` and ``counterfactual`` (= ``full``,
        the key the Caliendo-Parro results also use), plus ``model`` and the total ``seconds``.
        With ``bilateral`` also the tidy records of :attr:`bilateral` (as ``CPResults.to_dict``)."""
        frame = self.countries.set_index("country")
        keep = ["real_gdp_pct", "factory_price_pct", "exports_cdl_pct", "exports_full_pct",
                "imports_full_pct", "imr_full_pct", "omr_full_pct"]
        regions = {c: {k: float(v) for k, v in row.items()} for c, row in frame[keep].iterrows()}
        out: dict[str, Any] = {
            "model": "gravity", "sigma": self.sigma, "reference": self.baseline.reference,
            "regions": regions,
            "diagnostics": {"model": "gravity",
                            **{k: d.to_dict() for k, d in self.diagnostics.items()},
                            "counterfactual": self.diagnostics["full"].to_dict(),
                            "seconds": float(sum(d.seconds for d in self.diagnostics.values()))}}
        if bilateral:
            out["bilateral"] = self.bilateral.to_dict(orient="records")
        return out
