"""One-sector structural gravity: baseline, conditional and exact full-endowment counterfactuals.

Anderson and van Wincoop (2003), *American Economic Review* 93(1): 170-192,
https://doi.org/10.1257/000282803321455214, solved as in Yotov, Piermartini, Monteiro and Larch
(2016), *An Advanced Guide to Trade Policy Analysis*, ch. 2,
https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf.

Pure kernels in :mod:`.kernels`, the validating shell in :mod:`.model`, immutable results in
:mod:`.results`; the book's GEPPML loop in :mod:`.geppml` (to show where its numbers come from).

Public API (the same result surface as :mod:`usmca.ge.caliendo_parro`)::

    from usmca.ge.gravity import solve_baseline, solve_counterfactual
    base = solve_baseline(countries, phi, y, e, reference="DEU")
    cf = solve_counterfactual(base, phi_cf, sigma)
    cf.countries, cf.bilateral, cf.country_names, cf.diagnostics, cf.to_dict()
"""

from .costs import phi_from_coefficients
from .model import solve_baseline, solve_counterfactual
from .results import GravityBaseline, GravityCounterfactual, SolveDiagnostics, effect_of

__all__ = ["solve_baseline", "solve_counterfactual", "phi_from_coefficients", "GravityBaseline", "GravityCounterfactual",
           "SolveDiagnostics", "effect_of"]
