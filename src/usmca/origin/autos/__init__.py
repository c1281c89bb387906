"""The automotive origin engine (USMCA Appendix to Annex 4-B; SOR/2020-155 Part 6; 19 CFR 182 App. A).

Plugged into the origin core by :func:`usmca.origin.qualify.make_context` as a rule source and a
requirement hook (:mod:`.source`); usable directly through two functions:

- :func:`automotive_rule` (hs, use, date, tree, description=None): the Appendix's product-specific
  rule with its dated RVC thresholds, or ``None`` when the good is not automotive; ``use`` names
  the vehicle class (:data:`usmca.origin.autos.classify.USES`, incl. ``other_vehicle_s20_2``,
  ``other_vehicle_s20_3`` and ``aftermarket`` for s. 20), optionally ``"<class>:<description>"``
  to settle a description-limited s. 13 alternative; a heavy truck gains the s. 18(22) floor
  alternative while the LVC credit is in force;
- :func:`automotive_requirements` (bom, date, tree, evaluate): the further vehicle requirements
  (core parts, labour value content, the heavy-truck LVC credit of s. 18(22), steel and aluminum
  purchases; the US-content review option), each with a ``gap`` when failing; for parts, the
  s. 20(4) traced RVC and the verdict under a declared ``automotive.part_description_class``.
  ``evaluate`` is the core's roll-up (:func:`usmca.origin.qualify.evaluator`).
"""

from __future__ import annotations

from .requirements import automotive_requirements, requirements_for
from .rule import automotive_rule, rule_for
from .source import AutomotiveRequirements, AutomotiveRules

__all__ = ["automotive_rule", "automotive_requirements", "rule_for", "requirements_for", "AutomotiveRules",
           "AutomotiveRequirements"]
