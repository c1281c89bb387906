"""The net cost and VNM of a BOM's good, computed by the origin core (UR s. 7(3), s. 8; Art. 4.5).

Two Appendix provisions need the good's RVC inside the automotive step, which only receives
the BOM: the heavy-truck LVC credit (s. 18(22)) and the s. 20(4) tracing of Table F/G materials.
The core is asked to roll the materials up once more, on a copy of the BOM without its
``good.use``/``automotive`` data (so the automotive step is not re-entered) and with a neutral
inline rule; the answer is the core's own value of non-originating materials and net cost::

    RVC_NC = (NC - VNM_NC) / NC x 100

where NC is the net cost adjusted for accumulation statements (UR s. 9) and VNM_NC the
value of non-originating materials under the net-cost method (roll-up of originating
materials, UR s. 7(4)-(5)).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from usmca.errors import UserInputError

__all__ = ["Rollup", "rollup"]


@dataclass(frozen=True)
class Rollup:
    """The core's roll-up of a good: adjusted net cost, VNM (NC method), the material lines and the
    core's verdict under the rule given (the neutral rule unless one is passed)."""

    net_cost: Decimal | None
    vnm_nc: Decimal
    lines: tuple[Any, ...]
    originating: bool | None = None

    @property
    def rvc_nc(self) -> Decimal | None:
        """``(NC - VNM) / NC x 100``, or None without a positive net cost."""
        if self.net_cost is None or self.net_cost <= 0:
            return None
        from ..rvc import rvc_net_cost

        return rvc_net_cost(self.net_cost, self.vnm_nc)


def rollup(bom: Mapping[str, Any], date: dt.date | str, tree: Any,
           rule: list[dict[str, Any]] | None = None) -> Rollup | None:
    """Roll the BOM's materials up with the origin core; None when the BOM is not complete.

    Parameters
    ----------
    bom
        The BOM mapping passed to :func:`usmca.origin.autos.automotive_requirements`.
    date, tree
        Date and law tree of the determination.
    rule
        An inline rule to determine the good under (default: a neutral rule, no shift, no RVC).

    Returns
    -------
    Rollup or None
        None when the mapping is not a full BOM (e.g. no ``produced_in`` or materials), so the
        caller reports "cannot be computed" rather than guessing.
    """
    from usmca.law import parse_date

    from ..bom import as_bom
    from ..context import Context
    from ..determine import evaluate_bom

    raw = copy.deepcopy(dict(bom))
    good = dict(raw.get("good") or {})
    if "materials" not in raw or "produced_in" not in good:
        return None
    good.pop("use", None)
    good["rule"] = rule or [{"shift": "none", "text": "neutral rule: roll-up for the automotive step"}]
    raw["good"] = good
    raw.pop("automotive", None)
    try:
        parsed = as_bom(raw)
    except UserInputError:
        return None
    res = evaluate_bom(parsed, Context(tree, parse_date(date)))
    return Rollup(res.bases.nc, res.vnm_nc, tuple(res.lines), res.originating)
