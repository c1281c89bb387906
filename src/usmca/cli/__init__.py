"""The ``usmca`` command line: ``usmca <group> <command>``.

Each group's commands live in their own module (``law.py``, ``origin.py``, ...), registered on the
typer apps of :mod:`usmca.cli.apps` when imported; the root group (:class:`usmca.cli.apps.LazyGroup`)
imports a group's modules only when the command line names that group (start-up time). A
:class:`usmca.errors.UserInputError` becomes one line on stderr and exit status 2; usage errors
also exit 2.
"""

from __future__ import annotations

import os
import sys

import typer

from usmca.errors import ShippedDataError, UserInputError

from .apps import app

__all__ = ["app", "main"]

try:  # typer >= 0.20 vendors click as ``typer._click``; its exceptions are not click's
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - an older typer on the real click
    from click import exceptions as _cx  # type: ignore[no-redef]  # the same module under click's name

# raised for a group run without a command (``no_args_is_help``; click >= 8.2)
_NoArgsIsHelp = getattr(_cx, "NoArgsIsHelpError", ())
_Abort = getattr(_cx, "Abort", ())


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script.

    Usage errors exit 2 (click's standalone handling); a :class:`UserInputError` raised by a
    command becomes ``error: <one line>`` on stderr and exit status 2, never a traceback. An
    ``OSError`` on a file the user named also exits 2 with one line; any other exception is a bug
    of the toolkit and exits 1 with one line (``USMCA_DEBUG=1`` re-raises it with its traceback).
    """
    try:
        code = app(args=argv, prog_name="usmca", standalone_mode=False)
    except _NoArgsIsHelp as exc:  # ``usmca law``: the group's help, exit 2 as click does
        typer.echo(exc.ctx.get_help() if exc.ctx is not None else str(exc))
        sys.exit(2)
    except _cx.ClickException as exc:  # usage errors: one line naming the command and option
        ctx = getattr(exc, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        text = " ".join(f"{where}{exc.format_message()}".split())
        sys.stderr.write(f"error: {text} (see --help)\n")
        sys.exit(exc.exit_code)
    except _Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(1)
    except UserInputError as exc:
        sys.stderr.write(f"error: {exc.one_line()}\n")
        sys.exit(2)
    except ShippedDataError as exc:  # a file the package ships is broken: a bug, not the user's input
        if os.environ.get("USMCA_DEBUG"):
            raise
        sys.stderr.write(f"internal error (a bug in usmca, please report): {exc.one_line()}\n")
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(1)
    except OSError as exc:  # a file the user named that the engine did not check first
        if os.environ.get("USMCA_DEBUG"):
            raise
        name = exc.filename if exc.filename is not None else type(exc).__name__
        text = " ".join(f"{name}: {exc.strerror or exc}".split())
        sys.stderr.write(f"error: {text}\n")
        sys.exit(2)
    except Exception as exc:  # a bug: one line, exit 1; USMCA_DEBUG=1 shows the traceback
        if os.environ.get("USMCA_DEBUG"):
            raise
        text = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        sys.stderr.write(f"internal error (please report; USMCA_DEBUG=1 shows the traceback): {text}\n")
        sys.exit(1)
    if isinstance(code, int) and code:
        sys.exit(code)
