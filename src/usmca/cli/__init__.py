"""The ``usmca`` command line: ``usmca <group> <command>``.

Each group's commands live in their own module (``law.py``, ``origin.py``, ...), registered on the
typer apps of :mod:`usmca.cli.apps` when imported here. A :class:`usmca.errors.UserInputError`
becomes one line on stderr and exit status 2; usage errors also exit 2.
"""

from __future__ import annotations

import importlib
import sys

import click

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
    """Entry point of the console script; maps user errors to exit status 2."""
    try:
        app(args=argv, standalone_mode=False)
    except UserInputError as exc:
        sys.stderr.write(f"error: {exc.one_line()}\n")
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(1)
