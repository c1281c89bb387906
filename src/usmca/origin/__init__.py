"""Rules of origin (USMCA Chapter 4): BOM -> qualification, trace, what-if.

>>> from usmca.origin import qualify
>>> r = qualify("bom.yaml")                     # doctest: +SKIP
>>> r.originating, r.criterion, r.rvc           # doctest: +SKIP

Public API: :func:`qualify`, :func:`load_bom`, :func:`load_boms`, :class:`QualificationResult`,
and the RVC formulas of :mod:`usmca.origin.rvc`. Submodules are loaded on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["qualify", "load_bom", "load_boms", "QualificationResult", "Bom",
           "rvc_transaction_value", "rvc_net_cost"]

_LAZY = {
    "qualify": ("qualify", "qualify"),
    "load_bom": ("bom", "load_bom"),
    "load_boms": ("bom", "load_boms"),
    "Bom": ("bom", "Bom"),
    "QualificationResult": ("result", "QualificationResult"),
    "rvc_transaction_value": ("rvc", "rvc_transaction_value"),
    "rvc_net_cost": ("rvc", "rvc_net_cost"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        value = getattr(importlib.import_module(f"{__name__}.{mod}"), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
