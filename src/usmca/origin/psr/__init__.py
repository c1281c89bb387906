"""Product-specific rules of origin (USMCA Annex 4-B; HTSUS General Note 11(o)).

>>> from usmca.origin import psr
>>> psr.lookup("8402.90", "2025-03-01")["alternatives"]     # doctest: +SKIP
[{'shift': 'CTH', ...}, {'shift': 'none', 'rvc': {'tv': 60, 'nc': 50}, ...}]
>>> psr.coverage()                                           # doctest: +SKIP

Public API: :func:`lookup` (``None`` when the good's rule is not encoded: never a guess),
:func:`coverage` (which chapters are encoded, from which source), :func:`parse_gn11` (the
importer of the General Note 11 text), :func:`import_text` / :func:`read_source` (build a library
from a file or URL: ``usmca data load psr``), :func:`user_library_dir`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["lookup", "coverage", "parse_gn11", "import_text", "read_source", "user_library_dir",
           "clear_cache", "parse_alternative"]

_LAZY = {
    "lookup": ("library", "lookup"),
    "user_library_dir": ("library", "user_library_dir"),
    "clear_cache": ("library", "clear_cache"),
    "coverage": ("coverage_table", "coverage"),
    "parse_gn11": ("gn11", "parse_gn11"),
    "parse_alternative": ("phrases", "parse_alternative"),
    "import_text": ("sources", "import_text"),
    "read_source": ("sources", "read_source"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        value = getattr(importlib.import_module(f"{__name__}.{mod}"), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
