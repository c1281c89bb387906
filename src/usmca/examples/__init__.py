"""Example bills of materials shipped with the package (the review's origin what-if, the dashboard).

``examples/*_bom.yaml`` in the repository are links to these files, so the README's commands and
an installed package read the same BOMs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["example_boms", "example_bom"]

#: The examples, in the order the briefing and the dashboard list them.
EXAMPLE_NAMES = ("auto_part_bom.yaml", "vehicle_bom.yaml", "electronics_bom.yaml")


def example_boms() -> list[Path]:
    """Paths of the example bills of materials (package data)."""
    root = Path(str(resources.files(__name__)))
    return [root / n for n in EXAMPLE_NAMES]


def example_bom(name: str) -> Path:
    """The example called ``name`` (with or without ``.yaml``).

    Raises
    ------
    KeyError
        When no example has that name.
    """
    key = name if name.endswith(".yaml") else f"{name}.yaml"
    if key not in EXAMPLE_NAMES:
        raise KeyError(name)
    return Path(str(resources.files(__name__))) / key
