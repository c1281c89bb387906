"""The ``usmca`` command line: ``usmca <group> <command>``.

Each group's commands live in their own module (``law.py``, ``origin.py``, ...), registered on the
typer apps of :mod:`usmca.cli.apps` when imported here. A :class:`usmca.errors.UserInputError`
becomes one line on stderr and exit status 2; usage errors also exit 2.
"""

from __future__ import annotations

import importlib
import sys

from usmca.errors import UserInputError

from .apps import app

__all__ = ["app", "main"]

# Command modules, one per group or topic. Each registers its commands on import.
_COMMAND_MODULES = (
    "law", "origin", "origin_certificate", "tariffs", "ge", "data_psr", "data_hts",
    "data_trade", "data_baseline", "ge_gravity", "review", "serve",
)

for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a group not written yet
        if exc.name != f"{__name__}.{_name}":
            raise


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script.

    Usage errors exit 2 (click's standalone handling); a :class:`UserInputError` raised by a
    command becomes ``error: <one line>`` on stderr and exit status 2, never a traceback.
    """
    try:
        app(args=argv, prog_name="usmca", standalone_mode=True)
    except UserInputError as exc:
        sys.stderr.write(f"error: {exc.one_line()}\n")
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
