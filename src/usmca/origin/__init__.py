"""Rules of origin (USMCA Chapter 4): BOM -> qualification, trace, what-if.

>>> from usmca.origin import qualify
>>> r = qualify("bom.yaml")                     # doctest: +SKIP
>>> r.originating, r.criterion, r.rvc           # doctest: +SKIP

Public API: :func:`qualify`, :func:`load_bom`, :func:`load_boms`, :class:`QualificationResult`,
and the RVC formulas of :mod:`usmca.origin.rvc`.

``qualify`` is imported here eagerly: the submodule :mod:`usmca.origin.qualify` has the same name,
and binding the function at package import keeps ``from usmca.origin import qualify`` the function
whatever is imported first.
"""

from __future__ import annotations

from .bom import Bom, load_bom, load_boms
from .qualify import qualify
from .result import QualificationResult
from .rvc import rvc_net_cost, rvc_transaction_value

__all__ = ["qualify", "load_bom", "load_boms", "QualificationResult", "Bom",
           "rvc_transaction_value", "rvc_net_cost"]
