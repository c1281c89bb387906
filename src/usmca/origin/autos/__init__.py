"""The automotive origin engine (USMCA Appendix to Annex 4-B; SOR/2020-155 Part 6; 19 CFR 182 App. A).

Two functions, called by ``usmca.origin.qualify`` through ``usmca.origin.context``:

- :func:`automotive_rule` (hs, use, date, tree): the Appendix's product-specific rule with its
  dated RVC thresholds, or ``None`` when the good is not automotive;
- :func:`automotive_requirements` (bom, date, tree): the further vehicle requirements (core
  parts, labour value content, steel and aluminum purchases; the US-content review option).
"""

from __future__ import annotations

from .requirements import automotive_requirements
from .rule import automotive_rule

__all__ = ["automotive_rule", "automotive_requirements"]
