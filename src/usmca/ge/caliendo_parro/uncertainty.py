"""Monte Carlo over the trade elasticities of the Caliendo-Parro model.

Each draw replaces :math:`\\theta_j` by a log-normal draw with mean :math:`\\theta_j` and standard
deviation :math:`s_j` (so that draws stay positive): :math:`\\ln\\tilde\\theta_j \\sim
N(\\ln\\theta_j - \\sigma_j^2/2, \\sigma_j^2)`, :math:`\\sigma_j^2 = \\ln(1 + s_j^2/\\theta_j^2)`, and
re-solves baseline and counterfactual. The standard errors are the user's (CP 2015 report
theirs with the estimates in Table 1, https://doi.org/10.1093/restud/rdu035); none are built in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from ..montecarlo import MonteCarloBands, percentile_bands
from .inputs import CPInputs
from .solve import DEFAULT_MAX_ITER, DEFAULT_TOL, solve

__all__ = ["METRICS", "ThetaBands", "draw_theta", "theta_montecarlo"]

METRICS: tuple[str, ...] = ("welfare_pct", "tot_pct", "vot_pct", "real_wage_pct", "imports_pct")


def draw_theta(rng: np.random.Generator, theta: np.ndarray, se: np.ndarray) -> np.ndarray:
    r"""One log-normal draw of the elasticities with mean ``theta`` and s.d. ``se`` (vectorised).

    :math:`\theta^{draw}_j = \exp(\ln\theta_j - s_j^2/2 + s_j z_j)`, :math:`z_j \sim N(0, 1)`,
    :math:`s_j^2 = \ln(1 + (se_j/\theta_j)^2)`, so that :math:`E[\theta^{draw}_j] = \theta_j`
    and :math:`\mathrm{sd}[\theta^{draw}_j] = se_j` (the moments of the log-normal law); every
    draw stays positive, as the Caliendo and Parro (2015) model requires.
    """
    s2 = np.log1p((se / theta) ** 2)
    return np.exp(np.log(theta) - s2 / 2 + np.sqrt(s2) * rng.standard_normal(theta.shape))


def _one_draw(rng: np.random.Generator, *, inputs: CPInputs, new_tariffs: np.ndarray | None,
              trade_cost_hat: np.ndarray | None, se: np.ndarray, balanced: bool, tol: float,
              max_iter: int) -> np.ndarray:
    th = draw_theta(rng, inputs.theta, se)
    res = solve(inputs, new_tariffs, trade_cost_hat=trade_cost_hat, balanced=balanced, theta=th,
                tol=tol, max_iter=max_iter)
    return res.countries[list(METRICS)].to_numpy()


@dataclass(frozen=True, eq=False)
class ThetaBands:
    """Percentile bands by region and metric (``frame``) and the raw Monte Carlo object."""

    frame: pd.DataFrame
    montecarlo: MonteCarloBands


def theta_montecarlo(inputs: CPInputs, new_tariffs: np.ndarray | None = None, *,
                     theta_se: Sequence[float] | np.ndarray | float, n: int = 100, seed: int = 0,
                     percentiles: Sequence[float] = (5.0, 50.0, 95.0), balanced: bool = False,
                     trade_cost_hat: np.ndarray | None = None, workers: int = 1,
                     tol: float = DEFAULT_TOL, max_iter: int = DEFAULT_MAX_ITER,
                     on_progress: Callable[[int], None] | None = None) -> ThetaBands:
    """Percentile bands of :data:`METRICS` per region under uncertain :math:`\\theta`.

    Parameters
    ----------
    theta_se : array (J,) or float
        Standard errors of :math:`\\theta_j` (a float applies to every sector); >= 0.
    n, seed, percentiles, workers
        See :func:`usmca.ge.montecarlo.percentile_bands`.
    Other parameters are those of :func:`usmca.ge.caliendo_parro.solve`.

    Returns
    -------
    ThetaBands
        ``frame`` has columns ``country, metric, p5, p50, p95, mean`` (one ``p`` column per
        percentile).
    """
    j = len(inputs.sectors)
    se = np.broadcast_to(np.asarray(theta_se, dtype=float), (j,)).copy()
    if not np.all(np.isfinite(se)) or np.any(se < 0):
        raise UserInputError("theta_se", "", theta_se, "standard errors must be finite and >= 0")
    fn = partial(_one_draw, inputs=inputs, new_tariffs=new_tariffs, trade_cost_hat=trade_cost_hat,
                 se=se, balanced=balanced, tol=tol, max_iter=max_iter)
    mc = percentile_bands(fn, n, seed, percentiles, workers=workers, on_progress=on_progress)
    frame = mc.frame(index=inputs.countries, columns=METRICS).rename(columns={"row": "country", "column": "metric"})
    return ThetaBands(frame=frame, montecarlo=mc)
