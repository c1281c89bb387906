"""What a reform changes: per change, the law before and after on its first day."""

from __future__ import annotations

from typing import Any

from usmca.errors import UserInputError

from .reform import Reform
from .tree import LawTree

__all__ = ["reform_diff"]


def reform_diff(tree: LawTree, reform: Reform) -> dict[str, Any]:
    """The document of ``usmca law diff --json`` (and of ``POST /law/diff``).

    The reform is validated all-or-nothing against ``tree`` first. Each row gives the path, the
    period, the value before (``None`` where the parameter was not yet in force) and after, the
    unit, and the reference of the new value.
    """
    reformed = tree.with_reform(reform)
    rows = []
    for c in reform.changes:
        try:
            before = tree.at(c.path, c.start)
        except UserInputError:
            before = None
        rows.append({"path": c.path, "from": c.start.isoformat(), "to": c.end.isoformat() if c.end else None,
                     "before": before, "after": reformed.at(c.path, c.start), "unit": tree.parameter(c.path).unit,
                     "reference": c.reference.to_dict() if c.reference else None})
    return {"reform": reform.description, "source": reform.source, "changes": rows}
