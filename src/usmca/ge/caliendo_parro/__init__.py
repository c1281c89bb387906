"""Caliendo-Parro (2015) multi-sector, multi-country GE model with input-output linkages.

Caliendo, L. and Parro, F. (2015), "Estimates of the Trade and Welfare Effects of NAFTA",
*Review of Economic Studies* 82(1): 1-44, https://doi.org/10.1093/restud/rdu035.

Public API::

    from usmca.ge.caliendo_parro import CPInputs, CPResults, solve, inputs_from_levels
    res = solve(inputs, new_tariffs, trade_cost_hat=None, balanced=False)
    res.countries, res.sectors, res.bilateral, res.country_names, res.diagnostics, res.to_dict()

The gravity model (:mod:`usmca.ge.gravity`) returns the same surface (without ``sectors``).
"""

from .inputs import CPInputs
from .levels import inputs_from_levels
from .results import CPResults
from .solve import DEFAULT_MAX_ITER, DEFAULT_TOL, solve

__all__ = ["CPInputs", "CPResults", "solve", "inputs_from_levels", "DEFAULT_TOL", "DEFAULT_MAX_ITER"]
