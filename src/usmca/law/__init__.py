"""The law as dated, cited parameters (``usmca.law``).

A tree of YAML files mirrors the legal hierarchy (agreement, chapter, article; US measures by
authority). Each value has an effective date and its own reference. Reforms are parameter diffs.

>>> from usmca.law import default_tree
>>> default_tree().at("usmca/ch04/de_minimis/general", "2025-03-01")
10
"""

from __future__ import annotations

from .parameter import Parameter
from .reform import Change, Reform
from .table import TableParameter
from .tree import PARAMS_ROOT, LawTree, default_tree, load_tree
from .values import Entry, Reference, parse_date, units
from .view import LawView

__all__ = [
    "Change", "Entry", "LawTree", "LawView", "PARAMS_ROOT", "Parameter", "Reference", "Reform", "TableParameter",
    "default_tree", "load_tree", "parse_date", "units",
]
