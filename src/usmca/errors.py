"""Exceptions of the toolkit.

A :class:`UserInputError` is the user's fault (bad file, unknown code, missing field, negative
value, date out of range). The command line turns it into one line on stderr and exit status 2;
it always names the source (file or option), the field and the offending value.

A :class:`ShippedDataError` is the package's fault: a file it ships (the law tree, the embedded
baseline) breaks its own schema. The user cannot fix that, so the command line reports it as a
bug of the package (exit status 1) naming the shipped file, the field and the value.
"""

from __future__ import annotations

from typing import Any

__all__ = ["UsmcaError", "UserInputError", "LawError", "ConvergenceError", "NotEncodedError", "ShippedDataError"]


class UsmcaError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class UserInputError(UsmcaError, ValueError):
    """Input the user gave is wrong.

    Parameters
    ----------
    source
        The file or the command-line option the input came from (``"bom.yaml"``, ``"--hts"``).
    field
        The field within it (``"materials[3].value"``); ``""`` when the whole source is at fault.
    value
        The offending value, shown with ``repr``.
    reason
        What is wrong, in a few words (``"must be >= 0"``).
    """

    def __init__(self, source: str, field: str, value: Any, reason: str) -> None:
        self.source = str(source)
        self.field = str(field)
        self.value = value
        self.reason = str(reason)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as one line: ``source: field = value: reason``."""
        where = f"{self.source}: {self.field}" if self.field else self.source
        text = f"{where} = {self.value!r}: {self.reason}"
        return " ".join(text.split())


class LawError(UserInputError):
    """A parameter file, table or reform breaks the law-tree schema."""


class NotEncodedError(UserInputError):
    """The law the question needs is not encoded (for example a product-specific rule)."""


class ConvergenceError(UsmcaError, RuntimeError):
    """A numerical solver did not converge; carries its diagnostics."""

    def __init__(self, message: str, diagnostics: dict[str, Any] | None = None) -> None:
        self.diagnostics = dict(diagnostics or {})
        super().__init__(message)


class ShippedDataError(UsmcaError, RuntimeError):
    """A file the package ships is broken: a bug in the package, not a mistake of the user.

    Parameters
    ----------
    what
        What the file is part of (``"law"`` for the law tree, ``"baseline"``).
    error
        The schema error found in it, naming the file, the field and the value.
    """

    def __init__(self, what: str, error: UserInputError) -> None:
        self.what = str(what)
        self.error = error
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``the shipped <what> is broken: <file>: <field> = <value>: <reason>``."""
        return f"the shipped {self.what} is broken: {self.error.one_line()}"
