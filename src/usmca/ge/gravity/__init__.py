"""One-sector structural gravity: baseline, conditional and exact full-endowment counterfactuals.

Pure kernels in :mod:`.kernels`, the validating shell in :mod:`.model`, immutable results in
:mod:`.results`; the book's GEPPML loop in :mod:`.geppml` (to show where its numbers come from).
"""

from .costs import phi_from_coefficients
from .model import solve_baseline, solve_counterfactual
from .results import GravityBaseline, GravityCounterfactual, SolveDiagnostics, effect_of

__all__ = ["solve_baseline", "solve_counterfactual", "phi_from_coefficients", "GravityBaseline", "GravityCounterfactual",
           "SolveDiagnostics", "effect_of"]
