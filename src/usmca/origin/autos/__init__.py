"""The automotive origin engine (USMCA Appendix to Annex 4-B; SOR/2020-155 Part 6; 19 CFR 182 App. A).

Two functions, called by ``usmca.origin.qualify`` through ``usmca.origin.context``:

- :func:`automotive_rule` (hs, use, date, tree, description=None): the Appendix's product-specific
  rule with its dated RVC thresholds, or ``None`` when the good is not automotive; ``use`` names
  the vehicle class (:data:`usmca.origin.autos.classify.USES`, incl. ``other_vehicle_s20_2``,
  ``other_vehicle_s20_3`` and ``aftermarket`` for s. 20), optionally ``"<class>:<description>"``
  to settle a description-limited s. 13 alternative; a heavy truck gains the s. 18(22) floor
  alternative while the LVC credit is in force;
- :func:`automotive_requirements` (bom, date, tree): the further vehicle requirements (core
  parts, labour value content, the heavy-truck LVC credit of s. 18(22), steel and aluminum
  purchases; the US-content review option), each with a ``gap`` when failing; for parts, the
  s. 20(4) traced RVC and the verdict under a declared ``automotive.part_description_class``.
"""

from __future__ import annotations

from .requirements import automotive_requirements
from .rule import automotive_rule

__all__ = ["automotive_rule", "automotive_requirements"]
