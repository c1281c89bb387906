"""The good's roll-up for the automotive step, asked of the origin core (UR s. 7(3), s. 8; Art. 4.5).

Several Appendix provisions need the good's RVC inside the automotive step: the heavy-truck LVC
credit (s. 18(22)), the s. 20(4) tracing of Table F/G materials, the new-plant RVC (s. 20(8)) and
the verdict under a declared description (s. 13). The automotive engine does not compute it: the
core hands it an :data:`usmca.origin.hooks.Evaluate` callable (its own roll-up of the materials,
without the good's automotive data so that the step is not re-entered) and the engine binds it to
the BOM once::

    RVC_NC = (NC - VNM_NC) / NC x 100

where NC is the net cost adjusted for accumulation statements (UR s. 9) and VNM_NC the value of
non-originating materials under the net-cost method (roll-up of originating materials, UR s. 7(4)-(5)).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from usmca.errors import UserInputError

from ..bom import Bom, as_bom
from ..hooks import Evaluate, Rollup

__all__ = ["Rollup", "Roll", "bind", "as_typed_bom"]

#: The roll-up of one BOM under a rule (default: the neutral rule); ``None`` when it cannot be
#: computed from the BOM (no full BOM given).
Roll = Callable[..., "Rollup | None"]


def as_typed_bom(bom: Bom | Mapping[str, Any]) -> Bom | None:
    """The typed BOM, from a :class:`Bom` or (direct calls of the engine) a mapping.

    ``None`` when the mapping is not a full BOM (e.g. no ``produced_in`` or no materials), so the
    checks that need the good's RVC report "cannot be computed" rather than guessing.
    """
    if isinstance(bom, Bom):
        return bom
    good = bom.get("good") or {}
    if "materials" not in bom or not isinstance(good, Mapping) or "produced_in" not in good:
        return None
    try:
        return as_bom(bom)
    except UserInputError:
        return None


def bind(bom: Bom | None, evaluate: Evaluate) -> Roll:
    """``roll(rule=None)``: the core's roll-up of ``bom`` under ``rule`` (``None`` without a BOM)."""
    def roll(rule: list[dict[str, Any]] | None = None) -> Rollup | None:
        return None if bom is None else evaluate(bom, rule)

    return roll
